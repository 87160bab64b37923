"""Loopback servers for tests of clients behind a proxy: a forward proxy that answers as the tenant
itself (and tunnels CONNECT to loopback), and a TLS tenant with a certificate made for the test."""

from __future__ import annotations

import json
import select
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for ``localhost`` and 127.0.0.1 and its key (openssl, EC P-256, valid a day)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


class ForwardProxy:
    """What a client configured with ``HTTP_PROXY``/``HTTPS_PROXY`` talks to.

    Every plain request it receives (in absolute form, ``GET http://host/path``, as clients address a
    proxy) is recorded and answered with ``answer`` as JSON; nothing is forwarded, so the tenant's host
    need not exist. A ``CONNECT host:port`` (an https URL through the proxy) is recorded and tunnelled to
    127.0.0.1:port, whatever the host. It counts the TCP connections clients open to it. With ``hold=N``,
    each plain request is held until N are in at once (a burst that needs N connections), at most
    ``hold_timeout`` s. With ``tls=(cert, key)`` it is no proxy but an https server answering the same.
    """

    def __init__(
        self,
        answer: Any,
        hold: int = 0,
        hold_timeout: float = 10.0,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        self.answer = json.dumps(answer).encode()
        self.requests: list[str] = []
        self.connections = 0
        self._lock = threading.Lock()
        self._barrier = threading.Barrier(hold) if hold else None
        self._hold_timeout = hold_timeout
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self.scheme}://{host!s}:{port}"

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @contextmanager
    def running(self) -> Iterator[ForwardProxy]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: one handler per connection

            def setup(self) -> None:
                super().setup()
                with proxy._lock:
                    proxy.connections += 1

            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with proxy._lock:
                    proxy.requests.append(f"{self.command} {self.path}")
                if proxy._barrier is not None:
                    proxy._barrier.wait(timeout=proxy._hold_timeout)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(proxy.answer)))
                self.end_headers()
                self.wfile.write(proxy.answer)

            do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _answer

            def do_CONNECT(self) -> None:
                with proxy._lock:
                    proxy.requests.append(f"CONNECT {self.path}")
                upstream = socket.create_connection(("127.0.0.1", int(self.path.rpartition(":")[2])))
                self.send_response(200, "Connection established")
                self.end_headers()
                self.close_connection = True
                ends = [self.connection, upstream]
                try:
                    while True:
                        readable, _, _ = select.select(ends, [], [], proxy._hold_timeout)
                        if not readable:
                            return
                        for end in readable:
                            data = end.recv(65536)
                            if not data:
                                return
                            (upstream if end is self.connection else self.connection).sendall(data)
                finally:
                    upstream.close()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet test output

        return Handler
