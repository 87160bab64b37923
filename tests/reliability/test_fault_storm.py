"""A fault storm: concurrent workers run whole lifecycles while random faults hit random operations.

Eight threads share one sync client and an asyncio loop runs eight tasks on one async client, all
against the fake service over loopback. Each worker repeats create -> get -> patch -> patch rule ->
update -> list -> delete, every write carrying a value unique to that call, while faults from the
matrix (429, 5xx, resets, truncated and HTML bodies, 418/520, ...) are injected for random operations.

Checked: every call ends in a result or one of our typed errors; no create and no patch the client made
once was applied twice (the fake's applied-write log, matched by the unique values); and after the
storm every worker's integration is either gone or readable. The number of lifecycles scales with the
Hypothesis profile: a short run in ``make test``, a long one in ``make soak``.
"""

from __future__ import annotations

import asyncio
import random
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import settings

from sailpoint_sim import (
    AsyncSimIntegrationsClient,
    RetryPolicy,
    SailPointError,
    SimIntegrationsClient,
)
from sailpoint_sim import patch as jp
from sailpoint_sim.testing import FakeServer, FakeSimService
from tests.support.profiles import active_settings

from .reliability_figures import OTHER

pytestmark = pytest.mark.soak

TOKEN = "storm-token"
WORKERS = 8
# ci profile (500 examples) -> 25 lifecycles per worker; soak (10 000) -> 500.
LIFECYCLES = max(4, active_settings().max_examples // 20)
OPERATIONS = [
    "createSIMIntegration",
    "getSIMIntegration",
    "patchSIMAttributes",
    "patchBeforeProvisioningRule",
    "putSIMIntegration",
    "getSIMIntegrations",
    "deleteSIMIntegration",
]
STORM_FAULTS: list[dict[str, Any]] = [
    {"status": 429, "retry_after": 0},
    {"status": 500, "when": "after"},
    {"status": 502, "when": "after"},
    {"status": 503},
    {"status": 504, "when": "after"},
    {"kind": "reset", "when": "after"},
    {"kind": "reset"},
    {"kind": "reset_mid_body", "when": "after"},
    {"kind": "close_mid_body", "when": "after"},
    {"kind": "truncated_json", "when": "after"},
    {"kind": "html", "status": 200, "when": "after"},
    {"kind": "html", "status": 502},
    {"kind": "empty", "when": "after"},
    {"kind": "wrong_content_type", "when": "after"},
    {"status": 418},
    {"status": 520},
]


class Tally:
    """Thread-safe outcome counts and the unique values each write carried."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.outcomes: Counter[str] = Counter()
        self.untyped: list[str] = []
        self.marks: list[str] = []  # unique values sent in creates and patches

    def mark(self) -> str:
        value = uuid.uuid4().hex
        with self.lock:
            self.marks.append(value)
        return value

    def run(self, call: Callable[[], Any]) -> Any:
        try:
            result = call()
        except SailPointError as exc:
            with self.lock:
                self.outcomes[type(exc).__name__] += 1
            return None
        except Exception as exc:
            with self.lock:
                self.untyped.append(repr(exc))
            return None
        with self.lock:
            self.outcomes["result"] += 1
        return result


def storm(fake: FakeSimService, rng: random.Random) -> None:
    """Add a few random faults for random operations (each fires once)."""
    for _ in range(rng.randint(0, 2)):
        fault = dict(rng.choice(STORM_FAULTS))
        fake.inject(**fault, operation=rng.choice(OPERATIONS), times=1)


def no_wait() -> RetryPolicy:
    async def nap(_: float) -> None:
        await asyncio.sleep(0)

    return RetryPolicy(max_attempts=3, sleep=lambda _: None, async_sleep=nap)


@pytest.fixture
def served() -> Iterator[tuple[FakeSimService, FakeServer]]:
    fake = FakeSimService()
    fake.add_token(TOKEN)
    with fake.serve(port=0) as server:
        yield fake, server


def sync_lifecycle(
    client: SimIntegrationsClient, tally: Tally, fake: FakeSimService, rng: random.Random
) -> None:
    storm(fake, rng)
    created = tally.run(lambda: client.create({"name": tally.mark(), "description": "storm"}))
    if created is None or created.id is None:
        return
    ident = created.id
    tally.run(lambda: client.get(ident))
    tally.run(lambda: client.patch(ident, [jp.add("/description", tally.mark())]))
    tally.run(lambda: client.patch_before_provisioning_rule(ident, [jp.add("/id", tally.mark())]))
    tally.run(lambda: client.update(ident, {"name": f"updated {ident}"}))
    tally.run(client.list)
    tally.run(lambda: client.delete(ident))


async def async_lifecycle(
    client: AsyncSimIntegrationsClient, tally: Tally, fake: FakeSimService, rng: random.Random
) -> None:
    async def run(call: Callable[[], Any]) -> Any:
        try:
            result = await call()
        except SailPointError as exc:
            tally.outcomes[type(exc).__name__] += 1
            return None
        except Exception as exc:
            tally.untyped.append(repr(exc))
            return None
        tally.outcomes["result"] += 1
        return result

    storm(fake, rng)
    created = await run(lambda: client.create({"name": tally.mark(), "description": "storm"}))
    if created is None or created.id is None:
        return
    ident = created.id
    await run(lambda: client.get(ident))
    await run(lambda: client.patch(ident, [jp.add("/description", tally.mark())]))
    await run(lambda: client.patch_before_provisioning_rule(ident, [jp.add("/id", tally.mark())]))
    await run(lambda: client.update(ident, {"name": f"updated {ident}"}))
    await run(client.list)
    await run(lambda: client.delete(ident))


def applied_per_mark(fake: FakeSimService) -> Counter[str]:
    """How many applied writes carried each unique value (creates by name, patches by value)."""
    counts: Counter[str] = Counter()
    for write in fake.writes:
        body = write.body
        if write.operation == "createSIMIntegration" and isinstance(body, dict):
            counts[str(body.get("name"))] += 1
        elif write.operation in ("patchSIMAttributes", "patchBeforeProvisioningRule"):
            operations = body.get("operations", []) if isinstance(body, dict) else body
            for op in operations:
                counts[str(op.get("value"))] += 1
    return counts


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_fault_storm(kind: str, served: tuple[FakeSimService, FakeServer]) -> None:
    fake, server = served
    tally = Tally()
    seed = 20_26 if settings.get_current_profile_name() == "ci" else None
    if kind == "sync":
        with SimIntegrationsClient(server.url, access_token=TOKEN, retry=no_wait()) as client:

            def worker(n: int) -> None:
                rng = random.Random(None if seed is None else seed + n)
                for _ in range(LIFECYCLES):
                    sync_lifecycle(client, tally, fake, rng)

            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                list(pool.map(worker, range(WORKERS)))
    else:

        async def main() -> None:
            async with AsyncSimIntegrationsClient(server.url, access_token=TOKEN, retry=no_wait()) as client:

                async def worker(n: int) -> None:
                    rng = random.Random(None if seed is None else seed + n)
                    for _ in range(LIFECYCLES):
                        await async_lifecycle(client, tally, fake, rng)

                await asyncio.gather(*(worker(n) for n in range(WORKERS)))

        asyncio.run(main())

    calls = sum(tally.outcomes.values()) + len(tally.untyped)
    fired = sum(f.fired for f in fake.faults)
    duplicates = sum(1 for n in applied_per_mark(fake).values() if n > 1)
    marks = set(tally.marks)
    assert set(applied_per_mark(fake)) <= marks | {"None"}
    OTHER[f"storm {kind}"] = (
        f"fault storm ({kind}, {WORKERS} {'threads' if kind == 'sync' else 'tasks'}): {calls} calls, "
        f"{fired} faults fired, {len(tally.untyped)} untyped errors, {duplicates} duplicate writes; "
        + ", ".join(f"{name} {n}" for name, n in tally.outcomes.most_common())
    )
    assert tally.untyped == [], tally.untyped[:5]
    assert duplicates == 0
    assert fired > 0 and tally.outcomes["result"] > 0
