"""The pytest plugin shipped with the fake (``sailpoint_sim.testing.pytest_plugin``, entry point
``pytest11``): its fixtures and marker, used here exactly as a user's tests would use them."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from sailpoint_sim import AsyncSimIntegrationsClient, PermissionDeniedError, RateLimit, SimIntegrationsClient
from sailpoint_sim.testing import SCOPE_READ, FakeServer, FakeSimService, Fault


def test_sim_fake_is_fresh_and_the_client_is_wired_to_it(
    sim_fake: FakeSimService, sim_client: SimIntegrationsClient
) -> None:
    assert sim_fake.integrations == {}
    created = sim_client.create({"name": "from the plugin"})
    assert list(sim_fake.integrations) == [created.id]
    assert [r.operation for r in sim_fake.requests] == ["token", "createSIMIntegration"]


@pytest.mark.sim_fake(seed=3, faults=[{"status": 503, "operation": "getSIMIntegrations"}])
def test_the_marker_seeds_and_injects(sim_fake: FakeSimService, sim_client: SimIntegrationsClient) -> None:
    assert len(sim_client.list()) == 3  # retried past the injected 503
    assert sim_fake.faults[0].fired == 1
    assert sim_fake.writes == []


@pytest.mark.sim_fake(
    scopes=[SCOPE_READ], faults=[Fault("delay", delay=0.0)], client={"max_retries": 0}, delete_status=204
)
def test_the_marker_passes_settings_faults_and_client_options(
    sim_fake: FakeSimService, sim_client: SimIntegrationsClient
) -> None:
    assert sim_fake.scopes == {SCOPE_READ} and sim_fake.delete_status == 204
    assert sim_client.list() == []
    with pytest.raises(PermissionDeniedError):
        sim_client.create({"name": "refused"})


@pytest.mark.sim_fake(seed=2)
async def test_the_async_client(
    sim_fake: FakeSimService, sim_async_client: AsyncSimIntegrationsClient
) -> None:
    listed = await sim_async_client.list()
    assert sorted(str(item.id) for item in listed) == sorted(sim_fake.integrations)


@pytest.mark.sim_fake(seed=1)
def test_sim_server_serves_the_same_fake_over_loopback(
    sim_fake: FakeSimService, sim_server: FakeServer
) -> None:
    assert sim_server.url.startswith("http://127.0.0.1:")
    with SimIntegrationsClient(sim_server.url, "fake-client-id", "fake-client-secret") as client:
        assert [item.id for item in client.list()] == list(sim_fake.integrations)
    assert sim_server.connections_accepted >= 1
    httpx.get(sim_server.url + "/__fake__/", timeout=10).raise_for_status()


def test_loading_the_plugin_imports_neither_the_fake_nor_jsonpatch() -> None:
    code = (
        "import sys, sailpoint_sim.testing.pytest_plugin\n"
        "heavy = ['jsonpatch', 'asyncio', 'sailpoint_sim_client', 'sailpoint_sim.testing._fake']\n"
        "print([name for name in heavy if name in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


class TestAFolderWideSetUp:
    """``sim_fake_options`` overridden (here for a class, in a conftest for a folder); markers refine it."""

    @pytest.fixture
    def sim_fake_options(self) -> dict[str, object]:
        return {"client_id": "folder-client", "client_secret": "folder-secret", "seed": 2}

    def test_the_clients_log_in_with_the_fakes_credentials(
        self, sim_fake: FakeSimService, sim_client: SimIntegrationsClient
    ) -> None:
        assert len(sim_client.list()) == 2
        token_request = sim_fake.requests[0]
        assert token_request.operation == "token"
        assert b"client_id=folder-client" in token_request.body

    @pytest.mark.sim_fake(seed=5)
    def test_a_marker_overrides_key_by_key(
        self, sim_fake: FakeSimService, sim_client: SimIntegrationsClient
    ) -> None:
        assert len(sim_client.list()) == 5
        assert b"client_id=folder-client" in sim_fake.requests[0].body


@pytest.mark.sim_fake(rate_limit=(2, 60.0))
def test_the_clients_keep_to_the_fakes_rate_limit_and_pace_not_otherwise(
    sim_fake: FakeSimService, sim_client: SimIntegrationsClient
) -> None:
    assert sim_client.rate_limit == RateLimit(2, 60.0)  # the same limit as the fake enforces


def test_without_a_limit_on_the_fake_the_clients_do_not_pace(sim_client: SimIntegrationsClient) -> None:
    assert sim_client.rate_limit is None
