"""The web app: a thin Gradio adapter over ``assistant.Assistant``, mounted beside the REST API.

``python app.py`` (or ``complaint-assistant serve``) serves it on http://127.0.0.1:7860. Each handler calls one
library function and formats its result; user text is only ever shown in text components (Textbox, Dataframe,
HighlightedText), never rendered as HTML or Markdown.
"""

from __future__ import annotations

import html
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402 - the analytics switch must be set before gradio is imported
import pandas as pd  # noqa: E402

from assistant import batch  # noqa: E402
from assistant.api import DEFAULT_CONCURRENCY, DEFAULT_QUEUE_SIZE, create_api, credentials_from_env  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402
from assistant.resources import languages  # noqa: E402
from assistant.store import KINDS, Store  # noqa: E402
from assistant.types import Draft, Scorecard, to_dict  # noqa: E402

log = logging.getLogger("complaint_assistant.app")
AUTO = "auto"
MAX_UPLOAD = "10mb"
SCORECARD_COLUMNS = ["criterion", "result", "confidence", "evidence", "guideline"]
SCORECARD_WIDTHS = ["18%", "8%", "8%", "38%", "28%"]
HISTORY_COLUMNS = ["time (UTC)", "kind", "id", "lang", "agent", "topic", "score", "verdict", "rating", "text"]
CSS = ".mono textarea {font-family: ui-monospace, monospace; font-size: 0.9em}"


# -- boundary: errors and formatting -------------------------------------------------------------------------
def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into an escaped ``gr.Error``; log anything else with a request id."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except AssistantError as exc:
            raise gr.Error(html.escape(str(exc)), print_exception=False) from None
        except Exception:
            request_id = uuid.uuid4().hex[:12]
            log.exception("request %s failed", request_id)
            raise gr.Error(f"Something went wrong (request id {request_id}); the server log has details.") from None

    return wrapper


def _language_choices() -> list[tuple[str, str]]:
    return [(f"{lang.native_name} ({code})", code) for code, lang in languages().items()]


def _language_label(code: str | None) -> str:
    lang = languages().get(code or "")
    return f"{lang.name} ({code})" if lang else (code or "cannot tell")


def _or_none(value: str | None) -> str | None:
    return value.strip() if value and value.strip() and value != AUTO else None


def _passage_text(assistant: Any, passage_id: str, passages: dict[str, Any]) -> tuple[str, str]:
    passage = passages.get(passage_id)
    if passage is None:
        try:
            passage = assistant.corpus.passage(passage_id)
        except KeyError:
            return "", ""
    return passage.heading, passage.text


def scorecard_rows(assistant: Any, card: Scorecard) -> pd.DataFrame:
    mark = {True: "✔ pass", False: "✘ fail", None: "n/a"}
    rows = []
    for c in card.criteria:
        headings = "; ".join(f"{pid}: {_passage_text(assistant, pid, {})[0]}".rstrip(": ") for pid in c.guideline)
        rows.append([c.id, mark[c.passed], round(c.confidence, 2), " … ".join(e.text for e in c.evidence), headings])
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


def score_line(card: Scorecard) -> str:
    verdict = "passes" if card.passed else "does not pass"
    failed = [c.id for c in card.criteria if c.passed is False]
    tail = f"; failed: {', '.join(failed)}" if failed else ""
    return f"Score {card.score:.0%} — {verdict} the rubric ({_language_label(card.language)}){tail}"


def highlight(text: str, card: Scorecard) -> list[tuple[str, str | None]]:
    """Split ``text`` into segments labelled with the criterion whose evidence covers them.

    Where evidence overlaps, the narrowest span names the segment (``timeframe`` for "innen fredag" inside a
    ``next_steps`` sentence); the scorecard table lists every criterion's full evidence.
    """
    cuts = {0, len(text)}
    spans = []
    for c in card.criteria:
        for e in c.evidence:
            if 0 <= e.start < e.end <= len(text):
                label = c.id if c.passed is not False else f"✘ {c.id}"
                spans.append((e.start, e.end, label))
                cuts.update((e.start, e.end))
    edges = sorted(cuts)
    segments = []
    for start, end in zip(edges, edges[1:], strict=False):
        covering = [(e - s, label) for s, e, label in spans if s <= start and end <= e]
        narrowest = min((width for width, _ in covering), default=0)
        labels = sorted({label for width, label in covering if width == narrowest})
        segments.append((text[start:end], ", ".join(labels) or None))
    return segments


# -- handlers: each calls the library once and formats the result ------------------------------------------
class Handlers:
    """The app's event handlers over one ``assistant`` and ``store``; layout code wires them to components."""

    def __init__(self, assistant: Any, store: Store) -> None:
        self.assistant = assistant
        self.store = store
        self.lang_choices = _language_choices()
        self.max_chars = int(assistant.config.max_chars)

    def draft_view(self, draft: Draft) -> list[Any]:
        assistant = self.assistant
        passages = {p.id: p for p in draft.passages}
        guess = draft.detected
        detected = f"{_language_label(guess.language)} · confidence {guess.confidence:.2f}"
        if guess.runner_up:
            detected += f" · runner-up {guess.runner_up.language} {guess.runner_up.confidence:.2f}"
        detected += f"\nReply in: {_language_label(draft.language)} · register: {draft.register}"
        a = draft.analysis
        analysis = f"Topic: {a.topic} ({a.topic_confidence:.2f}) · Mood: {a.mood} ({a.mood_confidence:.2f})"
        flags = pd.DataFrame(
            [
                [
                    f.id,
                    "; ".join(f"{pid}: {_passage_text(assistant, pid, passages)[0]}" for pid in f.guideline),
                    f.evidence,
                ]
                for f in a.flags
            ],
            columns=["flag", "guideline", "evidence"],
        )
        facts = pd.DataFrame([[f.kind, f.value] for f in a.facts], columns=["fact", "value (verbatim)"])
        citations = pd.DataFrame(
            [[s.key, pid, *_passage_text(assistant, pid, passages)] for s in draft.sections for pid in s.citations],
            columns=["section", "passage", "heading", "passage text"],
        )
        gloss = draft.gloss.text if draft.gloss else ""
        notes = "\n".join([*draft.notes, *(f"Fill in: {p}" for p in draft.placeholders)])
        card = draft.review
        return [
            detected,
            analysis,
            flags,
            facts,
            draft.text,
            gloss,
            citations,
            ", ".join(draft.placeholders) or "none",
            notes,
            score_line(card) if card else "",
            scorecard_rows(assistant, card) if card else None,
        ]

    @guarded
    def draft(self, text, language, customer, agent, company, register, agent_language):
        draft = self.assistant.draft(
            text,
            language=_or_none(language),
            customer_name=_or_none(customer),
            agent_name=_or_none(agent),
            company=_or_none(company),
            register=_or_none(register),
            agent_language=_or_none(agent_language),
        )
        draft_id = self.store.add_draft(text, draft.language, draft.to_dict(), agent=_or_none(agent))
        state = {"id": draft_id, "language": draft.language, "agent": _or_none(agent)}
        return [*self.draft_view(draft), state, "", f"Draft #{draft_id} saved to history."]

    @guarded
    def redraft(self, text, language, *rest):
        if not (text or "").strip():
            return [gr.skip()] * 14  # nothing drafted yet: the choice applies to the next draft
        return self.draft(text, language, *rest)

    @guarded
    def check(self, reply, complaint, state):
        if not (reply or "").strip():
            return "", None
        lang = (state or {}).get("language")
        card = self.assistant.review(reply, complaint=_or_none(complaint), language=lang)
        return score_line(card), scorecard_rows(self.assistant, card)

    @guarded
    def rate(self, state, verdict, reason):
        if not state:
            raise gr.Error("Draft a reply first, then rate it.")
        if verdict not in ("useful", "not useful"):
            raise gr.Error("Choose 'useful' or 'not useful'.")
        self.store.add_rating(state["id"], verdict == "useful", reason or "")
        return f"Rating saved for draft #{state['id']}."

    @guarded
    def send(self, reply, complaint, state):
        if not (reply or "").strip():
            raise gr.Error("There is no text to mark as sent.")
        state = state or {}
        card = self.assistant.review(reply, complaint=_or_none(complaint), language=state.get("language"))
        sent_id = self.store.add_sent(
            reply, to_dict(card), draft_id=state.get("id"), language=card.language, agent=state.get("agent")
        )
        return f"Marked as sent (#{sent_id}) · {score_line(card)}"

    @guarded
    def review(self, reply, complaint, language):
        card = self.assistant.review(reply, complaint=_or_none(complaint), language=_or_none(language))
        self.store.add_review(reply, to_dict(card), complaint=_or_none(complaint))
        return score_line(card), highlight(reply, card), scorecard_rows(self.assistant, card)

    @guarded
    def batch(self, file, kind, progress=gr.Progress()):  # noqa: B008 - gradio injects the tracker here
        if not file:
            raise gr.Error("Upload a CSV or JSONL file first.")
        rows = batch.read_rows(Path(file), kind)
        progress((0, len(rows)), desc=f"{kind}ing {len(rows)} rows")
        results = batch.run_batch(
            self.assistant, rows, kind, progress=lambda done, total: progress((done, total), unit="rows")
        )
        out = Path(tempfile.mkdtemp(prefix="batch-")) / f"{Path(file).stem}-{kind}-results.csv"
        batch.write_results(results, out)
        summary = batch.summarize(results, kind)
        errors = pd.DataFrame(summary["errors"], columns=["id", "line", "error"])

        def chart(key: str, name: str) -> pd.DataFrame:
            items = sorted(summary.get(key, {}).items())
            return pd.DataFrame(items, columns=[name, "pass rate"])

        text = f"{summary['ok']} of {summary['rows']} rows done; {len(summary['errors'])} with errors."
        if "pass_rate" in summary:
            text += f" Overall pass rate {summary['pass_rate']:.0%}."
        return (
            str(out),
            text,
            errors,
            chart("criterion_pass_rate", "criterion"),
            chart("pass_rate_by_language", "language"),
            chart("pass_rate_by_agent", "agent"),
        )

    def corpus_choices(self) -> tuple[list[Any], list[Any]]:
        corpus = self.assistant.corpus
        langs = sorted({d.language for d in corpus.documents})
        return (
            [("All languages", AUTO), *[(_language_label(code), code) for code in langs]],
            [("All documents", AUTO), *[(f"{d.title} ({d.id})", d.id) for d in corpus.documents]],
        )

    @guarded
    def passages(self, query, language, document):
        lang, doc = _or_none(language), _or_none(document)
        columns = ["score", "id", "language", "document", "heading", "text"]
        if (query or "").strip():
            passages = self.assistant.retrieve(query, k=20)
            rows = [[round(p.score, 3), p.id, p.language, p.document, p.heading, p.text] for p in passages]
        else:
            passages = self.assistant.corpus.passages
            rows = [["", p.id, p.language, p.document, p.heading, p.text] for p in passages]
        keep = [r for r, p in zip(rows, passages, strict=True) if lang in (None, p.language)]
        keep = [r for r in keep if doc in (None, r[columns.index("document")])]
        return pd.DataFrame(keep, columns=columns)

    @guarded
    def add_documents(self, files):
        if not files:
            raise gr.Error("Choose one or more .txt or .md files first.")
        added = self.assistant.add_documents([Path(f) for f in files])
        langs, docs = self.corpus_choices()
        corpus = self.assistant.corpus
        message = (
            f"Added {', '.join(added)}; re-indexed {len(corpus.passages)} passages "
            f"from {len(corpus.documents)} documents."
        )
        return message, gr.update(choices=langs), gr.update(choices=docs), self.passages("", AUTO, AUTO)

    @staticmethod
    def _history_filters(kind, language, agent, search) -> dict[str, str | None]:
        return {
            "kind": _or_none(kind),
            "language": _or_none(language),
            "agent": _or_none(agent),
            "search": _or_none(search),
        }

    @guarded
    def history(self, kind, language, agent, search):
        entries = self.store.history(**self._history_filters(kind, language, agent, search))
        rows = [
            [
                e.created_at[:19].replace("T", " "),
                e.kind,
                e.id,
                e.language,
                e.agent,
                e.topic,
                None if e.score is None else round(e.score, 2),
                {True: "pass", False: "fail", None: ""}[e.passed],
                e.rating,
                e.text,
            ]
            for e in entries
        ]
        return pd.DataFrame(rows, columns=HISTORY_COLUMNS)

    @guarded
    def export(self, kind, language, agent, search):
        out = Path(tempfile.mkdtemp(prefix="history-")) / "complaint-assistant-history.csv"
        path = self.store.export_csv(out, **self._history_filters(kind, language, agent, search))
        return gr.update(value=str(path), visible=True)

    def status(self) -> str:
        corpus = self.assistant.corpus
        return (
            f"Ready · {len(corpus.passages)} guideline passages from {len(corpus.documents)} documents · "
            f"{len(self.lang_choices)} languages · texts up to {self.max_chars:,} characters"
        )

    @guarded
    def on_load(self):
        langs, docs = self.corpus_choices()
        return (
            self.status(),
            gr.update(choices=langs),
            gr.update(choices=docs),
            self.passages("", AUTO, AUTO),
            self.history(AUTO, AUTO, "", ""),
        )


# -- layout: one function per tab, each building its components and wiring their events ----------------------
def _draft_tab(h: Handlers, agent_default: str) -> None:
    draft_state = gr.State(None)
    with gr.Row():
        with gr.Column(scale=3):
            complaint = gr.Textbox(
                label="Complaint",
                lines=8,
                max_lines=20,
                max_length=h.max_chars,
                elem_id="complaint",
                placeholder="Paste the customer's message here",
            )
            with gr.Accordion("Details (optional)", open=False):
                with gr.Row():
                    customer = gr.Textbox(label="Customer name")
                    agent = gr.Textbox(label="Agent name")
                    company = gr.Textbox(label="Company")
                with gr.Row():
                    register = gr.Radio(
                        [("Language default", AUTO), "formal", "informal"], value=AUTO, label="Register"
                    )
                    agent_language = gr.Dropdown(
                        h.lang_choices, value=agent_default, label="Agent's language (for the gloss)"
                    )
            draft_btn = gr.Button("Draft reply", variant="primary", elem_id="draft-btn")
        with gr.Column(scale=2):
            detected = gr.Textbox(label="Detected language", lines=2, interactive=False, elem_id="detected")
            language = gr.Dropdown(
                [("Auto-detect", AUTO), *h.lang_choices],
                value=AUTO,
                label="Reply language (override)",
                elem_id="language",
            )
            analysis = gr.Textbox(label="Topic and mood", interactive=False, elem_id="analysis")
            flags = gr.Dataframe(
                headers=["flag", "guideline", "evidence"],
                label="Flags",
                wrap=True,
                interactive=False,
                column_widths=["22%", "53%", "25%"],
                elem_id="flags",
            )
            facts = gr.Dataframe(
                headers=["fact", "value (verbatim)"],
                label="Facts",
                wrap=True,
                interactive=False,
                elem_id="facts",
            )
    with gr.Row():
        draft_box = gr.Textbox(
            label="Draft (edit before sending)",
            lines=16,
            max_lines=40,
            max_length=h.max_chars,
            buttons=["copy"],
            elem_id="draft-text",
            scale=1,
        )
        gloss_box = gr.Textbox(
            label="Gloss in the agent's language",
            lines=16,
            max_lines=40,
            interactive=False,
            elem_id="gloss",
            scale=1,
        )
    with gr.Row():
        placeholders = gr.Textbox(label="Placeholders to fill", interactive=False, elem_id="placeholders")
        notes = gr.Textbox(label="Notes for the agent", lines=2, interactive=False)
    with gr.Accordion("Why: the guideline passages behind each section", open=False):
        citations = gr.Dataframe(
            headers=["section", "passage", "heading", "passage text"],
            wrap=True,
            interactive=False,
            elem_id="citations",
            max_height=2000,
            column_widths=["12%", "16%", "20%", "52%"],
        )
    with gr.Accordion("Pre-send check of the text above", open=True):
        check_line = gr.Textbox(show_label=False, interactive=False, elem_id="check-line")
        check_table = gr.Dataframe(
            headers=SCORECARD_COLUMNS,
            column_widths=SCORECARD_WIDTHS,
            wrap=True,
            interactive=False,
            elem_id="check-table",
            max_height=900,
        )
        check_btn = gr.Button("Check again", size="sm")
    with gr.Row():
        verdict = gr.Radio(["useful", "not useful"], label="Was this draft useful?")
        reason = gr.Textbox(label="Why (optional)")
        rate_btn = gr.Button("Save rating", size="sm")
        send_btn = gr.Button("Mark as sent", variant="primary", size="sm", elem_id="send-btn")
    draft_status = gr.Textbox(show_label=False, interactive=False, elem_id="draft-status")

    inputs = [complaint, language, customer, agent, company, register, agent_language]
    outputs = [
        detected,
        analysis,
        flags,
        facts,
        draft_box,
        gloss_box,
        citations,
        placeholders,
        notes,
        check_line,
        check_table,
        draft_state,
        reason,
        draft_status,
    ]
    draft_btn.click(h.draft, inputs, outputs, api_name="draft")
    complaint.submit(h.draft, inputs, outputs, api_name="draft_submit")
    language.input(h.redraft, inputs, outputs, api_name="redraft")
    check_kw = {"show_progress": "hidden", "trigger_mode": "always_last"}
    # .change, not .input: a paste or a redraft must be re-checked too; always_last drops stale checks
    check_args = ([draft_box, complaint, draft_state], [check_line, check_table])
    draft_box.change(h.check, *check_args, api_name="check_live", **check_kw)
    check_btn.click(h.check, *check_args, api_name="check")
    rate_btn.click(h.rate, [draft_state, verdict, reason], draft_status, api_name="rate")
    send_btn.click(h.send, [draft_box, complaint, draft_state], draft_status, api_name="mark_sent")


def _review_tab(h: Handlers) -> None:
    with gr.Row():
        with gr.Column():
            reply = gr.Textbox(label="Reply to review", lines=10, max_length=h.max_chars, elem_id="review-reply")
            complaint = gr.Textbox(label="The complaint it answers (optional)", lines=4, max_length=h.max_chars)
            language = gr.Dropdown([("Auto-detect", AUTO), *h.lang_choices], value=AUTO, label="Language of the reply")
            button = gr.Button("Review", variant="primary", elem_id="review-btn")
        with gr.Column():
            line = gr.Textbox(label="Overall", interactive=False, elem_id="review-line")
            marked = gr.HighlightedText(
                label="Evidence in the reply",
                elem_id="review-highlight",
                show_legend=True,
                combine_adjacent=True,
            )
    table = gr.Dataframe(
        headers=SCORECARD_COLUMNS,
        column_widths=SCORECARD_WIDTHS,
        wrap=True,
        interactive=False,
        label="Scorecard",
    )
    button.click(h.review, [reply, complaint, language], [line, marked, table], api_name="review")


def _batch_tab(h: Handlers) -> None:
    with gr.Row():
        file = gr.File(
            label="CSV or JSONL (draft: a 'text' column; review: 'reply', optional 'complaint', "
            "'agent', 'lang', 'id')",
            file_types=[".csv", ".jsonl", ".ndjson"],
            elem_id="batch-file",
        )
        with gr.Column():
            kind = gr.Radio(["draft", "review"], value="review", label="Task")
            button = gr.Button("Run batch", variant="primary", elem_id="batch-btn")
            out = gr.File(label="Results", interactive=False, elem_id="batch-out")
    line = gr.Textbox(show_label=False, interactive=False, elem_id="batch-line")
    chart_kw = {"y": "pass rate", "y_lim": [0, 1], "height": 260}
    chart_criterion = gr.BarPlot(x="criterion", title="Pass rate per criterion", x_label_angle=-30, **chart_kw)
    with gr.Row():
        chart_language = gr.BarPlot(x="language", title="Pass rate per language", **chart_kw)
        chart_agent = gr.BarPlot(x="agent", title="Pass rate per agent", **chart_kw)
    errors = gr.Dataframe(headers=["id", "line", "error"], label="Rows with errors", wrap=True)
    outputs = [out, line, errors, chart_criterion, chart_language, chart_agent]
    button.click(h.batch, [file, kind], outputs, api_name="batch")


def _guidelines_tab(h: Handlers) -> tuple[Any, Any, Any]:
    """Returns the language and document filters and the table, which the page load fills."""
    with gr.Row():
        query = gr.Textbox(label="Search (any language)", scale=3, elem_id="guideline-query")
        language = gr.Dropdown([("All languages", AUTO)], value=AUTO, label="Language", scale=1)
        document = gr.Dropdown([("All documents", AUTO)], value=AUTO, label="Document", scale=2)
        button = gr.Button("Search", scale=1)
    table = gr.Dataframe(
        headers=["score", "id", "language", "document", "heading", "text"],
        wrap=True,
        interactive=False,
        elem_id="guideline-table",
        max_height=600,
        column_widths=["7%", "14%", "8%", "12%", "19%", "40%"],
    )
    with gr.Accordion("Add guideline documents", open=False):
        files = gr.File(label=".txt or .md files", file_count="multiple", file_types=[".txt", ".md"])
        add = gr.Button("Add and re-index")
        added = gr.Textbox(show_label=False, interactive=False)
    inputs = [query, language, document]
    button.click(h.passages, inputs, table, api_name="guidelines")
    query.submit(h.passages, inputs, table, api_name="guidelines_submit")
    language.input(h.passages, inputs, table, api_name="guidelines_language")
    document.input(h.passages, inputs, table, api_name="guidelines_document")
    add.click(h.add_documents, files, [added, language, document, table], api_name="add_documents")
    return language, document, table


def _history_tab(h: Handlers) -> Any:
    """Returns the table, which the page load fills."""
    with gr.Tab("History", id="history") as tab:
        with gr.Row():
            kind = gr.Dropdown([("Everything", AUTO), *KINDS], value=AUTO, label="Kind")
            language = gr.Dropdown([("All languages", AUTO), *h.lang_choices], value=AUTO, label="Language")
            agent = gr.Textbox(label="Agent")
            search = gr.Textbox(label="Text contains")
            refresh = gr.Button("Refresh")
            export = gr.Button("Export CSV")
        file = gr.File(label="Export", interactive=False, visible=False, elem_id="history-file")
        table = gr.Dataframe(
            headers=HISTORY_COLUMNS,
            wrap=True,
            interactive=False,
            elem_id="history-table",
            max_height=600,
            column_widths=["11%", "6%", "5%", "5%", "8%", "9%", "6%", "7%", "10%", "33%"],
        )
    inputs = [kind, language, agent, search]
    agent.submit(h.history, inputs, table, api_name="history_agent")
    refresh.click(h.history, inputs, table, api_name="history")
    kind.input(h.history, inputs, table, api_name="history_kind")
    language.input(h.history, inputs, table, api_name="history_language")
    search.submit(h.history, inputs, table, api_name="history_search")
    tab.select(h.history, inputs, table, api_name="history_tab")
    export.click(h.export, inputs, file, api_name="export_history")
    return table


def build_ui(assistant: Any, store: Store) -> gr.Blocks:
    """The Gradio app: Draft, Review, Batch, Guidelines and History tabs over ``assistant`` and ``store``."""
    h = Handlers(assistant, store)
    with gr.Blocks(title="Complaint assistant", analytics_enabled=False) as demo:
        gr.Markdown("## Complaint assistant\nDraft and check replies to customer complaints, offline.")
        status_box = gr.Textbox(value="Loading models…", show_label=False, interactive=False, container=False)
        with gr.Tab("Draft", id="draft"):
            _draft_tab(h, assistant.config.agent_language)
        with gr.Tab("Review", id="review"):
            _review_tab(h)
        with gr.Tab("Batch", id="batch"):
            _batch_tab(h)
        with gr.Tab("Guidelines", id="guidelines"):
            g_lang, g_doc, g_table = _guidelines_tab(h)
        h_table = _history_tab(h)
        demo.load(h.on_load, None, [status_box, g_lang, g_doc, g_table, h_table], api_name="status")
    demo.queue(default_concurrency_limit=DEFAULT_CONCURRENCY, max_size=DEFAULT_QUEUE_SIZE)
    return demo


# -- serving -------------------------------------------------------------------------------------------------
def create_app(assistant: Any, store: Store, *, credentials: tuple[str, str] | None = None) -> Any:
    """The REST API with the Gradio UI mounted at ``/``."""
    api = create_api(assistant, store, credentials=credentials)
    return gr.mount_gradio_app(
        api,
        build_ui(assistant, store),
        path="/",
        auth=credentials,
        max_file_size=MAX_UPLOAD,
        footer_links=["api"],
        run_history=False,
        enable_monitoring=False,
        mcp_server=False,
        ssr_mode=False,
        pwa=False,
        show_error=True,  # shows only gr.Error messages, which guarded() has already made safe
        css=CSS,
    )


def serve(
    host: str = "127.0.0.1",
    port: int = 7860,
    *,
    config: Any = None,
    assistant: Any = None,
    store: Store | None = None,
    log_level: str = "info",
) -> None:
    """Load the models once, then serve the web app and the REST API until interrupted.

    ``config`` (an ``assistant.config.Config``) configures a new assistant; ``assistant`` passes a ready one.
    """
    import uvicorn

    from assistant.pipeline import Assistant

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    assistant = assistant or Assistant(config)
    store = store or Store()
    print("complaint-assistant: loading models and the guideline index…", flush=True)
    started = time.perf_counter()
    assistant.warm_up()
    corpus = assistant.corpus
    print(
        f"complaint-assistant: ready in {time.perf_counter() - started:.1f} s "
        f"({len(corpus.passages)} passages, history in {store.path})",
        flush=True,
    )
    credentials = credentials_from_env()
    app = create_app(assistant, store, credentials=credentials)
    print(f"complaint-assistant: open http://{host}:{port}" + (" (login required)" if credentials else ""))
    uvicorn.run(app, host=host, port=port, log_level=log_level)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Serve the complaint assistant web app and REST API.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    serve(args.host, args.port)
