"""The fake server's command-line options, in one place for every command that starts it.

``python -m sailpoint_sim.testing`` and ``sailpoint-sim fake-server`` both call::

    from sailpoint_sim.testing import add_server_options, run_server

    add_server_options(parser)           # --host --port --seed --client-id --client-secret --latency
                                         # --token-ttl --delete-status --token --scope --layout
                                         # --rate-limit --clock-skew --no-record
    return run_server(parser.parse_args(argv))

This module imports nothing heavy and works without the ``testing`` extra installed, so a command can
list the options in ``--help`` either way; :func:`run_server` raises :class:`MissingExtraError` (an
``ImportError`` whose message is the one-line install hint) when the extra is missing.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from types import FrameType
from typing import TextIO

from ._extra import MissingExtraError, require
from ._limiter import parse as parse_rate_limit
from ._routes import LAYOUT_PER_RESOURCE, LAYOUT_V2025
from ._tokens import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SCOPE_ALL

__all__ = ["MissingExtraError", "add_server_options", "run_server"]


def _rate_limit(text: str) -> tuple[int, float]:
    try:
        return parse_rate_limit(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_server_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the fake server's options to ``parser`` (returned, for chaining)."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="start with N seeded integrations")
    parser.add_argument(
        "--client-id",
        default=os.environ.get("SAIL_CLIENT_ID", DEFAULT_CLIENT_ID),
        help=f"client id accepted at /oauth/token (default: $SAIL_CLIENT_ID or {DEFAULT_CLIENT_ID})",
    )
    parser.add_argument(
        "--client-secret",
        default=os.environ.get("SAIL_CLIENT_SECRET", DEFAULT_CLIENT_SECRET),
        help=f"client secret accepted at /oauth/token (default: $SAIL_CLIENT_SECRET or {DEFAULT_CLIENT_SECRET})",
    )
    parser.add_argument("--latency", type=float, default=0.0, metavar="S", help="seconds added per request")
    parser.add_argument("--token-ttl", type=float, default=749.0, metavar="S", help="token lifetime (s)")
    parser.add_argument(
        "--delete-status",
        type=int,
        choices=(200, 204),
        default=200,
        help="status of a successful DELETE (default 200, as SailPoint documents)",
    )
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="TOKEN",
        help="accept this pre-issued token (repeatable)",
    )
    parser.add_argument(
        "--scope",
        action="append",
        dest="scopes",
        metavar="SCOPE",
        help=f"scope of the tokens it issues (repeatable; default {SCOPE_ALL}); a token without "
        "idn:service-desk-integration:read (reads) or :manage (writes) is answered 403",
    )
    parser.add_argument(
        "--layout",
        action="append",
        dest="layouts",
        choices=(LAYOUT_V2025, LAYOUT_PER_RESOURCE),
        help="path layout to serve (repeatable; default both): v2025 is /v2025/sim-integrations, "
        "per-resource /sim-integrations/v1; the other answers 404",
    )
    parser.add_argument(
        "--rate-limit",
        type=_rate_limit,
        metavar="N/SECONDS",
        help="answer 429 with Retry-After beyond N requests per access token in any SECONDS "
        "(SailPoint's is 100/10; default: no limit)",
    )
    parser.add_argument(
        "--clock-skew",
        type=float,
        default=0.0,
        metavar="S",
        help="seconds to shift the Date header of every answer by (negative: behind)",
    )
    parser.add_argument("--no-record", action="store_true", help="do not record requests (long benchmarks)")
    return parser


def run_server(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    """Serve with the options :func:`add_server_options` added until SIGTERM or SIGINT; returns the exit
    status (0 when stopped, 1 when the address cannot be bound, with one line on stderr).

    Prints one line, the bound base URL (``http://127.0.0.1:PORT``), on ``out`` (stdout) and flushes
    it, so a parent process can read the port; nothing secret is ever printed.
    """
    require()
    from ._fake import FakeSimService

    fake = FakeSimService(
        client_id=args.client_id,
        client_secret=args.client_secret,
        token_ttl=args.token_ttl,
        tokens=args.token,
        scopes=args.scopes or (SCOPE_ALL,),
        latency=args.latency,
        delete_status=args.delete_status,
        record=not args.no_record,
        layouts=args.layouts or (LAYOUT_V2025, LAYOUT_PER_RESOURCE),
        rate_limit=args.rate_limit,
        clock_skew=args.clock_skew,
    )
    if args.seed:
        fake.seed(args.seed)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        server = fake.serve(args.host, args.port)
    except OSError as exc:
        print(f"cannot bind {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    with server:
        print(server.url, file=out or sys.stdout, flush=True)
        # wait() with a timeout keeps the main thread responsive to signals.
        while not stop.wait(0.5):
            pass
    return 0
