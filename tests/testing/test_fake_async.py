"""The fake with httpx.AsyncClient: in-process transport and loopback server, concurrency included."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from sailpoint_sim.testing import FakeSimService

BASE = "/v2025/sim-integrations"


@pytest.fixture(params=["transport", "server"])
async def aclient(request: pytest.FixtureRequest, fake: FakeSimService) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {fake.issue_token()}", "X-SailPoint-Experimental": "true"}
    if request.param == "transport":
        async with httpx.AsyncClient(
            transport=fake.transport(), base_url="https://t", headers=headers
        ) as client:
            yield client
    else:
        with fake.serve() as server:
            async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=10) as client:
                yield client


async def test_async_lifecycle(aclient: httpx.AsyncClient, fake: FakeSimService) -> None:
    created = (await aclient.post(BASE, json={"name": "async"})).json()
    item = f"{BASE}/{created['id']}"
    assert (await aclient.get(item)).json() == created
    patch_headers = {"Content-Type": "application/json-patch+json"}
    response = await aclient.patch(
        item, json=[{"op": "replace", "path": "/name", "value": "b"}], headers=patch_headers
    )
    assert response.json()["name"] == "b"
    assert (await aclient.put(item, json={"name": "c"})).json()["name"] == "c"
    assert (await aclient.delete(item)).status_code == 200
    assert (await aclient.get(item)).status_code == 404
    assert [w.operation for w in fake.writes] == [
        "createSIMIntegration",
        "patchSIMAttributes",
        "putSIMIntegration",
        "deleteSIMIntegration",
    ]


async def test_async_faults(aclient: httpx.AsyncClient, fake: FakeSimService) -> None:
    fake.inject(status=429, retry_after=1)
    fake.inject("reset")
    fake.inject("close_mid_body")
    assert (await aclient.get(BASE)).status_code == 429
    with pytest.raises(httpx.ReadError):
        await aclient.get(BASE)
    with pytest.raises(httpx.RemoteProtocolError):
        await aclient.get(BASE)
    fake.inject("delay", delay=1.0)
    with pytest.raises(httpx.ReadTimeout):
        await aclient.get(BASE, timeout=0.05)
    assert (await aclient.get(BASE)).status_code == 200


async def test_concurrent_writes_are_all_applied_once(
    aclient: httpx.AsyncClient, fake: FakeSimService
) -> None:
    fake.latency = 0.01
    responses = await asyncio.gather(*(aclient.post(BASE, json={"name": f"n{i}"}) for i in range(40)))
    assert all(r.status_code == 200 for r in responses)
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == 40
    assert len(fake.writes) == 40
    assert set(fake.integrations) == ids


async def test_in_process_read_timeout_still_applies_the_write(fake: FakeSimService) -> None:
    """As on a real server, a client that gives up does not undo the work the server goes on to do."""
    fake.inject("delay", delay=5.0, operation="createSIMIntegration")
    headers = {"Authorization": f"Bearer {fake.issue_token()}", "X-SailPoint-Experimental": "true"}
    async with httpx.AsyncClient(transport=fake.transport(), base_url="https://t", headers=headers) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(BASE, json={"name": "slow"}, timeout=0.05)
    assert [w.operation for w in fake.writes] == ["createSIMIntegration"]
