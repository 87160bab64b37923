"""Logging for the tool: the facade's records on stderr at the level -v asks for, secrets removed."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .._base import logger as _package_logger
from ._output import terminal_safe

__all__ = ["logging_to_stderr"]


@contextmanager
def logging_to_stderr(verbosity: int, redact: Callable[[str], str]) -> Iterator[None]:
    """Route the facade's log to stderr: -v its requests and retries, -vv httpx's too.

    Without -v the CLI stays quiet (errors are reported once, by main). The facade never logs tokens or
    secrets; the redacting formatter is a second line of defence for values given on this command line.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_RedactingFormatter(redact))
    levels = {_package_logger.name: logging.DEBUG if verbosity > 0 else logging.CRITICAL + 1}
    if verbosity > 1:
        levels["httpx"] = logging.DEBUG
    saved: list[tuple[logging.Logger, int, bool]] = []
    for name, level in levels.items():
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
