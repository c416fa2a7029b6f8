"""Calibration of the reviewer against hand-labelled replies: per-criterion precision, recall, F1 and Cohen's kappa.

    .venv/bin/python eval/review_eval.py --split dev          # tune on dev only
    .venv/bin/python eval/review_eval.py --split test --json  # the held-out figures, once

Data: ``eval/data/replies/<split>.jsonl``, one reply per line with ``id``, ``lang``, ``complaint`` (or null),
``reply``, ``quality`` and ``labels`` ({criterion id: true | false | null}).

How the figures are defined:

* The positive class is "passed" (the reply does the right thing), as in the scorecard. For a fault such as
  ``overpromise`` that is "no overpromise found"; the F1 of the other class ("fail") is reported beside it.
* A gold label of ``null`` (not applicable) leaves that criterion of that reply out of its metrics. A prediction
  of ``None`` against a gold true/false is an error: it counts as the opposite of the gold label. How often the
  reviewer's "not applicable" agrees with the gold one is reported as ``na_agreement``.
* Macro-F1 is the unweighted mean of the per-criterion F1 (pass class) over the criteria with data;
  kappa is Cohen's kappa between gold and predicted pass/fail, ``None`` when it is undefined (one class only).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "replies"


def load_split(split: str, folder: Path = DATA) -> list[dict[str, Any]]:
    path = folder / f"{split}.jsonl"
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def binary_metrics(pairs: Iterable[tuple[bool, bool]]) -> dict[str, Any]:
    """Precision, recall, F1 (class True and class False) and Cohen's kappa of (gold, predicted) pairs."""
    pairs = list(pairs)
    n = len(pairs)
    tp = sum(1 for g, p in pairs if g and p)
    fp = sum(1 for g, p in pairs if not g and p)
    fn = sum(1 for g, p in pairs if g and not p)
    tn = n - tp - fp - fn

    def f1(t: int, f_pos: int, f_neg: int) -> float | None:
        if t + f_pos + f_neg == 0:
            return None
        return 2 * t / (2 * t + f_pos + f_neg)

    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    kappa = None
    if n:
        observed = (tp + tn) / n
        expected = ((tp + fp) * (tp + fn) + (tn + fn) * (tn + fp)) / (n * n)
        if expected < 1:
            kappa = (observed - expected) / (1 - expected)
    return {"n": n, "tp": tp, "fp": fp, "fn": fn, "tn": tn, "precision": precision, "recall": recall,
            "f1": f1(tp, fp, fn), "f1_fail": f1(tn, fn, fp), "kappa": kappa}


def score(rows: Sequence[dict[str, Any]], predictions: Sequence[dict[str, bool | None]],
          criteria: Sequence[str]) -> dict[str, Any]:
    """Metrics per criterion over ``rows`` with their predicted ``{criterion: passed}``."""
    per: dict[str, Any] = {}
    for cid in criteria:
        pairs, na_agree, na_total = [], 0, 0
        for row, pred in zip(rows, predictions, strict=True):
            gold = row["labels"].get(cid)
            got = pred.get(cid)
            if gold is None or got is None:
                na_total += 1
                na_agree += gold is None and got is None
            if gold is None:
                continue
            pairs.append((bool(gold), (not gold) if got is None else bool(got)))
        metrics = binary_metrics(pairs)
        metrics["na_agreement"] = na_agree / na_total if na_total else None
        per[cid] = metrics
    f1s = [m["f1"] for m in per.values() if m["n"] and m["f1"] is not None]
    return {"criteria": per, "macro_f1": sum(f1s) / len(f1s) if f1s else None,
            "min_f1": min(f1s) if f1s else None, "rows": len(rows)}


def evaluate(split: str = "dev", reviewer: Any = None, folder: Path = DATA,
             languages: Sequence[str] | None = None, rows: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Review every reply of ``split`` and compare with its labels; returns data for the eval report."""
    if reviewer is None:
        from assistant.embedding import load_embedder
        from assistant.review import Reviewer

        embedder = load_embedder()
        reviewer = Reviewer(embedder)
    if rows is None:
        rows = [r for r in load_split(split, folder) if not languages or r["lang"] in languages]
    criteria = [c.id for c in reviewer.rubric.criteria]
    reviewer.warm_up()
    predictions, seconds, mistakes = [], [], []
    for row in rows:
        start = time.perf_counter()
        card = reviewer.review(row["reply"], complaint=row.get("complaint"))
        seconds.append(time.perf_counter() - start)
        pred = {c.id: c.passed for c in card.criteria}
        predictions.append(pred)
        for cid in criteria:
            gold = row["labels"].get(cid)
            if gold is not None and pred.get(cid) != gold:
                mistakes.append({"id": row["id"], "criterion": cid, "gold": gold, "predicted": pred.get(cid)})
    overall = score(rows, predictions, criteria)
    per_language = {}
    for lang in sorted({r["lang"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["lang"] == lang]
        per_language[lang] = score([rows[i] for i in idx], [predictions[i] for i in idx], criteria)
    ordered = sorted(seconds)
    latency = {
        "reviews": len(seconds),
        "p50_ms": 1000 * statistics.median(ordered) if ordered else None,
        "p95_ms": 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] if ordered else None,
    }
    return {"split": split, "overall": overall, "per_language": per_language, "latency": latency,
            "mistakes": mistakes, "embedder": getattr(reviewer._embedder, "name", "?")}


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def to_markdown(result: dict[str, Any]) -> str:
    overall = result["overall"]
    lines = [f"### Review calibration ({result['split']} split, {overall['rows']} replies, "
             f"embedder {result['embedder']})", "",
             "| criterion | n | precision | recall | F1 (pass) | F1 (fail) | κ |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for cid, m in overall["criteria"].items():
        lines.append(f"| {cid} | {m['n']} | {_fmt(m['precision'])} | {_fmt(m['recall'])} | {_fmt(m['f1'])} | "
                     f"{_fmt(m['f1_fail'])} | {_fmt(m['kappa'])} |")
    lines += ["", f"Macro-F1 {_fmt(overall['macro_f1'])}, lowest criterion F1 {_fmt(overall['min_f1'])}.", "",
              "| language | replies | macro-F1 | lowest F1 (criterion) |", "|---|---:|---:|---|"]
    for lang, res in result["per_language"].items():
        worst = min(((m["f1"], cid) for cid, m in res["criteria"].items() if m["n"] and m["f1"] is not None),
                    default=(None, ""))
        lines.append(f"| {lang} | {res['rows']} | {_fmt(res['macro_f1'])} | {_fmt(worst[0])} ({worst[1]}) |")
    lat = result["latency"]
    lines += ["", f"Review latency over {lat['reviews']} replies: p50 {_fmt(lat['p50_ms'])} ms, "
              f"p95 {_fmt(lat['p95_ms'])} ms."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    parser.add_argument("--lang", action="append", help="only these languages (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument("--mistakes", action="store_true", help="list every wrong verdict (dev only)")
    args = parser.parse_args(argv)
    result = evaluate(args.split, languages=args.lang)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(to_markdown(result))
    if args.mistakes and args.split == "dev":
        for m in result["mistakes"]:
            print(f"- {m['id']} {m['criterion']}: gold {m['gold']}, predicted {m['predicted']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
