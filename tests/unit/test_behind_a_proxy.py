"""A client we build ourselves, behind a proxy configured in the environment (real HTTP over loopback).

With a proxy in the environment the client cannot send straight to its transport (only httpx.Client
picks the proxy per URL), so it builds an httpx.Client that reads the environment and keeps the same
connection limits as the direct path.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sailpoint_sim import AsyncSimIntegrationsClient, SimIntegrationsClient
from tests.support.clients import maybe_await
from tests.support.proxy import ForwardProxy, self_signed_certificate
from tests.support.threads import run_in_threads

from .helpers import INTEGRATION

TENANT = "http://tenant.invalid"  # never resolved: only the proxy can answer for it
BURST = 30  # more calls at once than httpx's default of 20 kept-alive connections


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForwardProxy]:
    with ForwardProxy(INTEGRATION, hold=BURST).running() as running:
        for name in (
            "HTTPS_PROXY",
            "ALL_PROXY",
            "NO_PROXY",
            "https_proxy",
            "all_proxy",
            "no_proxy",
            "http_proxy",
        ):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", running.url)
        yield running


def _client(cls: Any) -> Any:
    return cls(TENANT, access_token="tok", allow_insecure_http=True, rate_limit=None)


def _check(proxy: ForwardProxy) -> None:
    assert len(proxy.requests) == 2 * BURST
    assert all(r.startswith(f"GET {TENANT}/v2025/sim-integrations/id-") for r in proxy.requests)
    # Every connection of the first burst was kept and served the second: none was closed as surplus
    # (httpx's default keeps 20 and closes the rest, which also exposes encode/httpcore#1110).
    assert proxy.connections == BURST


def test_the_sync_client_goes_through_the_proxy_and_keeps_every_connection(proxy: ForwardProxy) -> None:
    client = _client(SimIntegrationsClient)
    assert client._transport is None  # through httpx.Client, which routes to the proxy
    got: list[str] = []

    def get(n: int) -> None:
        got.append(client.get(f"id-{n}").id)

    for _burst in range(2):
        run_in_threads(functools.partial(get, n) for n in range(BURST))
    client.close()
    assert got == [INTEGRATION["id"]] * (2 * BURST)
    _check(proxy)


async def test_the_async_client_goes_through_the_proxy_and_keeps_every_connection(
    proxy: ForwardProxy,
) -> None:
    client = _client(AsyncSimIntegrationsClient)
    assert client._transport is None
    got: list[str] = []
    for _burst in range(2):
        # The proxy holds each request on a thread of its own until all are in: the loop stays free.
        results = await asyncio.gather(*(client.get(f"id-{n}") for n in range(BURST)))
        got += [result.id for result in results]
    await client.aclose()
    assert got == [INTEGRATION["id"]] * (2 * BURST)
    _check(proxy)


@pytest.mark.parametrize("trusted_by", ["SSL_CERT_FILE", "the shared context"])
@pytest.mark.parametrize("cls", [SimIntegrationsClient, AsyncSimIntegrationsClient])
async def test_https_through_the_proxy_uses_the_clients_tls_context(
    cls: Any, trusted_by: str, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The tenant's certificate is trusted either by a corporate CA file in SSL_CERT_FILE (as httpx
    # honours it) or by the one TLS context our clients share (shared_ssl_context); the transport httpx
    # mounts for the proxy must use that context, not one of its own or httpcore's default.
    import sailpoint_sim._base

    cert, key = self_signed_certificate(tmp_path)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    if trusted_by == "SSL_CERT_FILE":
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        shared: list[ssl.SSLContext] = []  # built afresh, reading the variable
    else:
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        shared = [ssl.create_default_context(cafile=str(cert))]
    monkeypatch.setattr(sailpoint_sim._base, "_SSL_CONTEXTS", shared)
    with ForwardProxy(INTEGRATION, tls=(cert, key)).running() as tenant:
        client = cls(f"https://localhost:{tenant.port}", access_token="tok", rate_limit=None)
        assert client._transport is None
        got = await maybe_await(client.get("x"))
        await maybe_await(
            client.aclose() if isinstance(client, AsyncSimIntegrationsClient) else client.close()
        )
    assert got.id == INTEGRATION["id"]
    assert proxy.requests == [f"CONNECT localhost:{tenant.port}"]
    assert tenant.requests == ["GET /v2025/sim-integrations/x"]


@pytest.mark.parametrize("cls", [SimIntegrationsClient, AsyncSimIntegrationsClient])
def test_clients_behind_a_proxy_share_one_tls_context(
    cls: Any, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Loading the CA bundle costs tens of milliseconds: after the first client, building another one
    # behind a proxy builds no TLS context (the proxy's transport and the default one share ours).
    cls(TENANT, access_token="tok", allow_insecure_http=True)
    built: list[object] = []
    real = ssl.create_default_context

    def counting(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        built.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counting)
    client = cls(TENANT, access_token="tok", allow_insecure_http=True)
    assert client._transport is None
    assert built == []
