"""The audited scoring of the external language-ID test data (eval/langid.py): which labels the audit changes and how
accuracy is counted against them. Built on a small folder of our own, so that it runs where the external data is
absent."""

import json

from eval.langid import AUDIT_FILE, audited_golds, load_folder, markdown_audited, score, text_key

NB_SENTENCES = ["Jeg har ikke fått pakken.", "Eg har ikkje fått pakken.", "Pakken kom i går."]
NB_PAIRS = ["ikke fått", "ikkje fått", "pakken fått", "kom går"]


def _folder(tmp_path, audited):
    for kind, lines in (("sentences", NB_SENTENCES), ("word-pairs", NB_PAIRS)):
        (tmp_path / kind).mkdir()
        (tmp_path / kind / "nb.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    audit = tmp_path / "audit.jsonl"
    rows = [{"file": "nb", "sha1": text_key(text), "judges": [gold, gold], "audited": gold} for text, gold in audited]
    audit.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return load_folder(tmp_path, ("sentences", "word-pairs")), audit


def test_a_sentence_judged_nynorsk_and_the_pairs_drawn_from_it_become_nynorsk(tmp_path):
    data, audit = _folder(tmp_path, [(NB_SENTENCES[0], "nb"), (NB_SENTENCES[1], "nn")])
    golds, changed = audited_golds(data, data["sentences"], audit)
    assert golds["sentences"]["nb"] == ["nb", "nn", "nb"]
    # "pakken fått" is in two sentences, so it keeps the file's label; "kom går" is in an unaudited one
    assert golds["word-pairs"]["nb"] == ["nb", "nn", "nb", "nb"]
    assert changed == {("sentences", "nb", "nn"): 1, ("word-pairs", "nb", "nn"): 1}


def test_scores_count_against_the_audited_label(tmp_path):
    data, audit = _folder(tmp_path, [(NB_SENTENCES[1], "nn")])
    golds, _ = audited_golds(data, data["sentences"], audit)
    # the "evidence" here is the guess itself, one per sentence: a reader of the words would say nb, nn, nb
    evidence = {"sentences": {"nb": ["nb", "nn", "nb"]}}
    predict = {"ours": lambda guess: guess}
    (filed,) = score(evidence, predict)
    (audited,) = score(evidence, predict, golds=golds)
    assert filed.accuracy == 2 / 3 and filed.confusions == {("nb", "nn"): 1}
    assert audited.accuracy == 1.0 and audited.totals == {"nb": 2, "nn": 1} and not audited.confusions
    # a guess that the audit does not support is still wrong
    (wrong,) = score({"sentences": {"nb": ["nb", "nb", "nb"]}}, predict, golds=golds)
    assert wrong.accuracy == 2 / 3 and wrong.confusions == {("nn", "nb"): 1}


def test_the_committed_audit_follows_its_rule():
    # eval/README.md: a sentence is relabelled only where every reader judged it to be in the other standard;
    # "both", "mixed", "other" and any disagreement keep the file's label
    rows = [json.loads(line) for line in AUDIT_FILE.read_text(encoding="utf-8").splitlines()]
    assert {r["file"] for r in rows} == {"nb", "nn"}
    assert len({(r["file"], r["sha1"]) for r in rows}) == len(rows)
    for r in rows:
        agreed = set(r["judges"])
        expected = r["judges"][0] if len(agreed) == 1 and agreed <= {"nb", "nn"} else r["file"]
        assert r["audited"] == expected, r
    assert any(r["audited"] != r["file"] for r in rows)


def test_the_audited_table_has_a_column_for_each_relabelled_language(tmp_path):
    data, audit = _folder(tmp_path, [(NB_SENTENCES[1], "nn")])
    golds, changed = audited_golds(data, data["sentences"], audit)
    evidence = {"sentences": {"nb": ["nb", "nn", "nb"]}}
    table = markdown_audited(score(evidence, {"ours": lambda guess: guess}, golds=golds), changed)
    assert "| system | sentences (strict) | nb | nn |" in table
    assert "| ours | 100.0% | 100.0% | 100.0% |" in table
    assert "relabelled: 1 sentences nb→nn" in table
