"""The REST API: documented shapes with the real assistant; error mapping, caps, busy and login with a fake."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api import DetectOut, DraftOut, Gate, HealthOut, ScorecardOut, create_api
from assistant.config import Config
from assistant.corpus import load_corpus
from assistant.errors import UnsupportedLanguageError
from assistant.store import Store
from assistant.types import (
    Analysis,
    CriterionResult,
    Draft,
    Evidence,
    Fact,
    Flag,
    LanguageGuess,
    LanguageScore,
    Scorecard,
    Section,
)

REPO = Path(__file__).resolve().parent.parent
NB_COMPLAINT = (
    "Hei! Jeg bestilte en vaskemaskin for tre uker siden (ordre 48213), men den har fortsatt ikke kommet. "
    "Ingen svarer på e-postene mine, og jeg er ærlig talt ganske lei. Hva skjer?"
)
NB_REPLY = (
    "Hei Kari,\n\ntakk for at du sier fra om dette. Jeg forstår godt at det er frustrerende å vente så lenge "
    "på vaskemaskinen. Beklager at den ikke har kommet. Jeg har sjekket ordre 48213 med transportøren, og du "
    "får svar fra meg innen fredag. Jeg følger opp til den er levert.\n\nVennlig hilsen\nOla"
)


# -- a fake assistant: the same types as the real one, with controllable failures --------------------------
@dataclass
class FakeAssistant:
    config: Config
    corpus: object
    fail: Exception | None = None
    gate: threading.Event | None = None  # when set up, calls block until it is set
    entered: threading.Event | None = None  # set when a call starts

    def detect(self, text):
        self._maybe_fail()
        return LanguageGuess("nb", 0.97, (LanguageScore("da", 0.02),))

    def draft(self, text, **kwargs):
        self._maybe_fail()
        analysis = Analysis(
            "delivery",
            0.8,
            "frustrated",
            0.7,
            (Flag("repeat_contact", ("nb-help-06",), "Ingen svarer"),),
            (Fact("order_number", "48213", 60, 65),),
        )
        sections = (Section("acknowledge", "Takk for at du sier fra.", ("nb-help-06",)),)
        return Draft("nb", self.detect(text), False, "informal", sections, "Takk for at du sier fra.", analysis)

    def review(self, reply, **kwargs):
        self._maybe_fail()
        crit = CriterionResult("thanks_customer", True, 0.9, (Evidence(0, 4, reply[:4]),), ("nb-help-06",))
        return Scorecard("nb", 1.0, True, (crit,))

    def _maybe_fail(self):
        if self.entered is not None:
            self.entered.set()
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail is not None:
            raise self.fail


@pytest.fixture
def fake() -> FakeAssistant:
    return FakeAssistant(Config(max_chars=500, user_corpus_dir=None), load_corpus(REPO / "corpus"))


def client_for(assistant, **kwargs) -> TestClient:
    return TestClient(create_api(assistant, None, **kwargs), raise_server_exceptions=False)


# -- the real assistant ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real_client(assistant, tmp_path_factory) -> TestClient:
    store = Store(tmp_path_factory.mktemp("db") / "history.sqlite3")
    return TestClient(create_api(assistant, store), raise_server_exceptions=False)


def test_health(real_client: TestClient) -> None:
    body = HealthOut.model_validate(real_client.get("/api/health").json())
    assert body.status == "ok"
    assert {"nb", "ru", "nl", "en"} <= set(body.languages)
    assert body.passages > 50 and body.documents >= 5
    assert body.max_chars == 20_000


def test_detect_shape(real_client: TestClient) -> None:
    res = real_client.post("/api/detect", json={"text": NB_COMPLAINT})
    assert res.status_code == 200, res.text
    body = DetectOut.model_validate(res.json())
    assert body.language == "nb"
    assert set(res.json()) == {"language", "confidence", "alternatives"}


def test_draft_shape_matches_cli(real_client: TestClient, assistant) -> None:
    res = real_client.post("/api/draft", json={"text": NB_COMPLAINT, "customer_name": "Kari", "agent_name": "Ola"})
    assert res.status_code == 200, res.text
    body = res.json()
    DraftOut.model_validate(body)
    assert body["language"] == "nb"
    assert {"acknowledge", "empathize", "next_steps", "remedy"} <= set(body["sections"])
    assert all(body["citations"][k] for k in ("acknowledge", "empathize", "next_steps", "remedy"))
    assert "48213" in body["facts"].get("order_number", [])
    expected = assistant.draft(NB_COMPLAINT, customer_name="Kari", agent_name="Ola").to_dict()
    assert body == expected  # the same JSON as the CLI's --json


def test_draft_language_override(real_client: TestClient) -> None:
    body = real_client.post("/api/draft", json={"text": NB_COMPLAINT, "language": "en"}).json()
    assert body["language"] == "en"


def test_review_shape(real_client: TestClient) -> None:
    res = real_client.post("/api/review", json={"reply": NB_REPLY, "complaint": NB_COMPLAINT})
    assert res.status_code == 200, res.text
    body = ScorecardOut.model_validate(res.json())
    assert body.language == "nb"
    ids = {c.id for c in body.criteria}
    assert {"thanks_customer", "empathy", "apology", "timeframe", "defensive_or_blaming"} <= ids
    for c in body.criteria:
        for e in c.evidence:
            assert NB_REPLY[e.start : e.end] == e.text


def test_openapi_documents_the_routes(real_client: TestClient) -> None:
    spec = real_client.get("/openapi.json").json()
    assert {"/api/detect", "/api/draft", "/api/review", "/api/health"} <= set(spec["paths"])
    draft_200 = spec["paths"]["/api/draft"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert draft_200["$ref"].endswith("/DraftOut")


# -- errors, caps, busy, login --------------------------------------------------------------------------------
def test_unsupported_language_is_400_with_message(fake: FakeAssistant) -> None:
    fake.fail = UnsupportedLanguageError("unsupported language 'xx'; supported: en, nb")
    res = client_for(fake).post("/api/draft", json={"text": "hei", "language": "xx"})
    assert res.status_code == 400
    assert res.json() == {"error": "unsupported language 'xx'; supported: en, nb"}


def test_unexpected_error_hides_the_traceback(fake: FakeAssistant, caplog: pytest.LogCaptureFixture) -> None:
    fake.fail = RuntimeError("secret internals /home/x/.cache")
    res = client_for(fake).post("/api/review", json={"reply": "Hei"})
    assert res.status_code == 500
    message = res.json()["error"]
    assert "request id" in message and "secret" not in message and "Traceback" not in res.text
    request_id = message.split("request id ")[1].split(")")[0]
    assert any(request_id in r.getMessage() for r in caplog.records)  # ...but the log has it


def test_text_over_the_cap_is_413(fake: FakeAssistant) -> None:
    res = client_for(fake).post("/api/draft", json={"text": "x" * 501})
    assert res.status_code == 413
    assert res.json()["error"] == "text is too long: 501 characters; the limit is 500"
    assert client_for(fake).post("/api/draft", json={"text": "x" * 500}).status_code == 200
    res = client_for(fake).post("/api/review", json={"reply": "ok", "complaint": "y" * 600})
    assert res.status_code == 413 and "complaint" in res.json()["error"]


def test_huge_body_refused_before_parsing(fake: FakeAssistant) -> None:
    res = client_for(fake).post("/api/detect", json={"text": "x" * 200_000})
    assert res.status_code == 413 and "too large" in res.json()["error"]


def test_malformed_request_is_422_with_message(fake: FakeAssistant) -> None:
    res = client_for(fake).post("/api/draft", json={"txt": "hei"})
    assert res.status_code == 422
    assert "text" in res.json()["error"] and "txt" in res.json()["error"]


def test_full_queue_answers_busy(fake: FakeAssistant) -> None:
    fake.gate, fake.entered = threading.Event(), threading.Event()
    client = client_for(fake, concurrency=1, queue_size=0)
    first: list[int] = []
    worker = threading.Thread(target=lambda: first.append(client.post("/api/detect", json={"text": "a"}).status_code))
    worker.start()
    assert fake.entered.wait(10)  # the first request holds the only slot
    res = client.post("/api/detect", json={"text": "b"})
    assert res.status_code == 503
    assert res.json()["error"].startswith("busy, retry")
    assert res.headers["retry-after"] == "2"
    fake.gate.set()
    worker.join()
    assert first == [200]
    assert client.post("/api/detect", json={"text": "c"}).status_code == 200  # the slot is free again


def test_gate_lets_the_waiting_through() -> None:
    gate = Gate(limit=1, max_waiting=1)
    with gate.enter():
        waiting_done = threading.Event()

        def waiter() -> None:
            with gate.enter():
                waiting_done.set()

        t = threading.Thread(target=waiter)
        t.start()
        assert not waiting_done.wait(0.2)  # admitted, but waits for the running call
    t.join(5)
    assert waiting_done.is_set()


def test_login_required_when_configured(fake: FakeAssistant) -> None:
    client = client_for(fake, credentials=("agent", "s3cret"))
    assert client.get("/api/health").status_code == 401
    assert client.get("/api/health", auth=("agent", "wrong")).status_code == 401
    assert client.get("/api/health", auth=("agent", "s3cret")).status_code == 200


def test_fake_matches_real_types(fake: FakeAssistant) -> None:
    # the fake must produce what the documented models accept, or the error tests above prove nothing
    DraftOut.model_validate(fake.draft("x").to_dict() | {"gloss": None, "review": None})
    assert replace(fake.detect("x"), confidence=0.5).language == "nb"


# -- the UI's error boundary (app.guarded) ---------------------------------------------------------------------
def test_ui_errors_are_escaped_and_internals_hidden(caplog: pytest.LogCaptureFixture) -> None:
    import gradio as gr

    from app import guarded
    from assistant.errors import InputError

    @guarded
    def bad_input():
        raise InputError("<img src=x onerror=alert(1)>.txt: only .txt and .md documents can be added")

    @guarded
    def crash():
        raise KeyError("/home/agent/secret")

    with pytest.raises(gr.Error) as info:
        bad_input()
    assert info.value.message.startswith("&lt;img src=x onerror=alert(1)&gt;.txt")  # gradio shows it as HTML
    with pytest.raises(gr.Error) as info:
        crash()
    assert "secret" not in info.value.message and "request id" in info.value.message
    request_id = info.value.message.split("request id ")[1].split(")")[0]
    assert any(request_id in r.getMessage() for r in caplog.records)


def test_highlight_names_each_segment_by_its_narrowest_evidence() -> None:
    from app import highlight

    text = "Takk! Du får svar innen fredag."
    card = Scorecard(
        "nb",
        0.5,
        False,
        (
            CriterionResult("thanks_customer", True, 1.0, (Evidence(0, 4, "Takk"),)),
            CriterionResult("next_steps", True, 1.0, (Evidence(6, 31, text[6:31]),)),
            CriterionResult("timeframe", True, 1.0, (Evidence(18, 30, "innen fredag"),)),
            CriterionResult("apology", False, 1.0, ()),
        ),
    )
    segments = highlight(text, card)
    assert "".join(s for s, _ in segments) == text  # nothing lost or repeated
    assert segments == [
        ("Takk", "thanks_customer"),
        ("! ", None),
        ("Du får svar ", "next_steps"),
        ("innen fredag", "timeframe"),
        (".", "next_steps"),
    ]


def test_web_app_login_from_environment(fake: FakeAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import create_app
    from assistant.api import credentials_from_env

    monkeypatch.setenv("COMPLAINT_ASSISTANT_USER", "agent")
    monkeypatch.setenv("COMPLAINT_ASSISTANT_PASSWORD", "pw")
    client = TestClient(create_app(fake, Store(":memory:"), credentials=credentials_from_env()))
    assert client.get("/config").status_code == 401  # the Gradio UI
    assert client.get("/api/health").status_code == 401  # and the REST API
    assert client.post("/login", data={"username": "agent", "password": "nope"}).status_code != 200
    assert client.post("/login", data={"username": "agent", "password": "pw"}).status_code == 200
    assert client.get("/config").status_code == 200
    assert client.get("/api/health", auth=("agent", "pw")).status_code == 200


def test_no_login_without_both_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.api import credentials_from_env

    monkeypatch.setenv("COMPLAINT_ASSISTANT_USER", "agent")
    monkeypatch.delenv("COMPLAINT_ASSISTANT_PASSWORD", raising=False)
    assert credentials_from_env() is None


def test_upload_size_is_capped(fake: FakeAssistant) -> None:
    from app import create_app

    client = TestClient(create_app(fake, Store(":memory:")))
    big = client.post("/gradio_api/upload", files={"files": ("big.csv", b"x" * (11 * 1024 * 1024), "text/csv")})
    assert big.status_code == 413 and "maximum allowed size" in big.text
    small = client.post("/gradio_api/upload", files={"files": ("small.csv", b"text\nhei\n", "text/csv")})
    assert small.status_code == 200
