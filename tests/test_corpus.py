from pathlib import Path

import pytest

from assistant.corpus import load_corpus, split_passages
from assistant.errors import ResourceError

from .conftest import REPO, SEEDS


def test_manifest_lists_five_documents_with_languages(corpus):
    assert [(d.id, d.language) for d in corpus.documents] == [
        ("nb-resolution", "nb"),
        ("ru-complaints", "ru"),
        ("nl-framework", "nl"),
        ("nb-help", "nb"),
        ("nb-recovery", "nb"),
    ]


def test_boilerplate_is_gone(corpus):
    text = "\n".join(p.text for p in corpus.passages)
    assert "Быстрый поиск" not in text
    assert "Samsung Galaxy S2" not in text and "Hong Kong utforming" not in text
    assert "Relatert:" not in text


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds not beside the clone")
@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "corpus").glob("0*.txt")))
def test_cleaning_only_removes_boilerplate(name):
    """Every line of the cleaned file is a line of the seed (bar one joined full stop)."""
    seed_lines = set(SEEDS.joinpath(name).read_text(encoding="utf-8").splitlines())
    for line in (REPO / "corpus" / name).read_text(encoding="utf-8").splitlines():
        assert line in seed_lines or line.removesuffix(".") in seed_lines, line


def test_passages_map_back_to_their_source(corpus):
    for p in corpus.passages:
        source = (REPO / "corpus" / p.source).read_text(encoding="utf-8")
        assert source[p.start : p.end].strip() == p.text
        assert p.id.startswith(p.document + "-")


def test_numbered_guidelines_become_headings(corpus):
    assert corpus.passage("nb-resolution-02").heading == "handle raskt"
    assert corpus.passage("nb-resolution-06").heading == "Bekreft kundens følelser"
    assert corpus.passage("nb-resolution-04").heading.startswith("Vis at du forstår")


def test_bullets_are_passages_under_their_heading(corpus):
    p = corpus.passage("ru-complaints-19")
    assert p.text.startswith("Свяжитесь с клиентом в течение недели")
    assert p.heading == "Организационные подходы к управлению жалобами"


def test_help_steps_are_sections(corpus):
    headings = [p.heading for p in corpus.passages if p.document == "nb-help"]
    for step in ("Hør kunden ut", "Empati", "Lede kunden til en oppløsning"):
        assert step in headings


def test_list_introduced_by_colon_stays_with_its_introduction(corpus):
    steps = [p for p in corpus.passages if "Beklager, beklager" in p.text]
    assert len(steps) == 1
    assert "Vis medfølelse" in steps[0].text and "Gi kompensasjon" in steps[0].text


def test_ids_are_stable_across_loads(corpus):
    again = load_corpus(REPO / "corpus")
    assert [p.id for p in again.passages] == [p.id for p in corpus.passages]
    assert again.fingerprint == corpus.fingerprint


def test_markdown_headings_and_broken_lines():
    text = "# Returns\n\nWe take items back within\n30 days of delivery.\n\n## Refunds\n\n- Refund within a week.\n"
    passages = split_passages(text, document="doc", language="en")
    assert [(p.heading, p.text) for p in passages] == [
        ("Returns", "We take items back within\n30 days of delivery."),
        ("Refunds", "Refund within a week."),
    ]


def test_user_folder_without_manifest(tmp_path: Path):
    (tmp_path / "returns.md").write_text("# Returns policy\n\nWe always refund within 14 days.\n", encoding="utf-8")
    corpus = load_corpus(tmp_path, detect=lambda text: "en")
    assert corpus.documents[0].id == "returns" and corpus.documents[0].title == "Returns policy"
    assert corpus.passages[0].id == "returns-01"


def test_fingerprint_changes_when_a_document_changes(tmp_path: Path):
    doc = tmp_path / "a.txt"
    doc.write_text("Refund within 14 days.\n", encoding="utf-8")
    before = load_corpus(tmp_path, detect=lambda text: "en").fingerprint
    doc.write_text("Refund within 30 days.\n", encoding="utf-8")
    assert load_corpus(tmp_path, detect=lambda text: "en").fingerprint != before


@pytest.mark.parametrize(
    "setup, message",
    [
        pytest.param(lambda d: None, "no .txt or .md", id="empty"),
        pytest.param(lambda d: (d / "x.txt").write_bytes(b"\xff\xfe bad"), "not UTF-8", id="not-utf8"),
        pytest.param(
            lambda d: (d / "manifest.yaml").write_text("documents: [{id: a}]"), "manifest.yaml", id="manifest"
        ),
    ],
)
def test_bad_corpus_folders_are_named(tmp_path: Path, setup, message):
    setup(tmp_path)
    with pytest.raises(ResourceError, match=message):
        load_corpus(tmp_path, detect=lambda text: "en")
