"""The review classifiers: fitted on the rubric's example sentences, cached on disk by what they were fitted from.

One class-balanced logistic regression per ``present``/``absent`` criterion over the (centred, scaled) sentence
embeddings. Fitting embeds a few thousand example sentences and takes seconds; the result depends only on the
rubric, the review language files, the embedding model and this fitting code, so it is stored under
``<cache>/review/<key>.npz`` with ``key`` a hash of exactly those, and a later start reads it back in
milliseconds. Any change to an input gives a new key (so a new fit); a damaged or unreadable file is refitted.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .arraycache import load_arrays, save_arrays
from .embedding import Embedder

# One-time fitting takes seconds to a minute on 2 cores; the CLI and the server show these messages.
FIT_LOG = logging.getLogger("assistant.fit")

if TYPE_CHECKING:
    from .rubric import RubricData

# Bump when the fitting below changes, so weights cached by older code are not reused.
FIT_FORMAT = 1
_L2 = 10.0
_STEPS = 25


@dataclass(frozen=True)
class Classifiers:
    """Per-criterion logistic weights (last entry the bias) over embeddings centred by ``center``/``scale``."""

    center: np.ndarray
    scale: float
    weights: Mapping[str, np.ndarray]

    def probabilities(self, vectors: np.ndarray) -> dict[str, np.ndarray]:
        """Probability per criterion and row of ``vectors`` (raw sentence embeddings)."""
        x = (np.asarray(vectors, dtype=np.float64) - self.center) / self.scale
        xb = np.hstack([x, np.ones((len(x), 1))])
        return {cid: 1 / (1 + np.exp(-(xb @ w))) for cid, w in self.weights.items()}


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = _L2, steps: int = _STEPS) -> np.ndarray:
    """Class-balanced, L2-regularised logistic regression by Newton's method; deterministic. Returns w (d+1)."""
    xb = np.hstack([x, np.ones((len(x), 1))]).astype(np.float64)
    pos = max(1, int(y.sum()))
    neg = max(1, len(y) - pos)
    sample_w = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * neg))
    w = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (sample_w * (p - y)) + reg * w
        hess = (xb.T * (sample_w * p * (1 - p))) @ xb + np.diag(reg + 1e-6)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def training_sentences(data: RubricData) -> tuple[list[str], list[tuple[str, str]]]:
    """Every example, counter-example and neutral sentence with its (criterion id or "", role)."""
    sentences: list[str] = []
    labels: list[tuple[str, str]] = []
    for lang in data.languages.values():
        for text in lang.neutral:
            sentences.append(text)
            labels.append(("", "neutral"))
        for cid, ctext in lang.criteria.items():
            for text in ctext.examples:
                sentences.append(text)
                labels.append((cid, "example"))
            for text in ctext.counter:
                sentences.append(text)
                labels.append((cid, "counter"))
    return sentences, labels


def fit_classifiers(data: RubricData, embedder: Embedder) -> Classifiers:
    """Embed the example sentences and fit one classifier per ``present``/``absent`` criterion.

    A criterion's positives are its examples; its negatives are its counter-examples, the neutral sentences and
    the other criteria's examples, except those of the criteria it ``overlaps`` (which may show it too).
    """
    sentences, labels = training_sentences(data)
    vectors = np.asarray(embedder.embed_queries(sentences), dtype=np.float64)
    center = vectors.mean(axis=0)
    scale = float((vectors - center).std()) or 1.0
    x = (vectors - center) / scale
    weights = {}
    for c in data.rubric.criteria:
        if c.check not in ("present", "absent"):
            continue
        keep, y = [], []
        for i, (cid, role) in enumerate(labels):
            if cid == c.id:
                keep.append(i)
                y.append(1 if role == "example" else 0)
            elif role != "counter" and cid not in c.overlaps:
                keep.append(i)
                y.append(0)
        weights[c.id] = fit_logistic(x[keep], np.asarray(y, dtype=np.float64))
    return Classifiers(center, scale, weights)


def cache_key(data: RubricData, model_name: str) -> str:
    """Hash of everything the fitted weights depend on: rubric, review language files, model id, fit code."""
    payload = {
        "format": FIT_FORMAT,
        "l2": _L2,
        "steps": _STEPS,
        "model": model_name,
        "rubric": data.rubric.model_dump(mode="json"),
        "languages": {code: lang.model_dump(mode="json") for code, lang in sorted(data.languages.items())},
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:32]


def _read(path: Path, ids: list[str]) -> Classifiers | None:
    """The classifiers stored at ``path``, or None when it is missing, damaged or does not fit the rubric."""
    stored = load_arrays(path, "center", "scale", "ids", "weights")
    if stored is None:
        return None
    center, matrix = stored["center"].astype(np.float64), stored["weights"].astype(np.float64)
    scale, stored_ids = float(stored["scale"]), [str(i) for i in stored["ids"]]
    if stored_ids != ids or center.ndim != 1 or matrix.shape != (len(ids), center.shape[0] + 1):
        return None
    if not (np.isfinite(center).all() and np.isfinite(matrix).all() and np.isfinite(scale) and scale > 0):
        return None
    return Classifiers(center, scale, dict(zip(ids, matrix, strict=True)))


def _write(path: Path, classifiers: Classifiers) -> None:
    ids = list(classifiers.weights)
    save_arrays(path, center=classifiers.center, scale=np.float64(classifiers.scale), ids=np.asarray(ids),
                weights=np.stack([classifiers.weights[i] for i in ids]) if ids else np.zeros((0, 0)))


def load_classifiers(data: RubricData, embedder: Embedder, cache_dir: Path | None) -> Classifiers:
    """The fitted classifiers for ``data`` and ``embedder``: read from ``cache_dir`` when there, else fitted
    (and stored there). ``cache_dir=None`` fits without touching the disk."""
    if cache_dir is None:
        return fit_classifiers(data, embedder)
    ids = [c.id for c in data.rubric.criteria if c.check in ("present", "absent")]
    path = Path(cache_dir) / "review" / f"{cache_key(data, getattr(embedder, 'name', type(embedder).__name__))}.npz"
    cached = _read(path, ids)
    if cached is not None:
        return cached
    FIT_LOG.info("Fitting the review classifiers (one time; kept in %s)...", path.parent)
    classifiers = fit_classifiers(data, embedder)
    _write(path, classifiers)
    return classifiers
