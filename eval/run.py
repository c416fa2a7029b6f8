"""``complaint-assistant eval``: every quality figure, measured in one run, written to ``eval/RESULTS.md``.

    complaint-assistant eval --split test              # the report (never tune on what it shows)
    complaint-assistant eval --split dev --limit 2     # smoke run (CI): two items per language, no benchmark

Sections: language ID (our detector, lingua, heliport and langdetect on the complaints and on the external lingua test
data), analysis (topic, mood, flags, facts), retrieval (recall@5 and MRR of the labelled passages, overall and
cross-lingual only), drafts (four sections, language of every section, facts carried, own review passed,
injections without effect), review calibration (per-criterion precision, recall, F1, Cohen's κ) and, on full
runs, the benchmark of ``eval/bench.py`` (latencies next to the query embedding, throughput, 100k retrieval, cold
start, peak RSS).
"""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "eval" / "data"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORE_SECTIONS = ("acknowledge", "empathize", "next_steps", "remedy")
PROMISE_SECTIONS = ("next_steps", "remedy")
DIGITS = re.compile(r"\d[\d\s.,]*\d|\d")
AGENT, COMPANY = "Kim Berg", "Nordlys"  # the names an agent types into the app


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def limit_per_language(rows: list[dict[str, Any]], limit: int | None) -> list[dict[str, Any]]:
    if not limit:
        return rows
    seen: Counter[str] = Counter()
    out = []
    for row in rows:
        if seen[row["lang"]] < limit:
            seen[row["lang"]] += 1
            out.append(row)
    return out


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def _ms(values: list[float]) -> str:
    if not values:
        return "–"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {1000 * statistics.median(ordered):.0f} ms, p95 {1000 * p95:.0f} ms"


# -- language ID ---------------------------------------------------------------------------------------------
def language_section(assistant, complaints: list[dict[str, Any]], limit: int | None) -> str:
    from eval import langid

    detector = assistant.detector
    hits, confusions = Counter(), Counter()
    per_lang: dict[str, Counter[str]] = defaultdict(Counter)
    for row in complaints:
        got = detector.detect(row["text"]).language
        per_lang[row["lang"]]["n"] += 1
        per_lang[row["lang"]]["ok"] += got == row["lang"]
        hits["ok"] += got == row["lang"]
        if got != row["lang"]:
            confusions[(row["lang"], got or "cannot tell")] += 1
    lines = [
        "## Language identification",
        "",
        f"Labelled complaints: {hits['ok']}/{len(complaints)} = {_pct(hits['ok'] / max(1, len(complaints)))} "
        '(nb and nn strict; "cannot tell" counts as wrong).',
        "",
        "| " + " | ".join(sorted(per_lang)) + " |",
        "|" + "---:|" * len(per_lang),
        "| " + " | ".join(f"{per_lang[k]['ok']}/{per_lang[k]['n']}" for k in sorted(per_lang)) + " |",
        "",
        "Confusions (gold → predicted: count): "
        + (", ".join(f"{g}→{p}: {n}" for (g, p), n in confusions.most_common()) or "none"),
        "",
    ]
    if langid.EXTERNAL_DIR.is_dir():
        scores, audited, changed = langid.evaluate_audited(
            langid.EXTERNAL_DIR, kinds=("sentences", "word-pairs"), limit=limit, detector=detector
        )
        title = "External test data (lingua's language-testdata, `shared/external/langid`)"
        lines.append(langid.markdown(scores, title))
        if audited is not None:
            lines += ["", langid.markdown_audited(audited, changed)]
    else:
        lines.append(f"External test data not found at {langid.EXTERNAL_DIR}; skipped.")
    lines.append("")
    return "\n".join(lines)


# -- analysis ------------------------------------------------------------------------------------------------
def analysis_section(assistant, complaints: list[dict[str, Any]]) -> str:
    from eval import analysis_eval

    report = analysis_eval.evaluate(assistant.analyzer, complaints)
    return "## Complaint analysis\n\n" + analysis_eval.to_markdown(report, "Topic, mood, flags, facts") + "\n"


# -- retrieval -----------------------------------------------------------------------------------------------
def retrieval_metrics(assistant, complaints: list[dict[str, Any]], k: int = 5) -> dict[str, Any]:
    corpus = assistant.corpus
    language_of = {p.id: p.language for p in corpus.passages}
    everything = len(corpus.passages)
    recall, mrr, x_recall, x_mrr = [], [], [], []
    for row in complaints:
        gold = [pid for pid in row.get("passages", []) if pid in language_of]
        if not gold:
            continue
        ranked = [p.id for p in assistant.retriever.retrieve(row["text"], k=everything, language=row["lang"])]
        top = set(ranked[:k])
        recall.append(len(top & set(gold)) / len(gold))
        mrr.append(1 / (1 + min(ranked.index(g) for g in gold)))
        cross = [g for g in gold if language_of[g] != row["lang"]]
        if cross:
            x_recall.append(len(top & set(cross)) / len(cross))
            x_mrr.append(1 / (1 + min(ranked.index(g) for g in cross)))
    mean = statistics.fmean
    return {
        "complaints": len(recall),
        "recall": mean(recall) if recall else None,
        "mrr": mean(mrr) if mrr else None,
        "cross_complaints": len(x_recall),
        "cross_recall": mean(x_recall) if x_recall else None,
        "cross_mrr": mean(x_mrr) if x_mrr else None,
    }


def retrieval_section(assistant, complaints: list[dict[str, Any]]) -> str:
    m = retrieval_metrics(assistant, complaints)
    return "\n".join(
        [
            "## Retrieval",
            "",
            "| passages judged | complaints | recall@5 | MRR |",
            "|---|---:|---:|---:|",
            f"| all labelled | {m['complaints']} | {_pct(m['recall'])} | {m['mrr'] or 0:.3f} |",
            f"| cross-lingual only (passage language ≠ complaint language) | {m['cross_complaints']} | "
            f"{_pct(m['cross_recall'])} | {m['cross_mrr'] or 0:.3f} |",
            "",
        ]
    )


# -- drafts --------------------------------------------------------------------------------------------------
def _without_injection(row: dict[str, Any]) -> str | None:
    injected = row.get("injection")
    return row["text"].replace(injected, " ").strip() if injected and injected in row["text"] else None


def draft_metrics(assistant, complaints: list[dict[str, Any]]) -> dict[str, Any]:
    detector = assistant.detector
    counts: Counter[str] = Counter()
    failures: dict[str, list[str]] = defaultdict(list)
    seconds: list[float] = []
    for row in complaints:
        start = time.perf_counter()
        draft = assistant.draft(row["text"], language=row["lang"])
        seconds.append(time.perf_counter() - start)
        counts["n"] += 1
        sections = {s.key: s for s in draft.sections}
        checks = {
            "four_sections": all(sections.get(k) and sections[k].text.strip() for k in CORE_SECTIONS),
            "cited": all(sections.get(k) and sections[k].citations for k in CORE_SECTIONS),
            "sections_in_language": all(
                detector.detect(sections[k].text).language == row["lang"] for k in CORE_SECTIONS if k in sections
            ),
            "review_passed": bool(draft.review and draft.review.passed),
        }
        # As the app sends it: the agent fills in their name and the company, so no placeholder closes the draft.
        signed = assistant.draft(row["text"], language=row["lang"], agent_name=AGENT, company=COMPANY)
        checks["review_passed_signed"] = bool(signed.review and signed.review.passed)
        facts = [v for vs in row.get("facts", {}).values() for v in vs if v]
        carried = [v for kind, vs in row.get("facts", {}).items() if kind != "customer_name" for v in vs]
        if facts:
            counts["with_facts"] += 1
            checks["facts_carried"] = all(v in draft.text for v in carried) if carried else True
        if "injection" in row.get("hard", []):
            counts["injections"] += 1
            clean = _without_injection(row)
            promised = " ".join(sections[k].text for k in PROMISE_SECTIONS if k in sections)
            unchanged = True
            if clean:
                baseline = assistant.draft(clean, language=row["lang"])
                unchanged = all(baseline.section(k).text == sections[k].text for k in PROMISE_SECTIONS)
            checks["injection_ignored"] = unchanged and not DIGITS.search(promised)
        for name, ok in checks.items():
            counts[name] += ok
            if not ok:
                failures[name].append(row["id"])
    return {"counts": counts, "failures": failures, "seconds": seconds}


def draft_section(assistant, complaints: list[dict[str, Any]]) -> str:
    m = draft_metrics(assistant, complaints)
    c, n = m["counts"], max(1, m["counts"]["n"])
    rows = [
        ("all four sections present", c["four_sections"], n),
        ("all four sections cite passages", c["cited"], n),
        ("every section detected as the complaint's language", c["sections_in_language"], n),
        ("own review (pre-send check) passed", c["review_passed"], n),
        ("... and when signed by the agent (agent and company names given)", c["review_passed_signed"], n),
        ("facts carried verbatim (complaints with facts)", c["facts_carried"], c["with_facts"]),
        ("injection without effect (injection cases)", c["injection_ignored"], c["injections"]),
    ]
    lines = ["## Drafts", "", "| check | passed | share |", "|---|---:|---:|"]
    lines += [f"| {name} | {ok}/{total} | {_pct(ok / total if total else None)} |" for name, ok, total in rows]
    lines += ["", f"Draft latency (in this run, {m['counts']['n']} drafts): {_ms(m['seconds'])}.", ""]
    failed = {k: v for k, v in m["failures"].items() if v}
    if failed:
        lines.append("Failures: " + "; ".join(f"{k}: {', '.join(v[:12])}" for k, v in failed.items()))
        lines.append("")
    return "\n".join(lines)


# Test replies numbered from here on were written blind for test on 2026-11-26 (eval/README.md, "Replies").
FIRST_BLIND_TEST_REPLY = 50


# -- review --------------------------------------------------------------------------------------------------
def review_section(assistant, split: str, limit: int | None) -> str:
    from eval import review_eval

    rows = limit_per_language(review_eval.load_split(split), limit)
    result = review_eval.evaluate(split, reviewer=assistant.reviewer, rows=rows)
    text = "## Review calibration\n\n" + review_eval.to_markdown(result) + "\n"
    first = [r for r in rows if int(r["id"].rsplit("-r", 1)[1]) < FIRST_BLIND_TEST_REPLY]
    if split == "test" and 0 < len(first) < len(rows):
        # The figures above include the blind extension of the test split (eval/README.md, "Replies"); the same
        # measure on the replies from before it keeps the figures comparable with earlier reports.
        before = review_eval.evaluate(split, reviewer=assistant.reviewer, rows=first)
        table = review_eval.to_markdown(before).split("\n")
        kept = [line for line in table[1:] if not line.startswith("Review latency")]
        cut = FIRST_BLIND_TEST_REPLY
        heading = f"#### The {len(first)} test replies written before the blind extension (ids below -r{cut:03d})"
        text += "\n" + heading + "\n" + "\n".join(kept) + "\n"
    return text


# -- speed ---------------------------------------------------------------------------------------------------
def bench_section() -> str:
    import argparse

    from eval import bench

    args = argparse.Namespace(n=40, rounds=1, synthetic=100_000, cold_runs=2, threads=2)
    result = {"device": bench.device_info()}
    result["warm"] = bench.bench_warm(args)
    result["synthetic"] = bench.bench_synthetic(args)
    result["cold"] = bench.bench_cold(args)
    return bench.markdown(result).replace("## Benchmarks", "## Speed and memory (`eval/bench.py`, 2 threads)")


# -- report --------------------------------------------------------------------------------------------------
def machine_line() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
        commit += " (with uncommitted changes)" if dirty.strip() else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    return (
        f"Commit {commit}; {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}."
    )


def main(assistant, *, split: str = "test", limit: int | None = None, output: Path | None = None) -> Path:
    output = output or ROOT / "eval" / "RESULTS.md"
    complaints = limit_per_language(load_jsonl(DATA / "complaints" / f"{split}.jsonl"), limit)
    started = time.perf_counter()
    assistant.warm_up()
    parts = [
        f"# Evaluation results ({split} split{f', first {limit} per language' if limit else ''})",
        "",
        "Produced by `complaint-assistant eval --split "
        f"{split}{f' --limit {limit}' if limit else ''}`. {machine_line()} "
        f"Embedding model: `{assistant.embedder.name}`.",
        "",
    ]
    for title, make in (
        ("language", lambda: language_section(assistant, complaints, limit)),
        ("analysis", lambda: analysis_section(assistant, complaints)),
        ("retrieval", lambda: retrieval_section(assistant, complaints)),
        ("drafts", lambda: draft_section(assistant, complaints)),
        ("review", lambda: review_section(assistant, split, limit)),
        *([("speed", bench_section)] if not limit else []),
    ):
        t0 = time.perf_counter()
        print(f"eval: {title}…", file=sys.stderr, flush=True)
        parts.append(make())
        print(f"eval: {title} done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    parts.append(f"Total time: {time.perf_counter() - started:.0f} s.\n")
    output.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {output}", file=sys.stderr)
    return output
