"""``fake-server``: the fake SIM service of the ``testing`` extra, run on loopback from this tool."""

from __future__ import annotations

import argparse
from pathlib import Path

from ._command import Command, Context
from ._exit import UsageError

__all__ = ["COMMANDS"]

# The root of this package (the parent of `_cli`): scripts/vendor.py writes its marker there.
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_PACKAGE = __name__.rsplit(".", 2)[0]


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
    parser.add_argument("--port", type=int, default=0, help="port to bind on 127.0.0.1 (0: a free port)")
    parser.add_argument("--seed", type=int, default=None, metavar="N", help="start with N integrations")


def _run(args: argparse.Namespace, ctx: Context) -> int:
    try:
        # The fake's own entry point: it prints the address, then serves until SIGTERM or SIGINT.
        from ..testing.__main__ import main as fake_main
    except ModuleNotFoundError as exc:
        if exc.name == f"{_PACKAGE}.testing":
            raise UsageError(_missing_fake()) from None
        raise UsageError(str(exc)) from None  # the fake's dependency: its message is the install hint
    except ImportError as exc:
        raise UsageError(str(exc)) from None
    argv = ["--port", str(args.port)]
    if args.seed:
        argv += ["--seed", str(args.seed)]
    return fake_main(argv)


COMMANDS = (
    Command(
        "fake-server",
        "Run the in-memory fake SIM service on loopback (needs the sailpoint-sim[testing] extra); "
        "prints its address, serves until interrupted.",
        _run,
        _arguments,
    ),
)
