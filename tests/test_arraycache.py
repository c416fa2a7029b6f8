"""The shared cache of arrays: round trip, damaged files, unwritable folders, pruning of old files."""

import os

import numpy as np

from assistant.arraycache import KEEP_PER_FOLDER, load_arrays, mark_used, prune, save_array, save_arrays
from assistant.embedding import CachedEmbedder


def test_round_trip_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "stage" / "key.npz"
    save_arrays(path, weights=np.arange(6.0).reshape(2, 3), scale=np.float64(2.5))
    stored = load_arrays(path, "weights", "scale")
    assert stored is not None and stored["weights"].shape == (2, 3) and float(stored["scale"]) == 2.5
    assert [p.name for p in path.parent.iterdir()] == ["key.npz"]


def test_missing_damaged_or_incomplete_files_read_as_none(tmp_path):
    assert load_arrays(tmp_path / "absent.npz", "weights") is None
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(b"PK\x03\x04 not a zip")
    assert load_arrays(damaged, "weights") is None
    save_arrays(tmp_path / "partial.npz", weights=np.zeros(2))
    assert load_arrays(tmp_path / "partial.npz", "weights", "threshold") is None


def test_an_unwritable_cache_is_only_a_slower_start(tmp_path):
    blocker = tmp_path / "stage"
    blocker.write_text("a file where the folder should be")
    save_arrays(blocker / "key.npz", weights=np.zeros(2))  # no exception
    assert load_arrays(blocker / "key.npz", "weights") is None


def _age(path, seconds):
    stamp = path.stat().st_mtime - seconds
    os.utime(path, (stamp, stamp))


def test_a_write_keeps_only_the_most_recently_used_files(tmp_path):
    folder = tmp_path / "vectors"
    folder.mkdir()
    for i in range(KEEP_PER_FOLDER + 3):
        np.save(folder / f"old{i}.npy", np.zeros(2))  # written earlier, by another run
        _age(folder / f"old{i}.npy", 1000 - i)  # old0 is the oldest
    mark_used(folder / "old1.npy")  # read through the cache: now the newest
    save_array(folder / "new.npy", np.ones(2))
    names = {p.name for p in folder.iterdir()}
    assert len(names) == KEEP_PER_FOLDER
    assert {"new.npy", "old1.npy"} <= names
    assert not {"old0.npy", "old2.npy", "old3.npy"} & names


def test_reading_a_fit_stamps_it_as_used(tmp_path):
    path = tmp_path / "stage" / "key.npz"
    save_arrays(path, weights=np.zeros(2))
    _age(path, 3600)
    before = path.stat().st_mtime
    assert load_arrays(path, "weights") is not None
    assert path.stat().st_mtime > before


def test_pruning_spares_temporary_files_being_written_but_not_stale_ones(tmp_path):
    fresh = tmp_path / "key.123.tmp.npy"
    stale = tmp_path / "key.456.tmp.npy"
    for path in (fresh, stale):
        path.write_bytes(b"partial")
    _age(stale, 2 * 24 * 3600)
    prune(tmp_path, keep=0)
    assert fresh.exists() and not stale.exists()


def test_cached_embedder_reads_back_and_stamps_large_batches(tmp_path):
    class Counting:
        name = "counting"

        def __init__(self):
            self.calls = 0

        def embed_queries(self, texts):
            self.calls += 1
            return np.ones((len(texts), 3))

        embed_documents = embed_queries

    inner = Counting()
    cached = CachedEmbedder(inner, tmp_path)
    texts = [f"sentence {i}" for i in range(CachedEmbedder.MIN_BATCH)]
    first = cached.embed_queries(texts)
    (path,) = (tmp_path / "vectors").iterdir()
    _age(path, 3600)
    before = path.stat().st_mtime
    assert np.array_equal(cached.embed_queries(texts), first) and inner.calls == 1
    assert path.stat().st_mtime > before
