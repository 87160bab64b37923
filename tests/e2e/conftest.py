"""Shared fixtures of the end-to-end tests: a fresh fake SIM service on a real loopback socket (the pytest
plugin's ``sim_fake`` and ``sim_server``, under the names these tests use)."""

from __future__ import annotations

import pytest

from sailpoint_sim.testing import FakeServer, FakeSimService

CLIENT_ID = "e2e-client"
CLIENT_SECRET = "e2e-client-secret-4f1c2d"


@pytest.fixture
def sim_fake_options() -> dict[str, object]:
    """The pytest plugin's fake, with these tests' own client credentials."""
    return {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}


@pytest.fixture
def fake(sim_fake: FakeSimService) -> FakeSimService:
    return sim_fake


@pytest.fixture
def server(sim_server: FakeServer) -> FakeServer:
    return sim_server
