"""The in-process carrier: an httpx transport (sync and async) that hands requests to the fake service."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import httpx

from ._model import Reply, Request, Service


class _BrokenStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that yields its first part, then fails as a dropped connection would."""

    def __init__(self, part: bytes, error: httpx.TransportError) -> None:
        self._part = part
        self._error = error

    def __iter__(self) -> Iterator[bytes]:
        yield self._part
        raise self._error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._part
        raise self._error


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Serves a :class:`FakeSimService` inside the process: ``httpx.Client(transport=fake.transport())``
        or ``httpx.AsyncClient(transport=fake.transport())``. No sockets; delays use ``time.sleep`` in sync
        clients and ``asyncio.sleep`` in async ones, and a delay longer than the client's read timeout raises
    ``httpx.ReadTimeout`` after that timeout, as a socket would. Connection faults surface as the errors httpx raises for
        real connections (``httpx.ReadError``, ``httpx.RemoteProtocolError``)."""

    def __init__(self, service: Service) -> None:
        self._service = service

    def __repr__(self) -> str:
        return f"<FakeTransport for {self._service!r}>"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request of a sync client."""
        exchange = self._service.begin(_to_fake(request, request.read()))
        timeout = _read_timeout(request)
        if timeout is not None and exchange.delay_before + exchange.delay_after > timeout:
            time.sleep(timeout)
            self._service.finish(exchange)  # the server still does the work; the client gave up
            raise _timed_out(request)
        if exchange.delay_before > 0:
            time.sleep(exchange.delay_before)
        reply = self._service.finish(exchange)
        if exchange.delay_after > 0:
            time.sleep(exchange.delay_after)
        return _to_httpx(reply, request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request of an async client."""
        exchange = self._service.begin(_to_fake(request, await request.aread()))
        timeout = _read_timeout(request)
        if timeout is not None and exchange.delay_before + exchange.delay_after > timeout:
            await asyncio.sleep(timeout)
            self._service.finish(exchange)  # the server still does the work; the client gave up
            raise _timed_out(request)
        if exchange.delay_before > 0:
            await asyncio.sleep(exchange.delay_before)
        reply = self._service.finish(exchange)
        if exchange.delay_after > 0:
            await asyncio.sleep(exchange.delay_after)
        return _to_httpx(reply, request)


def _read_timeout(request: httpx.Request) -> float | None:
    # httpx puts the client's timeouts in the request extensions; a real socket would enforce "read".
    timeout = request.extensions.get("timeout", {})
    value = timeout.get("read") if isinstance(timeout, dict) else None
    return float(value) if isinstance(value, int | float) else None


def _timed_out(request: httpx.Request) -> httpx.ReadTimeout:
    return httpx.ReadTimeout("The read operation timed out (delay injected by the fake)", request=request)


def _to_fake(request: httpx.Request, body: bytes) -> Request:
    raw = tuple(request.headers.multi_items())
    headers = {name.lower(): value for name, value in raw}
    return Request(request.method, request.url.raw_path.decode("ascii"), headers, raw, body)


def _to_httpx(reply: Reply, request: httpx.Request) -> httpx.Response:
    headers = [*reply.headers, ("Content-Length", str(len(reply.body)))]
    if reply.action == "reset":
        raise httpx.ReadError("[Errno 104] Connection reset by peer (injected by the fake)", request=request)
    if reply.action in ("reset_mid_body", "close_mid_body"):
        error: httpx.TransportError
        if reply.action == "reset_mid_body":
            error = httpx.ReadError(
                "[Errno 104] Connection reset by peer (injected by the fake)", request=request
            )
        else:
            error = httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body (injected by the fake)",
                request=request,
            )
        stream = _BrokenStream(reply.body[: len(reply.body) // 2], error)
        return httpx.Response(reply.status, headers=headers, stream=stream, request=request)
    if reply.status in (204, 304):
        headers = reply.headers
    return httpx.Response(reply.status, headers=headers, content=reply.body, request=request)
