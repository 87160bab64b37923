"""Fixtures for the fake service's tests: every behaviour runs on both carriers.

``api`` is parametrized over the in-process transport and the loopback server, so each test proves the
behaviour once without sockets and once over real HTTP. Plain httpx only: the fake is tested on its own,
not through the client facade. The fake and its server are the pytest plugin's (``sim_fake``,
``sim_server``, named ``fake`` and ``server`` in tests/conftest.py; the ``sim_fake`` marker sets them up).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sailpoint_sim.testing import FakeServer, FakeSimService

from .fake_support import Api


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
        server: FakeServer = request.getfixturevalue("sim_server")
        with httpx.Client(base_url=server.url, timeout=10) as client:
            yield Api(fake, client, "server", token, headers)
