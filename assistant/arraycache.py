"""Fitted weights kept on disk as ``.npz`` files: read back or None, written atomically.

The analysis, review and injection-guard classifiers each cache their fit under ``<cache>/<stage>/<key>.npz``;
they share these two functions and keep their own checks of what a valid file holds.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import numpy as np

__all__ = ["load_arrays", "save_arrays"]


def load_arrays(path: Path, *keys: str) -> dict[str, np.ndarray] | None:
    """The arrays ``keys`` stored at ``path``; None when the file is missing, damaged or lacks one of them."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {key: np.asarray(stored[key]) for key in keys}
    except Exception:  # noqa: BLE001 -- any unreadable file (missing, truncated zip, bad header, no key) is refitted
        return None


def save_arrays(path: Path, **arrays: np.ndarray | float) -> None:
    """Store atomically (temporary file, then rename), so a reader never sees half a file. A cache that cannot
    be written (read-only, full) only costs the next start a refit."""
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(tmp, **arrays)
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):  # the folder itself may be what failed
            tmp.unlink(missing_ok=True)
