"""Shared fixtures of the end-to-end tests: a fresh fake SIM service on a real loopback socket (the pytest
plugin's ``sim_fake`` and ``sim_server``, as ``fake`` and ``server`` in tests/conftest.py)."""

from __future__ import annotations

import pytest

CLIENT_ID = "e2e-client"
CLIENT_SECRET = "e2e-client-secret-4f1c2d"


@pytest.fixture
def sim_fake_options() -> dict[str, object]:
    """The pytest plugin's fake, with these tests' own client credentials."""
    return {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
