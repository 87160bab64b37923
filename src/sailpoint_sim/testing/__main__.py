"""``python -m sailpoint_sim.testing``: run the fake SIM service on loopback until SIGTERM or SIGINT.

Prints one line, the bound base URL (``http://127.0.0.1:PORT``), on stdout and flushes it, so a parent
process can read the port; nothing secret is ever printed. The options are those of
:func:`~sailpoint_sim.testing.add_server_options`, shared with ``sailpoint-sim fake-server``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._extra import require
from ._options import MissingExtraError, add_server_options, run_server

if __name__ != "__main__":
    # Imported (by `sailpoint-sim fake-server`): a missing extra is an ImportError whose message is the
    # one-line hint, raised here. Run with -m, main() prints that line instead of a traceback.
    require()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server; returns the exit status (0 after SIGTERM/SIGINT, 1 when it cannot start)."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {__spec__.parent if __spec__ else 'sailpoint_sim.testing'}",
        description="Run the fake SailPoint SIM Integrations service on loopback (test-only).",
    )
    args = add_server_options(parser).parse_args(argv)
    try:
        return run_server(args)
    except MissingExtraError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
