"""Fixtures for the facade's unit tests: every test taking ``api_factory`` runs on both clients."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sailpoint_sim import AsyncSimIntegrationsClient, SimIntegrationsClient
from tests.support.env import clear_sail_env

from .helpers import BASE, CLIENT_ID, CLIENT_SECRET, Api, ApiFactory, Recorder, Sleeps, policy


@pytest.fixture
def no_sail_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No SAIL_* variable from the developer's shell reaches a test that reads the environment."""
    clear_sail_env(monkeypatch)


@pytest.fixture(params=[SimIntegrationsClient, AsyncSimIntegrationsClient], ids=["sync", "async"])
def cls(request: pytest.FixtureRequest) -> Any:
    """The sync or the async client class."""
    return request.param


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    """Which client a test runs against."""
    return str(request.param)


@pytest.fixture
def api_factory(kind: str) -> ApiFactory:
    """Build an Api over a MockTransport: ``api_factory(recorder, **client_kwargs)``.

    Default credentials are client credentials (CLIENT_ID / CLIENT_SECRET); pass ``access_token=`` (and
    ``client_id=None, client_secret=None``) for a static token.
    """

    def make(recorder: Recorder | None = None, **kwargs: Any) -> Api:
        recorder = recorder or Recorder()
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport
        if "access_token" in kwargs:
            kwargs.setdefault("client_id", None)
            kwargs.setdefault("client_secret", None)
        else:
            kwargs.setdefault("client_id", CLIENT_ID)
            kwargs.setdefault("client_secret", CLIENT_SECRET)
        if "retry" not in kwargs:
            kwargs["retry"] = policy(Sleeps(), max_retries=kwargs.pop("max_retries", None))
        base_url = kwargs.pop("base_url", BASE)
        if kind == "sync":
            transport = httpx.MockTransport(recorder)
            http = httpx.Client(transport=transport)
            return Api(SimIntegrationsClient(base_url, http_client=http, **kwargs), recorder, http)
        transport = httpx.MockTransport(recorder)
        ahttp = httpx.AsyncClient(transport=transport)
        return Api(AsyncSimIntegrationsClient(base_url, http_client=ahttp, **kwargs), recorder, ahttp)

    return make
