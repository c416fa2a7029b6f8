"""The ``Assistant``: wires detection, retrieval, analysis, drafting and review into one object.

Construction is cheap; each model or index loads once, on first use or in ``warm_up()``, and is reused.
Collaborators (embedder, detector) can be handed in, so tests and other tools can swap them.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path

from .analysis import Analyzer
from .analysis_data import load_analysis_resources
from .analysis_fit import training_examples
from .config import Config
from .corpus import SUFFIXES, Corpus, combine_corpora, load_corpus
from .drafting import CitationChooser, compose_draft, passages_for, phrasebank_languages, section_intents
from .embedding import CachedEmbedder, Embedder, load_embedder
from .errors import InputError
from .guard import RememberingEmbedder
from .inputs import check_text
from .language import LanguageDetector
from .resources import normalize_language
from .retrieval import Retriever, Situations
from .review import Reviewer
from .types import Draft, LanguageGuess, Passage, Scorecard

log = logging.getLogger(__name__)
MAX_DOCUMENT_BYTES = 5_000_000
INTENT_K = 3  # passages retrieved per section intent, added to the citation pool
RELEVANCE_WEIGHT = 0.05  # bonus for the passage that best fits the complaint, beside intent cosine


def topic_situations() -> Situations:
    """The analysis topics as retrieval situations: their example sentences (the same the topic classifier
    learns from) and the guideline passages ``prompts/analysis.yaml`` names for each."""
    resources = load_analysis_resources()
    ids, texts, owner = training_examples(resources, "topics")
    guideline = {d.id: d.guideline for d in resources.config.topics}
    return Situations(ids, tuple(guideline.get(i, ()) for i in ids), tuple(texts), tuple(owner))


class Assistant:
    """One configured assistant. Thread-safe after ``warm_up()``."""

    def __init__(
        self,
        config: Config | None = None,
        *,
        embedder: Embedder | None = None,
        detector: LanguageDetector | None = None,
    ) -> None:
        self.config = config or Config()
        self._embedder = embedder
        self._detector = detector
        self._lock = threading.RLock()
        self._retriever: Retriever | None = None
        self._analyzer: Analyzer | None = None
        self._reviewer: Reviewer | None = None
        self._chooser: CitationChooser | None = None
        self._intent_passages: tuple[str, list[Passage]] | None = None  # (corpus fingerprint, passages)

    # -- collaborators, loaded once ------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = CachedEmbedder(load_embedder(self.config.model), self.config.cache_dir)
            return self._embedder

    @property
    def detector(self) -> LanguageDetector:
        with self._lock:
            if self._detector is None:
                self._detector = LanguageDetector()
            return self._detector

    @property
    def retriever(self) -> Retriever:
        with self._lock:
            if self._retriever is None:
                self._retriever = Retriever(
                    self._load_corpus(), self.embedder, self.config.cache_dir, situations=topic_situations()
                )
            return self._retriever

    @property
    def analyzer(self) -> Analyzer:
        with self._lock:
            if self._analyzer is None:
                self._analyzer = Analyzer(self.embedder, cache_dir=self.config.cache_dir)
            return self._analyzer

    @property
    def reviewer(self) -> Reviewer:
        with self._lock:
            if self._reviewer is None:
                self._reviewer = Reviewer(
                    self.embedder, language_detector=self.detector.detect, cache_dir=self.config.cache_dir
                )
                self._reviewer.warm_up()
            return self._reviewer

    @property
    def corpus(self) -> Corpus:
        return self.retriever.corpus

    @property
    def chooser(self) -> CitationChooser:
        with self._lock:
            if self._chooser is None:
                self._chooser = CitationChooser(self.embedder)
            return self._chooser

    def intent_passages(self) -> list[Passage]:
        """The passages that best serve each section's intent, retrieved once per corpus."""
        retriever = self.retriever
        with self._lock:
            cached = self._intent_passages
            if cached is None or cached[0] != retriever.corpus.fingerprint:
                found: dict[str, Passage] = {}
                for intent in section_intents().values():
                    for p in retriever.retrieve(intent, k=INTENT_K, language=None, is_complaint=False):
                        found.setdefault(p.id, p)
                cached = self._intent_passages = (retriever.corpus.fingerprint, list(found.values()))
            return cached[1]

    def cite(self, passages: list[Passage]) -> dict[str, list[Passage]]:
        """Per section, the passages it cites: chosen by intent among the complaint's retrieved passages and
        the passages retrieved for the section intents, preferring those that also fit the complaint."""
        retrieved = {p.id for p in passages}
        pool = passages + [p for p in self.intent_passages() if p.id not in retrieved]
        top = max((p.score for p in passages), default=0.0)
        relevance = {p.id: RELEVANCE_WEIGHT * p.score / top for p in passages} if top > 0 else {}
        with self._lock:  # the chooser's caches are plain dicts
            choice = self.chooser.choose(pool, relevance, similarity=self.retriever.similarity)
        return passages_for(choice, pool)

    def _load_corpus(self) -> Corpus:
        corpora = [load_corpus(self.config.corpus_dir, detect=self._language_of)]
        user_dir = self.config.user_corpus_dir
        if user_dir and user_dir.is_dir() and any(p.suffix.lower() in SUFFIXES for p in user_dir.iterdir()):
            corpora.append(load_corpus(user_dir, detect=self._language_of))
        return combine_corpora(corpora)

    def _language_of(self, text: str) -> str | None:
        return self.detector.detect(text[:2000]).language

    def warm_up(self) -> None:
        """Load every model and index now rather than on the first request."""
        for stage in (self.retriever, self.detector, self.analyzer, self.reviewer):
            log.debug("ready: %s", type(stage).__name__)
        self.detector.warm_up()

    # -- operations --------------------------------------------------------------------------------------
    def check(self, text: str | bytes, what: str = "text") -> str:
        return check_text(text, max_chars=self.config.max_chars, what=what)

    def detect(self, text: str | bytes) -> LanguageGuess:
        """Detect the language of ``text``; ``language is None`` when it cannot tell."""
        return self.detector.detect(self.check(text))

    def retrieve(self, text: str | bytes, k: int = 5, language: str | None = None) -> list[Passage]:
        """The ``k`` guideline passages that best fit ``text`` (any language; cross-lingual)."""
        text = self.check(text)
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}")
        lang = normalize_language(language) if language else self.detector.detect(text).language
        return self.retriever.retrieve(text, k=k, language=lang)

    def analyze(self, text: str | bytes, language: str | None = None):
        """Topic, mood, flags and verbatim facts of a complaint."""
        masked, remember = self._masked(self.check(text))
        lang = normalize_language(language) if language else self.detector.detect(masked).language
        return self.analyzer.analyze(masked, lang, embedder=remember)

    def _masked(self, complaint: str) -> tuple[str, RememberingEmbedder]:
        """The complaint with its instructions blanked out, which every later stage reads (an instruction in another
        language must not choose the reply's language, nor its words the passages), and the embedder that holds
        the guard's sentence vectors for the analysis to reuse (masking the masked text again there costs 0.5 ms)."""
        remember = RememberingEmbedder(self.analyzer.embedder)
        return self.analyzer.mask(complaint, remember), remember

    def draft(
        self,
        text: str | bytes,
        *,
        language: str | None = None,
        customer_name: str | None = None,
        agent_name: str | None = None,
        company: str | None = None,
        register: str | None = None,
        agent_language: str | None = None,
    ) -> Draft:
        """Draft a reply in the customer's language (or ``language``), cited, glossed and pre-send checked."""
        masked, remember = self._masked(self.check(text, what="complaint"))
        detected = self.detector.detect(masked)
        requested = normalize_language(language) if language else detected.language
        banks = phrasebank_languages()
        reply_language, is_fallback = requested, False
        if reply_language not in banks:
            reply_language, is_fallback = normalize_language(self.config.fallback_language), True
        passages = self.retriever.retrieve(masked, k=self.config.retrieve_k, language=requested)
        analysis = self.analyzer.analyze(masked, requested, embedder=remember)
        chosen = self.cite(passages)
        gloss_language = normalize_language(agent_language or self.config.agent_language)
        draft = compose_draft(
            masked,
            language=reply_language,
            analysis=analysis,
            passages=passages,
            section_passages=chosen,
            register=register,
            customer_name=customer_name,
            agent_name=agent_name,
            company=company,
            detected=detected,
            is_fallback=is_fallback,
            gloss_language=gloss_language if gloss_language != reply_language and gloss_language in banks else None,
        )
        review = self.reviewer.review(
            draft.text,
            complaint=None if is_fallback else masked,
            language=reply_language,
            complaint_language=requested if language else None,  # the agent's override stands over a detection
        )
        return dataclasses.replace(draft, review=review)

    def review(
        self, reply: str | bytes, *, complaint: str | bytes | None = None, language: str | None = None
    ) -> Scorecard:
        """Score a reply (and optionally the complaint it answers) against the rubric."""
        reply = self.check(reply, what="reply")
        complaint = self.check(complaint, what="complaint") if complaint is not None else None
        return self.reviewer.review(reply, complaint=complaint, language=language)

    # -- corpus management ------------------------------------------------------------------------------
    def add_documents(self, paths: Iterable[Path]) -> list[str]:
        """Copy ``.txt``/``.md`` files into the user corpus folder and rebuild the index; returns their ids."""
        target = self.config.user_corpus_dir
        if target is None:
            raise InputError("no folder for added documents is configured")
        target.mkdir(parents=True, exist_ok=True)
        added = []
        for path in map(Path, paths):
            if path.suffix.lower() not in SUFFIXES:
                raise InputError(f"{path.name}: only .txt and .md documents can be added")
            if path.stat().st_size > MAX_DOCUMENT_BYTES:
                raise InputError(f"{path.name}: larger than {MAX_DOCUMENT_BYTES // 1_000_000} MB")
            check_text(path.read_bytes(), max_chars=MAX_DOCUMENT_BYTES, what=path.name)
            shutil.copyfile(path, target / path.name)
            added.append(path.name)
        with self._lock:
            self._retriever = None
        self.retriever  # noqa: B018 - rebuild now so errors show here, not on the next request
        return added


@functools.lru_cache(maxsize=1)
def default_assistant() -> Assistant:
    """The process-wide assistant behind the module-level functions."""
    return Assistant()


def detect_language(text: str) -> LanguageGuess:
    """Detect the language of ``text``.

    >>> detect_language("Jeg har ikke fått pakken min ennå").language
    'nb'
    """
    return default_assistant().detect(text)


def retrieve_passages(text: str, k: int = 5, language: str | None = None) -> list[Passage]:
    """The ``k`` guideline passages that best fit ``text``, best first."""
    return default_assistant().retrieve(text, k=k, language=language)


def draft_reply(
    text: str,
    *,
    language: str | None = None,
    customer_name: str | None = None,
    agent_name: str | None = None,
    company: str | None = None,
    register: str | None = None,
) -> Draft:
    """Draft a reply to a complaint in the customer's language, structured and cited."""
    return default_assistant().draft(
        text,
        language=language,
        customer_name=customer_name,
        agent_name=agent_name,
        company=company,
        register=register,
    )


def review_reply(reply: str, *, complaint: str | None = None, language: str | None = None) -> Scorecard:
    """Score a reply against the rubric; criteria that cannot apply are ``passed=None``."""
    return default_assistant().review(reply, complaint=complaint, language=language)
