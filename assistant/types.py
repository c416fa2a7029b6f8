"""Frozen dataclasses that the pipeline stages pass to each other.

Field names are the JSON keys of the CLI and REST contracts; ``to_dict`` gives that JSON shape.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


def to_dict(obj: Any) -> Any:
    """Turn a result dataclass (or a tuple/list/dict of them) into JSON-ready data."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        custom = getattr(obj, "to_dict", None)
        if custom is not None:
            return custom()
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    return obj


@dataclass(frozen=True)
class LanguageScore:
    language: str
    confidence: float


@dataclass(frozen=True)
class LanguageGuess:
    """Result of language detection. ``language is None`` means "cannot tell"."""

    language: str | None
    confidence: float
    alternatives: tuple[LanguageScore, ...] = ()

    @property
    def runner_up(self) -> LanguageScore | None:
        return self.alternatives[0] if self.alternatives else None


@dataclass(frozen=True)
class Document:
    """One guideline document of the corpus (a manifest entry)."""

    id: str
    title: str
    language: str
    source: str  # file name inside the corpus folder


@dataclass(frozen=True)
class Passage:
    """A passage of the corpus; ``score`` and ``why`` are filled in by retrieval."""

    id: str
    document: str
    language: str
    heading: str
    text: str
    score: float = 0.0
    why: str = ""
    source: str = ""  # file the passage comes from
    start: int = 0  # character offsets of ``text`` in that file
    end: int = 0


@dataclass(frozen=True)
class Fact:
    """A fact copied verbatim from the complaint; ``start``/``end`` are offsets into it."""

    kind: str  # order_number, amount, date, product, customer_name
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Flag:
    """A risk flag raised by analysis, with the guideline passages that apply."""

    id: str  # legal_threat, high_value, repeat_contact, safety_risk, churn_threat
    guideline: tuple[str, ...]  # passage ids
    evidence: str = ""


@dataclass(frozen=True)
class Analysis:
    """What the complaint is about and how the customer feels."""

    topic: str  # one of the topics in prompts/analysis.yaml, "other" when unsure
    topic_confidence: float
    mood: str  # calm, frustrated, angry, hostile, or "unknown"
    mood_confidence: float
    flags: tuple[Flag, ...] = ()
    facts: tuple[Fact, ...] = ()

    def facts_by_kind(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for fact in self.facts:
            out.setdefault(fact.kind, []).append(fact.value)
        return out


@dataclass(frozen=True)
class Section:
    key: str  # greeting, acknowledge, empathize, next_steps, remedy, follow_up, closing
    text: str
    citations: tuple[str, ...] = ()  # passage ids


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class CriterionResult:
    id: str
    passed: bool | None  # None: not applicable
    confidence: float
    evidence: tuple[Evidence, ...] = ()
    guideline: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scorecard:
    language: str | None
    score: float
    passed: bool
    criteria: tuple[CriterionResult, ...] = ()

    def criterion(self, criterion_id: str) -> CriterionResult:
        for result in self.criteria:
            if result.id == criterion_id:
                return result
        raise KeyError(criterion_id)


@dataclass(frozen=True)
class Draft:
    """A drafted reply. ``to_dict`` gives the JSON contract of ``complaint-assistant draft``."""

    language: str
    detected: LanguageGuess
    is_fallback: bool  # True when the customer's language had no phrase bank or could not be told
    register: str  # formal / informal
    sections: tuple[Section, ...]
    text: str
    analysis: Analysis
    placeholders: tuple[str, ...] = ()
    passages: tuple[Passage, ...] = ()  # the retrieved passages the citations point into
    notes: tuple[str, ...] = ()  # messages for the agent (fallback used, injection ignored, ...)
    gloss: Draft | None = None  # the same draft in the agent's language
    review: Scorecard | None = None  # the pre-send check of this draft
    extra: dict[str, Any] = field(default_factory=dict)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "detected": to_dict(self.detected),
            "is_fallback": self.is_fallback,
            "register": self.register,
            "sections": {s.key: s.text for s in self.sections},
            "text": self.text,
            "citations": {s.key: list(s.citations) for s in self.sections},
            "facts": self.analysis.facts_by_kind(),
            "flags": [to_dict(f) for f in self.analysis.flags],
            "topic": self.analysis.topic,
            "mood": self.analysis.mood,
            "placeholders": list(self.placeholders),
            "passages": [to_dict(p) for p in self.passages],
            "notes": list(self.notes),
            "gloss": self.gloss.to_dict() if self.gloss else None,
            "review": to_dict(self.review) if self.review else None,
        }
