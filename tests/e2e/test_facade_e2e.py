"""Both facade clients against the fake service over real loopback HTTP: all seven endpoints and the
error paths (missing header, bad token, 404, invalid body, injected 429 and 503).

Each test runs twice, with SimIntegrationsClient and with AsyncSimIntegrationsClient, through one
small adapter, so the two clients are held to exactly the same behaviour.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sailpoint_sim_client.models.service_desk_integration_dto import ServiceDeskIntegrationDto

from sailpoint_sim import (
    AsyncSimIntegrationsClient,
    AuthenticationError,
    BadRequestError,
    InvalidRequestError,
    NotFoundError,
    PatchFormat,
    PermissionDeniedError,
    RetryPolicy,
    ServerError,
    SimIntegrationsClient,
    patch,
)
from sailpoint_sim.testing import SCOPE_READ, FakeServer, FakeSimService
from tests.support.clients import EitherClient

from .conftest import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.parametrize("kind", ["sync", "async"])


class Sleeps:
    """Records the waits the retry policy asks for, instead of sleeping (no real time in tests)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def policy(self, **kwargs: Any) -> RetryPolicy:
        return RetryPolicy(sleep=self.sleep, async_sleep=self.async_sleep, **kwargs)


@asynccontextmanager
async def open_client(kind: str, server: FakeServer, **kwargs: Any) -> AsyncIterator[EitherClient]:
    kwargs.setdefault("client_id", CLIENT_ID)
    kwargs.setdefault("client_secret", CLIENT_SECRET)
    if kwargs.get("access_token") is not None:
        kwargs.pop("client_id")
        kwargs.pop("client_secret")
    if kind == "sync":
        with SimIntegrationsClient(server.url, **kwargs) as sync_client:
            yield EitherClient(sync_client)
    else:
        async with AsyncSimIntegrationsClient(server.url, **kwargs) as async_client:
            yield EitherClient(async_client)


def operations_seen(fake: FakeSimService) -> list[str | None]:
    return [r.operation for r in fake.requests if r.operation != "token"]


async def test_all_seven_endpoints(kind: str, server: FakeServer, fake: FakeSimService) -> None:
    async with open_client(kind, server) as client:
        created = await client.create(
            {"name": "E2E", "description": "one", "sources": ["s1"], "x-undeclared": {"kept": [1, 2]}}
        )
        assert isinstance(created, ServiceDeskIntegrationDto)
        assert created.name == "E2E"
        assert isinstance(created.id, str) and created.id
        assert created.additional_properties["x-undeclared"] == {"kept": [1, 2]}

        listed = await client.list()
        assert [item.id for item in listed] == [created.id]

        fetched = await client.get(created.id)
        assert fetched.to_dict() == created.to_dict()

        updated = await client.update(
            created.id, {"name": "E2E renamed", "description": "two", "sources": ["s1"]}
        )
        assert (updated.name, updated.description) == ("E2E renamed", "two")

        patched = await client.patch(
            created.id, [patch.replace("/description", "three"), patch.add("/sources/-", "s2")]
        )
        assert patched.description == "three"
        assert patched.sources == ["s1", "s2"]

        ruled = await client.patch_before_provisioning_rule(
            created.id, [patch.add("/name", "Rule"), patch.add("/type", "RULE"), patch.add("/id", "r1")]
        )
        assert ruled.before_provisioning_rule is not None
        assert ruled.before_provisioning_rule.name == "Rule"

        assert await client.delete(created.id) is None
        with pytest.raises(NotFoundError):
            await client.get(created.id)

    assert operations_seen(fake) == [
        "createSIMIntegration",
        "getSIMIntegrations",
        "getSIMIntegration",
        "putSIMIntegration",
        "patchSIMAttributes",
        "patchBeforeProvisioningRule",
        "deleteSIMIntegration",
        "getSIMIntegration",
    ]
    # The facade sends the experimental header on every request, with nothing for the caller to do.
    api_requests = [r for r in fake.requests if r.operation != "token"]
    assert all(r.header("X-SailPoint-Experimental") == "true" for r in api_requests)
    # The documented {"operations": [...]} form is the default wire format.
    patch_request = next(r for r in api_requests if r.operation == "patchSIMAttributes")
    assert list(patch_request.json()) == ["operations"]
    assert patch_request.header("Content-Type") == "application/json-patch+json"


async def test_both_patch_wire_formats(kind: str, server: FakeServer, fake: FakeSimService) -> None:
    integration_id = fake.add_integration({"name": "P", "description": "d"})["id"]
    for patch_format, expected_type in (
        (PatchFormat.OPERATIONS_OBJECT, dict),
        (PatchFormat.RFC6902_ARRAY, list),
    ):
        async with open_client(kind, server, patch_format=patch_format) as client:
            result = await client.patch(integration_id, [patch.replace("/description", patch_format.name)])
            assert result.description == patch_format.name
            rule = await client.patch_before_provisioning_rule(integration_id, [patch.add("/name", "R")])
            assert rule.before_provisioning_rule.name == "R"
        for request in fake.requests[-2:]:
            assert isinstance(request.json(), expected_type)


async def test_missing_experimental_header_is_rejected(
    kind: str, server: FakeServer, fake: FakeSimService
) -> None:
    token = fake.issue_token()
    url = f"{server.url}/v2025/sim-integrations"
    # A raw request without the header: the fake answers as SailPoint does.
    async with httpx.AsyncClient() as raw:
        without = await raw.get(url, headers={"Authorization": f"Bearer {token}"})
        wrong = await raw.get(
            url, headers={"Authorization": f"Bearer {token}", "X-SailPoint-Experimental": "True"}
        )
        with_header = await raw.get(
            url, headers={"Authorization": f"Bearer {token}", "X-SailPoint-Experimental": "true"}
        )
    assert without.status_code == 400
    assert wrong.status_code == 400
    assert "Experimental" in without.text
    assert with_header.status_code == 200
    # The facade, given the same token, always sends it.
    async with open_client(kind, server, access_token=token) as client:
        assert await client.list() == []
    assert fake.requests[-1].header("X-SailPoint-Experimental") == "true"


async def test_bad_static_token(kind: str, server: FakeServer) -> None:
    async with open_client(kind, server, access_token="never-issued-token-123") as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.list()
    assert caught.value.status_code == 401
    assert "never-issued-token-123" not in str(caught.value)


async def test_bad_client_secret(kind: str, server: FakeServer, fake: FakeSimService) -> None:
    async with open_client(kind, server, client_secret="wrong-secret-value-77") as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.list()
    assert "wrong-secret-value-77" not in str(caught.value)
    assert CLIENT_SECRET not in str(caught.value)
    # Nothing reached the API without a token.
    assert operations_seen(fake) == []


async def test_a_read_only_grant_reads_and_is_refused_writes(
    kind: str, server: FakeServer, fake: FakeSimService
) -> None:
    """A client whose API grant has only the read scope: 403 is PermissionDeniedError, at once."""
    sleeps = Sleeps()
    integration_id = fake.add_integration({"name": "read me"})["id"]
    fake.scopes = frozenset({SCOPE_READ})
    async with open_client(kind, server, retry=sleeps.policy()) as client:
        assert [item.id for item in await client.list()] == [integration_id]
        with pytest.raises(PermissionDeniedError) as caught:
            await client.patch(integration_id, [patch.replace("/name", "changed")])
    assert caught.value.status_code == 403
    assert caught.value.tracking_id
    assert CLIENT_SECRET not in str(caught.value)
    # Not retried and no token renewal: 403 is not an expired token.
    assert operations_seen(fake) == ["getSIMIntegrations", "patchSIMAttributes"]
    assert fake.token_requests == 1 and sleeps.waits == []
    assert fake.writes == []


async def test_not_found(kind: str, server: FakeServer) -> None:
    async with open_client(kind, server) as client:
        for call in (
            client.get("missing"),
            client.update("missing", {"name": "x"}),
            client.patch("missing", [patch.replace("/name", "x")]),
            client.patch_before_provisioning_rule("missing", [patch.add("/name", "x")]),
            client.delete("missing"),
        ):
            with pytest.raises(NotFoundError) as caught:
                await call
            assert caught.value.status_code == 404
            assert caught.value.tracking_id


async def test_invalid_body(kind: str, server: FakeServer, fake: FakeSimService) -> None:
    async with open_client(kind, server) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.create({"name": "x", "ownerRef": "not-an-object"})
        assert caught.value.status_code == 400
        assert caught.value.detail_code == "400.1 Bad Request Content"
        assert any("ownerRef" in m for m in caught.value.messages)
        # A declared field of the wrong type is refused before sending (issue 10.10).
        with pytest.raises(InvalidRequestError, match="field 'sources' must be an array of strings"):
            await client.create({"name": "x", "sources": "not-a-list"})
        integration_id = fake.add_integration({"name": "y"})["id"]
        with pytest.raises(BadRequestError):
            await client.patch(integration_id, [patch.remove("/does-not-exist")])
    assert [w.operation for w in fake.writes] == []


async def test_injected_429_is_retried_after_retry_after(
    kind: str, server: FakeServer, fake: FakeSimService
) -> None:
    sleeps = Sleeps()
    fake.inject(status=429, retry_after=2, operation="createSIMIntegration")
    async with open_client(kind, server, retry=sleeps.policy()) as client:
        created = await client.create({"name": "after 429"})
    assert created.name == "after 429"
    assert sleeps.waits == [2.0]
    # 429 means the server did nothing: POST is retried, and applied exactly once.
    assert operations_seen(fake) == ["createSIMIntegration", "createSIMIntegration"]
    assert [w.operation for w in fake.writes] == ["createSIMIntegration"]


async def test_injected_503_get_is_retried(kind: str, server: FakeServer, fake: FakeSimService) -> None:
    sleeps = Sleeps()
    integration_id = fake.add_integration({"name": "z"})["id"]
    fake.inject(status=503, operation="getSIMIntegration", times=2)
    async with open_client(kind, server, retry=sleeps.policy(max_attempts=3)) as client:
        fetched = await client.get(integration_id)
    assert fetched.id == integration_id
    assert operations_seen(fake) == ["getSIMIntegration"] * 3
    assert len(sleeps.waits) == 2  # exponential backoff between attempts


async def test_injected_503_post_is_not_retried(kind: str, server: FakeServer, fake: FakeSimService) -> None:
    sleeps = Sleeps()
    fake.inject(status=503, operation="createSIMIntegration")
    async with open_client(kind, server, retry=sleeps.policy()) as client:
        with pytest.raises(ServerError) as caught:
            await client.create({"name": "never twice"})
    assert caught.value.status_code == 503
    assert operations_seen(fake) == ["createSIMIntegration"]
    assert sleeps.waits == []
    assert fake.writes == []
