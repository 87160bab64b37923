"""Exit codes and the one error path: which exception ends a command with which code.

Scripts tell failures apart by the exit code alone, so every exception a command can raise maps to one
row of ``EXIT_CODES``; main() consults it in one place instead of one ``except`` branch per kind.
"""

from __future__ import annotations

from .._errors import (
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    InvalidRequestError,
    SailPointError,
)

__all__ = [
    "EXIT_API_ERROR",
    "EXIT_CODES",
    "EXIT_CODES_HELP",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TRANSPORT_ERROR",
    "EXIT_USAGE",
    "UsageError",
    "exit_code_for",
]

EXIT_OK = 0
EXIT_INTERNAL = 1  # an unexpected exception: a bug of ours, reported as one line (never a traceback)
EXIT_USAGE = 2  # also argparse's own exit code for a bad command line
EXIT_API_ERROR = 3
EXIT_TRANSPORT_ERROR = 4
EXIT_INTERRUPTED = 130  # the shell convention for SIGINT


class UsageError(Exception):
    """Bad input detected by the CLI itself (unreadable file, bad flag value): exit code 2."""


# First match wins, so a subclass must come before its base class.
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (UsageError, EXIT_USAGE),
    (ConfigurationError, EXIT_USAGE),
    (InvalidRequestError, EXIT_USAGE),
    (APIStatusError, EXIT_API_ERROR),  # str() is one line: status, SailPoint's message, tracking id
    (APIConnectionError, EXIT_TRANSPORT_ERROR),
    # The remaining errors of ours are about an unreadable response: a transport-level fault.
    (SailPointError, EXIT_TRANSPORT_ERROR),
)


def exit_code_for(error: BaseException) -> int | None:
    """The exit code for an error a command raised, or None when it is not one we report."""
    for kind, code in EXIT_CODES:
        if isinstance(error, kind):
            return code
    return None


EXIT_CODES_HELP = """\
exit codes:
  0  success
  1  internal error: a bug in sailpoint-sim (please report it)
  2  usage, configuration or invalid input (bad flags, unreadable JSON file, bad JSON Pointer)
  3  API error: the service answered 4xx or 5xx (including bad credentials); the message on
     stderr carries the status, SailPoint's message and its tracking id
  4  transport error: connection failed, timed out, or the response could not be read
  130 interrupted (Ctrl-C)
"""
