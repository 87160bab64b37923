"""Draws the benchmark chart: ``python -m scripts.bench.chart results.json chart.png``.

Run by the benchmark's runner with the interpreter of its plotting venv (.tools/bench-venvs/plot), which
has matplotlib from requirements-bench.txt: matplotlib is a benchmark-only dependency.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # after choosing the backend

from . import report


def draw(data: dict[str, Any], target: Path) -> None:
    """Three panels: per-call cost as a multiple of the floor, import time, concurrency wall time."""
    summary = report.summarize(data)
    labels: dict[str, str] = data["clients"]
    bulk = report.bulk_rows(data, summary)
    heights = [3, 2, 1.4] + ([1.2] if bulk else [])
    fig = plt.figure(figsize=(15, 12 + (2 if bulk else 0)))
    grid = fig.add_gridspec(len(heights), 2, height_ratios=heights, width_ratios=[2.2, 1])
    calls_ax = fig.add_subplot(grid[0, :])
    import_ax = fig.add_subplot(grid[1, 0])
    construct_ax = fig.add_subplot(grid[1, 1])
    conc_ax = fig.add_subplot(grid[2, :])

    workloads = report.workloads_in_order(data)
    clients = [key for key in labels if key != "floor"]
    width = 0.8 / max(len(clients), 1)
    for n, key in enumerate(clients):
        ratios: list[float] = []
        for workload in workloads:
            floor = summary.get("calls", {}).get(workload, {}).get("floor")
            value = summary.get("calls", {}).get(workload, {}).get(key)
            ratios.append(value["median"] / floor["median"] if value and floor else float("nan"))
        xs = [i + (n - (len(clients) - 1) / 2) * width for i in range(len(workloads))]
        calls_ax.bar(xs, ratios, width, label=labels[key])
    calls_ax.axhline(1.0, color="black", linewidth=1, label="raw httpx (floor) = 1")
    calls_ax.set_yscale("log")
    calls_ax.set_xticks(range(len(workloads)))
    calls_ax.set_xticklabels(
        [w.replace(" beforeProvisioningRule", "\nbeforeProvisioningRule") for w in workloads]
    )
    calls_ax.set_ylabel("median time / floor (log scale)")
    calls_ax.set_title("Per-call cost as a multiple of raw httpx + json.loads (lower is better)")
    calls_ax.legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    calls_ax.grid(axis="y", which="both", alpha=0.3)

    imports = summary.get("import", {})
    names = [entry["label"] for entry in data["imports"] if entry["label"] in imports]
    times = [imports[name]["time"]["median"] / 1e6 for name in names]
    bars = import_ax.barh(range(len(names)), times, color="tab:gray")
    for bar, name in zip(bars, names, strict=True):
        rss = imports[name]["rss"]["median"] / report.MIB
        import_ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {rss:.0f} MiB", va="center")
    import_ax.set_yticks(range(len(names)))
    import_ax.set_yticklabels(names, fontsize=8)
    import_ax.invert_yaxis()
    import_ax.set_xscale("log")
    if times:
        import_ax.set_xlim(left=min(times) / 2)  # log-scale bars need a left edge below the shortest
    import_ax.set_xlabel("import time, ms (log scale); label: RSS after import")
    import_ax.set_title("Import in a fresh interpreter")

    built = summary.get("construct", {}).get("construct a client", {})
    keys = [key for key in labels if key in built]
    construct_ax.barh(range(len(keys)), [built[key]["median"] / 1e3 for key in keys], color="tab:olive")
    construct_ax.set_yticks(range(len(keys)))
    construct_ax.set_yticklabels([labels[key] for key in keys], fontsize=8)
    construct_ax.invert_yaxis()
    construct_ax.set_xscale("log")
    construct_ax.set_xlabel("µs (log scale)")
    construct_ax.set_title("Construct a ready client")

    cfg = data["meta"]["config"]
    conc = summary.get("concurrency", {})
    rows: list[tuple[str, float, float]] = []
    for mode in ("async", "sequential"):
        ideal = report.ideal_ns(cfg, concurrent=mode == "async") / 1e6
        for key, s in conc.get(mode, {}).items():
            how = f"concurrency {cfg['concurrency']}" if mode == "async" else "sequential"
            rows.append((f"{labels.get(key, key)}, {how}", s["median"] / 1e6, ideal))
    conc_ax.barh(range(len(rows)), [r[1] for r in rows], color="tab:blue", label="measured")
    conc_ax.scatter([r[2] for r in rows], range(len(rows)), color="black", marker="|", s=300, label="ideal")
    conc_ax.set_yticks(range(len(rows)))
    conc_ax.set_yticklabels([r[0] for r in rows], fontsize=8)
    conc_ax.invert_yaxis()
    conc_ax.set_xscale("log")
    conc_ax.set_xlabel("wall time, ms (log scale)")
    conc_ax.set_title(f"{cfg['concurrency_requests']} gets with {cfg['latency'] * 1e3:.0f} ms server latency")
    conc_ax.legend(fontsize=8)

    if bulk:
        _bulk_panel(fig.add_subplot(grid[3, :]), data, summary)

    fig.suptitle(f"sailpoint_sim benchmark, {data['meta']['date']}, {data['meta']['machine']}")
    fig.tight_layout()
    fig.savefig(target, dpi=110)


def _bulk_panel(ax: Any, data: dict[str, Any], summary: dict[str, Any]) -> None:
    """Bulk wall time per client against the ideal, each bar labelled with the 429s it drew."""
    cfg = data["meta"]["config"]
    ideal = report.bulk_ideal_ns(cfg) / 1e9
    rows = report.bulk_rows(data, summary)
    bars = ax.barh(
        range(len(rows)), [s["median"] / 1e9 for _, _, s in rows], color="tab:green", label="measured"
    )
    for bar, (how, key, _) in zip(bars, rows, strict=True):
        limited = summary.get("bulk_429", {}).get(how, {}).get(key)
        drawn = "?" if limited is None else f"{limited['median']:.0f}"
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" 429s: {drawn}", va="center")
    ax.axvline(ideal, color="black", linewidth=1, label=f"ideal {ideal:g} s")
    longest = max([ideal, *(s["median"] / 1e9 for _, _, s in rows)])
    ax.set_xlim(0, longest * 1.15)  # room for the 429 labels right of the longest bar
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([report.bulk_label(data, how, key) for how, key, _ in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("wall time, s")
    ax.set_title(f"Bulk: {report.bulk_title(cfg)}")
    ax.legend(fontsize=8)


def main(argv: list[str]) -> int:
    """Entry point: results.json in, PNG out."""
    if len(argv) != 3:
        print("usage: python -m scripts.bench.chart RESULTS_JSON CHART_PNG", file=sys.stderr)
        return 2
    draw(json.loads(Path(argv[1]).read_text()), Path(argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
