"""The loopback carrier: a small HTTP/1.1 server on asyncio, run in a background thread.

asyncio rather than ``http.server``: one thread serves any number of keep-alive connections, simulated
latency is an ``asyncio.sleep`` (so 20 concurrent slow requests cost 20 timers, not 20 threads), and the
hand-rolled parsing below costs far less per request than ``BaseHTTPRequestHandler``'s, which matters
because the benchmark measures clients against this server.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import socket
import struct
import threading
import time
from http import HTTPStatus
from types import TracebackType

from ._model import Reply, Request, Service

_MAX_HEAD = 1 << 20  # request line + headers; generous, for tests with very long ids
_MAX_BODY = 64 << 20
_REASONS = {status.value: status.phrase for status in HTTPStatus}
_MID_BODY_PAUSE = 0.05  # let the client read the partial body before the reset arrives


class _BadRequest(Exception):
    pass


class FakeServer:
    """A running loopback server for a :class:`FakeSimService` (see ``FakeSimService.serve``).

    ``url`` is ``http://HOST:PORT``; ``close()`` (or leaving the ``with`` block) stops it, closing every
    open connection, and joins its thread.
    """

    def __init__(self, service: Service, host: str = "127.0.0.1", port: int = 0) -> None:
        self._service = service
        self._host = host
        self._port = port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="sailpoint-sim-fake-server", daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._closed = False
        self._date = (0, "")
        self._connections_accepted = 0

    def __repr__(self) -> str:
        return f"<FakeServer {self.url if self._server else 'not started'}>"

    @property
    def host(self) -> str:
        """The bound host."""
        return self._host

    @property
    def port(self) -> int:
        """The bound port (the real one when 0 was asked for)."""
        return self._port

    @property
    def connections_accepted(self) -> int:
        """How many TCP connections clients have opened so far (to check that they reuse connections)."""
        return self._connections_accepted

    @property
    def url(self) -> str:
        """``http://HOST:PORT``, the base URL (append ``/v2025`` for the API)."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}"

    def start(self) -> None:
        """Bind and start serving; returns once the port is bound (raises if binding failed)."""
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            self._thread.join()
            raise self._error

    def close(self) -> None:
        """Stop serving, drop open connections and join the server thread. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ the loop thread

    def _run(self) -> None:
        loop = self._loop
        asyncio.set_event_loop(loop)
        try:
            self._server = loop.run_until_complete(
                asyncio.start_server(self._connection, self._host, self._port, limit=_MAX_HEAD, backlog=1024)
            )
            self._port = self._server.sockets[0].getsockname()[1]
        except BaseException as exc:  # reported to start() in the caller's thread
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            self._server.close()
            for writer in list(self._writers):
                writer.transport.abort()
            tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.run_until_complete(self._server.wait_closed())
            loop.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        self._connections_accepted += 1  # only the server's own thread writes it
        try:
            while True:
                try:
                    request, keep_alive = await self._read_request(reader, writer)
                except (asyncio.IncompleteReadError, ConnectionError):
                    return  # the client went away between requests
                except (_BadRequest, asyncio.LimitOverrunError, ValueError, UnicodeDecodeError):
                    writer.write(self._head(Reply(400, [], b""), 0, keep_alive=False))
                    await writer.drain()
                    return
                if request is None:
                    return
                if not await self._answer(request, writer, keep_alive) or not keep_alive:
                    return
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            self._writers.discard(writer)
            if not writer.transport.is_closing():
                writer.transport.close()

    async def _read_request(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[Request | None, bool]:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if not exc.partial.strip():
                return None, False
            raise
        lines = head[:-4].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _BadRequest
        method, target, version = parts
        raw: list[tuple[str, str]] = []
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip():
                raise _BadRequest
            value = value.strip()
            raw.append((name, value))
            headers[name.lower()] = value
        connection = headers.get("connection", "").lower()
        keep_alive = "close" not in connection if version == "HTTP/1.1" else "keep-alive" in connection
        if headers.get("expect", "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = await self._read_chunked(reader)
        else:
            length = int(headers.get("content-length", "0") or "0")
            if not 0 <= length <= _MAX_BODY:
                raise _BadRequest
            body = await reader.readexactly(length) if length else b""
        return Request(method, target, headers, tuple(raw), body), keep_alive

    @staticmethod
    async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass  # trailers, ignored
                return b"".join(chunks)
            total += size
            if total > _MAX_BODY:
                raise _BadRequest
            chunks.append((await reader.readexactly(size + 2))[:-2])

    async def _answer(self, request: Request, writer: asyncio.StreamWriter, keep_alive: bool) -> bool:
        """Send the reply; False when the connection must not be reused."""
        service = self._service
        exchange = service.begin(request)
        if exchange.delay_before > 0:
            await asyncio.sleep(exchange.delay_before)
        reply = service.finish(exchange)
        if exchange.delay_after > 0:
            await asyncio.sleep(exchange.delay_after)
        if reply.action == "reset":
            self._reset(writer)
            return False
        head = self._head(reply, len(reply.body), keep_alive and reply.action is None)
        if reply.action is not None:  # reset_mid_body, close_mid_body
            writer.write(head + reply.body[: len(reply.body) // 2])
            await writer.drain()
            if reply.action == "reset_mid_body":
                await asyncio.sleep(_MID_BODY_PAUSE)
                self._reset(writer)
            else:
                writer.close()
            return False
        if request.method.upper() == "HEAD":
            writer.write(head)
        elif len(reply.body) < 65536:
            writer.write(head + reply.body)
        else:
            writer.write(head)
            writer.write(reply.body)
        await writer.drain()
        return True

    @staticmethod
    def _reset(writer: asyncio.StreamWriter) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN: a real connection reset.
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    def _head(self, reply: Reply, length: int, keep_alive: bool) -> bytes:
        now = int(time.time())
        if self._date[0] != now:  # formatting the Date header once a second is plenty
            self._date = (now, email.utils.formatdate(now, usegmt=True))
        lines = [f"HTTP/1.1 {reply.status} {_REASONS.get(reply.status, 'Unknown')}"]
        # The service dates its replies (shifted by its clock_skew); the server dates only its own.
        if not any(name.lower() == "date" for name, _ in reply.headers):
            lines.append(f"Date: {self._date[1]}")
        lines.extend(f"{name}: {value}" for name, value in reply.headers)
        if reply.status != 204 and not 100 <= reply.status < 200:
            lines.append(f"Content-Length: {length}")
        lines.append("Connection: keep-alive" if keep_alive else "Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
