"""Which values are secrets for this run (the environment's and the secret flags'), and masking them.

The library never puts a secret in a message or a log record; this is the CLI's second line of defence
for the values it was given. Usage errors need no list of spellings: the parser never quotes a value.
"""

from __future__ import annotations

import argparse
import os

from .._redact import LOG_FILTER_MIN_LENGTH, redact_text

__all__ = ["SECRET_ENV", "SECRET_OPTIONS", "Redactor"]

# Environment variables whose values are secrets: never echoed, whatever the error.
SECRET_ENV = ("SAIL_CLIENT_SECRET", "SAIL_ACCESS_TOKEN")
# Parsed options (argparse dests) whose values are secrets.
SECRET_OPTIONS = ("client_secret", "access_token")


class Redactor:
    """Removes the secret values of this run from any text before it reaches the terminal."""

    def __init__(self, args: argparse.Namespace | None = None) -> None:
        secrets = {os.environ.get(name) for name in SECRET_ENV}
        if args is not None:
            secrets.update(getattr(args, name, None) for name in SECRET_OPTIONS)
        # Like the library's log filter, it sees text it did not build: a secret of a few characters would
        # mask ordinary words ("b" in "base_url"). Errors that quote a secret mask it themselves.
        self._secrets = [secret for secret in secrets if secret and len(secret) >= LOG_FILTER_MIN_LENGTH]

    def __call__(self, text: str) -> str:
        # The project's one redactor: the mask `***`, and the JSON-escaped and percent-encoded forms too.
        return redact_text(text, self._secrets)
