"""The REST API beside the web UI: ``/api/detect``, ``/api/draft``, ``/api/review``, ``/api/health``.

Responses have the JSON shapes of the CLI (``Draft.to_dict()``, ``to_dict(Scorecard)``, ``to_dict(LanguageGuess)``).
Errors are ``{"error": message}``: 400 for input the library rejects, 413 for text over the length cap, 422 for a
malformed request, 503 "busy, retry" when too many requests are already waiting, 500 with a request id (and the
traceback only in the server log) for anything unexpected.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, ConfigDict, Field

from .errors import AssistantError
from .resources import language_codes
from .types import to_dict

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_CONCURRENCY = 4  # drafts computed at once; more only compete for the same cores
DEFAULT_QUEUE_SIZE = 64  # requests allowed to wait; beyond this the answer is 503 "busy, retry"


# -- request and response shapes (documented in /docs via OpenAPI) -------------------------------------------
class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DetectRequest(_Request):
    text: str = Field(description="The complaint (or any text) whose language to detect.")


class DraftRequest(_Request):
    text: str = Field(description="The customer's complaint.")
    language: str | None = Field(None, description="Reply language (ISO code); detected when omitted.")
    customer_name: str | None = None
    agent_name: str | None = None
    company: str | None = None
    # "register" is a BaseModel attribute name, hence the alias
    register_: str | None = Field(
        None, alias="register", description="formal or informal; the language's default when omitted."
    )


class ReviewRequest(_Request):
    reply: str = Field(description="The reply to review.")
    complaint: str | None = Field(None, description="The complaint it answers, when known.")
    language: str | None = Field(None, description="Language of the reply; detected when omitted.")


class LanguageScoreOut(BaseModel):
    language: str
    confidence: float


class DetectOut(BaseModel):
    language: str | None = Field(description="ISO code, or null when the language cannot be told.")
    confidence: float
    alternatives: list[LanguageScoreOut]


class EvidenceOut(BaseModel):
    start: int
    end: int
    text: str


class CriterionOut(BaseModel):
    id: str
    passed: bool | None = Field(description="true: the reply does the right thing; null: not applicable.")
    confidence: float
    evidence: list[EvidenceOut]
    guideline: list[str] = Field(description="Ids of the guideline passages behind the criterion.")


class ScorecardOut(BaseModel):
    language: str | None
    score: float
    passed: bool
    criteria: list[CriterionOut]


class FlagOut(BaseModel):
    id: str
    guideline: list[str]
    evidence: str


class PassageOut(BaseModel):
    id: str
    document: str
    language: str
    heading: str
    text: str
    score: float
    why: str


class DraftOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    language: str
    detected: DetectOut
    is_fallback: bool
    register_: str = Field(alias="register")
    sections: dict[str, str] = Field(description="Section key (acknowledge, empathize, ...) to its text.")
    text: str
    citations: dict[str, list[str]] = Field(description="Section key to the passage ids that back it.")
    facts: dict[str, list[str]]
    flags: list[FlagOut]
    topic: str
    mood: str
    placeholders: list[str]
    passages: list[PassageOut]
    notes: list[str]
    gloss: dict[str, Any] | None = Field(description="The same draft in the agent's language (same shape).")
    review: ScorecardOut | None


class HealthOut(BaseModel):
    status: str
    languages: list[str]
    documents: int
    passages: int
    max_chars: int


class ErrorOut(BaseModel):
    error: str


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in {
        400: "The input was rejected (empty, binary, unsupported language, ...).",
        401: "Login required.",
        413: "Text longer than the server's cap.",
        422: "Malformed request.",
        500: "Unexpected server error; the log has the details under the request id.",
        503: "Too many requests waiting: busy, retry.",
    }.items()
}


_basic = HTTPBasic(auto_error=False)


# -- helpers -------------------------------------------------------------------------------------------------
class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Gate:
    """At most ``limit`` calls run at once and at most ``max_waiting`` wait; any more are turned away."""

    def __init__(self, limit: int = DEFAULT_CONCURRENCY, max_waiting: int = DEFAULT_QUEUE_SIZE) -> None:
        self._running = threading.BoundedSemaphore(limit)
        self._admitted = threading.BoundedSemaphore(limit + max_waiting)

    @contextmanager
    def enter(self) -> Iterator[None]:
        if not self._admitted.acquire(blocking=False):
            raise ApiError(503, "busy, retry: too many requests are waiting")
        try:
            with self._running:
                yield
        finally:
            self._admitted.release()


def max_chars_of(assistant: Any) -> int:
    """The server-side cap on one text, from the assistant's configuration."""
    return int(assistant.config.max_chars)


def check_length(text: str | None, limit: int, what: str) -> None:
    """Reject text over the cap before any model sees it (413 here, ``InputError`` in the library)."""
    if text is not None and len(text) > limit:
        raise ApiError(413, f"{what} is too long: {len(text):,} characters; the limit is {limit:,}")


def credentials_from_env() -> tuple[str, str] | None:
    """``COMPLAINT_ASSISTANT_USER`` / ``COMPLAINT_ASSISTANT_PASSWORD``, when both are set."""
    user = os.environ.get("COMPLAINT_ASSISTANT_USER")
    password = os.environ.get("COMPLAINT_ASSISTANT_PASSWORD")
    return (user, password) if user and password else None


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _run(gate: Gate, fn: Callable[[], T]) -> T | JSONResponse:
    try:
        with gate.enter():
            return fn()
    except ApiError as exc:
        return _error(exc.status, exc.message, {"Retry-After": "2"} if exc.status == 503 else None)
    except AssistantError as exc:
        return _error(400, str(exc))
    except Exception:
        request_id = uuid.uuid4().hex[:12]
        log.exception("request %s failed", request_id)
        return _error(500, f"internal error (request id {request_id}); the server log has the details")


# -- the app -------------------------------------------------------------------------------------------------
def create_api(
    assistant: Any,
    store: Any = None,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    queue_size: int = DEFAULT_QUEUE_SIZE,
    credentials: tuple[str, str] | None = None,
) -> FastAPI:
    """A FastAPI app with the REST routes over ``assistant`` (an ``assistant.pipeline.Assistant``).

    ``store`` is accepted so the web app and the API share one object; the API itself records nothing.
    With ``credentials`` every ``/api`` route asks for HTTP Basic login.
    """
    del store  # the REST API is stateless; history is recorded by the web UI
    limit = max_chars_of(assistant)
    gate = Gate(concurrency, queue_size)
    max_body = limit * 4 * 3 + 64_000  # three capped fields of 4-byte UTF-8, plus JSON overhead

    def login(creds: Annotated[HTTPBasicCredentials | None, Depends(_basic)]) -> None:
        if credentials is None:
            return
        ok = creds is not None and (
            secrets.compare_digest(creds.username.encode(), credentials[0].encode())
            & secrets.compare_digest(creds.password.encode(), credentials[1].encode())
        )
        if not ok:
            raise ApiError(401, "login required")

    app = FastAPI(
        title="complaint-assistant",
        summary="Draft and review replies to customer complaints, offline, in the customer's language.",
        version="0.1.0",
        dependencies=[Depends(login)],
    )

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Basic"} if exc.status == 401 else None
        return _error(exc.status, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'][1:]) or 'body'}: {err['msg']}" for err in exc.errors()
        )
        return _error(422, f"invalid request: {problems}")

    @app.middleware("http")
    async def _cap_body(request: Request, call_next: Callable[[Request], Any]) -> Any:
        # refuse a huge body before it is read into memory; the per-field cap below gives the exact message
        length = request.headers.get("content-length")
        if request.url.path.startswith("/api/") and length and length.isdigit() and int(length) > max_body:
            return _error(
                413, f"request body too large: {int(length):,} bytes; text is limited to {limit:,} characters"
            )
        return await call_next(request)

    @app.get("/api/health", response_model=HealthOut, responses=ERRORS, tags=["api"])
    def health() -> Any:
        """Readiness: the supported languages and the size of the guideline corpus."""
        corpus = assistant.corpus
        return HealthOut(
            status="ok",
            languages=list(language_codes()),
            documents=len(corpus.documents),
            passages=len(corpus.passages),
            max_chars=limit,
        )

    @app.post("/api/detect", responses={200: {"model": DetectOut}, **ERRORS}, tags=["api"])
    def detect(body: DetectRequest) -> Any:
        """Detect the language of a text. ``language`` is null when it cannot be told."""
        check_length(body.text, limit, "text")
        return _run(gate, lambda: to_dict(assistant.detect(body.text)))

    @app.post("/api/draft", responses={200: {"model": DraftOut}, **ERRORS}, tags=["api"])
    def draft(body: DraftRequest) -> Any:
        """Draft a reply in the customer's language, with citations, placeholders and its own review."""
        check_length(body.text, limit, "text")

        def work() -> dict[str, Any]:
            result = assistant.draft(
                body.text,
                language=body.language or None,
                customer_name=body.customer_name or None,
                agent_name=body.agent_name or None,
                company=body.company or None,
                register=body.register_ or None,
            )
            return result.to_dict()

        return _run(gate, work)

    @app.post("/api/review", responses={200: {"model": ScorecardOut}, **ERRORS}, tags=["api"])
    def review(body: ReviewRequest) -> Any:
        """Score a reply against the rubric; evidence offsets point into ``reply``."""
        check_length(body.reply, limit, "reply")
        check_length(body.complaint, limit, "complaint")
        return _run(
            gate,
            lambda: to_dict(
                assistant.review(body.reply, complaint=body.complaint or None, language=body.language or None)
            ),
        )

    return app
