"""The performance benchmark (`make bench`): our client against raw httpx and SailPoint's SDK.

One run starts one loopback fake service (``python -m sailpoint_sim.testing``) and drives the same
workload through every client, each measurement in its own fresh process (``scripts/bench/worker.py``):

* raw ``httpx.Client`` + ``json.loads`` (the floor every ratio is taken against), and its async twin;
* the generated package called directly; our sync facade; our async facade;
* SailPoint's SDK (PyPI ``sailpoint``), each release in its own venv under ``.tools/bench-venvs/``,
  installed here on first use: the current release (flat imports as its docs recommend, and its
  per-resource package imported directly) and 1.4.2, the last one with ``sailpoint.v2025``.

Figures: per-call latency (list of N = 100 and 1000, get, create, update, both patches, delete), client
construction, import time and memory (fresh interpreters), 200 gets against 20 ms of server latency
with the async client at concurrency 20, and the bulk row: 300 updates against a second fake that allows
100 requests per second per token, through our paced sync client, our paced async client at concurrency
20 and SailPoint's SDK, timed against the ideal 3 s and counting the 429s each drew. Each figure is the
median over ``--repeats`` processes (each reporting its own median), with the min-max range over those
processes. Results go to ``bench-results/`` (RESULTS.md, results.json, chart.png) and the tables are
printed.

    .venv/bin/python -m scripts.bench                   # full run (about 25 minutes on 2 cores; SDKs installed once)
    .venv/bin/python -m scripts.bench --no-sdk          # ours only
    .venv/bin/python -m scripts.bench --quick           # seconds; what the test suite runs
    .venv/bin/python -m scripts.bench --profile sync    # cProfile one client's per-call workload
    .venv/bin/python -m scripts.bench --profile async:concurrency   # ... its concurrency run
    .venv/bin/python -m scripts.bench --profile sync:bulk           # ... its bulk run
    .venv/bin/python -m scripts.bench --profile import  # python -X importtime for sailpoint_sim
    .venv/bin/python -m scripts.bench --profile layers  # CPU of one call per layer, ours vs the SDK
    .venv/bin/python -m scripts.bench --profile layers:instructions  # ... counted by callgrind
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .config import RESULTS_DIR, Config
from .imports import ImportFailed
from .profiling import profile
from .runner import WorkerFailed, run


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="tiny configuration, no SDK, no chart")
    parser.add_argument("--no-sdk", action="store_true", help="leave SailPoint's SDK out")
    parser.add_argument("--repeats", type=int, help="processes per figure (default 11; --quick 2)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="results folder")
    parser.add_argument("--no-chart", action="store_true", help="skip chart.png (and matplotlib)")
    parser.add_argument(
        "--profile",
        metavar="CLIENT[:WORKLOAD]",
        help="cProfile one client's per-call workload (floor, generated, sync, async, sdk-v2, ...), "
        "or another of its workloads (e.g. async:concurrency, sync:bulk), or 'import' "
        "(python -X importtime), or 'layers' (CPU of one call per layer, ours against the SDK; "
        "'layers:instructions' counts instructions under callgrind instead)",
    )
    args = parser.parse_args(argv)
    config = Config.quick() if args.quick else Config()
    if args.repeats is not None:
        if args.repeats < 1:
            parser.error("--repeats must be at least 1")
        config.repeats = args.repeats
        config.import_repeats = max(args.repeats, 2)
    sdk = not (args.quick or args.no_sdk)
    if args.profile:
        profile(args.profile, config, sdk=not args.no_sdk)
        return 0
    try:
        run(
            config,
            sdk,
            args.out.resolve(),
            chart=not (args.quick or args.no_chart),
            runtime_imports=not args.quick,  # --quick installs nothing
        )
    except (WorkerFailed, ImportFailed) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
