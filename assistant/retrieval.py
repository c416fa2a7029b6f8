"""Hybrid retrieval over the guideline corpus: dense e5 similarity fused with per-language BM25.

Dense similarity carries the cross-lingual match (a Norwegian complaint finds the Dutch passage on payment
problems). Raw e5 vectors of one language sit close together, so a Norwegian complaint would prefer any Norwegian
passage to the right Dutch one; the passage vectors are therefore centred per language (minus their language's
mean, shrunk towards the corpus mean for languages with few passages) and the query minus the corpus mean.
BM25 over Snowball stems without stop words sharpens matches within the query's language; words shared across
languages are mostly noise, so other-language passages get no lexical score. The passage vectors are cached on
disk, keyed by the corpus fingerprint and the model name, so they are computed again only when either changes.
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


def passage_text(passage: Passage) -> str:
    """What gets embedded for a passage: its heading gives a short passage its context."""
    return f"{passage.heading}. {passage.text}" if passage.heading else passage.text


class Retriever:
    """Hybrid dense + BM25 retrieval over one corpus with one embedder."""

    def __init__(self, corpus: Corpus, embedder: Embedder, cache_dir: Path | None = None) -> None:
        self.corpus = corpus
        self.embedder = embedder
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self._langs = np.array([p.language for p in corpus.passages])
        self._row = {p.id: i for i, p in enumerate(corpus.passages)}
        self._vectors, self._corpus_mean = centre_by_language(self._load_vectors(), list(self._langs))
        self._bm25 = bm25s.BM25()
        self._bm25.index([tokenize(passage_text(p), p.language) for p in corpus.passages], show_progress=False)

    @property
    def cache_key(self) -> str:
        model = hashlib.sha256(self.embedder.name.encode()).hexdigest()[:12]
        return f"v{INDEX_VERSION}-{self.corpus.fingerprint}-{model}"

    def _load_vectors(self) -> np.ndarray:
        path = self.cache_dir / "indexes" / f"{self.cache_key}.npy" if self.cache_dir else None
        if path is not None and path.exists():
            vectors = np.load(path)
            if vectors.shape[0] == len(self.corpus.passages):
                return vectors
            log.warning("index %s has the wrong size; rebuilding", path)
        vectors = self.embedder.embed_documents([passage_text(p) for p in self.corpus.passages])
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, vectors)
            tmp.replace(path)
        return vectors

    def retrieve(self, text: str, k: int = 5, language: str | None = None) -> list[Passage]:
        """The ``k`` passages that best fit ``text``, best first, each with its score and why it matched."""
        return self.rank(text, self.embedder.embed_queries([text])[0], k=k, language=language)

    def similarity(self, query_vectors: np.ndarray, passages: Sequence[Passage]) -> np.ndarray:
        """Language-centred cosine of each query vector with each of ``passages`` (of this corpus)."""
        rows = [self._row[p.id] for p in passages]
        queries = np.atleast_2d(query_vectors) - self._corpus_mean
        queries /= np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
        return queries @ self._vectors[rows].T

    def rank(self, text: str, query_vector: np.ndarray, *, k: int, language: str | None) -> list[Passage]:
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
        order = np.argsort(-fused, kind="stable")[:k]
        return [
            self._explain(int(i), float(fused[i]), float(dense[i]), float(lexical_norm[i]), query_terms, language)
            for i in order
        ]

    def _explain(
        self, i: int, score: float, dense: float, lexical: float, terms: Sequence[str], language: str | None
    ) -> Passage:
        passage = self.corpus.passages[i]
        why = f"meaning {dense:.2f}"
        if lexical > 0:
            passage_terms = set(tokenize(passage_text(passage), passage.language))
            shared = sorted({t for t in terms if t in passage_terms})[:6]
            why += f"; words {lexical:.2f}" + (f" ({', '.join(shared)})" if shared else "")
        if language and passage.language != language:
            why += f"; cross-lingual ({language} → {passage.language})"
        return dataclasses.replace(passage, score=round(score, 4), why=why)
