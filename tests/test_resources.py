"""The data-file loader: clear errors that name the file."""

import pytest

from assistant.errors import ResourceError
from assistant.resources import load_yaml


def test_invalid_yaml_names_the_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("key: [unclosed\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="bad.yaml: invalid YAML"):
        load_yaml(bad)


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(ResourceError, match="nothere.yaml: file not found"):
        load_yaml(tmp_path / "nothere.yaml")


def test_yaml_is_parsed_safely(tmp_path):
    unsafe = tmp_path / "unsafe.yaml"
    unsafe.write_text("x: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="invalid YAML"):
        load_yaml(unsafe)


def test_every_language_names_a_hunspell_dictionary_that_is_installed():
    # the facts tell a signed name from a word by it ("... igen imorgon. Maja"); language ID shares the same one
    from assistant.detectors import hunspell_dictionary
    from assistant.resources import languages

    names = {code: lang.dictionary or lang.hunspell for code, lang in languages().items()}
    missing = {code: name for code, name in names.items() if not name or hunspell_dictionary(name) is None}
    assert not missing
