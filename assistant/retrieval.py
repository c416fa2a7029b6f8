"""Hybrid retrieval over the guideline corpus: dense e5 similarity fused with per-language BM25 and situations.

Dense similarity carries the cross-lingual match (a Norwegian complaint finds the Dutch passage on payment
problems). Raw e5 vectors of one language sit close together, so a Norwegian complaint would prefer any Norwegian
passage to the right Dutch one; the passage vectors are therefore centred per language (minus their language's
mean, shrunk towards the corpus mean for languages with few passages) and the query minus the corpus mean.
BM25 over Snowball stems without stop words sharpens matches within the query's language; words shared across
languages are mostly noise, so other-language passages get no lexical score. The passage vectors are cached on
disk, keyed by the corpus fingerprint and the model name, so they are computed again only when either changes.

A complaint and the guideline it needs rarely share meaning directly: "my parcel is a week late" is about
delivery, the passage an agent should read says "tell the customer which steps you take and when". So a retriever
can also be handed :class:`Situations`: example complaint sentences per kind of situation (the analysis topics)
and the passages each kind calls for (``guideline`` in ``prompts/analysis.yaml``). The query is compared with
every situation's nearest examples, a softmax turns that into how likely each situation is, and each passage
gains that likelihood times ``SITUATION_WEIGHT`` for every situation that names it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import re
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
import stop_words

from .arraycache import mark_used, save_array
from .corpus import Corpus
from .embedding import Embedder
from .resources import languages
from .types import Passage

log = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG, so its "Building index from tokens" reached every CLI user's stderr.
logging.getLogger("bm25s").setLevel(logging.WARNING)

INDEX_VERSION = "1"
LEXICAL_WEIGHT = 0.1  # weight of the BM25 score beside the centred cosine
LEXICAL_SCALE = 4.0  # a BM25 score this high counts as a full lexical match; single common words score ~1
CENTRING_PRIOR = 5.0  # passages' worth of corpus mean mixed into each language's mean
# Situations (settings chosen on the dev complaints): a situation's score is the mean cosine
# of the query with its SITUATION_NEIGHBOURS nearest examples; e5 cosines of related texts differ by hundredths,
# hence the low softmax temperature.
SITUATION_WEIGHT = 0.7
SITUATION_NEIGHBOURS = 3
SITUATION_TEMPERATURE = 0.005
_WORD = re.compile(r"\w+", re.UNICODE)


@functools.lru_cache(maxsize=32)
def _stemmer(algorithm: str | None) -> Stemmer.Stemmer | None:
    return Stemmer.Stemmer(algorithm) if algorithm else None


@functools.lru_cache(maxsize=32)
def _stopwords(name: str | None) -> frozenset[str]:
    return frozenset(w.casefold() for w in stop_words.get_stop_words(name)) if name else frozenset()


def tokenize(text: str, language: str | None) -> list[str]:
    """Lower-case word tokens without stop words, stemmed with the language's Snowball stemmer if it has one."""
    lang = languages().get(language or "")
    stop = _stopwords(lang.stopwords if lang else None)
    words = [w for w in _WORD.findall(text.casefold()) if (len(w) > 1 or w.isdigit()) and w not in stop]
    stemmer = _stemmer(lang.stemmer if lang else None)
    return stemmer.stemWords(words) if stemmer else words


def centre_by_language(vectors: np.ndarray, langs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Passage vectors minus their (shrunk) language mean, re-normalised; and the corpus mean for queries."""
    corpus_mean = vectors.mean(axis=0)
    out = np.empty_like(vectors)
    codes = np.asarray(langs)
    for code in set(langs):
        rows = codes == code
        n = int(rows.sum())
        mean = (vectors[rows].sum(axis=0) + CENTRING_PRIOR * corpus_mean) / (n + CENTRING_PRIOR)
        out[rows] = vectors[rows] - mean
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out, corpus_mean


@dataclasses.dataclass(frozen=True)
class Situations:
    """Kinds of situation a complaint can be in, each with example sentences and the passages it calls for.

    ``passages[i]`` are the ids of the passages situation ``labels[i]`` calls for (ids missing from the corpus
    are ignored; a situation with none still competes, for texts like no other); ``owner[j]`` is the index of
    the situation that ``examples[j]`` illustrates.
    """

    labels: tuple[str, ...]
    passages: tuple[tuple[str, ...], ...]
    examples: tuple[str, ...]
    owner: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.passages) != len(self.labels) or len(self.owner) != len(self.examples):
            raise ValueError("Situations: labels/passages and examples/owner must have the same lengths")
        if any(not 0 <= i < len(self.labels) for i in self.owner):
            raise ValueError(f"Situations: owner indexes must be below {len(self.labels)}")


def passage_text(passage: Passage) -> str:
    """What gets embedded for a passage: its heading gives a short passage its context."""
    return f"{passage.heading}. {passage.text}" if passage.heading else passage.text


class Retriever:
    """Hybrid dense + BM25 retrieval over one corpus with one embedder, optionally helped by situations."""

    def __init__(
        self,
        corpus: Corpus,
        embedder: Embedder,
        cache_dir: Path | None = None,
        situations: Situations | None = None,
    ) -> None:
        self.corpus = corpus
        self.embedder = embedder
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self._langs = np.array([p.language for p in corpus.passages])
        self._row = {p.id: i for i, p in enumerate(corpus.passages)}
        self._vectors, self._corpus_mean = centre_by_language(self._load_vectors(), list(self._langs))
        self._bm25 = bm25s.BM25()
        self._bm25.index([tokenize(passage_text(p), p.language) for p in corpus.passages], show_progress=False)
        self._situations = situations if situations and situations.examples else None
        if self._situations is not None:
            self._situation_vectors = np.asarray(embedder.embed_queries(list(self._situations.examples)))
            owner = np.asarray(self._situations.owner)
            self._situation_rows = [np.flatnonzero(owner == i) for i in range(len(self._situations.labels))]
            # situation x passage: 1 where the situation calls for the passage
            self._situation_passages = np.zeros((len(self._situations.labels), len(corpus.passages)))
            for i, ids in enumerate(self._situations.passages):
                for pid in ids:
                    if pid in self._row:
                        self._situation_passages[i, self._row[pid]] = 1.0

    @property
    def cache_key(self) -> str:
        model = hashlib.sha256(self.embedder.name.encode()).hexdigest()[:12]
        return f"v{INDEX_VERSION}-{self.corpus.fingerprint}-{model}"

    def _load_vectors(self) -> np.ndarray:
        path = self.cache_dir / "indexes" / f"{self.cache_key}.npy" if self.cache_dir else None
        if path is not None and path.exists():
            try:
                vectors = np.load(path)
            except (OSError, ValueError):  # damaged, or pruned by another process just now
                vectors = np.zeros((0, 0))
            if vectors.shape[0] == len(self.corpus.passages):
                mark_used(path)
                return vectors
            log.warning("index %s is unreadable or has the wrong size; rebuilding", path)
        vectors = self.embedder.embed_documents([passage_text(p) for p in self.corpus.passages])
        if path is not None:
            save_array(path, vectors)
        return vectors

    def retrieve(
        self, text: str, k: int = 5, language: str | None = None, *, is_complaint: bool = True
    ) -> list[Passage]:
        """The ``k`` passages that best fit ``text``, best first, each with its score and why it matched.

        ``is_complaint=False`` leaves the situations out, for texts that are no complaint (a section's intent).
        """
        vector = self.embedder.embed_queries([text])[0]
        return self.rank(text, vector, k=k, language=language, is_complaint=is_complaint)

    def situation_probabilities(self, query_vector: np.ndarray) -> np.ndarray:
        """How likely the text of ``query_vector`` is in each situation (sums to 1; empty without situations)."""
        if self._situations is None:
            return np.zeros(0)
        # einsum, not @: a matrix this size (about 1,400 x 384) wakes OpenBLAS's thread pool, whose spinning
        # threads then slow the encoder's next query on 2 cores from 31 to 70 ms (measured); einsum runs in-thread.
        sims = np.einsum("ij,j->i", self._situation_vectors, query_vector)
        n = SITUATION_NEIGHBOURS
        scores = np.array([np.sort(sims[rows])[-n:].mean() if len(rows) else -1.0 for rows in self._situation_rows])
        odds = np.exp((scores - scores.max()) / SITUATION_TEMPERATURE)
        return odds / odds.sum()

    def similarity(self, query_vectors: np.ndarray, passages: Sequence[Passage]) -> np.ndarray:
        """Language-centred cosine of each query vector with each of ``passages`` (of this corpus)."""
        rows = [self._row[p.id] for p in passages]
        queries = np.atleast_2d(query_vectors) - self._corpus_mean
        queries /= np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
        return queries @ self._vectors[rows].T

    def rank(
        self, text: str, query_vector: np.ndarray, *, k: int, language: str | None, is_complaint: bool = True
    ) -> list[Passage]:
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        query = query_vector - self._corpus_mean
        dense = self._vectors @ (query / max(float(np.linalg.norm(query)), 1e-12))
        query_terms = tokenize(text, language)
        lexical = np.zeros(len(dense))
        if query_terms and language:
            lexical = np.where(self._langs == language, self._bm25.get_scores(query_terms), 0.0)
        lexical_norm = np.minimum(lexical / LEXICAL_SCALE, 1.0)
        fused = dense + LEXICAL_WEIGHT * lexical_norm
        likely = self.situation_probabilities(query_vector) if is_complaint else np.zeros(0)
        if len(likely):
            fused = fused + SITUATION_WEIGHT * (likely @ self._situation_passages)
        order = np.argsort(-fused, kind="stable")[:k]
        return [
            self._explain(
                int(i), float(fused[i]), float(dense[i]), float(lexical_norm[i]), query_terms, language, likely
            )
            for i in order
        ]

    def _explain(
        self,
        i: int,
        score: float,
        dense: float,
        lexical: float,
        terms: Sequence[str],
        language: str | None,
        likely: np.ndarray,
    ) -> Passage:
        passage = self.corpus.passages[i]
        why = f"meaning {dense:.2f}"
        if lexical > 0:
            passage_terms = set(tokenize(passage_text(passage), passage.language))
            shared = sorted({t for t in terms if t in passage_terms})[:6]
            why += f"; words {lexical:.2f}" + (f" ({', '.join(shared)})" if shared else "")
        if len(likely) and self._situations is not None:
            calls = likely * self._situation_passages[:, i]
            best = int(np.argmax(calls))
            if calls[best] >= 0.05:
                why += f"; situation {self._situations.labels[best]} {calls[best]:.2f}"
        if language and passage.language != language:
            why += f"; cross-lingual ({language} → {passage.language})"
        return dataclasses.replace(passage, score=round(score, 4), why=why)
