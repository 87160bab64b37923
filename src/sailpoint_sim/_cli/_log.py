"""Logging for the tool: the facade's records on stderr at the level -v asks for, secrets removed.

| flag   | what reaches stderr                                                                  |
|--------|--------------------------------------------------------------------------------------|
| (none) | nothing but the one error line main() writes                                          |
| -v     | sailpoint_sim at DEBUG: each attempt (method, URL, status, tracking id), each retry  |
| -vv    | the same, and httpx's own request lines                                              |
| -vvv   | sailpoint_sim at TRACE (5): every request's and response's headers and body, masked  |
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .._base import logger as _package_logger
from .._send import TRACE  # below DEBUG: whole requests and responses, like `curl -v`, secrets masked
from ._output import terminal_safe

__all__ = ["TRACE", "levels_for", "logging_to_stderr"]

_QUIET = logging.CRITICAL + 1


def levels_for(verbosity: int) -> dict[str, int]:
    """Logger name -> level for a count of -v flags (the table in the module docstring)."""
    levels = {_package_logger.name: _QUIET}
    if verbosity >= 1:
        levels[_package_logger.name] = TRACE if verbosity >= 3 else logging.DEBUG
    if verbosity >= 2:
        levels["httpx"] = logging.DEBUG
    return levels


@contextmanager
def logging_to_stderr(verbosity: int, redact: Callable[[str], str]) -> Iterator[None]:
    """Route the facade's log to stderr at the levels of ``levels_for(verbosity)``.

    Without -v the CLI stays quiet (errors are reported once, by main). The facade never logs tokens or
    secrets; the redacting formatter is a second line of defence for values given on this command line.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_RedactingFormatter(redact))
    saved: list[tuple[logging.Logger, int, bool]] = []
    for name, level in levels_for(verbosity).items():
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.propagate))
        logger.setLevel(level)
        logger.propagate = False  # one copy on stderr, whatever the root logger does
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger, level, propagate in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)
            logger.propagate = propagate


class _RedactingFormatter(logging.Formatter):
    def __init__(self, redact: Callable[[str], str]) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        # A server's text in a record (a message, a URL) must not drive the terminal either.
        return terminal_safe(self._redact(super().format(record)), keep_newlines=True)
