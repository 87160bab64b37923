"""Plain data of the fake service: faults, recorded requests and writes, and the internal exchange types."""

from __future__ import annotations

import datetime as _dt
import email.utils
import fnmatch
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from ._routes import API_OPERATIONS, TOKEN, Route

FaultKind = Literal[
    "status",
    "delay",
    "truncated_json",
    "html",
    "empty",
    "wrong_content_type",
    "huge",
    "reset",
    "reset_mid_body",
    "close_mid_body",
]
"""What an injected fault does.

- ``status``: answer with ``status`` (default 503) and SailPoint's error body for it, or ``body`` /
  ``content_type`` when given; a 429 carries ``Retry-After`` when ``retry_after`` is set.
- ``delay``: wait ``delay`` seconds, then answer normally (use with a short client timeout for read timeouts).
- ``truncated_json``: a JSON body cut in half (status 200 unless ``status`` is given).
- ``html``: an HTML error page with ``text/html`` (status 200 unless given, e.g. 502).
- ``empty``: an empty body with ``application/json`` (status 200 unless given).
- ``wrong_content_type``: the normal JSON bytes labelled ``text/plain`` (or ``content_type``).
- ``huge``: a valid JSON body of about ``size`` bytes.
- ``reset``: the connection is reset before any response byte (in-process: ``httpx.ReadError``).
- ``reset_mid_body``: headers and half the body are sent, then the connection is reset
  (in-process: the body stream raises ``httpx.ReadError``).
- ``close_mid_body``: headers and half the body are sent, then the connection is closed cleanly, so the
  body is shorter than its ``Content-Length`` (in-process: ``httpx.RemoteProtocolError``).
"""

FAULT_KINDS: frozenset[str] = frozenset(FaultKind.__args__)  # type: ignore[attr-defined]

When = Literal["before", "after"]

OPERATIONS: frozenset[str] = API_OPERATIONS | {TOKEN}
"""Operation names a fault can be restricted to: the spec's operationIds, plus ``token`` for /oauth/token."""


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _seconds(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < float("inf")


def format_retry_after(value: float | str | _dt.datetime) -> str:
    """Retry-After as seconds (numbers) or an HTTP date (datetimes); strings are sent as given."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.UTC)
        return email.utils.format_datetime(value.astimezone(_dt.UTC), usegmt=True)
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass
class Fault:
    """One injected fault and the requests it applies to.

    A fault matches a request when every given filter matches: ``method`` (case-insensitive),
    ``path`` (an ``fnmatch`` pattern over the URL path as sent, percent-encoding included, e.g.
    ``"/v2025/sim-integrations/*"``) and
    ``operation`` (an operationId such as ``"createSIMIntegration"``, or ``"token"``). It fires for the
    next ``times`` matching requests (``None``: every one). ``when="before"`` answers without doing the
    work (the store is untouched); ``when="after"`` does the work first (a write is applied and logged),
    then breaks the answer. ``fired`` counts the requests it has affected.
    """

    kind: FaultKind = "status"
    method: str | None = None
    path: str | None = None
    operation: str | None = None
    times: int | None = 1
    status: int | None = None
    retry_after: float | str | _dt.datetime | None = None
    body: Any = None
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    when: When = "before"
    size: int = 8 * 1024 * 1024
    fired: int = 0

    def __post_init__(self) -> None:
        # Messages name the field and what it takes, in words (no Python reprs or types): they are what
        # POST /__fake__/faults answers too.
        if not isinstance(self.kind, str) or self.kind not in FAULT_KINDS:
            raise ValueError(f"kind: must be one of {', '.join(sorted(FAULT_KINDS))}")
        if not isinstance(self.when, str) or self.when not in ("before", "after"):
            raise ValueError("when: must be before or after")
        if self.operation is not None and (
            not isinstance(self.operation, str) or self.operation not in OPERATIONS
        ):
            raise ValueError(f"operation: must be one of {', '.join(sorted(OPERATIONS))}")
        if self.times is not None and not _whole(self.times):
            raise ValueError("times: must be a whole number >= 0, or null for every request")
        if not _seconds(self.delay):
            raise ValueError("delay: must be a number of seconds >= 0")
        if self.status is not None and not (_whole(self.status) and 100 <= self.status <= 599):
            raise ValueError("status: must be an HTTP status code (100-599)")
        if not _whole(self.size):
            raise ValueError("size: must be a whole number of bytes >= 0")
        for name in ("method", "path", "content_type"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise ValueError(f"{name}: must be a string")
        if not isinstance(self.retry_after, int | float | str | _dt.datetime | None) or isinstance(
            self.retry_after, bool
        ):
            raise ValueError("retry_after: must be seconds, an HTTP date string or a datetime")
        if not isinstance(self.headers, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.headers.items()
        ):
            raise ValueError("headers: must map strings to strings")
        if self.method is not None:
            self.method = self.method.upper()

    def matches(self, method: str, path: str, operation: str | None) -> bool:
        """Whether this fault applies to a request (ignoring how many times it has left)."""
        if self.method is not None and self.method != method:
            return False
        if self.operation is not None and self.operation != operation:
            return False
        return self.path is None or fnmatch.fnmatchcase(path, self.path)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fault:
        """Build a fault from the JSON accepted by ``POST /__fake__/faults`` (the dataclass field names;
        ``retry_after`` may be a number or a string)."""
        allowed = {f for f in cls.__dataclass_fields__ if f != "fired"}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(
                f"unknown fault fields: {', '.join(sorted(map(str, unknown)))}; known: {', '.join(sorted(allowed))}"
            )
        return cls(**dict(data))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description of the fault (for ``GET /__fake__/faults``)."""
        retry_after = None if self.retry_after is None else format_retry_after(self.retry_after)
        body = self.body.decode("utf-8", "replace") if isinstance(self.body, bytes) else self.body
        return {
            "kind": self.kind,
            "method": self.method,
            "path": self.path,
            "operation": self.operation,
            "times": self.times,
            "status": self.status,
            "retry_after": retry_after,
            "body": body,
            "content_type": self.content_type,
            "headers": dict(self.headers),
            "delay": self.delay,
            "when": self.when,
            "size": self.size,
            "fired": self.fired,
        }


@dataclass(frozen=True)
class RecordedRequest:
    """A request the fake received. Authorization values and client secrets are replaced by
    ``***`` (the package's one mask), so recordings are safe to print."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    operation: str | None

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive), or None."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description (for ``GET /__fake__/requests``)."""
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": [list(h) for h in self.headers],
            "body": self.body.decode("utf-8", "replace"),
            "operation": self.operation,
        }


@dataclass(frozen=True)
class AppliedWrite:
    """A write the fake applied to its store: create, replace, delete or one of the patches."""

    method: str
    path: str
    operation: str
    id: str
    body: Any

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description (for ``GET /__fake__/writes``)."""
        return {
            "method": self.method,
            "path": self.path,
            "operation": self.operation,
            "id": self.id,
            "body": self.body,
        }


@dataclass(frozen=True)
class Request:
    """A request as the fake sees it, whatever carried it (in-process transport or loopback server).

    ``headers`` has lower-cased names (last value wins); ``raw_headers`` keeps them as sent.
    """

    method: str
    target: str
    headers: Mapping[str, str]
    raw_headers: tuple[tuple[str, str], ...]
    body: bytes


Action = Literal["reset", "reset_mid_body", "close_mid_body"]


@dataclass
class Reply:
    """What to answer: status, headers, body, and an optional connection-level action."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    action: Action | None = None


@dataclass
class Exchange:
    """A request in flight: where it goes, its fault, and the delays the carrier applies around the work."""

    request: Request
    path: str
    query: str
    route: Route
    fault: Fault | None
    delay_before: float
    delay_after: float

    @property
    def operation(self) -> str | None:
        """The operationId (or ``"token"``) the request names; None for any other route."""
        return self.route.operation


class Service(Protocol):
    """What a carrier (in-process transport, loopback server) needs of the service it carries for."""

    def begin(self, request: Request) -> Exchange:
        """Take a request in; the carrier sleeps ``delay_before`` next."""

    def finish(self, exchange: Exchange) -> Reply:
        """Do the work and return the reply; the carrier sleeps ``delay_after``, then answers."""
