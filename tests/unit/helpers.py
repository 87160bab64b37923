"""Helpers for the facade's unit tests: both clients over httpx.MockTransport, with a uniform call API.

Every test that takes ``api_factory`` runs twice, once per client. Tests are ``async def`` so the same
body drives both: ``await api("get", "id")`` calls the sync method directly (MockTransport answers at
once) or awaits the coroutine.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from sailpoint_sim import AsyncSimIntegrationsClient, PatchFormat, RetryPolicy, SimIntegrationsClient
from tests.support.clients import maybe_await

BASE = "https://acme.api.identitynow.com"

SETTINGS_DEFAULTS: dict[str, Any] = {
    "api_version": "v2025",
    "layout": "v2025",
    "token_url": None,
    "timeout": None,
    "timeout_given": False,
    "retry": None,
    "max_retries": None,
    "patch_format": PatchFormat.OPERATIONS_OBJECT,
    "allow_insecure_http": False,
    "user_agent": None,
}
"""ClientSettings' keyword arguments as a client passes them when the user gives none (copy before use)."""
API = BASE + "/v2025"
TOKEN_URL = BASE + "/oauth/token"
CLIENT_ID = "client-id-1234"
# Distinctive values so a scan for them in logs, reprs and messages cannot match anything else.
CLIENT_SECRET = "s3cr3t-CLIENT-SECRET-value-9f8e7d"
ACCESS_TOKEN = "eyJ-ACCESS-TOKEN-value-abc123xyz"
STATIC_TOKEN = "eyJ-STATIC-TOKEN-value-def456uvw"

INTEGRATION: dict[str, Any] = {
    "id": "62945a496ef440189b1f03e3623411c8",
    "name": "Service Desk Integration Name",
    "created": "2024-01-17T18:45:25.994Z",
    "modified": "2024-02-18T18:45:25Z",
    "description": "A very nice Service Desk integration",
    "type": "ServiceNowSDIM",
    "ownerRef": {"type": "IDENTITY", "id": "2c9180a46faadee4016fb4e018c20639", "name": "Support"},
    "clusterRef": {"type": "CLUSTER", "id": "2c9180847a7fccdd017aa5896f9f4f6f", "name": "Training VA"},
    "cluster": "xyzzy999",
    "managedSources": ["2c9180835d191a86015d28455b4a2329"],
    "provisioningConfig": {
        "universalManager": False,
        "managedResourceRefs": [{"type": "SOURCE", "id": "2c9180855d191c59015d291ceb051111", "name": "S1"}],
        "planInitializerScript": None,
        "noProvisioningRequests": True,
        "provisioningRequestExpiration": 7,
    },
    "attributes": {"url": "https://example.service-now.com", "username": "sailpoint"},
    "sources": ["2c9180835d191a86015d28455b4a2329"],
    "statusMap": {"closed_cancelled": "Failed", "closed_complete": "Committed"},
    "request": {"description": "SailPoint Access Request"},
    "beforeProvisioningRule": {"type": "RULE", "id": "048eb3d55c5a4758bd07dccb87741c78", "name": "Rule"},
}

Handler = Callable[[httpx.Request], httpx.Response]


class FailFirst:
    """A MockTransport handler: answers ``failures`` first, in order (a response is returned, an exception
    raised), then hands every later request to ``then``. ``calls`` counts the requests it saw."""

    def __init__(self, *failures: httpx.Response | Exception, then: Handler) -> None:
        self.failures = list(failures)
        self.then = then
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return failure
        return self.then(request)


def token_response(token: str = ACCESS_TOKEN, expires_in: Any = 749) -> httpx.Response:
    """A successful answer of SailPoint's token endpoint."""
    return httpx.Response(
        200,
        json={
            "access_token": token,
            "token_type": "bearer",
            "expires_in": expires_in,
            "scope": "sp:scopes:all",
        },
    )


@dataclass
class Recorder:
    """A MockTransport handler: answers the token endpoint and delegates API requests to ``api``.

    Every request is recorded with its body already read, in order.
    """

    api: Handler = field(default=lambda request: httpx.Response(200, json=INTEGRATION))
    token: Handler = field(default=lambda request: token_response())
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        # Keep a snapshot: httpx resends the same Request object (401 renewal, retries) after
        # changing its headers in place.
        self.requests.append(
            httpx.Request(
                request.method,
                request.url,
                headers=request.headers.copy(),
                content=request.content,
                extensions=dict(request.extensions),
            )
        )
        if request.url.path == "/oauth/token":
            return self.token(request)
        return self.api(request)

    @property
    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path != "/oauth/token"]

    @property
    def token_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == "/oauth/token"]

    def last_json(self) -> Any:
        return json.loads(self.api_requests[-1].content)


class Sleeps(list[float]):
    """Records requested sleeps instead of sleeping (tests never take real time)."""

    def sleep(self, seconds: float) -> None:
        self.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.append(seconds)


def policy(sleeps: Sleeps, **kwargs: Any) -> RetryPolicy:
    """A RetryPolicy recording its sleeps, without jitter unless asked."""
    kwargs.setdefault("jitter", False)
    return RetryPolicy(sleep=sleeps.sleep, async_sleep=sleeps.async_sleep, **kwargs)


class Api:
    """Uniform access to a sync or async client: ``await api("get", id)``."""

    def __init__(
        self,
        client: SimIntegrationsClient | AsyncSimIntegrationsClient,
        recorder: Recorder,
        http: httpx.Client | httpx.AsyncClient,
    ) -> None:
        self.client = client
        self.recorder = recorder
        self.http = http
        self.is_async = isinstance(client, AsyncSimIntegrationsClient)

    async def __call__(self, method: str, *args: Any) -> Any:
        return await maybe_await(getattr(self.client, method)(*args))

    async def close(self) -> None:
        if isinstance(self.client, AsyncSimIntegrationsClient):
            await self.client.aclose()
        else:
            self.client.close()


ApiFactory = Callable[..., Api]


# The variables that configure a proxy (httpx reads them; our clients then leave the direct path).
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy", "all_proxy")
