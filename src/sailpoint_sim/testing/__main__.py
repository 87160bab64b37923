"""``python -m sailpoint_sim.testing``: run the fake SIM service on loopback until SIGTERM or SIGINT.

Prints one line, the bound base URL (``http://127.0.0.1:PORT``), on stdout and flushes it, so a parent
process can read the port; nothing secret is ever printed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from ._fake import FakeSimService
from ._service import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from ._tokens import SCOPE_ALL


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sailpoint_sim.testing",
        description="Run the fake SailPoint SIM Integrations service on loopback (test-only).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="start with N seeded integrations")
    parser.add_argument(
        "--client-id",
        default=os.environ.get("SAIL_CLIENT_ID", DEFAULT_CLIENT_ID),
        help="client id accepted at /oauth/token (default: $SAIL_CLIENT_ID or fake-client-id)",
    )
    parser.add_argument(
        "--client-secret",
        default=os.environ.get("SAIL_CLIENT_SECRET", DEFAULT_CLIENT_SECRET),
        help="client secret accepted at /oauth/token (default: $SAIL_CLIENT_SECRET or fake-client-secret)",
    )
    parser.add_argument("--latency", type=float, default=0.0, metavar="S", help="seconds added per request")
    parser.add_argument("--token-ttl", type=float, default=749.0, metavar="S", help="token lifetime (s)")
    parser.add_argument(
        "--delete-status", type=int, choices=(200, 204), default=204, help="status of a successful DELETE"
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
    parser.add_argument("--no-record", action="store_true", help="do not record requests (long benchmarks)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server; returns the exit status (0 after SIGTERM/SIGINT)."""
    args = _parser().parse_args(argv)
    fake = FakeSimService(
        client_id=args.client_id,
        client_secret=args.client_secret,
        token_ttl=args.token_ttl,
        tokens=args.token,
        scopes=args.scopes or (SCOPE_ALL,),
        latency=args.latency,
        delete_status=args.delete_status,
        record=not args.no_record,
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
        print(server.url, flush=True)
        # wait() with a timeout keeps the main thread responsive to signals.
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
