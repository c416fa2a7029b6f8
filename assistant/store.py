"""Review history in SQLite: drafts, sent replies, reviews, ratings.

One file, WAL journal, a busy timeout, numbered migrations recorded in ``schema_version``. Every write is
one transaction with ``synchronous=FULL``, so a process killed mid-write leaves the whole row or none of it.
The path is ``COMPLAINT_ASSISTANT_DB`` or ``<user data dir>/history.sqlite3``.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .config import default_data_dir
from .errors import InputError

KINDS = ("draft", "sent", "review", "rating")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Append only: a released migration is never edited, a change is a new entry.
MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE drafts (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        complaint TEXT NOT NULL,
        language TEXT,
        topic TEXT,
        agent TEXT,
        draft_json TEXT NOT NULL
    );
    CREATE TABLE sent (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        draft_id INTEGER REFERENCES drafts(id),
        language TEXT,
        agent TEXT,
        final_text TEXT NOT NULL,
        score REAL,
        passed INTEGER,
        scorecard_json TEXT
    );
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        reply TEXT NOT NULL,
        complaint TEXT,
        language TEXT,
        agent TEXT,
        score REAL,
        passed INTEGER,
        scorecard_json TEXT NOT NULL
    );
    CREATE TABLE ratings (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        draft_id INTEGER NOT NULL REFERENCES drafts(id),
        useful INTEGER NOT NULL,
        reason TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX drafts_created ON drafts(created_at);
    CREATE INDEX sent_created ON sent(created_at);
    CREATE INDEX reviews_created ON reviews(created_at);
    CREATE INDEX ratings_draft ON ratings(draft_id);
    """,
)

# One row per history event, whatever table it lives in; ``text`` is what the agent saw or sent.
_HISTORY_SQL = """
SELECT 'draft' AS kind, d.id, d.created_at, d.language, d.agent, d.topic, d.complaint AS text,
       json_extract(d.draft_json, '$.review.score') AS score,
       json_extract(d.draft_json, '$.review.passed') AS passed,
       (SELECT CASE r.useful WHEN 1 THEN 'useful' ELSE 'not useful' END || CASE WHEN r.reason != ''
               THEN ': ' || r.reason ELSE '' END FROM ratings r WHERE r.draft_id = d.id
        ORDER BY r.id DESC LIMIT 1) AS rating,
       NULL AS draft_id
FROM drafts d
UNION ALL
SELECT 'sent', s.id, s.created_at, s.language, s.agent, NULL, s.final_text, s.score, s.passed, NULL,
       s.draft_id
FROM sent s
UNION ALL
SELECT 'review', v.id, v.created_at, v.language, v.agent, NULL, v.reply, v.score, v.passed, NULL, NULL
FROM reviews v
UNION ALL
SELECT 'rating', r.id, r.created_at, d.language, d.agent, d.topic, r.reason, NULL, NULL,
       CASE r.useful WHEN 1 THEN 'useful' ELSE 'not useful' END, r.draft_id
FROM ratings r JOIN drafts d ON d.id = r.draft_id
"""


@dataclass(frozen=True)
class HistoryEntry:
    """One event of the history, as listed and exported."""

    kind: str  # draft, sent, review, rating
    id: int
    created_at: str  # ISO 8601, UTC
    language: str | None
    agent: str | None
    topic: str | None
    text: str
    score: float | None
    passed: bool | None
    rating: str | None
    draft_id: int | None


def default_db_path() -> Path:
    """``COMPLAINT_ASSISTANT_DB``, else ``history.sqlite3`` in the user data folder."""
    env = os.environ.get("COMPLAINT_ASSISTANT_DB")
    return Path(env) if env else default_data_dir() / "history.sqlite3"


def neutralize_cell(value: Any) -> Any:
    """Prefix text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) with ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


class _Clock:
    """UTC timestamps that never repeat in this process, so "newest first" is exact."""

    def __init__(self) -> None:
        self._last = datetime.min.replace(tzinfo=UTC)
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            now = datetime.now(UTC)
            if now <= self._last:
                now = self._last + timedelta(microseconds=1)
            self._last = now
            return now.isoformat(timespec="microseconds")


_now = _Clock()


def _casefold(value: Any) -> str | None:
    return value.casefold() if isinstance(value, str) else value


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


class Store:
    """The history database. Thread-safe: one connection, used under a lock.

    >>> store = Store(":memory:")
    >>> draft_id = store.add_draft("Pakken kom aldri", "nb", {"text": "Hei ..."})
    >>> [e.kind for e in store.history()]
    ['draft']
    """

    def __init__(self, path: Path | str | None = None, *, timeout_s: float = 10.0) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # isolation_level=None: transactions are opened explicitly in _transaction()
        self._conn = sqlite3.connect(str(self.path), timeout=timeout_s, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        # SQLite's lower() only folds ASCII; search must match "ПОСЫЛКА" to "посылка" and "ÆØÅ" to "æøå"
        self._conn.create_function("casefold", 1, _casefold, deterministic=True)
        self._conn.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    # -- schema -------------------------------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._transaction() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT)")
            row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
            current = row[0] or 0
            if current > len(MIGRATIONS):
                raise InputError(
                    f"{self.path}: history database is at schema version {current}, newer than this "
                    f"program knows ({len(MIGRATIONS)}); upgrade complaint-assistant"
                )
            for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
                # executescript would COMMIT the open transaction; run statement by statement instead
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_version VALUES (?, ?)", (version, _now()))

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- writes -------------------------------------------------------------------------------------------
    def add_draft(
        self, complaint: str, language: str | None, draft: dict[str, Any], *, agent: str | None = None
    ) -> int:
        """Record a draft (``draft`` is ``Draft.to_dict()``); returns its id."""
        with self._transaction() as conn:
            cur = conn.execute(
                "INSERT INTO drafts (created_at, complaint, language, topic, agent, draft_json) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (_now(), complaint, language, draft.get("topic"), agent or None, _json(draft)),
            )
            return int(cur.lastrowid or 0)

    def add_sent(
        self,
        final_text: str,
        scorecard: dict[str, Any] | None,
        *,
        draft_id: int | None = None,
        language: str | None = None,
        agent: str | None = None,
    ) -> int:
        """Record the text an agent marked as sent, with the scorecard of that exact text."""
        card = scorecard or {}
        with self._transaction() as conn:
            cur = conn.execute(
                "INSERT INTO sent (created_at, draft_id, language, agent, final_text, score, passed, "
                "scorecard_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _now(),
                    draft_id,
                    language,
                    agent or None,
                    final_text,
                    card.get("score"),
                    card.get("passed"),
                    _json(scorecard) if scorecard is not None else None,
                ),
            )
            return int(cur.lastrowid or 0)

    def add_review(
        self,
        reply: str,
        scorecard: dict[str, Any],
        *,
        complaint: str | None = None,
        agent: str | None = None,
    ) -> int:
        """Record a QA review (``scorecard`` is ``to_dict(Scorecard)``)."""
        with self._transaction() as conn:
            cur = conn.execute(
                "INSERT INTO reviews (created_at, reply, complaint, language, agent, score, passed, "
                "scorecard_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _now(),
                    reply,
                    complaint or None,
                    scorecard.get("language"),
                    agent or None,
                    scorecard.get("score"),
                    scorecard.get("passed"),
                    _json(scorecard),
                ),
            )
            return int(cur.lastrowid or 0)

    def add_rating(self, draft_id: int, useful: bool, reason: str = "") -> int:
        """Record an agent's verdict on a draft."""
        with self._transaction() as conn:
            if conn.execute("SELECT 1 FROM drafts WHERE id = ?", (draft_id,)).fetchone() is None:
                raise InputError(f"no draft with id {draft_id} to rate")
            cur = conn.execute(
                "INSERT INTO ratings (created_at, draft_id, useful, reason) VALUES (?, ?, ?, ?)",
                (_now(), draft_id, int(bool(useful)), reason.strip()),
            )
            return int(cur.lastrowid or 0)

    # -- reads --------------------------------------------------------------------------------------------
    def draft(self, draft_id: int) -> dict[str, Any]:
        """The stored ``Draft.to_dict()`` of one draft."""
        with self._lock:
            row = self._conn.execute("SELECT draft_json FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            raise InputError(f"no draft with id {draft_id}")
        return json.loads(row[0])

    def history(
        self,
        *,
        kind: str | None = None,
        language: str | None = None,
        agent: str | None = None,
        search: str | None = None,
        limit: int | None = 500,
    ) -> list[HistoryEntry]:
        """History events, newest first, filtered by kind, language, agent and a substring of the text."""
        if kind and kind not in KINDS:
            raise InputError(f"unknown history kind {kind!r}; choose one of {', '.join(KINDS)}")
        where, params = [], []
        if kind:
            where.append("kind = ?")
            params.append(kind)
        if language:
            where.append("language = ?")
            params.append(language)
        if agent:
            where.append("agent = ?")
            params.append(agent)
        if search:
            where.append("instr(casefold(text), casefold(?)) > 0")
            params.append(search)
        sql = f"SELECT * FROM ({_HISTORY_SQL})"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        return [
            HistoryEntry(
                kind=r["kind"],
                id=r["id"],
                created_at=r["created_at"],
                language=r["language"],
                agent=r["agent"],
                topic=r["topic"],
                text=r["text"] or "",
                score=r["score"],
                passed=None if r["passed"] is None else bool(r["passed"]),
                rating=r["rating"],
                draft_id=r["draft_id"],
            )
            for r in rows
        ]

    def export_csv(self, path: Path | str, **filters: Any) -> Path:
        """Write the (filtered) history to a UTF-8 CSV that is safe to open in a spreadsheet."""
        path = Path(path)
        entries = self.history(limit=None, **filters)
        fields = list(HistoryEntry.__dataclass_fields__)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(fields)
            for entry in entries:
                writer.writerow([neutralize_cell(getattr(entry, f)) for f in fields])
        os.replace(tmp, path)
        return path
