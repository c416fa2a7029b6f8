"""The Assistant wiring: every stage it builds keeps its caches where the configuration says."""


def test_fitted_weights_live_in_the_configured_cache(assistant):
    assistant.draft("Pakken min har ikke kommet, ordrenummer 48213.", language="nb")
    cache = assistant.config.cache_dir
    assert list((cache / "analysis").glob("*.npz")), "the analyser's fitted weights belong in the configured cache"
    assert list((cache / "review").glob("*.npz")), "the reviewer's fitted weights belong in the configured cache"
