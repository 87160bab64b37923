"""The benchmark (scripts/bench/) runs end to end (tiny ``--quick`` configuration, no SDK peers) so it
cannot rot.

Timings are never asserted (beyond the least time pacing must take): only that every client was measured
in every phase, that the tables carry the expected rows and the ratio column, and that the result files
are written.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

CLIENTS = [
    "raw httpx (floor)",
    "generated package",
    "sailpoint_sim sync",
    "sailpoint_sim async",
    "raw httpx async",
]
# --quick lists 10 and 40 integrations.
WORKLOADS = [
    "list 10",
    "list 40",
    "get",
    "create",
    "update",
    "patch",
    "patch beforeProvisioningRule",
    "delete",
]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, "-m", "scripts.bench", "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    return done, out


def _rows(markdown: str, header_start: str) -> list[list[str]]:
    """The body rows of the first Markdown table whose header starts with ``header_start``."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_quick_run_succeeds_and_prints_the_tables(
    quick_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    done, out = quick_run
    assert done.returncode == 0, done.stderr[-3000:]
    assert "## Targets" in done.stdout
    assert (
        "| workload | client | median | range | x floor | over floor | client CPU | CPU over floor |"
        in done.stdout
    )
    # What was printed is what was written.
    assert (out / "RESULTS.md").read_text().strip() == done.stdout.strip()
    assert not (out / "chart.png").exists()  # --quick never installs matplotlib


def test_every_client_has_a_row_with_a_ratio_for_every_workload(
    quick_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    done, _ = quick_run
    rows = _rows(done.stdout, "| workload | client |")
    seen = {(row[0], row[1]): row for row in rows}
    for workload in WORKLOADS:
        for client in CLIENTS:
            row = seen.get((workload, client))
            assert row is not None, f"no row for {workload} / {client}"
            assert re.fullmatch(r"\d+\.\d\dx", row[4]), row
            assert re.fullmatch(r"[+-]\d+ µs", row[5]), row
            assert re.fullmatch(r"[\d.]+ (µs|ms|s)", row[6]), row  # client CPU per call
            assert re.fullmatch(r"[+-]\d+ µs", row[7]), row
        # The floor is the unit of its own ratio column.
        assert seen[(workload, "raw httpx (floor)")][4] == "1.00x"
        assert seen[(workload, "raw httpx (floor)")][5] in ("+0 µs", "-0 µs")


def test_targets_construction_imports_and_concurrency_are_reported(
    quick_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    done, _ = quick_run
    targets = {row[0]: row for row in _rows(done.stdout, "| target | measured | verdict |")}
    for name in (
        "sailpoint_sim sync: list 40 ≤ 1.5x floor",
        "sailpoint_sim sync: list 10 ≤ 1.3x floor",
        "sailpoint_sim async: get ≤ raw httpx async + 60 µs",
        "import sailpoint_sim ≤ 1.3x import httpx",
        "memory after import sailpoint_sim ≤ import httpx + 5 MiB",
    ):
        assert name in targets, sorted(targets)
        assert targets[name][2] in ("met", "**missed**")
    assert any(name.startswith("async: 10 gets at concurrency 5") for name in targets)
    construction = {row[0] for row in _rows(done.stdout, "| client | median | range | x floor |")}
    assert set(CLIENTS) <= construction
    imports = {row[0] for row in _rows(done.stdout, "| import | median |")}
    # The last names a private module (what the facade loads on its first call): a rename fails here.
    assert {
        "`import httpx`",
        "`import sailpoint_sim`",
        "sailpoint_sim + what its first call loads",
    } <= imports
    concurrency = [
        row[0] for row in _rows(done.stdout, "| client | wall time | range | ideal | x ideal | client CPU |")
    ]
    assert "sailpoint_sim async, concurrency 5" in concurrency
    assert "sailpoint_sim sync, one after another" in concurrency


def test_results_json_holds_one_figure_per_process(
    quick_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, out = quick_run
    data: dict[str, Any] = json.loads((out / "results.json").read_text())
    repeats = data["meta"]["config"]["repeats"]
    for workload in WORKLOADS:
        for key in ("floor", "generated", "sync", "async", "floor-async"):
            for section in ("calls", "cpu"):
                values = data["samples"][section][workload][key]
                assert len(values) == repeats
                assert all(value > 0 for value in values)
    assert "SDK" in " ".join(data["notes"])  # says the SDK peers were left out


def test_the_bulk_row_runs_our_paced_clients(
    quick_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """--quick: 40 updates against 20 requests per second, so each client must hold back once.

    The 429s are the run's verdict, not asserted here: on a busy machine a cold first call can reach the
    fake later than its pacing slot said, so whether one draws a 429 depends on load. The bench reports it.
    """
    done, out = quick_run
    bulk = {
        row[0]: row
        for row in _rows(done.stdout, "| client | wall time | range | ideal | x ideal | 429s drawn |")
    }
    assert set(bulk) == {"sailpoint_sim sync, one after another", "sailpoint_sim async, concurrency 5"}
    for row in bulk.values():
        assert row[3] == "2.00 s"  # the ideal: 40 updates at 20 per second
        assert row[6] == "40 of 40"
    data: dict[str, Any] = json.loads((out / "results.json").read_text())
    for how, key in (("sequential", "sync"), ("concurrent", "async")):
        assert data["samples"]["bulk_failed"][how][key] == [0.0]
        # The 21st update cannot go within a second of the first, paced or refused and retried.
        assert data["samples"]["bulk"][how][key][0] > 0.9e9
    targets = {row[0] for row in _rows(done.stdout, "| target | measured | verdict |")}
    assert (
        "sailpoint_sim sync, one after another: 40 updates at 20/1 s ≤ 1.05x ideal (2.00 s), no 429"
        in targets
    )
    assert (
        "sailpoint_sim async, concurrency 5: 40 updates at 20/1 s ≤ 1.05x ideal (2.00 s), no 429" in targets
    )


def test_the_layers_profile_measures_every_layer_of_our_stack(capsys: pytest.CaptureFixture[str]) -> None:
    # Ours only (no SDK venv in the test run), tiny rounds, through the same child process `make bench
    # ARGS="--profile layers"` starts: every layer of our stack gets a positive figure.
    from scripts.bench import layers

    assert layers.main(sdk=False, rounds=2, calls=3) == 0
    printed = dict(
        line.strip().rsplit(None, 1) for line in capsys.readouterr().out.splitlines()[1:] if line.strip()
    )
    assert list(printed) == [
        "GET transport",
        "GET transport + json.loads",
        "GET transport + json.loads + typed model",
        "GET sailpoint_sim sync client.get",
        "GET httpx.Client.get + json.loads (the floor)",
        "PUT transport",
        "PUT transport + json dumps/loads",
        "PUT transport + json + typed model",
        "PUT sailpoint_sim sync client.update",
        "PUT httpx.Client.put + json (the floor)",
        "PUT client.update, a new integration each call",
        "new URL: httpx.URL(str)",
        "DELETE transport",
        "DELETE sailpoint_sim sync client.delete",
        "DELETE httpx.Client.delete (the floor)",
        "LIST 100 transport",
        "LIST 100 transport + json.loads",
        "LIST 100 transport + json.loads + typed models",
        "LIST 100 sailpoint_sim sync client.list",
        "LIST 100 httpx.Client.get + json.loads (the floor)",
    ]
    assert all(float(value) > 0 for value in printed.values())


@pytest.mark.parametrize(
    ("argv", "sdk", "instructions"),
    [
        (["--profile", "layers"], True, False),
        (["--profile", "layers", "--no-sdk"], False, False),
        (["--profile", "layers:instructions"], True, True),
        (["--profile", "layers:instructions", "--no-sdk"], False, True),
    ],
)
def test_the_layers_profile_includes_the_sdk_unless_told_not_to(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], sdk: bool, instructions: bool
) -> None:
    # `make bench ARGS="--profile layers"` once dropped the SDK's side silently (the flag never reached it).
    from scripts.bench import __main__ as bench
    from scripts.bench import layers

    asked: list[tuple[bool, bool]] = []

    def record(sdk: bool, instructions: bool) -> int:
        asked.append((sdk, instructions))
        return 0

    monkeypatch.setattr(layers, "main", record)
    with pytest.raises(SystemExit) as exited:
        bench.main(argv)
    assert exited.value.code == 0
    assert asked == [(sdk, instructions)]


def test_instruction_counts_grow_with_the_calls_counted_and_nothing_else(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `--profile layers:instructions` counts what runs inside functools.reduce under callgrind: twice the
    # calls, twice the count (imports, the connection and the warm-up are left out; were anything in
    # a call to toggle counting off, the counts would not scale). Ours only, one cheap layer.
    from scripts.bench import layers

    per_call: list[float] = []
    for calls in (4, 8):
        assert layers.main(sdk=False, calls=calls, instructions=True, only=["new URL: httpx.URL(str)"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].startswith(f"instructions per call or URL (callgrind, {calls} calls")
        name, value = lines[1].strip().rsplit(None, 1)
        assert name == "new URL: httpx.URL(str)"
        per_call.append(float(value))
    assert per_call[0] > 10  # thousands of instructions: a URL parse is not free
    assert abs(per_call[1] - per_call[0]) <= 0.05 * per_call[0]


def test_callgrind_totals_are_read_from_the_totals_line() -> None:
    from scripts.bench.layers import callgrind_total

    assert callgrind_total("events: Ir\nsummary: 99\ntotals: 1234567\n") == 1234567
    assert callgrind_total("events: Ir\n") == 0


def test_each_round_rotates_the_order_the_clients_run_in() -> None:
    from scripts.bench.config import Config
    from scripts.bench.envs import Client
    from scripts.bench.results import Results
    from scripts.bench.runner import Runner

    clients = [Client(key, key, Path(sys.executable)) for key in ("a", "b", "c")]
    runner = Runner(Config.quick(), clients, Results())
    orders = [[c.key for c in runner.round_order(r)] for r in range(4)]
    assert orders == [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"], ["a", "b", "c"]]


def test_list_layers_make_a_tenth_of_the_calls_and_at_least_one() -> None:
    from scripts.bench.layers import calls_for

    assert calls_for("LIST 100 transport", 200) == 20
    assert calls_for("LIST 100 transport", 3) == 1
    assert calls_for("GET transport", 200) == 200
