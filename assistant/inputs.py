"""Checks on text coming from users: one place decides what is acceptable input."""

from __future__ import annotations

import unicodedata

from .errors import InputError

_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def check_text(text: str | bytes, *, max_chars: int, what: str = "text") -> str:
    """Return ``text`` as a string if it is usable, else raise ``InputError`` saying what is wrong.

    Rejects invalid UTF-8, binary data (NUL bytes or many control characters), empty or whitespace-only text,
    and text longer than ``max_chars`` characters.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{what} is not valid UTF-8 (byte 0x{text[exc.start]:02x} at position {exc.start}); "
                "save it as UTF-8 and try again"
            ) from exc
    if "\x00" in text:
        raise InputError(f"{what} looks like binary data (it contains NUL bytes), not text")
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS)
    if controls > max(3, len(text) // 20):
        raise InputError(f"{what} looks like binary data ({controls} control characters), not text")
    if not text.strip():
        raise InputError(f"{what} is empty")
    if len(text) > max_chars:
        raise InputError(f"{what} is too long: {len(text):,} characters; the limit is {max_chars:,}")
    return text
