"""complaint-assistant: draft and review replies to customer complaints, offline, in the customer's language."""

from .errors import AssistantError, InputError, ModelError, ResourceError, UnsupportedLanguageError
from .pipeline import Assistant, detect_language, draft_reply, retrieve_passages, review_reply
from .types import (
    Analysis,
    CriterionResult,
    Draft,
    Evidence,
    Fact,
    Flag,
    LanguageGuess,
    LanguageScore,
    Passage,
    Scorecard,
    Section,
)

__all__ = [
    "Analysis",
    "Assistant",
    "AssistantError",
    "CriterionResult",
    "Draft",
    "Evidence",
    "Fact",
    "Flag",
    "InputError",
    "LanguageGuess",
    "LanguageScore",
    "ModelError",
    "Passage",
    "ResourceError",
    "Scorecard",
    "Section",
    "UnsupportedLanguageError",
    "detect_language",
    "draft_reply",
    "retrieve_passages",
    "review_reply",
]
