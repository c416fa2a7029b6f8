"""Settings of one assistant instance, from arguments or ``COMPLAINT_ASSISTANT_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from .resources import default_corpus_dir

APP_NAME = "complaint-assistant"
MAX_CHARS = 20_000  # the documented cap on one complaint or reply


def _env(name: str, default: str) -> str:
    return os.environ.get(f"COMPLAINT_ASSISTANT_{name}", default)


def default_cache_dir() -> Path:
    return Path(_env("CACHE", platformdirs.user_cache_dir(APP_NAME)))


def default_data_dir() -> Path:
    return Path(_env("DATA", platformdirs.user_data_dir(APP_NAME)))


@dataclass(frozen=True)
class Config:
    corpus_dir: Path = field(default_factory=default_corpus_dir)
    # documents added through the app; searched together with corpus_dir
    user_corpus_dir: Path | None = field(default_factory=lambda: default_data_dir() / "documents")
    model: str = field(default_factory=lambda: _env("MODEL", "e5-small"))
    cache_dir: Path = field(default_factory=default_cache_dir)
    fallback_language: str = field(default_factory=lambda: _env("FALLBACK_LANGUAGE", "en"))
    agent_language: str = field(default_factory=lambda: _env("AGENT_LANGUAGE", "en"))
    max_chars: int = field(default_factory=lambda: int(_env("MAX_CHARS", str(MAX_CHARS))))
    retrieve_k: int = 8  # passages retrieved for a draft; sections cite from these
