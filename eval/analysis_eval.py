"""Complaint analysis against the labelled complaints: topic/mood accuracy, flag P/R/F1, fact exact match.

    .venv/bin/python eval/analysis_eval.py --split dev          # tune on this one only
    .venv/bin/python eval/analysis_eval.py --split test         # report, never tune
    .venv/bin/python eval/analysis_eval.py --split dev --folds 5  # dev texts as examples, held-out folds scored

Facts are compared per kind as sets of verbatim values; a complaint counts as an exact match for a kind
when the extracted set equals the labelled set (complaints where neither side has that kind are skipped).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "eval" / "data" / "complaints"
FLAGS = ("legal_threat", "high_value", "repeat_contact", "safety_risk", "churn_threat")
FACT_KINDS = ("order_number", "amount", "date", "product", "customer_name")


def load_split(split: str, path: Path | None = None) -> list[dict[str, Any]]:
    file = path or DATA / f"{split}.jsonl"
    with open(file, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "support": tp + fn}


def evaluate(analyzer: Any, rows: Iterable[dict[str, Any]], *, use_label_language: bool = True) -> dict[str, Any]:
    """Score ``analyzer`` (anything with ``analyze(text, language)``) on labelled rows."""
    rows = list(rows)
    topic_ok = mood_ok = 0
    per_lang: dict[str, Counter[str]] = defaultdict(Counter)
    flag_counts = {f: Counter() for f in FLAGS}
    fact_counts = {k: Counter() for k in FACT_KINDS}
    errors: list[dict[str, Any]] = []
    fact_errors: list[dict[str, Any]] = []
    facts_ok = 0
    for row in rows:
        result = analyzer.analyze(row["text"], row["lang"] if use_label_language else None)
        lang = row["lang"]
        t_ok, m_ok = result.topic == row["topic"], result.mood == row["mood"]
        topic_ok += t_ok
        mood_ok += m_ok
        per_lang[lang]["n"] += 1
        per_lang[lang]["topic"] += t_ok
        per_lang[lang]["mood"] += m_ok
        got_flags = {f.id for f in result.flags}
        for flag in FLAGS:
            want, got = flag in row["flags"], flag in got_flags
            flag_counts[flag]["tp" if want and got else "fp" if got else "fn" if want else "tn"] += 1
        got_facts = result.facts_by_kind()
        all_right = True
        for kind in FACT_KINDS:
            want_set, got_set = set(row["facts"].get(kind, [])), set(got_facts.get(kind, []))
            if want_set or got_set:
                fact_counts[kind]["n"] += 1
                fact_counts[kind]["exact"] += want_set == got_set
            if want_set != got_set:
                all_right = False
                fact_errors.append({"id": row.get("id"), "kind": kind, "missed": sorted(want_set - got_set),
                                    "extra": sorted(got_set - want_set)})
        facts_ok += all_right
        if not (t_ok and m_ok and set(row["flags"]) == got_flags):
            errors.append({"id": row.get("id"), "topic": (row["topic"], result.topic),
                           "mood": (row["mood"], result.mood), "flags": (sorted(row["flags"]), sorted(got_flags))})
    n = len(rows) or 1
    return {
        "n": len(rows),
        "topic_accuracy": topic_ok / n,
        "mood_accuracy": mood_ok / n,
        "per_language": {k: {"n": v["n"], "topic": v["topic"] / v["n"], "mood": v["mood"] / v["n"]}
                         for k, v in sorted(per_lang.items())},
        "flags": {f: _prf(c["tp"], c["fp"], c["fn"]) for f, c in flag_counts.items()},
        "facts": {k: {"n": c["n"], "exact": c["exact"] / c["n"] if c["n"] else 1.0} for k, c in fact_counts.items()},
        "facts_all_right": facts_ok,
        "errors": errors,
        "fact_errors": fact_errors,
    }


class FoldAnalyzer:
    """Cross-validation over labelled complaints: fold ``i`` is analysed by a classifier fitted on the example
    sentences plus the whole texts (with their topic and mood) of the other folds' complaints.

    This measures what labelled complaints would add as training data, with every complaint scored by a fit that
    never saw it; flags and facts do not learn from examples, so they read as in the plain run.
    """

    def __init__(self, embedder: Any, rows: list[dict[str, Any]], folds: int) -> None:
        from assistant.analysis import Analyzer
        from assistant.analysis_data import load_analysis_resources

        base = load_analysis_resources()
        ordered = sorted(rows, key=lambda r: r["id"])
        self._fold_of = {r["text"]: i % folds for i, r in enumerate(ordered)}
        self._analyzers = []
        for fold in range(folds):
            train = [r for i, r in enumerate(ordered) if i % folds != fold]
            self._analyzers.append(Analyzer(embedder, _with_examples(base, train), cache_dir=None))

    def analyze(self, text: str, language: str | None = None) -> Any:
        return self._analyzers[self._fold_of[text]].analyze(text, language)


def _with_examples(base: Any, rows: list[dict[str, Any]]) -> Any:
    """``base`` with each row's text added to the examples of its topic and mood in its language."""
    from assistant.analysis_data import AnalysisResources, LabelData

    languages = {}
    for code, lang in base.languages.items():
        mine = [r for r in rows if r["lang"] == code]
        update = {}
        for kind, key in (("topics", "topic"), ("moods", "mood")):
            labels = dict(getattr(lang, kind))
            for row in mine:
                old = labels.get(row[key], LabelData())
                labels[row[key]] = old.model_copy(update={"examples": (*old.examples, row["text"])})
            update[kind] = labels
        languages[code] = lang.model_copy(update=update)
    return AnalysisResources(base.config, languages)


def to_markdown(report: dict[str, Any], title: str) -> str:
    lines = [f"### {title}", "", f"Complaints: {report['n']}  ",
             f"Topic accuracy: {report['topic_accuracy']:.3f}  ", f"Mood accuracy: {report['mood_accuracy']:.3f}", "",
             "| language | n | topic | mood |", "|---|---:|---:|---:|"]
    for lang, v in report["per_language"].items():
        lines.append(f"| {lang} | {v['n']} | {v['topic']:.2f} | {v['mood']:.2f} |")
    lines += ["", "| flag | support | precision | recall | F1 |", "|---|---:|---:|---:|---:|"]
    for flag, v in report["flags"].items():
        lines.append(f"| {flag} | {v['support']} | {v['precision']:.2f} | {v['recall']:.2f} | {v['f1']:.2f} |")
    lines += ["", "| fact kind | complaints | exact match |", "|---|---:|---:|"]
    for kind, v in report["facts"].items():
        lines.append(f"| {kind} | {v['n']} | {v['exact']:.2f} |")
    if "facts_all_right" in report:
        lines += ["", f"Complaints with every fact right: {report['facts_all_right']}/{report['n']}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    parser.add_argument("--data", type=Path, help="a JSONL file instead of eval/data/complaints/<split>.jsonl")
    parser.add_argument("--detect", action="store_true", help="pass no language (analysis of undetected text)")
    parser.add_argument("--errors", action="store_true",
                        help="list the misclassified complaints and every fact missed or extra")
    parser.add_argument("--folds", type=int, default=0,
                        help="K > 1: also fit on the texts of K-1 folds of the data and score the held-out fold")
    args = parser.parse_args(argv)

    from assistant.analysis import Analyzer
    from assistant.embedding import CachedEmbedder, cache_dir, load_embedder

    # As the app does: the example sentences' vectors and the fitted weights come from the cache after a first run.
    embedder = CachedEmbedder(load_embedder(), cache_dir())
    t0 = time.perf_counter()
    rows = load_split(args.split, args.data)
    if args.folds > 1 and args.split == "test" and not args.data:
        parser.error("--folds fits on the data it scores: use it on dev or --data, never on test")
    analyzer = FoldAnalyzer(embedder, rows, args.folds) if args.folds > 1 else Analyzer(embedder)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = evaluate(analyzer, rows, use_label_language=not args.detect)
    took = time.perf_counter() - t0
    name = args.data.name if args.data else f"{args.split} split"
    folds = f", {args.folds}-fold cross-validated" if args.folds > 1 else ""
    print(to_markdown(report, f"Complaint analysis, {name}{folds} ({embedder.name})"))
    print(f"\nAnalyzer built in {built:.1f} s; {took / max(report['n'], 1) * 1000:.0f} ms per complaint.")
    if args.errors:
        for err in report["errors"]:
            print(err)
        for err in report["fact_errors"]:
            print(err)
    return 0


if __name__ == "__main__":
    sys.exit(main())
