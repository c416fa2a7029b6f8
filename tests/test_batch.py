import json
from pathlib import Path

import pytest

from assistant.batch import neutralize, read_rows, summarize, write_results
from assistant.errors import InputError


@pytest.mark.parametrize(
    "content, encoding",
    [
        pytest.param("id;text;lang\n1;Pakken kom aldri;nb\n2;Где заказ?;ru\n", "utf-8", id="semicolon"),
        pytest.param("id,text,lang\n1,Pakken kom aldri,nb\n2,Где заказ?,ru\n", "utf-8-sig", id="comma-bom"),
    ],
)
def test_csv_is_read_with_either_delimiter_and_bom(tmp_path: Path, content, encoding):
    path = tmp_path / "in.csv"
    path.write_bytes(content.encode(encoding))
    rows = read_rows(path, "draft")
    assert [(r["id"], r["text"], r["lang"]) for r in rows] == [
        ("1", "Pakken kom aldri", "nb"),
        ("2", "Где заказ?", "ru"),
    ]


def test_other_encodings_get_a_clear_error(tmp_path: Path):
    path = tmp_path / "in.csv"
    path.write_bytes("text\nPakken kom aldri, kjøpt på salg\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_rows(path, "draft")


def test_missing_column_is_named(tmp_path: Path):
    path = tmp_path / "in.csv"
    path.write_text("id,body\n1,hello\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'reply' column"):
        read_rows(path, "review")


def test_bad_jsonl_line_becomes_a_row_error_not_a_crash(tmp_path: Path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "ok"}\n{broken\n[1, 2]\n', encoding="utf-8")
    rows = read_rows(path, "draft")
    assert rows[0]["text"] == "ok"
    assert "not valid JSON" in rows[1]["_error"] and "JSON object" in rows[2]["_error"]


@pytest.mark.parametrize("value", ['=HYPERLINK("x")', "+1+1", "-2", "@SUM(A1)"])
def test_formula_cells_are_neutralised(value):
    assert neutralize(value) == "'" + value
    assert neutralize("plain text") == "plain text"


def test_csv_export_neutralises_and_jsonl_keeps_values(tmp_path: Path):
    results = [{"id": "1", "line": 2, "text": "=cmd|' /C calc'!A0"}]
    write_results(results, tmp_path / "out.csv")
    assert "'=cmd" in (tmp_path / "out.csv").read_text(encoding="utf-8")
    write_results(results, tmp_path / "out.jsonl")
    assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["text"] == "=cmd|' /C calc'!A0"


def test_review_summary_pass_rates():
    def card(passed, lang, agent, empathy):
        return {
            "id": "x",
            "line": 1,
            "passed": passed,
            "language": lang,
            "agent": agent,
            "criteria": [{"id": "empathy", "passed": empathy}, {"id": "language_matches", "passed": None}],
        }

    results = [
        card(True, "nb", "ola", True),
        card(False, "nb", "kari", False),
        {"id": "3", "line": 4, "error": "empty"},
    ]
    summary = summarize(results, "review")
    assert summary["rows"] == 3 and summary["ok"] == 2 and summary["errors"][0]["id"] == "3"
    assert summary["criterion_pass_rate"] == {"empathy": 0.5}
    assert summary["pass_rate_by_agent"] == {"kari": 0.0, "ola": 1.0}
