"""The shared .npz cache of fitted weights: round trip, damaged files, unwritable folders."""

import numpy as np

from assistant.arraycache import load_arrays, save_arrays


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
