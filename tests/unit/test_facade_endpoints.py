"""The seven endpoints on both clients: method, path, headers, body on the wire, content type, result."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sailpoint_sim_client.models import ServiceDeskIntegrationDto, SimIntegrationDetails

from sailpoint_sim import PatchFormat, patch

from .helpers import ACCESS_TOKEN, INTEGRATION, ApiFactory, Recorder

ID = "62945a496ef440189b1f03e3623411c8"
DETAILS = {"name": "aName", "description": "d", "type": "ServiceNowSDIM", "attributes": {"url": "https://x"}}
OPS = [{"op": "replace", "path": "/description", "value": "New description"}]

# (method name, args, HTTP method, path, content type of the body or None, expected JSON body or None)
ENDPOINTS: list[tuple[str, tuple[Any, ...], str, str, str | None, Any]] = [
    ("list", (), "GET", "/v2025/sim-integrations", None, None),
    ("get", (ID,), "GET", f"/v2025/sim-integrations/{ID}", None, None),
    ("create", (DETAILS,), "POST", "/v2025/sim-integrations", "application/json", DETAILS),
    ("update", (ID, DETAILS), "PUT", f"/v2025/sim-integrations/{ID}", "application/json", DETAILS),
    (
        "patch",
        (ID, OPS),
        "PATCH",
        f"/v2025/sim-integrations/{ID}",
        "application/json-patch+json",
        {"operations": OPS},
    ),
    (
        "patch_before_provisioning_rule",
        (ID, OPS),
        "PATCH",
        f"/v2025/sim-integrations/{ID}/beforeProvisioningRule",
        "application/json-patch+json",
        {"operations": OPS},
    ),
    ("delete", (ID,), "DELETE", f"/v2025/sim-integrations/{ID}", None, None),
]


def _answer(request: httpx.Request) -> httpx.Response:
    if request.method == "DELETE":
        return httpx.Response(204)
    if request.method == "GET" and request.url.path.endswith("/sim-integrations"):
        return httpx.Response(200, json=[INTEGRATION, {**INTEGRATION, "id": "second"}])
    return httpx.Response(200, json=INTEGRATION)


@pytest.mark.parametrize(
    ("name", "args", "method", "path", "content_type", "body"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
async def test_endpoint_on_the_wire(
    api_factory: ApiFactory,
    name: str,
    args: tuple[Any, ...],
    method: str,
    path: str,
    content_type: str | None,
    body: Any,
) -> None:
    recorder = Recorder(api=_answer)
    api = api_factory(recorder)
    result = await api(name, *args)

    [token_request] = recorder.token_requests
    [request] = recorder.api_requests
    assert request.method == method
    assert request.url.host == "acme.api.identitynow.com"
    assert request.url.scheme == "https"
    assert request.url.raw_path.decode() == path
    assert request.headers["X-SailPoint-Experimental"] == "true"
    assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.headers["Accept"] == "application/json"
    assert token_request.method == "POST"
    if content_type is None:
        assert request.content == b""
        assert "Content-Type" not in request.headers
    else:
        assert request.headers["Content-Type"] == content_type
        assert json.loads(request.content) == body

    if name == "delete":
        assert result is None
    elif name == "list":
        assert [item.id for item in result] == [INTEGRATION["id"], "second"]
        assert all(isinstance(item, ServiceDeskIntegrationDto) for item in result)
        assert result[0].to_dict() == INTEGRATION
    else:
        assert isinstance(result, ServiceDeskIntegrationDto)
        assert result.to_dict() == INTEGRATION


@pytest.mark.parametrize("status", [200, 204])
async def test_delete_accepts_200_and_204(api_factory: ApiFactory, status: int) -> None:
    api = api_factory(Recorder(api=lambda request: httpx.Response(status)), access_token="tok")
    assert await api("delete", ID) is None


@pytest.mark.parametrize("name", ["patch", "patch_before_provisioning_rule"])
@pytest.mark.parametrize(
    ("patch_format", "expected"),
    [
        (PatchFormat.OPERATIONS_OBJECT, lambda ops: {"operations": ops}),
        (PatchFormat.RFC6902_ARRAY, lambda ops: ops),
    ],
    ids=["operations-object", "rfc6902-array"],
)
async def test_patch_wire_formats(
    api_factory: ApiFactory, name: str, patch_format: PatchFormat, expected: Any
) -> None:
    recorder = Recorder()
    api = api_factory(recorder, access_token="tok", patch_format=patch_format)
    operations = [
        patch.add("/attributes/new", {"nested": [1, 2.5, True, None]}),
        patch.remove("/cluster"),
        patch.replace("/description", None),
        patch.move("/a", "/b"),
        patch.copy("/c", "/d~1e"),
        patch.test("/name", 42),
    ]
    await api(name, ID, operations)
    wire = [
        {"op": "add", "path": "/attributes/new", "value": {"nested": [1, 2.5, True, None]}},
        {"op": "remove", "path": "/cluster"},
        {"op": "replace", "path": "/description", "value": None},
        {"op": "move", "from": "/a", "path": "/b"},
        {"op": "copy", "from": "/c", "path": "/d~1e"},
        {"op": "test", "path": "/name", "value": 42},
    ]
    request = recorder.api_requests[-1]
    assert request.headers["Content-Type"] == "application/json-patch+json"
    assert json.loads(request.content) == expected(wire)
    # null must really be on the wire, not dropped.
    assert b'"value":null' in request.content


@pytest.mark.parametrize(
    "operations",
    [
        [{"op": "replace", "path": "/description", "value": "x"}],
        {"operations": [{"op": "replace", "path": "/description", "value": "x"}]},
        [patch.replace("/description", "x")],
    ],
    ids=["list-of-dicts", "operations-mapping", "models"],
)
async def test_patch_accepts_every_input_form(api_factory: ApiFactory, operations: Any) -> None:
    recorder = Recorder()
    api = api_factory(recorder, access_token="tok")
    await api("patch", ID, operations)
    assert recorder.last_json() == {"operations": [{"op": "replace", "path": "/description", "value": "x"}]}


async def test_patch_accepts_generated_json_patch_model(api_factory: ApiFactory) -> None:
    from sailpoint_sim_client.models import JsonPatch

    recorder = Recorder()
    api = api_factory(recorder, access_token="tok", patch_format=PatchFormat.RFC6902_ARRAY)
    await api("patch", ID, JsonPatch(operations=[patch.remove("/x")]))
    assert recorder.last_json() == [{"op": "remove", "path": "/x"}]


async def test_create_accepts_model_and_strips_server_fields(api_factory: ApiFactory) -> None:
    recorder = Recorder()
    api = api_factory(recorder, access_token="tok")
    details = SimIntegrationDetails.from_dict(
        {**DETAILS, "id": "x", "created": "2024-01-17T18:45:25Z", "extra": 1}
    )
    await api("create", details)
    assert recorder.last_json() == {**DETAILS, "extra": 1}


async def test_experimental_header_is_exactly_true_even_if_client_sets_another(kind: str) -> None:
    # A user's client with a wrong default header must not win: the header is ours to set.
    from sailpoint_sim import AsyncSimIntegrationsClient, SimIntegrationsClient

    recorder = Recorder()
    headers = {"X-SailPoint-Experimental": "True"}
    if kind == "sync":
        client = SimIntegrationsClient(
            "https://t.example.com",
            access_token="tok",
            http_client=httpx.Client(transport=httpx.MockTransport(recorder), headers=headers),
        )
        client.get("a")
    else:
        aclient = AsyncSimIntegrationsClient(
            "https://t.example.com",
            access_token="tok",
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(recorder), headers=headers),
        )
        await aclient.get("a")
    assert recorder.api_requests[0].headers.get_list("X-SailPoint-Experimental") == ["true"]


async def test_own_client_sends_user_agent(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from sailpoint_sim import AsyncSimIntegrationsClient, SimIntegrationsClient, __version__

    recorder = Recorder(api=_answer)
    transport = httpx.MockTransport(recorder)
    # Our own httpx client is built by the facade; give it the mock transport through httpx's default.
    real_client, real_async = httpx.Client.__init__, httpx.AsyncClient.__init__

    def sync_init(self: httpx.Client, *args: Any, **kwargs: Any) -> None:
        real_client(self, *args, **{**kwargs, "transport": transport})

    def async_init(self: httpx.AsyncClient, *args: Any, **kwargs: Any) -> None:
        real_async(self, *args, **{**kwargs, "transport": transport})

    monkeypatch.setattr(httpx.Client, "__init__", sync_init)
    monkeypatch.setattr(httpx.AsyncClient, "__init__", async_init)
    # ... and through the transport the lean send path builds itself.
    monkeypatch.setattr(httpx, "HTTPTransport", lambda **kwargs: transport)
    monkeypatch.setattr(httpx, "AsyncHTTPTransport", lambda **kwargs: transport)
    if kind == "sync":
        with SimIntegrationsClient("https://t.example.com", access_token="tok") as client:
            client.list()
    else:
        async with AsyncSimIntegrationsClient("https://t.example.com", access_token="tok") as aclient:
            await aclient.list()
    assert recorder.api_requests[0].headers["User-Agent"].startswith(f"sailpoint-sim/{__version__}")
