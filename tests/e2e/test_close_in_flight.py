"""Closing a client while calls run, over loopback (issue 10.4).

Before the send loop checked for it, the broken read was retried on the closed client and the caller
got httpx's untyped ``RuntimeError``. Now the call ends in our APIConnectionError, the fake sees the
request once, and later calls are refused with InvalidRequestError.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from sailpoint_sim import (
    APIConnectionError,
    AsyncSimIntegrationsClient,
    InvalidRequestError,
    SimIntegrationsClient,
)
from sailpoint_sim.testing import FakeServer, FakeSimService

from .conftest import CLIENT_ID, CLIENT_SECRET

LATENCY = 1.0  # the call is still waiting for its answer when the client is closed


def lists_received(fake: FakeSimService) -> int:
    return [r.operation for r in fake.requests].count("getSIMIntegrations")


def test_close_during_a_call(server: FakeServer, fake: FakeSimService) -> None:
    client = SimIntegrationsClient(server.url, CLIENT_ID, CLIENT_SECRET)
    client.list()  # token and connection ready
    fake.latency = LATENCY
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(client.list())
        except BaseException as exc:  # the test inspects whatever escaped
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.3)
    client.close()
    thread.join(10)
    assert len(outcome) == 1 and type(outcome[0]) is APIConnectionError, outcome
    assert "closed" in str(outcome[0])
    assert lists_received(fake) == 2  # the first list, and the interrupted one once: no retry
    with pytest.raises(InvalidRequestError, match="closed"):
        client.list()


def test_aclose_during_a_call(server: FakeServer, fake: FakeSimService) -> None:
    async def main() -> None:
        client = AsyncSimIntegrationsClient(server.url, CLIENT_ID, CLIENT_SECRET)
        await client.list()
        fake.latency = LATENCY
        task = asyncio.create_task(client.list())
        await asyncio.sleep(0.3)
        await client.aclose()
        with pytest.raises(APIConnectionError, match="closed"):
            await task
        with pytest.raises(InvalidRequestError, match="closed"):
            await client.list()

    asyncio.run(main())
    assert lists_received(fake) == 2
