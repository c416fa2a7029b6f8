"""The history database: migrations, writes, filters, export, and durability when killed mid-write."""

from __future__ import annotations

import csv
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.store import MIGRATIONS, Store, default_db_path, neutralize_cell

DRAFT = {
    "language": "nb",
    "topic": "delivery",
    "text": "Hei Kari,\n\ntakk for at du tok kontakt ...",
    "review": {"language": "nb", "score": 0.9, "passed": True, "criteria": []},
}
CARD = {"language": "nb", "score": 0.75, "passed": False, "criteria": [{"id": "empathy", "passed": False}]}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "history.sqlite3")
    yield s
    s.close()


def test_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINT_ASSISTANT_DB", str(tmp_path / "x" / "h.sqlite3"))
    assert default_db_path() == tmp_path / "x" / "h.sqlite3"
    s = Store()
    assert (tmp_path / "x" / "h.sqlite3").exists()
    s.close()


def test_wal_and_migrations_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    Store(path).close()
    s = Store(path)  # reopening must not re-run migration 1 (CREATE TABLE would fail)
    assert s.schema_version == len(MIGRATIONS)
    s.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    versions = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")]
    assert versions == list(range(1, len(MIGRATIONS) + 1))


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version VALUES (99, 'future')")
    conn.commit()
    conn.close()
    with pytest.raises(InputError, match="schema version 99"):
        Store(path)


def test_draft_sent_rating_review_in_history(store: Store) -> None:
    draft_id = store.add_draft("Pakken min kom aldri!", "nb", DRAFT, agent="Ola")
    store.add_rating(draft_id, False, "for lang")
    store.add_sent("Hei Kari, ...", CARD, draft_id=draft_id, language="nb", agent="Ola")
    store.add_review("Dear customer, ...", {**CARD, "language": "en"}, complaint="Where is my parcel?")

    entries = store.history()
    assert [e.kind for e in entries] == ["review", "sent", "rating", "draft"]
    draft = entries[3]
    assert (draft.text, draft.language, draft.topic) == ("Pakken min kom aldri!", "nb", "delivery")
    assert draft.agent == "Ola"
    assert draft.score == 0.9 and draft.passed is True
    assert draft.rating == "not useful: for lang"
    sent = entries[1]
    assert (sent.score, sent.passed, sent.draft_id) == (0.75, False, draft_id)
    assert store.draft(draft_id) == DRAFT


def test_filters(store: Store) -> None:
    store.add_draft("Pakken min kom aldri", "nb", DRAFT, agent="Ola")
    store.add_draft("Посылка не пришла", "ru", {**DRAFT, "language": "ru"}, agent="Ivan")
    store.add_review("Beste klant, het spijt ons", {**CARD, "language": "nl"})
    assert [e.language for e in store.history(kind="draft")] == ["ru", "nb"]
    assert [e.kind for e in store.history(language="nl")] == ["review"]
    assert [e.text for e in store.history(search="ПОСЫЛКА")] == ["Посылка не пришла"]
    assert [e.agent for e in store.history(agent="Ola")] == ["Ola"]
    with pytest.raises(InputError, match="unknown history kind"):
        store.history(kind="nonsense")


def test_rating_needs_an_existing_draft(store: Store) -> None:
    with pytest.raises(InputError, match="no draft with id 42"):
        store.add_rating(42, True)
    assert store.history() == []


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_formula_cells_neutralised(cell: str) -> None:
    assert neutralize_cell(cell) == "'" + cell


def test_plain_cells_unchanged() -> None:
    assert neutralize_cell("Hei, pakken kom ikke") == "Hei, pakken kom ikke"
    assert neutralize_cell(-0.5) == -0.5


def test_export_csv_is_spreadsheet_safe(store: Store, tmp_path: Path) -> None:
    store.add_draft("=cmd|' /C calc'!A0", "nb", DRAFT)
    store.add_draft('Pakken, "den" kom\naldri', "nb", DRAFT)
    out = store.export_csv(tmp_path / "history.csv", kind="draft")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["text"] for r in rows] == ['Pakken, "den" kom\naldri', "'=cmd|' /C calc'!A0"]
    assert rows[0]["kind"] == "draft" and rows[0]["language"] == "nb"


def test_concurrent_writers(store: Store) -> None:
    def work(n: int) -> None:
        for i in range(25):
            store.add_draft(f"klage {n}-{i}", "nb", DRAFT)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.history(limit=None)) == 200


def test_killed_mid_write_loses_nothing_committed(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    writer = textwrap.dedent(
        f"""
        import sys
        from assistant.store import Store
        store = Store({str(path)!r})
        big = {{"text": "x" * 20000}}
        i = 0
        while True:
            draft_id = store.add_draft(f"klage {{i}}", "nb", big)
            print(draft_id, flush=True)
            i += 1
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    acknowledged = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while len(acknowledged) < 50 and time.monotonic() < deadline:
        acknowledged.append(int(proc.stdout.readline()))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(acknowledged) == 50

    store = Store(path)
    with store._lock:
        assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = {e.id for e in store.history(limit=None)}
    assert set(acknowledged) <= ids  # every write the writer saw committed survived the kill
    store.close()
