"""Named products in a complaint: brand and/or model as written ("Philips Airfryer XXL", "LG F2J3WS2W").

A part of fact extraction (``facts.py``): spans only; the caller decides what overlaps a date or a name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from .analysis_data import AnalysisResources
from .detectors import hunspell_dictionary, spells
from .resources import languages
from .textmatch import fold_str

# Products: a named product, as written -- never a generic noun ("the parcel", "my jacket"). Found where a name
# is unmistakable: a brand-and-model in parentheses ("(Samsung RB38)"); a listed brand and the model words after
# it ("Tefal Ingenio", "iPhone 15 Pro"); a capitalised or camel-case brand followed by a model code ("Sony
# WF-1000XM5", "MacBook Air"); a capitalised name right after a word such as "a", "my", "en", "min"
# (``product_leads``: "a Vitamix", "min Stokke Tripp Trapp") or a generic noun (``product_nouns``: "sofaen Hødnebø
# Lune", "el plan Confort Hogar Plus"); a Latin-script name amid Cyrillic ("чайник
# Redmond"); a listed brand before a model code in lower case ("iphone 13", "Sony wh-1000xm4"); a model-shaped
# name in quotes ("«Moss 3-seter»"); a Cyrillic name with a model code ("холодильник Атлант ХМ-4625-101"), or a
# Cyrillic brand before a Latin model ("Зоряна QL-55U8"); a word no dictionary knows with two model words or more
# ("Lumio Note 12 Pro+"); a brand in capitals before a model code in a letter not shouted ("NORDGLØD PX-1500/T"). Model
# words (``model_words``) and codes after any of these go with it ("EQ.6 plus s300", "Dyson V8 absolute"); a
# generic noun that a capitalising language writes after the name (``product_nouns``: "Neff N 70 Backofen") ends
# it. Carriers, shops, payment services, software versions and error codes (``non_products``) are left out.
_CAP = r"(?:[A-ZÀ-ÞА-ЯЁІЇЄ][\w&+-]*|i[A-Z]\w*|\d[\w-]*)"
_NUMBER_ONLY = re.compile(r"\d+(?:[.,]\d+)?")
_PAREN_PRODUCT = re.compile(r"\((" + _CAP + r"(?:[ ]" + _CAP + r"){1,4})(?=[,)])")
# A model code, with dotted parts ("ECAM22.110.B", or after a space "ECAM 370.95.T": numbers and dots that end in
# letters, unlike a date or an amount), a variant after a slash ("EP5447/90", "25CS/1-5") or a "+" ("S23+")
_VARIANT = r"(?:/(?:[A-Z\d]{1,3}|[a-z]{1,3}(?![\w-]))(?:-[A-Z\d]{1,3})?)?(?:\+\d{1,2}(?!\d))?\+?"
_MODEL = (
    r"(?:\d+(?:\.\d+)+\.[A-Za-z]+(?![\w.])|\d{1,5}/[A-Z]{1,3}(?![\w/-])|"
    r"[A-Za-z]*-?\d+[A-Za-z][\w-]*" + _VARIANT + r"|[A-Za-z]+-?\d[\w-]*(?:\.[A-Za-z\d]+)*" + _VARIANT
    + r"|[A-Z][a-z]+[A-Z]\w*"
    r"|i[A-Z]\w*)"
)
# Cyrillic capitals after a brand ("Яндекс Станция Макс") and model codes with Cyrillic letters ("ХМ-4625-101",
# "ХМ 4421-009-ND": letters, then digits joined by hyphens)
_CYRILLIC_WORD = r"[А-ЯЁІЇЄ][а-яёіїєґ'’]+(?![\w-])"
_CYRILLIC_CODE = r"[А-ЯЁІЇЄ]{1,4}(?:-?\d[\w]*|[ ]\d+(?=-))(?:-[\w]+)*(?:/\w{1,3})?(?![\w/-])"
_BRAND = r"(?:[A-Z][a-z]+(?:[A-Z]\w*)?|[A-Z]{2,5}|i[A-Z]\w*)"
# "6" in "Serie 6", "11.60" in "Flex 11.60"; not "1 299" or "12.05.2024" (a date found first ends the name anyway)
_SHORT_NUMBER = r"\d{1,5}(?:\.\d{1,2})?(?![\w.,:/-]?\d)\+?"
# a size or variant of two numbers after a name's first word ("Aura 9/25", "KB 12/2", "Tindra 45+5", "Komfort 3+2",
# "KF 185-4"), or a capital and a number ("900 X/2"); a bare day and month found as a date right after a model code
# is left to the name (``facts.py``)
_NUMBER_PAIR = r"(?:\d{1,4}[/+]\d{1,3}|\d{2,4}-\d{1,2}|[A-Z]/\d{1,2})(?![\w.,:/+-]?\d)"
_FOLLOWERS = r"{0,5}"  # words after a brand: "Bang & Olufsen Beosound A1 2nd Gen", "Cecotec Cecofry Full InoxBlack Pro"
_FOLLOWER = (  # a model code ("EQ.6" before "EQ"), a capitalised word ("X-Force"), a short number, a letter before one;
    # a number joined to a word ("3000-serie", "Pavilion 15-eg"), a capital before a capitalised part ("Z Fold6")
    r"(?:[A-Z]{1,3}\.\d{1,4}(?!\d)|" + _MODEL + r"|(?:[A-ZÀ-Þ][\w'’&]*\w|[A-Z](?=-))(?:-[A-Za-z\d][\w'’]*)*\+?|"
    r"[a-z]-[A-Z]\w*|"  # "Solid+", "i-Size"
    r"\d{1,4}-[^\W\d_]\w*(?:-\w+)*(?![\w-])|" + _NUMBER_PAIR + "|" + _SHORT_NUMBER
    + r"|[A-Z](?=[ ]\d)|[A-HJ-Z](?=[ ][A-Z])|[a-z]+[A-Z]\w*|" + _CYRILLIC_WORD + "|" + _CYRILLIC_CODE + ")"
)
_BRAND_MODEL = re.compile(
    r"(?<![\w-])(" + _BRAND + r"(?:[ ](?:" + _BRAND + r"|[A-Z])){0,2}[ ]" + _MODEL + r"(?:[ ](?:[A-Z]\w+|"
    + _NUMBER_PAIR + r"|\d+\b)){0,2})"
    r"|(?<![\w-])((?:[A-Z][a-z]+[A-Z]\w*|i[A-Z]\w*)(?:[ ](?:[A-Z]\w+|" + _NUMBER_PAIR + r"|\d+\b)){1,2})"
)
# a brand in capitals with a model code after it, in a letter that is not shouted ("NORDGLØD PX-1500/T")
_CAPS_BRAND_MODEL = re.compile(r"(?<![\w-])([A-ZÀ-ÞА-ЯЁІЇЄ]{3,12})[ ]" + _MODEL + r"(?![\w+])")
# also a name with a number and a letter ("Ластівки 220М"), or a number joined by a hyphen ("дивана Марсель-3")
_CYRILLIC_MODEL = re.compile(
    r"(?<=[а-яёіїєґ,][ ])(" + _CYRILLIC_WORD + r"[ ](?:" + _CYRILLIC_CODE + r"|\d{2,4}[А-ЯЁІЇЄA-Z]{1,2}(?![\w-]))"
    r"|[А-ЯЁІЇЄ][а-яёіїєґ'’]+-\d{1,4}(?![\w-]))"
)
# A name: a capitalised, camel-case or model-code word, then up to five more such words or short numbers.
_WORD = r"[A-ZÀ-Þ][\w'’]*\w(?:-[A-Z\d][\w'’]*)*"  # "Vitamix", "Wi-Fi", "X-Force"
# A name before a spaced compound tail, as Finnish writes a brand and model with a common noun ("Moccamaster KBG
# Select -kahvinkeitin"): the space before the hyphen marks all before it as one name.
_COMPOUND_TAIL = re.compile(r"-([^\W\d_A-ZÀ-ÞА-ЯЁ][^\W\d_]{2,})")
_NOUN_TAIL = re.compile(r"-([A-ZÀ-Þ][^\W\d_A-ZÀ-Þ]{3,})(?![\w-])")  # "Bosch-Akkuschrauber" where nouns are capitalised
# A name in quotes after the noun it names ("sofaen «Moss 3-seter»", "ліжко «Мрія-3»", "Ecksofa „Kiel U-Form“"):
# capitalised, and shaped like a model (a digit or a hyphen), or two capitalised words -- but not in a shouted letter,
# where every word is capitalised (an error message in quotes: «ОШИБКА СИНХРОНИЗАЦИИ»).
_QUOTED = re.compile(r"(?<=\w[ ])[«\"“„”]([A-ZÀ-ÞА-ЯЁІЇЄ][^«»\"“”„\n]{0,38}[^\s«»\"“”„])[»\"”“]")
_QUOTED_CODE = re.compile(r".*[\d-]")
_QUOTED_SHAPE = re.compile(_QUOTED_CODE.pattern + r"|[A-ZÀ-ÞА-ЯЁІЇЄ]\S*[ ][A-ZÀ-ÞА-ЯЁІЇЄ]")
# A model code in lower case after a listed brand ("dyson v15", "sony wh-1000xm4", "jbl flip 6")
_LOWER_CODE = r"[a-zA-Z]*-?\d[a-zA-Z\d]*(?:-[a-zA-Z\d]+)*\+?"


class _Grammar:
    """The patterns that take the model words of ``prompts/analysis.yaml`` (``model_words``: "pro", "detect",
    "evo"): inside a name in any case ("LG OLED evo C4") and after one ("Dyson V8 absolute", "EQ.6 plus s300")."""

    def __init__(self, model_words: tuple[str, ...], brands: tuple[str, ...]) -> None:
        words = "|".join(re.escape(w) for w in sorted(model_words, key=len, reverse=True)) or r"(?!x)x"
        variant = r"(?i:" + words + r")(?![\w-])\+?"
        # "&" joins two capitalised words of one name ("Cat & Dog"), not two brands ("Philips & Braun")
        other = "|".join(re.escape(b) for b in sorted(brands, key=len, reverse=True)) or r"(?!x)x"
        joined = r"&(?=[ ](?!(?:" + other + r")(?!\w))[A-ZÀ-Þ])"
        self.follower = r"(?:" + variant + "|" + _FOLLOWER + "|" + joined + r")"
        self.name = (r"(?:" + _MODEL + r"|" + _WORD + r"|[a-z]+[A-Z][\w-]*)(?:[ ]" + self.follower + r")"
                     + _FOLLOWERS + r"(?!\w)")
        self.latin = re.compile(  # amid Cyrillic any Latin word is a name's: "roborock S8 Pro", "jbl tune 520bt"
            r"(?<![\w@./-])(?:(?:[a-z][a-z'’-]+[ ])?(?:[A-Z][\w'’-]*[\w]|[a-z]+[A-Z]\w*)(?:[ ]" + self.follower
            + r"){0,4}|[a-z][a-z'’-]+(?:[ ][a-z][a-z'’-]*){0,3}[ ](?=[a-z\d-]*\d)[a-z\d][\w+-]*)(?![\w@])"
        )
        # a capitalised word and two to five model words after it, to be checked (see _unknown_brands)
        self.unknown_brand = re.compile(r"(?<![\w-])(" + _WORD + r")((?:[ ]" + self.follower + r"){2,5})(?![\w+])")
        self.spaced_compound = re.compile(
            r"(?<![\w-])(" + _WORD + r"(?:[ ]" + self.follower + r")" + _FOLLOWERS + r")(?=[ ]-[^\W\d_A-ZÀ-ÞА-ЯЁ]{3,})"
        )
        # After a name: a model word, a model code ("s300", "j7+"), or one capital letter ("Xbox Series X"),
        # though not "I", a pronoun in English and Danish ("the Series S I bought", "kan I sende").
        self.more = re.compile(
            r"[ ](?:" + variant + r"|(?=[a-z\d]*\d)(?=\d*[a-z])[a-z\d]{2,}\+?(?![\w-])|[A-HJ-Z](?![\w'’-]))"
        )


@functools.lru_cache(maxsize=4)
def _grammar(resources: AnalysisResources) -> _Grammar:
    return _Grammar(resources.config.model_words, resources.config.brands)


@functools.lru_cache(maxsize=4)
def _brand_pattern(resources: AnalysisResources) -> re.Pattern[str] | None:
    # a brand in capitals is the brand ("BOSCH Serie 6", and in a shouted letter "BOSCH SERIE 6 GEHT NICHT")
    brands = sorted({*resources.config.brands, *(b.upper() for b in resources.config.brands if len(b) > 2)},
                    key=len, reverse=True)
    if not brands:
        return None
    names = "|".join(re.escape(b) for b in brands)
    lower = "|".join(re.escape(b) for b in sorted({b.lower() for b in brands} - set(brands), key=len, reverse=True))
    follower = _grammar(resources).follower
    # a brand typed in lower case names a product only with a capitalised model after it ("melitta Barista TS")
    return re.compile(r"(?<![\w-])(?:(?:" + names + r")(?:[ ]" + follower + r")" + _FOLLOWERS
                      + r"|(?:" + (lower or r"(?!x)x") + r")(?=[ ][A-ZÀ-Þ])(?:[ ]" + follower + r"){1,5})(?!\w)")


@functools.lru_cache(maxsize=4)
def _lower_brand_pattern(resources: AnalysisResources) -> re.Pattern[str] | None:
    """A listed brand written in lower case ("iphone 14", "samsung galaxy a54", "sony wh-1000xm4"): a name only
    with a model code after it, at most three words on; a lone digit only after a model word ("jbl flip 6", not
    "polar 2"). A capitalised brand with lower-case words after it names a model only before a lower-case code that
    starts with a letter ("Samsung galaxy s22"); otherwise the words are mostly a generic noun ("Samsung vaskemaskin
    8 kg", "Apple charger 20w")."""
    lower = {b.lower() for b in resources.config.brands if not b.islower()}
    brands = sorted(lower | set(resources.config.brands), key=len, reverse=True)
    if not brands:
        return None
    names = "|".join(re.escape(b) for b in brands)
    return re.compile(
        r"(?<![\w-])(?P<brand>" + names + r")(?P<words>(?:[ ][a-z]+){0,3})[ ](?P<code>" + _LOWER_CODE + r")(?![\w-])"
    )


def _dictionary(language: str | None) -> object | None:
    """``language``'s Hunspell dictionary (``dictionary``, else the one language ID uses), or None when it has none
    or the dictionaries are not installed."""
    lang = languages().get(language or "")
    name = (lang.dictionary or lang.hunspell) if lang else None
    return hunspell_dictionary(name) if name else None


@functools.cache
def word_check(language: str | None, nouns_capitalised: bool) -> Callable[[str], bool] | None:
    """Whether a word is an ordinary word of ``language``: its dictionary knows it in lower case, or as written where
    every noun is capitalised (which makes every name a word there too); None without a dictionary."""
    checker = _dictionary(language)
    if checker is None:
        return None
    forms = (str.lower, str) if nouns_capitalised else (str.lower,)
    return lambda word: any(spells(checker, form(word)) for form in forms)


@functools.cache
def name_check(language: str | None) -> Callable[[str], bool] | None:
    """Whether a word written in lower case is a name: ``language``'s dictionary knows it capitalised and not in
    lower case ("stian": "Stian"). None without a dictionary. Meant for languages that write nouns in lower case:
    where every noun is capitalised, a noun would pass too."""
    checker = _dictionary(language)
    if checker is None:
        return None
    return lambda word: not spells(checker, word.lower()) and spells(checker, word[:1].upper() + word[1:].lower())


def ordinary_words(resources: AnalysisResources, language: str | None = None) -> frozenset[str]:
    """Folded words of ``language``'s example sentences and cues (of every language when None): ordinary words, so
    no name ("Error 14", «Under transport», "takk for hjelpen"); a lower-case word signed under a Finnish letter may
    still be a name ("t. ville") though it is a French word."""
    return _words_of(resources, language)


@functools.lru_cache(maxsize=32)
def _words_of(resources: AnalysisResources, language: str | None) -> frozenset[str]:
    """Ordinary words of ``language`` (of every language when None): "note" is English, not Spanish, so
    "xiaomi redmi note 14" in a Spanish text is a name while "iphone and 14 days" in English is not."""
    texts: list[str] = []
    own = [resources.languages[language]] if language in resources.languages else resources.languages.values()
    for lang in own:
        texts += [*lang.injection_examples, *lang.injection_counter, *lang.remedy_requests, *lang.injection]
        for group in (lang.topics, lang.moods, lang.flags):
            for data in group.values():
                texts += [*data.examples, *data.cues]
    return frozenset(w for t in texts for w in re.findall(r"[^\W\d_]+", fold_str(t)))


@functools.lru_cache(maxsize=4)
def listed_names(resources: AnalysisResources) -> frozenset[str]:
    """Brands, shops, carriers and services as listed: a word signed alone that is one of them is no name."""
    return frozenset((*resources.config.brands, *resources.config.non_products))


@functools.lru_cache(maxsize=32)
def _lead_pattern(resources: AnalysisResources, language: str | None) -> re.Pattern[str] | None:
    # Only the complaint's own language: "a" and "en" are articles in one language and prepositions in another.
    facts = resources.languages[language].facts if language in resources.languages else None
    if facts is None or facts.nouns_capitalised or not facts.product_leads:
        return None
    leads = set(facts.product_leads)
    words = "|".join(re.escape(w) for w in sorted(leads, key=len, reverse=True))
    # a count may stand between ("ordered 2 x Brita Maxtra Pro", "bought 2 Sonos One")
    return re.compile(r"(?<!\w)(?i:" + words + r")[ ]+(?:\d{1,2}[ ]?[x×]?[ ]+)?(" + _grammar(resources).name + r")")


@functools.lru_cache(maxsize=32)
def _noun_lead_pattern(resources: AnalysisResources, language: str | None) -> re.Pattern[str] | None:
    """A generic noun of ``language`` (``product_nouns``) right before a capitalised name: the name is what was
    bought ("sofaen Bolia Cosima", "la lampe Artemide Tolomeo Mini", "buty Kroki Lekkie"). The noun may be
    inflected (up to three letters more: "sofaen", "butami") and, five letters or longer, the end of a compound
    ("robotstøvsugeren"). Only the complaint's own language, and not where every noun is capitalised."""
    facts = resources.languages[language].facts if language in resources.languages else None
    if facts is None or facts.nouns_capitalised or not facts.product_nouns:
        return None
    nouns = sorted(facts.product_nouns, key=len, reverse=True)
    long = "|".join(re.escape(n) for n in nouns if len(n) >= 5) or r"(?!x)x"
    short = "|".join(re.escape(n) for n in nouns if len(n) < 5) or r"(?!x)x"
    noun = r"(?<![\w-])(?i:[^\W\d_]*(?:" + long + r")|(?:" + short + r"))[^\W\d_]{0,3}"
    return re.compile(noun + r"[ ](?=[A-ZÀ-Þ])(" + _grammar(resources).name + r")")


@functools.lru_cache(maxsize=4)
def _stop_words(resources: AnalysisResources) -> tuple[frozenset[str], frozenset[str]]:
    """Names that are no product, and words that never start one (leads, months, weekdays), both folded."""
    names = frozenset(fold_str(n) for n in resources.config.non_products)
    words = {fold_str(w) for lang in resources.languages.values() for w in lang.facts.product_leads}
    words |= {fold_str(f) for lang in resources.languages.values() for m in lang.facts.months for f in m}
    words |= {fold_str(d) for lang in resources.languages.values() for d in lang.facts.weekdays}
    return names, frozenset(words)


def _clean(text: str, span: tuple[int, int], resources: AnalysisResources,
           endings: tuple[str, ...], ordinary: frozenset[str] = frozenset(),
           nouns_capitalised: bool = False) -> tuple[int, int] | None:
    """``span`` without a leading lead word ("My AirPods Pro") or ordinary word ("Since iOS 17"), with a compound
    tail ("Miele-vaatwasser", and "Bosch-Akkuschrauber" where every noun is capitalised) unless inflected, or None
    when what is left names no product: a lone code after ordinary words is an error code or the like ("Error Code
    E40")."""
    names, words = _stop_words(resources)
    start, end = span
    brands = _brand_pattern(resources)
    dropped = False
    while not (brands and brands.match(text, start)):
        m = re.match(r"(\S+)[ ]+", text[start:end])
        if not m or fold_str(m.group(1)) not in words | ordinary:
            break
        dropped = dropped or fold_str(m.group(1)) not in words
        start += m.end()
    if dropped and len(text[start:end].split()) < 2:
        return None
    value = fold_str(text[start:end])
    if not value or all(w in names | words or _NUMBER_ONLY.fullmatch(w) for w in value.split()) or value in names:
        return None  # also a size or capacity: "(128 GB, black)" is a number and a unit, no product
    if re.sub(r"(?:[ ]\S*\d\S*)+\Z", "", value) in names:
        return None  # "iOS 17", "One UI 6.1", "Error Code E40": a version or code of something that is no product
    before = re.search(r"(\S+)[ ]+\Z", text[max(0, start - 40) : start])
    if before and " " not in value and fold_str(before.group(1)) in names:
        return None  # "ошибка E4", "error E23": the code alone, after the word
    tail = _COMPOUND_TAIL.match(text, end) or (_NOUN_TAIL.match(text, end) if nouns_capitalised else None)
    if tail and not text[end - 1].isdigit() and not tail.group(1).casefold().endswith(endings):
        end = tail.end()
    return start, end


_SENTENCE_START = re.compile(r"(?:\A|[.!?…:\n])[\s«\"“(]*\Z")  # nothing but a sentence start before


# a capitalised Cyrillic word right before a Latin model, not at a sentence start: its brand ("Зоряна QL-55U8")
_CYRILLIC_BRAND = re.compile(r"(?<![\w-])[А-ЯЁІЇЄ][а-яёіїєґ'’]+[ ]\Z")


def _with_cyrillic_brand(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """``span`` (a Latin name amid Cyrillic) widened to the Cyrillic brand written before it, where a capital marks a
    name (Russian and Ukrainian capitalise no common noun mid-sentence): "телевізор Зоряна QL-55U8"."""
    m = _CYRILLIC_BRAND.search(text, max(0, span[0] - 40), span[0])
    if m is None or _SENTENCE_START.search(text, 0, m.start()):
        return span
    return m.start(), span[1]


_TWO_WORDS_AND_MORE = re.compile(r"(\S+)[ ]+(\S+)[ ]+\S")


def _without_noun_before(text: str, span: tuple[int, int], is_word: Callable[[str], bool]) -> tuple[int, int]:
    """``span`` without a leading common noun where every noun is capitalised: a word the dictionary knows (and no
    listed brand: "Siemens", "Weber") before one it does not, with a model after them ("Akkuschrauber Voltaro GSR
    18V-55" names "Voltaro GSR 18V-55")."""
    m = _TWO_WORDS_AND_MORE.match(text, span[0], span[1])
    if m and is_word(m.group(1)) and m.group(2)[:1].isupper() and not is_word(m.group(2)):
        return m.start(2), span[1]
    return span


_DAY_MONTH = re.compile(r"(?:[12]\d|3[01]|0?[1-9])/(?:1[0-2]|0?[1-9])")
_CODE_WORD = re.compile(r"[A-Z]{2,5}|[A-Z]?[a-z]+[A-Z]\w*")


def _unknown_brands(text: str, grammar: _Grammar, is_word: Callable[[str], bool]) -> list[tuple[int, int]]:
    """A brand no list knows and its model: a capitalised word the dictionary does not know, then two to five model
    words of which one has a digit and at most one is a bare number ("Lumio Note 12 Pro+", "Wirax WX 7140+"). A word
    the dictionary knows, as a word or as a name ("Terminal 2 B", "Calle Mayor 12", "Norwegian DY 1234"), is no
    brand, and several bare numbers are a phone number or an address ("Eikeland 934 12 877")."""
    found, pos = [], 0
    while (m := grammar.unknown_brand.search(text, pos)) is not None:
        words = m.group(2).split()
        numbers = sum(bool(_NUMBER_ONLY.fullmatch(w.rstrip("+"))) for w in words)
        # a day and month is a model's part only beside a code ("Björkfors KB 12/2"): "XXL Sandvika 8/11" is a shop
        dated = all(_DAY_MONTH.fullmatch(w) for w in words if any(c.isdigit() for c in w))
        if dated and not any(_CODE_WORD.fullmatch(w) for w in words):
            pos = m.end(1)
            continue
        if numbers <= 1 and any(c.isdigit() for c in m.group(2)) and not is_word(m.group(1).split("-")[0]):
            found.append(m.span())
            pos = m.end()
        else:  # "De Veloring E-Lane 7+": the brand may be the next word
            pos = m.end(1)
    return found


def shouted(text: str) -> bool:
    """Whether most letters of ``text`` are capitals: a shouted letter, where a capital tells nothing of a name or a
    model code."""
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) > len(letters) / 2


def _is_shouted(word: str) -> bool:
    """A word in capitals that is no brand abbreviation ("a HUGE mistake", not "an LG")."""
    return word.isupper() and len(word) > 4


_NAME_GOES_ON = re.compile(r"[ ](?:\S*\d|[A-ZÀ-Þ][a-zà-ÿ])")


def _named_after_noun(text: str, m: re.Match[str], is_name: Callable[[str], bool] | None) -> bool:
    """Whether the name after a generic noun (``_noun_lead_pattern``'s match) is a product's. Not when the noun is
    capitalised mid-sentence, as it is then the name's own first word ("regnjakka Skodde Pro", "AutoPakiet Plus");
    nor a person's name ("telefonen Kari solgte meg"); nor a first word in capitals, which is emphasis ("sofaen KOM
    ALDRI"), unless a number or a capitalised word follows it ("butami BIEGACZ Trail 3")."""
    name = m.group(1)
    first = name.split()[0]
    if not (text[m.start()].islower() or _SENTENCE_START.search(text, 0, m.start())):
        return False
    if is_name is not None and is_name(first):
        return False
    return not _is_shouted(first) or bool(_NAME_GOES_ON.search(name))


def find_products(text: str, resources: AnalysisResources, language: str | None) -> list[tuple[int, int]]:
    brand = _brand_pattern(resources)
    lang = resources.languages.get(language or "")
    # Where every noun is capitalised, brackets hold a name only with a model number or a brand: "(Tarif M, 250 Mbit)"
    # never digits alone: "(0345 600 1234)" is a phone number
    spans = [m.span(1) for m in _PAREN_PRODUCT.finditer(text) if any(c.isalpha() for c in m.group(1)) and (
             not (lang and lang.facts.nouns_capitalised) or any(c.isdigit() for c in m.group(1))
             or (brand is not None and brand.match(m.group(1))))]
    if brand is not None:
        spans.extend(m.span() for m in brand.finditer(text))
    letters = [] if shouted(text) else [c for c in text if c.isalpha()]  # shouted: capitals tell nothing of a name
    lead = _lead_pattern(resources, language)
    if lead is not None and letters:  # before the shapes below: "a Shark Stratos IZ400" over "Stratos IZ400"
        spans.extend(m.span(1) for m in lead.finditer(text) if not _is_shouted(m.group(1).split()[0]))
    noun_lead = _noun_lead_pattern(resources, language)
    names = name_check(language)
    if noun_lead is not None and letters:
        spans.extend(m.span(1) for m in noun_lead.finditer(text) if _named_after_noun(text, m, names))
    for m in _BRAND_MODEL.finditer(text):
        spans.append(m.span(1 if m.group(1) else 2))
    grammar = _grammar(resources)
    spans.extend(m.span(1) for m in grammar.spaced_compound.finditer(text))
    common = ordinary_words(resources)
    lang_words = word_check(language, bool(lang and lang.facts.nouns_capitalised))
    if letters and lang_words is not None and names is not None:
        spans.extend(_unknown_brands(text, grammar, lambda w: lang_words(w) or names(w)))
        # an ordinary word in capitals is emphasis ("NOT X200"), not a brand; compounds ("NORDGLØD") pass a dictionary
        spans.extend(m.span() for m in _CAPS_BRAND_MODEL.finditer(text) if fold_str(m.group(1)) not in common)
    lower = _lower_brand_pattern(resources)
    own = _words_of(resources, language)
    if lower is not None:  # "iphone og 2 ladere": the words between brand and model are no ordinary words
        spans.extend(m.span() for m in lower.finditer(text) if _is_lower_model(text, m, own, grammar))
    spans.extend(_lower_names(text, resources, own, lang_words))
    quoted = [m.span(1) for m in _QUOTED.finditer(text)
              if (_QUOTED_SHAPE if letters else _QUOTED_CODE).match(m.group(1))
              and fold_str(m.group(1).split()[0].split("-")[0]) not in common]
    # not "Закон РФ 2300-1": an ordinary word with a number is no name
    spans.extend(m.span(1) for m in _CYRILLIC_MODEL.finditer(text)
                 if fold_str(m.group(1).split()[0].split("-")[0]) not in own)
    if sum("\u0400" <= c <= "\u04ff" for c in letters) > len(letters) / 2:  # Latin names amid Cyrillic, first:
        latin = [_with_cyrillic_brand(text, m.span()) for m in grammar.latin.finditer(text)
                 if not _SENTENCE_START.search(text, 0, m.start())]
        spans = latin + spans  # the whole Latin run ("jbl Tune 520BT") over a brand and model inside it
    spans = quoted + spans  # a quoted name is whole ("«Бюрократ CH-868N»", not its Latin code alone)
    endings = tuple(e.casefold() for e in lang.facts.inflected_endings) if lang else ()
    nouns = _product_nouns(resources, language)
    found = []
    for span in spans:
        cleaned = _clean(text, span, resources, endings, own, bool(lang and lang.facts.nouns_capitalised))
        if cleaned and lang and lang.facts.nouns_capitalised and lang_words is not None:
            cleaned = _without_noun_before(text, cleaned, lambda w: lang_words(w) and w not in listed_names(resources))
        if cleaned:
            start, end = _before_noun(text, cleaned[0], _extend(text, cleaned[1], grammar), nouns)
            if not letters:
                end = _shouted_end(text, start, end, own, lang_words, resources.config.model_words)
            found.append((start, end))
    return _merged(found)


def _shouted_end(text: str, start: int, end: int, ordinary: frozenset[str], is_word: Callable[[str], bool] | None,
                 model_words: tuple[str, ...]) -> int:
    """Where a name found in a shouted letter ends: before its first word after the first that is an ordinary word
    of the language, its dictionary's or the examples' ("LEGO TECHNIC 42143 BESTELD" is "LEGO TECHNIC 42143"), as
    capitals no longer tell a name from the sentence that goes on; model words ("PRO", "MAX") stay."""
    models = {w.casefold() for w in model_words}
    for m in re.finditer(r"[ ]([^\W\d_]+)(?=[ ]|$)", text[start:end]):
        word = m.group(1).casefold()
        if word not in models and (fold_str(word) in ordinary or (is_word is not None and is_word(word))):
            return start + m.start()
    return end


@functools.lru_cache(maxsize=4)
def _lower_name_pattern(resources: AnalysisResources) -> re.Pattern[str] | None:
    brands = sorted({b.lower() for b in resources.config.brands if " " not in b}, key=len, reverse=True)
    if not brands:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(b) for b in brands) + r")((?:[ ][a-z][a-z'’-]+){1,3})")


_LOWER_VARIANT = re.compile(r"[ ]([a-z])(?![\w'’-])")


def _lower_names(text: str, resources: AnalysisResources, ordinary: frozenset[str],
                 is_word: Callable[[str], bool] | None) -> list[tuple[int, int]]:
    """A listed brand and its model's name all in lower case, with no code ("dyson airwrap into", "nespresso
    vertuo pop, fikk"): the words up to the first ordinary word of the language, and a variant letter after them
    that is no word ("stokke xplory x", not the "w" of "dedica w kuchni"). The first word is no word of the
    language's dictionary, which would be a generic noun ("samsung vaskemaskin 8 kg"), unless a model word
    ("cosori turbo blaze"); without a dictionary nothing is found."""
    pattern = _lower_name_pattern(resources)
    model_words = {w.lower() for w in resources.config.model_words}
    spans = []
    for m in pattern.finditer(text) if pattern and is_word else ():
        first = m.group(1).split()[0]
        if fold_str(text[m.start() : m.start(1)]) in ordinary or (first not in model_words and is_word(first)):
            continue  # "power", "polar": the brand is a word of the language here
        end = m.start(1)
        for w in re.finditer(r"[ ]([^ ]+)", m.group(1)):
            if fold_str(w.group(1)) in ordinary:
                break
            end = m.start(1) + w.end()
        letter = _LOWER_VARIANT.match(text, end) if end == m.end() else None
        if letter and fold_str(letter.group(1)) not in ordinary and not is_word(letter.group(1)):
            end = letter.end()  # "stokke xplory x", "delonghi magnifica s": a variant letter, which is no word
        if end > m.start(1):
            spans.append((m.start(), end))
    return spans


def _is_lower_model(text: str, m: re.Match[str], ordinary: frozenset[str], grammar: _Grammar) -> bool:
    """Whether a listed brand and the lower-case words after it name a model: no ordinary word between brand and
    code ("iphone og 2 ladere"), and a lone digit only after a model word, or before the end of a sentence, a
    bracket or a model word ("jbl flip 6.", "garmin fenix 6 (...)", "lenovo legion 5 pro"; not "polar 2", "apple
    watch 2 weeks", "bosch drill 8 kg")."""
    if set(m.group("words").split()) & ordinary:
        return False
    if not m.group("brand").islower():  # "Samsung galaxy s22", not "Apple charger 20w" nor "Samsung vaskemaskin 8 kg",
        code = m.group("code")  # nor a generic noun before a model number in capitals ("Bosch dishwasher SMS4HVI33E")
        return bool(m.group("words")) and code[:1].isalpha() and code == code.lower()
    if len(m.group("code")) > 1:
        return True
    if m.group("words") and grammar.more.fullmatch(" " + m.group("words").split()[-1]):
        return True  # "airpods pro 2": a digit after a model word
    return bool(m.group("words")) and bool(re.match(r"\s*(?:[,.!?;:()]|\Z)", text[m.end() :])
                                           or grammar.more.match(text, m.end()))


def _extend(text: str, end: int, grammar: _Grammar) -> int:
    """``end`` moved past the model words that follow a name found ("Siemens EQ.6" plus "plus s300")."""
    for _ in range(3):
        m = grammar.more.match(text, end)
        if not m:
            break
        end = m.end()
    return end


@functools.lru_cache(maxsize=32)
def _product_nouns(resources: AnalysisResources, language: str | None) -> tuple[str, ...]:
    """The generic nouns that end a name: only where every noun is capitalised ("Neff N 70 Backofen"); elsewhere a
    capitalised word is the name's own ("Philips Airfryer XXL") and these nouns only lead a name."""
    own = [resources.languages[language]] if language in resources.languages else resources.languages.values()
    return tuple(sorted({fold_str(n) for lang in own if lang.facts.nouns_capitalised for n in lang.facts.product_nouns},
                        key=len, reverse=True))


def _before_noun(text: str, start: int, end: int, nouns: tuple[str, ...]) -> tuple[int, int]:
    """``(start, end)`` cut before a generic noun that a capitalising language writes after the name ("Neff N 70
    Backofens", "Garmin Edge 1050 Fahrradcomputer"): a word ending in a ``product_nouns`` word, or in one of its
    inflected forms (two letters more), ends it."""
    for m in re.finditer(r"[ ]([^\W\d_][\w-]*)", text[start:end]):
        word = fold_str(m.group(1))
        if any(word[: len(word) - cut].endswith(n) for n in nouns for cut in range(3)):
            return start, start + m.start()
    return start, end


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans, a later one that starts inside an earlier one lengthening it: two patterns that each saw part of
    a name ("The North Face Himalayan" amid Cyrillic, the brand "The North Face" with its model words) name it
    together. A later span never moves an earlier one's start ("Kaffeevollautomat DeLonghi ...")."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        for i, (s, e) in enumerate(out):
            if s <= start < e:
                out[i] = (s, max(e, end))
                break
        else:
            out.append((start, end))
    return out
