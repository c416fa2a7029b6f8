"""Facts copied verbatim from a complaint: reference numbers, amounts, dates and the signed name.

Every value is an exact slice of the complaint (``text[fact.start:fact.end] == fact.value``), so a reply can
quote it without retyping. The words that introduce a reference number, month names, currency symbols and
sign-off phrases are data (``prompts/analysis.yaml`` and ``prompts/analysis/<lang>.yaml``); matching is blind
to case and accents. Where the signed name stands is :mod:`assistant.names`'s part.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from .analysis_data import AnalysisResources, load_analysis_resources
from .guard import mask_injections
from .names import closing_name, lower_case_name, name_after, name_below
from .products import find_products, listed_names, name_check, ordinary_words, shouted, word_check
from .textmatch import Folded, cue_pattern, fold, fold_str
from .types import Fact

# A reference: an optional prefix of one or two letter groups ("NO-", "NJ-UK-"), then digits with separators; or a
# code of letters and digits
# ("A7B2C9", "QW7YT2"); at least three digits in all, or two in a code.
# Groups after the digits keep a code whole ("4471-AB-22", "45117-Б"); a code may be as long as a parcel's tracking
# number ("1Z999AA10123456784", "RU123456789CN"). A dot joins digit groups after three digits ("AV-774.210.3"), never
# a day and month ("12.05.2024").
_ID = (
    r"#?(?:[a-zа-яёіїєґ]{1,4}[-/])?(?:[a-zа-яёіїєґ]{1,4}[-/]?)?\d(?:[\d/-]|(?<=\d{3})\.(?=\d))*[\da-zа-яёіїєґ](?:[-/][\da-zа-яёіїєґ]+|:\d{3,})*|#?\d{3,}"
    r"|(?=[a-z\d]*\d[a-z\d]*\d)(?=[a-z\d]*[a-z])[a-z\d]{5,20}"
)
# a number printed in groups of three after a reference word ("ärendenummer 3 882 104"); a currency after it makes it
# an amount (see the reference pattern)
_THOUSANDS = r"\d{1,3}(?:[ \u00a0]\d{3}){2,}(?!\w|[.,]\d)"
# "n.º" and "nº" fold to "n.o" and "no"; a link ending in a sign ("n°DS-4471") needs no space after it.
_NUMBER_WORDS = r"nr\.?|n\.?o\.?|n°|num\.?|number|nummer|numer|numero|номер"
_LINKS = _NUMBER_WORDS + r"|:|-|—|–|#(?=\s)"
_NUMBER_COMPOUND = r"(?<!\w)[^\W\d_]*(?:num(?:m?er|r|ero|ber)|номер)[^\W\d_]*"
# "billett-ID", "Kunden-ID", "tilaus-ID": a word joined to "ID" names the identifier that follows, in any language
_ID_COMPOUND = r"(?<!\w)[^\W\d_]+-id(?!\w)"
_NUMBERED = re.compile(r"num|nr|номер|(?<![^\W\d_])(?:id|ref|no)(?![^\W\d_])")  # the word itself says "number"
_NUMBER_SIGN = "№"  # folds to "no": never part of the number it introduces ("№UA-7781" -> "UA-7781")
# never with a leading zero ("vist nok 00370 7221": a tracking number after the Danish for "enough")
_NUMBER = r"(?!0\d)(?:\d{1,3}(?:[ \u00a0\u202f.,']\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
# A day and month with a closing dot and no year ("28.10.") is a real day and month: "vasta 11.20." is a time
_NUMERIC_DATE = (
    r"(?<![\d.,/-])(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-](?:(?:19|20)\d{2}|\d{2})"
    r"|(?:[12]\d|3[01]|0?[1-9])\.(?:1[0-2]|0?[1-9])\."
    r"|(?!24/7)(?:[12]\d|3[01]|0?[1-9])/(?:1[0-2]|0?[1-9]))(?![\d/-])"
)
# A day and month with a slash and no year right after a model code in capitals or camel case is the model's variant
_BARE_DAY_MONTH = re.compile(r"\d{1,2}/\d{1,2}")
# ("Nordvarme LX 9/12", "HydroRoll 20/10"; not "fikk en SMS 9/12" nor "Fikk SMS 9/12" at a sentence's start)
_CODE_BEFORE = re.compile(
    r"(?:(?<=[^\W\d_A-ZÀ-ÞА-ЯЁ][ ])[A-ZÀ-Þ][^\W\d_]+[ ][A-Z]{2,5}|(?<![\w-])[A-Z]?[a-z]+[A-Z]\w*)[ ]\Z"
)
# "19.09", "21.10": a day and a two-digit month with no year and no closing dot; not a time of day ("kl. 21.10",
# ``time_words``, "21.10 Uhr") nor a decimal ("2.10.3", "1.10,5")
_SHORT_DATE = re.compile(
    r"(?<![\d.,/:-])(?:[12]\d|3[01]|0?[1-9])\.(?:0[1-9]|1[0-2])(?![\d/-]|[.,:]\d)(?!\s?(?:uhr|uur|h)(?!\w))"
)
# "28-10" (Dutch, Danish): with a hyphen when the day is larger than the month, as no range is ("5-7 werkdagen",
# "10-12 dagen" count up), or far smaller ("3-11", "2-10"): a range of days, weeks or hours spans less ("6-10 uger",
# "8-12"), and one from 1 is as likely a range as the first of a month ("1-7 dagen"); after a word that introduces
# a date in the complaint's language (``date_leads``: "op 6-10", "den 6-10") it is one anyway
_RANGE_SPAN = 5
_HYPHEN_DATE = re.compile(r"(?<![\w.,/:-])(?P<day>[12]\d|3[01]|[2-9])-(?P<month>0[1-9]|1[0-2])(?![\w/-]|[.,:]\d)")
_ORDINAL = r"(?:\.|st|nd|rd|th|er|e|-?го|-е|-?ого)?"
_SENTENCE_AFTER = re.compile(r"[ \t]+[^\W\d_a-zа-яёіїєґ]")  # a capital after a space: a new sentence starts


@functools.lru_cache(maxsize=16)
def _patterns(
    resources: AnalysisResources, languages: tuple[str, ...], symbol_languages: tuple[str, ...]
) -> dict[str, re.Pattern[str]]:
    langs = [resources.languages[code] for code in languages if code in resources.languages]
    own = [resources.languages[code] for code in symbol_languages if code in resources.languages]
    words = sorted({cue_pattern(w) for lang in langs for w in lang.facts.reference_words} | {_ID_COMPOUND},
                   key=len, reverse=True)
    symbols: set[str] = {fold_str(s) for lang in own for s in lang.facts.currency_symbols}
    for cur in resources.config.currencies.values():
        symbols.update(fold_str(s) for s in cur.symbols)
    sym = "|".join(
        # a sign that ends in a dash is no smiley's nose (Swedish "499:-", not "5 :-)"); a word may follow a digit
        # with no space ("149kr", "9,90e") but never a letter
        (r"(?<![^\W\d_])" if s[:1].isalnum() else "") + re.escape(s) + (r"(?!\w)" if s[-1:].isalnum() else "")
        + (r"(?![()])" if s.endswith("-") else "")
        for s in sorted(symbols, key=len, reverse=True)
    )
    codes = "|".join(fold_str(c) for c in sorted(resources.config.currencies)) or r"(?!x)x"  # "usd", "mxn"
    months = sorted({fold_str(f) for lang in langs for m in lang.facts.months for f in m}, key=len, reverse=True)
    month = "(?:" + "|".join(re.escape(m) for m in months) + r")(?!\w)" if months else r"(?!x)x"
    # a sign-off of one letter (Finnish "t.") only in its own language: elsewhere it is an initial ("T. Mercier")
    signs = sorted({cue_pattern(s) for lang in langs for s in lang.facts.sign_offs
                    if len(s.strip(".: ")) > 1 or lang in own}, key=len, reverse=True)
    links = sorted({cue_pattern(w) for lang in langs for w in lang.facts.reference_links}, key=len, reverse=True)
    intros = sorted({cue_pattern(w) for lang in langs for w in lang.facts.name_intros if not w.endswith(":")},
                    key=len, reverse=True)
    # a form's field ("Naam: Jeroen Bakker") only where a line starts: "Product name: Philips Hue" names no customer
    fields = sorted({cue_pattern(w) for lang in langs for w in lang.facts.name_intros if w.endswith(":")},
                    key=len, reverse=True)
    footers = sorted({cue_pattern(w) for lang in langs for w in lang.facts.mail_footers}, key=len, reverse=True)
    times = sorted({cue_pattern(w) for lang in langs for w in lang.facts.time_words}, key=len, reverse=True)
    leads = sorted({cue_pattern(w) for lang in own for w in lang.facts.date_leads}, key=len, reverse=True)
    days = sorted({cue_pattern(w) for lang in langs for w in lang.facts.day_words}, key=len, reverse=True)
    # lower-case words inside a signed name: particles ("van der"), and any language's "and" between a couple's first
    # names ("Per og Anne Hansen"); a name standing alone at the end takes a couple's "and" of its own language only
    joiners = {fold_str(w) for lang in langs for w in lang.facts.name_joiners}
    particles = sorted({fold_str(w) for w in resources.config.name_particles} | joiners, key=len, reverse=True)
    own_joiners = sorted({fold_str(w) for lang in own for w in lang.facts.name_joiners}, key=len, reverse=True)
    # A link word ends before a space, "#" or ":", or with a sign of its own ("no.", "n°"); "NO77812" is a code whole.
    # The number may stand in brackets after its word ("factura (FV-2025-118)").
    connector = r"(?:\s*(?:" + "|".join([*links, _LINKS]) + r")(?:(?<=[^\w\s])|(?=[\s#:])))*\s*[:(]?\s*"
    return {
        "reference": re.compile(  # not "the order is 300 kr": a number before a currency is an amount
            "(?P<word>" + ("|".join(words) or r"(?!x)x") + ")" + connector + r"(?P<id>(?P<prefix>[a-z]{2,4}[ ](?=\d))?"
            + "(?:" + _THOUSANDS + "|" + _ID + ")" + _spaced_groups(month) + r")(?![\w])(?!\s?(?:" + sym + r"))"
        ),
        # a reference word, or any word ending in a number word ("Vorgangsnummer", "bevestigingsnummer",
        # "tikettinumero"), whose number comes later in the sentence (``_later_references``)
        "reference_word": re.compile("|".join([*words, _NUMBER_COMPOUND])),
        "gap_link": re.compile(r"(?<!\w)(?:" + "|".join([*links, _NUMBER_WORDS]) + r")(?!\w)|[:—–]|\s-\s"),
        # "(номер 31-770245)", "(n° 10-55213)": a number word opening brackets introduces a reference on its own
        "bracketed": re.compile(
            r"(?<=\()\s*(?:" + _NUMBER_WORDS + r")\s*[:.]?\s*(?P<id>(?:" + _ID + ")" + _spaced_groups(month)
            + r")\s*(?=[),;])"
        ),
        "hash": re.compile(
            r"(?<![\w#])(?P<id>#\d{3,}(?:-\d+)*)(?!\w)|(?<!\w)(?P<sign>no)\s?(?P<num>\d{3,}(?:[-/]\d+)*)(?!\w)"
        ),
        "amount": re.compile(
            # a written-out symbol before the number may keep its dot ("kr. 499"); a dash for no cents after a comma
            # or a dot ("89,- €", "279,– €", "CHF 349.–"); a code after a sign names its dollar ("$12,499 MXN")
            r"(?<![\w.,])(?:(?:" + sym + r")(?:(?<=\w)\.)?\s?(?:" + _NUMBER + r")(?:[.,][-–](?![\w\-–])|\s(?:"
            + codes + r")(?!\w))?"
            r"|(?:" + _NUMBER + r")(?:(?:[,][-–])?\s?(?:" + sym + r")|,[-–](?![\w\-–])))"
        ),
        "date_numeric": re.compile(_NUMERIC_DATE),
        "time_before": re.compile(r"(?:" + ("|".join(times) or r"(?!x)x") + r")\s*\Z"),
        "date_lead": re.compile(r"(?<!\w)(?:" + ("|".join(leads) or r"(?!x)x") + r")\s*\Z"),
        "date_month": re.compile(
            r"(?<![\w.])(?:\d{1,2}" + _ORDINAL + r"\s*(?:(?:of|de)\s+)?" + month + r"(?:\.?\s+(?:de\s+)?\d{4})?"
            r"|" + month + r"\.?\s+\d{1,2}(?:st|nd|rd|th)?(?!\d)(?:\.\s+(?:" + ("|".join(days) or r"(?!x)x") + r")"
            r"|,?\s+\d{4})?)"
        ),
        # "Sent from my iPhone" on a short line of its own: the device is no product of the case, nor a name
        "footer": re.compile(r"(?m)^[ \t]*(?:" + ("|".join(footers) or r"(?!x)x") + r")[^\n]{0,40}$"),
        "intro": re.compile("(?:" + ("|".join(intros) or r"(?!x)x") + r")[ \t]*:?[ \t]*"
                            + r"|(?m:^)[ \t]*(?:" + ("|".join(fields) or r"(?!x)x") + r")[ \t]*"),
        "title": re.compile(r"(?:(?:" + ("|".join(re.escape(w) for w in sorted(resources.config.name_titles, key=len,
                            reverse=True)) or r"(?!x)x") + r")[ \t]+)+"),
        "particle": re.compile("|".join(re.escape(w) for w in particles) or r"(?!x)x"),
        "joiner": re.compile("|".join(re.escape(w) for w in own_joiners) or r"(?!x)x"),
        # a sign-off starts a line, or follows a sentence's end, a tag or an emoji ("... 😬 groetjes fleur")
        "sign_off": re.compile(
            r"(?:^|(?<=[\n.!?>\U0001F300-\U0001FAFF\u2600-\u27BF]))\s*(?:" + ("|".join(signs) or r"(?!x)x")
            + r")[ \t]*[,.:!—–/-]?(?:[ \t]*\n){0,2}[ \t]*"
        ),
    }


def _spaced_groups(month: str) -> str:
    """Digit groups that go on a reference number after spaces, as printed on a receipt or a parcel label
    ("case 0045 7782 19", "ТТН 20450 8812 9931"): two or more groups, or one of three digits or more, or a last
    one of two digits that ends the clause ("returnummer 7710 2291, men"); not a count ("ordre 88123 14 dager"),
    a time, a decimal or a date ("ordre 12345 12. mars"). A postal item ends in its check digit and country
    ("RN 4471 0392 5GB")."""
    group = r"[ \u00a0]\d{2,5}(?![\w/-])(?![.,:]\d)(?!\.?\s*(?:" + month + r"))"
    country = r"[ \u00a0]\d[a-z]{2}(?!\w)"  # a postal item's last group: check digit and country ("RN 4471 0392 5GB")
    return (r"(?:(?:" + group + r"){2,}(?:" + country + ")?|" + group + country + "|" + group
            + r"(?:(?<=\d{3})|(?=\s*(?:[.,;:!?)]|\Z))))?")


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


# A reference whose number comes a few words after its word, in the same sentence ("Номер заявки в сервисе:
# 23-11/4471", "the case number your agent gave me is CS-2291-77", "Vorgangsnummer laut Mail vom 28.10.2026
# KD-3317/26"). Only a code shaped like a reference counts there: digits joined by "-", "/" or ":" ("11-904-0027"),
# digits with capitals ("55190-DK", "СЦ-2026/3318"), six digits or more, or a tracking number in groups; never a
# date, an amount, a phone number ("0771-44 55 00", "0330 123 4455"), a postcode, a version ("4.12.0"), an
# error code ("Fehlercode 0xE1022") or a model after its brand ("Hisense 55U7NQ").
_GAP_WORDS = 12
_GAP_END = re.compile(r"\n|[!?;]|(?<=[^\W\d_]{3})\.(?=\s|\Z)")  # not after "nr", "3" or "C.P"
_GAP_END_PLAIN = re.compile(_GAP_END.pattern + r"|,")
_CANDIDATE = re.compile(
    r"(?<![\w#+./:,-])#?[^\W_]+(?:[-/:][^\W_]+)*(?![\w])(?![-/:.,]\w)"
    r"(?P<groups>(?:(?<=\d)[ \u00a0]\d{2,5}(?![\w/-]|[.,:]\d))*)"
)
# A code in capitals before digit groups ("is RP 2291 4478", "TK-88 4410"): the letters are part of it
_PREFIXED = re.compile(r"(?P<letters>[^\W\d_]{1,4})[ \u00a0-]\d{2,5}(?:[ \u00a0]\d{2,5})+(?![\w/-]|[.,:]\d)")
_PREFIXED_DIGITS = 6  # fewer digits after the letters may be a size or a count ("EU 42 43")
_PHONE_LAYOUT = re.compile(r"(?:\d{1,3}-)*\d{3}-\d{2}-\d{2}|\d{3}-\d{3}-\d{3}")  # "8-916-204-55-18", "601-234-567"
_TRACKING_DIGITS = 13  # digit groups this long are a parcel's number; fewer are a phone number ("0330 123 4455")


def _is_code(token: str, groups: str) -> bool:
    """Whether ``token`` (with the digit ``groups`` after it) is shaped like a reference number."""
    parts = re.split(r"[-/:]", token.lstrip("#"))
    digits = sum(c.isdigit() for c in token)
    if digits < 3 or any(p.isalpha() and len(p) > 5 for p in parts):
        return False  # "2024-modell", "100-pack"
    if any(not p.isdigit() and not p.isupper() for p in parts):
        return False  # "0xE1022", "i-Size": no capitals-and-digits code
    if groups:
        return len(parts) == 1 and token.isdigit() and digits + sum(c.isdigit() for c in groups) >= _TRACKING_DIGITS
    phone = (token[:1] == "0" and 9 <= digits <= 12) or bool(_PHONE_LAYOUT.fullmatch(token))
    return not phone and (len(parts) > 1 or not token.isdigit() or (digits >= 6 and token[:1] != "0"))


def _later_references(
    text: str, folded: Folded, pats: dict[str, re.Pattern[str]], taken: list[tuple[int, int]],
    avoid: list[tuple[int, int]], names: frozenset[str], common: frozenset[str],
) -> list[tuple[int, int]]:
    """Spans of reference numbers that come a few words after their word (``_GAP_WORDS``); ``avoid`` holds the
    dates and amounts, ``names`` the folded brands and code words ("Fehlercode") after which a code is none,
    ``common`` the folded ordinary words of every language."""
    found: list[tuple[int, int]] = []
    for m in pats["reference_word"].finditer(folded.text):
        start = folded.position(m.end())
        numbered = bool(_NUMBERED.search(m.group(0)))
        # after a plain word a comma ends its clause: "Bestellung ist unterwegs, Artikel 4471-22" names no order
        stop = (_GAP_END if numbered else _GAP_END_PLAIN).search(text, start)
        window_end = stop.start() if stop else len(text)
        for count, c in enumerate(_CANDIDATE.finditer(text, start, window_end)):
            span, token = (c.start(), c.end()), text[c.start() : c.start("groups")]
            if count > _GAP_WORDS or _overlaps(span, [*taken, *found]):
                break  # too far, or the word's number was found already
            before = text[start : c.start()]
            last = before.split()[-1].rstrip(":") if before.split() else ""
            # a number right after another is the rest of it ("+7 916 204-55-18"), unless that one is a date
            glued = re.search(r"\d[ \u00a0]\Z", before) and not _overlaps((c.start() - 2, c.start()), avoid)
            # a code right after a capitalised name is its model ("the Hama HX-3020 cable"), not a reference
            model = before.endswith(f" {last} ") and last[:1].isupper() and fold_str(last) not in common
            if glued or model or _overlaps(span, avoid) or fold_str(last) in names:
                continue
            prefixed = _PREFIXED.match(text, c.start(), window_end)
            if (prefixed and prefixed.group("letters").isupper()
                    and sum(ch.isdigit() for ch in prefixed.group()) >= _PREFIXED_DIGITS):
                span, token = prefixed.span(), prefixed.group()
            elif not _is_code(token, c.group("groups")):
                continue
            # after a plain word ("the order", "Referansen") a link must say the number is its ("... var 4471/NN/09"),
            # and a bare run of digits may be a phone number
            if numbered or (pats["gap_link"].search(fold_str(before)) and not token.lstrip("#").isdigit()):
                found.append(span)
            break
    return found


@functools.lru_cache(maxsize=4)
def _code_words(resources: AnalysisResources) -> frozenset[str]:
    """Folded brands and non-products: a code right after one is a model or an error code ("Fehlercode")."""
    return frozenset(fold_str(n) for n in (*resources.config.brands, *resources.config.non_products))


def _overlaps(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


# Pasted markup that breaks a line ("Grüße<br>Susanne Albers") is read as the line break it shows, padded to its
# length so that offsets stay valid; no fact holds one.
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>|</?p>|</div>", re.IGNORECASE)


def find_facts(text: str, resources: AnalysisResources, language: str | None = None) -> tuple[Fact, ...]:
    """Facts of ``text``; sentences that try to instruct the assistant are data, not facts of the case."""
    text = _LINE_BREAK_TAG.sub(lambda m: "\n" + " " * (len(m.group()) - 1), mask_injections(text, resources))
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
        before = re.search(r"(\S+)[ ]\Z", text[max(0, folded.position(m.start()) - 30) : folded.position(m.start())])
        if before and before.group(1) in resources.config.brands:
            continue  # "Stihl RMA 235": a model named like a reference word, after its brand
        word = folded.span(*m.span("word"))
        if text[word[1] : folded.position(start)] in ("-", "/") and text[word[0] : word[1]].isupper():
            start = m.start("word")  # "RMA-7781-S": a word in capitals glued to the number is its prefix
        prefix = folded.span(*m.span("prefix")) if m.group("prefix") else None
        if prefix and not text[prefix[0] : prefix[1]].isupper():
            continue  # "RK 2025/31877", "RT 44 19 207" keep their letters; "ordre fra 2023" names no number
        ident = folded.text[start : m.end("id")]
        digits = sum(c.isdigit() for c in ident)
        if digits >= 3 or (digits == 2 and sum(c.isalpha() for c in ident) >= 2):
            add("order_number", start, m.end("id"))
    for m in pats["bracketed"].finditer(folded.text):
        if sum(c.isdigit() for c in m.group("id")) >= 3:
            add("order_number", m.start("id"), m.end("id"))
    for m in pats["hash"].finditer(folded.text):
        if m.group("id"):
            add("order_number", m.start("id"), m.end("id"))
        elif text[folded.position(m.start("sign"))] == "№":  # "no 500" in English is no number sign
            after_word = re.search(r"[^\W\d_][ \u00a0]*\Z", text[: folded.position(m.start("sign"))])
            if not after_word or len(m.group("num")) > 3:  # "відділення №112" numbers a place, not a case
                add("order_number", m.start("num"), m.end("num"))
    avoid = [folded.span(m.start(), m.end()) for key in ("amount", "date_numeric", "date_month")
             for m in pats[key].finditer(folded.text)]
    avoid += [folded.span(*m.span()) for m in _SHORT_DATE.finditer(folded.text)]
    for start, end in _later_references(text, folded, pats, taken, avoid, _code_words(resources),
                                        ordinary_words(resources)):
        facts.append(Fact("order_number", text[start:end], start, end))
        taken.append((start, end))
    for m in pats["amount"].finditer(folded.text):
        end = m.end()
        if folded.text[end - 1] == "." and _SENTENCE_AFTER.match(text, folded.position(end)):
            end -= 1  # "Сплатила 6 499 грн. Прошу ...": the abbreviation's dot ends the sentence too
        add("amount", m.start(), end)
    is_shouted = shouted(text)
    for key in ("date_numeric", "date_month"):
        for m in pats[key].finditer(folded.text):
            if key == "date_numeric" and not is_shouted and _BARE_DAY_MONTH.fullmatch(m.group()) and (
                _CODE_BEFORE.search(text, max(0, folded.position(m.start()) - 30), folded.position(m.start()))
            ):
                continue  # "Nordvarme LX 9/12", "Björkfors KB 12/2 Inox": a variant of the model, no date
            add("date", m.start(), m.end())
    for m in _SHORT_DATE.finditer(folded.text):
        if not pats["time_before"].search(folded.text, max(0, m.start() - 12), m.start()):
            add("date", m.start(), m.end())
    for m in _HYPHEN_DATE.finditer(folded.text):
        day, month = int(m.group("day")), int(m.group("month"))
        if not pats["time_before"].search(folded.text, max(0, m.start() - 12), m.start()) and (
            day > month or month - day > _RANGE_SPAN
            or pats["date_lead"].search(folded.text, max(0, m.start() - 12), m.start())
        ):
            add("date", m.start(), m.end())
    own_words = ordinary_words(resources, language)
    lang = resources.languages.get(language or "")
    for m in pats["sign_off"].finditer(folded.text):
        at = folded.position(m.end())
        if title := pats["title"].match(text, at):  # "Z poważaniem\nmgr inż. Tadeusz Malina", "Regards, Dr. Lee"
            at = title.end()
        span = (name_after(text, at, pats["particle"]) or lower_case_name(text, at, own_words, pats["particle"])
                or name_below(text, at, pats["particle"]))
        if span and pats["sign_off"].match(fold_str(text[span[0] :])):
            continue  # "Merci.\n\nBien à vous,\n...": the second sign-off is no name
        if span and not _overlaps(span, taken):
            facts.append(Fact("customer_name", text[span[0] : span[1]], span[0], span[1]))
            taken.append(span)  # "MfG\nK. Braun" signs a name, not a Braun product
    signed = [f.end for f in facts if f.kind == "customer_name"]
    for m in pats["intro"].finditer(folded.text):  # "My name is Sarah Lee", "Меня зовут Анна"
        at = folded.position(m.end())
        if title := pats["title"].match(text, at):  # "My name is Dr. Sarah Lee"
            at = title.end()
        span = name_after(text, at, pats["particle"], ends_text=False)
        if span and not _overlaps(span, taken) and not any(f.kind == "customer_name" for f in facts):
            facts.append(Fact("customer_name", text[span[0] : span[1]], span[0], span[1]))
            taken.append(span)
    for start, full in find_products(text, resources, language):
        if signed and start > signed[0] and "\n\n" not in text[signed[0] : start]:
            continue  # "Flat 3, 12 Queen's Road\nLondon SW1 2AB": the address under a signed name is no product
        title = pats["title"].match(text, start)
        if title and len(text[title.end() : full].split()) == 1 and not any(c.isdigit() for c in text[start:full]):
            continue  # "Ihr Mitarbeiter Herr Kranz": a title and one name are a person, not a product
        end = min([full, *(s for s, e in taken if start < s < full)])  # "Philips Airfryer XXL 28. oktober"
        end = start + len(text[start:end].rstrip(" ,.:;-"))
        if end < full and len(text[start:end].split()) < 2:
            continue  # "Bestelnummer" was only the word before "NL-77812"
        if end > start and not _overlaps((start, end), taken):
            facts.append(Fact("product", text[start:end], start, end))
            taken.append((start, end))
    if not any(f.kind == "customer_name" for f in facts):
        capitalised = bool(lang and lang.facts.nouns_capitalised)
        name = closing_name(text, pats, own_words, listed_names(resources), word_check(language, capitalised),
                             None if capitalised else name_check(language))
        if name and not _overlaps(name, taken):
            facts.append(Fact("customer_name", text[name[0] : name[1]], name[0], name[1]))
    return tuple(sorted(facts, key=lambda f: (f.start, f.kind)))


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
