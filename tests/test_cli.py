"""The CLI as a user runs it: a subprocess, with real models, JSON contracts and clear errors."""

import json
import os
import subprocess
import sys

import pytest

from .conftest import REPO


def run(*args, stdin: bytes | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        env=env,
        timeout=timeout,
    )


def test_detect_json_contract():
    out = run("detect", "Eg har ikkje fått pakken min enno, og ingen svarar meg", "--json")
    assert out.returncode == 0, out.stderr.decode()
    data = json.loads(out.stdout)
    assert data["language"] == "nn"
    assert 0 < data["confidence"] <= 1
    assert all(set(a) == {"language", "confidence"} for a in data["alternatives"])


def test_detect_reads_stdin_and_prints_human_text():
    out = run("detect", "-", stdin="Где мой заказ? Я жду уже две недели.".encode())
    assert out.returncode == 0 and out.stdout.decode().startswith("ru")


def test_retrieve_json_contract(tmp_path):
    complaint = tmp_path / "c.txt"
    complaint.write_text("Jeg ble belastet to ganger på kortet for samme bestilling", encoding="utf-8")
    out = run("retrieve", "--file", str(complaint), "--k", "3", "--json")
    assert out.returncode == 0, out.stderr.decode()
    data = json.loads(out.stdout)
    assert data["language"] == "nb" and len(data["passages"]) == 3
    assert "Building index" not in out.stderr.decode()  # bm25s's debug log stays out of the user's terminal
    for p in data["passages"]:
        assert {"id", "document", "language", "heading", "text", "score"} <= set(p)


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        pytest.param(["detect", "   "], None, "empty", id="whitespace"),
        pytest.param(["detect", "-"], b"\xff\xfe\x00\x01binary", "not valid UTF-8", id="invalid-utf8"),
        pytest.param(["detect", "-"], b"PK\x03\x04\x00\x00\x00", "binary", id="binary"),
        pytest.param(["retrieve", "-"], ("ord " * 6000).encode(), "too long", id="too-long"),
        pytest.param(["detect", "--file", "/nonexistent/x.txt"], None, "cannot read", id="missing-file"),
        pytest.param(["retrieve", "hei", "--lang", "xx"], None, "unsupported language 'xx'", id="bad-lang"),
    ],
)
def test_bad_input_gets_a_message_and_nonzero_exit(args, stdin, message):
    out = run(*args, stdin=stdin)
    err = out.stderr.decode()
    assert out.returncode != 0
    assert message in err
    assert "Traceback" not in err


def test_console_script_is_installed():
    script = os.path.join(os.path.dirname(sys.executable), "complaint-assistant")
    out = subprocess.run([script, "--help"], capture_output=True, timeout=60)
    assert out.returncode == 0 and b"detect" in out.stdout and b"draft" in out.stdout
