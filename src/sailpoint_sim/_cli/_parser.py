"""The argument parser: the options every command shares, and one subparser per entry of the table.

Parsing never exits the process and never prints: a bad command line raises ``UsageExit``, which
main() reports once, so every outcome goes through its one error path.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, NoReturn

from .._version import __version__
from ._command import Command
from ._exit import EXIT_CODES_HELP, EXIT_USAGE

__all__ = ["PROG", "CliParser", "UsageExit", "add_connection_options", "build_parser"]

# The console script's name; a vendored copy (`python -m acme_sim`) names itself after its package,
# the parent of this `_cli` package.
_PACKAGE = __name__.rsplit(".", 2)[0]
PROG = "sailpoint-sim" if _PACKAGE == "sailpoint_sim" else f"python -m {_PACKAGE}"

CONFIGURATION_HELP = """\
configuration:
  Settings come from the flags or from SailPoint's environment variables SAIL_BASE_URL,
  SAIL_CLIENT_ID, SAIL_CLIENT_SECRET and SAIL_ACCESS_TOKEN (a ready bearer token). Prefer the
  environment for secrets: command-line flags are visible to other users in `ps`.
  Credential flags replace the credential variables as a set (--client-secret alone does not
  borrow SAIL_CLIENT_ID). SAIL_API_VERSION sets the API version path (default v2025).
  Secrets are never printed, in errors or in -v logs.
"""

EPILOG = CONFIGURATION_HELP + "\n" + EXIT_CODES_HELP


class UsageExit(Exception):
    """A command line argparse refused: the message and the usage line to print, exit code 2."""

    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.code = EXIT_USAGE
        self.message = message
        self.usage = usage


class CliParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise instead of exiting, so main() returns a code."""

    def error(self, message: str) -> NoReturn:
        raise UsageExit(f"{self.prog}: error: {message}", self.format_usage())


def add_connection_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Declare the connection options (on the main parser and again on every command that talks to a tenant).

    On subcommands the defaults are SUPPRESS so that an option given before the subcommand is not
    overwritten by the subparser's default: both `sailpoint-sim -v list` and `sailpoint-sim list -v` work.
    """

    def default(value: Any) -> Any:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("connection options")
    group.add_argument("--base-url", default=default(None), help="tenant API host (env SAIL_BASE_URL)")
    group.add_argument("--client-id", default=default(None), help="OAuth2 client id (env SAIL_CLIENT_ID)")
    group.add_argument(
        "--client-secret",
        default=default(None),
        help="OAuth2 client secret (env SAIL_CLIENT_SECRET; prefer the env: flags show in `ps`)",
    )
    group.add_argument(
        "--access-token",
        default=default(None),
        help="a ready bearer token instead of client credentials (env SAIL_ACCESS_TOKEN; prefer the env)",
    )
    group.add_argument("--api-version", default=default(None), help="API version path (default v2025)")
    group.add_argument(
        "--timeout", type=float, default=default(None), metavar="SECONDS", help="HTTP timeout in seconds"
    )
    group.add_argument(
        "--max-retries",
        type=int,
        default=default(None),
        metavar="N",
        help="retries after a rate limit or transient failure (0 disables)",
    )
    group.add_argument(
        "--allow-insecure-http",
        action="store_true",
        default=default(False),
        help="allow a plain http:// base URL (for a local fake service)",
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=default(0),
        help="log requests to stderr (-vv for debug); secrets are never logged",
    )


def build_parser(commands: Sequence[Command]) -> CliParser:
    """The parser for the whole tool: global options, then one subparser per command of the table."""
    parser = CliParser(
        prog=PROG,
        # No abbreviations: `--client-s VALUE` would otherwise be a secret flag the redactor cannot see.
        allow_abbrev=False,
        description="Manage SailPoint Identity Security Cloud SIM integrations (v2025, experimental API).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    add_connection_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CliParser)
    sub.required = True
    for command in commands:
        child = sub.add_parser(
            command.name,
            allow_abbrev=False,
            help=command.help,
            description=command.help,
            epilog=(command.epilog + "\n" if command.epilog else "") + EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if command.connection_options:
            add_connection_options(child, suppress=True)
        command.arguments(child)
    return parser
