"""Errors the library raises; the CLI and the UI convert them once, at their boundary."""


class AssistantError(Exception):
    """Base class: a problem the user can fix (bad input, bad configuration)."""


class InputError(AssistantError, ValueError):
    """The text given is empty, binary, not UTF-8 or too long."""


class UnsupportedLanguageError(AssistantError, ValueError):
    """A language code that no data file describes."""


class ResourceError(AssistantError, ValueError):
    """A data file under prompts/ or corpus/ is missing or invalid; the message names file and key."""


class ModelError(AssistantError, RuntimeError):
    """The embedding model could not be prepared or loaded."""
