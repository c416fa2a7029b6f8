import pytest

from assistant.errors import InputError
from assistant.inputs import check_text


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("", "empty", id="empty"),
        pytest.param(" \n\t ", "empty", id="whitespace"),
        pytest.param(b"\xff\xfeabc", "not valid UTF-8", id="invalid-utf8"),
        pytest.param(b"PK\x03\x04\x00\x00binary", "binary", id="nul-bytes"),
        pytest.param("\x01\x02\x03\x04\x05\x06\x07\x08", "binary", id="control-chars"),
        pytest.param("x" * 101, "too long: 101 characters; the limit is 100", id="too-long"),
    ],
)
def test_bad_text_is_rejected_with_a_clear_message(text, message):
    with pytest.raises(InputError, match=message):
        check_text(text, max_chars=100)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Hei!\nPakken kom aldri.\tMvh Kari", id="newlines-tabs"),
        pytest.param("Где мой заказ? 😡", id="emoji"),
        pytest.param("<script>alert(1)</script> my order", id="markup-is-text"),
    ],
)
def test_ordinary_text_passes_unchanged(text):
    assert check_text(text, max_chars=100) == text


def test_bytes_with_bom_are_decoded():
    assert check_text("\ufeffHei".encode(), max_chars=100) == "Hei"
