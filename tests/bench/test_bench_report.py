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
        calls[op] = {
            "floor": [300 * US] * 3,
            "sync": [330 * US] * 3,
            "async": [350 * US] * 3,
            "floor-async": [320 * US] * 3,
        }
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


def test_each_client_is_held_to_its_own_floor() -> None:
    # The async client against raw httpx async (issue 14: "within its own floor's overhead"), whatever
    # the sync floor: 400 µs is 100 µs over the sync floor and 40 µs over an async floor of 360 µs.
    data = _with("get", "async", [400 * US] * 3)
    data["samples"]["calls"]["get"]["floor-async"] = [360 * US] * 3
    target = "sailpoint_sim async: get ≤ raw httpx async + 60 µs"
    assert _verdicts(data)[target] == ("+40 µs; 1.33x the sync floor", True)
    data["samples"]["calls"]["get"]["floor-async"] = [330 * US] * 3
    assert _verdicts(data)[target] == ("+70 µs; 1.33x the sync floor", False)
    assert "sailpoint_sim async: get ≤ floor + 60 µs" not in _verdicts(data)


def test_median_not_mean_decides() -> None:
    # One slow outlier process does not move the median.
    verdicts = _verdicts(_with("get", "sync", [320 * US, 330 * US, 50 * MS]))
    assert verdicts["sailpoint_sim sync: get ≤ floor + 60 µs"] == ("+30 µs", True)


SDK_VERDICT = "every call and list ahead of SailPoint's SDK 2.1.72 (the faster of its two imports)"
ROUNDS = 11


def _with_sdk(*keys: str, factor: float = 3.0) -> dict[str, Any]:
    """_data() over ROUNDS rounds, plus SDK columns ``factor`` times the floor (far behind ours)."""
    data = _data()
    data["meta"]["config"]["repeats"] = ROUNDS
    for key in keys:
        data["clients"][key] = key
    for by_client in data["samples"]["calls"].values():
        for client in list(by_client):
            by_client[client] = [by_client[client][0]] * ROUNDS
        for key in keys:
            by_client[key] = [by_client["floor"][0] * factor] * ROUNDS
    return data


def _rounds(
    ours_faster: int, ours: float, theirs: float, step: float = 1 * US
) -> tuple[list[float], list[float]]:
    """Two columns of ROUNDS processes: ours faster in the first ``ours_faster`` rounds only. The rounds
    ours loses lose by ``step``; the medians are ``ours`` and ``theirs`` either way."""
    mine = [ours] * ROUNDS
    sdk = [theirs if i < ours_faster else ours - step for i in range(ROUNDS)]
    return mine, sdk


@pytest.mark.parametrize(
    ("pairs", "needed"), [(0, None), (1, None), (4, None), (5, 5), (6, 6), (10, 9), (11, 9), (20, 15)]
)
def test_a_lead_counts_only_when_a_coin_would_rarely_give_it(pairs: int, needed: int | None) -> None:
    # P(at least 9 heads in 11 tosses) = 67/2048 = 3.3%; at least 8: 232/2048 = 11%.
    assert report.decisive_wins(pairs) == needed


def test_sign_test_pairs_processes_round_by_round() -> None:
    # Same medians (ours 300 µs against 310 µs), different verdicts: the pairs decide.
    ahead = ([300 * US] * 11, [310 * US] * 11)
    assert report.sign_test(*ahead) == ("ahead", 11, 11)
    level = _rounds(8, 300 * US, 310 * US)
    assert report.sign_test(*level) == ("level", 8, 11)
    behind = _rounds(2, 300 * US, 310 * US)
    assert report.sign_test(*behind) == ("behind", 2, 11)
    # A figure missing at the end (an SDK process that failed) leaves the rounds both ran.
    assert report.sign_test([300 * US] * 11, [310 * US] * 4) == ("level", 4, 4)
    assert report.sign_test([300 * US] * 11, [310 * US] * 5) == ("ahead", 5, 5)


def test_sdk_comparison_names_the_rows_where_we_are_behind_or_level() -> None:
    data = _with_sdk("sdk-v2")
    calls = data["samples"]["calls"]
    calls["get"]["sync"], calls["get"]["sdk-v2"] = _rounds(1, 330 * US, 340 * US)  # SDK won 10 of 11
    calls["delete"]["sync"], calls["delete"]["sdk-v2"] = _rounds(7, 330 * US, 340 * US)  # ours 7 of 11
    verdicts = _verdicts(data)
    measured, met = verdicts[f"sailpoint_sim sync: {SDK_VERDICT}"]
    assert met is False
    assert measured == "ahead on 6 of 8 rows; level within noise on 1 (delete); behind on 1 (get)"
    # The bar is the sync client's (the SDK is sync only): the async client's rows are shown in the
    # process-by-process table, without a verdict of their own, though its 350 µs lose every round of get here.
    assert not any(name.startswith("sailpoint_sim async") and "SDK" in name for name in verdicts)
    assert (
        "| sailpoint_sim async | get | 350 µs | sdk-v2 | 329 µs | 1.06x | 0 of 11 | behind |"
        in report.render(data)
    )
    calls["delete"]["sync"], calls["delete"]["sdk-v2"] = _rounds(9, 330 * US, 340 * US)
    calls["get"]["sync"], calls["get"]["sdk-v2"] = _rounds(11, 330 * US, 340 * US)
    assert _verdicts(data)[f"sailpoint_sim sync: {SDK_VERDICT}"] == ("ahead on 8 of 8 rows", True)


def test_sdk_comparison_table_shows_each_row_with_its_pairs() -> None:
    data = _with_sdk("sdk-v2", "sdk-v2-partition")
    calls = data["samples"]["calls"]
    calls["get"]["sync"], calls["get"]["sdk-v2-partition"] = _rounds(7, 330 * US, 340 * US)
    text = report.render(data)
    assert "## Against SailPoint's SDK 2.1.72, process by process" in text
    assert "at least 9 of the pairs" in text
    # The row compares with the import style that was faster on it, by median.
    assert (
        "| sailpoint_sim sync | get | 330 µs | sdk-v2-partition | 340 µs | 0.97x | 7 of 11 | level |" in text
    )
    assert "| sailpoint_sim sync | create | 330 µs | sdk-v2 | 900 µs | 0.37x | 11 of 11 | ahead |" in text


def test_too_few_rounds_call_every_row_level() -> None:
    data = _data()  # three rounds
    data["clients"]["sdk-v2"] = "sdk-v2"
    for by_client in data["samples"]["calls"].values():
        by_client["sdk-v2"] = [by_client["floor"][0] * 3] * 3
    measured, met = _verdicts(data)[f"sailpoint_sim sync: {SDK_VERDICT}"]
    assert met is False and measured.startswith("ahead on 0 of 8 rows; level within noise on 8")
    assert "too few processes for any lead to be more than chance" in report.render(data)


def test_only_the_current_sdk_is_the_bar() -> None:
    # Issue 14 names SDK 2.1.72 (the faster of its two imports); 1.4.2 stays in the tables only.
    data = _with_sdk("sdk-v2-partition", "sdk-v1")
    data["samples"]["calls"]["delete"]["sdk-v1"] = [1 * US] * ROUNDS  # faster than anything: not counted
    # Construction, a one-off with its own table, is not one of the rows either.
    data["samples"]["construct"] = {
        "construct a client": {
            "floor": [9 * MS] * ROUNDS,
            "sync": [200 * US] * ROUNDS,
            "sdk-v2-partition": [30 * US] * ROUNDS,
        }
    }
    verdict = f"sailpoint_sim sync: {SDK_VERDICT}"
    assert _verdicts(data)[verdict] == ("ahead on 8 of 8 rows", True)
    data["samples"]["calls"]["delete"]["sdk-v2-partition"] = [1 * US] * ROUNDS  # the package import counts
    assert _verdicts(data)[verdict] == ("ahead on 7 of 8 rows; behind on 1 (delete)", False)


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
