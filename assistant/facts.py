"""Facts copied verbatim from a complaint: reference numbers, amounts, dates and the signed name.

Every value is an exact slice of the complaint (``text[fact.start:fact.end] == fact.value``), so a reply can
quote it without retyping. The words that introduce a reference number, month names, currency symbols and
sign-off phrases are data (``prompts/analysis.yaml`` and ``prompts/analysis/<lang>.yaml``); matching is blind
to case and accents.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from .analysis_data import AnalysisResources, load_analysis_resources
from .guard import mask_injections
from .textmatch import Folded, cue_pattern, fold, fold_str
from .types import Fact

# A reference: optional letters prefix, then digits with separators; or a code of letters and digits
# ("A7B2C9", "QW7YT2"); at least three digits in all, or two in a code.
# Groups after the digits keep a code whole ("4471-AB-22", "45117-Б"); a code may be as long as a parcel's tracking
# number ("1Z999AA10123456784", "RU123456789CN").
_ID = (
    r"#?(?:[a-zа-яёіїєґ]{1,4}[-/]?)?\d[\d/-]*[\da-zа-яёіїєґ](?:[-/][\da-zа-яёіїєґ]+)*|#?\d{3,}"
    r"|(?=[a-z\d]*\d[a-z\d]*\d)(?=[a-z\d]*[a-z])[a-z\d]{5,20}"
)
# "n.º" and "nº" fold to "n.o" and "no"; a link ending in a sign ("n°DS-4471") needs no space after it.
_LINKS = r"nr\.?|n\.?o\.?|n°|num\.?|number|nummer|numer|numero|номер|:|-|—|–|#(?=\s)"
_NUMBER_SIGN = "№"  # folds to "no": never part of the number it introduces ("№UA-7781" -> "UA-7781")
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.,']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_NUMERIC_DATE = (
    r"(?<![\d.,/-])(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{1,2}\.\d{1,2}\."
    r"|(?!24/7)(?:[12]\d|3[01]|0?[1-9])/(?:1[0-2]|0?[1-9]))(?![\d/-])"
)
# "19.09", "21.10": a day and a two-digit month with no year and no closing dot; not a time of day ("kl. 21.10",
# ``time_words``, "21.10 Uhr") nor a decimal ("2.10.3", "1.10,5")
_SHORT_DATE = re.compile(
    r"(?<![\d.,/:-])(?:[12]\d|3[01]|0?[1-9])\.(?:0[1-9]|1[0-2])(?![\d/-]|[.,:]\d)(?!\s?(?:uhr|uur|h)(?!\w))"
)
# "28-10" (Dutch, Danish): with a hyphen only when the day is larger than the month, as no range is ("5-7 werkdagen",
# "10-12 dagen" count up)
_HYPHEN_DATE = re.compile(r"(?<![\w.,/:-])(?P<day>[12]\d|3[01]|[2-9])-(?P<month>0[1-9]|1[0-2])(?![\w/-]|[.,:]\d)")
_ORDINAL = r"(?:\.|st|nd|rd|th|er|e|-?го|-е|-?ого)?"
_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")
# Lower-case words inside a signed name: nobiliary particles, and "and" for couples ("Per og Anne Hansen").
_PARTICLE_RE = re.compile(r"van|von|der|den|de|da|del|la|le|du|af|zu|ter|og|och|and|und|et|en|y|i|и|і|ja|oraz")


@functools.lru_cache(maxsize=16)
def _patterns(
    resources: AnalysisResources, languages: tuple[str, ...], symbol_languages: tuple[str, ...]
) -> dict[str, re.Pattern[str]]:
    langs = [resources.languages[code] for code in languages if code in resources.languages]
    own = [resources.languages[code] for code in symbol_languages if code in resources.languages]
    words = sorted({cue_pattern(w) for lang in langs for w in lang.facts.reference_words}, key=len, reverse=True)
    symbols: set[str] = {fold_str(s) for lang in own for s in lang.facts.currency_symbols}
    for cur in resources.config.currencies.values():
        symbols.update(fold_str(s) for s in cur.symbols)
    sym = "|".join(
        (r"(?<!\w)" if s[:1].isalnum() else "") + re.escape(s) + (r"(?!\w)" if s[-1:].isalnum() else "")
        for s in sorted(symbols, key=len, reverse=True)
    )
    months = sorted({fold_str(f) for lang in langs for m in lang.facts.months for f in m}, key=len, reverse=True)
    month = "(?:" + "|".join(re.escape(m) for m in months) + r")(?!\w)" if months else r"(?!x)x"
    signs = sorted({cue_pattern(s) for lang in langs for s in lang.facts.sign_offs}, key=len, reverse=True)
    links = sorted({cue_pattern(w) for lang in langs for w in lang.facts.reference_links}, key=len, reverse=True)
    intros = sorted({cue_pattern(w) for lang in langs for w in lang.facts.name_intros}, key=len, reverse=True)
    footers = sorted({cue_pattern(w) for lang in langs for w in lang.facts.mail_footers}, key=len, reverse=True)
    times = sorted({cue_pattern(w) for lang in langs for w in lang.facts.time_words}, key=len, reverse=True)
    # A link word ends before a space, "#" or ":", or with a sign of its own ("no.", "n°"); "NO77812" is a code whole.
    connector = r"(?:\s*(?:" + "|".join([*links, _LINKS]) + r")(?:(?<=[^\w\s])|(?=[\s#:])))*\s*:?\s*"
    return {
        "reference": re.compile(  # not "the order is 300 kr": a number before a currency is an amount
            "(?:" + ("|".join(words) or r"(?!x)x") + ")" + connector + r"(?P<id>" + _ID + r")(?![\w])"
            r"(?!\s?(?:" + sym + r"))"
        ),
        "hash": re.compile(
            r"(?<![\w#])(?P<id>#\d{3,}(?:-\d+)*)(?!\w)|(?<!\w)(?P<sign>no)\s?(?P<num>\d{3,}(?:-\d+)*)(?!\w)"
        ),
        "amount": re.compile(
            # a written-out symbol before the number may keep its dot ("kr. 499")
            r"(?<![\w.,])(?:(?:" + sym + r")(?:(?<=\w)\.)?\s?(?:" + _NUMBER + r")(?:,-)?"
            r"|(?:" + _NUMBER + r")\s?(?:" + sym + r"|,-))"
        ),
        "date_numeric": re.compile(_NUMERIC_DATE),
        "time_before": re.compile(r"(?:" + ("|".join(times) or r"(?!x)x") + r")\s*\Z"),
        "date_month": re.compile(
            r"(?<![\w.])(?:\d{1,2}" + _ORDINAL + r"\s*(?:(?:of|de)\s+)?" + month + r"(?:\s+(?:de\s+)?\d{4})?"
            r"|" + month + r"\s+\d{1,2}(?:st|nd|rd|th)?(?!\d)(?:,?\s+\d{4})?)"
        ),
        # "Sent from my iPhone" on a short line of its own: the device is no product of the case, nor a name
        "footer": re.compile(r"(?m)^[ \t]*(?:" + ("|".join(footers) or r"(?!x)x") + r")[^\n]{0,40}$"),
        "intro": re.compile("(?:" + ("|".join(intros) or r"(?!x)x") + r")[ \t]*:?[ \t]*"),
        "sign_off": re.compile(
            r"(?:^|(?<=[\n.!?>]))\s*(?:" + ("|".join(signs) or r"(?!x)x") + r")[ \t]*[,.:!—–-]?(?:[ \t]*\n){0,2}[ \t]*"
        ),
    }


def _languages_for(
    resources: AnalysisResources, language: str | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # Facts are language-neutral enough to look for every language's words at once: a Norwegian
    # customer may still write "order #123" or sign "Best regards". Only currency spellings that are
    # ambiguous elsewhere (Danish "kr." against a full stop) stay with their own language.
    return tuple(sorted(resources.languages)), (language,) if language else tuple(sorted(resources.languages))


def _fact(kind: str, folded: Folded, start: int, end: int) -> Fact:
    s, e = folded.span(start, end)
    value = folded.original[s:e]
    stripped = value.rstrip()
    return Fact(kind, stripped, s, s + len(stripped))


def _name_after(text: str, start: int, *, ends_text: bool = True) -> tuple[int, int] | None:
    """The name that starts at ``start``: one to four capitalised words on that line (an initial "J." counts),
    ending the text when it is signed (``ends_text``), anywhere when the customer introduces themselves."""
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    pos, end, count, last = start, None, 0, ""
    for m in _WORD_RE.finditer(text, start, line_end):
        gap = text[pos : m.start()].strip()
        if gap and not (gap == "." and last[:1].isupper() and len(last) <= 3):
            break  # punctuation between words ends the name, but for the dot of "J. van der Berg", "Dr. Lee"
        word = last = m.group(0)
        if len(word) == 1 and not text.startswith(".", m.end()):
            break  # "Sarah Lee and I ordered": a lone letter is an initial only with its dot
        if word[0].isupper():
            end, count = m.end(), count + 1
        elif end is None or not _PARTICLE_RE.fullmatch(word):
            break
        pos = m.end()
        if count == 4:
            break
    if end is None or (ends_text and not _is_contact_block(text[end:])):
        return None
    if text.startswith(".", end) and len(last) == 1:
        end += 1  # "Kari N.": the initial keeps its dot
    return start, end


def _lower_case_name(text: str, start: int) -> tuple[int, int] | None:
    """A name signed in lower case on a line of its own under the sign-off ("cheers\nbecky", "Terveisin\nmatti
    virtanen"): one to three words and nothing else on the line, ending the text."""
    if "\n" not in text[max(0, start - 3) : start]:
        return None  # on the sign-off's own line a lower-case word is more of the sentence
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    words = text[start:line_end].split()
    if not 1 <= len(words) <= 3 or not all(_WORD_RE.fullmatch(w) and len(w) > 1 for w in words):
        return None
    if _PARTICLE_RE.fullmatch(words[0]) or not _is_contact_block(text[line_end:]):
        return None
    return start, start + len(text[start:line_end].rstrip())


def _is_contact_block(rest: str) -> bool:
    """Whether what follows a signed name is only a short tail: a phone number, an address, an e-mail (a few
    short lines), not more of the letter."""
    lines = [line.strip() for line in rest.strip().splitlines() if line.strip()]
    return len(rest.strip()) <= 60 or (len(lines) <= 5 and all(len(line) <= 50 for line in lines))


def _overlaps(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def find_facts(text: str, resources: AnalysisResources, language: str | None = None) -> tuple[Fact, ...]:
    """Facts of ``text``; sentences that try to instruct the assistant are data, not facts of the case."""
    text = mask_injections(text, resources)
    folded = fold(text)
    pats = _patterns(resources, *_languages_for(resources, language))
    facts: list[Fact] = []
    taken = [folded.span(m.start(), m.end()) for m in pats["footer"].finditer(folded.text)]

    def add(kind: str, start: int, end: int) -> None:
        fact = _fact(kind, folded, start, end)
        span = (fact.start, fact.end)
        if fact.value and not _overlaps(span, taken):
            facts.append(fact)
            taken.append(span)

    for m in pats["reference"].finditer(folded.text):
        start = m.start("id")
        while start < m.end("id") and text[folded.position(start)] in _NUMBER_SIGN + " ":
            start += 1
        ident = folded.text[start : m.end("id")]
        digits = sum(c.isdigit() for c in ident)
        if digits >= 3 or (digits == 2 and sum(c.isalpha() for c in ident) >= 2):
            add("order_number", start, m.end("id"))
    for m in pats["hash"].finditer(folded.text):
        if m.group("id"):
            add("order_number", m.start("id"), m.end("id"))
        elif text[folded.position(m.start("sign"))] == "№":  # "no 500" in English is no number sign
            add("order_number", m.start("num"), m.end("num"))
    for m in pats["amount"].finditer(folded.text):
        add("amount", m.start(), m.end())
    for key in ("date_numeric", "date_month"):
        for m in pats[key].finditer(folded.text):
            add("date", m.start(), m.end())
    for m in _SHORT_DATE.finditer(folded.text):
        if not pats["time_before"].search(folded.text, max(0, m.start() - 12), m.start()):
            add("date", m.start(), m.end())
    for m in _HYPHEN_DATE.finditer(folded.text):
        if int(m.group("day")) > int(m.group("month")):
            add("date", m.start(), m.end())
    for m in pats["sign_off"].finditer(folded.text):
        span = _name_after(text, folded.position(m.end())) or _lower_case_name(text, folded.position(m.end()))
        if span and pats["sign_off"].match(fold_str(text[span[0] :])):
            continue  # "Merci.\n\nBien à vous,\n...": the second sign-off is no name
        if span and not _overlaps(span, taken):
            facts.append(Fact("customer_name", text[span[0] : span[1]], span[0], span[1]))
            taken.append(span)  # "MfG\nK. Braun" signs a name, not a Braun product
    for m in pats["intro"].finditer(folded.text):  # "My name is Sarah Lee", "Меня зовут Анна"
        span = _name_after(text, folded.position(m.end()), ends_text=False)
        if span and not _overlaps(span, taken) and not any(f.kind == "customer_name" for f in facts):
            facts.append(Fact("customer_name", text[span[0] : span[1]], span[0], span[1]))
            taken.append(span)
    for start, full in _products(text, resources, language):
        end = min([full, *(s for s, e in taken if start < s < full)])  # "Philips Airfryer XXL 28. oktober"
        end = start + len(text[start:end].rstrip(" ,.:;-"))
        if end < full and len(text[start:end].split()) < 2:
            continue  # "Bestelnummer" was only the word before "NL-77812"
        if end > start and not _overlaps((start, end), taken):
            facts.append(Fact("product", text[start:end], start, end))
            taken.append((start, end))
    if not any(f.kind == "customer_name" for f in facts):
        name = _closing_name(text, pats["sign_off"])
        if name and not _overlaps(name, taken):
            facts.append(Fact("customer_name", text[name[0] : name[1]], name[0], name[1]))
    return tuple(sorted(facts, key=lambda f: (f.start, f.kind)))


# Products: a named product, as written -- never a generic noun ("the parcel", "my jacket"). Found where a name
# is unmistakable: a brand-and-model in parentheses ("(Samsung RB38)"); a listed brand and the model words after
# it ("Tefal Ingenio", "iPhone 15 Pro"); a capitalised or camel-case brand followed by a model code ("Sony
# WF-1000XM5", "MacBook Air"); a capitalised name right after a word such as "a", "my", "en", "min"
# (``product_leads``: "a Vitamix", "min Stokke Tripp Trapp"); a Latin-script name amid Cyrillic ("чайник
# Redmond"). Carriers, shops and payment services (``non_products``) are left out.
_CAP = r"(?:[A-ZÀ-ÞА-ЯЁІЇЄ][\w&+-]*|i[A-Z]\w*|\d[\w-]*)"
_PAREN_PRODUCT = re.compile(r"\((" + _CAP + r"(?:[ ]" + _CAP + r"){1,4})(?=[,)])")
# A model code, with a variant after a slash ("EP5447/90") or a "+" ("S23+")
_MODEL = (
    r"(?:[A-Za-z]*-?\d+[A-Za-z][\w-]*(?:/\d{1,3})?\+?|[A-Za-z]+-?\d[\w-]*(?:/\d{1,3})?\+?|[A-Z][a-z]+[A-Z]\w*"
    r"|i[A-Z]\w*)"
)
_BRAND = r"(?:[A-Z][a-z]+(?:[A-Z]\w*)?|[A-Z]{2,5}|i[A-Z]\w*)"
# "6" in "Serie 6", "11.60" in "Flex 11.60"; not "1 299" or "12.05.2024" (a date found first ends the name anyway)
_SHORT_NUMBER = r"\d{1,4}(?:\.\d{1,2})?(?![\w.,:/-]?\d)"
_FOLLOWERS = r"{0,4}"  # words after a brand: "Bang & Olufsen Beosound A1 2nd Gen"
_FOLLOWER = (  # a model word, a capitalised word ("X-Force"), a short number, or a letter before one ("Jøtul F 305")
    r"(?:[A-Z]{1,3}\.\d{1,4}(?!\d)|" + _MODEL + r"|(?:[A-ZÀ-Þ][\w'’]*\w|[A-Z](?=-))(?:-[A-Za-z\d][\w'’]*)*|"
    + _SHORT_NUMBER + r"|[A-Z](?=[ ]\d))"  # "EQ.6", "EQ.500" first: "EQ" alone would do
)
_BRAND_MODEL = re.compile(
    r"(?<![\w-])(" + _BRAND + r"(?:[ ]" + _BRAND + r")?[ ]" + _MODEL + r"(?:[ ](?:[A-Z]\w+|\d+\b)){0,2})"
    r"|(?<![\w-])((?:[A-Z][a-z]+[A-Z]\w*|i[A-Z]\w*)(?:[ ](?:[A-Z]\w+|\d+\b)){1,2})"
)
# A name: a capitalised, camel-case or model-code word, then up to three more such words or short numbers.
_WORD = r"[A-ZÀ-Þ][\w'’]*\w(?:-[A-Z\d][\w'’]*)*"  # "Vitamix", "Wi-Fi", "X-Force"
_NAME = r"(?:" + _WORD + r"|[a-z]+[A-Z][\w-]*|" + _MODEL + r")(?:[ ]" + _FOLLOWER + r")" + _FOLLOWERS + r"(?!\w)"
_LATIN_NAME = re.compile(r"(?<![\w@./-])(?:[A-Z][\w'’-]*[\w]|[a-z]+[A-Z]\w*)(?:[ ]" + _FOLLOWER + r"){0,3}(?![\w@])")
# A name before a spaced compound tail, as Finnish writes a brand and model with a common noun ("Moccamaster KBG
# Select -kahvinkeitin"): the space before the hyphen marks all before it as one name.
_SPACED_COMPOUND = re.compile(
    r"(?<![\w-])(" + _WORD + r"(?:[ ]" + _FOLLOWER + r")" + _FOLLOWERS + r")(?=[ ]-[^\W\d_A-ZÀ-ÞА-ЯЁ]{3,})"
)
_COMPOUND_TAIL = re.compile(r"-([^\W\d_A-ZÀ-ÞА-ЯЁ][^\W\d_]{2,})")


@functools.lru_cache(maxsize=4)
def _brand_pattern(resources: AnalysisResources) -> re.Pattern[str] | None:
    brands = sorted(resources.config.brands, key=len, reverse=True)
    if not brands:
        return None
    names = "|".join(re.escape(b) for b in brands)
    return re.compile(r"(?<![\w-])(?:" + names + r")(?:[ ]" + _FOLLOWER + r")" + _FOLLOWERS + r"(?!\w)")


@functools.lru_cache(maxsize=32)
def _lead_pattern(resources: AnalysisResources, language: str | None) -> re.Pattern[str] | None:
    # Only the complaint's own language: "a" and "en" are articles in one language and prepositions in another.
    facts = resources.languages[language].facts if language in resources.languages else None
    if facts is None or facts.nouns_capitalised or not facts.product_leads:
        return None
    leads = set(facts.product_leads)
    words = "|".join(re.escape(w) for w in sorted(leads, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?i:" + words + r")[ ]+(" + _NAME + r")")


@functools.lru_cache(maxsize=4)
def _stop_words(resources: AnalysisResources) -> tuple[frozenset[str], frozenset[str]]:
    """Names that are no product, and words that never start one (leads, months, weekdays), both folded."""
    names = frozenset(fold_str(n) for n in resources.config.non_products)
    words = {fold_str(w) for lang in resources.languages.values() for w in lang.facts.product_leads}
    words |= {fold_str(f) for lang in resources.languages.values() for m in lang.facts.months for f in m}
    words |= {fold_str(d) for lang in resources.languages.values() for d in lang.facts.weekdays}
    return names, frozenset(words)


def _clean(text: str, span: tuple[int, int], resources: AnalysisResources,
           endings: tuple[str, ...]) -> tuple[int, int] | None:
    """``span`` without a leading lead word ("My AirPods Pro"), with a compound tail ("Miele-vaatwasser")
    unless inflected, or None when what is left names no product."""
    names, words = _stop_words(resources)
    start, end = span
    while True:
        m = re.match(r"(\S+)[ ]+", text[start:end])
        if not m or fold_str(m.group(1)) not in words:
            break
        start += m.end()
    value = fold_str(text[start:end])
    if not value or all(w in names | words for w in value.split()) or value in names:
        return None
    tail = _COMPOUND_TAIL.match(text, end)
    if tail and not text[end - 1].isdigit() and not tail.group(1).casefold().endswith(endings):
        end = tail.end()
    return start, end


_SENTENCE_START = re.compile(r"(?:\A|[.!?…:\n])[\s«\"“(]*\Z")  # nothing but a sentence start before


def _is_shouted(word: str) -> bool:
    """A word in capitals that is no brand abbreviation ("a HUGE mistake", not "an LG")."""
    return word.isupper() and len(word) > 4


def _products(text: str, resources: AnalysisResources, language: str | None) -> list[tuple[int, int]]:
    spans = [m.span(1) for m in _PAREN_PRODUCT.finditer(text)]
    brand = _brand_pattern(resources)
    if brand is not None:
        spans.extend(m.span() for m in brand.finditer(text))
    for m in _BRAND_MODEL.finditer(text):
        spans.append(m.span(1 if m.group(1) else 2))
    spans.extend(m.span(1) for m in _SPACED_COMPOUND.finditer(text))
    letters = [c for c in text if c.isalpha()]
    if sum(c.isupper() for c in letters) > len(letters) / 2:
        letters = []  # shouted text: a capital letter tells nothing of a name
    lead = _lead_pattern(resources, language)
    if lead is not None and letters:
        spans.extend(m.span(1) for m in lead.finditer(text) if not _is_shouted(m.group(1).split()[0]))
    if sum("\u0400" <= c <= "\u04ff" for c in letters) > len(letters) / 2:  # Latin names amid Cyrillic
        spans.extend(m.span() for m in _LATIN_NAME.finditer(text) if not _SENTENCE_START.search(text, 0, m.start()))
    lang = resources.languages.get(language or "")
    endings = tuple(e.casefold() for e in lang.facts.inflected_endings) if lang else ()
    cleaned = (_clean(text, span, resources, endings) for span in spans)
    return [span for span in cleaned if span]


_CLOSING_NAME = re.compile(
    r"(?:\n[ \t]*\n[ \t]*|(?:\A|\n)[ \t]*(?P<dash>[-–—]{1,2})[ \t]*\n?[ \t]*|(?P<line>(?<=[.!?])[ \t]*\n[ \t]*))"
    r"(?P<name>(?:[^\W\d_][\w'’-]+)(?:[ \t]+[^\W\d_][\w'’-]+){0,2})[ \t]*\Z"
)


def _closing_name(text: str, sign_off: re.Pattern[str]) -> tuple[int, int] | None:
    """A name standing alone on the last line, after a blank line ("\n\nKari Nordmann"), a dash ("-- Kari") or
    a line that ends a sentence ("... вернуть деньги.\nАндрей Ковалёв"), with no sign-off phrase before it; one
    word is a name only after the dash, and a sign-off is no name ("Best Regards")."""
    m = _CLOSING_NAME.search(text.rstrip())
    if not m:
        return None
    words = m.group("name").split()
    if (len(words) < 2 and not m.group("dash")) or not all(w[0].isupper() and not w.isupper() for w in words):
        return None
    if sign_off.match(fold_str(m.group("name"))):
        return None
    return m.start("name"), m.end("name")


def extract_facts(text: str, language: str | None = None) -> tuple[Fact, ...]:
    """Facts in ``text``, each an exact slice of it.

    >>> [f.value for f in extract_facts("Ordrenummer 123456: betalte 1 249 kr den 12. mars")]
    ['123456', '1 249 kr', '12. mars']
    """
    return find_facts(text, load_analysis_resources(), language)


def parse_amount(value: str) -> float | None:
    """The number inside an amount fact: ``"1 249,50 kr"`` → 1249.5, ``"$1,200"`` → 1200.0."""
    m = re.search(r"\d[\d \u00a0\u202f.,']*", value)
    if not m:
        return None
    digits = m.group(0).rstrip(" .,'\u00a0\u202f")
    last = max(digits.rfind("."), digits.rfind(","))
    if last != -1 and len(digits) - last - 1 in (1, 2):
        whole, frac = digits[:last], digits[last + 1 :]
    else:
        whole, frac = digits, ""
    whole = re.sub(r"\D", "", whole)
    if not whole:
        return None
    return float(f"{whole}.{frac or 0}")
