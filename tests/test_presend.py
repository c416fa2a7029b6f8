"""The pre-send check on the assistant's own drafts: whatever the phrase banks compose passes the rubric.

Every draft is reviewed before an agent sees it, so a phrase the reviewer does not recognise (an apology in the
informal register, a restatement its classifier scores low) fails drafts that are fine. This walks every language
through every topic and mood, in both registers, with and without the customer's and the agent's names, and asks
the reviewer that every required and auto-fail criterion passes.
"""

from __future__ import annotations

import itertools

import pytest

from assistant.drafting import compose_draft, load_sections, phrasebank_languages
from assistant.types import Analysis, Fact, Flag, LanguageGuess, Passage

RULES = load_sections().rules
FLAG_SETS = ((), ("repeat_contact",), ("legal_threat",), ("churn_threat",), ("safety_risk",), ("high_value",))
PASSAGES = [
    Passage(id=i, document=i.rsplit("-", 1)[0], language=i[:2], heading="", text=f"text of {i}", score=1.0)
    for i in ("nb-resolution-06", "nb-resolution-08", "ru-complaints-04")
]


def _cases():
    """Each topic with each mood once; within a topic both registers, named and anonymous, signed and unsigned
    drafts occur, and odd and even topics take the other four of the eight combinations."""
    flag_sets = itertools.cycle(FLAG_SETS)
    for t, topic in enumerate(RULES.topics):
        for m, mood in enumerate(RULES.moods):
            register = ("formal", "informal")[(m + t) % 2]
            named, signed = (m // 2 + t) % 2 == 0, (m + m // 2 + t) % 2 == 0
            yield topic, mood, next(flag_sets), register, named, signed


def _analysis(topic, mood, flags):
    facts = (Fact("order_number", "A-48213", 0, 0), Fact("amount", "1 249,50", 0, 0),
             Fact("product", "Nordic X2", 0, 0))
    return Analysis(topic=topic, topic_confidence=0.9, mood=mood, mood_confidence=0.9,
                    flags=tuple(Flag(f, ()) for f in flags), facts=facts)


@pytest.mark.parametrize("lang", phrasebank_languages())
def test_own_drafts_pass_every_required_criterion(assistant, lang):
    must_pass = {c.id for c in assistant.reviewer.rubric.criteria if c.kind in ("required", "auto_fail")}
    failures = []
    for topic, mood, flags, register, named, signed in _cases():
        draft = compose_draft(
            "complaint", language=lang, analysis=_analysis(topic, mood, flags), passages=PASSAGES,
            register=register, customer_name="Alex Morgan" if named else None,
            agent_name="Kim Berg" if signed else None, company="Nordlys" if signed else None,
            detected=LanguageGuess(lang, 0.99),
        )
        card = assistant.reviewer.review(draft.text, language=lang)
        failed = [c.id for c in card.criteria if c.id in must_pass and c.passed is False]
        if failed:
            failures.append(f"{topic}/{mood}/{register}/{'named' if named else 'anonymous'}/"
                            f"{'signed' if signed else 'unsigned'}/{','.join(flags)}: {failed}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "As I understand it, the heater you bought in May stopped working."),
        ("nb", "Du skriver at regningen for mars var dobbelt så høy som vanlig."),
        ("nn", "Du skriv at sykkelen kom utan styre."),
        ("da", "Du skriver, at pakken blev leveret til den forkerte adresse."),
        ("sv", "Du skriver att kylskåpet slutade kyla efter en vecka."),
        ("de", "Wenn ich Sie richtig verstehe, fehlt in der Lieferung ein Stuhl."),
        ("nl", "Je schrijft dat de monteur niet is komen opdagen."),
        ("fr", "Si j'ai bien compris, la facture de juin comporte une erreur."),
        ("es", "Por lo que nos cuentas, el técnico no se presentó el martes."),
        ("pl", "Z Pani wiadomości wynika, że kurier zostawił paczkę pod drzwiami."),
        ("fi", "Viestisi mukaan pyykinpesukone vuotaa."),
        ("ru", "Насколько я понимаю, курьер так и не приехал."),
        ("uk", "Наскільки я розумію, посилка досі не надійшла."),
    ],
)
def test_a_restatement_acknowledges_the_problem(assistant, lang, sentence):
    assert assistant.reviewer.review(sentence, language=lang).criterion("acknowledges_problem").passed is True


def test_a_placeholder_line_is_evidence_of_nothing(assistant):
    reply = "Hello,\n\nThank you for letting us know.\n\nBest regards,\n[your name]\n[company name]"
    card = assistant.reviewer.review(reply, language="en")
    assert not [(c.id, e.text) for c in card.criteria for e in c.evidence if "[" in e.text]


def test_a_restatement_shields_from_faults_only_without_their_own_cue(assistant):
    reviewer = assistant.reviewer
    sentence = "Du skriver at det er noe galt med en belastning på 1 249,50."  # a draft's restatement
    fault = reviewer.rubric.criterion("defensive_or_blaming")
    prob = reviewer._classifiers.probabilities(reviewer._embedder.embed_queries([sentence]))[fault.id][0]
    assert prob >= fault.threshold  # the classifier alone would call it blaming ...
    assert reviewer.review(sentence, language="nb").criterion(fault.id).passed is True  # ... the restatement wins
    blamed = reviewer.review("You write that the kettle broke, but you should have read the manual.", language="en")
    assert blamed.criterion("defensive_or_blaming").passed is False
