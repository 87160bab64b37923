"""Token scopes: the fake answers 403 when a token lacks the operation's scope, as SailPoint does.

Reads (list, get) need `idn:service-desk-integration:read` or `:manage`; every write needs `:manage`;
`sp:scopes:all` covers both (SailPoint's published contract names these scopes per operation).
"""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from sailpoint_sim.testing import SCOPE_ALL, SCOPE_MANAGE, SCOPE_READ, FakeSimService

from .fake_support import GOOD_FORM, Api

BASE = "/v2025/sim-integrations"
WRITES = ("create", "update", "patch", "patch_rule", "delete")
READS = ("list", "get")


def call(api: Api, operation: str, ident: str) -> int:
    """Send one operation with the api's headers; the status it got."""
    item = f"{BASE}/{ident}"
    replace = [{"op": "replace", "path": "/description", "value": "changed"}]
    responses = {
        "list": lambda: api.get(BASE),
        "get": lambda: api.get(item),
        "create": lambda: api.post(BASE, {"name": "created"}),
        "update": lambda: api.put(item, {"name": "updated"}),
        "patch": lambda: api.patch(item, replace),
        "patch_rule": lambda: api.patch(
            f"{item}/beforeProvisioningRule", [{"op": "add", "path": "/id", "value": "r"}]
        ),
        "delete": lambda: api.delete(item),
    }
    return responses[operation]().status_code


def with_scopes(api: Api, *scopes: str) -> None:
    api.headers["Authorization"] = f"Bearer {api.fake.issue_token(scopes=scopes)}"


@pytest.mark.parametrize("operation", READS + WRITES)
@pytest.mark.parametrize("scopes", [(SCOPE_ALL,), (SCOPE_MANAGE,), (SCOPE_READ, SCOPE_MANAGE)])
def test_manage_or_all_allows_everything(api: Api, operation: str, scopes: tuple[str, ...]) -> None:
    ident = api.fake.seed(1)[0]
    with_scopes(api, *scopes)
    assert call(api, operation, ident) == 200


@pytest.mark.parametrize("operation", READS)
def test_read_scope_allows_reads(api: Api, operation: str) -> None:
    ident = api.fake.seed(1)[0]
    with_scopes(api, SCOPE_READ)
    assert call(api, operation, ident) == 200


@pytest.mark.parametrize("operation", WRITES)
def test_read_scope_is_refused_every_write_and_nothing_changes(api: Api, operation: str) -> None:
    ident = api.fake.seed(1)[0]
    before = api.fake.integrations
    with_scopes(api, SCOPE_READ)
    assert call(api, operation, ident) == 403
    assert api.fake.integrations == before
    assert api.fake.writes == []


@pytest.mark.parametrize("operation", READS + WRITES)
@pytest.mark.parametrize("scopes", [(), ("sp:scopes:default",), ("idn:sources:read",)])
def test_unrelated_scopes_are_refused_everything(api: Api, operation: str, scopes: tuple[str, ...]) -> None:
    ident = api.fake.seed(1)[0]
    with_scopes(api, *scopes)
    assert call(api, operation, ident) == 403


def test_403_is_sailpoints_error_body_and_comes_after_401_before_the_header(api: Api) -> None:
    with_scopes(api, SCOPE_READ)
    response = api.post(BASE, {"name": "x"})
    body = response.json()
    assert body["detailCode"] == "403 Forbidden"
    assert body["trackingId"] == response.headers["SLPT-Request-ID"]
    assert body["messages"][0]["text"] == "The server understood the request but refuses to authorize it."
    # ... and names the scope that is missing, and what the token has
    assert body["messages"][1]["text"] == (
        "createSIMIntegration requires the scope idn:service-desk-integration:manage; "
        "the access token has idn:service-desk-integration:read."
    )
    # The token is checked first (401), then its scopes (403), then the experimental header (400).
    api.fake.expire_tokens()
    assert api.post(BASE, {"name": "x"}).status_code == 401
    with_scopes(api, SCOPE_READ)
    del api.headers["X-SailPoint-Experimental"]
    assert api.post(BASE, {"name": "x"}).status_code == 403
    with_scopes(api, SCOPE_MANAGE)
    assert api.post(BASE, {"name": "x"}).status_code == 400


def _claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def test_the_token_endpoint_grants_the_configured_scopes(api: Api) -> None:
    default = api.client.post("/oauth/token", data=GOOD_FORM).json()
    assert default["scope"] == SCOPE_ALL
    assert _claims(default["access_token"])["scope"] == [SCOPE_ALL]
    api.fake.scopes = frozenset({SCOPE_READ})
    reader = api.client.post("/oauth/token", data=GOOD_FORM).json()
    assert reader["scope"] == SCOPE_READ
    assert _claims(reader["access_token"])["scope"] == [SCOPE_READ]
    api.headers["Authorization"] = f"Bearer {reader['access_token']}"
    assert api.get(BASE).status_code == 200
    assert api.post(BASE, {"name": "x"}).status_code == 403


def test_scopes_of_fixed_tokens() -> None:
    fake = FakeSimService(tokens=["fixed"], scopes=[SCOPE_READ])
    fake.add_token("manager", scopes=[SCOPE_MANAGE])
    transport = fake.transport()
    with httpx.Client(transport=transport, base_url="https://tenant.api.identitynow.com") as client:
        headers = {"X-SailPoint-Experimental": "true"}
        for token, status in (("fixed", 403), ("manager", 200)):
            response = client.post(
                BASE, json={"name": "x"}, headers={**headers, "Authorization": f"Bearer {token}"}
            )
            assert response.status_code == status
        fake.reset()  # fixed tokens come back with the service's scopes
        response = client.get(BASE, headers={**headers, "Authorization": "Bearer fixed"})
        assert response.status_code == 200


def test_403_on_a_read_names_both_scopes_that_would_do(api: Api) -> None:
    with_scopes(api)
    text = api.get(BASE).json()["messages"][1]["text"]
    assert text == (
        "getSIMIntegrations requires the scope idn:service-desk-integration:read or "
        "idn:service-desk-integration:manage; the access token has no scopes."
    )
