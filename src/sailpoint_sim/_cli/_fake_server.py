"""``fake-server``: the fake SIM service of the ``testing`` extra, run on loopback from this tool."""

from __future__ import annotations

import argparse

from ._command import Command, Context
from ._exit import UsageError

__all__ = ["COMMANDS"]


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=0, help="port to bind on 127.0.0.1 (0: a free port)")
    parser.add_argument("--seed", type=int, default=None, metavar="N", help="start with N integrations")


def _run(args: argparse.Namespace, ctx: Context) -> int:
    try:
        # The fake's own entry point: it prints the address, then serves until SIGTERM or SIGINT.
        from ..testing.__main__ import main as fake_main
    except ImportError as exc:
        raise UsageError(
            f"the fake service needs the testing extra: pip install 'sailpoint-sim[testing]' ({exc})"
        ) from None
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
