"""main(): parse, run the command from the table, and map whatever it raised to one exit code."""

from __future__ import annotations

import os
import sys

from ._command import Context
from ._commands import COMMANDS
from ._exit import EXIT_INTERRUPTED, EXIT_OK, exit_code_for
from ._log import logging_to_stderr
from ._parser import UsageExit, build_parser
from ._secrets import Redactor

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    redact = Redactor(arguments)
    out, err = sys.stdout, sys.stderr
    parser = build_parser(COMMANDS)
    try:
        args = parser.parse_args(arguments)
    except UsageExit as exc:
        err.write(redact(exc.usage + exc.message) + "\n")
        return exc.code
    except SystemExit as exc:  # --help and --version exit 0 through argparse
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    command = next(c for c in COMMANDS if c.name == args.command)
    with logging_to_stderr(args.verbose, redact):
        try:
            return command.run(args, Context(out=out, err=err))
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
                raise
            err.write(redact(f"error: {exc}") + "\n")
            return code


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (e.g. captured in tests): nothing will be flushed to a pipe
