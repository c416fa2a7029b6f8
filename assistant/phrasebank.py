"""The phrase banks (``prompts/phrases/<lang>.yaml``) and the section rules (``prompts/sections.yaml``).

Models reject unknown keys, so a misspelt key in a bank is an error that names the file and the key. A template
is register-neutral text, or one text per register the language has (``{formal: ..., informal: ...}``); every
bank has the same keys and the same number of variants per list, so variant *i* says the same thing in every
language (tests/test_phrases.py proves it).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Union

from .errors import ResourceError, UnsupportedLanguageError
from .resources import Strict, load_model, prompts_dir

# A template is register-neutral text, or one text per register the language has.
Text = Union[str, dict[str, str]]  # noqa: UP007 -- pydantic needs the runtime Union here
Variants = tuple[Text, ...]


class SectionSpec(Strict):
    key: str
    intent: str | None = None  # English description the citations are chosen by; None: no citations
    cites: bool = False  # must this section cite passages when any were retrieved?
    preferred: tuple[str, ...] = ()  # passage ids to cite when no embedder chose (pure fallback)


class Rules(Strict):
    topics: tuple[str, ...]
    moods: tuple[str, ...]
    topic_fallback: str
    mood_fallback: str
    escalation_flags: tuple[str, ...]
    serious_flags: tuple[str, ...]
    serious_moods: tuple[str, ...]
    gesture_topics: tuple[str, ...]  # remedy is a goodwill gesture that a serious case's compensation replaces
    prevent_topics: tuple[str, ...]
    safety_flags: tuple[str, ...]
    repeat_flags: tuple[str, ...]
    churn_flags: tuple[str, ...]
    second_citation_margin: float  # cite a second passage only if this close to the best one
    fallback_language: str


class SectionsFile(Strict):
    sections: tuple[SectionSpec, ...]
    rules: Rules


class Greeting(Strict):
    named: Variants
    anonymous: Variants


class Acknowledge(Strict):
    thanks: Variants
    topics: dict[str, Variants]
    recap: Variants


class Empathize(Strict):
    moods: dict[str, Variants]
    repeat_contact: Variants


class NextSteps(Strict):
    topics: dict[str, Variants]
    owner: Variants
    escalation: Variants
    safety: Variants
    informed: Variants


class Remedy(Strict):
    topics: dict[str, Variants]
    serious: Variants


class FollowUp(Strict):
    check_back: Variants
    prevent: Variants
    churn: Variants


class Closing(Strict):
    sign_off: Variants


class PhraseBank(Strict):
    language: str
    registers: tuple[str, ...]  # registers with their own wording, e.g. (formal, informal)
    default_register: str
    register_aliases: dict[str, str] = {}  # requested register -> the one used (nb: formal -> informal)
    labels: dict[str, str]  # section labels for the UI
    placeholders: dict[str, str]  # words shown for what the agent must fill in
    fact_labels: dict[str, str]
    list_separator: str
    notes: dict[str, str]
    greeting: Greeting
    acknowledge: Acknowledge
    empathize: Empathize
    next_steps: NextSteps
    remedy: Remedy
    follow_up: FollowUp
    closing: Closing

    def resolve_register(self, register: str | None) -> str:
        wanted = register or self.default_register
        wanted = self.register_aliases.get(wanted, wanted)
        if wanted not in self.registers:
            allowed = sorted({*self.registers, *self.register_aliases})
            raise UnsupportedLanguageError(
                f"register {register!r} is not available in {self.language}; allowed: {', '.join(allowed)}"
            )
        return wanted


def phrases_dir() -> Path:
    return prompts_dir() / "phrases"


@functools.lru_cache(maxsize=32)
def _load_bank(path: str) -> PhraseBank:
    bank = load_model(PhraseBank, Path(path))
    if bank.language != Path(path).stem:
        raise ResourceError(f"{path}: language: {bank.language!r} does not match the file name")
    return bank


def load_phrasebank(language: str) -> PhraseBank:
    """The phrase bank of ``language``; raises UnsupportedLanguageError when there is none."""
    path = phrases_dir() / f"{language}.yaml"
    if not path.exists():
        have = ", ".join(phrasebank_languages())
        raise UnsupportedLanguageError(f"no phrase bank for {language!r}; available: {have}")
    return _load_bank(str(path))


def phrasebank_languages() -> tuple[str, ...]:
    """Languages that have a phrase bank, from the files on disk."""
    return tuple(sorted(p.stem for p in phrases_dir().glob("*.yaml")))


@functools.lru_cache(maxsize=4)
def _load_sections(path: str) -> SectionsFile:
    return load_model(SectionsFile, Path(path))


def load_sections() -> SectionsFile:
    return _load_sections(str(prompts_dir() / "sections.yaml"))


def section_intents() -> dict[str, str]:
    """Section key -> English intent, for the sections that cite guidelines."""
    return {s.key: s.intent for s in load_sections().sections if s.intent}
