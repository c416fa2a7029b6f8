"""Parity and hygiene of the phrase banks on disk: every bank has every key, variant and register; every slot
is one the composer supplies; no template invents an amount."""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.drafting import FACT_SLOTS, SLOT, SLOTS, load_phrasebank, load_sections, phrasebank_languages
from assistant.resources import language_codes

BANKS = phrasebank_languages()
REFERENCE = "en"
SECTION_KEYS = ("greeting", "acknowledge", "empathize", "next_steps", "remedy", "follow_up", "closing")


def _shape(node: Any) -> Any:
    """The structure of a section: dict keys all the way down, and the length of every variant list."""
    if isinstance(node, dict):
        return {k: _shape(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return len(node)
    return None


def _templates(bank_name: str):
    """(path, register or None, template) for every template of the bank."""
    data = load_phrasebank(bank_name).model_dump(mode="python")

    def walk(node: Any, path: str):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, f"{path}.{k}")
        elif isinstance(node, (list, tuple)):
            for i, item in enumerate(node):
                if isinstance(item, dict):
                    for reg, text in item.items():
                        yield f"{path}[{i}]", reg, text
                else:
                    yield f"{path}[{i}]", None, item

    for key in SECTION_KEYS:
        yield from walk(data[key], key)


def test_every_supported_language_has_a_bank():
    assert set(BANKS) == set(language_codes())


def test_fallback_language_has_a_bank():
    assert load_sections().rules.fallback_language in BANKS


def test_section_order_and_intents():
    sections = load_sections().sections
    assert tuple(s.key for s in sections) == SECTION_KEYS
    for s in sections:
        if s.cites:
            assert s.intent and len(s.intent.split()) >= 8, s.key


@pytest.mark.parametrize("lang", BANKS)
def test_same_keys_and_variant_counts_as_reference(lang):
    ref = load_phrasebank(REFERENCE).model_dump()
    bank = load_phrasebank(lang).model_dump()
    for key in SECTION_KEYS:
        assert _shape(bank[key]) == _shape(ref[key]), f"{lang}: {key} differs from {REFERENCE}"
    for key in ("labels", "placeholders", "fact_labels", "notes"):
        assert set(bank[key]) == set(ref[key]), f"{lang}: {key}"


@pytest.mark.parametrize("lang", BANKS)
def test_topics_and_moods_cover_the_rules(lang):
    rules = load_sections().rules
    bank = load_phrasebank(lang)
    for group in (bank.acknowledge.topics, bank.next_steps.topics, bank.remedy.topics):
        assert set(group) == set(rules.topics)
    assert set(bank.empathize.moods) == set(rules.moods)


@pytest.mark.parametrize("lang", BANKS)
def test_registers(lang):
    bank = load_phrasebank(lang)
    assert bank.default_register in bank.registers
    assert set(bank.register_aliases.values()) <= set(bank.registers)
    assert {"formal", "informal"} <= {*bank.registers, *bank.register_aliases}
    for path, register, _ in _templates(lang):
        if register is not None:
            assert len(bank.registers) > 1, f"{lang} {path}: per-register text in a one-register bank"
    # a per-register template gives every register of the bank
    data = bank.model_dump()
    for key in SECTION_KEYS:
        for item in _variant_items(data[key]):
            if isinstance(item, dict):
                assert set(item) == set(bank.registers), f"{lang} {key}: {sorted(item)}"


def _variant_items(node: Any):
    if isinstance(node, dict):
        for v in node.values():
            yield from _variant_items(v)
    elif isinstance(node, (list, tuple)):
        yield from node


@pytest.mark.parametrize("lang", BANKS)
def test_slots_are_known_and_have_placeholders(lang):
    bank = load_phrasebank(lang)
    assert set(bank.placeholders) >= SLOTS
    assert set(bank.fact_labels) == set(FACT_SLOTS)
    for path, register, text in _templates(lang):
        for slot in SLOT.findall(text):
            assert slot in SLOTS, f"{lang} {path}: unknown slot {slot!r}"
        rest = SLOT.sub("", text)
        assert "{" not in rest and "}" not in rest, f"{lang} {path} ({register}): stray brace in {text!r}"
        assert "[" not in rest and "]" not in rest, f"{lang} {path}: brackets are reserved for placeholders"


@pytest.mark.parametrize("lang", BANKS)
def test_placeholders_are_marked(lang):
    for slot, word in load_phrasebank(lang).placeholders.items():
        assert re.fullmatch(r"\[[^\[\]{}]+\]", word), f"{lang}: placeholder {slot}={word!r}"


@pytest.mark.parametrize("lang", BANKS)
def test_remedies_never_state_an_amount(lang):
    bank = load_phrasebank(lang).model_dump()
    for path, _, text in _templates(lang):
        if path.startswith("remedy"):
            assert not re.search(r"\d", text), f"{lang} {path}: {text!r}"
    del bank


@pytest.mark.parametrize("lang", BANKS)
def test_closing_names_agent_and_company(lang):
    for path, _, text in _templates(lang):
        if path.startswith("closing"):
            assert "{agent_name}" in text and "{company}" in text, f"{lang} {path}"


@pytest.mark.parametrize("lang", BANKS)
def test_named_greetings_only_use_the_name_slot(lang):
    for path, _, text in _templates(lang):
        if path.startswith("greeting"):
            assert set(SLOT.findall(text)) <= {"customer_name"}, f"{lang} {path}"
            if ".anonymous" in path:
                assert not SLOT.findall(text), f"{lang} {path}"


@pytest.fixture(scope="module")
def detector():
    from assistant.language import default_detector

    return default_detector()


@pytest.mark.parametrize("lang", BANKS)
def test_every_template_reads_as_its_language(detector, lang):
    """Each sentence template, filled, is detected as the bank's language on its own (catches stray words
    from a neighbour language, e.g. a Danish-looking Bokmål sentence)."""
    bank = load_phrasebank(lang)
    values = {slot: bank.placeholders[slot] for slot in SLOTS}
    values.update(order_number="A-48213", amount="1 249,50", date="14.03.2025", product="Moccamaster KBG")
    for path, register, text in _templates(lang):
        if path.startswith(("greeting", "closing")):
            continue  # a salutation alone is too short to tell nb from da
        filled = SLOT.sub(lambda m: values[m.group(1)], text)
        guess = detector.detect(filled)
        assert guess.language == lang, f"{lang} {path} ({register}): {guess.language} for {filled!r}"
