"""Data files of complaint analysis: ``prompts/analysis.yaml`` and ``prompts/analysis/<lang>.yaml``.

Loaded and validated once; every error names the file and the key at fault.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import ResourceError
from .resources import Strict, load_model, prompts_dir


class Definition(Strict):
    id: str
    name: str  # English display name
    guideline: tuple[str, ...] = ()  # corpus passage ids that apply


class Currency(Strict):
    threshold: float  # amounts at or above this raise high_value
    symbols: tuple[str, ...]


class ClassifierSettings(Strict):
    l2: float = 3.0  # L2 penalty of the logistic regressions over the example sentences
    sentence_weight: float = 0.5  # weight of the pooled sentences against the whole text
    topic_pooling: Literal["mean", "max"] = "max"  # a topic from its sentences' mean or most telling one
    cue_bonus: float = 1.0  # log-odds added to a topic whose lexical cue appears
    mood_cue_bonus: float = 2.0  # ... to a mood (tone is told by words more than by what the text is about)
    caps_anger_bonus: float = 1.0  # log-odds added to angry/hostile for shouting in capitals ...
    exclamation_bonus: float = 1.0  # ... and for piled-up exclamation marks
    topic_min_probability: float = 0.3  # a less likely topic without a cue is "other"
    mood_min_probability: float = 0.3  # a less likely mood without a cue is "unknown"
    baseline_mood: str | None = None  # the mood a text has only when every sentence has it (calm)
    topicless_moods: tuple[str, ...] = ()  # moods whose example sentences say nothing of the topic (outbursts)
    min_similarity: float = 0.85  # a text whose cosine to every example is lower is like none of them
    bias: dict[str, float] = {}  # log-odds added to a topic or mood: corrects labels the examples under-serve


class AnalysisConfig(Strict):
    topics: tuple[Definition, ...]
    moods: tuple[Definition, ...]
    flags: tuple[Definition, ...]
    currencies: dict[str, Currency]
    classifier: ClassifierSettings = ClassifierSettings()
    mood_cues: dict[str, tuple[str, ...]] = {}  # language-neutral mood cues (emoji)
    mood_from_flags: dict[str, str] = {}  # a flag that tells of a mood, e.g. a legal threat of anger
    brands: tuple[str, ...] = ()  # brand names that mark a product name (case-sensitive)
    non_products: tuple[str, ...] = ()  # capitalised names that are no product: carriers, shops, payment services
    name_particles: tuple[str, ...] = ()  # lower-case words inside a signed name: "van", "von", "de"
    name_titles: tuple[str, ...] = ()  # titles before a signed name, no part of it: "mgr inż.", "Dr.", "Mrs"
    model_words: tuple[str, ...] = ()  # variant words of a model name in any case: "pro", "max", "detect", "evo"
    injection_markup: tuple[str, ...] = ()  # prompt tokens that mark an instruction in any language ("[INST]")


class LabelData(Strict):
    examples: tuple[str, ...] = ()  # labelled sentences for the embedding classifier
    cues: tuple[str, ...] = ()  # precise words or phrases; ``*`` at the end allows any ending
    # Flags: cue groups that count only together, one cue of every group in one sentence ("I've emailed your
    # support twice": a contact word and a count), however many words stand between them.
    together: tuple[tuple[str, ...], ...] = ()
    # Flags: cues that count in a sentence with two or more dates ("I wrote on 3 and 17 March").
    dated: tuple[str, ...] = ()


class FactData(Strict):
    currency: str | None = None  # ISO code meant by an ambiguous symbol ("kr") in this language
    reference_words: tuple[str, ...] = ()  # words introducing an order/case/reference number
    reference_links: tuple[str, ...] = ()  # words between such a word and its number: "is", "er", "est"
    months: tuple[tuple[str, ...], ...] = ()  # 12 entries, each the forms of that month's name
    weekdays: tuple[str, ...] = ()  # the days' names (and their forms "в пятницу"): no product
    sign_offs: tuple[str, ...] = ()  # closing phrases that precede the customer's name
    name_intros: tuple[str, ...] = ()  # phrases that introduce the customer's name: "my name is", "меня зовут"
    name_joiners: tuple[str, ...] = ()  # the word between a couple's first names ("Per og Anne Hansen"); "&" always
    mail_footers: tuple[str, ...] = ()  # a mail app's line under the message: "Sent from my" (names no fact)
    currency_symbols: tuple[str, ...] = ()  # extra spellings used in this language only, e.g. Danish "kr."
    product_leads: tuple[str, ...] = ()  # words after which a capitalised name is what was bought: "a", "min"
    nouns_capitalised: bool = False  # every noun has a capital (German): a capital after a lead names nothing
    # generic goods ("Backofen", "sofa"): where nouns are capitalised one ends a product name; elsewhere one leads it
    product_nouns: tuple[str, ...] = ()
    inflected_endings: tuple[str, ...] = ()  # "Fiskars-kirveen": an inflected compound tail is left out
    time_words: tuple[str, ...] = ()  # before "21.10" they make it a time of day ("kl. 21.10"), not a date
    date_leads: tuple[str, ...] = ()  # before "6-10" they make it a date ("op 6-10"), not a range ("6-10 dagen")
    day_words: tuple[str, ...] = ()  # "day" after a month and its day, part of the date: "marraskuun 3. päivänä"


class InjectionParts(Strict):
    """Word groups of instructions aimed at the assistant; a sentence with words of two groups is one."""

    addressee: tuple[str, ...] = ()  # the machine addressed: "the AI", "chatbot", "reply generator"
    override: tuple[str, ...] = ()  # "ignore", "forget", "disregard"
    rules: tuple[str, ...] = ()  # "instructions", "rules", "guidelines"
    reply: tuple[str, ...] = ()  # what the output should say: "in your reply", "write that", "promise me"
    subjects: tuple[str, ...] = ()  # before an override word they make it a statement: "you ignore", "je"


class Names(Strict):
    topics: dict[str, str]
    moods: dict[str, str]
    flags: dict[str, str]


class LanguageAnalysis(Strict):
    names: Names  # display names in this language, for the agent gloss
    topics: dict[str, LabelData] = {}
    moods: dict[str, LabelData] = {}
    flags: dict[str, LabelData] = {}
    facts: FactData = FactData()
    injection: tuple[str, ...] = ()  # phrases that try to instruct the assistant (those sentences are ignored)
    injection_parts: InjectionParts = InjectionParts()
    # Sentences for the learned guard (``guard_fit``): instructions to the assistant in this language, and
    # ordinary sentences that read like orders but are a customer's own demands ("Write back today!").
    injection_examples: tuple[str, ...] = ()
    injection_counter: tuple[str, ...] = ()
    # Sentences that demand a remedy ("give me my money back"): they say what the customer wants, not what
    # went wrong, so a sentence closest to these does not decide the topic.
    remedy_requests: tuple[str, ...] = ()
    # Sentences that only set the scene (what was bought or ordered, when, the order number): they say nothing of
    # what went wrong either, and read like "I ordered X" in every wrong-item example unless taught otherwise.
    scene_setting: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)  # hashed by identity: one instance per data folder
class AnalysisResources:
    config: AnalysisConfig
    languages: dict[str, LanguageAnalysis]

    def definition(self, kind: str, label: str) -> Definition:
        for d in getattr(self.config, kind):
            if d.id == label:
                return d
        raise KeyError(f"{kind}: {label}")

    def display_name(self, kind: str, label: str, language: str | None = None) -> str:
        """Name of a topic/mood/flag in ``language`` (English when that language has none)."""
        lang = self.languages.get(language or "")
        if lang is not None:
            name = getattr(lang.names, kind).get(label)
            if name:
                return name
        return self.definition(kind, label).name


def _check(path: Path, section: str, keys: set[str], allowed: set[str]) -> None:
    unknown = keys - allowed
    if unknown:
        raise ResourceError(f"{path}: {section}: unknown ids {sorted(unknown)}; allowed: {sorted(allowed)}")


@functools.lru_cache(maxsize=4)
def _load(folder: str) -> AnalysisResources:
    root = Path(folder)
    config = load_model(AnalysisConfig, root / "analysis.yaml")
    ids = {kind: {d.id for d in getattr(config, kind)} for kind in ("topics", "moods", "flags")}
    _check(root / "analysis.yaml", "mood_cues", set(config.mood_cues), ids["moods"])
    _check(root / "analysis.yaml", "mood_from_flags", set(config.mood_from_flags), ids["flags"])
    _check(root / "analysis.yaml", "mood_from_flags", set(config.mood_from_flags.values()), ids["moods"])
    settings = config.classifier
    _check(root / "analysis.yaml", "classifier.topicless_moods", set(settings.topicless_moods), ids["moods"])
    baseline = {settings.baseline_mood} if settings.baseline_mood else set()
    _check(root / "analysis.yaml", "classifier.baseline_mood", baseline, ids["moods"])
    langs: dict[str, LanguageAnalysis] = {}
    for path in sorted((root / "analysis").glob("*.yaml")):
        data = load_model(LanguageAnalysis, path)
        for kind in ("topics", "moods", "flags"):
            _check(path, kind, set(getattr(data, kind)), ids[kind])
            _check(path, f"names.{kind}", set(getattr(data.names, kind)), ids[kind])
        if data.facts.months and len(data.facts.months) != 12:
            raise ResourceError(f"{path}: facts.months: expected 12 entries, got {len(data.facts.months)}")
        if data.facts.currency and data.facts.currency not in config.currencies:
            raise ResourceError(f"{path}: facts.currency: {data.facts.currency!r} is not in analysis.yaml")
        langs[path.stem] = data
    for kind in ("topics", "moods", "flags"):
        for d in getattr(config, kind):
            bad = [p for p in d.guideline if not p.replace("-", "").isalnum()]
            if bad:
                raise ResourceError(f"{root / 'analysis.yaml'}: {kind}.{d.id}.guideline: bad ids {bad}")
    return AnalysisResources(config, langs)


def load_analysis_resources(folder: Path | None = None) -> AnalysisResources:
    """Read and validate the analysis data under ``folder`` (default: the prompts folder)."""
    return _load(str(folder or prompts_dir()))
