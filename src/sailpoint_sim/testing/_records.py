"""What the fake service records of the requests it receives: a redacted copy of each, and counts."""

from __future__ import annotations

import threading

from .._redact import MASK as REDACTED  # the package's one mask, as in errors and logs
from ._model import RecordedRequest, Request
from ._routes import TOKEN

_SECRET_HEADERS = frozenset({"authorization", "cookie"})


class Recorder:
    """Recorded requests (secrets redacted) and the number of token requests. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._token_requests = 0

    def __len__(self) -> int:
        return len(self._requests)

    @property
    def token_requests(self) -> int:
        """How many requests reached ``/oauth/token``."""
        return self._token_requests

    @property
    def requests(self) -> list[RecordedRequest]:
        """The recorded requests, oldest first."""
        with self._lock:
            return list(self._requests)

    def arrived(self, request: Request, path: str, query: str, operation: str | None, *, keep: bool) -> None:
        """Count a request and, when ``keep``, record it."""
        # A token request is counted even when a fault answers it: it still reached the service.
        recorded = _recorded(request, path, query, operation) if keep else None
        with self._lock:
            if operation == TOKEN:
                self._token_requests += 1
            if recorded is not None:
                self._requests.append(recorded)

    def clear(self) -> None:
        """Forget recorded requests and reset the token-request count."""
        with self._lock:
            self._requests.clear()
            self._token_requests = 0


def _recorded(request: Request, path: str, query: str, operation: str | None) -> RecordedRequest:
    headers = tuple(
        (name, REDACTED if name.lower() in _SECRET_HEADERS else value) for name, value in request.raw_headers
    )
    body = request.body
    if operation == TOKEN:
        body = _redact_form(body)
        query = _redact_form(query.encode()).decode()
    return RecordedRequest(request.method.upper(), path, query, headers, body, operation)


def _redact_form(body: bytes) -> bytes:
    """A form body (or query string) with every *secret* value replaced, kept parseable for tests."""
    if b"secret" not in body.lower():
        return body
    out = []
    for part in body.split(b"&"):
        name, eq, _ = part.partition(b"=")
        out.append(name + eq + REDACTED.encode() if eq and b"secret" in name.lower() else part)
    return b"&".join(out)
