"""The clients keep every pooled connection alive, so many concurrent calls reuse their connections.

httpx's default pool keeps 20 idle connections; with more calls in flight, httpcore 1.0.9 closes the
surplus and can close one it has just handed to a waiting request (encode/httpcore#1110), which then
fails with a ReadError or hangs until its read timeout. Our clients keep all 100 alive
(`_config.DEFAULT_LIMITS`). Counted on the server: two bursts of 50 concurrent calls, each held in
flight by the fake's latency, open 50 connections in all; with httpx's default they open 80.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from sailpoint_sim import AsyncSimIntegrationsClient, SimIntegrationsClient
from sailpoint_sim.testing import FakeServer, FakeSimService

from .conftest import CLIENT_ID, CLIENT_SECRET

IN_FLIGHT = 50
LATENCY = 1.0  # long enough that every call of a burst is in flight at once, even on a loaded machine
# (0.2 s was not: on two busy cores an asyncio burst of 50 took longer than that to start them all)


def test_threads_reuse_every_connection(server: FakeServer, fake: FakeSimService) -> None:
    fake.seed(1)
    # No pacing: 101 calls within 10 s would make the last one wait its turn past the keep-alive expiry.
    with SimIntegrationsClient(server.url, CLIENT_ID, CLIENT_SECRET, rate_limit=None) as client:
        client.list()  # the token, and one connection, before the bursts
        fake.latency = LATENCY
        before = server.connections_accepted
        for _ in range(2):
            barrier = threading.Barrier(IN_FLIGHT)

            def work(barrier: threading.Barrier) -> int:
                barrier.wait()
                return len(client.list())

            with ThreadPoolExecutor(max_workers=IN_FLIGHT) as pool:
                assert list(pool.map(work, [barrier] * IN_FLIGHT)) == [1] * IN_FLIGHT
    # The first burst needs 50 connections (one was already open); the second reuses them all.
    assert server.connections_accepted - before == IN_FLIGHT - 1


def test_tasks_reuse_every_connection(server: FakeServer, fake: FakeSimService) -> None:
    fake.seed(1)

    async def main() -> int:
        async with AsyncSimIntegrationsClient(
            server.url, CLIENT_ID, CLIENT_SECRET, rate_limit=None
        ) as client:
            await client.list()
            fake.latency = LATENCY
            before = server.connections_accepted
            for _ in range(2):
                results = await asyncio.gather(*(client.list() for _ in range(IN_FLIGHT)))
                assert [len(r) for r in results] == [1] * IN_FLIGHT
            return server.connections_accepted - before

    assert asyncio.run(main()) == IN_FLIGHT - 1
