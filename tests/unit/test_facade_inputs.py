"""Inputs: JSON Patch helpers and validation, path safety of ids, create/update bodies, read-modify-write."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sailpoint_sim_client.models import JsonPatchOperation, ServiceDeskIntegrationDto, SimIntegrationDetails
from sailpoint_sim_client.models.json_patch_operation_op import JsonPatchOperationOp

from sailpoint_sim import InvalidRequestError, details_from, patch

from .helpers import INTEGRATION, ApiFactory, Recorder

# -- patch helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "wire"),
    [
        (patch.add("/a", 1), {"op": "add", "path": "/a", "value": 1}),
        (patch.add("/a/-", [1, "x"]), {"op": "add", "path": "/a/-", "value": [1, "x"]}),
        (patch.remove("/a/0"), {"op": "remove", "path": "/a/0"}),
        (patch.replace("", {"whole": "doc"}), {"op": "replace", "path": "", "value": {"whole": "doc"}}),
        (patch.replace("/a", None), {"op": "replace", "path": "/a", "value": None}),
        (patch.replace("/a", 1.5), {"op": "replace", "path": "/a", "value": 1.5}),
        (patch.replace("/a", False), {"op": "replace", "path": "/a", "value": False}),
        (patch.move("/from", "/to"), {"op": "move", "from": "/from", "path": "/to"}),
        (patch.copy("/m~0n", "/a~1b"), {"op": "copy", "from": "/m~0n", "path": "/a~1b"}),
        (patch.test("/a", "x"), {"op": "test", "path": "/a", "value": "x"}),
        (patch.add("/a", None), {"op": "add", "path": "/a", "value": None}),
        (patch.test("/a", None), {"op": "test", "path": "/a", "value": None}),
    ],
)
def test_builders(operation: JsonPatchOperation, wire: dict[str, Any]) -> None:
    assert isinstance(operation, JsonPatchOperation)
    assert operation.to_dict() == wire


@pytest.mark.parametrize(
    "path",
    ["a", "description", "~", "/a~", "/a~2", "/~x", " /a", "#/a"],
)
def test_bad_pointer_refused(path: str) -> None:
    with pytest.raises(InvalidRequestError, match="not a JSON Pointer"):
        patch.replace(path, 1)
    with pytest.raises(InvalidRequestError, match="not a JSON Pointer"):
        patch.move(path, "/ok")


@pytest.mark.parametrize("path", [None, 5, b"/a", ["/a"]])
def test_non_string_pointer_refused(path: Any) -> None:
    with pytest.raises(InvalidRequestError, match="JSON Pointer string"):
        patch.remove(path)


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), {1: "x"}, {"a": {2: 3}}, object(), b"bytes", {1, 2}, [float("-inf")]],
    ids=["nan", "inf", "int-key", "nested-int-key", "object", "bytes", "set", "list-inf"],
)
def test_non_json_values_refused(value: Any) -> None:
    with pytest.raises(InvalidRequestError, match="value"):
        patch.add("/a", value)


@pytest.mark.parametrize(
    ("operations", "message"),
    [
        ([{"op": "delete", "path": "/a"}], "op 'delete' is not one of"),
        ([{"op": "REPLACE", "path": "/a", "value": 1}], "op 'REPLACE'"),
        ([{"op": 3, "path": "/a"}], "op must be a string"),
        ([{"path": "/a"}], "has no 'op'"),
        ([{"op": "remove"}], "has no 'path'"),
        ([{"op": "remove", "path": "a"}], "operation 0: path 'a' is not a JSON Pointer"),
        (
            [{"op": "remove", "path": "/ok"}, {"op": "add", "path": "/x"}],
            "operation 1: op 'add' needs 'value'",
        ),
        ([{"op": "move", "path": "/x"}], "needs 'from'"),
        ([{"op": "copy", "from": "bad", "path": "/x"}], "from 'bad' is not a JSON Pointer"),
        ([{"op": "add", "path": "/x", "value": float("nan")}], "JSON cannot represent"),
        ([{"op": "remove", "path": "/x", 1: 2}], "non-string key"),
        ([], "empty"),
        ("replace /a", "list of JSON Patch operations"),
        (b"[]", "list of JSON Patch operations"),
        ({"op": "remove", "path": "/a"}, "'operations' list"),
        ({"operations": "nope"}, "list of JSON Patch operations"),
        ([["remove", "/a"]], "must be a mapping or JsonPatchOperation"),
        (None, "list of JSON Patch operations"),
        (
            [JsonPatchOperation(op=JsonPatchOperationOp.REPLACE, path="no-slash", value=1)],
            "not a JSON Pointer",
        ),
        ([JsonPatchOperation(op=JsonPatchOperationOp.ADD, path="/a")], "needs 'value'"),
    ],
)
async def test_bad_operations_refused_before_sending(
    api_factory: ApiFactory, operations: Any, message: str
) -> None:
    recorder = Recorder()
    api = api_factory(recorder, access_token="tok")
    for name in ("patch", "patch_before_provisioning_rule"):
        with pytest.raises(InvalidRequestError, match=message):
            await api(name, "id", operations)
    assert recorder.requests == []


async def test_unknown_operation_members_are_kept(api_factory: ApiFactory) -> None:
    recorder = Recorder()
    api = api_factory(recorder, access_token="tok")
    await api("patch", "id", [{"op": "remove", "path": "/a", "comment": "why"}])
    assert recorder.last_json() == {"operations": [{"op": "remove", "path": "/a", "comment": "why"}]}


# -- path safety ----------------------------------------------------------------------------------------

HOSTILE_IDS = [
    "a/b",
    "../../oauth/token",
    "..%2F..%2Fadmin",
    "%2e%2e",
    "x?admin=true",
    "x#frag",
    "100%",
    "with space",
    "ünïcødé-✓",
    "tab\tnew\nline\r\x00nul\x7f",
    "/",
    "...",
    "a" * 5000,
    "~!*'();:@&=+$,",
]


# The calls that take an integration id, with the arguments that follow it.
ID_CALLS: dict[str, tuple[Any, ...]] = {
    "get": (),
    "update": ({"name": "n"},),
    "patch": ([{"op": "remove", "path": "/a"}],),
    "patch_before_provisioning_rule": ([{"op": "remove", "path": "/a"}],),
    "delete": (),
}


@pytest.mark.parametrize("bad_id", HOSTILE_IDS, ids=range(len(HOSTILE_IDS)))
@pytest.mark.parametrize("name", list(ID_CALLS))
async def test_hostile_ids_stay_one_segment(api_factory: ApiFactory, name: str, bad_id: str) -> None:
    from urllib.parse import unquote

    recorder = Recorder()
    api = api_factory(recorder, access_token="tok")
    await api(name, bad_id, *ID_CALLS[name])
    [request] = recorder.requests
    raw_path = request.url.raw_path.decode("ascii")
    assert "?" not in raw_path and "#" not in raw_path
    assert request.url.query == b""
    prefix = "/v2025/sim-integrations/"
    assert raw_path.startswith(prefix)
    rest = raw_path[len(prefix) :]
    segment = (
        rest.removesuffix("/beforeProvisioningRule") if name == "patch_before_provisioning_rule" else rest
    )
    assert "/" not in segment
    assert unquote(segment) == bad_id


@pytest.mark.parametrize("bad_id", ["", ".", "..", None, 5, b"abc", ["a"], "\ud800", "ok-\udfff"])
@pytest.mark.parametrize("name", list(ID_CALLS))
async def test_invalid_ids_refused_before_sending(api_factory: ApiFactory, name: str, bad_id: Any) -> None:
    recorder = Recorder()
    api = api_factory(recorder, access_token="tok")
    with pytest.raises(InvalidRequestError, match="id"):
        await api(name, bad_id, *ID_CALLS[name])
    assert recorder.requests == []


# -- create / update bodies ----------------------------------------------------------------------------


async def test_create_strips_server_assigned_fields(api_factory: ApiFactory) -> None:
    recorder = Recorder()
    api = api_factory(recorder, access_token="tok")
    await api("create", {**INTEGRATION, "futureField": {"x": [1]}})
    body = recorder.last_json()
    expected = {k: v for k, v in INTEGRATION.items() if k not in ("id", "created", "modified")}
    assert body == {**expected, "futureField": {"x": [1]}}


async def test_update_accepts_fetched_dto_directly(api_factory: ApiFactory) -> None:
    recorder = Recorder()
    api = api_factory(recorder, access_token="tok")
    dto = ServiceDeskIntegrationDto.from_dict(INTEGRATION)
    await api("update", dto.id, dto)
    assert recorder.last_json() == {
        k: v for k, v in INTEGRATION.items() if k not in ("id", "created", "modified")
    }


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"description": "no name"}, "has no 'name'"),
        ({"name": "n", "beforeProvisioningRule": "not an object"}, "does not fit SimIntegrationDetails"),
        ({"name": "n", "x": float("nan")}, "JSON cannot represent"),
        ({"name": "n", 5: "int key"}, "non-string key"),
        ({"name": "n", "x": object()}, "not a JSON value"),
        ("name=n", "must be a SimIntegrationDetails or a mapping"),
        ([("name", "n")], "must be a SimIntegrationDetails or a mapping"),
        (None, "must be a SimIntegrationDetails or a mapping"),
    ],
)
@pytest.mark.parametrize("name", ["create", "update"])
async def test_bad_details_refused_before_sending(
    api_factory: ApiFactory, name: str, details: Any, message: str
) -> None:
    recorder = Recorder()
    api = api_factory(recorder, access_token="tok")
    args = (details,) if name == "create" else ("id", details)
    with pytest.raises(InvalidRequestError, match=message):
        await api(name, *args)
    assert recorder.requests == []


async def test_model_with_unserialisable_extra_refused(api_factory: ApiFactory) -> None:
    recorder = Recorder()
    api = api_factory(recorder, access_token="tok")
    details = SimIntegrationDetails(name="n")
    details.additional_properties["when"] = object()
    with pytest.raises(InvalidRequestError):
        await api("create", details)
    assert recorder.requests == []


# -- read-modify-write ------------------------------------------------------------------------------------

UNDECLARED = {
    "futureFlag": True,
    "futureNumber": 1.25,
    "futureNull": None,
    "futureList": [{"deep": {"deeper": ["x", 1, None]}}],
    "futureObject": {"a": {"b": {"c": "d"}}},
    "ownerRef": {"type": "NEW_DTO_TYPE", "id": "o1", "name": "Owner", "extraRef": "kept"},
    "provisioningConfig": {
        "universalManager": True,
        "managedResourceRefs": [],
        "planInitializerScript": {"source": "<Rule/>", "extra": 1},
        "noProvisioningRequests": False,
        "provisioningRequestExpiration": 12,
        "futureConfig": "kept",
    },
    "attributes": '{"uid": "stringified"}',
    "statusMap": "{closed_cancelled=Failed}",
    "request": {"description": "d", "extra": {"nested": True}},
    "beforeProvisioningRule": {"type": "RULE", "id": "r1", "name": "Rule", "extra": "kept"},
}


async def test_read_modify_write_keeps_every_field(api_factory: ApiFactory) -> None:
    stored = {**INTEGRATION, **UNDECLARED}

    recorder = Recorder(
        api=lambda request: httpx.Response(200, json=stored),
    )
    api = api_factory(recorder, access_token="tok")
    fetched = await api("get", stored["id"])
    details = details_from(fetched)
    assert isinstance(details, SimIntegrationDetails)
    details.description = "changed"
    await api("update", fetched.id, details)
    body = json.loads(recorder.api_requests[-1].content)
    expected = {k: v for k, v in stored.items() if k not in ("id", "created", "modified")}
    expected["description"] = "changed"
    assert body == expected


def test_details_from_mapping_and_model() -> None:
    stored = {**INTEGRATION, **UNDECLARED}
    from_mapping = details_from(stored)
    from_model = details_from(ServiceDeskIntegrationDto.from_dict(stored))
    expected = {k: v for k, v in stored.items() if k not in ("id", "created", "modified")}
    assert from_mapping.to_dict() == expected
    assert from_model.to_dict() == expected


def test_details_from_refuses_other_types() -> None:
    with pytest.raises(InvalidRequestError):
        details_from("not an integration")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match="'name'"):
        details_from({"id": "x"})


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("patch", ("id", [{"op": "replace", "path": "/a\ud800", "value": 1}])),
        ("patch_before_provisioning_rule", ("id", [{"op": "add", "path": "/a", "value": "\udfff"}])),
        ("create", ({"name": "bad \ud83d"},)),
        ("update", ("id", {"name": "n", "extra": {"k": "\ud800"}})),
    ],
)
async def test_unencodable_text_in_bodies_refused(
    api_factory: ApiFactory, name: str, args: tuple[Any, ...]
) -> None:
    recorder = Recorder()
    api = api_factory(recorder, access_token="tok")
    with pytest.raises(InvalidRequestError):
        await api(name, *args)
    assert recorder.requests == []
