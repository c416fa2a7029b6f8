"""The topic and mood classifiers of complaint analysis, fitted on the example sentences and cached on disk.

One multinomial, class-balanced, L2-regularised logistic regression per label set (topics, moods) over the
centred, scaled sentence embeddings of the example sentences of *every* language (``prompts/analysis/*.yaml``),
so a paraphrase in any language counts. Fitting is deterministic (accelerated gradient descent from zero); its
result depends only on the example sentences, their labels, the embedding model and the settings, so it is stored
under ``<cache>/analysis/<key>.npz`` with ``key`` a hash of exactly those and read back on a later start.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .analysis_data import AnalysisResources, LabelData
from .arraycache import load_arrays, save_arrays
from .embedding import Embedder

# Bump when the fitting below changes, so weights cached by older code are not reused.
FIT_FORMAT = 1
_STEPS = 300
REMEDY = "_remedy"  # internal topic label of remedy demands; never reported


@dataclass(frozen=True)
class LabelModel:
    """Softmax weights (last row the bias) over embeddings centred by ``center``/``scale``, one column per id."""

    ids: tuple[str, ...]
    center: np.ndarray
    scale: float
    weights: np.ndarray  # (d + 1, len(ids))
    examples: np.ndarray  # (n, d) the example vectors, for the "nothing like it" floor

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(rows, labels) probabilities for raw sentence embeddings."""
        x = (np.asarray(vectors, dtype=np.float64) - self.center) / self.scale
        z = np.hstack([x, np.ones((len(x), 1))]) @ self.weights
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def aside_rows(self, vectors: np.ndarray) -> np.ndarray:
        """Which rows are most like the ``_remedy`` examples (say nothing of what went wrong)."""
        if REMEDY not in self.ids or not len(vectors):
            return np.zeros(len(vectors), dtype=bool)
        return np.argmax(self.probabilities(vectors), axis=1) == self.ids.index(REMEDY)

    def nearest(self, vectors: np.ndarray) -> np.ndarray:
        """Cosine of each row with its most similar example sentence."""
        if not len(self.examples):
            return np.zeros(len(vectors))
        return (np.asarray(vectors, dtype=np.float64) @ self.examples.T).max(axis=1)


def training_examples(resources: AnalysisResources, kind: str) -> tuple[tuple[str, ...], list[str], list[int]]:
    """Label ids, example sentences and their label index for ``kind`` ("topics" or "moods").

    Topics get one more label, ``_remedy``: demands ("give me my money back") say what the customer wants, not
    what went wrong, scene-setting ("I bought a kettle from you on 3 May") says neither, and outbursts (the
    examples of the ``topicless_moods``: "you are a bunch of idiots") say nothing of it, so sentences like them
    are left out when the topic is decided. The mood "unknown" is what
    the analyser says when it cannot tell, never a class.
    """
    ids = tuple(d.id for d in getattr(resources.config, kind) if d.id != "unknown")
    topicless = resources.config.classifier.topicless_moods
    if kind == "topics":
        ids += (REMEDY,)
    texts: list[str] = []
    owner: list[int] = []
    for code in sorted(resources.languages):
        lang = resources.languages[code]
        for label, data in getattr(lang, kind).items():
            if label in ids:
                texts.extend(data.examples)
                owner.extend([ids.index(label)] * len(data.examples))
        if kind == "topics":
            aside = [*lang.remedy_requests, *lang.scene_setting,
                     *(t for m in topicless for t in lang.moods.get(m, LabelData()).examples)]
            texts.extend(aside)
            owner.extend([ids.index(REMEDY)] * len(aside))
    used = tuple(label for i, label in enumerate(ids) if i in set(owner))
    remap = {ids.index(label): j for j, label in enumerate(used)}
    return used, texts, [remap[i] for i in owner]


def fit_softmax(x: np.ndarray, labels: np.ndarray, k: int, l2: float, steps: int = _STEPS) -> np.ndarray:
    """Class-balanced multinomial logistic regression (bias unpenalised), by Nesterov-accelerated gradient
    descent with the step of the loss's Lipschitz bound; deterministic. Returns W of shape (d + 1, k)."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    y = np.zeros((n, k))
    y[np.arange(n), labels] = 1.0
    sample_w = (y * (n / (k * np.maximum(y.sum(axis=0), 1.0)))).sum(axis=1)
    reg = np.full((d + 1, 1), l2)
    reg[-1] = 0.0
    gram = (xb.T * sample_w) @ xb
    v = np.ones(d + 1)
    for _ in range(50):  # power iteration: the largest eigenvalue bounds the curvature
        v = gram @ v
        v /= np.linalg.norm(v)
    step = 1.0 / (0.5 * float(v @ gram @ v) + l2)
    w = np.zeros((d + 1, k))
    ahead, t = w, 1.0
    for _ in range(steps):
        z = xb @ ahead
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = xb.T @ ((p - y) * sample_w[:, None]) + reg * ahead
        w_next = ahead - step * grad
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        ahead = w_next + (t - 1) / t_next * (w_next - w)
        w, t = w_next, t_next
    return w


def cache_key(ids: tuple[str, ...], texts: list[str], owner: list[int], model_name: str, l2: float) -> str:
    payload = {"format": FIT_FORMAT, "steps": _STEPS, "l2": l2, "model": model_name, "ids": ids,
               "examples": list(zip(texts, owner, strict=True))}
    blob = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:32]


def load_label_model(resources: AnalysisResources, kind: str, embedder: Embedder, l2: float,
                     cache_dir: Path | None) -> LabelModel:
    """Embed the examples of ``kind`` and fit its classifier, or read the fit back from ``cache_dir``."""
    ids, texts, owner = training_examples(resources, kind)
    if not texts:
        return LabelModel(ids, np.zeros(1), 1.0, np.zeros((2, len(ids))), np.zeros((0, 1)))
    vectors = np.asarray(embedder.embed_queries(texts), dtype=np.float64)
    center = vectors.mean(axis=0)
    scale = float((vectors - center).std()) or 1.0
    path = cache_dir / "analysis" / f"{cache_key(ids, texts, owner, embedder.name, l2)}.npz" if cache_dir else None
    weights = _read(path, (vectors.shape[1] + 1, len(ids))) if path else None
    if weights is None:
        weights = fit_softmax((vectors - center) / scale, np.asarray(owner), len(ids), l2)
        if path:
            _write(path, weights)
    return LabelModel(ids, center, scale, weights, vectors)


def _read(path: Path, shape: tuple[int, int]) -> np.ndarray | None:
    """The weights stored at ``path``, or None when missing, damaged or of another shape."""
    stored = load_arrays(path, "weights")
    if stored is None:
        return None
    weights = stored["weights"].astype(np.float64)
    return weights if weights.shape == shape and np.isfinite(weights).all() else None


def _write(path: Path, weights: np.ndarray) -> None:
    save_arrays(path, weights=weights)
