"""The I/O-free half of sending: per-call state, the deadline, the response cap, logging records.

Both clients run the same loop (``_client._call`` and its async twin): drive the auth flow, send each
request it yields with ``follow_redirects=False``, read the body while streaming under the cap and the
deadline, ask :meth:`RetryPolicy.decide` whether to wait or stop. What they share without doing I/O
lives here; reading a body is the one thing written twice (sync and async).

What bounds what:

- ``timeout=`` (httpx.Timeout or seconds) bounds each attempt's phases: connecting, writing the request,
  waiting for a pooled connection, and each wait for data; the read timeout also bounds the whole body
  of one response, counted from its headers (httpx's own read timeout is per chunk only, so a server
  sending one byte every 0.2 s would never trip it).
- ``deadline=`` (seconds) bounds the whole call: every attempt (the token request included), every
  wait between attempts, rate-limit pacing and reading. Each phase timeout is cut to what is left of it.
- ``max_response_bytes=`` caps every body read (after decompression). A 2xx or a token answer past it
  ends in ResponseTooLargeError; an error body is only cut there (the status is the news), and never
  read beyond ``ERROR_BODY_LIMIT``.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Final
from urllib.request import getproxies

import httpx

from ._errors import (
    APITimeoutError,
    ConfigurationError,
    ResponseTooLargeError,
    SailPointError,
    describe_body,
    redacted_excerpt,
)
from ._redact import MASK, redact_text

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "ERROR_BODY_LIMIT",
    "NO_AUTH",
    "TRACE",
    "Call",
    "aread_body",
    "direct_transport",
    "log_like_httpx",
    "note_attempts",
    "read_body",
    "rebuilt",
    "tracking_id",
    "validate_deadline",
    "validate_max_response_bytes",
]

# A level below DEBUG at which each request and response is logged whole, like `curl -v`, with every
# secret masked. `logging.getLogger("sailpoint_sim").setLevel(TRACE)` (the CLI's -vvv) turns it on.
TRACE: Final = 5
logging.addLevelName(TRACE, "TRACE")

# A list of 10,000 integrations is about 12 MB: 64 MiB leaves room for any real tenant.
DEFAULT_MAX_RESPONSE_BYTES: Final = 64 * 1024 * 1024
# Three attempts with the default timeouts and two Retry-After waits of up to 60 s fit in it.
DEFAULT_DEADLINE: Final = 300.0
# An error body is read only this far: enough for SailPoint's error DTO (errors.py parses at most 1 MiB).
ERROR_BODY_LIMIT: Final = 1024 * 1024

# Passed as `auth=` to httpx's send: the clients drive their own auth flow, so the httpx client must not
# run one (its own `auth=`, or credentials in the URL) on top.
NO_AUTH: Final = httpx.Auth()

# Whether clients that own their httpx client send straight through its transport (the lean path of
# issue 14). The test suites switch it off to run every test through httpx.Client.send as well.
DIRECT_TRANSPORT = True


def direct_transport() -> bool:
    """Whether a client building its own httpx client may send through the transport directly.

    Not when a proxy is configured in the environment (HTTPS_PROXY, ALL_PROXY, ...): httpx.Client
    mounts proxy transports for those, and only its own send() picks the right one per URL.
    """
    return DIRECT_TRANSPORT and not getproxies()


# httpx.Client.send logs one INFO line per request on the "httpx" logger; the direct path writes the same
# line there, so a user (or the CLI's -vv) who turned that logger on sees the same on both paths.
HTTPX_LOGGER: Final = logging.getLogger("httpx")


def log_like_httpx(request: httpx.Request, response: httpx.Response) -> None:
    """httpx's own request line, for a response that did not go through httpx.Client."""
    if HTTPX_LOGGER.isEnabledFor(logging.INFO):
        HTTPX_LOGGER.info(
            'HTTP Request: %s %s "%s %d %s"',
            request.method,
            request.url,
            response.http_version,
            response.status_code,
            response.reason_phrase,
        )


_TRACE_BODY_CHARS = 4000
# httpx looks header names up regardless of case: these spellings are SailPoint's and the RFCs'.
TRACKING_HEADER: Final = "SLPT-Request-ID"  # pragma: no mutate - header lookups ignore case
CONTENT_TYPE: Final = "Content-Type"  # pragma: no mutate - header lookups ignore case
_TOKEN_FIELDS: Final = re.compile(rb'"(access_token|refresh_token|id_token)"\s*:\s*"[^"]*"')


def validate_deadline(value: object) -> float | None:
    """The ``deadline=`` setting as seconds, or None for no deadline; anything else is refused."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0 or math.isinf(value):
        raise ConfigurationError(
            f"deadline must be a positive, finite number of seconds or None, got {value!r}"
        )
    return float(value)


def validate_max_response_bytes(value: object) -> int:
    """The ``max_response_bytes=`` setting; a positive int."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"max_response_bytes must be an int >= 1, got {value!r}")
    return value


class Call:
    """The state of one client call across its attempts: deadline, attempt count, what was retried."""

    __slots__ = ("attempt", "deadline", "deadline_at", "method", "reached", "retried_for", "url")

    def __init__(self, method: str, url: str, deadline: float | None) -> None:
        self.method = method
        self.url = url
        self.deadline = deadline
        self.deadline_at = None if deadline is None else time.monotonic() + deadline
        self.attempt = 1
        self.retried_for: list[str] = []
        # Whether an earlier attempt may have reached the server (for DELETE answered 404 on a retry).
        self.reached = False

    def sub(self, method: str, url: str) -> Call:
        """State for a request made on behalf of this call (the token request): the same deadline,
        its own attempt count, retries recorded in this call's list."""
        other = Call(method, url, None)
        other.deadline = self.deadline
        other.deadline_at = self.deadline_at
        other.retried_for = self.retried_for
        return other

    def remaining(self) -> float | None:
        """Seconds left before the deadline (never negative), or None without one."""
        if self.deadline_at is None:
            return None
        return max(0.0, self.deadline_at - time.monotonic())

    def retried(self, reason: str, reached: bool) -> None:
        """Record that the attempt that just ended (for ``reason``) is retried."""
        self.retried_for.append(reason)
        self.reached = self.reached or reached
        self.attempt += 1

    def deadline_error(self, during: str = "") -> APITimeoutError:
        """The error of a call whose deadline passed."""
        where = f" {during}" if during else ""
        return APITimeoutError(
            f"deadline of {self.deadline:g} s passed{where} during {self.method} {self.url} "
            f"(attempt {self.attempt})",
            method=self.method,
            url=self.url,
        )

    def clamp(self, request: httpx.Request, base: dict[str, float | None]) -> None:
        """Set ``request``'s timeouts to ``base``, each cut to the time left before the deadline."""
        left = self.remaining()
        if left is None:
            return  # nothing to cut: the request keeps the timeouts it was built with (``base``)
        if left <= 0:
            raise self.deadline_error()
        # At value == left, `>=` picks the same number (an equivalent mutant):
        request.extensions["timeout"] = {
            phase: left if value is None or value > left else value  # pragma: no mutate
            for phase, value in base.items()
        }

    def body_until(self, request: httpx.Request) -> float | None:
        """Monotonic time by which the body must be read: the read timeout from now, or the deadline."""
        timeouts = request.extensions.get("timeout") or {}
        read = timeouts.get("read")
        until = None if read is None else time.monotonic() + read
        # At deadline_at == until, `<=` picks the same value (an equivalent mutant):
        if self.deadline_at is not None and (until is None or self.deadline_at < until):  # pragma: no mutate
            until = self.deadline_at
        return until


def base_timeouts(request: httpx.Request, fallback: httpx.Timeout) -> dict[str, float | None]:
    """The phase timeouts ``request`` was built with (before any clamping)."""
    timeouts = request.extensions.get("timeout")
    return dict(timeouts) if timeouts else fallback.as_dict()


def _limit_for(response: httpx.Response, limit: int) -> int:
    return limit if response.status_code < 300 else min(limit, ERROR_BODY_LIMIT)


def _too_large(
    response: httpx.Response, head: bytes, limit: int, call: Call, secrets: Sequence[str]
) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"the body exceeds max_response_bytes={limit} (after decompression); reading stopped there",
        limit=limit,
        status_code=response.status_code,
        content_type=response.headers.get(CONTENT_TYPE, ""),
        body_excerpt=redacted_excerpt(head, secrets),
        method=call.method,
        url=call.url,
    )


def _timed_out(call: Call, during: str) -> APITimeoutError:
    if call.remaining() == 0:  # None without a deadline
        return call.deadline_error(during)
    return APITimeoutError(
        f"ReadTimeout during {call.method} {call.url}: the body was not complete within the read timeout",
        method=call.method,
        url=call.url,
    )


class _BodyReader:
    """The cap and the time limit on one streamed body; the sync and async readers feed it chunks."""

    __slots__ = ("call", "cap", "chunks", "limit", "response", "secrets", "total", "until")

    def __init__(self, response: httpx.Response, limit: int, call: Call, secrets: Sequence[str]) -> None:
        self.response = response
        self.limit = limit
        self.call = call
        self.secrets = secrets
        self.cap = _limit_for(response, limit)
        self.until = call.body_until(response.request)
        self.chunks: list[bytes] = []
        self.total = 0

    def add(self, chunk: bytes) -> bool:
        """Keep ``chunk``; True when the body has reached its cap and no more is to be read."""
        self.total += len(chunk)
        if self.total > self.cap:
            if self.response.status_code < 300:
                body = b"".join(self.chunks) + chunk
                raise _too_large(self.response, body, self.limit, self.call, self.secrets)
            self.chunks.append(chunk[: len(chunk) - (self.total - self.cap)])
            return True
        self.chunks.append(chunk)
        # `>=` would differ only at one float instant of a real clock (an equivalent mutant):
        if self.until is not None and time.monotonic() > self.until:  # pragma: no mutate - see above
            raise _timed_out(self.call, "reading the body")
        return False

    def body(self) -> bytes:
        return b"".join(self.chunks)


def read_body(response: httpx.Response, limit: int, call: Call, secrets: Sequence[str]) -> bytes:
    """Read ``response``'s body while streaming, within the cap and the call's time (sync).

    A 2xx past ``limit`` raises ResponseTooLargeError; an error body is cut at its smaller limit.
    Past the time allowed, APITimeoutError. The response is closed in every case.
    """
    reader = _BodyReader(response, limit, call, secrets)
    try:
        stream: Iterator[bytes] = response.iter_bytes()
        for chunk in stream:
            if reader.add(chunk):
                break
    finally:
        response.close()
    return reader.body()


async def aread_body(response: httpx.Response, limit: int, call: Call, secrets: Sequence[str]) -> bytes:
    """Async twin of :func:`read_body`."""
    reader = _BodyReader(response, limit, call, secrets)
    try:
        stream: AsyncIterator[bytes] = response.aiter_bytes()
        async for chunk in stream:
            if reader.add(chunk):
                break
    finally:
        await response.aclose()
    return reader.body()


_DROPPED_HEADERS: Final = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def rebuilt(response: httpx.Response, body: bytes) -> httpx.Response:
    """A read copy of a streamed ``response`` holding ``body`` (already decoded), for the auth flow.

    The flow may call ``.read()``/``.content`` on what it is handed; the original stream is consumed.
    """
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _DROPPED_HEADERS]
    return httpx.Response(response.status_code, headers=headers, content=body)


def tracking_id(response: httpx.Response, body: bytes) -> str | None:
    """SailPoint's tracking id of a response: the body's ``trackingId``, else the SLPT-Request-ID header."""
    if response.status_code >= 300 and body:
        found = describe_body(body)[1]
        if found:
            return found
    header: str | None = response.headers.get(TRACKING_HEADER)
    return header


def note_attempts(error: SailPointError, call: Call) -> SailPointError:
    """Record on ``error`` how many attempts the call made and what each retry was for (and say so)."""
    if call.retried_for and not error.retried_for:
        # Every retry was one more request: the token request's retries count as attempts too.
        attempts = len(call.retried_for) + 1
        error.attempts = attempts
        error.retried_for = tuple(call.retried_for)
        text = str(error)
        error.args = (f"{text} (after {attempts} attempts; retried for {', '.join(call.retried_for)})",)
    return error


# -- TRACE records ------------------------------------------------------------------------------------
def _masked(text: str, secrets: Sequence[str]) -> str:
    return redact_text(text, secrets)


def _trace_headers(headers: httpx.Headers, secrets: Sequence[str]) -> str:
    lines = []
    for name, value in headers.multi_items():
        shown = MASK if name.lower() in ("authorization", "cookie", "set-cookie") else _masked(value, secrets)
        lines.append(f"{name}: {shown}")
    return "\n".join(lines)


def _trace_body(body: bytes, secrets: Sequence[str]) -> str:
    # A character is at most 4 bytes: the head holds every character shown.
    head = body[: _TRACE_BODY_CHARS * 4]  # pragma: no mutate - a larger multiple reads more, shows the same
    text = _masked(head.decode(errors="replace"), secrets)  # UTF-8, the default
    # Cut short, it says so (and how long it was), also when the head decodes to exactly the limit.
    if len(text) > _TRACE_BODY_CHARS or len(head) < len(body):
        text = text[:_TRACE_BODY_CHARS] + f"… ({len(body)} bytes)"
    return text


def trace_request(logger: logging.Logger, request: httpx.Request, secrets: Sequence[str]) -> None:
    """Log ``request`` whole at TRACE (caller checks the level first)."""
    try:
        body = request.content
    except httpx.RequestNotRead:  # a streamed body: not ours (ours are always bytes)
        body = b"<streamed>"
    logger.log(
        TRACE,
        "> %s %s\n%s\n\n%s",
        request.method,
        _masked(str(request.url), secrets),
        _trace_headers(request.headers, secrets),
        _trace_body(body, secrets),
    )


def trace_response(
    logger: logging.Logger,
    response: httpx.Response,
    body: bytes,
    secrets: Sequence[str],
    *,
    token_answer: bool = False,
) -> None:
    """Log ``response`` whole at TRACE (caller checks the level first).

    A token answer's tokens are not yet known as secrets when it is logged: they are masked by name.
    """
    if token_answer:
        body = _TOKEN_FIELDS.sub(rb'"\1": "***"', body)
    logger.log(
        TRACE,
        "< %s %s\n%s\n\n%s",
        response.status_code,
        response.reason_phrase,
        _trace_headers(response.headers, secrets),
        _trace_body(body, secrets),
    )
