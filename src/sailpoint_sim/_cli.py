"""The `sailpoint-sim` command-line tool (also `python -m sailpoint_sim`): the facade from a shell.

Every subcommand maps to one facade call; results go to stdout as JSON, errors to stderr as one line.
The exit code tells the kind of failure apart, so scripts can react without parsing messages.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TextIO

from . import (
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    InvalidRequestError,
    PatchFormat,
    RetryPolicy,
    SailPointError,
    SimIntegrationsClient,
    __version__,
    patch,
)
from ._base import logger as _package_logger

__all__ = ["EXIT_API_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_TRANSPORT_ERROR", "EXIT_USAGE", "main"]

EXIT_OK = 0
EXIT_USAGE = 2  # also argparse's own exit code for a bad command line
EXIT_API_ERROR = 3
EXIT_TRANSPORT_ERROR = 4
EXIT_INTERRUPTED = 130  # the shell convention for SIGINT

# The console script's name; a vendored copy (`python -m acme_sim`) names itself after its package.
_PACKAGE = __name__.rpartition(".")[0]
PROG = "sailpoint-sim" if _PACKAGE == "sailpoint_sim" else f"python -m {_PACKAGE}"
# Environment variables whose values are secrets: never echoed, whatever the error.
SECRET_ENV = ("SAIL_CLIENT_SECRET", "SAIL_ACCESS_TOKEN")
# Prefixes that only the secret flags (and misspellings of them) start with.
SECRET_FLAG_PREFIXES = ("--client-s", "--ac")

EPILOG = """\
configuration:
  Settings come from the flags or from SailPoint's environment variables SAIL_BASE_URL,
  SAIL_CLIENT_ID, SAIL_CLIENT_SECRET and SAIL_ACCESS_TOKEN (a ready bearer token). Prefer the
  environment for secrets: command-line flags are visible to other users in `ps`.
  Credential flags replace the credential variables as a set (--client-secret alone does not
  borrow SAIL_CLIENT_ID). SAIL_API_VERSION sets the API version path (default v2025).
  Secrets are never printed, in errors or in -v logs.

exit codes:
  0  success
  2  usage, configuration or invalid input (bad flags, unreadable JSON file, bad JSON Pointer)
  3  API error: the service answered 4xx or 5xx (including bad credentials); the message on
     stderr carries the status, SailPoint's message and its tracking id
  4  transport error: connection failed, timed out, or the response could not be read
  130 interrupted (Ctrl-C)
"""

PATCH_EPILOG = """\
operations:
  Operations come from --file (a JSON Patch document: either SailPoint's {"operations": [...]}
  object or a plain RFC 6902 array; "-" reads stdin), then from the flags, in the order given.
  Flag values are parsed as JSON when they are valid JSON, otherwise taken as a plain string:
    --replace /description="New text"   -> the string New text
    --replace /sources='["a", "b"]'     -> a list
    --replace /enabled=true             -> the boolean true (write '"true"' for the string)
  PATH is a JSON Pointer such as /description; the first "=" ends it.

  --patch-format chooses the wire format: "operations" (default) sends SailPoint's documented
  {"operations": [...]} object, "rfc6902" sends a plain array.
"""


class UsageError(Exception):
    """Bad input detected by the CLI itself (unreadable file, bad flag value): exit code 2."""


class _Redactor:
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


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise instead of exiting, so main() returns a code."""

    def error(self, message: str) -> NoReturn:
        raise _ArgparseExit(EXIT_USAGE, f"{self.prog}: error: {message}", self.format_usage())


class _ArgparseExit(Exception):
    def __init__(self, code: int, message: str, usage: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.usage = usage


class _PatchOperationAction(argparse.Action):
    """Collects --add/--replace/--remove/--move/--copy/--test into one list, keeping their order."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        collected: list[tuple[str, list[str]]] = list(getattr(namespace, self.dest, None) or [])
        args = [values] if isinstance(values, str) else [str(v) for v in values or []]
        collected.append((self.const, args))
        setattr(namespace, self.dest, collected)


def _parse_value(text: str) -> Any:
    """JSON when the text is valid JSON, otherwise the text itself as a string (documented above)."""
    try:
        return json.loads(text, parse_constant=_not_json)
    except ValueError:
        return text


def _not_json(name: str) -> Any:
    # Python's json reads NaN and Infinity, which JSON does not have: such a value is plain text.
    raise ValueError(name)


def _split_assignment(op: str, text: str) -> tuple[str, Any]:
    path, sep, value = text.partition("=")
    if not sep:
        raise UsageError(f'--{op} expects PATH=VALUE, for example --{op} /description="New text"')
    return path, _parse_value(value)


def _flag_operations(collected: list[tuple[str, list[str]]]) -> list[Any]:
    operations: list[Any] = []
    for op, args in collected:
        if op in ("add", "replace", "test"):
            path, value = _split_assignment(op, args[0])
            builder: Callable[[str, Any], Any] = getattr(patch, op)
            operations.append(builder(path, value))
        elif op == "remove":
            operations.append(patch.remove(args[0]))
        else:  # move, copy: FROM PATH
            from_path, path = args
            operations.append(getattr(patch, op)(from_path, path))
    return operations


def _read_json(source: str, what: str) -> Any:
    """Read JSON from a file path, or from stdin when the source is "-"."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {what} {source!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{what} {source!r} is not UTF-8 text: {exc.reason}") from None
    label = "stdin" if source == "-" else repr(source)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{what} {label} is not valid JSON: {exc}") from None


def _read_details(source: str) -> dict[str, Any]:
    details = _read_json(source, "integration file")
    if not isinstance(details, dict):
        raise UsageError(
            f"the integration file must hold a JSON object, not {type(details).__name__}: {source!r}"
        )
    return details


def _file_operations(source: str) -> list[Any]:
    document = _read_json(source, "patch file")
    if isinstance(document, dict) and isinstance(document.get("operations"), list):
        operations = document["operations"]
    elif isinstance(document, list):
        operations = document
    else:
        raise UsageError(
            'the patch file must hold {"operations": [...]} or a JSON array of operations: ' + repr(source)
        )
    for index, item in enumerate(operations):
        if not isinstance(item, dict):
            raise UsageError(f"operation {index} in {source!r} is not a JSON object")
    return list(operations)


def _patch_operations(args: argparse.Namespace) -> list[Any]:
    operations: list[Any] = []
    if args.file is not None:
        operations.extend(_file_operations(args.file))
    operations.extend(_flag_operations(args.operations or []))
    if not operations:
        raise UsageError("no operations: give --file or at least one of --add/--replace/--remove/...")
    return operations


def _global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Declare the connection options (on the main parser and again on every subcommand).

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


def _build_parser() -> _Parser:
    parser = _Parser(
        prog=PROG,
        # No abbreviations: `--client-s VALUE` would otherwise be a secret flag the redactor cannot see.
        allow_abbrev=False,
        description="Manage SailPoint Identity Security Cloud SIM integrations (v2025, experimental API).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    _global_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def command(name: str, help_text: str, epilog: str = EPILOG) -> argparse.ArgumentParser:
        child = sub.add_parser(
            name,
            allow_abbrev=False,
            help=help_text,
            description=help_text,
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _global_options(child, suppress=True)
        return child

    listing = command("list", "List every SIM integration (a JSON array).")
    listing.add_argument(
        "--table", action="store_true", help="print a readable table (id, name, type, modified) instead"
    )

    get = command("get", "Show one SIM integration.")
    get.add_argument("id", metavar="ID")

    create = command("create", "Create a SIM integration from a JSON file.")
    create.add_argument("file", metavar="FILE", help='JSON object with the integration details ("-" = stdin)')

    update = command("update", "Replace a SIM integration with the details in a JSON file (PUT).")
    update.add_argument("id", metavar="ID")
    update.add_argument("file", metavar="FILE", help='JSON object with the integration details ("-" = stdin)')

    for name, help_text in (
        ("patch", "Apply JSON Patch operations to a SIM integration."),
        ("patch-rule", "Apply JSON Patch operations to a SIM integration's beforeProvisioningRule."),
    ):
        patcher = command(name, help_text, PATCH_EPILOG + "\n" + EPILOG)
        patcher.add_argument("id", metavar="ID")
        patcher.add_argument(
            "--file", metavar="FILE", help='JSON Patch document (object or array; "-" = stdin)'
        )
        ops = patcher.add_argument_group("operations (repeatable, applied in the order given)")
        for op, metavar, op_help in (
            ("add", "PATH=VALUE", "add VALUE at PATH"),
            ("replace", "PATH=VALUE", "replace the value at PATH"),
            ("remove", "PATH", "remove the value at PATH"),
            ("move", ("FROM", "PATH"), "move the value at FROM to PATH"),
            ("copy", ("FROM", "PATH"), "copy the value at FROM to PATH"),
            ("test", "PATH=VALUE", "fail unless the value at PATH equals VALUE"),
        ):
            ops.add_argument(
                f"--{op}",
                dest="operations",
                action=_PatchOperationAction,
                const=op,
                nargs=2 if isinstance(metavar, tuple) else None,
                metavar=metavar,
                help=op_help,
            )
        patcher.add_argument(
            "--patch-format",
            choices=("operations", "rfc6902"),
            default="operations",
            help='wire format: SailPoint\'s {"operations": [...]} object (default) or an RFC 6902 array',
        )

    delete = command("delete", "Delete a SIM integration.")
    delete.add_argument("id", metavar="ID")

    fake = command(
        "fake-server",
        "Run the in-memory fake SIM service on loopback (needs the sailpoint-sim[testing] extra); "
        "prints its address, serves until interrupted.",
    )
    fake.add_argument("--port", type=int, default=0, help="port to bind on 127.0.0.1 (0: a free port)")
    fake.add_argument("--seed", type=int, default=None, metavar="N", help="start with N integrations")
    return parser


def _client(args: argparse.Namespace) -> SimIntegrationsClient:
    overrides: dict[str, Any] = {}
    for name in ("base_url", "client_id", "client_secret", "access_token", "api_version", "timeout"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    if getattr(args, "max_retries", None) is not None:
        if args.max_retries < 0:
            raise UsageError("--max-retries must be 0 or more")
        overrides["retry"] = _retry_policy(args.max_retries)
    if getattr(args, "allow_insecure_http", False):
        overrides["allow_insecure_http"] = True
    if getattr(args, "patch_format", None) is not None:
        overrides["patch_format"] = (
            PatchFormat.RFC6902_ARRAY if args.patch_format == "rfc6902" else PatchFormat.OPERATIONS_OBJECT
        )
    return SimIntegrationsClient.from_env(**overrides)


def _retry_policy(max_retries: int) -> RetryPolicy:
    return RetryPolicy(max_retries=max_retries)


def _print_json(value: Any, out: TextIO) -> None:
    out.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def _print_table(rows: list[dict[str, Any]], out: TextIO) -> None:
    columns = ("id", "name", "type", "modified")
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max([len(column), *(len(line[i]) for line in cells)]) for i, column in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(value.ljust(width) for value, width in zip(values, widths, strict=True)).rstrip()

    out.write(line([c.upper() for c in columns]) + "\n")
    for values in cells:
        out.write(line(values) + "\n")
    out.write(f"({len(rows)} integration{'s' if len(rows) != 1 else ''})\n")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    # One line per row, whatever the server put in a name.
    return " ".join(str(value).split())


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.command == "fake-server":
        return _fake_server(args)
    # Local input is read (and refused, exit 2) before any client is built or request sent.
    operations: list[Any] = []
    details: dict[str, Any] = {}
    if args.command in ("patch", "patch-rule"):
        operations = _patch_operations(args)
    elif args.command in ("create", "update"):
        details = _read_details(args.file)
    with _client(args) as client:
        if args.command == "list":
            rows = [item.to_dict() for item in client.list()]
            if args.table:
                _print_table(rows, out)
            else:
                _print_json(rows, out)
        elif args.command == "get":
            _print_json(client.get(args.id).to_dict(), out)
        elif args.command == "create":
            _print_json(client.create(details).to_dict(), out)
        elif args.command == "update":
            _print_json(client.update(args.id, details).to_dict(), out)
        elif args.command == "patch":
            _print_json(client.patch(args.id, operations).to_dict(), out)
        elif args.command == "patch-rule":
            _print_json(client.patch_before_provisioning_rule(args.id, operations).to_dict(), out)
        elif args.command == "delete":
            client.delete(args.id)
            # Nothing on stdout (there is no body); the confirmation is for the person at the terminal.
            err.write(f"deleted {args.id}\n")
    return EXIT_OK


def _fake_server(args: argparse.Namespace) -> int:
    try:
        # The fake's own entry point: it prints the address, then serves until SIGTERM or SIGINT.
        from .testing.__main__ import main as fake_main
    except ImportError as exc:
        raise UsageError(
            f"the fake service needs the testing extra: pip install 'sailpoint-sim[testing]' ({exc})"
        ) from None
    argv = ["--port", str(args.port)]
    if args.seed:
        argv += ["--seed", str(args.seed)]
    return fake_main(argv)


@contextmanager
def _logging(verbosity: int, redact: Callable[[str], str]) -> Iterator[None]:
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
        return self._redact(super().format(record))


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    redact = _Redactor(arguments)
    out, err = sys.stdout, sys.stderr
    parser = _build_parser()
    try:
        args = parser.parse_args(arguments)
    except _ArgparseExit as exc:
        err.write(redact(exc.usage + exc.message) + "\n")
        return exc.code
    except SystemExit as exc:  # --help and --version exit 0 through argparse
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    with _logging(args.verbose, redact):
        try:
            return _run(args, out, err)
        except UsageError as exc:
            err.write(redact(f"error: {exc}") + "\n")
            return EXIT_USAGE
        except (ConfigurationError, InvalidRequestError) as exc:
            err.write(redact(f"error: {exc}") + "\n")
            return EXIT_USAGE
        except APIStatusError as exc:
            # str() is one line: status, SailPoint's messages, detailCode and trackingId.
            err.write(redact(f"error: {exc}") + "\n")
            return EXIT_API_ERROR
        except APIConnectionError as exc:
            err.write(redact(f"error: {exc}") + "\n")
            return EXIT_TRANSPORT_ERROR
        except SailPointError as exc:
            # The remaining errors of ours are about an unreadable response: a transport-level fault.
            err.write(redact(f"error: {exc}") + "\n")
            return EXIT_TRANSPORT_ERROR
        except KeyboardInterrupt:
            err.write("interrupted\n")
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            # The reader went away (`sailpoint-sim list | head`): not a failure of ours. Point stdout at
            # /dev/null so the interpreter's final flush does not print a traceback either.
            _silence_stdout()
            return EXIT_OK


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (e.g. captured in tests): nothing will be flushed to a pipe
