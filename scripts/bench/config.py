"""What one benchmark run measures: sizes, repeat counts, SailPoint's SDK pins and the request bodies."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
"""The project checkout (workers run with it as their working directory)."""
RESULTS_DIR = ROOT / "bench-results"

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


@dataclass
class Config:
    """Sizes and repeat counts of one run."""

    # Processes per figure (rounds). Eleven, because one process on this VM can run 40% slower than the
    # next: fewer put the medians within that noise, and issue 14's sign test against the SDK needs at
    # least 9 of 11 rounds won to call a row ahead (report.decisive_wins).
    repeats: int = 11
    import_repeats: int = 7
    list_sizes: tuple[int, int] = (100, 1000)
    warmup: int = 10
    iterations: int = 200
    list_iterations: tuple[int, int] = (100, 30)
    construct_iterations: int = 20
    concurrency_requests: int = 200
    concurrency: int = 20
    latency: float = 0.020
    # The bulk row: `bulk_updates` PUTs against a fake that allows `bulk_limit` = (requests, per seconds)
    # per token, scaled down from SailPoint's 100 per 10 s so a run takes seconds, not minutes.
    bulk_updates: int = 300
    bulk_limit: tuple[int, float] = (100, 1.0)
    bulk_concurrency: int = 20
    bulk_repeats: int = 3
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
            # Two windows' worth: pacing must hold back once (about 1 s per client). A window of a whole
            # second, as in the full run, leaves the client's safety margin (2% of it) above the
            # scheduling delays of a busy machine.
            bulk_updates=40,
            bulk_limit=(20, 1.0),
            bulk_concurrency=5,
            bulk_repeats=1,
            worker_timeout=120.0,
        )

    def to_json(self) -> dict[str, Any]:
        """The figures RESULTS.md quotes (results.json's ``meta.config``)."""
        return {
            "repeats": self.repeats,
            "import_repeats": self.import_repeats,
            "list_sizes": list(self.list_sizes),
            "iterations": self.iterations,
            "list_iterations": list(self.list_iterations),
            "warmup": self.warmup,
            "construct_iterations": self.construct_iterations,
            "concurrency_requests": self.concurrency_requests,
            "concurrency": self.concurrency,
            "latency": self.latency,
            "bulk_updates": self.bulk_updates,
            "bulk_limit": list(self.bulk_limit),
            "bulk_concurrency": self.bulk_concurrency,
            "bulk_repeats": self.bulk_repeats,
        }
