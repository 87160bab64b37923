"""A pytest plugin for code that uses the SIM client: fixtures wired to a fresh fake SIM service.

Installed with the package and registered through the ``pytest11`` entry point, so it is active in any
test run where ``sailpoint-sim`` is installed (the fake itself needs the ``testing`` extra). Loading it
imports only the ``sailpoint_sim`` package itself (httpx; not the generated models, not the fake, not
jsonpatch); the rest is imported when a fixture is first used. In the style of pytest-httpx and respx:

``sim_fake``
    A fresh :class:`~sailpoint_sim.testing.FakeSimService` per test.
``sim_fake_options``
    The set-up of every ``sim_fake`` in its scope, as a dict of the marker's keywords (empty by
    default): override it in a ``conftest.py`` to give a whole folder other credentials, scopes or seed
    data; a test's marker overrides it key by key.
``sim_client`` / ``sim_async_client``
    A :class:`~sailpoint_sim.SimIntegrationsClient` / :class:`~sailpoint_sim.AsyncSimIntegrationsClient`
    wired to ``sim_fake`` in process (no sockets), with the fake's client credentials. The async one is
    created outside any event loop and closed after the test; use it inside your async test as is.
``sim_server``
    ``sim_fake`` served over real HTTP on loopback (``sim_server.url``), for code that opens its own
    connections.

The marker ``@pytest.mark.sim_fake(...)`` sets the fake up before the test: ``seed=N`` stores N
deterministic integrations, ``faults=[...]`` injects faults (``Fault`` objects or the keyword arguments of
``FakeSimService.inject`` as dicts), ``client={...}`` passes keyword arguments to both clients, and any
other keyword goes to ``FakeSimService(...)`` (``scopes=``, ``layouts=``, ``rate_limit=``,
``clock_skew=``, ``latency=``, ...)::

    @pytest.mark.sim_fake(seed=3, faults=[{"status": 503, "operation": "getSIMIntegrations"}])
    def test_my_job(sim_client, sim_fake):
        assert len(sim_client.list()) == 3          # retried past the 503
        assert sim_fake.writes == []
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from sailpoint_sim import AsyncSimIntegrationsClient, SimIntegrationsClient

    from ._fake import FakeSimService
    from ._server import FakeServer

MARKER = "sim_fake"
TENANT_URL = "https://tenant.api.identitynow.com"
"""The base URL the in-process clients use; the fake ignores the host."""


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(seed=0, faults=(), client=None, **settings): set up the sim_fake fixture "
        "(seeded integrations, injected faults, client keyword arguments, FakeSimService settings)",
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    options = dict(request.getfixturevalue("sim_fake_options"))
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword arguments only")
        options.update(marker.kwargs)
    return options


@pytest.fixture
def sim_fake_options() -> dict[str, Any]:
    """Keywords of the ``sim_fake`` marker applied to every test in scope; override it in a conftest."""
    return {}


@pytest.fixture
def sim_fake(request: pytest.FixtureRequest) -> FakeSimService:
    """A fresh fake SIM service, set up by ``sim_fake_options`` and the ``sim_fake`` marker."""
    from ._fake import FakeSimService
    from ._model import Fault

    options = _options(request)
    seed = options.pop("seed", 0)
    faults = options.pop("faults", ())
    options.pop("client", None)
    fake = FakeSimService(**options)
    if seed:
        fake.seed(seed)
    for fault in faults:
        fake.add_fault(fault if isinstance(fault, Fault) else Fault(**fault))
    return fake


def _client_options(request: pytest.FixtureRequest, fake: FakeSimService) -> dict[str, Any]:
    # The credentials the fake was given (its defaults unless the marker set others). No pacing unless
    # the fake enforces a rate limit (then the client keeps to the same one): in-process calls are many
    # and quick, and pacing them to SailPoint's default would only slow the tests down.
    limit = fake.rate_limit
    if isinstance(limit, tuple | list):
        from sailpoint_sim import RateLimit

        limit = RateLimit(*limit)
    return {
        "client_id": fake._client_id,
        "client_secret": fake._client_secret,
        "rate_limit": limit,
        **(_options(request).get("client") or {}),
    }


@pytest.fixture
def sim_client(request: pytest.FixtureRequest, sim_fake: FakeSimService) -> Iterator[SimIntegrationsClient]:
    """A sync client wired to ``sim_fake`` in process."""
    import httpx

    from sailpoint_sim import SimIntegrationsClient

    with (
        httpx.Client(transport=sim_fake.transport()) as http,
        SimIntegrationsClient(TENANT_URL, http_client=http, **_client_options(request, sim_fake)) as client,
    ):
        yield client


@pytest.fixture
def sim_async_client(
    request: pytest.FixtureRequest, sim_fake: FakeSimService
) -> Iterator[AsyncSimIntegrationsClient]:
    """An async client wired to ``sim_fake`` in process; closed after the test."""
    import httpx

    from sailpoint_sim import AsyncSimIntegrationsClient

    http = httpx.AsyncClient(transport=sim_fake.transport())
    client = AsyncSimIntegrationsClient(TENANT_URL, http_client=http, **_client_options(request, sim_fake))
    yield client

    async def close() -> None:
        await client.aclose()
        await http.aclose()

    import asyncio

    # Teardown runs outside the test's event loop; the in-process transport holds no sockets, so a
    # fresh loop closes both cleanly.
    asyncio.run(close())


@pytest.fixture
def sim_server(sim_fake: FakeSimService) -> Iterator[FakeServer]:
    """``sim_fake`` served over real HTTP on 127.0.0.1 (a free port); ``sim_server.url`` is its address."""
    with sim_fake.serve() as server:
        yield server
