"""Load the guideline corpus and split its documents into passages along their own structure.

A document is a ``.txt`` or ``.md`` file. Passages follow the document's shape: a short line followed by
a paragraph (or a list) is a heading; numbered guidelines ("1. handle raskt:") are headings of the text
under them; each bullet of a plain list is a passage; items of a list introduced by a colon stay with
their introduction; a line that continues a sentence broken across lines joins it. Every passage keeps the
character offsets of its text in the file, so it maps back to its place in the source.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ResourceError
from .resources import Strict, load_model, normalize_language
from .types import Document, Passage

SUFFIXES = (".txt", ".md")
_HEADING_MAX_WORDS = 9
_HEADING_MAX_CHARS = 80
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_BULLET = re.compile(r"^\s*[-*•]\s+")
_NUMBERED = re.compile(r"^\s*\d{1,2}[.)]\s+")
_SENTENCE_END = tuple(".!?:;»\"')…”»")


class ManifestEntry(Strict):
    id: str
    title: str
    language: str
    source: str


class Manifest(Strict):
    documents: tuple[ManifestEntry, ...]


@dataclass(frozen=True)
class Corpus:
    """Documents and their passages; ``fingerprint`` changes whenever any file's content changes."""

    folder: Path
    documents: tuple[Document, ...]
    passages: tuple[Passage, ...]
    fingerprint: str

    def passage(self, passage_id: str) -> Passage:
        for passage in self.passages:
            if passage.id == passage_id:
                return passage
        raise KeyError(passage_id)

    def passage_ids(self) -> frozenset[str]:
        return frozenset(p.id for p in self.passages)


@dataclass
class _Unit:
    kind: str  # heading, para, bullet
    start: int
    end: int
    text: str


def _lines(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append((pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _is_short(line: str) -> bool:
    return len(line) <= _HEADING_MAX_CHARS and len(line.split()) <= _HEADING_MAX_WORDS


def _units(text: str) -> list[_Unit]:
    """Group lines into paragraphs and bullets; a broken sentence's continuation joins its line."""
    units: list[_Unit] = []
    blank_before = True
    for start, end, raw in _lines(text):
        line = raw.strip()
        if not line:
            blank_before = True
            continue
        lead = len(raw) - len(raw.lstrip())
        if _MD_HEADING.match(raw):
            marker = _MD_HEADING.match(raw).end()  # type: ignore[union-attr]
            units.append(_Unit("heading", start + marker, end, raw[marker:].strip()))
        elif _BULLET.match(raw):
            marker = _BULLET.match(raw).end()  # type: ignore[union-attr]
            units.append(_Unit("bullet", start + marker, end, raw[marker:].rstrip()))
        else:
            prev = units[-1] if units else None
            continues = (
                prev is not None
                and prev.kind == "para"
                and not blank_before
                and not prev.text.endswith(_SENTENCE_END)
                and (line[0].islower() or not line[0].isalnum())
            )
            if continues and prev is not None:
                prev.end = end
                prev.text = text[prev.start : prev.end]
            else:
                units.append(_Unit("para", start + lead, end, line))
        blank_before = False
    return units


def split_passages(text: str, *, document: str, language: str, source: str = "") -> list[Passage]:
    """Split one document's text into passages (see the module docstring for the rules)."""
    units = _units(text)
    # A short paragraph followed by a longer paragraph, a numbered guideline or a bullet list is a heading.
    for i, unit in enumerate(units):
        if unit.kind != "para":
            continue
        nxt = units[i + 1] if i + 1 < len(units) else None
        if nxt is None:
            continue
        if _NUMBERED.match(unit.text):
            # "1. handle raskt:" heads the guideline under it; "1. Beklager," is an item of a list.
            if unit.text.endswith(":") and len(unit.text.split()) <= 2 * _HEADING_MAX_WORDS:
                unit.kind = "heading"
            continue
        if not _is_short(unit.text):
            continue
        if nxt.kind == "bullet" and not unit.text.endswith(":"):
            unit.kind = "heading"
        elif nxt.kind == "para" and not _is_short(nxt.text):
            unit.kind = "heading"

    passages: list[tuple[str, int, int]] = []  # heading, start, end
    heading = ""
    list_open = False  # the last passage ends with a colon: the list that follows belongs to it
    for unit in units:
        if unit.kind == "heading":
            heading = _NUMBERED.sub("", unit.text).rstrip(":.;").strip()
            list_open = False
            continue
        attach = passages and (list_open or (unit.kind == "para" and _is_short(unit.text) and passages))
        if unit.kind == "bullet" and not list_open:
            attach = False
        if attach:
            h, s, _ = passages[-1]
            passages[-1] = (h, s, unit.end)
        else:
            passages.append((heading, unit.start, unit.end))
            list_open = unit.text.rstrip().endswith(":")
    return [
        Passage(
            id=f"{document}-{n:02d}",
            document=document,
            language=language,
            heading=h,
            text=text[s:e].strip(),
            source=source,
            start=s,
            end=e,
        )
        for n, (h, s, e) in enumerate(passages, start=1)
    ]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise ResourceError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _first_line(text: str) -> str:
    for line in text.splitlines():
        stripped = _MD_HEADING.sub("", line).strip()
        if stripped:
            return stripped[:120]
    return ""


def load_corpus(folder: Path, *, detect=None) -> Corpus:
    """Load a corpus folder: ``manifest.yaml`` if present, else every ``.txt``/``.md`` file in it.

    ``detect`` (text -> language code or None) names the language of files without a manifest entry.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ResourceError(f"{folder}: corpus folder not found")
    manifest_path = folder / "manifest.yaml"
    entries: list[ManifestEntry] = []
    if manifest_path.exists():
        entries = list(load_model(Manifest, manifest_path).documents)
    listed = {e.source for e in entries}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in SUFFIXES and path.name not in listed and path.name.lower() != "readme.md":
            text = _read_text(path)
            guess = detect(text) if detect else None
            if not guess:
                raise ResourceError(f"{path}: cannot tell the document's language; add it to {manifest_path}")
            entries.append(
                ManifestEntry(id=_slug(path.stem), title=_first_line(text), language=guess, source=path.name)
            )
    if not entries:
        raise ResourceError(f"{folder}: no .txt or .md documents found")

    documents: list[Document] = []
    passages: list[Passage] = []
    digest = hashlib.sha256()
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise ResourceError(f"{manifest_path}: documents: duplicate id {entry.id!r}")
        seen.add(entry.id)
        path = folder / entry.source
        text = _read_text(path)
        language = normalize_language(entry.language)
        documents.append(Document(id=entry.id, title=entry.title, language=language, source=entry.source))
        passages.extend(split_passages(text, document=entry.id, language=language, source=entry.source))
        digest.update(f"{entry.id}\0{language}\0{entry.title}\0{text}\0".encode())
    return Corpus(
        folder=folder, documents=tuple(documents), passages=tuple(passages), fingerprint=digest.hexdigest()[:16]
    )


def combine_corpora(corpora: list[Corpus]) -> Corpus:
    """One corpus searching several folders (the shipped guidelines plus documents users added)."""
    if len(corpora) == 1:
        return corpora[0]
    ids = [d.id for c in corpora for d in c.documents]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ResourceError(f"document ids used in more than one corpus folder: {', '.join(duplicates)}")
    digest = hashlib.sha256("".join(c.fingerprint for c in corpora).encode()).hexdigest()[:16]
    return Corpus(
        folder=corpora[0].folder,
        documents=tuple(d for c in corpora for d in c.documents),
        passages=tuple(p for c in corpora for p in c.passages),
        fingerprint=digest,
    )
