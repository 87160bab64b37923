"""What a command is: a row of the command table (see the package docstring for how to add one)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

__all__ = ["Command", "Context"]


@dataclass(frozen=True)
class Context:
    """What a running command writes to: results on ``out`` (JSON), notes for the person on ``err``."""

    out: TextIO
    err: TextIO


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """The default for commands that take no arguments of their own."""


@dataclass(frozen=True)
class Command:
    """One subcommand of the tool.

    Attributes:
        name: The word on the command line (``list``, ``patch-rule``).
        help: One line for ``--help`` (also the subcommand's description).
        run: Does the work and returns the exit code (normally ``EXIT_OK``). Failures are raised, not
            printed: main() maps each exception to its exit code and prints it once (see ``_exit``).
        arguments: Adds the command's own arguments to its subparser.
        epilog: Extra help text shown above the common configuration and exit-code notes.
        connection_options: Whether the shared connection options (``--base-url``, ``-v``, ...) apply.
    """

    name: str
    help: str
    run: Callable[[argparse.Namespace, Context], int]
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    epilog: str = ""
    connection_options: bool = True
