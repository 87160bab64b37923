"""Error mapping on both clients: every status, every body shape, unreadable successes, transport errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sailpoint_sim import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SailPointError,
    ServerError,
    UnexpectedStatusError,
    UnreadableResponseError,
)

from .helpers import INTEGRATION, ApiFactory, Recorder

SAILPOINT_ERROR = {
    "detailCode": "404 Not found",
    "trackingId": "b21b1f7ce4da4d639f2c62a57171b427",
    "messages": [
        {
            "locale": "en-US",
            "localeOrigin": "DEFAULT",
            "text": "The server did not find a current representation.",
        }
    ],
    "causes": [],
}


def _reply(
    status: int, body: Any = None, *, content: bytes | None = None, headers: dict[str, str] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if content is not None:
            return httpx.Response(status, content=content, headers=headers)
        if body is None:
            return httpx.Response(status, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    return handler


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (501, ServerError),
        (520, ServerError),
        (599, ServerError),
        (418, UnexpectedStatusError),
        (409, UnexpectedStatusError),
        (302, UnexpectedStatusError),
        (304, UnexpectedStatusError),
        (499, UnexpectedStatusError),
    ],
)
async def test_status_maps_to_error_class(
    api_factory: ApiFactory, status: int, error_class: type[APIStatusError]
) -> None:
    body = {**SAILPOINT_ERROR, "detailCode": f"{status} Something"}
    api = api_factory(Recorder(api=_reply(status, body)), access_token="tok", max_retries=0)
    with pytest.raises(error_class) as info:
        await api("get", "abc")
    error = info.value
    assert type(error) is error_class
    assert isinstance(error, APIStatusError)
    assert isinstance(error, SailPointError)
    assert error.status_code == status
    assert error.detail_code == f"{status} Something"
    assert error.tracking_id == "b21b1f7ce4da4d639f2c62a57171b427"
    assert error.messages == ["The server did not find a current representation."]
    assert error.method == "GET"
    assert error.url.endswith("/v2025/sim-integrations/abc")
    text = str(error)
    assert "\n" not in text
    assert str(status) in text
    assert "The server did not find a current representation." in text
    assert "b21b1f7ce4da4d639f2c62a57171b427" in text


@pytest.mark.parametrize(
    "name", ["list", "create", "update", "patch", "patch_before_provisioning_rule", "delete"]
)
async def test_every_method_maps_errors(api_factory: ApiFactory, name: str) -> None:
    args: dict[str, tuple[Any, ...]] = {
        "list": (),
        "create": ({"name": "n"},),
        "update": ("id", {"name": "n"}),
        "patch": ("id", [{"op": "remove", "path": "/x"}]),
        "patch_before_provisioning_rule": ("id", [{"op": "remove", "path": "/x"}]),
        "delete": ("id",),
    }
    api = api_factory(Recorder(api=_reply(404, SAILPOINT_ERROR)), access_token="tok")
    with pytest.raises(NotFoundError) as info:
        await api(name, *args[name])
    assert info.value.tracking_id == SAILPOINT_ERROR["trackingId"]


async def test_missing_experimental_header_body(api_factory: ApiFactory) -> None:
    body = {"error": "Experimental Header is missing or invalid."}
    api = api_factory(Recorder(api=_reply(400, body)), access_token="tok")
    with pytest.raises(BadRequestError) as info:
        await api("list")
    assert info.value.messages == ["Experimental Header is missing or invalid."]
    assert info.value.detail_code is None and info.value.tracking_id is None
    assert "Experimental Header is missing or invalid." in str(info.value)


async def test_401_error_body(api_factory: ApiFactory) -> None:
    api = api_factory(
        Recorder(api=_reply(401, {"error": "JWT validation failed: JWT is expired"})), access_token="tok"
    )
    with pytest.raises(AuthenticationError, match="JWT is expired"):
        await api("list")


async def test_429_message_body_and_retry_after(api_factory: ApiFactory) -> None:
    api = api_factory(
        Recorder(api=_reply(429, {"message": " Rate Limit Exceeded "}, headers={"Retry-After": "7"})),
        access_token="tok",
        max_retries=0,
    )
    with pytest.raises(RateLimitError) as info:
        await api("get", "x")
    assert info.value.retry_after == 7.0
    assert info.value.messages == ["Rate Limit Exceeded"]
    assert info.value.headers["retry-after"] == "7"


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>", "text/html"),
        (b"", ""),
        (b"\xff\xfe garbage \x00\x01", "application/octet-stream"),
        (b'{"detailCode": 5, "messages": "not a list", "trackingId": null}', "application/json"),
        (b'{"messages": [{"text": null}, 3, "plain"], "error": {"nested": 1}}', "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'{"truncated": ', "application/json"),
        (b"x" * 100_000, "text/plain"),
    ],
    ids=["html", "empty", "binary", "wrong-types", "odd-messages", "array", "truncated", "huge"],
)
async def test_error_building_never_fails(api_factory: ApiFactory, content: bytes, content_type: str) -> None:
    headers = {"Content-Type": content_type} if content_type else None
    api = api_factory(
        Recorder(api=_reply(502, content=content, headers=headers)), access_token="tok", max_retries=0
    )
    with pytest.raises(ServerError) as info:
        await api("get", "x")
    text = str(info.value)
    assert "\n" not in text
    assert "502" in text
    assert len(info.value.body) <= 201


async def test_html_error_excerpt_in_message(api_factory: ApiFactory) -> None:
    page = b"<html><body>Gateway exploded</body></html>"
    api = api_factory(Recorder(api=_reply(418, content=page)), access_token="tok")
    with pytest.raises(UnexpectedStatusError, match="Gateway exploded"):
        await api("list")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("get", b"<html>oops</html>", "not JSON"),
        ("get", b"", "not JSON"),
        ("get", b'{"id": "1", "name": "a"', "not JSON"),
        ("get", b"[]", "JSON object"),
        ("get", b'"a string"', "JSON object"),
        ("get", b'{"id": "1"}', "KeyError"),
        ("get", b'{"name": "a", "created": "not a date"}', "ValueError"),
        ("get", b'{"name": "a", "ownerRef": "not an object"}', "ServiceDeskIntegrationDto"),
        ("list", b'{"name": "a"}', "JSON array"),
        ("list", b'[{"name": "a"}, 3]', "item 1"),
        ("list", b"null", "JSON array"),
        ("create", b"\xff\xfe\x00", "not JSON"),
        ("patch", b"[1]", "JSON object"),
    ],
)
async def test_unreadable_success(api_factory: ApiFactory, name: str, content: bytes, reason: str) -> None:
    api = api_factory(
        Recorder(api=_reply(200, content=content, headers={"Content-Type": "text/html"})), access_token="tok"
    )
    args: dict[str, tuple[Any, ...]] = {
        "get": ("x",),
        "list": (),
        "create": ({"name": "n"},),
        "patch": ("x", [{"op": "remove", "path": "/a"}]),
    }
    with pytest.raises(UnreadableResponseError) as info:
        await api(name, *args[name])
    error = info.value
    assert error.status_code == 200
    assert error.content_type == "text/html"
    assert reason in str(error)
    assert "\n" not in str(error)
    assert error.body_excerpt == content.decode("utf-8", "replace").strip()[:200] or not content.isascii()


async def test_unreadable_excerpt_is_short(api_factory: ApiFactory) -> None:
    api = api_factory(Recorder(api=_reply(200, content=b"<" + b"a" * 10_000)), access_token="tok")
    with pytest.raises(UnreadableResponseError) as info:
        await api("get", "x")
    assert len(info.value.body_excerpt) <= 201
    assert info.value.body_excerpt.endswith("…")


async def test_success_with_wrong_content_type_but_json_body_is_read(api_factory: ApiFactory) -> None:
    api = api_factory(
        Recorder(
            api=_reply(200, content=b'{"name": "a", "id": "1"}', headers={"Content-Type": "text/plain"})
        ),
        access_token="tok",
    )
    result = await api("get", "1")
    assert result.id == "1"


@pytest.mark.parametrize(
    ("exc", "error_class"),
    [
        (httpx.ConnectError("connection refused"), APIConnectionError),
        (httpx.ReadError("connection reset by peer"), APIConnectionError),
        (httpx.RemoteProtocolError("server disconnected"), APIConnectionError),
        (httpx.WriteError("broken pipe"), APIConnectionError),
        (httpx.ConnectTimeout("connect timed out"), APITimeoutError),
        (httpx.ReadTimeout("read timed out"), APITimeoutError),
        (httpx.WriteTimeout("write timed out"), APITimeoutError),
        (httpx.PoolTimeout("pool timed out"), APITimeoutError),
        (httpx.ProxyError("proxy said no"), APIConnectionError),
        (httpx.UnsupportedProtocol("nope"), APIConnectionError),
        (httpx.DecodingError("bad gzip"), APIConnectionError),
        (httpx.TooManyRedirects("loop"), APIConnectionError),
    ],
)
async def test_transport_errors(
    api_factory: ApiFactory, exc: Exception, error_class: type[Exception]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    api = api_factory(Recorder(api=handler), access_token="tok", max_retries=0)
    with pytest.raises(error_class) as info:
        await api("get", "x")
    assert type(info.value) is error_class
    assert type(exc).__name__ in str(info.value)
    assert info.value.method == "GET"  # type: ignore[attr-defined]


async def test_timeout_is_a_connection_error(api_factory: ApiFactory) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow")

    api = api_factory(Recorder(api=handler), access_token="tok", max_retries=0)
    with pytest.raises(APIConnectionError):
        await api("list")


async def test_closed_client_raises_our_error(api_factory: ApiFactory) -> None:
    api = api_factory(access_token="tok")
    if isinstance(api.http, httpx.AsyncClient):
        await api.http.aclose()
    else:
        api.http.close()
    with pytest.raises(InvalidRequestError, match="closed"):
        await api("get", "x")


async def test_result_is_parsed_model(api_factory: ApiFactory) -> None:
    api = api_factory(Recorder(api=_reply(200, INTEGRATION)), access_token="tok")
    result = await api("get", INTEGRATION["id"])
    assert result.name == INTEGRATION["name"]
    assert result.owner_ref.id == INTEGRATION["ownerRef"]["id"]
