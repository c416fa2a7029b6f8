"""Arrays kept on disk in the user cache: read back or None, written atomically, old ones pruned.

The analysis, review and injection-guard classifiers each cache their fit under ``<cache>/<stage>/<key>.npz``;
example vectors (``vectors/``) and the retrieval index (``indexes/``) are ``.npy`` files. Every key hashes what
the file was built from, so each edit of the examples or the corpus leaves a new file behind; a read stamps a
file as used, and every write deletes all but the most recently used files of its folder.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import numpy as np

__all__ = ["load_arrays", "mark_used", "prune", "save_array", "save_arrays"]

# Files kept per cache folder. A start uses at most 5 in one folder (vectors/: topics, moods, guard, review,
# situations); the rest is room for a second corpus or configuration used alternately.
KEEP_PER_FOLDER = 12
_STALE_TMP_SECONDS = 24 * 3600  # a temporary file this old was left by a process that died while writing


def load_arrays(path: Path, *keys: str) -> dict[str, np.ndarray] | None:
    """The arrays ``keys`` stored at ``path``; None when the file is missing, damaged or lacks one of them."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {key: np.asarray(stored[key]) for key in keys}
    except Exception:  # noqa: BLE001 -- any unreadable file (missing, truncated zip, bad header, no key) is refitted
        return None
    mark_used(path)
    return arrays


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
        return
    prune(path.parent)


def save_array(path: Path, array: np.ndarray) -> None:
    """One array as ``.npy``, atomically like ``save_arrays``; a failed write only costs a rebuild next time."""
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npy")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(tmp, array)
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return
    prune(path.parent)


def mark_used(path: Path) -> None:
    """Stamp a cache file as just used (its modification time), so that pruning keeps it."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune(folder: Path, keep: int = KEEP_PER_FOLDER) -> None:
    """Delete all but the ``keep`` most recently used files of ``folder``, and temporary files a day old.

    Another process may be writing or reading right now: a file it is about to read was just stamped, and one
    that disappears under it is rebuilt, so pruning never costs more than a rebuild.
    """
    now = time.time()
    try:
        entries = [(p, p.stat().st_mtime) for p in folder.iterdir() if p.is_file()]
    except OSError:
        return
    done = sorted(((p, t) for p, t in entries if ".tmp" not in p.suffixes), key=lambda e: e[1], reverse=True)
    stale_tmp = [(p, t) for p, t in entries if ".tmp" in p.suffixes and now - t > _STALE_TMP_SECONDS]
    for path, _ in done[keep:] + stale_tmp:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
