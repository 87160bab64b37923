"""scripts/bench/report.py: statistics and target verdicts computed from given figures (no timing)."""

from __future__ import annotations

from typing import Any

import pytest

from scripts.bench import report

US = 1_000.0
MS = 1_000_000.0


def _data() -> dict[str, Any]:
    """A results.json with a floor and our two clients, every target comfortably met."""
    calls: dict[str, dict[str, list[float]]] = {}
    for workload, floor in (("list 100", 2 * MS), ("list 1000", 20 * MS)):
        calls[workload] = {"floor": [floor] * 3, "sync": [floor * 1.1] * 3, "async": [floor * 1.2] * 3}
    for op in report.SINGLE_CALLS:
        calls[op] = {"floor": [300 * US] * 3, "sync": [330 * US] * 3, "async": [350 * US] * 3}
    data: dict[str, Any] = {
        "meta": {
            "date": "2026-01-01 00:00 UTC",
            "machine": "test",
            "versions": {"python": "3", "httpx": "0", "attrs": "0", "sailpoint-sim": "0"},
            "config": {
                "repeats": 3,
                "import_repeats": 3,
                "list_sizes": [100, 1000],
                "iterations": 1,
                "list_iterations": [1, 1],
                "warmup": 0,
                "construct_iterations": 1,
                "concurrency_requests": 200,
                "concurrency": 20,
                "latency": 0.02,
            },
        },
        "clients": {
            "floor": "raw httpx (floor)",
            "sync": "sailpoint_sim sync",
            "async": "sailpoint_sim async",
        },
        "samples": {
            "calls": calls,
            "import": {
                "import httpx": {
                    "time": [100 * MS] * 3,
                    "rss": [30.0 * report.MIB] * 3,
                    "rss_delta": [0.0] * 3,
                },
                "import sailpoint_sim": {
                    "time": [120 * MS] * 3,
                    "rss": [32.0 * report.MIB] * 3,
                    "rss_delta": [0.0] * 3,
                },
            },
            "concurrency": {"async": {"async": [250 * MS] * 3}},
        },
        "imports": [],
        "notes": [],
    }
    return data


def _verdicts(data: dict[str, Any]) -> dict[str, tuple[str, bool | None]]:
    summary = report.summarize(data)
    return {name: (measured, met) for name, measured, met in report.targets(data, summary)}


def test_stats_are_median_and_range_over_processes() -> None:
    assert report.stats([3.0, 1.0, 2.0, 10.0]) == {"median": 2.5, "min": 1.0, "max": 10.0, "n": 4}


def test_all_targets_met_when_within_limits() -> None:
    verdicts = _verdicts(_data())
    assert verdicts["sailpoint_sim sync: list 1000 ≤ 1.5x floor"] == ("1.10x", True)
    assert verdicts["sailpoint_sim sync: get ≤ floor + 60 µs"] == ("+30 µs", True)
    assert verdicts["import sailpoint_sim ≤ 1.3x import httpx"][1] is True
    assert verdicts["memory after import sailpoint_sim ≤ import httpx + 5 MiB"] == ("+2.0 MiB", True)
    # 200 gets / 20 at a time x 20 ms = 200 ms ideal; 250 ms is 1.25x.
    name = next(n for n in verdicts if n.startswith("async: 200 gets at concurrency 20"))
    assert verdicts[name][1] is True and verdicts[name][0].startswith("1.25x")
    assert all(met for _, met in verdicts.values())


@pytest.mark.parametrize(
    ("workload", "client", "values", "target"),
    [
        ("list 1000", "sync", [31 * MS] * 3, "sailpoint_sim sync: list 1000 ≤ 1.5x floor"),
        ("list 100", "async", [2.7 * MS] * 3, "sailpoint_sim async: list 100 ≤ 1.3x floor"),
        ("delete", "sync", [361 * US] * 3, "sailpoint_sim sync: delete ≤ floor + 60 µs"),
    ],
)
def test_a_figure_past_its_limit_is_missed(
    workload: str, client: str, values: list[float], target: str
) -> None:
    verdicts = _verdicts(_with(workload, client, values))
    assert verdicts[target][1] is False


def _with(workload: str, client: str, values: list[float]) -> dict[str, Any]:
    data = _data()
    data["samples"]["calls"][workload][client] = values
    return data


def test_median_not_mean_decides() -> None:
    # One slow outlier process does not move the median.
    verdicts = _verdicts(_with("get", "sync", [320 * US, 330 * US, 50 * MS]))
    assert verdicts["sailpoint_sim sync: get ≤ floor + 60 µs"] == ("+30 µs", True)


def test_sdk_comparison_names_the_rows_where_we_are_behind() -> None:
    data = _data()
    data["clients"]["sdk-v2"] = "SDK 2 (flat imports)"
    for by_client in data["samples"]["calls"].values():
        by_client["sdk-v2"] = [by_client["floor"][0] * 3] * 3
    data["samples"]["calls"]["get"]["sdk-v2"] = [310 * US] * 3  # faster than our 330 µs sync get
    verdicts = _verdicts(data)
    measured, met = verdicts[
        "sailpoint_sim sync: every call and list ahead of SailPoint's SDK 2.1.72 (the faster of its two imports)"
    ]
    assert met is False
    assert measured == "ahead on 7 of 8 rows (behind: get)"
    measured, met = verdicts[
        "sailpoint_sim async: every call and list ahead of SailPoint's SDK 2.1.72 (the faster of its two imports)"
    ]
    assert measured == "ahead on 7 of 8 rows (behind: get)"
    data["samples"]["calls"]["get"]["sdk-v2"] = [340 * US] * 3  # now slower than our sync get only
    verdicts = _verdicts(data)
    assert (
        verdicts[
            "sailpoint_sim sync: every call and list ahead of SailPoint's SDK 2.1.72 (the faster of its two imports)"
        ][1]
        is True
    )
    assert (
        verdicts[
            "sailpoint_sim async: every call and list ahead of SailPoint's SDK 2.1.72 (the faster of its two imports)"
        ][1]
        is False
    )


def test_only_the_current_sdk_is_the_bar() -> None:
    # Issue 14 names SDK 2.1.72 (the faster of its two imports); 1.4.2 stays in the tables only.
    data = _data()
    data["clients"]["sdk-v2-partition"] = "SDK 2 (package)"
    data["clients"]["sdk-v1"] = "SDK 1"
    for by_client in data["samples"]["calls"].values():
        by_client["sdk-v2-partition"] = [by_client["floor"][0] * 3] * 3
        by_client["sdk-v1"] = [by_client["floor"][0] * 3] * 3
    data["samples"]["calls"]["delete"]["sdk-v1"] = [1 * US] * 3  # faster than anything: not counted
    # Construction, a one-off with its own table, is not one of the rows either.
    data["samples"]["construct"] = {
        "construct a client": {
            "floor": [9 * MS] * 3,
            "sync": [200 * US] * 3,
            "sdk-v2-partition": [30 * US] * 3,
        }
    }
    verdict = "sailpoint_sim sync: every call and list ahead of SailPoint's SDK 2.1.72 (the faster of its two imports)"
    assert _verdicts(data)[verdict] == ("ahead on 8 of 8 rows", True)
    data["samples"]["calls"]["delete"]["sdk-v2-partition"] = [1 * US] * 3  # the package import counts
    assert _verdicts(data)[verdict] == ("ahead on 7 of 8 rows (behind: delete)", False)


def test_client_cpu_is_reported_next_to_wall_time() -> None:
    data = _data()
    data["samples"]["cpu"] = {
        "get": {"floor": [100 * US] * 3, "sync": [140 * US] * 3},
        "list 1000": {"floor": [8 * MS] * 3, "sync": [16 * MS] * 3},
    }
    verdicts = _verdicts(data)
    assert verdicts["sailpoint_sim sync: get ≤ floor + 60 µs"] == ("+30 µs; client CPU +40 µs", True)
    assert verdicts["sailpoint_sim sync: list 1000 ≤ 1.5x floor"] == ("1.10x (client CPU 2.00x)", True)
    text = report.render(data)
    assert (
        "| get | sailpoint_sim sync | 330 µs | 330 µs - 330 µs | 1.10x | +30 µs | 140 µs | +40 µs |" in text
    )


def test_render_has_every_section_and_ratio_column() -> None:
    text = report.render(_data(), chart="chart.png")
    assert (
        "| workload | client | median | range | x floor | over floor | client CPU | CPU over floor |" in text
    )
    assert (
        "| list 1000 | sailpoint_sim sync | 22.0 ms | 22.0 ms - 22.0 ms | 1.10x | +2000 µs | — | — |" in text
    )
    assert "![benchmark chart](chart.png)" in text
    assert "## Concurrency: 200 gets, 20 ms server latency" in text


@pytest.mark.parametrize(
    ("ns", "text"),
    [
        (1_500.0, "1.5 µs"),
        (250_000.0, "250 µs"),
        (2_500_000.0, "2.50 ms"),
        (25_000_000.0, "25.0 ms"),
        (4.2e9, "4.20 s"),
    ],
)
def test_time_formatting(ns: float, text: str) -> None:
    assert report.fmt_time(ns) == text


def test_import_rows_say_where_ours_were_measured() -> None:
    data = _data()
    data["imports"] = [
        {"key": "floor", "label": "import httpx", "statement": "import httpx"},
        {"key": "sync", "label": "import sailpoint_sim", "statement": "import sailpoint_sim"},
    ]
    data["meta"]["imports_env"] = "runtime"
    text = report.render(data)
    assert "only the runtime dependencies" in text
    assert "| `import sailpoint_sim` | 120.0 ms | 120.0 ms - 120.0 ms | 1.20x | 32.0 MiB | +2.0 MiB |" in text
    data["meta"]["imports_env"] = "project"
    assert "loads its command-line module" in report.render(data)


# --- the bulk row (issue 11): N updates against a rate-limited fake ------------------------------------


def _bulk_data(sync_wall: float, async_429: list[float], failed: float = 0.0) -> dict[str, Any]:
    """300 updates at 100 per 1 s (ideal 3 s); the SDK draws 429s and loses updates."""
    data = _data()
    data["meta"]["config"] |= {
        "bulk_updates": 300,
        "bulk_limit": [100, 1.0],
        "bulk_concurrency": 20,
        "bulk_repeats": 3,
    }
    data["clients"]["sdk-v2"] = "SDK 2 (flat imports)"
    s = 1e9
    data["samples"] |= {
        "bulk": {
            "sequential": {"sync": [sync_wall] * 3, "sdk-v2": [0.4 * s] * 3},
            "concurrent": {"async": [3.01 * s] * 3},
        },
        "bulk_429": {
            "sequential": {"sync": [0.0] * 3, "sdk-v2": [200.0, 210.0, 205.0]},
            "concurrent": {"async": async_429},
        },
        "bulk_ok": {
            "sequential": {"sync": [300.0 - failed] * 3, "sdk-v2": [100.0] * 3},
            "concurrent": {"async": [300.0] * 3},
        },
        "bulk_cpu": {"sequential": {"sync": [1.2 * s] * 3}},
        "bulk_failed": {
            "sequential": {"sync": [failed] * 3, "sdk-v2": [200.0] * 3},
            "concurrent": {"async": [0.0] * 3},
        },
    }
    return data


SYNC_BULK = "sailpoint_sim sync, one after another: 300 updates at 100/1 s ≤ 1.05x ideal (3.00 s), no 429"
ASYNC_BULK = "sailpoint_sim async, concurrency 20: 300 updates at 100/1 s ≤ 1.05x ideal (3.00 s), no 429"


def test_bulk_targets_met_within_the_ratio_and_without_429s() -> None:
    verdicts = _verdicts(_bulk_data(3.05e9, [0.0] * 3))
    assert verdicts[SYNC_BULK] == ("1.02x (3.05 s); 429s: 0", True)
    assert verdicts[ASYNC_BULK] == ("1.00x (3.01 s); 429s: 0", True)
    # SailPoint's SDK has a row in the table, not a target of ours.
    assert not any(name.startswith("SDK 2") for name in verdicts)


@pytest.mark.parametrize(
    ("sync_wall", "async_429", "failed", "missed"),
    [
        (3.2e9, [0.0] * 3, 0.0, SYNC_BULK),  # 1.07x: too slow
        (3.0e9, [0.0, 0.0, 1.0], 0.0, ASYNC_BULK),  # one 429 in one run is one too many
        (3.0e9, [0.0] * 3, 2.0, SYNC_BULK),  # an update given up on
    ],
)
def test_bulk_target_missed(sync_wall: float, async_429: list[float], failed: float, missed: str) -> None:
    verdicts = _verdicts(_bulk_data(sync_wall, async_429, failed))
    assert verdicts[missed][1] is False
    assert all(
        met for name, (_, met) in verdicts.items() if name.startswith("sailpoint_sim") and name != missed
    )


def test_bulk_section_shows_every_client_against_the_ideal() -> None:
    text = report.render(_bulk_data(3.05e9, [0.0, 0.0, 1.0]))
    assert "## Bulk: 300 updates, 100 requests per 1 s per token" in text
    lines = text[text.index("| client | wall time | range | ideal | x ideal | 429s drawn |") :].splitlines()
    assert lines[:5] == [
        "| client | wall time | range | ideal | x ideal | 429s drawn | updates done | client CPU |",
        "|---|---|---|---|---|---|---|---|",
        # In the order of the columns, whatever order the phases recorded them in.
        "| sailpoint_sim sync, one after another | 3.05 s | 3.05 s - 3.05 s | 3.00 s | 1.02x | 0 | 300 of 300 "
        "| 1.20 s |",
        "| sailpoint_sim async, concurrency 20 | 3.01 s | 3.01 s - 3.01 s | 3.00 s | 1.00x | 0 (0 - 1) "
        "| 300 of 300 | — |",
        "| SDK 2 (flat imports), one after another | 400.0 ms | 400.0 ms - 400.0 ms | 3.00 s | 0.13x "
        "| 205 (200 - 210) | 100 of 300 | — |",
    ]


def test_a_run_without_the_bulk_row_renders_without_it() -> None:
    text = report.render(_data())
    assert "## Bulk" not in text
    assert not any("updates at" in name for name in _verdicts(_data()))
