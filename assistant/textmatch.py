"""Accent- and case-blind matching of short cue phrases, with offsets back into the original text.

Complaints arrive with missing diacritics ("forbrukerradet"), in ALL CAPS or with typographic quotes; cues are
written once, properly spelled, in the data files. Both sides are folded the same way (casefold, accents
stripped, ø→o, æ→ae, ß→ss, ё→е) so that ``forbrukerrådet`` matches ``FORBRUKERRADET``, and every match maps
back to the exact characters of the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Letters that Unicode does not decompose into base letter + accent.
_SPECIAL = {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
            "’": "'", "‘": "'", "ʼ": "'", "`": "'"}


def fold_char(ch: str) -> str:
    out = []
    for c in unicodedata.normalize("NFKD", ch).casefold():
        if c in _SPECIAL:
            out.append(_SPECIAL[c])
        elif not unicodedata.combining(c):
            out.append(c)
    return "".join(out)


@dataclass(frozen=True)
class Folded:
    """``text`` folded, with ``index[i]`` the offset in the original of folded character ``i``."""

    original: str
    text: str
    index: tuple[int, ...]

    def position(self, i: int) -> int:
        """Original offset of the boundary before folded character ``i``."""
        return self.index[i] if i < len(self.index) else len(self.original)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded range ``[start, end)``."""
        if start >= len(self.index):
            return len(self.original), len(self.original)
        last = self.index[end - 1] if end > start else self.index[start]
        return self.index[start], last + 1


def fold(text: str) -> Folded:
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        f = fold_char(ch)
        chars.append(f)
        index.extend([i] * len(f))
    return Folded(text, "".join(chars), tuple(index))


def fold_str(text: str) -> str:
    return "".join(fold_char(c) for c in text)


# A word: a letter, then letters, digits, apostrophes or hyphens ("o'neil", "e-post"); never a number alone.
WORD = re.compile(r"[^\W\d_][\w'’-]*")


def cue_pattern(cue: str) -> str:
    """Regex source for one cue: whole words, spaces match any whitespace, a trailing ``*`` any word ending, a
    leading ``*`` any word beginning (the last part of a compound: Finnish "*lasku*" in "sähkölaskuunne")."""
    cue = cue.strip()
    prefix = cue.endswith("*")
    compound = cue.startswith("*")
    body = fold_str(cue.strip("*").strip())
    words = [re.escape(w) for w in body.split()]
    src = r"\s+".join(words)
    head = r"\w*" if compound else r"(?<!\w)" if body[:1].isalnum() else ""
    tail = r"\w*" if prefix else (r"(?!\w)" if body[-1:].isalnum() else "")
    return head + src + tail


def compile_cues(cues: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any of ``cues`` in folded text (longest first), or None when there are none."""
    parts = sorted({cue_pattern(c) for c in cues if c.strip()}, key=len, reverse=True)
    if not parts:
        return None
    return re.compile("|".join(parts))


@dataclass(frozen=True)
class CueMatch:
    start: int  # offsets into the original text
    end: int
    text: str


def find_cues(pattern: re.Pattern[str] | None, folded: Folded) -> list[CueMatch]:
    if pattern is None:
        return []
    out = []
    for m in pattern.finditer(folded.text):
        if m.end() == m.start():
            continue
        start, end = folded.span(m.start(), m.end())
        out.append(CueMatch(start, end, folded.original[start:end]))
    return out


_BOUNDARY = re.compile(r"[.!?…]+(?=\s|$)|\n")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the sentence around ``text[start:end]`` (a period inside "1.850" is no boundary)."""
    left = 0
    for m in _BOUNDARY.finditer(text, 0, start):
        left = m.end()
    m = _BOUNDARY.search(text, end)
    right = m.end() if m else len(text)
    while left < right and text[left].isspace():
        left += 1
    return left, right
