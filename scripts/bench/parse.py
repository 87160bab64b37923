"""What model parsing costs on top of `json.loads`, for lists of seeded integrations.

    .venv/bin/python -m scripts.bench.parse                      # generated/ only
    .venv/bin/python -m scripts.bench.parse --baseline HEAD~3    # and spec/templates/ as of a git revision
    .venv/bin/python -m scripts.bench.parse --baseline builtin   # and the generator's built-in templates

For each list size N (default 100 and 1000) the documents come from `FakeSimService().seed(N)`, as the
fake service would send them, encoded once. Three workloads are timed per package: `json.loads` alone
(the floor), `json.loads` + `ServiceDeskIntegrationDto.from_dict` per item, and `to_dict` per item of
the parsed list. With `--baseline` the same spec is also generated with other templates into a
temporary folder (package renamed, so both load in this process) and timed in the same rounds,
alternating, so machine load falls on both alike. Each figure is the median over the rounds with the
min - max spread; ratios divide medians of the same run. The garbage collector stays on, as in real use;
`--no-gc` turns it off for the whole run, to show its share.
Nothing here asserts a timing; the tests only check that it runs.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "sim-integrations.v2025.yaml"
CONFIG = ROOT / "spec" / "generator-config.yaml"
TEMPLATES = ROOT / "spec" / "templates"
BASELINE_PACKAGE = "baseline_sim_client"
SAMPLE_SECONDS = 0.02  # each sample repeats the workload until it lasts about this long


@dataclass
class Series:
    """Per-call times (seconds) of one workload, one per round."""

    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def spread(self) -> str:
        return f"{fmt(min(self.samples))} - {fmt(max(self.samples))}"


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.0f} µs"


def time_per_call(work: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        work()
    return (time.perf_counter() - start) / number


def calibrate(work: Callable[[], object]) -> int:
    """How many calls make one sample of about SAMPLE_SECONDS (after one warm-up call)."""
    work()
    once = time_per_call(work, 1)
    return max(1, round(SAMPLE_SECONDS / max(once, 1e-9)))


def git_templates(revision: str, destination: Path) -> Path:
    """spec/templates/ as of a git revision, extracted under `destination`."""
    result = subprocess.run(
        ["git", "archive", "--format=tar", revision, "spec/templates"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"cannot read spec/templates at {revision!r}: {result.stderr.decode().strip()}")
    with tarfile.open(fileobj=BytesIO(result.stdout)) as archive:
        archive.extractall(destination, filter="data")
    return destination / "spec" / "templates"


def generate_baseline(baseline: str, workdir: Path) -> ModuleType:
    """The spec generated with the baseline's templates as package BASELINE_PACKAGE, imported."""
    templates = None if baseline == "builtin" else git_templates(baseline, workdir / "templates")
    output = workdir / BASELINE_PACKAGE
    command = [str(Path(sys.executable).parent / "openapi-python-client"), "generate", "--path", str(SPEC)]
    command += ["--config", str(CONFIG), "--meta", "none", "--fail-on-warning", "--output-path", str(output)]
    if templates is not None:
        command += ["--custom-template-path", str(templates)]
    # The ruff post-hooks are called by name: put this interpreter's bin folder first, as generate.py does.
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    result = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"generating the baseline failed:\n{result.stdout}{result.stderr}")
    sys.path.insert(0, str(workdir))
    return importlib.import_module(f"{BASELINE_PACKAGE}.models")


def seeded_body(count: int) -> bytes:
    """A list response body of `count` realistic integrations, as the fake service sends it."""
    from sailpoint_sim.testing import FakeSimService

    fake = FakeSimService()
    fake.seed(count)
    return json.dumps(list(fake.integrations.values())).encode()


def workloads(body: bytes, variants: dict[str, ModuleType]) -> dict[str, Callable[[], object]]:
    def loads_only() -> object:
        return json.loads(body)

    def parse_with(dto: Any) -> Callable[[], object]:
        def parse() -> object:
            return [dto.from_dict(item) for item in json.loads(body)]

        return parse

    def write_all(parsed: list[Any]) -> Callable[[], object]:
        def write() -> object:
            return [item.to_dict() for item in parsed]

        return write

    work: dict[str, Callable[[], object]] = {"json.loads": loads_only}
    for label, models in variants.items():
        dto = models.ServiceDeskIntegrationDto
        work[f"{label}: loads + from_dict"] = parse_with(dto)
        work[f"{label}: to_dict"] = write_all([dto.from_dict(item) for item in json.loads(body)])
    return work


def check_same_results(body: bytes, variants: dict[str, ModuleType]) -> None:
    """Every package writes back the same documents, so the figures compare like with like."""
    written = {
        label: [m.ServiceDeskIntegrationDto.from_dict(i).to_dict() for i in json.loads(body)]
        for label, m in variants.items()
    }
    reference = next(iter(written.values()))
    for label, documents in written.items():
        if documents != reference and label != "builtin":  # built-in templates write isoformat() timestamps
            raise SystemExit(f"{label} does not write back what generated/ writes; not comparable")


def run(sizes: list[int], rounds: int, variants: dict[str, ModuleType]) -> list[str]:
    lines = [
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; garbage collector {'on' if gc.isenabled() else 'off'}; {rounds} rounds, each figure per call: median (min - max); "
        "ratios are medians over the json.loads median of the same run.",
        "",
    ]
    for size in sizes:
        body = seeded_body(size)
        check_same_results(body, variants)
        work = workloads(body, variants)
        numbers = {name: calibrate(fn) for name, fn in work.items()}
        series = {name: Series() for name in work}
        for _ in range(rounds):
            for name, fn in work.items():  # interleaved: load on the machine falls on every workload alike
                series[name].samples.append(time_per_call(fn, numbers[name]))
        floor = series["json.loads"].median
        lines.append(f"N = {size} integrations ({len(body) / 1024:.0f} KiB)")
        lines.append("| workload | median | spread | x json.loads | per item |")
        lines.append("|---|---|---|---|---|")
        for name, s in series.items():
            if name.endswith("from_dict"):
                per_item = f"+{(s.median - floor) / size * 1e6:.1f} µs over loads"
            else:
                per_item = f"{s.median / size * 1e6:.1f} µs"
            lines.append(
                f"| {name} | {fmt(s.median)} | {s.spread()} | {s.median / floor:.2f}x | {per_item} |"
            )
        labels = list(variants)
        if len(labels) == 2:
            new, old = (series[f"{label}: loads + from_dict"].median for label in labels)
            new_out, old_out = (series[f"{label}: to_dict"].median for label in labels)
            lines.append(
                f"{labels[0]} against {labels[1]}: loads + from_dict {old / new:.2f}x as fast, "
                f"to_dict {old_out / new_out:.2f}x as fast"
            )
        lines.append("")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.parse", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--sizes", default="100,1000", help="comma-separated list sizes (default 100,1000)")
    parser.add_argument("--rounds", type=int, default=15, help="samples per workload (default 15)")
    parser.add_argument("--no-gc", action="store_true", help="disable the garbage collector while timing")
    parser.add_argument(
        "--baseline",
        metavar="REV|builtin",
        help="also time the spec generated with spec/templates/ at git revision REV, or with no custom templates",
    )
    args = parser.parse_args()
    sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    if not sizes or min(sizes) < 1 or args.rounds < 1:
        parser.error("--sizes needs positive integers and --rounds at least 1")
    sys.path.insert(0, str(ROOT / "generated"))
    variants = {"generated/": importlib.import_module("sailpoint_sim_client.models")}
    with tempfile.TemporaryDirectory(prefix="bench-parse-") as tmp:
        if args.baseline:
            label = "builtin" if args.baseline == "builtin" else args.baseline
            variants[label] = generate_baseline(args.baseline, Path(tmp))
        if args.no_gc:
            gc.disable()
        for line in run(sizes, args.rounds, variants):
            print(line)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
