"""The seven operations, the token endpoint, auth and validation of the fake, on both carriers."""

from __future__ import annotations

import base64
import re

import httpx
import pytest

from sailpoint_sim.testing import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, FakeSimService

from .fake_support import GOOD_FORM, Api

BASE = "/v2025/sim-integrations"
HEX32 = re.compile(r"^[0-9a-f]{32}$")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$")


def assert_error(response: httpx.Response, status: int, detail: str, *needles: str) -> None:
    """SailPoint's ErrorResponseDto, with a tracking id matching the SLPT-Request-ID header."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["detailCode"] == detail
    assert HEX32.match(body["trackingId"])
    assert response.headers["SLPT-Request-ID"] == body["trackingId"]
    assert body["messages"], body
    for message in body["messages"]:
        assert message["locale"] == "en-US"
        assert message["localeOrigin"] == "DEFAULT"
    text = " ".join(m["text"] for m in body["messages"])
    for needle in needles:
        assert needle in text, text


# ---------------------------------------------------------------- token endpoint


def test_token_issued_for_good_credentials_and_accepted(api: Api) -> None:
    response = api.client.post("/oauth/token", data=GOOD_FORM)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 749
    assert body["scope"] == "sp:scopes:all"
    headers = {"Authorization": f"Bearer {body['access_token']}", "X-SailPoint-Experimental": "true"}
    assert api.client.get(BASE, headers=headers).status_code == 200
    assert api.fake.token_requests == 1


@pytest.mark.secrets_in_logs_on_purpose  # raw httpx logs the query string with the credentials
def test_token_accepts_query_parameters_and_basic_auth(api: Api) -> None:
    assert api.client.post("/oauth/token", params=GOOD_FORM).status_code == 200
    basic = base64.b64encode(f"{DEFAULT_CLIENT_ID}:{DEFAULT_CLIENT_SECRET}".encode()).decode()
    response = api.client.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert response.status_code == 200, response.text
    assert api.fake.token_requests == 2


@pytest.mark.parametrize(
    "form",
    [
        {**GOOD_FORM, "client_secret": "wrong"},
        {**GOOD_FORM, "client_id": "someone-else"},
        {"grant_type": "client_credentials"},
    ],
)
def test_token_refused_for_bad_credentials(api: Api, form: dict[str, str]) -> None:
    response = api.client.post("/oauth/token", data=form)
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client", "error_description": "Bad credentials"}
    assert api.fake.token_requests == 1


def test_token_refuses_other_grants(api: Api) -> None:
    response = api.client.post("/oauth/token", data={**GOOD_FORM, "grant_type": "password"})
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_token_endpoint_only_takes_post(api: Api) -> None:
    response = api.client.get("/oauth/token")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_token_ttl_is_configurable_and_tokens_expire() -> None:
    now = [1000.0]
    fake = FakeSimService(token_ttl=60, clock=lambda: now[0])
    with httpx.Client(transport=fake.transport(), base_url="https://t") as client:
        body = client.post("/oauth/token", data=GOOD_FORM).json()
        assert body["expires_in"] == 60
        headers = {"Authorization": f"Bearer {body['access_token']}", "X-SailPoint-Experimental": "true"}
        now[0] += 59
        assert client.get(BASE, headers=headers).status_code == 200
        now[0] += 2
        response = client.get(BASE, headers=headers)
        assert response.status_code == 401
        assert response.json() == {"error": "JWT validation failed: JWT is expired"}


def test_custom_credentials() -> None:
    fake = FakeSimService(client_id="my-id", client_secret="my-secret")
    with httpx.Client(transport=fake.transport(), base_url="https://t") as client:
        assert client.post("/oauth/token", data=GOOD_FORM).status_code == 401
        form = {"grant_type": "client_credentials", "client_id": "my-id", "client_secret": "my-secret"}
        assert client.post("/oauth/token", data=form).status_code == 200


# ---------------------------------------------------------------- auth and the experimental header


def test_missing_token_is_401(api: Api) -> None:
    response = api.client.get(BASE, headers={"X-SailPoint-Experimental": "true"})
    assert response.status_code == 401
    assert response.json()["error"].startswith("JWT validation failed")


@pytest.mark.parametrize("value", ["Bearer not-a-token", "Basic abc", "Bearer"])
def test_bad_token_is_401(api: Api, value: str) -> None:
    response = api.client.get(BASE, headers={"Authorization": value, "X-SailPoint-Experimental": "true"})
    assert response.status_code == 401
    assert response.json()["error"].startswith("JWT validation failed")


def test_expired_and_revoked_tokens_are_401(api: Api) -> None:
    api.fake.expire_tokens()
    response = api.get(BASE)
    assert response.status_code == 401
    assert response.json() == {"error": "JWT validation failed: JWT is expired"}
    fresh = api.fake.issue_token()
    headers = {"Authorization": f"Bearer {fresh}", "X-SailPoint-Experimental": "true"}
    assert api.client.get(BASE, headers=headers).status_code == 200
    api.fake.revoke_token(fresh)
    response = api.client.get(BASE, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "JWT validation failed: JWT is invalid"}


def test_pre_issued_tokens() -> None:
    fake = FakeSimService(tokens=["fixed-token"])
    fake.add_token("another-token")
    with httpx.Client(transport=fake.transport(), base_url="https://t") as client:
        for token in ("fixed-token", "another-token"):
            headers = {"Authorization": f"Bearer {token}", "X-SailPoint-Experimental": "true"}
            assert client.get(BASE, headers=headers).status_code == 200
        fake.revoke_token()
        assert client.get(BASE, headers=headers).status_code == 401


@pytest.mark.parametrize("value", [None, "True", "TRUE", "false", "", "1"])
def test_experimental_header_must_be_exactly_true(api: Api, value: str | None) -> None:
    headers = {"Authorization": f"Bearer {api.token}"}
    if value is not None:
        headers["X-SailPoint-Experimental"] = value
    response = api.client.get(BASE, headers=headers)
    assert response.status_code == 400
    assert response.json() == {"error": "Experimental Header is missing or invalid."}


def test_auth_is_checked_before_the_experimental_header(api: Api) -> None:
    assert api.client.get(BASE).status_code == 401


# ---------------------------------------------------------------- create, list, get


def test_create_assigns_id_and_timestamps_and_keeps_every_field(api: Api) -> None:
    sent = {
        "id": "id12345",
        "created": "2015-05-28T14:07:17Z",
        "modified": "2015-05-28T14:07:17Z",
        "name": "aName",
        "statusMap": "{closed_cancelled=Failed}",
        "attributes": None,
        "undeclared": {"nested": [1, 2.5, None]},
    }
    created = api.create(dict(sent))
    assert HEX32.match(str(created["id"]))
    assert created["id"] != "id12345"
    assert STAMP.match(str(created["created"]))
    assert created["created"] == created["modified"] != "2015-05-28T14:07:17Z"
    for key in ("name", "statusMap", "attributes", "undeclared"):
        assert created[key] == sent[key]
    assert api.get(f"{BASE}/{created['id']}").json() == created
    assert api.get(BASE).json() == [created]


def test_create_from_the_documented_example(api: Api) -> None:
    import json
    from pathlib import Path

    example = json.loads(Path("spec/examples/seed-sim-integration-details.json").read_text())
    created = api.create(example)
    assert created["name"] == "aName"
    assert created["beforeProvisioningRule"] == example["beforeProvisioningRule"]
    assert created["request"] == example["request"]


def test_list_keeps_creation_order(api: Api) -> None:
    ids = [api.create({"name": f"n{i}"})["id"] for i in range(3)]
    assert [item["id"] for item in api.get(BASE).json()] == ids


def test_unknown_id_is_404_with_sailpoint_body(api: Api) -> None:
    for response in (
        api.get(f"{BASE}/nope"),
        api.put(f"{BASE}/nope", {"name": "x"}),
        api.delete(f"{BASE}/nope"),
        api.patch(f"{BASE}/nope", []),
        api.patch(f"{BASE}/nope/beforeProvisioningRule", []),
    ):
        assert_error(response, 404, "404 Not found", "nope")


def test_ids_are_single_percent_decoded_segments(api: Api) -> None:
    response = api.get(f"{BASE}/a%2F..%2Fb%3F%23%20%C3%A9")
    assert_error(response, 404, "404 Not found", "a/../b?# é")
    # an unescaped slash makes a different (unknown) route, never another integration
    assert api.get(f"{BASE}/a/b").status_code == 404


def test_very_long_and_control_character_ids(api: Api) -> None:
    long_id = "a" * 20_000
    assert_error(api.get(f"{BASE}/{long_id}"), 404, "404 Not found", long_id)
    assert_error(api.get(f"{BASE}/%00%0A%1F%FF"), 404, "404 Not found", r"\x00\n\x1f")


def test_per_resource_paths_reach_the_same_handlers(api: Api) -> None:
    created = api.create({"name": "one"})
    assert api.get("/sim-integrations/v1").json() == [created]
    assert api.get(f"/sim-integrations/v1/{created['id']}").json() == created
    patched = api.patch(
        f"/sim-integrations/v1/{created['id']}", [{"op": "replace", "path": "/name", "value": "two"}]
    )
    assert patched.json()["name"] == "two"
    assert api.delete(f"/sim-integrations/v1/{created['id']}").status_code == 200
    assert api.get(f"{BASE}/{created['id']}").status_code == 404


def test_unknown_route_and_wrong_method(api: Api) -> None:
    assert_error(api.get("/v2025/other"), 404, "404 Not found")
    response = api.client.post(f"{BASE}/abc", headers=api.headers, json={"name": "x"})
    assert_error(response, 405, "405 Method Not Allowed")
    assert response.headers["Allow"] == "GET, PUT, DELETE, PATCH"
    assert api.client.delete(BASE, headers=api.headers).headers["Allow"] == "GET, POST"


# ---------------------------------------------------------------- put and delete


def test_put_replaces_keeps_created_and_changes_modified(api: Api) -> None:
    created = api.create({"name": "one", "description": "old", "extra": 1})
    response = api.put(
        f"{BASE}/{created['id']}", {"name": "two", "kept": True, "id": "other", "created": "x"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == created["id"]
    assert body["created"] == created["created"]
    assert body["modified"] > created["modified"]
    assert body["name"] == "two"
    assert body["kept"] is True
    assert "description" not in body and "extra" not in body
    assert api.get(f"{BASE}/{created['id']}").json() == body


def test_delete_answers_200_by_default_as_sailpoint_documents_then_404(api: Api) -> None:
    created = api.create()
    response = api.delete(f"{BASE}/{created['id']}")
    assert response.status_code == 200
    assert response.content == b""
    assert api.get(f"{BASE}/{created['id']}").status_code == 404
    assert api.get(BASE).json() == []


def test_delete_can_answer_204(api: Api) -> None:
    api.fake.delete_status = 204
    created = api.create()
    response = api.delete(f"{BASE}/{created['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert FakeSimService(delete_status=204).delete_status == 204


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({}, "name: is required"),
        ({"name": 5}, "name: must be a string"),
        ({"name": "x", "description": None}, "description: must be a string"),
        ({"name": "x", "sources": ["a", 1]}, "sources[1]: must be a string"),
        ({"name": "x", "sources": "a"}, "sources: must be an array"),
        ({"name": "x", "statusMap": {"closed": 1}}, "statusMap.closed: must be a string"),
        ({"name": "x", "statusMap": 3}, "statusMap: must be an object or a string"),
        ({"name": "x", "request": []}, "request: must be an object or a string"),
        ({"name": "x", "attributes": 1}, "attributes: must be an object or a string"),
        ({"name": "x", "cluster": None}, "cluster: must be a string"),
        ({"name": "x", "beforeProvisioningRule": "r"}, "beforeProvisioningRule: must be an object"),
        ({"name": "x", "beforeProvisioningRule": {"id": 1}}, "beforeProvisioningRule.id: must be a string"),
        ({"name": "x", "ownerRef": {"name": []}}, "ownerRef.name: must be a string"),
        (
            {"name": "x", "provisioningConfig": {"provisioningRequestExpiration": True}},
            "provisioningConfig.provisioningRequestExpiration: must be an integer",
        ),
        ([{"name": "x"}], "must be a JSON object"),
    ],
)
def test_invalid_bodies_are_400_naming_the_problem(api: Api, body: object, needle: str) -> None:
    created = api.create()
    for response in (api.post(BASE, body), api.put(f"{BASE}/{created['id']}", body)):
        assert_error(response, 400, "400.1 Bad Request Content", needle)
    assert api.get(BASE).json() == [created]
    assert len(api.fake.writes) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"name": None},
        {"name": "x", "attributes": None},
        {"name": "x", "attributes": '{"uid":"w"}'},
        {"name": "x", "statusMap": "{a=b}", "request": "{c=d}"},
        {"name": "x", "statusMap": {"a": "b"}, "request": {"c": 1}, "attributes": {"k": [1]}},
    ],
)
def test_valid_shapes_are_accepted(api: Api, body: dict[str, object]) -> None:
    created = api.create(body)
    for key, value in body.items():
        assert created[key] == value


@pytest.mark.parametrize("raw", [b"", b"{", b"not json", b'{"name": NaN}', b"\xff\xfe"])
def test_non_json_bodies_are_400(api: Api, raw: bytes) -> None:
    response = api.client.post(BASE, headers={**api.headers, "Content-Type": "application/json"}, content=raw)
    assert_error(response, 400, "400.1 Bad Request Content", "body")


def test_wrong_content_types_are_415(api: Api) -> None:
    response = api.client.post(BASE, headers={**api.headers, "Content-Type": "text/plain"}, content=b"{}")
    assert_error(response, 415, "415 Unsupported Media Type")
    created = api.create()
    response = api.client.patch(f"{BASE}/{created['id']}", headers=api.headers, json=[])
    assert_error(response, 415, "415 Unsupported Media Type", "application/json-patch+json")


# ---------------------------------------------------------------- JSON Patch


@pytest.mark.parametrize("wrap", [False, True], ids=["bare-array", "operations-object"])
def test_patch_applies_rfc6902_in_both_forms(api: Api, wrap: bool) -> None:
    created = api.create({"name": "n", "description": "d", "sources": ["a"], "attributes": {"k": "v"}})
    ops = [
        {"op": "test", "path": "/name", "value": "n"},
        {"op": "replace", "path": "/description", "value": "New description"},
        {"op": "add", "path": "/sources/-", "value": "b"},
        {"op": "copy", "from": "/description", "path": "/type"},
        {"op": "move", "from": "/attributes/k", "path": "/attributes/moved"},
        {"op": "remove", "path": "/sources/0"},
        {"op": "add", "path": "/undeclared", "value": None},
    ]
    response = api.patch(f"{BASE}/{created['id']}", {"operations": ops} if wrap else ops)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["description"] == body["type"] == "New description"
    assert body["sources"] == ["b"]
    assert body["attributes"] == {"moved": "v"}
    assert body["undeclared"] is None
    assert body["modified"] > created["modified"]
    assert body["created"] == created["created"]
    assert api.get(f"{BASE}/{created['id']}").json() == body
    assert api.fake.writes[-1].body == ({"operations": ops} if wrap else ops)


def test_empty_patches_are_accepted(api: Api) -> None:
    created = api.create()
    assert api.patch(f"{BASE}/{created['id']}", []).status_code == 200
    assert api.patch(f"{BASE}/{created['id']}", {}).status_code == 200


@pytest.mark.parametrize(
    ("ops", "needle"),
    [
        (
            [{"op": "test", "path": "/name", "value": "other"}],
            "body[0]: test failed: the value at /name is not the tested value",
        ),
        ([{"op": "remove", "path": "/missing"}], "body[0]: cannot remove /missing: there is no value there"),
        (
            [
                {"op": "add", "path": "/name", "value": "m"},
                {"op": "replace", "path": "/sources/9", "value": "x"},
            ],
            "body[1]: cannot replace /sources/9: there is no value there",
        ),
        (
            {"operations": [{"op": "copy", "from": "/nothing", "path": "/x"}]},
            "operations[0]: cannot copy from /nothing: there is no value there",
        ),
        ([{"op": "add", "path": "/a/b", "value": 1}], "body[0]: cannot add /a/b: /a cannot hold it"),
        ([{"op": "move", "from": "/sources", "path": "/sources/0"}], "cannot move /sources into itself"),
        # the whole document replaced by something that is not an integration (was a 500)
        ([{"op": "replace", "path": "", "value": 5}], "the patched SIM integration must be a JSON object"),
        ([{"op": "add", "path": "", "value": [1]}], "the patched SIM integration must be a JSON object"),
        (
            [{"op": "test", "path": "", "value": {}}],
            "body[0]: test failed: the document is not the tested value",
        ),
        ([{"op": "frobnicate", "path": "/name"}], "op: must be one of"),
        ([{"path": "/name"}], "op: is required"),
        ([{"op": "replace", "value": 1}], "path: is required"),
        ([{"op": "replace", "path": "name", "value": 1}], "path: must be a JSON Pointer"),
        ([{"op": "replace", "path": "/a~2b", "value": 1}], "path: must be a JSON Pointer"),
        ([{"op": "move", "path": "/name"}], "from: must be a JSON Pointer"),
        ([{"op": "add", "path": "/name"}], "value: is required"),
        (["replace"], "must be an object"),
        ({"operations": "x"}, "operations: must be an array"),
        ("replace", "body: must be a JSON Patch"),
        ([{"op": "replace", "path": "/name", "value": 5}], "name: must be a string"),
        ([{"op": "remove", "path": "/name"}], "name: is required"),
        ([{"op": "replace", "path": "/id", "value": "other"}], "id: is read-only"),
        ([{"op": "remove", "path": "/created"}], "created: is read-only"),
    ],
)
def test_bad_patches_are_400_and_change_nothing(api: Api, ops: object, needle: str) -> None:
    created = api.create({"name": "n", "sources": ["a"]})
    response = api.patch(f"{BASE}/{created['id']}", ops)
    assert_error(response, 400, "400.1 Bad Request Content", needle)
    # SailPoint-style words, not Python's: no reprs of the stored record, no types
    assert "<class" not in response.text
    assert "{'" not in response.text
    assert api.get(f"{BASE}/{created['id']}").json() == created
    assert [w.operation for w in api.fake.writes] == ["createSIMIntegration"]


def test_rule_patch_paths_are_relative_to_the_rule(api: Api) -> None:
    created = api.create({"name": "n"})
    ops = [
        {"op": "add", "path": "/type", "value": "RULE"},
        {"op": "add", "path": "/id", "value": "048eb3d55c5a4758bd07dccb87741c78"},
        {"op": "add", "path": "/name", "value": "Rule"},
    ]
    response = api.patch(f"{BASE}/{created['id']}/beforeProvisioningRule", {"operations": ops})
    assert response.status_code == 200, response.text
    rule = {"type": "RULE", "id": "048eb3d55c5a4758bd07dccb87741c78", "name": "Rule"}
    assert response.json()["beforeProvisioningRule"] == rule
    assert response.json()["name"] == "n"
    response = api.patch(
        f"{BASE}/{created['id']}/beforeProvisioningRule", [{"op": "replace", "path": "/name", "value": "R2"}]
    )
    assert response.json()["beforeProvisioningRule"] == {**rule, "name": "R2"}
    assert [w.operation for w in api.fake.writes][-2:] == ["patchBeforeProvisioningRule"] * 2


@pytest.mark.parametrize(
    ("ops", "needle"),
    [
        ([{"op": "replace", "path": "", "value": "x"}], "beforeProvisioningRule: must be an object"),
        ([{"op": "add", "path": "/id", "value": 7}], "beforeProvisioningRule.id: must be a string"),
        ([{"op": "remove", "path": "/nothing"}], "cannot remove /nothing: there is no value there"),
    ],
)
def test_bad_rule_patches_are_400(api: Api, ops: object, needle: str) -> None:
    created = api.create({"name": "n"})
    response = api.patch(f"{BASE}/{created['id']}/beforeProvisioningRule", ops)
    assert_error(response, 400, "400.1 Bad Request Content", needle)
    assert api.get(f"{BASE}/{created['id']}").json() == created
