"""The rubric as data: ``prompts/rubric.yaml`` (criteria, weights, kinds, thresholds, the guideline passages behind
each) and ``prompts/review/<lang>.yaml`` (per criterion, example sentences, counter-examples and cue patterns in that
language), read and cross-checked by :func:`load_rubric`. :mod:`assistant.review` scores replies with them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from .errors import ResourceError
from .resources import Strict, load_model, prompts_dir


class Criterion(Strict):
    """One rubric criterion (``prompts/rubric.yaml``)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    description: str
    guideline: tuple[str, ...]  # passage ids of the corpus
    weight: float = Field(ge=0)
    kind: Literal["required", "bonus", "auto_fail"]
    check: Literal["present", "absent", "order", "language"] = "present"
    first: str | None = None  # order: the criterion that must be shown first ...
    then: str | None = None  # ... before this one; not applicable when ``then`` is not shown
    threshold: float = Field(0.5, gt=0, le=1)  # classifier probability that counts as shown
    overlaps: tuple[str, ...] = ()  # criteria whose examples may also show this one (not used as negatives)
    complaint_similarity: float | None = None  # with a complaint: a sentence this close to it shows the criterion
    implied_by: tuple[str, ...] = ()  # criteria whose evidence also shows this one (a follow-up is a next step)
    # Faults that a sentence with a cue of this criterion does not show unless a cue of the fault is there too or
    # the fault's classifier is surer than a cue counts: "You write that something is wrong with a charge" reports
    # the customer's words, it does not argue.
    shields: tuple[str, ...] = ()


class Rubric(Strict):
    criteria: tuple[Criterion, ...]

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)


class CriterionText(Strict):
    """What a language file says about one criterion."""

    name: str | None = None
    description: str | None = None
    examples: tuple[str, ...] = ()  # sentences that show the criterion
    counter: tuple[str, ...] = ()  # near misses that do not
    cues: tuple[str, ...] = ()  # case-insensitive regular expressions that show it on their own
    # Case-insensitive regular expressions of a clause (a sentence cut at commas, ";", ":" and dashes) in which a
    # cue does not count: the criterion named to refuse or deny it ("we cannot offer compensation", "Hyvitystä ei
    # voida myöntää"). A sentence that matches one shows the criterion only through a cue of another clause, not
    # through the classifier: "Feel free to call us" invites the customer, it commits no one to a call. Pooled
    # over all languages, like the cues.
    unless: tuple[str, ...] = ()
    # Case-insensitive regular expressions of which one must match in a sentence before the classifier alone can
    # show the criterion there: a follow-up needs a word of contact ("call", "write", "let you know"), however close
    # to one a sentence about a technician's visit reads. Cues do not need one. Pooled over all languages.
    anchors: tuple[str, ...] = ()
    # Case-insensitive regular expressions of which one must match somewhere in the reply before anything can
    # show the criterion: a condition on the whole reply that no single sentence carries (a personal tone needs a
    # writer who speaks as "I" or signs with a name, besides the customer's name). Pooled over all languages.
    requires: tuple[str, ...] = ()


class ReviewLanguage(Strict):
    """``prompts/review/<lang>.yaml``."""

    language: str
    neutral: tuple[str, ...] = ()  # sentences that show no criterion (greetings, sign-offs, facts)
    criteria: dict[str, CriterionText]


@dataclass(frozen=True)
class RubricData:
    rubric: Rubric
    languages: dict[str, ReviewLanguage]  # keyed by language code


def load_rubric(folder: Path | None = None) -> RubricData:
    """Read and cross-check the rubric and every ``review/<lang>.yaml`` under ``folder`` (default prompts/)."""
    folder = folder or prompts_dir()
    rubric_path = folder / "rubric.yaml"
    rubric = load_model(Rubric, rubric_path)
    ids = [c.id for c in rubric.criteria]
    if len(set(ids)) != len(ids):
        raise ResourceError(f"{rubric_path}: criteria: duplicate ids in {ids}")
    for c in rubric.criteria:
        if c.check == "order" and (c.first not in ids or c.then not in ids):
            raise ResourceError(f"{rubric_path}: {c.id}: an order check needs `first` and `then` criteria ids")
        for key in ("overlaps", "implied_by", "shields"):
            unknown = set(getattr(c, key)) - set(ids)
            if unknown:
                raise ResourceError(f"{rubric_path}: {c.id}.{key}: unknown criteria {sorted(unknown)}")
        if any(rubric.criterion(f).check != "absent" for f in c.shields):
            raise ResourceError(f"{rubric_path}: {c.id}.shields: only faults (check: absent) can be shielded")
    langs: dict[str, ReviewLanguage] = {}
    for path in sorted((folder / "review").glob("*.yaml")):
        data = load_model(ReviewLanguage, path)
        if data.language != path.stem:
            raise ResourceError(f"{path}: language: {data.language!r} does not match the file name")
        for key, text in data.criteria.items():
            if key not in ids:
                raise ResourceError(f"{path}: criteria.{key}: not a criterion of {rubric_path}")
            for field in ("cues", "unless", "requires", "anchors"):
                for i, cue in enumerate(getattr(text, field)):
                    try:
                        re.compile(cue)
                    except re.error as exc:
                        raise ResourceError(f"{path}: criteria.{key}.{field}[{i}]: bad pattern {cue!r}: {exc}") from exc
        langs[data.language] = data
    for c in rubric.criteria:
        if c.check in ("present", "absent") and not any(lg.criteria.get(c.id, CriterionText()).examples
                                                          for lg in langs.values()):
            raise ResourceError(f"{folder / 'review'}: criterion {c.id!r} has no example sentences in any language")
    return RubricData(rubric, langs)
