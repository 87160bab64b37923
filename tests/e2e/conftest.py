"""Shared fixtures of the end-to-end tests: a fresh fake SIM service on a real loopback socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sailpoint_sim.testing import FakeServer, FakeSimService

CLIENT_ID = "e2e-client"
CLIENT_SECRET = "e2e-client-secret-4f1c2d"


@pytest.fixture
def fake() -> FakeSimService:
    return FakeSimService(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)


@pytest.fixture
def server(fake: FakeSimService) -> Iterator[FakeServer]:
    with fake.serve() as running:
        yield running
