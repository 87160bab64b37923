"""The recorder every check reports to: requests sent, what the answers showed (Date, rate limits)."""

from __future__ import annotations

import email.utils
import re
import socket
import ssl
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import httpx

from .._config import EXPERIMENTAL_HEADER
from .._errors import describe_body, one_line
from .._redact import redact_text
from ._report import EXIT_OK, Check, Status

_RATE_HEADER = re.compile(r"rate-?limit|^retry-after$", re.IGNORECASE)


def os_error(exc: BaseException) -> str:
    """A socket or TLS failure in a few words (what a person can act on, not the errno)."""
    if isinstance(exc, socket.gaierror):
        return f"does not resolve ({exc.strerror or exc})"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate does not verify: {exc.verify_message or exc.reason}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"timed out ({exc})" if str(exc) else "timed out"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return one_line(str(text))


@attrs.define
class Exchange:
    """One request doctor made: the answer (or failure) and the clock around it."""

    response: httpx.Response | None
    error: str | None
    started: float
    seconds: float


class Doctor:
    """Runs the checks in order; each adds one Check and may stop the run with an exit code."""

    def __init__(self, clock: Callable[[], float], perf: Callable[[], float]) -> None:
        self.clock = clock
        self.perf = perf
        self.checks: list[Check] = []
        self.secrets: list[str] = []
        self.skews: list[float] = []
        self.rate_headers: dict[str, str] = {}
        self.limited: list[str] = []
        self.exit_code = EXIT_OK
        self.reason: str | None = None

    def add(self, name: str, status: Status, summary: str, /, **details: Any) -> None:
        self.checks.append(Check(name, status, summary, details))

    def stop(self, code: int, reason: str) -> None:
        if self.exit_code == EXIT_OK:
            self.exit_code, self.reason = code, reason

    def skip(self, names: Sequence[str], why: str) -> None:
        for name in names:
            self.add(name, Status.SKIPPED, why)

    def scrub(self, text: str) -> str:
        return redact_text(text, self.secrets)

    def send(self, http: httpx.Client, request: httpx.Request) -> Exchange:
        started, t0 = self.clock(), self.perf()
        try:
            response = http.send(request)
            response.read()
        except httpx.TimeoutException as exc:
            return Exchange(None, f"timed out ({type(exc).__name__})", started, self.perf() - t0)
        except httpx.HTTPError as exc:
            cause = exc.__cause__ or exc.__context__
            while cause is not None and not isinstance(cause, OSError) and cause.__context__ is not None:
                cause = cause.__cause__ or cause.__context__
            detail = (
                os_error(cause) if isinstance(cause, OSError) else one_line(str(exc)) or type(exc).__name__
            )
            return Exchange(None, self.scrub(f"{type(exc).__name__}: {detail}"), started, self.perf() - t0)
        seconds = self.perf() - t0
        self._observe(response, started, seconds)
        return Exchange(response, None, started, seconds)

    def _observe(self, response: httpx.Response, started: float, seconds: float) -> None:
        if response.status_code == 429:
            request = response.request
            plain = "" if EXPERIMENTAL_HEADER in request.headers else f" (without {EXPERIMENTAL_HEADER})"
            self.limited.append(f"{request.method} {request.url.path}{plain}")
        date = response.headers.get("date")
        if date:
            try:
                server = email.utils.parsedate_to_datetime(date).timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                server = None
            if server is not None:
                # Date is truncated to the second: the server's time was in [Date, Date + 1).
                self.skews.append(server + 0.5 - (started + seconds / 2))
        for name, value in response.headers.items():
            if _RATE_HEADER.search(name):
                self.rate_headers[name.lower()] = self.scrub(one_line(value))[:200]

    def message(self, response: httpx.Response, *, tracking_id: bool = True) -> str:
        """SailPoint's message from an error answer (and its tracking id, for a support ticket)."""
        _, tracking, messages = describe_body(response.content)
        messages = [redact_text(message, self.secrets) for message in messages]
        text = "; ".join(messages) or response.reason_phrase or ""
        tracking = tracking or response.headers.get("slpt-request-id")
        if tracking and tracking_id:
            text += f" (tracking id {tracking})"
        return self.scrub(one_line(text))[:300]


def ms(seconds: float) -> str:
    """Seconds as milliseconds for a summary line."""
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.001 else f"{seconds * 1000:.1f} ms"
