"""The loopback server itself: HTTP/1.1 details, concurrency, shutdown, and the /__fake__ admin API."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from sailpoint_sim.testing import FakeServer, FakeSimService
from tests.support.threads import run_in_threads

from .fake_support import GOOD_FORM

BASE = "/v2025/sim-integrations"


def raw_exchange(server: FakeServer, data: bytes) -> bytes:
    """Send raw bytes, read until the server closes the connection."""
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(data)
        received = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return received
            received += chunk


@pytest.fixture
def server(fake: FakeSimService, sim_server: FakeServer) -> FakeServer:
    fake.add_token("tok")
    return sim_server


AUTH = b"Authorization: Bearer tok\r\nX-SailPoint-Experimental: true\r\n"


def test_url_and_port(server: FakeServer) -> None:
    assert server.url == f"http://127.0.0.1:{server.port}"
    assert server.port > 0
    assert str(server.port) in repr(server)


def test_keep_alive_serves_several_requests_on_one_connection(server: FakeServer) -> None:
    request = b"GET " + BASE.encode() + b" HTTP/1.1\r\nHost: x\r\n" + AUTH + b"\r\n"
    closing = b"GET " + BASE.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + AUTH + b"\r\n"
    received = raw_exchange(server, request + request + closing)
    assert received.count(b"HTTP/1.1 200 OK") == 3
    assert received.count(b"Connection: keep-alive") == 2
    assert b"Connection: close" in received


def test_http_10_closes_after_the_answer(server: FakeServer) -> None:
    received = raw_exchange(server, b"GET " + BASE.encode() + b" HTTP/1.0\r\n" + AUTH + b"\r\n")
    assert received.startswith(b"HTTP/1.1 200 OK")
    assert received.endswith(b"[]")


def test_chunked_request_bodies(server: FakeServer, fake: FakeSimService) -> None:
    body = b'{"name": "chunked"}'
    chunks = (
        b"5\r\n" + body[:5] + b"\r\n" + f"{len(body) - 5:x}".encode() + b"\r\n" + body[5:] + b"\r\n0\r\n\r\n"
    )
    request = (
        b"POST "
        + BASE.encode()
        + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + AUTH
        + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunks
    )
    received = raw_exchange(server, request)
    assert received.startswith(b"HTTP/1.1 200 OK"), received
    assert [doc["name"] for doc in fake.integrations.values()] == ["chunked"]


def test_expect_100_continue(server: FakeServer) -> None:
    body = b'{"name": "x"}'
    request = (
        b"POST "
        + BASE.encode()
        + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\nExpect: 100-continue\r\n"
        + AUTH
        + b"Content-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )
    received = raw_exchange(server, request)
    assert received.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK")


@pytest.mark.parametrize("garbage", [b"NONSENSE\r\n\r\n", b"GET / HTTP/1.1\r\nbad header line\r\n\r\n"])
def test_malformed_requests_get_400_and_a_closed_connection(server: FakeServer, garbage: bytes) -> None:
    assert raw_exchange(server, garbage).startswith(b"HTTP/1.1 400 Bad Request")


def test_many_concurrent_connections_with_latency(server: FakeServer, fake: FakeSimService) -> None:
    fake.latency = 0.05
    results: list[int] = []
    lock = threading.Lock()
    headers = {"Authorization": "Bearer tok", "X-SailPoint-Experimental": "true"}

    def work() -> None:
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
            for _ in range(3):
                status = client.get(BASE).status_code
                with lock:
                    results.append(status)

    run_in_threads([work] * 40)
    assert results == [200] * 120


def test_close_stops_serving_and_drops_idle_connections(fake: FakeSimService) -> None:
    server = fake.serve()
    with httpx.Client(base_url=server.url, timeout=5) as client:
        assert client.get("/__fake__/").json() == {"ok": True}  # leaves an idle keep-alive connection
        server.close()
        server.close()  # idempotent
        with pytest.raises(httpx.TransportError):
            client.get("/__fake__/")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()


def test_binding_a_busy_port_raises(server: FakeServer, fake: FakeSimService) -> None:
    with pytest.raises(OSError):
        fake.serve(port=server.port)


# ---------------------------------------------------------------- admin endpoints


@pytest.fixture
def admin(server: FakeServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{server.url}/__fake__", timeout=10) as client:
        yield client


@pytest.fixture
def api(server: FakeServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.url, headers={"X-SailPoint-Experimental": "true"}, timeout=10
    ) as client:
        yield client


def test_admin_faults_records_and_stats(admin: httpx.Client, api: httpx.Client) -> None:
    api.headers["Authorization"] = "Bearer tok"
    added = admin.post(
        "/faults", json={"kind": "status", "status": 429, "retry_after": 4, "operation": "getSIMIntegrations"}
    )
    assert added.status_code == 200
    assert added.json()[0]["retry_after"] == "4"
    assert admin.post("/faults", json=[{"kind": "html", "status": 502}, {"kind": "empty"}]).status_code == 200
    assert len(admin.get("/faults").json()) == 3
    response = api.get(BASE)
    assert (response.status_code, response.headers["Retry-After"]) == (429, "4")
    assert api.get(BASE).headers["Content-Type"].startswith("text/html")
    assert api.get(BASE).content == b""
    assert admin.delete("/faults").json() == {"ok": True}
    created = api.post(BASE, json={"name": "x", "extra": True}).json()
    writes = admin.get("/writes").json()
    assert writes == [
        {
            "method": "POST",
            "path": BASE,
            "operation": "createSIMIntegration",
            "id": created["id"],
            "body": {"name": "x", "extra": True},
        }
    ]
    requests = admin.get("/requests").json()
    assert [r["operation"] for r in requests] == ["getSIMIntegrations"] * 3 + ["createSIMIntegration"]
    assert ["authorization", "***"] in [[k.lower(), v] for k, v in requests[0]["headers"]]
    assert admin.get("/integrations").json() == [created]
    stats = admin.get("/stats").json()
    assert stats == {
        "integrations": 1,
        "tokenRequests": 0,
        "requests": 4,
        "writes": 1,
        "faults": 0,
        "rate_limited": 0,
    }
    assert admin.delete("/requests").json() == {"ok": True}
    assert admin.get("/writes").json() == []


def test_admin_seed_config_tokens_and_reset(
    fake: FakeSimService, admin: httpx.Client, api: httpx.Client
) -> None:
    assert len(admin.post("/seed", json={"count": 4}).json()["ids"]) == 4
    config = admin.post(
        "/config", json={"latency": 0.0, "delete_status": 204, "token_ttl": 30, "record": False}
    ).json()
    assert config == {
        "latency": 0.0,
        "delete_status": 204,
        "token_ttl": 30.0,
        "scopes": ["sp:scopes:all"],
        "record": False,
        "layouts": ["per-resource", "v2025"],
        "rate_limit": None,
        "clock_skew": 0.0,
    }
    assert fake.delete_status == 204 and fake.record is False
    assert admin.post("/tokens", json={"token": "mine"}).status_code == 200
    assert api.get(BASE, headers={"Authorization": "Bearer mine"}).status_code == 200
    admin.post("/tokens/expire")
    assert api.get(BASE, headers={"Authorization": "Bearer mine"}).json()["error"].endswith("expired")
    admin.post("/tokens", json={"token": "other"})
    admin.post("/tokens/revoke", json={"token": "other"})
    assert api.get(BASE, headers={"Authorization": "Bearer other"}).json()["error"].endswith("invalid")
    assert admin.post("/reset").json() == {"ok": True}
    assert fake.integrations == {}


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/faults", {"kind": "explode"}, 400),
        ("POST", "/faults", {"bogus": 1}, 400),
        ("POST", "/seed", {"count": -1}, 400),
        ("POST", "/config", {"delete_status": 201}, 400),
        ("POST", "/config", {"unknown": 1}, 400),
        ("POST", "/tokens", {}, 400),
        ("POST", "/tokens", {"token": "t", "scopes": "sp:scopes:all"}, 400),
        ("POST", "/config", {"scopes": [1]}, 400),
        ("POST", "/config", {"layouts": ["v2024"]}, 400),
        ("POST", "/config", {"layouts": []}, 400),
        ("POST", "/config", {"layouts": "v2025"}, 400),
        ("POST", "/config", {"rate_limit": {"requests": 0, "per": 1}}, 400),
        ("POST", "/config", {"rate_limit": {"requests": 5}}, 400),
        ("POST", "/config", {"rate_limit": 5}, 400),
        ("POST", "/config", {"clock_skew": "soon"}, 400),
        ("POST", "/seed", "not an object", 400),
        ("GET", "/nothing", None, 404),
    ],
)
def test_admin_refuses_bad_input(
    server: FakeServer, method: str, path: str, body: object, status: int
) -> None:
    response = httpx.request(method, f"{server.url}/__fake__{path}", json=body, timeout=10)
    assert response.status_code == status
    assert response.json()["messages"]


def test_admin_refuses_non_json(server: FakeServer) -> None:
    response = httpx.post(f"{server.url}/__fake__/faults", content=b"{", timeout=10)
    assert response.status_code == 400


def test_admin_scopes_for_tokens_and_for_the_token_endpoint(
    fake: FakeSimService, admin: httpx.Client, api: httpx.Client
) -> None:
    admin.post("/tokens", json={"token": "reader", "scopes": ["idn:service-desk-integration:read"]})
    reader = {"Authorization": "Bearer reader", "X-SailPoint-Experimental": "true"}
    assert api.get(BASE, headers=reader).status_code == 200
    assert api.post(BASE, headers=reader, json={"name": "x"}).status_code == 403
    config = admin.post("/config", json={"scopes": ["idn:service-desk-integration:manage"]}).json()
    assert config["scopes"] == ["idn:service-desk-integration:manage"]
    assert api.post("/oauth/token", data=GOOD_FORM).json()["scope"] == "idn:service-desk-integration:manage"
