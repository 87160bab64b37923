"""The command table: every subcommand of the tool, in the order ``--help`` lists them."""

from __future__ import annotations

from . import _as_code, _doctor, _fake_server, _integrations
from ._command import Command

__all__ = ["COMMANDS"]

COMMANDS: tuple[Command, ...] = (
    *_integrations.COMMANDS,
    *_as_code.COMMANDS,
    *_doctor.COMMANDS,
    *_fake_server.COMMANDS,
)
