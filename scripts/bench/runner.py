"""Runs the benchmark's phases, each measurement a fresh worker process, and writes bench-results/.

Phases: per-call latency (lists of two sizes, then a create → get → update → patch → patch rule →
delete cycle), client construction, concurrency against server latency, and the bulk row (updates
against a rate-limited fake). Within each round the clients take turns, each starting one process, so
drift on a busy machine falls on all of them alike; the order rotates from round to round, so no client
always runs right after the same other one. Round r of one client pairs with round r of another: the
report compares us with SailPoint's SDK round by round (``report.sign_test``).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from . import report
from .config import BPR_OPS, CREATE_BODY, PATCH_OPS, ROOT, SDK_CURRENT, SDK_V2025, Config
from .envs import Client, bench_requirements, ensure_venv, select_clients
from .imports import measure_imports
from .results import Results, progress
from .service import Service, fake_service

WORKER_MODULE = "scripts.bench.worker"
CHART_MODULE = "scripts.bench.chart"
CALL_OPS = ["list", "get", "create", "update", "patch", "patch_bpr", "delete"]
CONCURRENCY_MODES = {
    "async": "async",
    "floor-async": "async",
    "sync": "sequential",
    "sdk-v2-partition": "sequential",
}
"""Who runs the concurrency phase, and how: async clients concurrently, sync ones one after another."""
BULK_MODES = {"sync": "sequential", "async": "concurrent", "sdk-v2": "sequential"}
"""Who runs the bulk row: our two clients, paced, and SailPoint's SDK (current release) as users call it."""


class WorkerFailed(Exception):
    """A measurement process exited with an error."""


def worker_command(client: Client, spec: dict[str, Any]) -> list[str]:
    """The command line of one measurement process (run with the checkout as working directory)."""
    return [str(client.python), "-m", WORKER_MODULE, json.dumps({"client": client.key, **spec})]


def run_worker(client: Client, spec: dict[str, Any], timeout: float) -> dict[str, float]:
    """Run one measurement process; returns its figures (``ns`` durations, counts)."""
    try:
        done = subprocess.run(
            worker_command(client, spec), capture_output=True, text=True, timeout=timeout, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        raise WorkerFailed(f"{client.label}: {spec['mode']} timed out after {timeout:.0f} s") from None
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise WorkerFailed(f"{client.label}: {spec['mode']} failed: {tail[0]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])["ns"]
    return figures


def calls_spec(config: Config, service: Service, get_id: str) -> dict[str, Any]:
    """The parts of a per-call worker spec every client shares (ops and list size come on top)."""
    return {
        "mode": "calls",
        "base_url": service.url,
        "token": service.token,
        "warmup": config.warmup,
        "iterations": config.iterations,
        "get_id": get_id,
        "create_body": CREATE_BODY,
        "patch_ops": PATCH_OPS,
        "bpr_ops": BPR_OPS,
    }


def bulk_spec(config: Config, service: Service, ids: list[str], how: str) -> dict[str, Any]:
    """A bulk worker spec: ``bulk_updates`` PUTs over ``ids``, with a fresh token (a fresh budget)."""
    return {
        "mode": "bulk",
        "base_url": service.url,
        "token": service.new_token(),
        "ids": ids,
        "updates": config.bulk_updates,
        "concurrency": config.bulk_concurrency if how == "concurrent" else 1,
        "rate_limit": list(config.bulk_limit),
        "create_body": CREATE_BODY,
    }


class Runner:
    """Runs every phase, interleaving clients within each repeat so drift hits all of them alike."""

    def __init__(self, config: Config, clients: list[Client], results: Results) -> None:
        self.config = config
        self.clients = clients
        self.results = results
        self.failed: set[str] = set()

    def round_order(self, r: int) -> list[Client]:
        """The clients in the order they run in round ``r``: rotated by one place each round."""
        shift = r % len(self.clients)
        return self.clients[shift:] + self.clients[:shift]

    def _run(self, client: Client, spec: dict[str, Any]) -> dict[str, float] | None:
        if client.key in self.failed:
            return None
        try:
            return run_worker(client, spec, self.config.worker_timeout)
        except WorkerFailed as exc:
            if client.python == Path(sys.executable):
                raise  # our own clients must work: a failure here fails the benchmark
            self.failed.add(client.key)
            self.results.note(f"{exc} (left out of the remaining figures)")
            progress(str(exc))
            return None

    def calls(self, service: Service) -> str:
        """Per-call latency: list of the small N, then list of the large N plus the write cycle.

        Returns the id the gets used (seeded, so it stays for the concurrency phase)."""
        cfg = self.config
        small, large = cfg.list_sizes
        ids = service.seed(small)
        base = calls_spec(cfg, service, ids[0])
        for r in range(cfg.repeats):
            progress(f"list {small}: repeat {r + 1}/{cfg.repeats}")
            for client in self.round_order(r):
                spec = {
                    **base,
                    "ops": ["list"],
                    "expected_list": small,
                    "list_iterations": cfg.list_iterations[0],
                }
                figures = self._run(client, spec)
                if figures:
                    self.results.add("calls", f"list {small}", client.key, figures["list"])
                    self.results.add("cpu", f"list {small}", client.key, figures["cpu:list"])
        service.seed(large - small)
        for r in range(cfg.repeats):
            progress(f"list {large} and single calls: repeat {r + 1}/{cfg.repeats}")
            for client in self.round_order(r):
                spec = {
                    **base,
                    "ops": CALL_OPS,
                    "expected_list": large,
                    "list_iterations": cfg.list_iterations[1],
                }
                figures = self._run(client, spec)
                if figures:
                    for op, value in figures.items():
                        section, _, op_name = op.rpartition(":")
                        name = f"list {large}" if op_name == "list" else report.OP_LABELS[op_name]
                        self.results.add(section or "calls", name, client.key, value)
        return str(ids[0])

    def construct(self, service: Service) -> None:
        """Time to build a ready client (imports already paid)."""
        spec = {
            "mode": "construct",
            "base_url": service.url,
            "token": service.token,
            "iterations": self.config.construct_iterations,
        }
        for r in range(self.config.repeats):
            progress(f"construction: repeat {r + 1}/{self.config.repeats}")
            for client in self.round_order(r):
                figures = self._run(client, spec)
                if figures:
                    self.results.add("construct", "construct a client", client.key, figures["construct"])

    def concurrency(self, service: Service, get_id: str) -> None:
        """``requests`` gets against simulated latency: async clients concurrently, sync ones in a row."""
        cfg = self.config
        service.set_latency(cfg.latency)
        spec = {
            "mode": "concurrency",
            "base_url": service.url,
            "token": service.token,
            "requests": cfg.concurrency_requests,
            "concurrency": cfg.concurrency,
            "get_id": get_id,
        }
        try:
            for r in range(cfg.repeats):
                progress(f"concurrency: repeat {r + 1}/{cfg.repeats}")
                for client in self.round_order(r):
                    mode = CONCURRENCY_MODES.get(client.key)
                    if mode is None:
                        continue
                    figures = self._run(client, spec)
                    if figures:
                        self.results.add("concurrency", mode, client.key, figures["wall"])
                        self.results.add("concurrency_cpu", mode, client.key, figures["cpu"])
        finally:
            service.set_latency(0.0)

    def bulk(self) -> None:
        """The bulk row: ``bulk_updates`` updates against a fake enforcing ``bulk_limit`` per token.

        A fake of its own (the others run unlimited), seeded with one integration per update. Each run
        gets a fresh token, so it starts with the whole budget; its 429s are the growth of the fake's
        count over the run.
        """
        cfg = self.config
        with fake_service(rate_limit=cfg.bulk_limit) as service:
            ids = service.seed(cfg.bulk_updates)
            for r in range(cfg.bulk_repeats):
                progress(f"bulk: repeat {r + 1}/{cfg.bulk_repeats}")
                for client in self.round_order(r):
                    how = BULK_MODES.get(client.key)
                    if how is None:
                        continue
                    spec = bulk_spec(cfg, service, ids, how)
                    before = service.rate_limited()
                    figures = self._run(client, spec)
                    if figures:
                        self.results.add("bulk", how, client.key, figures["wall"])
                        self.results.add("bulk_cpu", how, client.key, figures["cpu"])
                        self.results.add("bulk_429", how, client.key, float(service.rate_limited() - before))
                        self.results.add("bulk_ok", how, client.key, figures["ok"])
                        self.results.add("bulk_failed", how, client.key, figures["failed"])
                        if figures["failed"]:
                            self.results.note(
                                f"{client.label}: {figures['failed']:.0f} of {cfg.bulk_updates} bulk updates "
                                f"failed in one run ({_failure_text(figures)})."
                            )


def _failure_text(figures: dict[str, float]) -> str:
    """The HTTP statuses of a bulk run's failures, from its ``failed:STATUS`` counts."""
    parts = [
        f"{count:.0f} x {key.partition(':')[2]}"
        for key, count in figures.items()
        if key.startswith("failed:")
    ]
    return ", ".join(parts) or "no status"


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    out = {"python": platform.python_version()}
    for name in ("httpx", "attrs", "sailpoint-sim"):
        try:
            out[name] = version(name)
        except Exception:  # a missing version is shown as unknown, not fatal
            out[name] = "unknown"
    return out


def _load_average() -> float | None:
    """The 1-minute load average: other work on the machine shows up in every figure's range."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def run(config: Config, sdk: bool, out: Path, chart: bool, runtime_imports: bool) -> Results:
    """Run the whole benchmark and write the result files; returns the results."""
    results = Results()
    clients = select_clients(sdk, results)
    started = time.monotonic()
    results.meta = {
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "versions": _versions(),
        "config": config.to_json(),
        "sdk": {"current": SDK_CURRENT, "v2025": SDK_V2025},
        "load": [_load_average(), None],
    }
    with fake_service() as service:
        runner = Runner(config, clients, results)
        get_id = runner.calls(service)
        runner.construct(service)
        runner.concurrency(service, get_id)
    runner.bulk()
    measure_imports(config, clients, results, runtime=runtime_imports)
    results.meta["seconds"] = round(time.monotonic() - started, 1)
    results.meta["load"] = [results.meta["load"][0], _load_average()]
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results.to_json(), indent=1) + "\n")
    markdown = report.render(results.to_json(), chart="chart.png" if chart else None)
    (out / "RESULTS.md").write_text(markdown)
    print(markdown)
    if chart:
        make_chart(out)
    return results


def make_chart(out: Path) -> None:
    """Draw chart.png with matplotlib from its own venv (a benchmark-only dependency)."""
    python = ensure_venv("plot", bench_requirements())
    if python is None:
        print("bench: matplotlib could not be installed; no chart this time", file=sys.stderr)
        return
    target = out / "chart.png"
    subprocess.run(
        [str(python), "-m", CHART_MODULE, str(out / "results.json"), str(target)], check=True, cwd=ROOT
    )
    print(f"bench: chart written to {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
