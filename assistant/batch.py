"""Batch drafting and review over CSV or JSONL files.

Input: CSV (UTF-8 with or without BOM, ``,`` or ``;``) or JSONL. Drafting reads a ``text`` column; review reads
``reply``; both take optional ``id`` and ``lang``, review also ``complaint`` and ``agent``. One bad row is reported
in its result and does not stop the batch. Output is JSONL or CSV by the output file's extension; CSV cells that a
spreadsheet would run as formulas are neutralised.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tqdm import tqdm

from .errors import AssistantError, InputError
from .types import to_dict

KINDS = {"draft": "text", "review": "reply"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 100_000


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not UTF-8 (byte 0x{data[exc.start]:02x} at position {exc.start}); "
            "export it from your spreadsheet as 'CSV UTF-8' and try again"
        ) from exc


def read_rows(path: Path, kind: str) -> list[dict[str, Any]]:
    """Rows of a CSV or JSONL file, each a dict; raises ``InputError`` naming the problem."""
    column = KINDS[kind]
    text = _decode(Path(path).read_bytes(), Path(path).name)
    rows: list[dict[str, Any]] = []
    if Path(path).suffix.lower() in (".jsonl", ".ndjson"):
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                row = {"_error": f"line {n}: not valid JSON ({exc.msg})"}
            if not isinstance(row, dict):
                row = {"_error": f"line {n}: expected a JSON object"}
            rows.append({"_line": n, **row})
    else:
        sample = text[:4096]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        if column not in fields:
            raise InputError(f"{Path(path).name}: no '{column}' column (columns found: {', '.join(fields) or 'none'})")
        for n, row in enumerate(reader, 2):
            rows.append({"_line": n, **{(k or "").strip().lower(): v for k, v in row.items()}})
    if not rows:
        raise InputError(f"{Path(path).name}: no rows")
    if len(rows) > MAX_ROWS:
        raise InputError(f"{Path(path).name}: {len(rows):,} rows; the limit is {MAX_ROWS:,}")
    return rows


def _run_one(assistant, kind: str, row: dict[str, Any]) -> dict[str, Any]:
    base = {"id": str(row.get("id") or row["_line"]), "line": row["_line"]}
    if "_error" in row:
        return {**base, "error": row["_error"]}
    text = row.get(KINDS[kind])
    if not isinstance(text, str) or not text.strip():
        return {**base, "error": f"missing '{KINDS[kind]}'"}
    lang = (row.get("lang") or "").strip() or None
    try:
        if kind == "draft":
            return {**base, **assistant.draft(text, language=lang).to_dict()}
        complaint = (row.get("complaint") or "").strip() or None
        card = assistant.review(text, complaint=complaint, language=lang)
        return {**base, "agent": (row.get("agent") or "").strip() or None, **to_dict(card)}
    except AssistantError as exc:
        return {**base, "error": str(exc)}


def run_batch(
    assistant, rows: list[dict[str, Any]], kind: str, progress: Callable[[int, int], None] | None = None
) -> list[dict[str, Any]]:
    """One result per row, in order; ``progress(done, total)`` is called after each row."""
    results = []
    bar = tqdm(total=len(rows), desc=f"batch {kind}", unit="row", disable=progress is not None, file=None)
    for done, row in enumerate(rows, 1):
        results.append(_run_one(assistant, kind, row))
        bar.update(1)
        if progress:
            progress(done, len(rows))
    bar.close()
    return results


def summarize(results: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """Counts, errors, and for reviews the pass rate per criterion, per language and per agent."""
    ok = [r for r in results if "error" not in r]
    summary: dict[str, Any] = {
        "rows": len(results),
        "ok": len(ok),
        "errors": [{"id": r["id"], "line": r["line"], "error": r["error"]} for r in results if "error" in r],
    }
    if kind == "review" and ok:
        per_criterion: dict[str, list[bool]] = defaultdict(list)
        for r in ok:
            for c in r["criteria"]:
                if c["passed"] is not None:
                    per_criterion[c["id"]].append(bool(c["passed"]))
        summary["pass_rate"] = sum(r["passed"] for r in ok) / len(ok)
        summary["criterion_pass_rate"] = {k: sum(v) / len(v) for k, v in per_criterion.items()}
        for key in ("language", "agent"):
            groups: dict[str, list[bool]] = defaultdict(list)
            for r in ok:
                groups[str(r.get(key) or "-")].append(bool(r["passed"]))
            summary[f"pass_rate_by_{key}"] = {k: sum(v) / len(v) for k, v in sorted(groups.items())}
    return summary


def neutralize(value: Any) -> str:
    """A CSV cell a spreadsheet will show as text, never run as a formula."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_results(results: Iterable[dict[str, Any]], path: Path) -> None:
    results = list(results)
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        if path.suffix.lower() == ".csv":
            columns: list[str] = []
            for r in results:
                columns += [k for k in r if k not in columns]
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            for r in results:
                writer.writerow({k: neutralize(r[k]) if k in r and r[k] is not None else "" for k in columns})
        else:
            for r in results:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(path)


def run_batch_file(assistant, kind: str, source: Path, target: Path) -> dict[str, Any]:
    """Read ``source``, draft or review every row, write ``target``; returns the summary."""
    if kind not in KINDS:
        raise InputError(f"unknown batch kind {kind!r}; use one of {', '.join(KINDS)}")
    if not Path(source).is_file():
        raise InputError(f"{source}: file not found")
    results = run_batch(assistant, read_rows(source, kind), kind)
    write_results(results, target)
    return summarize(results, kind)
