"""``--profile``: cProfile of one client's workload in its worker process, ``python -X importtime``, or
the per-layer CPU of a single call (``layers``: ours against SailPoint's SDK, ``scripts/bench/layers.py``;
``layers:instructions`` counts instructions under callgrind instead).

Reports land in bench-results/tmp/ (ignored by git); the top of each is printed.
"""

from __future__ import annotations

import pstats
import subprocess
import sys
from pathlib import Path
from typing import Any

from .config import RESULTS_DIR, ROOT, Config
from .envs import select_clients
from .results import Results
from .runner import BULK_MODES, CALL_OPS, bulk_spec, calls_spec, worker_command
from .service import Service, fake_service

WORKLOADS = ("calls", "concurrency", "bulk")


def profile(target: str, config: Config, sdk: bool) -> None:
    """Profile ``CLIENT[:WORKLOAD]`` with cProfile, or ``import`` with ``-X importtime``."""
    tmp = RESULTS_DIR / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    if target == "import":
        _importtime(tmp)
        return
    if target in ("layers", "layers:instructions"):
        from .layers import main as layers

        raise SystemExit(layers(sdk=sdk, instructions=target.endswith(":instructions")))
    key, _, workload = target.partition(":")
    workload = workload or "calls"
    if workload not in WORKLOADS:
        raise SystemExit(f"bench: unknown workload {workload!r} in --profile; one of {', '.join(WORKLOADS)}")
    results = Results()
    clients = {client.key: client for client in select_clients(key.startswith("sdk"), results)}
    if key not in clients:
        raise SystemExit(
            f"bench: unknown client {key!r}; one of {', '.join(clients)} or 'import' or 'layers'"
        )
    if workload == "bulk" and key not in BULK_MODES:
        raise SystemExit(f"bench: the bulk workload runs {', '.join(BULK_MODES)}, not {key!r}")
    client = clients[key]
    stats = tmp / f"profile-{key}-{workload}.pstats"
    with fake_service(rate_limit=config.bulk_limit if workload == "bulk" else None) as service:
        spec = _spec(workload, key, config, service)
        command = worker_command(client, spec)
        # python -m cProfile -o FILE -m scripts.bench.worker SPEC
        command[1:1] = ["-m", "cProfile", "-o", str(stats)]
        subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    report = tmp / f"profile-{key}-{workload}.txt"
    with report.open("w") as stream:
        for order in ("tottime", "cumulative"):
            pstats.Stats(str(stats), stream=stream).strip_dirs().sort_stats(order).print_stats(35)
    pstats.Stats(str(stats)).strip_dirs().sort_stats("tottime").print_stats(25)
    print(f"full report: {_shown(report)} (raw stats: {_shown(stats)})")


def _spec(workload: str, key: str, config: Config, service: Service) -> dict[str, Any]:
    if workload == "bulk":
        return bulk_spec(config, service, service.seed(config.bulk_updates), BULK_MODES[key])
    ids = service.seed(config.list_sizes[1])
    if workload == "calls":
        return {
            **calls_spec(config, service, ids[0]),
            "ops": CALL_OPS,
            "list_iterations": config.list_iterations[1],
            "expected_list": config.list_sizes[1],
        }
    service.set_latency(config.latency)
    return {
        "mode": "concurrency",
        "base_url": service.url,
        "token": service.token,
        "get_id": ids[0],
        "requests": config.concurrency_requests,
        "concurrency": config.concurrency,
    }


def _importtime(tmp: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import sailpoint_sim"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    report = tmp / "importtime.txt"
    report.write_text(done.stderr)
    rows = []
    for line in done.stderr.splitlines()[1:]:
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), int(parts[0].split(":")[1]), parts[2].rstrip()))
    rows.sort(reverse=True)
    print("cumulative µs   self µs   module (python -X importtime -c 'import sailpoint_sim')")
    for cumulative, own, name in rows[:30]:
        print(f"{cumulative:>14} {own:>9}   {name}")
    print(f"full output: {_shown(report)}")


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
