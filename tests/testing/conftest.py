"""Fixtures for the fake service's tests: every behaviour runs on both carriers.

``api`` is parametrized over the in-process transport and the loopback server, so each test proves the
behaviour once without sockets and once over real HTTP. Plain httpx only: the fake is tested on its own,
not through the client facade.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sailpoint_sim.testing import FakeSimService

from .fake_support import Api


@pytest.fixture
def fake() -> FakeSimService:
    return FakeSimService()


@pytest.fixture(params=["transport", "server"])
def api(request: pytest.FixtureRequest, fake: FakeSimService) -> Iterator[Api]:
    token = fake.issue_token()
    headers = {"Authorization": f"Bearer {token}", "X-SailPoint-Experimental": "true"}
    if request.param == "transport":
        with httpx.Client(
            transport=fake.transport(), base_url="https://tenant.api.identitynow.com"
        ) as client:
            yield Api(fake, client, "transport", token, headers)
    else:
        with fake.serve() as server, httpx.Client(base_url=server.url, timeout=10) as client:
            yield Api(fake, client, "server", token, headers)
