"""Compose a reply from the phrase banks: greeting, acknowledge, empathize, next steps, remedy, follow-up, closing.

Composition is pure and deterministic. Every sentence comes from ``prompts/phrases/<lang>.yaml`` (the same keys
in every language, the same number of variants per group, so variant *i* says the same thing everywhere and a
gloss in the agent's language lines up with the reply). ``prompts/sections.yaml`` gives the section order, the
intent each section's citations are chosen by, and the rules that pick variants (which flags escalate, which
moods count as serious, which topics get a prevention sentence).

Guardrails, by construction:
- templates are the only source of wording; complaint-derived values (facts, names) are inserted as plain text
  in one pass, never parsed as templates;
- the promise-bearing sections (next steps, remedy) depend only on the :class:`Analysis`, never on the raw
  complaint text, so an injected instruction cannot change what is promised unless it changes the analysis;
- amounts are never invented: remedies carry the bank's marked placeholder (``[beløp]``) for the agent to fill.

Example::

    draft = compose_draft(text, language="nb", analysis=analysis, passages=passages,
                          section_passages=None, register=None, customer_name=None, agent_name="Kari",
                          company="Butikk AS", detected=guess, is_fallback=False)
    print(draft.text, draft.placeholders)
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .embedding import Embedder
from .phrasebank import (
    PhraseBank,
    SectionsFile,
    SectionSpec,
    Variants,
    load_phrasebank,
    load_sections,
    phrasebank_languages,
    section_intents,
)
from .types import Analysis, Draft, LanguageGuess, Passage, Section

__all__ = [
    "FACT_SLOTS", "SLOT", "SLOTS", "CitationChooser", "choose_citations", "compose_draft", "compose_gloss",
    "load_phrasebank", "load_sections", "passages_for", "phrasebank_languages", "section_intents",
]

SLOT = re.compile(r"\{([a-z_]+)\}")
SLOTS = frozenset(
    {"customer_name", "agent_name", "company", "order_number", "amount", "date", "product", "facts",
     "offer_amount"}
)
FACT_SLOTS = ("order_number", "amount", "date", "product")
MAX_CITATIONS = 2

# ---------------------------------------------------------------- citations


class CitationChooser:
    """Picks, per section, the retrieved passages closest to the section's intent.

    Holds the embedded intents (embedded once, on first use) and the vectors of passages it has seen, so a
    long-lived chooser embeds nothing per draft once the corpus has been seen. Not shared between threads
    without a lock: the caches are plain dicts.
    """

    def __init__(self, embedder: Embedder, intents: Mapping[str, str] | None = None):
        self._embedder = embedder
        self._intents = dict(section_intents() if intents is None else intents)
        self._intent_vectors: np.ndarray | None = None
        self._passage_vectors: dict[tuple[str, str], np.ndarray] = {}

    def choose(
        self,
        passages: Sequence[Passage],
        relevance: Mapping[str, float] | None = None,
        similarity: Callable[[np.ndarray, Sequence[Passage]], np.ndarray] | None = None,
    ) -> dict[str, list[str]]:
        """Section key -> ids of at most two passages; a second only when nearly as close as the best.

        ``relevance`` (passage id -> bonus) adds how well a passage fits the complaint itself, so that among
        passages serving a section's intent equally well the one about this complaint's problem is cited.
        ``similarity(intent_vectors, passages)`` replaces the plain cosine (the retriever's language-centred
        one, say); without it the passages are embedded here, once each.
        """
        if not passages or not self._intents:
            return {key: [] for key in self._intents}
        if self._intent_vectors is None:
            self._intent_vectors = np.asarray(
                self._embedder.embed_queries(list(self._intents.values())), dtype=np.float32)
        if similarity is not None:
            sims = np.asarray(similarity(self._intent_vectors, passages), dtype=np.float32)
        else:
            sims = self._intent_vectors @ self._passage_matrix(passages).T
        if relevance:
            sims = sims + np.array([relevance.get(p.id, 0.0) for p in passages], dtype=np.float32)
        margin = load_sections().rules.second_citation_margin
        chosen: dict[str, list[str]] = {}
        for row, key in enumerate(self._intents):
            order = sorted(range(len(passages)), key=lambda j: (-float(sims[row, j]), passages[j].id))
            best = float(sims[row, order[0]])
            ids = [passages[order[0]].id]
            ids += [passages[j].id for j in order[1:MAX_CITATIONS] if best - float(sims[row, j]) <= margin]
            chosen[key] = ids
        return chosen

    def _passage_matrix(self, passages: Sequence[Passage]) -> np.ndarray:
        keys = [(p.id, hashlib.sha1(p.text.encode()).hexdigest()) for p in passages]
        missing = [(k, p) for k, p in zip(keys, passages, strict=True) if k not in self._passage_vectors]
        if missing:
            texts = [f"{p.heading}. {p.text}" if p.heading else p.text for _, p in missing]
            vectors = np.asarray(self._embedder.embed_documents(texts), dtype=np.float32)
            self._passage_vectors.update({k: v for (k, _), v in zip(missing, vectors, strict=True)})
        return np.stack([self._passage_vectors[k] for k in keys])


def choose_citations(
    sections_intents: Mapping[str, str], passages: Sequence[Passage], embedder: Embedder
) -> dict[str, list[str]]:
    """Per section, the ids of the retrieved passages most similar to its intent (at most two).

    One-shot form of :class:`CitationChooser`; keep a chooser instead when drafting many complaints.
    """
    return CitationChooser(embedder, sections_intents).choose(passages)


def _fallback_citations(spec: SectionSpec, passages: Sequence[Passage]) -> list[str]:
    have = {p.id for p in passages}
    ids = [pid for pid in spec.preferred if pid in have][:MAX_CITATIONS]
    if not ids and passages:
        ids = [max(passages, key=lambda p: (p.score, p.id)).id]
    return ids


# ---------------------------------------------------------------- composition helpers


def _pick(variants: Variants, seed: str, group: str) -> int:
    digest = hashlib.sha256(f"{seed}\x1f{group}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % len(variants)


class _Filler:
    """Picks variants, resolves registers and fills slots, collecting the placeholders it used."""

    def __init__(self, bank: PhraseBank, register: str, values: dict[str, str | None], seeds: dict[str, str]):
        self.bank = bank
        self.register = register
        self.values = values
        self.seeds = seeds
        self.placeholders: list[str] = []
        self.used_slots: set[str] = set()

    def text(self, variants: Variants, group: str, seed: str) -> str:
        chosen = variants[_pick(variants, self.seeds[seed], group)]
        template = chosen if isinstance(chosen, str) else chosen[self.register]
        return SLOT.sub(self._value, template)

    def _value(self, match: re.Match[str]) -> str:
        slot = match.group(1)
        self.used_slots.add(slot)
        value = self.values.get(slot)
        if value:
            return value
        placeholder = self.bank.placeholders[slot]
        if placeholder not in self.placeholders:
            self.placeholders.append(placeholder)
        return placeholder


def _as_addressed(signed: str | None) -> str | None:
    """A name signed all in lower case ("mvh kari") as a greeting writes it ("Kari"); the fact stays verbatim."""
    return signed.title() if signed and signed == signed.lower() else signed


def _normalise_seed(text: str) -> str:
    return " ".join(text.split())


def _analysis_seed(topic: str, mood: str, flags: set[str]) -> str:
    # The resolved topic, mood and flags only: a figure slipped into the complaint (an injected "$500 refund")
    # becomes a fact, and must not change even the wording of what is promised.
    return f"{topic}\x1e{mood}\x1e{','.join(sorted(flags))}"


# ---------------------------------------------------------------- public API


def compose_draft(
    complaint_text: str,
    *,
    language: str,
    analysis: Analysis,
    passages: Sequence[Passage],
    section_passages: Mapping[str, Sequence[Passage]] | None = None,
    register: str | None = None,
    customer_name: str | None = None,
    agent_name: str | None = None,
    company: str | None = None,
    detected: LanguageGuess | None = None,
    is_fallback: bool = False,
    notes: Sequence[str] = (),
    gloss_language: str | None = None,
) -> Draft:
    """Compose the reply in ``language`` (which must have a phrase bank).

    ``section_passages`` (section key -> passages, e.g. from :func:`choose_citations`) gives the citations;
    without it each citing section falls back to its preferred passages among ``passages``. With
    ``gloss_language`` the same draft is also composed in that language and attached as ``gloss``.
    """
    spec = load_sections()
    rules = spec.rules
    bank = load_phrasebank(language)
    used_register = bank.resolve_register(register)
    topic = analysis.topic if analysis.topic in rules.topics else rules.topic_fallback
    mood = analysis.mood if analysis.mood in rules.moods else rules.mood_fallback
    flags = {f.id for f in analysis.flags}
    is_serious = bool(flags & set(rules.serious_flags)) or mood in rules.serious_moods

    by_kind = analysis.facts_by_kind()
    name = customer_name or _as_addressed((by_kind.get("customer_name") or [None])[0])
    values: dict[str, str | None] = {k: (by_kind.get(k) or [None])[0] for k in FACT_SLOTS}
    values.update(customer_name=name, agent_name=agent_name, company=company, offer_amount=None)
    seeds = {"text": _normalise_seed(complaint_text), "analysis": _analysis_seed(topic, mood, flags)}
    fill = _Filler(bank, used_register, values, seeds)

    parts: dict[str, list[str]] = {}
    greeting = bank.greeting.named if name else bank.greeting.anonymous
    parts["greeting"] = [fill.text(greeting, "greeting", "text")]

    ack = [fill.text(bank.acknowledge.thanks, "ack.thanks", "text"),
           fill.text(bank.acknowledge.topics[topic], f"ack.{topic}", "text")]
    recap = _recap(analysis, bank, fill.used_slots)
    if recap:
        fill.values["facts"] = recap
        ack.append(fill.text(bank.acknowledge.recap, "ack.recap", "text"))
    parts["acknowledge"] = ack

    emp = [fill.text(bank.empathize.moods[mood], f"emp.{mood}", "text")]
    if flags & set(rules.repeat_flags):
        emp.append(fill.text(bank.empathize.repeat_contact, "emp.repeat", "text"))
    parts["empathize"] = emp

    nxt = [fill.text(bank.next_steps.topics[topic], f"next.{topic}", "analysis")]
    if flags & set(rules.safety_flags):
        nxt.append(fill.text(bank.next_steps.safety, "next.safety", "analysis"))
    if flags & set(rules.escalation_flags):
        nxt.append(fill.text(bank.next_steps.escalation, "next.escalation", "analysis"))
    else:
        nxt.append(fill.text(bank.next_steps.owner, "next.owner", "analysis"))
    nxt.append(fill.text(bank.next_steps.informed, "next.informed", "analysis"))
    parts["next_steps"] = nxt

    rem = []
    if not (is_serious and topic in rules.gesture_topics):
        rem.append(fill.text(bank.remedy.topics[topic], f"remedy.{topic}", "analysis"))
    if is_serious:
        rem.append(fill.text(bank.remedy.serious, "remedy.serious", "analysis"))
    parts["remedy"] = rem

    fol = [fill.text(bank.follow_up.check_back, "follow.check_back", "text")]
    if topic in rules.prevent_topics:
        fol.append(fill.text(bank.follow_up.prevent, "follow.prevent", "text"))
    if flags & set(rules.churn_flags):
        fol.append(fill.text(bank.follow_up.churn, "follow.churn", "text"))
    parts["follow_up"] = fol

    parts["closing"] = [fill.text(bank.closing.sign_off, "closing", "text")]

    sections, cited = _sections(spec, parts, passages, section_passages)
    all_notes = list(notes)
    if is_fallback:
        all_notes.append(bank.notes["fallback"])
    draft = Draft(
        language=language,
        detected=detected or LanguageGuess(language=None, confidence=0.0),
        is_fallback=is_fallback,
        register=used_register,
        sections=sections,
        text="\n\n".join(s.text for s in sections),
        analysis=analysis,
        placeholders=tuple(fill.placeholders),
        passages=tuple(cited),
        notes=tuple(all_notes),
    )
    if gloss_language:
        gloss = compose_gloss(
            complaint_text, agent_language=gloss_language, analysis=analysis, passages=passages,
            section_passages=section_passages, register=register, customer_name=customer_name,
            agent_name=agent_name, company=company, detected=detected,
        )
        draft = dataclasses.replace(draft, gloss=gloss)
    return draft


def compose_gloss(
    complaint_text: str,
    *,
    agent_language: str,
    analysis: Analysis,
    passages: Sequence[Passage],
    section_passages: Mapping[str, Sequence[Passage]] | None = None,
    register: str | None = None,
    customer_name: str | None = None,
    agent_name: str | None = None,
    company: str | None = None,
    detected: LanguageGuess | None = None,
) -> Draft:
    """The same draft in the agent's language: same analysis, same variant choices, same citations."""
    bank = load_phrasebank(agent_language)
    wanted = register if register in (*bank.registers, *bank.register_aliases) else None
    return compose_draft(
        complaint_text, language=agent_language, analysis=analysis, passages=passages,
        section_passages=section_passages, register=wanted, customer_name=customer_name,
        agent_name=agent_name, company=company, detected=detected, is_fallback=False,
    )


def _recap(analysis: Analysis, bank: PhraseBank, used: set[str]) -> str:
    """Facts the restatement did not mention, as ``label value`` pairs (nominative-safe in every language)."""
    items: list[str] = []
    seen_first: set[str] = set()
    for fact in analysis.facts:
        if fact.kind not in FACT_SLOTS:
            continue
        is_first = fact.kind not in seen_first
        seen_first.add(fact.kind)
        if is_first and fact.kind in used:
            continue
        items.append(f"{bank.fact_labels[fact.kind]} {fact.value}")
    return bank.list_separator.join(items)


def _sections(
    spec: SectionsFile,
    parts: dict[str, list[str]],
    passages: Sequence[Passage],
    section_passages: Mapping[str, Sequence[Passage]] | None,
) -> tuple[tuple[Section, ...], list[Passage]]:
    by_id = {p.id: p for p in passages}
    sections: list[Section] = []
    for sec in spec.sections:
        if sec.intent is None:
            ids: list[str] = []
        elif section_passages is not None:
            ids = []
            for p in section_passages.get(sec.key, ()):
                by_id.setdefault(p.id, p)
                if p.id not in ids:
                    ids.append(p.id)
            ids = ids[:MAX_CITATIONS]
        else:
            ids = _fallback_citations(sec, passages)
        sections.append(Section(key=sec.key, text=" ".join(parts[sec.key]), citations=tuple(ids)))
    # every retrieved passage travels with the draft, plus any section passage retrieval did not return
    have = {p.id for p in passages}
    extra = sorted({pid for s in sections for pid in s.citations} - have)
    return tuple(sections), [*passages, *(by_id[pid] for pid in extra)]


def passages_for(choice: Mapping[str, Sequence[str]], passages: Sequence[Passage]) -> dict[str, list[Passage]]:
    """Turn :func:`choose_citations`' ids back into passages, for ``compose_draft(section_passages=...)``."""
    by_id = {p.id: p for p in passages}
    return {key: [by_id[i] for i in ids if i in by_id] for key, ids in choice.items()}
