"""The report doctor returns: the outcome of each check, the facts found, and the exit code."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import attrs

from .._config import Layout
from .._version import __version__

EXIT_OK = 0
EXIT_CONFIGURATION = 2
EXIT_API_ERROR = 3
EXIT_TRANSPORT = 4


class Status(StrEnum):
    """The outcome of one check."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIPPED = "skipped"
    INFO = "info"


class Access(StrEnum):
    """Whether the token allows an action: from its scope claim, or proven by a call."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@attrs.frozen
class Setting:
    """One setting as doctor resolved it: its value (``***`` for a secret) and where it came from."""

    name: str
    value: str | None
    source: str


@attrs.frozen
class Check:
    """One check: its name, outcome, a one-line summary, and JSON-ready details."""

    name: str
    status: Status
    summary: str
    details: Mapping[str, Any] = attrs.field(factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The check as JSON-ready data."""
        return {
            "name": self.name,
            "status": str(self.status),
            "summary": self.summary,
            "details": dict(self.details),
        }


@attrs.frozen
class TokenFacts:
    """What doctor learnt about the access token (never the token itself)."""

    exchanged: bool
    """True when doctor obtained it from the token endpoint; False for a ready token."""
    seconds: float | None
    """How long the exchange took."""
    lifetime: float | None
    """``expires_in`` of the token response, else ``exp - iat`` from the claims."""
    claims_readable: bool
    """Whether the token is a JWT whose payload could be decoded."""
    claims: Mapping[str, Any]
    """The few kept claims (``org``, ``pod``, ``authorities``, ``exp``, ``iat``) that were present."""
    scopes: tuple[str, ...] | None
    """The scope claim's values as they are (names or encoded), None when there is none to read."""


@attrs.frozen
class LayoutProbe:
    """One list call under one path layout."""

    layout: Layout
    path: str
    status: int | None
    """The HTTP status, None when no answer came (then ``error`` says why)."""
    seconds: float
    count: int | None = None
    """Integrations listed (on a readable 200)."""
    message: str | None = None
    """SailPoint's message on an error status, or why a 200 was unreadable."""
    error: str | None = None
    """The transport failure when there was no answer."""

    @property
    def listed(self) -> bool:
        """True when the call answered 200 with a JSON array."""
        return self.status == 200 and self.count is not None


@attrs.frozen
class DoctorReport:
    """Everything doctor found, in order; ``exit_code`` 0 when the configured setup can list integrations."""

    settings: tuple[Setting, ...]
    checks: tuple[Check, ...]
    exit_code: int
    reason: str | None
    """Why the setup cannot list integrations (None when it can)."""
    token: TokenFacts | None = None
    read: Access = Access.UNKNOWN
    write: Access = Access.UNKNOWN
    layouts: tuple[LayoutProbe, ...] = ()
    experimental_header_required: bool | None = None
    clock_skew: float | None = None
    """Server clock minus ours, in seconds (positive: the server is ahead)."""
    rate_limit_headers: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        """True when the configured setup can list integrations."""
        return self.exit_code == EXIT_OK

    def check(self, name: str) -> Check:
        """The check called ``name`` (KeyError-free: raises LookupError naming it when absent)."""
        for item in self.checks:
            if item.name == name:
                return item
        raise LookupError(f"no check named {name!r} in this report")

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (what ``doctor --json`` prints)."""
        return {
            "version": __version__,
            "ok": self.ok,
            "exit_code": self.exit_code,
            "reason": self.reason,
            "settings": [attrs.asdict(setting) for setting in self.settings],
            "checks": [check.to_dict() for check in self.checks],
        }
