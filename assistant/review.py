"""Score a reply against the rubric: one verdict per criterion, with evidence spans and the guideline behind it.

The rubric (``prompts/rubric.yaml``) says what each criterion is, which guideline passages it comes from, its
weight and kind; ``prompts/review/<lang>.yaml`` gives, per criterion, labelled example sentences, counter-examples
and precise lexical cues (regular expressions) in that language. Nothing here knows a language or a criterion by
name: a team adds a criterion by adding it to the rubric and giving it examples in the language files.

How a verdict is reached:

* ``present`` criteria (the reply should do it) and ``absent`` ones (faults) classify every sentence of the reply.
  Each criterion has a small logistic-regression classifier over the multilingual sentence embeddings, trained
  once on the example sentences of *all* languages (so a paraphrase in any language is recognised) against its
  counter-examples, a pool of neutral sentences and the other criteria's examples. A cue match decides on its own,
  except in a clause that refuses what the cue names (the criterion's `unless` patterns: "no refund is possible").
  A sentence the classifier flags counts only when it holds one of the criterion's `anchors` (where it has any: a
  follow-up needs a word of contact) and none of its `unless` patterns ("Feel free to call us" invites, it commits
  no one to a call).
  The fitted weights are cached on disk by a hash of their inputs (``review_fit.py``), so a start reads them back.
* ``order`` criteria compare where two others are first shown (empathy before the first apology); they do not
  apply when the later one is absent.
* ``language`` criteria compare the reply's language with the complaint's; they do not apply without a complaint.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from .analysis_data import load_analysis_resources
from .embedding import Embedder
from .embedding import cache_dir as default_cache_dir
from .errors import InputError
from .resources import normalize_language
from .review_fit import Classifiers, load_classifiers
from .rubric import Criterion, CriterionText, RubricData, load_rubric
from .types import CriterionResult, Evidence, LanguageGuess, Scorecard

Detector = Callable[[str], LanguageGuess]

_CUE_CONFIDENCE = 0.95
# A line that is only a placeholder the agent still has to fill in ("[your name]", "[nom de l'entreprise]"): it
# shows no criterion, whatever the classifiers make of its words.
_PLACEHOLDER_ONLY = re.compile(r"\W*\[[^\]\n]*\]\W*")
_SENTENCE = re.compile(r"[^\n.!?…]*(?:[.!?…]+[\"'»”)]*|\n|$)")
_CLAUSE_EDGE = re.compile(r"[,;:]\s|\s[–—]\s")
_OPENING_WORDS = 4  # a sentence's first clause of at most this many words governs the next ("Si quieres, ...")
_DAY_BEFORE = re.compile(r"(?<![\d.])\d{1,2}\.\Z")  # "14." of "am 14. Mai": searched up to the full stop


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


@functools.lru_cache(maxsize=1)
def _month_name() -> re.Pattern[str]:
    """A month's name in any supported language (``facts.months`` of ``prompts/analysis/<lang>.yaml``)."""
    names = {form for lang in load_analysis_resources().languages.values() for m in lang.facts.months for form in m}
    return re.compile("(?:" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?!\w)",
                      re.IGNORECASE)


def _continues(text: str, end: int) -> bool:
    """Whether a full stop just before ``end`` is no sentence end: it stands inside a token ("z.B.", "12.500",
    "example.com"), the same line goes on in lower case, with a digit or with a comma ("1. mars", "kl. 7",
    "ca. 3 dager", "Datum 28.10., Betrag 14,90 €"), or it marks a day before a capitalised month ("am 14. Mai")."""
    if text[end - 1] != ".":
        return False
    rest = end
    while rest < len(text) and text[rest] in " \t\u00a0":
        rest += 1
    if rest < len(text) and _DAY_BEFORE.search(text, max(0, end - 3), end) and _month_name().match(text, rest):
        return True
    return rest < len(text) and (text[rest].islower() or text[rest].isdigit() or text[rest] in ",;:"
                                 or (rest == end and text[rest].isalnum()))


def _sentence_of(spans: Sequence[_Span], span: _Span) -> int | None:
    """The index of the sentence in ``spans`` where ``span`` starts, or None."""
    return next((i for i, s in enumerate(spans) if s.start <= span.start < s.end), None)


def split_sentences(text: str) -> list[_Span]:
    """Sentence (and line) spans of ``text``, trimmed of surrounding white space; empty ones dropped."""
    spans = []
    start = 0
    for match in _SENTENCE.finditer(text):
        end = match.end()
        if end < len(text) and end > match.start() and _continues(text, end):
            continue  # the sentence goes on: the next match extends this one
        span_start = start
        start = end
        while span_start < end and text[span_start].isspace():
            span_start += 1
        while end > span_start and text[end - 1].isspace():
            end -= 1
        if any(ch.isalnum() for ch in text[span_start:end]):
            spans.append(_Span(span_start, end))
    return spans


def _word_end(text: str, end: int) -> int:
    """Extend a cue match that stops inside a word ("irriter" of "irriterende") to the end of that word."""
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return end


def _default_detector(text: str) -> LanguageGuess:
    """The project's language detector (one per process)."""
    from .language import detect_language

    return detect_language(text)


class Reviewer:
    """Scores replies against the rubric. Build once; the classifiers are fitted (or read from the cache) on
    first use. ``cache_dir`` is where fitted weights are kept (default: the user cache; None: fit every time).

    >>> reviewer = Reviewer(embedder)                                        # doctest: +SKIP
    >>> card = reviewer.review("Hei Kari, takk for at du sa fra ...", complaint="Pakken kom aldri.")  # +SKIP
    >>> card.criterion("timeframe").passed                                   # doctest: +SKIP
    """

    def __init__(
        self,
        embedder: Embedder,
        language_detector: Detector | None = None,
        rubric: RubricData | Path | None = None,
        cache_dir: Path | None | Literal["default"] = "default",
    ) -> None:
        self._embedder = embedder
        self._detect = language_detector or _default_detector
        self.data = rubric if isinstance(rubric, RubricData) else load_rubric(rubric)
        self.rubric = self.data.rubric
        self._cache_dir = default_cache_dir() if cache_dir == "default" else cache_dir
        self._classifiers: Classifiers | None = None
        self._cues = self._patterns("cues")
        self._unless = self._patterns("unless")
        self._requires = self._patterns("requires")
        self._anchors = self._patterns("anchors")

    def _patterns(self, field: Literal["cues", "unless", "requires", "anchors"]) -> dict[str, list[re.Pattern[str]]]:
        """Each criterion's patterns of ``field``, pooled over the languages."""
        return {
            c.id: [
                re.compile(cue, re.IGNORECASE | re.MULTILINE)
                for lang in self.data.languages.values()
                for cue in getattr(lang.criteria.get(c.id, CriterionText()), field)
            ]
            for c in self.rubric.criteria
        }

    def criterion_text(self, criterion_id: str, language: str | None) -> tuple[str, str]:
        """Name and description of a criterion in ``language`` when the language file has them, else English."""
        criterion = self.rubric.criterion(criterion_id)
        local = self.data.languages.get(language or "", None)
        text = local.criteria.get(criterion_id) if local else None
        return (text.name if text and text.name else criterion.name,
                text.description if text and text.description else criterion.description)

    def warm_up(self) -> None:
        """Fit (or read back from the cache) one classifier per criterion, once."""
        if self._classifiers is None:
            self._classifiers = load_classifiers(self.data, self._embedder, self._cache_dir)

    def review(
        self,
        reply: str,
        *,
        complaint: str | None = None,
        language: str | None = None,
        complaint_language: str | None = None,
    ) -> Scorecard:
        """Score ``reply`` (optionally against the ``complaint`` it answers) on every rubric criterion.

        ``complaint_language`` is the customer's language when someone has stated it (an agent who overrides the
        detected language before drafting); ``language_matches`` then holds the reply to it instead of to a
        detection of the complaint.
        """
        if not reply or not reply.strip():
            raise InputError("the reply to review is empty")
        self.warm_up()
        assert self._classifiers is not None
        reply_lang = normalize_language(language) if language else self._detect(reply).language
        spans = split_sentences(reply)
        probs: dict[str, np.ndarray] = {}
        closeness = np.zeros(len(spans))  # cosine of each sentence with the complaint
        if spans:
            x = self._embedder.embed_queries([reply[s.start:s.end] for s in spans]).astype(np.float64)
            probs = self._classifiers.probabilities(x)
            blank = np.array([bool(_PLACEHOLDER_ONLY.fullmatch(reply[s.start:s.end])) for s in spans])
            probs = {cid: np.where(blank, 0.0, p) for cid, p in probs.items()}
            if complaint and complaint.strip() and any(c.complaint_similarity for c in self.rubric.criteria):
                closeness = np.where(blank, 0.0, x @ self._embedder.embed_queries([complaint])[0].astype(np.float64))

        found: dict[str, tuple[list[_Span], float]] = {}  # criterion -> (evidence spans, confidence shown)
        for c in self.rubric.criteria:
            if c.check in ("present", "absent"):
                found[c.id] = self._find(reply, spans, probs.get(c.id), closeness, c)
                if self._requires[c.id] and not any(p.search(reply) for p in self._requires[c.id]):
                    found[c.id] = ([], min(found[c.id][1], 1 - _CUE_CONFIDENCE))
        for c in self.rubric.criteria:
            for fault in c.shields:
                found[fault] = self._shielded(fault, self._cues[c.id], reply, found[fault], spans, probs)
        for c in self.rubric.criteria:
            if c.check == "present":
                found[c.id] = (self._without_faults(c, reply, found, spans, probs), found[c.id][1])
        for c in self.rubric.criteria:
            implied = [found[i] for i in c.implied_by if found.get(i, ([], 0.0))[0]]
            if c.id in found and implied:
                spans, shown = found[c.id]
                spans = sorted({*spans, *(s for other, _ in implied for s in other)}, key=lambda s: (s.start, s.end))
                found[c.id] = (spans, max([shown, *(conf for _, conf in implied)]))

        results = []
        for c in self.rubric.criteria:
            results.append(self._verdict(c, reply, found, complaint, reply_lang, complaint_language))
        return self._scorecard(reply_lang, results)

    def _find(self, reply: str, spans: list[_Span], prob: np.ndarray | None, closeness: np.ndarray,
              c: Criterion) -> tuple[list[_Span], float]:
        """Where the reply shows criterion ``c`` (cue spans and classified sentences) and how sure that is."""
        hits = [_Span(m.start(), _word_end(reply, m.end())) for cue in self._cues[c.id]
                for m in cue.finditer(reply) if m.end() > m.start()]
        if self._unless[c.id]:
            hits = [h for h in hits if not self._refused(c.id, reply, spans, h)]
        prob = np.zeros(len(spans)) if prob is None else np.where(
            [self._may_show(c.id, reply[s.start:s.end]) for s in spans], prob, 0.0)
        best = float(prob.max()) if len(prob) else 0.0
        sentences = [s for s, p in zip(spans, prob, strict=True) if p >= c.threshold]
        if c.complaint_similarity is not None:
            near = [s for s, sim in zip(spans, closeness, strict=True) if sim >= c.complaint_similarity]
            sentences = sorted(set(sentences) | set(near), key=lambda s: s.start)
            if near:
                best = max(best, c.threshold)
        evidence = list(hits)
        for s in sentences:
            if not any(s.start <= h.start < s.end for h in hits):
                evidence.append(s)
        evidence = sorted(set(evidence), key=lambda s: (s.start, s.end))
        confidence = max(best, _CUE_CONFIDENCE) if hits else best
        return evidence, confidence

    def _may_show(self, cid: str, sentence: str) -> bool:
        """Whether the classifier may find criterion ``cid`` in ``sentence``: it has one of the criterion's anchors
        (when it has any) and matches none of its ``unless`` patterns."""
        anchors = self._anchors[cid]
        if anchors and not any(a.search(sentence) for a in anchors):
            return False
        return not any(u.search(sentence) for u in self._unless[cid])

    def _refused(self, cid: str, reply: str, spans: Sequence[_Span], span: _Span) -> bool:
        """Whether the clause around ``span`` (its sentence cut at commas, ";", ":" and dashes) matches an ``unless``
        pattern of criterion ``cid``: "sale items cannot be refunded, but you can have a voucher" still offers one.
        A short clause that opens the sentence before it belongs to it: "If you like, I'll call you tomorrow" is an
        offer as much as "If you like I'll call you tomorrow"."""
        i = _sentence_of(spans, span)
        start, end = (spans[i].start, spans[i].end) if i is not None else (span.start, span.end)
        breaks = [m.end() for m in _CLAUSE_EDGE.finditer(reply, start, end) if m.end() <= span.start]
        after = [m.start() for m in _CLAUSE_EDGE.finditer(reply, start, end) if m.start() >= span.end]
        if len(breaks) == 1 and len(reply[start : breaks[0]].split()) <= _OPENING_WORDS:
            breaks = []
        text = reply[max(breaks, default=start):min(after, default=end)]
        return any(p.search(text) for p in self._unless[cid])

    def _shielded(self, fault: str, shield: list[re.Pattern[str]], reply: str, found: tuple[list[_Span], float],
                  spans: list[_Span], probs: Mapping[str, np.ndarray]) -> tuple[list[_Span], float]:
        """The evidence of ``fault`` less the sentences that hold a ``shield`` cue and no cue of the fault, unless
        the classifier is surer of the fault than a cue counts (as in :meth:`_without_faults`): "You write that you
        called three times, but our system shows one call" still argues. When no evidence is left, the confidence
        shown is the fault's highest probability among the sentences not shielded."""
        fault_prob = probs.get(fault, np.zeros(len(spans)))

        def shielded(span: _Span) -> bool:
            text = reply[span.start:span.end]
            i = _sentence_of(spans, span)
            sure = i is not None and float(fault_prob[i]) > _CUE_CONFIDENCE
            own = any(p.search(text) for p in self._cues[fault])
            return not sure and not own and any(p.search(text) for p in shield)

        evidence, shown = found
        kept = [ev for ev in evidence if not shielded(ev)]
        if kept or not evidence:
            return kept, shown
        return kept, max((float(p) for s, p in zip(spans, fault_prob, strict=False) if not shielded(s)), default=0.0)

    def _without_faults(self, c: Criterion, reply: str, found: Mapping[str, tuple[list[_Span], float]],
                        spans: list[_Span], probs: Mapping[str, np.ndarray]) -> list[_Span]:
        """The evidence of ``c`` less what lies in a sentence found to be a fault that reads more as that fault
        than as ``c`` (a cue of ``c`` counts as sure): a problem named only to deny it is not acknowledged ("the
        smell cannot have come from the room"). Faults whose examples may show ``c`` (their ``overlaps``: an
        overpromise still names a next step) are not weighed."""
        def prob(cid: str, i: int | None) -> float:
            return float(probs[cid][i]) if i is not None and cid in probs else 0.0

        faults = [f for f in self.rubric.criteria if f.check == "absent" and c.id not in f.overlaps]
        kept = []
        for ev in found[c.id][0]:
            i = _sentence_of(spans, ev)
            text = reply[spans[i].start:spans[i].end] if i is not None else ""
            base = spans[i].start if i is not None else 0
            cued = any(not self._refused(c.id, reply, spans, _Span(base + m.start(), base + m.end()))
                       for cue in self._cues[c.id] for m in cue.finditer(text))
            own = _CUE_CONFIDENCE if cued else prob(c.id, i)
            if not any(prob(f.id, i) > own and any(o.start < ev.end and ev.start < o.end
                                                             for o in found.get(f.id, ([], 0.0))[0])
                       for f in faults):
                kept.append(ev)
        return kept

    def _verdict(self, c: Criterion, reply: str, found: Mapping[str, tuple[list[_Span], float]],
                 complaint: str | None, reply_lang: str | None, complaint_lang: str | None = None) -> CriterionResult:
        def result(passed: bool | None, confidence: float, spans: list[_Span] = ()) -> CriterionResult:
            evidence = tuple(Evidence(s.start, s.end, reply[s.start:s.end]) for s in spans)
            return CriterionResult(c.id, passed, round(float(confidence), 3), evidence, c.guideline)

        if c.check == "present":
            spans, shown = found[c.id]
            return result(True, shown, spans) if spans else result(False, 1 - shown)
        if c.check == "absent":
            spans, shown = found[c.id]
            return result(False, shown, spans) if spans else result(True, 1 - shown)
        if c.check == "order":
            first_spans, first_conf = found.get(c.first or "", ([], 0.0))
            then_spans, then_conf = found.get(c.then or "", ([], 0.0))
            if not then_spans:
                return result(None, 1 - then_conf)
            then_at = then_spans[0]
            before = [s for s in first_spans if s.start < then_at.start]
            if before:
                return result(True, min(first_conf, then_conf), [before[0], then_at])
            return result(False, then_conf, [then_at])
        # language
        if not complaint or not complaint.strip():
            return result(None, 1.0)
        if complaint_lang:
            stated = normalize_language(complaint_lang)
            return result(stated == reply_lang, 1.0) if reply_lang else result(None, 0.0)
        guess = self._detect(complaint)
        if guess.language is None or reply_lang is None:
            return result(None, 0.0)
        if guess.language == reply_lang:
            return result(True, guess.confidence)
        close = any(alt.language == reply_lang and guess.confidence - alt.confidence < 0.2
                    for alt in guess.alternatives)
        if close:
            return result(True, 0.5)
        return result(False, guess.confidence)

    def _scorecard(self, language: str | None, results: list[CriterionResult]) -> Scorecard:
        total = gained = 0.0
        passed = True
        for c, r in zip(self.rubric.criteria, results, strict=True):
            if r.passed is None:
                continue
            total += c.weight
            gained += c.weight if r.passed else 0.0
            if not r.passed and c.kind in ("required", "auto_fail"):
                passed = False
        score = round(gained / total, 4) if total else 0.0
        return Scorecard(language, score, passed, tuple(results))
