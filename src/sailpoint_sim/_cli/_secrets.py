"""Which values on this command line and in the environment are secrets, and removing them from text."""

from __future__ import annotations

import os
from collections.abc import Sequence

__all__ = ["SECRET_ENV", "SECRET_FLAG_PREFIXES", "Redactor"]

# Environment variables whose values are secrets: never echoed, whatever the error.
SECRET_ENV = ("SAIL_CLIENT_SECRET", "SAIL_ACCESS_TOKEN")
# Prefixes that only the secret flags (and misspellings of them) start with.
SECRET_FLAG_PREFIXES = ("--client-s", "--ac")


class Redactor:
    """Removes known secret values from any text before it reaches the terminal."""

    def __init__(self, argv: Sequence[str]) -> None:
        secrets: set[str] = set()
        for name in SECRET_ENV:
            value = os.environ.get(name)
            if value:
                secrets.add(value)
        for index, arg in enumerate(argv):
            # Also misspelt or abbreviated secret flags (--client-secrt, --client-s, --acces-token):
            # argparse refuses them and would echo the value that follows in its error message.
            if not arg.startswith(SECRET_FLAG_PREFIXES):
                continue
            name, sep, value = arg.partition("=")
            if sep:
                secrets.add(value)
            elif index + 1 < len(argv):
                secrets.add(argv[index + 1])
        # Longest first, so that a secret containing another is removed whole.
        self._secrets = sorted((s for s in secrets if s), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[REDACTED]")
        return text
