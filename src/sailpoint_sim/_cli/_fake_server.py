"""``fake-server``: the fake SIM service of the ``testing`` extra, run on loopback from this tool.

Its options are the fake's own (``testing.add_server_options``), exactly those of
``python -m sailpoint_sim.testing``; the connection options of the other commands do not apply.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ._command import Command, Context
from ._exit import EXIT_OK, EXIT_USAGE, UsageError
from ._parser import TAKES_ANY_ARGUMENTS

__all__ = ["COMMANDS"]

# The root of this package (the parent of `_cli`): scripts/vendor.py writes its marker there.
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_PACKAGE = __name__.rsplit(".", 2)[0]


EPILOG = """\
secrets:
  The fake accepts the client id and secret of --client-id/--client-secret, or of SAIL_CLIENT_ID and
  SAIL_CLIENT_SECRET: prefer the environment, since flags are visible to other users in `ps`.
  Never expose the fake beyond loopback: its /__fake__/ endpoints need no authentication.
"""


def _missing_fake() -> str:
    """What to do when the fake's package is not there at all: only a vendored copy can lack it."""
    if (_PACKAGE_DIR / "VENDORED.md").is_file():
        return (
            f"this vendored copy has no fake service ({_PACKAGE}.testing): vendor it again with the fake, "
            "make vendor DEST=... WITH_TESTING=1 (or scripts/vendor.py --with-testing)"
        )
    return (
        f"{_PACKAGE}.testing is missing from this installation: "
        "pip install '/path/to/sailpoint-sim[testing]' (your clone or wheel)"
    )


def _arguments(parser: argparse.ArgumentParser) -> None:
    try:
        from ..testing import add_server_options
    except ImportError:
        # A copy without the fake: take whatever options were meant for it, and say how to get it (_run).
        parser.set_defaults(**{TAKES_ANY_ARGUMENTS: True})
        return
    # The fake's own option set, the same as `python -m <package>.testing`; it needs no extra to list them.
    add_server_options(parser)


def _run(args: argparse.Namespace, ctx: Context) -> int:
    try:
        from ..testing import run_server
    except ImportError:
        raise UsageError(_missing_fake()) from None
    try:
        # Prints the address on stdout, then serves until SIGTERM or SIGINT.
        status = run_server(args, out=ctx.out)
    except ImportError as exc:
        # The fake's dependency (jsonpatch) is missing: its message is the one-line install hint.
        raise UsageError(str(exc)) from None
    # The fake's 1 means the address could not be bound (said on stderr): a bad --host/--port, so a
    # usage error here, since this tool's 1 means a bug of its own.
    return EXIT_OK if status == 0 else EXIT_USAGE


COMMANDS = (
    Command(
        "fake-server",
        "Run the in-memory fake SIM service on loopback (needs the sailpoint-sim[testing] extra); "
        "prints its address, serves until interrupted.",
        _run,
        _arguments,
        epilog=EPILOG,
        connection_options=False,  # it serves; --base-url, --timeout and the like do not apply
    ),
)
