"""main(): parse, run the command from the table, and map whatever it raised to one exit code."""

from __future__ import annotations

import os
import sys
from typing import TextIO, cast

from ._command import Context
from ._commands import COMMANDS
from ._exit import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, exit_code_for
from ._log import logging_to_stderr
from ._output import TerminalStream, write_line
from ._parser import UsageExit, build_parser
from ._secrets import Redactor

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    out, err = sys.stdout, sys.stderr
    parser = build_parser(COMMANDS)
    try:
        args = parser.parse(arguments)
    except UsageExit as exc:
        err.write(exc.usage)
        write_line(err, Redactor()(exc.message))
        return exc.code
    except SystemExit as exc:  # --help and --version exit 0 through argparse
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    redact = Redactor(args)
    command = next(c for c in COMMANDS if c.name == args.command)
    # Whatever a command writes, no control sequence reaches the terminal and nothing fails to encode.
    context = Context(out=cast(TextIO, TerminalStream(out)), err=cast(TextIO, TerminalStream(err)))
    with logging_to_stderr(args.verbose, redact):
        try:
            return command.run(args, context)
        except KeyboardInterrupt:
            err.write("interrupted\n")
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            # The reader went away (`sailpoint-sim list | head`): not a failure of ours. Point stdout at
            # /dev/null so the interpreter's final flush does not print a traceback either.
            _silence_stdout()
            return EXIT_OK
        except Exception as exc:
            code = exit_code_for(exc)
            if code is None:
                # Not one of the failures we expect: a bug of ours. Still one line and a code from the
                # table, never a traceback (which could quote a secret from a local variable).
                write_line(
                    err, redact(f"error: internal error, please report it: {type(exc).__name__}: {exc}")
                )
                return EXIT_INTERNAL
            write_line(err, redact(error_line(exc)))
            return code


def error_line(error: BaseException) -> str:
    """The one line for a failure: the error's message, and the retries made before it, if any."""
    text = str(error)
    retried_for: tuple[str, ...] = getattr(error, "retried_for", ())
    if retried_for and "retried for" not in text:
        # The send path records the retries on the error; say them when its message does not.
        attempts = getattr(error, "attempts", len(retried_for) + 1)
        text += f" (after {attempts} attempts; retried for {', '.join(retried_for)})"
    return f"error: {text}"


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (e.g. captured in tests): nothing will be flushed to a pipe
