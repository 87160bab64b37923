"""The errors of the as-code workflow: all are refusals before anything is written (exit code 2)."""

from __future__ import annotations

from collections.abc import Sequence

from .._errors import ConfigurationError, InvalidRequestError

__all__ = [
    "AsCodeError",
    "DefinitionFileError",
    "DuplicateNameError",
    "IdMapError",
    "MissingExtraError",
    "UnmappedReferencesError",
]

EXTRA = "sailpoint-sim[as-code]"


class MissingExtraError(ConfigurationError):
    """The ``as-code`` extra (the ``jsonpatch`` library) is not installed."""

    def __init__(self) -> None:
        super().__init__(
            f"export, plan and apply need the 'as-code' extra: pip install '{EXTRA}' (it adds jsonpatch)"
        )


class AsCodeError(InvalidRequestError):
    """Base class: the folder, the tenant or the map cannot be used as they are; nothing was written."""


class DefinitionFileError(AsCodeError):
    """A definition file cannot be used: unreadable, not JSON, not an object, or without a name."""

    def __init__(self, file: str, problem: str) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


class DuplicateNameError(AsCodeError):
    """Two integrations (on the tenant) or two files (in the folder) share one name: the key is ambiguous.

    ``where`` is ``"tenant"`` or ``"folder"``; ``holders`` are the integration ids or the file names.
    """

    def __init__(self, where: str, name: str | None, holders: Sequence[str]) -> None:
        what = "integrations" if where == "tenant" else "files"
        listed = ", ".join(holders)
        super().__init__(
            f"{len(holders)} {what} in the {where} share the name {name!r} ({listed}): the name is the key "
            "that matches a file to an integration, so it must be unique; rename all but one"
        )
        self.where = where
        self.name = name
        self.holders = tuple(holders)


class IdMapError(AsCodeError):
    """The id map (``--map FILE``) is not a JSON object of non-empty id strings."""


class UnmappedReferencesError(AsCodeError):
    """Apply refused: the plan has reference ids the map does not cover (``keep_unmapped=True`` allows)."""

    def __init__(self, count: int, summary: str) -> None:
        super().__init__(
            f"{count} reference id(s) are not in the id map, so they would reach the target tenant "
            f"unchanged: {summary}. Add them to the map, or keep them as they are with --keep-unmapped "
            "(library: keep_unmapped=True)"
        )
        self.count = count
