"""The e5-small encoder on a GPU machine: pack a carryable copy here, check and time it there.

    .venv/bin/python eval/gpu_bundle.py pack .gpu                  # here: writes .gpu/ (about 55 MB)
    python3 eval/gpu_bundle.py run .gpu --json $OUT/gpu.json       # there: parity, then timings

The prepared model folder is 470 MB and a GPU machine of this workplace takes at most 64 MiB with a call, so
``pack`` keeps what the measured texts need: every weight except the word embeddings in float16, the
word-embedding rows of the tokens that the texts use (the other rows are zeros there, which those texts never
read), the tokenizer compressed, and the texts with the vectors that the same float16-rounded weights give on
this machine's CPU in float32. ``pack`` also reports how far those rounded weights move the vectors from the
prepared model's own (cosine). ``run`` needs only torch, sentence-transformers, safetensors and numpy:

* parity: cosine between the GPU's vectors (float32, then float16) and the carried CPU vectors;
* latency of one query (batch 1, as the assistant embeds a complaint) on the GPU, float32 and float16, next to
  the same machine's CPU with 2 threads (the baseline of the same run);
* throughput of document embedding over 100,000 passages drawn from the shipped corpus (batch 256);
* dense top-5 search over 100,000 unit vectors on the GPU (one matrix product and ``topk`` per query).

The texts are the eval dev complaints (queries) and the shipped corpus passages (documents); the word rows are
cut to exactly their tokens, so timing on any other text would read zero rows and is not done.
"""

from __future__ import annotations

import argparse
import json
import lzma
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
WORD_ROWS = "embeddings.word_embeddings.weight"
SMALL_FILES = (
    "config.json",
    "config_sentence_transformers.json",
    "modules.json",
    "sentence_bert_config.json",
    "special_tokens_map.json",
    "tokenizer_config.json",
)
SMALL_DIRS = ("1_Pooling", "2_Normalize")
ENCODE = {"normalize_embeddings": True, "convert_to_numpy": True, "show_progress_bar": False}


# ----------------------------------------------------------------------------------------------- both sides


def _copy_configs(source: Path, target: Path) -> None:
    for name in SMALL_FILES:
        shutil.copy(source / name, target / name)
    for name in SMALL_DIRS:
        shutil.copytree(source / name, target / name, dirs_exist_ok=True)


def rebuild(bundle: Path, target: Path) -> Path:
    """A sentence-transformers folder from a packed bundle: full-size word embeddings, float32 weights."""
    from safetensors.numpy import load_file, save_file

    target.mkdir(parents=True, exist_ok=True)
    _copy_configs(bundle, target)
    (target / "tokenizer.json").write_bytes(lzma.decompress((bundle / "tokenizer.json.xz").read_bytes()))
    config = json.loads((bundle / "config.json").read_text(encoding="utf-8"))
    tensors = load_file(str(bundle / "weights.safetensors"))
    ids, rows = tensors.pop("vocab_ids"), tensors.pop("vocab_rows")
    words = np.zeros((config["vocab_size"], config["hidden_size"]), np.float32)
    words[ids] = rows.astype(np.float32)
    weights = {name: value.astype(np.float32) for name, value in tensors.items()}
    weights[WORD_ROWS] = words
    save_file(weights, str(target / "model.safetensors"), metadata={"format": "pt"})
    return target


def cosines(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    c = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return {"min": float(c.min()), "mean": float(c.mean())}


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
    }


# ----------------------------------------------------------------------------------------------- pack (here)


def pack(target: Path) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from safetensors.numpy import load_file, save_file
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer

    from assistant.corpus import load_corpus
    from assistant.embedding import prepare_model

    model_dir = Path(prepare_model())
    with open(ROOT / "eval" / "data" / "complaints" / "dev.jsonl", encoding="utf-8") as fh:
        queries = [json.loads(line)["text"] for line in fh if line.strip()]
    passages = [p.text for p in load_corpus(ROOT / "corpus").passages]

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    prompts = ["query: " + t for t in queries] + ["passage: " + t for t in passages]
    used = sorted({i for enc in tokenizer.encode_batch(prompts) for i in enc.ids})

    target.mkdir(parents=True, exist_ok=True)
    _copy_configs(model_dir, target)
    (target / "tokenizer.json.xz").write_bytes(lzma.compress((model_dir / "tokenizer.json").read_bytes()))
    weights = load_file(str(model_dir / "model.safetensors"))
    words = weights.pop(WORD_ROWS)
    packed = {name: value.astype(np.float16) for name, value in weights.items()}
    packed["vocab_ids"] = np.asarray(used, np.int64)
    packed["vocab_rows"] = words[used].astype(np.float16)
    save_file(packed, str(target / "weights.safetensors"))

    # The reference: the same rounded weights on this CPU in float32, so that parity there measures the device.
    with tempfile.TemporaryDirectory() as tmp:
        rounded = SentenceTransformer(str(rebuild(target, Path(tmp) / "m")), device="cpu")
        ref_q = rounded.encode_query(queries, **ENCODE)
        ref_p = rounded.encode_document(passages, **ENCODE)
    prepared = SentenceTransformer(str(model_dir), device="cpu")
    rounding = {
        "queries": cosines(ref_q, prepared.encode_query(queries, **ENCODE)),
        "passages": cosines(ref_p, prepared.encode_document(passages, **ENCODE)),
    }
    np.savez(target / "reference.npz", queries=ref_q, passages=ref_p)
    (target / "texts.json").write_text(
        json.dumps({"queries": queries, "passages": passages}, ensure_ascii=False), encoding="utf-8"
    )
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    meta = {
        "model_dir": model_dir.name,
        "word_rows_kept": len(used),
        "queries": len(queries),
        "passages": len(passages),
        "bundle_mb": round(size / 1e6, 1),
        "float16_weights_vs_prepared_cosine": rounding,
    }
    (target / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return meta


# ----------------------------------------------------------------------------------------------- run (there)


def _latency(model: Any, queries: list[str], sync) -> dict[str, float]:
    for text in queries[:8]:
        model.encode_query([text], **ENCODE)
    seconds = []
    for text in queries:
        sync()
        t = time.perf_counter()
        model.encode_query([text], **ENCODE)
        sync()
        seconds.append(time.perf_counter() - t)
    return percentiles(seconds)


def run(bundle: Path, n_docs: int, n_search: int) -> dict[str, Any]:
    import torch
    from sentence_transformers import SentenceTransformer

    texts = json.loads((bundle / "texts.json").read_text(encoding="utf-8"))
    queries, passages = texts["queries"], texts["passages"]
    ref = np.load(bundle / "reference.npz")
    cuda = torch.cuda.is_available()
    device = "cuda" if cuda else "cpu"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    out: dict[str, Any] = {
        "meta": json.loads((bundle / "meta.json").read_text(encoding="utf-8")),
        "device": torch.cuda.get_device_name(0) if cuda else "cpu",
        "torch": torch.__version__,
        "sentence_transformers": __import__("sentence_transformers").__version__,
    }
    folder = rebuild(bundle, Path(tempfile.mkdtemp(prefix="e5-gpu-")))

    torch.set_num_threads(2)
    cpu = SentenceTransformer(str(folder), device="cpu")
    out["cpu_2_threads_query"] = _latency(cpu, queries, lambda: None)
    del cpu

    rng = np.random.default_rng(0)
    docs = [passages[i] for i in rng.integers(0, len(passages), n_docs)]
    for dtype in ("float32", "float16"):
        model = SentenceTransformer(str(folder), device=device)
        if dtype == "float16":
            model.half()
        row: dict[str, Any] = {
            "parity_queries": cosines(model.encode_query(queries, **ENCODE).astype(np.float32), ref["queries"]),
            "parity_passages": cosines(model.encode_document(passages, **ENCODE).astype(np.float32), ref["passages"]),
            "query": _latency(model, queries, sync),
        }
        model.encode_document(docs[:512], batch_size=256, **ENCODE)
        sync()
        t = time.perf_counter()
        model.encode_document(docs, batch_size=256, **ENCODE)
        sync()
        elapsed = time.perf_counter() - t
        row["documents"] = {"n": n_docs, "seconds": elapsed, "per_s": n_docs / elapsed}
        out[dtype] = row
        del model
        if cuda:
            torch.cuda.empty_cache()

    gen = torch.Generator(device=device).manual_seed(0)
    index = torch.nn.functional.normalize(torch.randn(n_search, 384, device=device, generator=gen), dim=1)
    probes = torch.nn.functional.normalize(torch.randn(200, 384, device=device, generator=gen), dim=1)
    seconds = []
    for i in range(len(probes)):
        sync()
        t = time.perf_counter()
        scores, ids = torch.topk(index @ probes[i], 5)
        ids.cpu()  # the ids come back to the host, as a search would hand them on
        seconds.append(time.perf_counter() - t)
    out["search"] = {"passages": n_search, **percentiles(seconds[10:])}
    return out


def markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    lines = [
        f"Encoder on {result['device']} (torch {result['torch']}, sentence-transformers "
        f"{result['sentence_transformers']}); bundle {meta['bundle_mb']} MB, {meta['word_rows_kept']} word rows.",
        "",
        "| weights | query p50 / p95 ms | documents/s (batch 256) | parity queries min / mean | "
        "parity passages min / mean |",
        "|---|---:|---:|---:|---:|",
    ]
    for dtype in ("float32", "float16"):
        r = result[dtype]
        lines.append(
            f"| {dtype} | {r['query']['p50_ms']:.1f} / {r['query']['p95_ms']:.1f} | {r['documents']['per_s']:.0f} "
            f"| {r['parity_queries']['min']:.6f} / {r['parity_queries']['mean']:.6f} "
            f"| {r['parity_passages']['min']:.6f} / {r['parity_passages']['mean']:.6f} |"
        )
    c, s = result["cpu_2_threads_query"], result["search"]
    lines += [
        "",
        f"Same machine, CPU with 2 threads: one query {c['p50_ms']:.1f} / {c['p95_ms']:.1f} ms (p50 / p95).",
        f"Dense top-5 over {s['passages']:,} vectors on {result['device']}: {s['p50_ms']:.2f} / {s['p95_ms']:.2f} ms.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("pack", "run"))
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--docs", type=int, default=100_000, help="passages embedded for throughput")
    parser.add_argument("--search", type=int, default=100_000, help="vectors in the search benchmark")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    if args.action == "pack":
        result = pack(args.bundle)
        print(json.dumps(result, indent=2))
    else:
        result = run(args.bundle, args.docs, args.search)
        print(markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
