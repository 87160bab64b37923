"""The performance benchmark (`make bench`): our client against raw httpx and SailPoint's SDK.

One run starts one loopback fake service (``python -m sailpoint_sim.testing``) and drives the same
workload through every client, each measurement in its own fresh process (``scripts/bench_worker.py``):

* raw ``httpx.Client`` + ``json.loads`` (the floor every ratio is taken against), and its async twin;
* the generated package called directly; our sync facade; our async facade;
* SailPoint's SDK (PyPI ``sailpoint``), each release in its own venv under ``.tools/bench-venvs/``,
  installed here on first use: the current release (flat imports as its docs recommend, and its
  per-resource package imported directly) and 1.4.2, the last one with ``sailpoint.v2025``.

Figures: per-call latency (list of N = 100 and 1000, get, create, update, both patches, delete), client
construction, import time and memory (fresh interpreters), and 200 gets against 20 ms of server latency
with the async client at concurrency 20. Each figure is the median over ``--repeats`` processes (each
reporting its own median), with the min-max range over those processes. Results go to
``bench-results/`` (RESULTS.md, results.json, chart.png) and the tables are printed.

    .venv/bin/python scripts/bench.py                  # full run (a few minutes; SDKs installed once)
    .venv/bin/python scripts/bench.py --no-sdk         # ours only
    .venv/bin/python scripts/bench.py --quick          # seconds; what the test suite runs
    .venv/bin/python scripts/bench.py --profile sync   # cProfile one client's per-call workload
    .venv/bin/python scripts/bench.py --profile async:concurrency   # ... or its concurrency run
    .venv/bin/python scripts/bench.py --profile import # python -X importtime for sailpoint_sim
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bench_report

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "scripts" / "bench_worker.py"
CHART = ROOT / "scripts" / "bench_chart.py"
VENVS = ROOT / ".tools" / "bench-venvs"
REQUIREMENTS_BENCH = ROOT / "requirements-bench.txt"

# SailPoint's SDK releases compared (exact pins, so a rerun measures the same code): the newest release
# when this was written, and 1.4.2, the newest 1.x and so the last with `sailpoint.v2025`.
SDK_CURRENT = "2.1.72"
SDK_V2025 = "1.4.2"

# Bodies every client sends (the same dicts; each client turns them into its own types).
CREATE_BODY: dict[str, Any] = {
    "name": "bench",
    "description": "Created by the benchmark",
    "type": "ServiceNowSDIM",
    "attributes": {"url": "https://bench.service-now.com", "username": "sailpoint"},
    "sources": ["2c9180835d191a86015d28455b4a2329"],
    "cluster": "xyzzy999",
    "statusMap": {"closed_complete": "Committed", "in_process": "Queued", "requested": "Queued"},
    "request": {"description": "SailPoint Access Request", "short_description": "SailPoint request"},
    "beforeProvisioningRule": {"type": "RULE", "id": "2c918085708c274401708c2a8a760001", "name": "Rule"},
}
PATCH_OPS = [{"op": "replace", "path": "/description", "value": "Patched by the benchmark"}]
# The fake applies beforeProvisioningRule patches to the rule object itself (paths relative to it).
BPR_OPS = [{"op": "replace", "path": "/name", "value": "Patched rule"}]


@dataclass(frozen=True)
class Client:
    """One column of the benchmark: a worker ``kind`` run by a given interpreter."""

    key: str
    label: str
    python: Path
    ours: bool = False


@dataclass
class Config:
    """Sizes and repeat counts of one run."""

    repeats: int = 5
    import_repeats: int = 7
    list_sizes: tuple[int, int] = (100, 1000)
    warmup: int = 10
    iterations: int = 200
    list_iterations: tuple[int, int] = (100, 30)
    construct_iterations: int = 20
    concurrency_requests: int = 200
    concurrency: int = 20
    latency: float = 0.020
    worker_timeout: float = 900.0

    @classmethod
    def quick(cls) -> Config:
        """A tiny configuration that only proves every path still runs (used by the test suite)."""
        return cls(
            repeats=2,
            import_repeats=2,
            list_sizes=(10, 40),
            warmup=1,
            iterations=3,
            list_iterations=(3, 3),
            construct_iterations=2,
            concurrency_requests=10,
            concurrency=5,
            latency=0.005,
            worker_timeout=120.0,
        )


@dataclass
class Results:
    """Everything one run measured, in nanoseconds and bytes; serialised to results.json."""

    meta: dict[str, Any] = field(default_factory=dict)
    # section -> workload -> client key -> per-process values
    samples: dict[str, dict[str, dict[str, list[float]]]] = field(default_factory=dict)
    clients: dict[str, str] = field(default_factory=dict)  # key -> label, in column order
    notes: list[str] = field(default_factory=list)
    imports: list[dict[str, Any]] = field(default_factory=list)

    def add(self, section: str, workload: str, client: str, value: float) -> None:
        """Record one process's figure."""
        self.samples.setdefault(section, {}).setdefault(workload, {}).setdefault(client, []).append(value)


# --- environments --------------------------------------------------------------------------------


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(name: str, requirements: Sequence[str]) -> Path | None:
    """A venv under .tools/bench-venvs/NAME with exactly ``requirements`` installed; None if pip fails.

    Idempotent: a marker file records what was installed, so later runs cost nothing.
    """
    venv = VENVS / name
    marker = venv / ".bench-installed"
    wanted = "\n".join(requirements)
    python = _venv_python(venv)
    if marker.is_file() and marker.read_text() == wanted and python.exists():
        return python
    print(f"bench: installing {' '.join(requirements)} into {venv.relative_to(ROOT)} (once) ...", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements],
            check=True,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc)
        lines = [line for line in str(detail).splitlines() if line.startswith("ERROR")] or [str(exc)]
        print(f"bench: could not install {' '.join(requirements)}: {lines[-1]}", file=sys.stderr)
        shutil.rmtree(venv, ignore_errors=True)
        return None
    marker.write_text(wanted)
    return python


def _bench_requirements() -> list[str]:
    lines = REQUIREMENTS_BENCH.read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def select_clients(sdk: bool, results: Results) -> list[Client]:
    """The columns of this run: ours always; SailPoint's SDK releases when asked and installable."""
    here = Path(sys.executable)
    clients = [
        Client("floor", "raw httpx (floor)", here),
        Client("generated", "generated package", here),
        Client("sync", "sailpoint_sim sync", here, ours=True),
        Client("async", "sailpoint_sim async", here, ours=True),
        Client("floor-async", "raw httpx async", here),
    ]
    if sdk:
        current = ensure_venv(f"sailpoint-{SDK_CURRENT}", [f"sailpoint=={SDK_CURRENT}"])
        if current is None:
            results.notes.append(f"SailPoint SDK {SDK_CURRENT} could not be installed: not benchmarked.")
        else:
            clients.append(Client("sdk-v2", f"SDK {SDK_CURRENT} (flat imports)", current))
            clients.append(Client("sdk-v2-partition", f"SDK {SDK_CURRENT} (sim_integrations pkg)", current))
        old = ensure_venv(f"sailpoint-{SDK_V2025}", [f"sailpoint=={SDK_V2025}"])
        if old is None:
            results.notes.append(f"SailPoint SDK {SDK_V2025} could not be installed: not benchmarked.")
        else:
            clients.append(Client("sdk-v1", f"SDK {SDK_V2025} (sailpoint.v2025)", old))
    else:
        results.notes.append("SailPoint's SDK not benchmarked in this run (--no-sdk or --quick).")
    for client in clients:
        results.clients[client.key] = client.label
    return clients


# --- the fake service ----------------------------------------------------------------------------


class Service:
    """The loopback fake service in a child process, driven through its /__fake__ admin endpoints."""

    def __init__(self, url: str, token: str, process: subprocess.Popen[str]) -> None:
        self.url = url
        self.token = token
        self.process = process

    def admin(self, path: str, body: dict[str, Any]) -> Any:
        """POST to a /__fake__ admin endpoint; returns the decoded JSON answer."""
        request = urllib.request.Request(
            f"{self.url}/__fake__/{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def seed(self, count: int) -> list[str]:
        """Add ``count`` integrations (deterministic ids); returns their ids."""
        ids: list[str] = self.admin("seed", {"count": count})["ids"]
        return ids

    def set_latency(self, seconds: float) -> None:
        """Latency the service adds before every answer."""
        self.admin("config", {"latency": seconds})


@contextmanager
def fake_service() -> Iterator[Service]:
    """Start ``python -m sailpoint_sim.testing`` on 127.0.0.1 (a free port) and stop it afterwards."""
    token = secrets.token_urlsafe(24)  # handed to workers in their spec; never printed
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sailpoint_sim.testing",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-record",  # a benchmark sends hundreds of thousands of requests
            "--delete-status",
            "200",  # what the spec documents
            "--token-ttl",
            "86400",
            "--token",
            token,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise SystemExit(f"bench: the fake service did not start (exit {process.poll()})")
        yield Service(url, token, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- running workers -----------------------------------------------------------------------------


class WorkerFailed(Exception):
    """A measurement process exited with an error."""


def run_worker(client: Client, spec: dict[str, Any], timeout: float) -> dict[str, float]:
    """Run one measurement process; returns its ``ns`` figures."""
    full = {"client": client.key, **spec}
    try:
        done = subprocess.run(
            [str(client.python), str(WORKER), json.dumps(full)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        raise WorkerFailed(f"{client.label}: {spec['mode']} timed out after {timeout:.0f} s") from None
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise WorkerFailed(f"{client.label}: {spec['mode']} failed: {tail[0]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])["ns"]
    return figures


def _progress(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


class Runner:
    """Runs every phase, interleaving clients within each repeat so drift hits all of them alike."""

    def __init__(self, config: Config, clients: list[Client], results: Results) -> None:
        self.config = config
        self.clients = clients
        self.results = results
        self.failed: set[str] = set()

    def _run(self, client: Client, spec: dict[str, Any]) -> dict[str, float] | None:
        if client.key in self.failed:
            return None
        try:
            return run_worker(client, spec, self.config.worker_timeout)
        except WorkerFailed as exc:
            if client.python == Path(sys.executable):
                raise  # our own clients must work: a failure here fails the benchmark
            self.failed.add(client.key)
            self.results.notes.append(f"{exc} (left out of the remaining figures)")
            _progress(str(exc))
            return None

    def calls(self, service: Service) -> str:
        """Per-call latency: list of the small N, then list of the large N plus the write cycle.

        Returns the id the gets used (seeded, so it stays for the concurrency phase)."""
        cfg = self.config
        small, large = cfg.list_sizes
        ids = service.seed(small)
        base = {
            "mode": "calls",
            "base_url": service.url,
            "token": service.token,
            "warmup": cfg.warmup,
            "iterations": cfg.iterations,
            "get_id": ids[0],
            "create_body": CREATE_BODY,
            "patch_ops": PATCH_OPS,
            "bpr_ops": BPR_OPS,
        }
        for r in range(cfg.repeats):
            _progress(f"list {small}: repeat {r + 1}/{cfg.repeats}")
            for client in self.clients:
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
            _progress(f"list {large} and single calls: repeat {r + 1}/{cfg.repeats}")
            for client in self.clients:
                spec = {
                    **base,
                    "ops": ["list", "get", "create", "update", "patch", "patch_bpr", "delete"],
                    "expected_list": large,
                    "list_iterations": cfg.list_iterations[1],
                }
                figures = self._run(client, spec)
                if figures:
                    for op, value in figures.items():
                        section, _, op_name = op.rpartition(":")
                        name = f"list {large}" if op_name == "list" else bench_report.OP_LABELS[op_name]
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
            _progress(f"construction: repeat {r + 1}/{self.config.repeats}")
            for client in self.clients:
                figures = self._run(client, spec)
                if figures:
                    self.results.add("construct", "construct a client", client.key, figures["construct"])

    def concurrency(self, service: Service, get_id: str) -> None:
        """``requests`` gets against simulated latency: async clients concurrently, sync ones in a row."""
        cfg = self.config
        service.set_latency(cfg.latency)
        wanted = {
            "async": "async",
            "floor-async": "async",
            "sync": "sequential",
            "sdk-v2-partition": "sequential",
        }
        try:
            for r in range(cfg.repeats):
                _progress(f"concurrency: repeat {r + 1}/{cfg.repeats}")
                for client in self.clients:
                    if client.key not in wanted:
                        continue
                    spec = {
                        "mode": "concurrency",
                        "base_url": service.url,
                        "token": service.token,
                        "requests": cfg.concurrency_requests,
                        "concurrency": cfg.concurrency,
                        "get_id": get_id,
                    }
                    figures = self._run(client, spec)
                    if figures:
                        self.results.add("concurrency", wanted[client.key], client.key, figures["wall"])
                        self.results.add("concurrency_cpu", wanted[client.key], client.key, figures["cpu"])
        finally:
            service.set_latency(0.0)


# --- imports -------------------------------------------------------------------------------------

# Measured inside a fresh interpreter that has imported nothing of its own: `time` is built in and
# /proc is read with the builtin open(), so the statement pays for everything it pulls in.
_IMPORT_PROBE = """\
import time
def rss():
    try:
        with open('/proc/self/statm') as f:
            return int(f.read().split()[1]) * {page}
    except OSError:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
before = rss()
t0 = time.perf_counter_ns()
{statement}
t1 = time.perf_counter_ns()
print(t1 - t0, before, rss())
"""


def runtime_python(results: Results) -> Path:
    """An interpreter that sees only sailpoint-sim's runtime dependencies: a venv with this tree
    installed from source (not editable, as users get it), reinstalled on every run.

    The project venv also holds the dev tools, and with ``rich`` and ``click`` present ``import httpx``
    loads its command-line module too (about half its import time there), which would flatter the ratio
    of ``import sailpoint_sim`` to ``import httpx``. Falls back to the project venv if pip fails.
    """
    python = ensure_venv("runtime", [str(ROOT)])
    if python is not None:
        try:
            subprocess.run(
                [
                    *(str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
                    *("--no-deps", "--force-reinstall", str(ROOT)),
                ],
                check=True,
                capture_output=True,
                timeout=600,
            )
            results.meta["imports_env"] = "runtime"
            return python
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            pass
    results.notes.append("Imports of ours measured in the project venv (the runtime-only venv failed).")
    results.meta["imports_env"] = "project"
    return Path(sys.executable)


def import_statements(clients: list[Client], here: Path) -> list[tuple[str, str, Path, str]]:
    """(key, label, interpreter, statement) for every import measured; ours run with ``here``."""
    ops = ", ".join(
        [
            "create_sim_integration",
            "delete_sim_integration",
            "get_sim_integration",
            "get_sim_integrations",
            "patch_before_provisioning_rule",
            "patch_sim_attributes",
            "put_sim_integration",
        ]
    )
    rows = [
        ("floor", "import httpx", here, "import httpx"),
        ("sync", "import sailpoint_sim", here, "import sailpoint_sim"),
        (
            "sync-class",
            "from sailpoint_sim import SimIntegrationsClient",
            here,
            "from sailpoint_sim import SimIntegrationsClient",
        ),
        (
            # The facade defers the generated package (and attrs) to its first call; this row shows
            # that cost too. It names a private module, so a failure here is noted, not fatal.
            "sync-ready",
            "sailpoint_sim + what its first call loads",
            here,
            "import sailpoint_sim; from sailpoint_sim._generated_package import generated_package; generated_package()",
        ),
        (
            "generated",
            "generated: the 7 operation modules",
            here,
            f"from sailpoint_sim_client.api.sim_integrations import {ops}",
        ),
    ]
    by_key = {client.key: client for client in clients}
    if "sdk-v2" in by_key:
        py = by_key["sdk-v2"].python
        rows.append(("sdk-v2-bare", f"SDK {SDK_CURRENT}: import sailpoint", py, "import sailpoint"))
        rows.append(
            (
                "sdk-v2",
                f"SDK {SDK_CURRENT}: from sailpoint import SIMIntegrationsApi",
                py,
                "from sailpoint import SIMIntegrationsApi",
            )
        )
        rows.append(
            (
                "sdk-v2-partition",
                f"SDK {SDK_CURRENT}: from sailpoint.sim_integrations... import SIMIntegrationsApi",
                py,
                "from sailpoint.sim_integrations.api.sim_integrations_api import SIMIntegrationsApi",
            )
        )
    if "sdk-v1" in by_key:
        rows.append(
            (
                "sdk-v1",
                f"SDK {SDK_V2025}: from sailpoint.v2025.api... import SIMIntegrationsApi",
                by_key["sdk-v1"].python,
                "from sailpoint.v2025.api.sim_integrations_api import SIMIntegrationsApi",
            )
        )
    return rows


def measure_imports(config: Config, clients: list[Client], results: Results, *, runtime: bool) -> None:
    """Import time and memory of each statement, each sample a fresh interpreter (.pyc already warm).

    ``runtime``: measure ours in a venv with only the runtime dependencies (see :func:`runtime_python`).
    """
    page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
    if runtime:
        ours = runtime_python(results)
    else:
        ours = Path(sys.executable)
        results.meta["imports_env"] = "project"
    rows = import_statements(clients, ours)
    # Run from a neutral folder so nothing in the checkout can shadow an installed package.
    neutral = tempfile.gettempdir()
    for _key, _label, python, statement in rows:  # one warm-up each: compile and cache the .pyc files
        subprocess.run([str(python), "-c", statement], capture_output=True, cwd=neutral, check=False)
    for r in range(config.import_repeats):
        _progress(f"imports: repeat {r + 1}/{config.import_repeats}")
        for key, label, python, statement in rows:
            probe = _IMPORT_PROBE.format(page=page, statement=statement)
            done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, cwd=neutral)
            if done.returncode != 0:
                if key in ("floor", "sync"):
                    raise WorkerFailed(f"{statement!r} failed: {done.stderr.strip().splitlines()[-1:]}")
                note = f"{statement!r} failed; left out"
                if note not in results.notes:
                    results.notes.append(note)
                continue
            ns, before, after = (int(x) for x in done.stdout.split()[-3:])
            results.add("import", label, "time", float(ns))
            results.add("import", label, "rss", float(after))
            results.add("import", label, "rss_delta", float(after - before))
    results.imports = [{"key": k, "label": label, "statement": s} for k, label, _, s in rows]


# --- main ----------------------------------------------------------------------------------------


def _versions(clients: list[Client]) -> dict[str, str]:
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
        "versions": _versions(clients),
        "config": {
            "repeats": config.repeats,
            "import_repeats": config.import_repeats,
            "list_sizes": list(config.list_sizes),
            "iterations": config.iterations,
            "list_iterations": list(config.list_iterations),
            "warmup": config.warmup,
            "construct_iterations": config.construct_iterations,
            "concurrency_requests": config.concurrency_requests,
            "concurrency": config.concurrency,
            "latency": config.latency,
        },
        "sdk": {"current": SDK_CURRENT, "v2025": SDK_V2025},
        "load": [_load_average(), None],
    }
    with fake_service() as service:
        runner = Runner(config, clients, results)
        get_id = runner.calls(service)
        runner.construct(service)
        runner.concurrency(service, get_id)
    measure_imports(config, clients, results, runtime=runtime_imports)
    results.meta["seconds"] = round(time.monotonic() - started, 1)
    results.meta["load"] = [results.meta["load"][0], _load_average()]
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(_to_json(results), indent=1) + "\n")
    markdown = bench_report.render(_to_json(results), chart="chart.png" if chart else None)
    (out / "RESULTS.md").write_text(markdown)
    print(markdown)
    if chart:
        make_chart(out)
    return results


def _to_json(results: Results) -> dict[str, Any]:
    return {
        "meta": results.meta,
        "clients": results.clients,
        "samples": results.samples,
        "imports": results.imports,
        "notes": results.notes,
    }


def make_chart(out: Path) -> None:
    """Draw chart.png with matplotlib from its own venv (a benchmark-only dependency)."""
    python = ensure_venv("plot", _bench_requirements())
    if python is None:
        print("bench: matplotlib could not be installed; no chart this time", file=sys.stderr)
        return
    subprocess.run([str(python), str(CHART), str(out / "results.json"), str(out / "chart.png")], check=True)
    print(
        f"bench: chart written to {(out / 'chart.png').relative_to(ROOT) if out.is_relative_to(ROOT) else out}"
    )


def profile(target: str, config: Config, sdk: bool) -> None:
    """Profile one client's per-call workload with cProfile (or imports with -X importtime)."""
    tmp = ROOT / "bench-results" / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    if target == "import":
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
        print(f"full output: {report.relative_to(ROOT)}")
        return
    key, _, workload = target.partition(":")
    workload = workload or "calls"
    if workload not in ("calls", "concurrency"):
        raise SystemExit(f"bench: unknown workload {workload!r} in --profile; calls or concurrency")
    results = Results()
    clients = {client.key: client for client in select_clients(sdk or key.startswith("sdk"), results)}
    if key not in clients:
        raise SystemExit(f"bench: unknown client {key!r}; one of {', '.join(clients)} or 'import'")
    client = clients[key]
    with fake_service() as service:
        ids = service.seed(config.list_sizes[1])
        spec: dict[str, Any] = {
            "client": client.key,
            "base_url": service.url,
            "token": service.token,
            "get_id": ids[0],
        }
        if workload == "calls":
            spec |= {
                "mode": "calls",
                "warmup": config.warmup,
                "iterations": config.iterations,
                "list_iterations": config.list_iterations[1],
                "expected_list": config.list_sizes[1],
                "create_body": CREATE_BODY,
                "patch_ops": PATCH_OPS,
                "bpr_ops": BPR_OPS,
                "ops": ["list", "get", "create", "update", "patch", "patch_bpr", "delete"],
            }
        else:
            service.set_latency(config.latency)
            spec |= {
                "mode": "concurrency",
                "requests": config.concurrency_requests,
                "concurrency": config.concurrency,
            }
        stats = tmp / f"profile-{key}-{workload}.pstats"
        subprocess.run(
            [str(client.python), "-m", "cProfile", "-o", str(stats), str(WORKER), json.dumps(spec)],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
    import pstats

    report = tmp / f"profile-{key}-{workload}.txt"
    with report.open("w") as stream:
        for order in ("tottime", "cumulative"):
            pstats.Stats(str(stats), stream=stream).strip_dirs().sort_stats(order).print_stats(35)
    pstats.Stats(str(stats)).strip_dirs().sort_stats("tottime").print_stats(25)
    print(f"full report: {report.relative_to(ROOT)} (raw stats: {stats.relative_to(ROOT)})")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny configuration, no SDK, no chart")
    parser.add_argument("--no-sdk", action="store_true", help="leave SailPoint's SDK out")
    parser.add_argument("--repeats", type=int, help="processes per figure (default 5; --quick 2)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results", help="results folder")
    parser.add_argument("--no-chart", action="store_true", help="skip chart.png (and matplotlib)")
    parser.add_argument(
        "--profile",
        metavar="CLIENT[:concurrency]",
        help="cProfile one client's per-call workload (floor, generated, sync, async, sdk-v2, ...), "
        "or its concurrency run (e.g. async:concurrency), or 'import' (python -X importtime)",
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
        profile(args.profile, config, sdk=False)
        return 0
    try:
        run(
            config,
            sdk,
            args.out.resolve(),
            chart=not (args.quick or args.no_chart),
            runtime_imports=not args.quick,  # --quick installs nothing
        )
    except WorkerFailed as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
