"""The customer's name where they sign or introduce themselves: under a sign-off, alone at the end of the letter, in
a form's name field. Only the text's shape and the language data passed in (``pats`` of :mod:`assistant.facts`,
ordinary words, dictionaries) decide; nothing here knows a language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from .textmatch import WORD, fold_str

_LETTERS_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # a word of a name: letters, no digits ("o'neil")
_INITIALS_RE = re.compile(r"(?:[^\W\d_]\.){1,3}")  # "m.", "j.k."
_POSTSCRIPT = re.compile(r"\n[ \t]*\n[ \t]*(?:p\.?[ ]?)?p\.?[ ]?s\b", re.IGNORECASE)  # "P.S.", "PS:", "P.P.S."


def name_after(text: str, start: int, particle: re.Pattern[str], *, ends_text: bool = True) -> tuple[int, int] | None:
    """The name that starts at ``start``: one to four capitalised words on that line (an initial "J." counts),
    ending the text when it is signed (``ends_text``), anywhere when the customer introduces themselves."""
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    pos, end, count, last = start, None, 0, ""
    for m in WORD.finditer(text, start, line_end):
        gap = text[pos : m.start()].strip()
        if gap and not (gap == "." and last[:1].isupper() and len(last) <= 3) and not (gap == "&" and count == 1):
            break  # punctuation between words ends the name, but for the dot of "J. van der Berg", "Dr. Lee"
        word = last = m.group(0)
        if any(c.isdigit() for c in word):
            break  # "LG OLED55C3": a model code, even after a sign-off that is also a brand ("LG" = "Liebe Grüße")
        if len(word) == 1 and not text.startswith(".", m.end()) and (count == 0 or text[m.end() : line_end].strip()):
            break  # "Sarah Lee and I ordered": a lone letter is an initial only with its dot, or ending a name line
        if word[0].isupper():
            end, count = m.end(), count + 1
        elif end is None or not particle.fullmatch(word):
            break
        pos = m.end()
        if count == 4:
            break
    if end is None or (ends_text and not _is_contact_block(text[end:])) or text.startswith(":", end):
        return None  # "Kiitos!\nNimi: Pirjo Heikkinen": a form's label, not the name under the sign-off
    if text.startswith(".", end) and len(last) == 1:
        end += 1  # "Kari N.": the initial keeps its dot
    return start, end


def lower_case_name(text: str, start: int, common: frozenset[str],
                     particle: re.Pattern[str]) -> tuple[int, int] | None:
    """A name signed in lower case on a line of its own under the sign-off ("cheers\nbecky", "Terveisin\nmatti
    virtanen", "pozdrawiam, ola m."): one to three words, initials among them beside a name, and nothing else on
    the line, ending the text. On the sign-off's own line ("mvh kari") the words must end the text and be no
    ordinary words, which would be more of the sentence ("takk for hjelpen")."""
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    words = text[start:line_end].split()
    named = [w for w in words if _LETTERS_RE.fullmatch(w) and len(w) > 1]  # an initial may stand beside ("ola m.")
    if not 1 <= len(words) <= 3 or not named or not all(w in named or _INITIALS_RE.fullmatch(w) for w in words):
        return None
    if "\n" not in text[max(0, start - 3) : start] and (
        text[line_end:].strip() or any(fold_str(w) in common for w in words if not particle.fullmatch(w))
    ):  # "groetjes, lotte de graaf": a particle is an ordinary word too
        return None
    if particle.fullmatch(words[0]) or not _is_contact_block(text[line_end:]):
        return None
    return start, start + len(text[start:line_end].rstrip())


def name_below(text: str, start: int, particle: re.Pattern[str]) -> tuple[int, int] | None:
    """The name on the line under a sign-off that goes on for a few words ("Viele Grüße aus Köln\nPetra Schulz",
    "Cheers from Leeds,\nTom", "Thanks for your help\nKari"): the name ends the text."""
    line_end = text.find("\n", start)
    rest = text[start:line_end] if line_end != -1 else ""
    if not rest.strip() or len(rest.split()) > 3:  # "Gruß aus 80331 München\nErnst"
        return None
    below = line_end + 1 + len(text[line_end + 1 :]) - len(text[line_end + 1 :].lstrip(" \t"))
    return name_after(text, below, particle)


def _is_contact_block(rest: str) -> bool:
    """Whether what follows a signed name is only a short tail: a phone number, an address, an e-mail (a few
    short lines), not more of the letter; a postscript after a blank line ("\n\nP.S. ...") is no more of it."""
    postscript = _POSTSCRIPT.search(rest)
    rest = rest[: postscript.start()] if postscript else rest
    lines = [line.strip() for line in rest.strip().splitlines() if line.strip()]
    return len(rest.strip()) <= 60 or (len(lines) <= 5 and all(len(line) <= 50 for line in lines))


# "-- Kari", "/Kari", "Takk! /Kari", "not ok at all. - becca"; initials ("И. П. Комарова", "Kari N."); on the
# last sentence's own line ("... igen imorgon. Maja", "ES INACEPTABLE!! Javier", "... 🙄 Maja"); a phone number or
# an address after a comma on the name's line ("Mikkel Juhl Sørensen, tlf. 28 41 77 90", "Олег, кв. 47, тел. ..."), or
# the town under a full name ("J. de Groot, Zwolle", "Олена Ковальчук-Мазур, м. Житомир"); a middle initial ("Ingrid
# S. Holmboe")
_CLOSING_NAME = re.compile(
    r"(?:\n[ \t]*\n[ \t]*|(?:(?:\A|\n)[ \t]*|(?<=[.!?])[ \t]+(?=[-–—/]))(?P<dash>[-–—/]{1,2})[ \t]*\n?[ \t]*"
    r"|(?P<line>(?<=[.!?])[ \t]*\n[ \t]*)|(?P<bare>(?<=\w)[ \t]*\n[ \t]*)"
    r"|(?P<inline>(?<=[.!?\U0001F300-\U0001FAFF\u2600-\u27BF])(?<!\b\w\.)[ \t]+))"
    r"(?P<name>(?:[^\W\d_]\.[ \t]*){0,3}(?:[^\W\d_][\w'’-]+)"
    r"(?:[ \t]+(?P<joiner>&|[^\W\d_]{1,4})[ \t]+[^\W\d_][\w'’-]+)?"
    r"(?:[ \t]+(?:[^\W\d_]\.(?=[ \t])|[^\W\d_][\w'’-]+)){0,3}"
    r"(?:[ \t]+[^\W\d_]\.?)?)(?:(?P<phone>[ \t]*,[ \t]*(?=[^\n]*\d)[^\n]{1,50})"
    r"|(?P<place>[ \t]*,[ \t]*(?:[^\W\d_]{1,3}\.[ \t]*)?(?P<town>[^\W\d_][\w'’-]+(?:[ \t]+[^\W\d_][\w'’-]+)?)))?"
    r"[ \t]*\Z"
)

# Lines under the name that give only a phone number, a customer number or an e-mail address, each with at most a
# label ("\nTel. 612 48 93 07", "\nmobil: +47 917 45 203", "\nasiakasnumero 6187 0923", "\nkari@example.no"), or a
# short address line with a number and no sentence end ("\nм. Львів, вул. Городоцька 105, кв. 12"): the name still
# closes the letter.
_CONTACT_TAIL = re.compile(
    r"(?:\n[ \t]*(?:(?:[^\W\d_]{1,16}\.?[ \t]*:?[ \t]*)?"
    r"(?:\+?\d[\d \t()/-]{5,18}\d|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?=[^\n]{0,50}\d)[^\n]{1,50}(?<![.!?]))[ \t]*){1,3}\Z"
)


# a full name (two to four words) on its line and one or two words under it, ending the letter: a town
_TOWN_LINE = re.compile(
    r"\n[ \t]*([^\W\d_][\w'’-]+(?:[ \t]+[^\W\d_][\w'’-]+){1,3})[ \t]*\n"
    r"[ \t]*([^\W\d_][\w'’-]+(?:[ \t]+[^\W\d_][\w'’-]+)?)[ \t]*\Z"
)


def closing_name(
    text: str, pats: Mapping[str, re.Pattern[str]], common: frozenset[str], names: frozenset[str],
    is_word: Callable[[str], bool] | None = None, is_name: Callable[[str], bool] | None = None,
) -> tuple[int, int] | None:
    """A name standing alone on the last line, after a blank line ("\n\nKari Nordmann"), a dash ("-- Kari") or
    a line that ends a sentence ("... вернуть деньги.\nАндрей Ковалёв"), with no sign-off phrase before it. One
    word is a name after the dash, or when it is no ordinary word ("\n\nKari", not "\n\nHjelp"); a sign-off
    ("Best Regards") and a brand, shop or carrier (``names``: "\n\nSupport") are no name. After the last
    sentence on its own line ("... igen imorgon. Maja") a name needs the language's dictionary (``is_word``) to
    know none of its words in lower case ("... nicht angekommen! Katastrophe" is one more sentence), or to know
    only its first words and not its surname ("... innen fredag. Tone Kvamsdal"). A couple signs with "&" or its
    language's "and" (``name_joiners``) between two first names ("\n\nMark & Dee Holloway"); a full name may
    have its town after a comma ("J. de Groot, Zwolle") or on the line under it ("Jari Koskinen\nKuopio"). A chat
    signed in lower case on a line of its own ("... til forbrukerrådet\nstian", "sanna kivelä") is signed with a
    name when the dictionary knows its first word only as a name (``is_name``) and each other word only as a name or
    not at all."""
    # the tail of contact lines first, then the whole text: a name's own line may hold its phone number; a town on
    # a line of its own under a full name first of all ("Jari Koskinen\nKuopio")
    letters = (_CONTACT_TAIL.sub("", text.rstrip()), text.rstrip())
    towns = [letter[: m.end(1)] for letter in letters if (m := _TOWN_LINE.search(letter))
             and all(w[0].isupper() for w in m.group(1).split()) and m.group(2)[0].isupper()]
    for letter in dict.fromkeys((*towns, *letters)):
        m = _CLOSING_NAME.search(letter)
        span = _closing_match(m, text, pats, common, names, is_word, is_name) if m else None
        if span:
            return span
    return None


def _closing_match(
    m: re.Match[str], text: str, pats: Mapping[str, re.Pattern[str]], common: frozenset[str], names: frozenset[str],
    is_word: Callable[[str], bool] | None, is_name: Callable[[str], bool] | None,
) -> tuple[int, int] | None:
    """The name of a :data:`_CLOSING_NAME` match, or None when its words are no name (see :func:`closing_name`)."""
    joiner = m.group("joiner")
    couple = joiner == "&" or (joiner is not None and pats["joiner"].fullmatch(fold_str(joiner)) is not None)
    words = [w for w in m.group("name").split() if not (couple and w == joiner)]
    if couple and all(fold_str(w) in common for w in words if not pats["particle"].fullmatch(w)):
        return None  # "\n\nPaket und Rechnung": two words of the letter, no couple
    if len(words) < 2 and not m.group("dash") and (fold_str(words[0]) in common or len(words[0]) > 11):
        return None  # "\n\nHjelp", "\n\nAsiakaspalvelu": a word, a team, no first name
    if (m.group("line") or m.group("bare")) and is_name is not None and len(words) <= 2 and is_name(words[0]) and all(
        w.islower() and fold_str(w) not in common and (is_name(w) or (is_word is not None and not is_word(w)))
        for w in words
    ):  # "... få vite\ningrid": a first name, only written in lower case; "sanna kivelä": a surname no word
        return m.start("name"), m.end("name")
    # "... innen fredag. Tone Kvamsdal", "... Geschillencommissie. W. Janssens": a first name may be a word too
    # ("tone", "tom"), but a surname the dictionary does not know, after capitalised words or initials, signs
    surname = (len(words) >= 2 and is_word is not None and words[-1][1:].islower() and not is_word(words[-1])
               and not any(fold_str(w) in common for w in words))
    if (m.group("inline") or m.group("bare")) and not surname and (
        is_word is None or any(fold_str(w) in common or is_word(w) for w in words)
    ):
        return None  # "... at once. Thank You", "... Katastrophe": more of the letter, not a name after it
    if not (m.group("dash") or m.group("line") or m.group("bare") or m.group("inline")) and (
        len(words) <= 2 and all(w.islower() and len(w) > 1 for w in words) and is_word is not None
        and not any(fold_str(w) in common or is_word(w) for w in words) and m.group("name") not in names
    ):
        return m.start("name"), m.end("name")  # "\n\nstu": a chat signed in lower case after a blank line
    if (m.group("phone") and m.group("inline")) or (m.group("place") and (
            (m.group("inline") and not surname) or len(words) < 2
            or not m.group("town")[:1].isupper())):
        return None  # a phone number after a name only on the name's own line; a town only after a full name
    if _mostly_capitals(text) and all(w.isupper() for w in words):  # inline: no word of the language (above)
        if len(words) < 2 and (is_word is None or is_word(words[0])):
            return None  # "... TILBAKE NÅ.\nHJELP": one more shouted word
        words = [w.capitalize() for w in words]  # "... TILBAKE I DAG.\nTORE LIEN": a shouted letter signs in capitals
    if m.group("dash") and len(words) <= 2 and all(w.islower() and fold_str(w) not in common for w in words):
        return m.start("name"), m.end("name")  # "- mike": signed in lower case after a dash, no ordinary word
    inner = words[1:-1]  # "Jan de Vries", "Jan en Els van der Berg": particles stand between capitalised words
    if not all(w[0].isupper() and not (w.isupper() and len(w.rstrip(".")) > 1)
               for w in words if not (w in inner and pats["particle"].fullmatch(w))):
        return None
    if pats["sign_off"].match(fold_str(m.group("name"))) or m.group("name") in names:
        return None
    return m.start("name"), m.end("name")


def _mostly_capitals(text: str) -> bool:
    """Whether the letter is shouted: most of its letters are capitals."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) > 0.6 * len(letters)
