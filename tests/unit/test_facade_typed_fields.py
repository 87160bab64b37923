"""Declared JSON types are checked when a 2xx body is parsed (issue 10.10), on both clients."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from sailpoint_sim import UnreadableResponseError

from .helpers import INTEGRATION, ApiFactory, Recorder


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    body = copy.deepcopy(INTEGRATION)
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


WRONG = [
    (("id",), 987, "field 'id' must be a string, got a number"),
    (("name",), {"first": "x"}, "field 'name' must be a string or null, got an object"),
    (("cluster",), 5, "field 'cluster' must be a string or null, got a number"),
    (("type",), False, "field 'type' must be a string, got a boolean"),
    (("description",), ["a"], "field 'description' must be a string, got an array"),
    (("managedSources",), "2c91", "field 'managedSources' must be an array of strings, got a string"),
    (("sources",), ["ok", 7], "field 'sources' must be an array of strings, got an array holding a number"),
    (("ownerRef", "id"), 1.5, "field 'id' must be a string, got a number"),
    (("ownerRef", "type"), 3, "field 'type' must be a string, got a number"),
    (
        ("provisioningConfig", "universalManager"),
        "no",
        "field 'universalManager' must be a boolean, got a string",
    ),
    (
        ("provisioningConfig", "provisioningRequestExpiration"),
        True,
        "field 'provisioningRequestExpiration' must be an integer, got a boolean",
    ),
    (("statusMap",), 12, "field 'statusMap' must be a string or an object, got a number"),
    (("attributes",), [1], "field 'attributes' must be a string or an object or null, got an array"),
]


@pytest.mark.parametrize(("path", "value", "message"), WRONG, ids=[".".join(w[0]) for w in WRONG])
@pytest.mark.parametrize("method", ["get", "list"])
async def test_a_field_of_the_wrong_type_is_an_unreadable_response(
    api_factory: ApiFactory, path: tuple[str, ...], value: Any, message: str, method: str
) -> None:
    body = _with(path, value)
    recorder = Recorder(api=lambda request: httpx.Response(200, json=[body] if method == "list" else body))
    api = api_factory(recorder)
    with pytest.raises(UnreadableResponseError) as info:
        await api(method, *(("abc",) if method == "get" else ()))
    await api.close()
    assert message in str(info.value)
    assert info.value.status_code == 200


async def test_unknown_fields_and_nulls_are_still_kept(api_factory: ApiFactory) -> None:
    body = _with(("name",), None) | {"futureField": {"nested": [1, 2]}, "cluster": None}
    api = api_factory(Recorder(api=lambda request: httpx.Response(200, json=body)))
    result = await api("get", "abc")
    await api.close()
    assert result.name is None and result.cluster is None
    assert result.additional_properties["futureField"] == {"nested": [1, 2]}
    assert result.to_dict()["futureField"] == {"nested": [1, 2]}
