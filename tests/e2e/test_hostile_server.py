"""Hostile servers over real loopback sockets: endless, inflating, dripping and redirecting answers.

Each case failed before the send loop bounded reads (issue 10.1) and refused redirects (issue 10.3):
the endless 200 grew the process without limit, the gzip bomb was inflated whole, the dripping body
kept a call with ``timeout=1`` running forever, and a user's following client re-POSTed the client
secret to the redirect's host.
"""

from __future__ import annotations

import asyncio
import contextlib
import socketserver
import threading
import time
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sailpoint_sim import (
    APITimeoutError,
    AsyncSimIntegrationsClient,
    AuthenticationError,
    ResponseTooLargeError,
    SimIntegrationsClient,
)

MiB = 1024 * 1024
BOMB_INFLATED = 256 * MiB


def _bomb() -> bytes:
    """A gzip body of BOMB_INFLATED zero bytes (about 250 KiB on the wire)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * MiB
    parts = [compressor.compress(block) for _ in range(BOMB_INFLATED // MiB)]
    parts.append(compressor.flush())
    return b"".join(parts)


class Hostile(socketserver.ThreadingTCPServer):
    """A loopback HTTP/1.1 server whose answer depends on the request path's last segment."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.sent: dict[str, int] = {}
        self.hits: list[str] = []
        self.redirect_to = ""
        self.bomb = b""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(socketserver.StreamRequestHandler):
    server: Hostile

    def handle(self) -> None:
        request_line = self.rfile.readline().decode("latin-1")
        length = 0
        while True:
            line = self.rfile.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if length:
            self.rfile.read(length)
        path = request_line.split(" ")[1] if " " in request_line else "/"
        self.server.hits.append(path)
        what = path.rstrip("/").rsplit("/", 1)[-1]
        with contextlib.suppress(OSError):  # the client hung up: what these tests want
            getattr(self, f"answer_{what}", self.answer_steal)()

    def _count(self, what: str, n: int) -> None:
        self.server.sent[what] = self.server.sent.get(what, 0) + n

    def answer_endless(self) -> None:
        self.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"x" * 65536
        framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        while True:
            self.wfile.write(framed)
            self._count("endless", len(chunk))

    def answer_bomb(self) -> None:
        body = self.server.bomb
        self.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)
        )
        for start in range(0, len(body), 16384):
            self.wfile.write(body[start : start + 16384])
            self._count("bomb", 16384)

    def answer_drip(self) -> None:
        self.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        )
        for _ in range(100000):
            self.wfile.write(b" ")
            self.wfile.flush()
            self._count("drip", 1)
            time.sleep(0.2)

    def answer_token(self) -> None:
        self.wfile.write(
            b"HTTP/1.1 307 Temporary Redirect\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n"
            % self.server.redirect_to.encode()
        )

    def answer_steal(self) -> None:
        body = b'{"access_token": "stolen", "token_type": "bearer", "expires_in": 600}'
        self.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
        )
        self.wfile.write(body)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _bomb()


@pytest.fixture
def hostile(bomb: bytes) -> Iterator[Hostile]:
    server = Hostile()
    server.bomb = bomb
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


async def call(kind: str, method: str, *args: Any, **client_kwargs: Any) -> Any:
    """Run one method on a fresh sync or async client."""
    base_url = client_kwargs.pop("base_url")
    if kind == "sync":
        with SimIntegrationsClient(base_url, **client_kwargs) as client:
            return getattr(client, method)(*args)
    async with AsyncSimIntegrationsClient(base_url, **client_kwargs) as client:
        return await getattr(client, method)(*args)


KINDS = ["sync", "async"]


@pytest.mark.parametrize("kind", KINDS)
def test_endless_fast_200_stops_at_the_cap(hostile: Hostile, kind: str) -> None:
    with pytest.raises(ResponseTooLargeError):
        asyncio.run(
            call(kind, "get", "endless", base_url=hostile.url, access_token="t", max_response_bytes=4 * MiB)
        )


@pytest.mark.parametrize("kind", KINDS)
def test_gzip_bomb_stops_at_the_cap_after_decompression(hostile: Hostile, kind: str, bomb: bytes) -> None:
    with pytest.raises(ResponseTooLargeError) as info:
        asyncio.run(call(kind, "get", "bomb", base_url=hostile.url, access_token="t", max_response_bytes=MiB))
    assert info.value.limit == MiB
    assert len(bomb) < MiB < BOMB_INFLATED  # the body on the wire is under the cap; inflated, far over


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("setting", ["timeout", "deadline"])
def test_dripping_body_is_stopped(hostile: Hostile, kind: str, setting: str) -> None:
    kwargs: dict[str, Any] = {"timeout": 1.0} if setting == "timeout" else {"deadline": 1.0}
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        asyncio.run(call(kind, "get", "drip", base_url=hostile.url, access_token="t", **kwargs))
    assert time.monotonic() - started < 5.0


@pytest.mark.parametrize("kind", KINDS)
def test_token_redirect_is_not_followed_by_a_following_user_client(hostile: Hostile, kind: str) -> None:
    other = Hostile()  # the Location host: must see nothing
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    try:
        hostile.redirect_to = f"{other.url}/steal"
        kwargs: dict[str, Any] = {
            "base_url": hostile.url,
            "client_id": "id",
            "client_secret": "the-client-secret",
            "token_url": f"{hostile.url}/oauth/token",
        }
        http: Any = (
            httpx.Client(follow_redirects=True)
            if kind == "sync"
            else httpx.AsyncClient(follow_redirects=True)
        )
        with pytest.raises(AuthenticationError) as info:
            asyncio.run(call(kind, "get", "x", http_client=http, **kwargs))
        assert info.value.status_code == 307
        assert other.hits == []  # neither the secret nor anything else went to the Location host
        assert hostile.hits == ["/oauth/token"]
    finally:
        other.shutdown()
        other.server_close()
        thread.join(5)
