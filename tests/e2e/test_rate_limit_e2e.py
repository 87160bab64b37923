"""Pacing against the fake SIM service enforcing a rate limit per token, over a real loopback socket.

The fake counts what a tenant would: requests per access token in any window of ``per`` seconds, a 429
with ``Retry-After`` beyond it, and how many it refused (``stats()["rate_limited"]``). A small limit
keeps the runs short; real time passes (a few seconds), but only orders of events are asserted, plus a
lower bound on the elapsed time that pacing implies.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from sailpoint_sim import (
    AsyncSimIntegrationsClient,
    RateLimit,
    RateLimitError,
    RetryPolicy,
    SimIntegrationsClient,
)
from sailpoint_sim.testing import FakeServer, FakeSimService

from .conftest import CLIENT_ID, CLIENT_SECRET

LIMIT = RateLimit(5, 1.0)
CALLS = 15  # three windows' worth
WORKERS = 10


@pytest.fixture
def limited() -> Iterator[tuple[FakeSimService, FakeServer]]:
    fake = FakeSimService(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, rate_limit=LIMIT)
    fake.seed(1)
    with fake.serve() as server:
        yield fake, server


def sync_client(server: FakeServer, **kwargs: Any) -> SimIntegrationsClient:
    return SimIntegrationsClient(server.url, CLIENT_ID, CLIENT_SECRET, **kwargs)


def async_client(server: FakeServer, **kwargs: Any) -> AsyncSimIntegrationsClient:
    return AsyncSimIntegrationsClient(server.url, CLIENT_ID, CLIENT_SECRET, **kwargs)


def threaded_burst(client: SimIntegrationsClient, calls: int) -> list[Any]:
    barrier = threading.Barrier(WORKERS)

    def work(n: int) -> Any:
        if n < WORKERS:
            barrier.wait()
        try:
            return client.list()
        except RateLimitError as error:
            return error

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(work, range(calls)))


def test_unpaced_burst_draws_429s(limited: tuple[FakeSimService, FakeServer]) -> None:
    # The control: without pacing, the same burst runs into the fake's limit.
    fake, server = limited
    with sync_client(server, rate_limit=None, retry=RetryPolicy(max_attempts=1)) as client:
        outcomes = threaded_burst(client, CALLS)
    assert fake.stats()["rate_limited"] > 0
    assert any(isinstance(o, RateLimitError) for o in outcomes)


def test_threads_wait_their_turn_and_draw_no_429(limited: tuple[FakeSimService, FakeServer]) -> None:
    fake, server = limited
    with sync_client(server, rate_limit=LIMIT) as client:
        started = time.monotonic()
        outcomes = threaded_burst(client, CALLS)
        elapsed = time.monotonic() - started
    assert [type(o) for o in outcomes] == [list] * CALLS
    assert fake.stats()["rate_limited"] == 0
    # Fifteen calls at five a second: the last five cannot start before two windows have passed.
    assert elapsed >= 2 * LIMIT.per


def test_tasks_wait_their_turn_and_draw_no_429(limited: tuple[FakeSimService, FakeServer]) -> None:
    fake, server = limited

    async def burst() -> tuple[list[Any], float]:
        async with async_client(server, rate_limit=LIMIT) as client:
            started = time.monotonic()
            results = await asyncio.gather(*(client.list() for _ in range(CALLS)), return_exceptions=True)
            return results, time.monotonic() - started

    outcomes, elapsed = asyncio.run(burst())
    assert [type(o) for o in outcomes] == [list] * CALLS
    assert fake.stats()["rate_limited"] == 0
    assert elapsed >= 2 * LIMIT.per


class FirstRetryOn429(logging.Handler):
    """Sets an event when the client logs that a call is retried after a 429 (its hold is set by then)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if "429" in record.getMessage():
            self.seen.set()


def test_one_429_holds_every_call_of_the_client(limited: tuple[FakeSimService, FakeServer]) -> None:
    # Another process shares the token and has used its whole budget. Our first call draws a 429; the
    # calls started after it wait for its Retry-After instead of drawing 429s of their own.
    fake, server = limited
    fake.add_token("shared-token-e2e")
    with SimIntegrationsClient(server.url, access_token="shared-token-e2e", rate_limit=None) as other:
        for _ in range(LIMIT.requests):
            other.list()
    watcher = FirstRetryOn429()
    logger = logging.getLogger("sailpoint_sim")
    logger.addHandler(watcher)
    try:
        with (
            SimIntegrationsClient(server.url, access_token="shared-token-e2e", rate_limit=LIMIT) as client,
            ThreadPoolExecutor(max_workers=WORKERS) as pool,
        ):
            first = pool.submit(client.list)
            assert watcher.seen.wait(30)
            rest = [pool.submit(client.list) for _ in range(LIMIT.requests - 1)]
            results = [first.result(), *(f.result() for f in rest)]
    finally:
        logger.removeHandler(watcher)
    assert all(isinstance(r, list) for r in results)
    assert fake.stats()["rate_limited"] == 1
