"""Calibration of the reviewer against hand-labelled replies: per-criterion precision, recall, F1 and Cohen's kappa.

    .venv/bin/python eval/review_eval.py --split dev          # tune on dev only
    .venv/bin/python eval/review_eval.py --split test --json  # the held-out figures, once
    .venv/bin/python eval/review_eval.py --data new.jsonl     # a fresh batch, before it joins dev

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


def load_split(split: str, folder: Path = DATA, path: Path | None = None) -> list[dict[str, Any]]:
    """The replies of ``split`` under ``folder``, or those of the file ``path`` when given."""
    path = path or folder / f"{split}.jsonl"
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


GRID = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9)


class _MemoEmbedder:
    """Remembers every vector it hands out, so reviewing the same replies under many thresholds embeds once."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = getattr(inner, "name", "?")
        self._seen: dict[str, Any] = {}

    def embed_queries(self, texts: Sequence[str]) -> Any:
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if missing:
            self._seen.update(zip(missing, self.inner.embed_queries(missing), strict=True))
        return np.stack([self._seen[t] for t in texts]) if texts else self.inner.embed_queries(texts)

    def embed_documents(self, texts: Sequence[str]) -> Any:
        return self.inner.embed_documents(texts)


def _balanced_f1(pairs: Sequence[tuple[bool, bool]]) -> float:
    m = binary_metrics(pairs)
    return ((m["f1"] or 0.0) + (m["f1_fail"] or 0.0)) / 2


def tune_thresholds(reviewer: Any, rows: Sequence[dict[str, Any]], folds: int = 5,
                    grid: Sequence[float] = GRID) -> dict[str, Any]:
    """Per-criterion classifier threshold by cross-validation over replies (a reply and its sentences stay in one
    fold): in each fold the threshold with the best mean of pass- and fail-class F1 on the other folds is applied
    to the held-out replies. Returns, per criterion, the cross-validated metrics, the threshold each fold chose and
    the one the whole split prefers (what ``prompts/rubric.yaml`` should carry). Other criteria keep their
    thresholds while one is swept."""
    import copy

    memo = _MemoEmbedder(reviewer._embedder)
    detected: dict[str, Any] = {}

    def detect(text: str) -> Any:
        if text not in detected:
            detected[text] = reviewer._detect(text)
        return detected[text]

    fold_of = [i % folds for i in range(len(rows))]  # rows come grouped by language: every fold gets each one

    def verdicts(criterion_id: str | None, threshold: float | None) -> list[dict[str, bool | None]]:
        variant = copy.copy(reviewer)
        variant._embedder = memo
        variant._detect = detect
        if criterion_id is not None:
            criteria = tuple(c.model_copy(update={"threshold": threshold}) if c.id == criterion_id else c
                             for c in reviewer.rubric.criteria)
            variant.rubric = reviewer.rubric.model_copy(update={"criteria": criteria})
        out = []
        for row in rows:
            card = variant.review(row["reply"], complaint=row.get("complaint"))
            out.append({c.id: c.passed for c in card.criteria})
        return out

    def pairs(cid: str, preds: Sequence[dict[str, bool | None]], idx: Iterable[int]) -> list[tuple[bool, bool]]:
        out = []
        for i in idx:
            gold = rows[i]["labels"].get(cid)
            if gold is not None:
                got = preds[i].get(cid)
                out.append((bool(gold), (not gold) if got is None else bool(got)))
        return out

    base = verdicts(None, None)
    cross = [dict(p) for p in base]  # cross-validated predictions, criterion by criterion
    report: dict[str, Any] = {}
    for c in reviewer.rubric.criteria:
        if c.check not in ("present", "absent"):
            continue
        sweep = {t: verdicts(c.id, t) for t in grid}
        chosen = []
        for f in range(folds):
            train = [i for i in range(len(rows)) if fold_of[i] != f]
            best = max(grid, key=lambda t: (round(_balanced_f1(pairs(c.id, sweep[t], train)), 6),
                                            -abs(t - c.threshold)))
            chosen.append(best)
            for i in range(len(rows)):
                if fold_of[i] == f:
                    cross[i][c.id] = sweep[best][i].get(c.id)
        whole = max(grid, key=lambda t: (round(_balanced_f1(pairs(c.id, sweep[t], range(len(rows)))), 6),
                                         -abs(t - c.threshold)))
        report[c.id] = {"current": c.threshold, "fold_choices": chosen, "best_on_split": whole,
                        "in_sample_at_best": binary_metrics(pairs(c.id, sweep[whole], range(len(rows))))}
    criteria = [c.id for c in reviewer.rubric.criteria]
    cv = score(rows, cross, criteria)
    per_language = {}
    for lang in sorted({r["lang"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["lang"] == lang]
        per_language[lang] = score([rows[i] for i in idx], [cross[i] for i in idx], criteria)
    return {"cross_validated": cv, "per_language": per_language, "thresholds": report, "folds": folds}


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _language_table(per_language: dict[str, Any]) -> list[str]:
    lines = ["| language | replies | macro-F1 | lowest F1 (criterion) |", "|---|---:|---:|---|"]
    for lang, res in per_language.items():
        worst = min(((m["f1"], cid) for cid, m in res["criteria"].items() if m["n"] and m["f1"] is not None),
                    default=(None, ""))
        lines.append(f"| {lang} | {res['rows']} | {_fmt(res['macro_f1'])} | {_fmt(worst[0])} ({worst[1]}) |")
    return lines


def to_markdown(result: dict[str, Any]) -> str:
    overall = result["overall"]
    lines = [f"### Review calibration ({result['split']} split, {overall['rows']} replies, "
             f"embedder {result['embedder']})", "",
             "| criterion | n | precision | recall | F1 (pass) | F1 (fail) | κ |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for cid, m in overall["criteria"].items():
        lines.append(f"| {cid} | {m['n']} | {_fmt(m['precision'])} | {_fmt(m['recall'])} | {_fmt(m['f1'])} | "
                     f"{_fmt(m['f1_fail'])} | {_fmt(m['kappa'])} |")
    lines += ["", f"Macro-F1 {_fmt(overall['macro_f1'])}, lowest criterion F1 {_fmt(overall['min_f1'])}.", ""]
    lines += _language_table(result["per_language"])
    lat = result["latency"]
    lines += ["", f"Review latency over {lat['reviews']} replies: p50 {_fmt(lat['p50_ms'])} ms, "
              f"p95 {_fmt(lat['p95_ms'])} ms."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    parser.add_argument("--data", type=Path, metavar="FILE",
                        help="replies from this JSONL file (same schema) instead of a split: a fresh batch measured "
                             "as a held-out check before it joins dev")
    parser.add_argument("--lang", action="append", help="only these languages (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    parser.add_argument("--mistakes", action="store_true", help="list every wrong verdict (dev or --data only)")
    parser.add_argument("--tune", action="store_true",
                        help="choose classifier thresholds by 5-fold cross-validation over replies (dev only); "
                             "prints the cross-validated figures and the thresholds for prompts/rubric.yaml")
    args = parser.parse_args(argv)
    if args.tune:
        if args.split != "dev" or args.data:
            parser.error("--tune works on the dev split only: never tune on test or on a held-out batch")
        return _print_tuning(args.lang)
    rows = None
    if args.data:
        rows = [r for r in load_split(args.split, path=args.data) if not args.lang or r["lang"] in args.lang]
    result = evaluate(str(args.data) if args.data else args.split, languages=args.lang, rows=rows)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(to_markdown(result))
    if args.mistakes and (args.split == "dev" or args.data):
        for m in result["mistakes"]:
            print(f"- {m['id']} {m['criterion']}: gold {m['gold']}, predicted {m['predicted']}")
    return 0


def _print_tuning(languages: Sequence[str] | None) -> int:
    from assistant.embedding import load_embedder
    from assistant.review import Reviewer

    reviewer = Reviewer(load_embedder())
    rows = [r for r in load_split("dev") if not languages or r["lang"] in languages]
    tuned = tune_thresholds(reviewer, rows)
    cv = tuned["cross_validated"]
    lines = [f"### Thresholds by {tuned['folds']}-fold cross-validation over {cv['rows']} dev replies", "",
             "| criterion | current | fold choices | best on dev | CV F1 (pass) | CV F1 (fail) | CV κ |",
             "|---|---:|---|---:|---:|---:|---:|"]
    for cid, m in cv["criteria"].items():
        t = tuned["thresholds"].get(cid)
        lines.append(f"| {cid} | {t['current'] if t else '–'} | "
                     f"{' '.join(str(x) for x in t['fold_choices']) if t else '–'} | "
                     f"{t['best_on_split'] if t else '–'} | {_fmt(m['f1'])} | {_fmt(m['f1_fail'])} | "
                     f"{_fmt(m['kappa'])} |")
    lines += ["", f"Cross-validated macro-F1 {_fmt(cv['macro_f1'])}, lowest criterion F1 {_fmt(cv['min_f1'])}.", ""]
    lines += _language_table(tuned["per_language"])
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
