"""The argument parser: the options every command shares, and one subparser per entry of the table.

Parsing never exits the process and never prints: a bad command line raises ``UsageExit``, which
main() reports once, so every outcome goes through its one error path.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn

from .._config import Layout
from .._version import __version__
from ._command import Command
from ._exit import EXIT_CODES_HELP, EXIT_USAGE

__all__ = ["PROG", "TAKES_ANY_ARGUMENTS", "CliParser", "UsageExit", "add_connection_options", "build_parser"]

# A subparser default: the command takes any further arguments itself (they are in `extras`), unchecked.
TAKES_ANY_ARGUMENTS = "_takes_any_arguments"

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
  borrow SAIL_CLIENT_ID). SAIL_API_VERSION sets the API version path (default v2025);
  SAIL_SIM_LAYOUT (or --layout) the path layout: v2025 (default) or per-resource.
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


# A Python repr of a string, as argparse quotes the values it refuses.
_REPR = r"(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
# argparse's messages that quote a value from the command line, and the same without the value.
_VALUE_FREE = (
    (re.compile(rf"invalid choice: {_REPR}"), "invalid choice"),
    (re.compile(rf"invalid (\S+) value: {_REPR}"), r"invalid \1 value"),
    (re.compile(rf"ignored explicit argument {_REPR}"), "takes no value"),
    (re.compile(rf"unknown parser {_REPR}"), "unknown command"),
)
# What an option looks like: only such tokens are named in a message (the part before any "=").
# No digits: a pasted secret that starts with a dash is then never mistaken for an option name.
_OPTION_SHAPE = re.compile(r"--?[A-Za-z][A-Za-z_-]*")


class CliParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise instead of exiting, and never quote a command-line value.

    Values on a command line may be secrets (a client secret after a misspelt flag, a token pasted where
    the command belongs), so a usage error names the option or argument and never repeats what was
    given: argparse's value-quoting messages are rewritten, unrecognized arguments are named only when
    they look like options, and as a last guard any other word of the command line is masked.
    """

    def error(self, message: str) -> NoReturn:
        for pattern, replacement in _VALUE_FREE:
            message = pattern.sub(replacement, message)
        raise UsageExit(f"{self.prog}: error: {message}", self.format_usage())

    def parse(self, argv: Sequence[str]) -> argparse.Namespace:
        """Parse ``argv``; a bad command line raises ``UsageExit`` whose message holds no value from it."""
        try:
            namespace, extras = self.parse_known_args(list(argv))
            if getattr(namespace, TAKES_ANY_ARGUMENTS, False):
                namespace.extras = extras
            elif extras:
                self.error(_unrecognized(extras))
            return namespace
        except UsageExit as exc:
            known = set(self._vocabulary())
            unknown = [name for name in _option_names(argv) if name not in known]
            message = exc.message
            if unknown and "unrecognized" not in message:
                # A misspelt option takes no value, so its value became the command or an extra argument:
                # the misspelling is the error to show.
                message += f" (unknown option{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)})"
            raise UsageExit(_mask_words(message, argv, known), exc.usage) from None

    def _vocabulary(self) -> Iterator[str]:
        """Every word the parsers define: option strings, commands, choices, metavars (safe to show)."""
        yield self.prog
        for action in self._actions:
            yield from action.option_strings
            yield action.dest
            if isinstance(action.metavar, str):
                yield action.metavar
            elif isinstance(action.metavar, tuple):
                yield from action.metavar
            if isinstance(action.choices, dict):  # the subparsers: command name -> parser
                for name, child in action.choices.items():
                    yield name
                    if isinstance(child, CliParser):
                        yield from child._vocabulary()
            elif action.choices is not None:
                yield from (str(choice) for choice in action.choices)


def _option_names(argv: Sequence[str]) -> list[str]:
    names: list[str] = []
    for arg in argv:
        name = arg.partition("=")[0]
        if _OPTION_SHAPE.fullmatch(name) and name not in names:
            names.append(name)
    return names


def _unrecognized(extras: Sequence[str]) -> str:
    named = _option_names(extras)
    others = sum(1 for arg in extras if arg.partition("=")[0] not in named)
    parts = []
    if named:
        parts.append(f"unrecognized option{'s' if len(named) > 1 else ''}: {', '.join(named)}")
    if others:
        parts.append(f"{others} unrecognized argument{'s' if others > 1 else ''} (values are not shown)")
    return "; ".join(parts)


def _mask_words(message: str, argv: Sequence[str], known: set[str]) -> str:
    """Mask any word of the command line left in a message, other than option names and the vocabulary."""
    words: set[str] = set()
    for arg in argv:
        name, sep, value = arg.partition("=")
        candidates = (name, value) if sep else (arg,)
        words.update(w for w in candidates if w and w not in known and not _OPTION_SHAPE.fullmatch(w))
    for word in sorted(words, key=len, reverse=True):
        if len(word) >= 4:  # shorter words are no secrets, and masking them would garble the message
            message = message.replace(word, "***")
    return message


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
    group.add_argument(
        "--api-version", default=default(None), help="API version path of the v2025 layout (default v2025)"
    )
    group.add_argument(
        "--layout",
        choices=[layout.value for layout in Layout],
        default=default(None),
        help="path layout: v2025 (/v2025/sim-integrations, default) or per-resource "
        "(/sim-integrations/v1) (env SAIL_SIM_LAYOUT)",
    )
    group.add_argument(
        "--timeout",
        type=positive_seconds,
        default=default(None),
        metavar="SECONDS",
        help="HTTP timeout in seconds (a positive number)",
    )
    group.add_argument(
        "--max-retries",
        type=retry_count,
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
        help="log to stderr: -v each attempt and retry, -vv also httpx's requests, -vvv also every "
        "request's and response's headers and body (TRACE); secrets are masked at every level",
    )


def positive_seconds(text: str) -> float:
    """An argparse type: a finite number of seconds above zero (0, negatives, nan and inf are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a number of seconds") from None
    if not (math.isfinite(value) and value > 0):
        # 0 would fail every connection at once ("Operation now in progress"), nan/negatives crash httpx.
        raise argparse.ArgumentTypeError("must be a positive, finite number of seconds")
    return value


def retry_count(text: str) -> int:
    """An argparse type: a whole number of retries, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


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
            # The notes on connection settings only where those options apply.
            epilog=(command.epilog + "\n" if command.epilog else "")
            + (EPILOG if command.connection_options else EXIT_CODES_HELP),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if command.connection_options:
            add_connection_options(child, suppress=True)
        command.arguments(child)
    return parser
