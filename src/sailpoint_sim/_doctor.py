"""`doctor`: a read-only check of a real setup, returned as a typed report (the CLI prints it).

What it does, in order, each step skipped with a reason when an earlier one makes it pointless:

1. **settings**: resolves base URL, credentials, API version, layout and timeout the way the clients do
   (flags over the environment; ``config.json`` instead of the environment's URL and credentials when a
   file is given) and records where each came from. Secrets are shown only as ``***``.
2. **dns**, **connect**, **tls**: the host resolves, accepts a TCP connection, and (for https) completes a
   TLS handshake that verifies with the clients' own CA bundle.
3. **token**: one client-credentials exchange (time taken, ``expires_in``); the token's claims are read,
   never verified, when it is a JWT: only a few named claims are kept (the scope claim among them), never
   the token or the whole payload.
4. **scopes**: whether the scope claim allows reading and writing SIM integrations. SailPoint may encode the
   claim (a bitmap such as ``FA==``): what is there is shown as is, and an unreadable claim is "unknown".
   Writing is never tried.
5. **layouts**: a list call (GET) under each path layout, the configured one first.
6. **header**: the same list call without ``X-SailPoint-Experimental``: a 400 means it is required.
7. **clock**: the skew between the ``Date`` headers seen and this machine's clock.
8. **rate-limit**: every rate-limit header seen (names containing ``ratelimit``/``rate-limit``,
   ``Retry-After``).

Nothing is written to the tenant: the only requests are the token POST and GETs of the SIM list endpoints.
The report's ``exit_code`` follows the CLI's table: 0 when the configured setup can list integrations,
2 for configuration, 3 when the service refuses (token, scope, layout), 4 for transport failures.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import json
import os
import re
import socket
import ssl
import statistics
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import httpx

from ._base import shared_ssl_context
from ._config import (
    DEFAULT_API_VERSION,
    DEFAULT_TIMEOUT,
    ENV_ACCESS_TOKEN,
    ENV_API_VERSION,
    ENV_BASE_URL,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    ENV_LAYOUT,
    EXPERIMENTAL_HEADER,
    EXPERIMENTAL_VALUE,
    ClientSettings,
    Layout,
    config_file_kwargs,
    env_kwargs,
    redact_url,
)
from ._errors import ConfigurationError, describe_body, one_line, scrub_bytes, scrub_text
from ._patch import PatchFormat
from ._paths import collection_url
from ._version import __version__

__all__ = [
    "EXIT_API_ERROR",
    "EXIT_CONFIGURATION",
    "EXIT_OK",
    "EXIT_TRANSPORT",
    "Access",
    "Check",
    "DoctorReport",
    "LayoutProbe",
    "Setting",
    "Status",
    "TokenFacts",
    "access_from_scopes",
    "read_jwt_claims",
    "run_doctor",
    "scope_values",
]

# The CLI's exit codes (README "Command-line tool"): the report chooses one, the CLI returns it.
EXIT_OK = 0
EXIT_CONFIGURATION = 2
EXIT_API_ERROR = 3
EXIT_TRANSPORT = 4

MASK = "***"

# The scopes SailPoint's contract names for these operations (the fake grants the same ones).
SCOPE_ALL = "sp:scopes:all"
SCOPE_READ = "idn:service-desk-integration:read"
SCOPE_MANAGE = "idn:service-desk-integration:manage"
_READ_SCOPES = frozenset({SCOPE_ALL, SCOPE_READ, SCOPE_MANAGE})
_WRITE_SCOPES = frozenset({SCOPE_ALL, SCOPE_MANAGE})
# What a readable scope name looks like (`idn:service-desk-integration:read`, `sp:scopes:all`); anything
# else in the claim (SailPoint's base64 bitmaps such as `FA==`) is opaque: shown, never interpreted.
_SCOPE_NAME = re.compile(r"^[A-Za-z][\w.-]*(:[\w.*-]+)+$")
# The only claims a report keeps: enough to tell which tenant and which grant, nothing that identifies a
# person or could be replayed.
_KEPT_CLAIMS = ("org", "pod", "authorities", "exp", "iat")
# Beyond this many seconds between the server's Date and ours, waits given as dates (Retry-After) and
# expiry times read from claims are off by as much: worth a warning. Date has a resolution of 1 s.
CLOCK_SKEW_WARN = 30.0
_JWT_MAX_CHARS = 64 * 1024
_RATE_HEADER = re.compile(r"rate-?limit|^retry-after$", re.IGNORECASE)


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


# ---------------------------------------------------------------------------------------------- JWT


def read_jwt_claims(token: str) -> dict[str, Any] | None:
    """The payload of a JWT as a dict, decoded WITHOUT verifying the signature; None if unreadable.

    Doctor only describes a token it was given or just received: nothing here is trusted for access.
    """
    if not isinstance(token, str) or len(token) > _JWT_MAX_CHARS:
        return None
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        return None
    payload = parts[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        return None
    return claims if isinstance(claims, dict) else None


def scope_values(claims: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The values of the scope claim as they are (a space-separated string or a list), else None.

    SailPoint may put an encoded bitmap there (``["FA=="]``): it is returned unchanged, not interpreted.
    """
    value = claims.get("scope", claims.get("scp"))
    if isinstance(value, str):
        return tuple(value.split())
    if isinstance(value, list):
        return tuple(item if isinstance(item, str) else json.dumps(item) for item in value)
    return None


def access_from_scopes(scopes: Sequence[str] | None) -> tuple[Access, Access]:
    """(read, write) for SIM integrations from scope values: yes, no, or unknown when a value is opaque."""
    if scopes is None:
        return Access.UNKNOWN, Access.UNKNOWN
    names = set(scopes)
    opaque = any(not _SCOPE_NAME.match(value) for value in scopes)
    denied = Access.UNKNOWN if opaque else Access.NO
    read = Access.YES if names & _READ_SCOPES else denied
    write = Access.YES if names & _WRITE_SCOPES else denied
    return read, write


# ---------------------------------------------------------------------------------------------- settings


@attrs.define
class _Resolved:
    """The settings doctor shows (with their sources) and, once they validate, the clients' own view."""

    settings: list[Setting]
    notes: list[str]
    checked: ClientSettings | None = None


# The command-line values doctor takes, by the constructor's names.
_FLAG_NAMES = ("base_url", "client_id", "client_secret", "access_token", "api_version", "layout", "timeout")
_SECRETS = frozenset({"client_secret", "access_token"})


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _resolve(
    out: _Resolved, flags: Mapping[str, Any], environ: Mapping[str, str], config_file: Path | None
) -> None:
    """Record where each setting comes from in ``out``, then validate them with the clients' own code.

    The sources follow ``from_env`` (flags over ``SAIL_*`` variables) or, with a config file,
    ``from_config_file`` (flags over ``BaseURL``/``ClientId``/``ClientSecret``; the layout still from
    the environment). Validation IS those functions and ``ClientSettings``, so doctor accepts and refuses
    exactly what a client would. The settings are recorded first: a report shows them even when one is bad.
    """
    overrides = {name: flags[name] for name in _FLAG_NAMES if flags.get(name) is not None}
    if flags.get("allow_insecure_http"):
        overrides["allow_insecure_http"] = True
    file_name = config_file.name if config_file is not None else "config.json"
    file_data = _peek_config(config_file) if config_file is not None else {}
    if config_file is not None:
        out.settings.append(Setting("config_file", str(config_file), "flag --config"))
    credential_flags = any(name in overrides for name in ("client_id", "client_secret", "access_token"))
    # (setting, environment variable, config.json key, read from the environment even with a file?)
    sources = (
        ("base_url", ENV_BASE_URL, "BaseURL", False),
        ("client_id", ENV_CLIENT_ID, "ClientId", False),
        ("client_secret", ENV_CLIENT_SECRET, "ClientSecret", False),
        ("access_token", ENV_ACCESS_TOKEN, None, False),  # config.json has no token key
        ("api_version", ENV_API_VERSION, None, False),  # from_config_file takes it from arguments only
        ("layout", ENV_LAYOUT, None, True),
    )
    for name, env, key, always_env in sources:
        value: object = None
        source = "not set"
        if name in overrides:
            value, source = overrides[name], f"flag --{name.replace('_', '-')}"
        elif credential_flags and name in ("client_id", "client_secret", "access_token"):
            pass  # credential flags replace the credential variables (or keys) as a set
        elif config_file is not None and not always_env:
            if key is not None and _text(file_data.get(key)) is not None:
                value, source = file_data[key], f"{file_name} {key}"
            if _text(environ.get(env)) is not None:
                out.notes.append(f"{env} is set but not used: {file_name} is read instead")
        elif _text(environ.get(env)) is not None:
            value, source = environ[env], f"environment {env}"
        if value is None and name in ("api_version", "layout"):
            value, source = (DEFAULT_API_VERSION if name == "api_version" else Layout.V2025.value), "default"
        shown = (
            None if value is None else MASK if name in _SECRETS else one_line(redact_url(str(value)))[:200]
        )
        out.settings.append(Setting(name, shown, source))
    out.settings.append(
        Setting(
            "timeout",
            _describe_timeout(overrides.get("timeout")),
            "flag --timeout" if "timeout" in overrides else "default",
        )
    )
    if overrides.get("allow_insecure_http"):
        out.settings.append(Setting("allow_insecure_http", "true", "flag --allow-insecure-http"))

    kwargs = (
        config_file_kwargs(config_file, overrides, environ)
        if config_file is not None
        else env_kwargs(overrides, environ)
    )
    out.checked = ClientSettings(
        kwargs["base_url"],
        kwargs.get("client_id"),
        kwargs.get("client_secret"),
        kwargs.get("access_token"),
        api_version=kwargs.get("api_version", DEFAULT_API_VERSION),
        layout=kwargs.get("layout", Layout.V2025),
        token_url=None,
        timeout=kwargs.get("timeout"),
        timeout_given="timeout" in kwargs,
        retry=None,
        max_retries=None,
        patch_format=PatchFormat.OPERATIONS_OBJECT,
        allow_insecure_http=bool(kwargs.get("allow_insecure_http", False)),
        user_agent=None,
    )


def _peek_config(path: Path) -> dict[str, Any]:
    """config.json's content for showing sources; a bad file is reported by the clients' own reader."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _describe_timeout(value: object) -> str:
    if value is None:
        timeout = DEFAULT_TIMEOUT
    elif isinstance(value, httpx.Timeout):
        timeout = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        timeout = httpx.Timeout(value)
    else:
        return one_line(repr(value))[:40]

    def secs(value: float | None) -> str:
        return "none" if value is None else f"{value:g} s"

    if timeout.connect == timeout.read:
        return secs(timeout.read)
    return f"connect {secs(timeout.connect)}, read {secs(timeout.read)}"


# ---------------------------------------------------------------------------------------------- network


def _resolve_host(host: str, port: int, timeout: float | None) -> list[str]:
    """The host's addresses; getaddrinfo has no timeout of its own, so it runs in a daemon thread."""
    result: list[Any] = []

    def lookup() -> None:
        try:
            result.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except OSError as exc:
            result.append(exc)

    worker = threading.Thread(target=lookup, name="sailpoint-sim-doctor-dns", daemon=True)
    worker.start()
    worker.join(timeout)
    if not result:
        raise TimeoutError(f"no answer within {timeout:g} s")
    if isinstance(result[0], OSError):
        raise result[0]
    addresses: list[str] = []
    for *_, sockaddr in result[0]:
        if sockaddr[0] not in addresses:
            addresses.append(str(sockaddr[0]))
    return addresses


def _proxy_for(url: str) -> str | None:
    """The proxy httpx would use for this URL (from the environment), credentials removed."""
    host = urlsplit(url).hostname or ""
    proxies = urllib.request.getproxies_environment()
    if not proxies or urllib.request.proxy_bypass(host):
        return None
    proxy = proxies.get(urlsplit(url).scheme) or proxies.get("all")
    return redact_url(proxy) if proxy else None


def _os_error(exc: BaseException) -> str:
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
class _Exchange:
    """One request doctor made: the answer (or failure) and the clock around it."""

    response: httpx.Response | None
    error: str | None
    started: float
    seconds: float


class _Doctor:
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
        return scrub_text(text, self.secrets)

    def send(self, http: httpx.Client, request: httpx.Request) -> _Exchange:
        started, t0 = self.clock(), self.perf()
        try:
            response = http.send(request)
            response.read()
        except httpx.TimeoutException as exc:
            return _Exchange(None, f"timed out ({type(exc).__name__})", started, self.perf() - t0)
        except httpx.HTTPError as exc:
            cause = exc.__cause__ or exc.__context__
            while cause is not None and not isinstance(cause, OSError) and cause.__context__ is not None:
                cause = cause.__cause__ or cause.__context__
            detail = (
                _os_error(cause) if isinstance(cause, OSError) else one_line(str(exc)) or type(exc).__name__
            )
            return _Exchange(None, self.scrub(f"{type(exc).__name__}: {detail}"), started, self.perf() - t0)
        seconds = self.perf() - t0
        self._observe(response, started, seconds)
        return _Exchange(response, None, started, seconds)

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
        _, tracking, messages = describe_body(scrub_bytes(response.content, self.secrets))
        text = "; ".join(messages) or response.reason_phrase or ""
        tracking = tracking or response.headers.get("slpt-request-id")
        if tracking and tracking_id:
            text += f" (tracking id {tracking})"
        return self.scrub(one_line(text))[:300]


def run_doctor(
    *,
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: str | os.PathLike[str] | None = None,
    clock: Callable[[], float] = time.time,
) -> DoctorReport:
    """Check a setup without writing anything to the tenant, and return what was found.

    ``flags`` holds command-line values by the constructor's names (``base_url``, ``client_id``,
    ``client_secret``, ``access_token``, ``api_version``, ``layout``, ``timeout``, ``allow_insecure_http``);
    ``environ`` defaults to ``os.environ``; ``config_file`` is SailPoint's config.json (used instead of the
    environment's URL and credentials, as ``from_config_file`` does). Never raises for a failing setup:
    every failure is a check with status ``fail`` and the report's ``exit_code``.
    """
    environ = os.environ if environ is None else environ
    doctor = _Doctor(clock, time.perf_counter)
    path = Path(config_file) if config_file is not None else None
    resolved = _Resolved(settings=[], notes=[])
    try:
        _resolve(resolved, flags or {}, environ, path)
    except ConfigurationError as exc:
        # The settings read before the failure are still shown (secrets masked).
        doctor.add("settings", Status.FAIL, str(exc), notes=resolved.notes)
        doctor.stop(EXIT_CONFIGURATION, str(exc))
        doctor.skip(_NETWORK_CHECKS, "the settings are not usable")
        return _report(doctor, resolved.settings)
    checked = resolved.checked
    assert checked is not None  # _resolve sets it or raises
    doctor.secrets = [secret for secret in (checked.client_secret, checked.access_token) if secret]
    doctor.add("settings", Status.OK, "base URL and credentials are set", notes=resolved.notes)
    return _run_network(doctor, checked, resolved.settings)


_NETWORK_CHECKS = ("dns", "connect", "tls", "token", "scopes", "layouts", "header", "clock", "rate-limit")


def _run_network(doctor: _Doctor, settings: ClientSettings, shown: Sequence[Setting]) -> DoctorReport:
    root = settings.base_url
    parts = urlsplit(root)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    connect_timeout = settings.timeout.connect
    proxy = _proxy_for(root)
    facts: dict[str, Any] = {}
    hint = _ui_host_hint(host)

    # -- dns, connect, tls
    try:
        addresses = _resolve_host(host, port, connect_timeout)
    except OSError as exc:
        summary = f"{host} {_os_error(exc)}"
        if proxy:
            doctor.add("dns", Status.WARN, summary + f"; requests go through the proxy {proxy}", proxy=proxy)
        else:
            doctor.add("dns", Status.FAIL, summary + (f"; {hint}" if hint else ""))
            doctor.stop(EXIT_TRANSPORT, summary + (f"; {hint}" if hint else ""))
            doctor.skip(_NETWORK_CHECKS[1:], f"{host} does not resolve")
            return _report(doctor, shown)
        addresses = []
    else:
        doctor.add("dns", Status.OK, f"{host} resolves to {', '.join(addresses[:4])}", addresses=addresses)
    if proxy:
        doctor.skip(
            ("connect", "tls"), f"requests go through the proxy {proxy}: the token request tests that path"
        )
    else:
        if not _check_connect(doctor, host, port, https, connect_timeout):
            doctor.skip(_NETWORK_CHECKS[3:], f"cannot connect to {host}:{port}")
            return _report(doctor, shown)

    headers = {"User-Agent": f"sailpoint-sim/{__version__} doctor", "Accept": "application/json"}
    with httpx.Client(timeout=settings.timeout, verify=shared_ssl_context(), headers=headers) as http:
        token = _check_token(doctor, http, settings, root, facts)
        if token is None:
            doctor.skip(("scopes", "layouts", "header"), "no access token")
        else:
            read, write = _check_scopes(doctor, facts)
            probes = _check_layouts(doctor, http, settings, root, token, facts, hint)
            read = _proven_read(probes, settings.layout, read)
            facts["read"], facts["write"] = read, write
            _check_header(doctor, http, settings, root, token, probes, facts)
    _check_clock(doctor, facts)
    _check_rate_headers(doctor, facts)
    return _report(doctor, shown, facts)


def _ui_host_hint(host: str) -> str | None:
    # A common mistake: the UI host {tenant}.identitynow.com instead of the API host.
    match = re.fullmatch(r"([a-z0-9-]+)\.(identitynow(?:-demo)?\.com)", host, re.IGNORECASE)
    if match and match.group(1).lower() != "api":
        return f"this looks like the UI host; the API host is {match.group(1)}.api.{match.group(2)}"
    return None


def _check_connect(doctor: _Doctor, host: str, port: int, https: bool, timeout: float | None) -> bool:
    t0 = doctor.perf()
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        summary = f"{host}:{port} {_os_error(exc)}"
        doctor.add("connect", Status.FAIL, summary)
        doctor.stop(EXIT_TRANSPORT, f"cannot connect to {summary}")
        doctor.skip(("tls",), "no connection")
        return False
    with sock:
        doctor.add("connect", Status.OK, f"{host}:{port} accepts connections ({_ms(doctor.perf() - t0)})")
        if not https:
            why = "plain http to a loopback host" if _loopback(host) else "plain http (--allow-insecure-http)"
            doctor.add("tls", Status.SKIPPED if _loopback(host) else Status.WARN, f"{why}: nothing to verify")
            return True
        try:
            with shared_ssl_context().wrap_socket(sock, server_hostname=host) as tls:
                cert = tls.getpeercert() or {}
                version = tls.version() or "TLS"
        except (OSError, ssl.SSLError) as exc:
            summary = f"{host}:{port} {_os_error(exc)}"
            doctor.add("tls", Status.FAIL, summary)
            doctor.stop(EXIT_TRANSPORT, f"TLS: {summary}")
            return False
    expires = cert.get("notAfter")
    days = None
    if isinstance(expires, str):
        days = int((ssl.cert_time_to_seconds(expires) - doctor.clock()) // 86400)
    tail = f"; certificate valid for {days} more days" if days is not None else ""
    doctor.add(
        "tls", Status.OK, f"{version}, certificate verifies for {host}{tail}", version=version, days_left=days
    )
    return True


def _loopback(host: str) -> bool:
    from ._config import _is_loopback  # the one definition of loopback the settings check uses

    return _is_loopback(host)


def _check_token(
    doctor: _Doctor, http: httpx.Client, settings: ClientSettings, root: str, facts: dict[str, Any]
) -> str | None:
    if settings.access_token is not None:
        token = settings.access_token
        claims = read_jwt_claims(token)
        facts["token"] = _token_facts(False, None, None, claims, doctor.clock())
        lifetime = facts["token"].lifetime
        left = _claims_left(claims, doctor.clock())
        doctor.add(
            "token",
            Status.INFO,
            "a ready token was given: no exchange"
            + (f"; it expires in {left:.0f} s" if left is not None else ""),
            exchanged=False,
            lifetime=lifetime,
            claims_readable=claims is not None,
        )
        return token
    url = settings.token_url or f"{root}/oauth/token"
    request = http.build_request(
        "POST",
        url,
        data={
            "grant_type": "client_credentials",
            "client_id": settings.client_id or "",
            "client_secret": settings.client_secret or "",
        },
    )
    exchange = doctor.send(http, request)
    where = f"POST {urlsplit(url).path}"
    if exchange.response is None:
        summary = f"{where}: {exchange.error}"
        doctor.add("token", Status.FAIL, summary, seconds=round(exchange.seconds, 3))
        doctor.stop(EXIT_TRANSPORT, f"token request failed: {exchange.error}")
        return None
    response = exchange.response
    if response.status_code != 200:
        text = doctor.message(response)
        summary = f"{where} answered {response.status_code}: {text}"
        doctor.add(
            "token",
            Status.FAIL,
            summary,
            http_status=response.status_code,
            seconds=round(exchange.seconds, 3),
        )
        why = (
            "the client id or secret is wrong"
            if response.status_code in (400, 401)
            else "the token endpoint refused"
        )
        doctor.stop(EXIT_API_ERROR, f"{why}: the token endpoint answered {response.status_code}: {text}")
        return None
    try:
        data = json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        data = None
    value = data.get("access_token") if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        summary = f"{where} answered 200 without an access_token (content type {response.headers.get('content-type', 'none')})"
        doctor.add("token", Status.FAIL, summary, http_status=200)
        doctor.stop(EXIT_TRANSPORT, summary)
        return None
    token = value
    doctor.secrets.append(token)
    assert isinstance(data, dict)
    lifetime = data.get("expires_in")
    lifetime = (
        float(lifetime) if isinstance(lifetime, int | float) and not isinstance(lifetime, bool) else None
    )
    claims = read_jwt_claims(token)
    facts["token"] = _token_facts(True, exchange.seconds, lifetime, claims, doctor.clock())
    shown = f"{lifetime:.0f} s" if lifetime is not None else "not given (no expires_in)"
    doctor.add(
        "token",
        Status.OK,
        f"{where} 200 in {_ms(exchange.seconds)}; lifetime {shown}",
        http_status=200,
        seconds=round(exchange.seconds, 3),
        lifetime=facts["token"].lifetime,
        token_type=data.get("token_type") if isinstance(data.get("token_type"), str) else None,
        claims_readable=claims is not None,
    )
    return token


def _claims_left(claims: Mapping[str, Any] | None, now: float) -> float | None:
    exp = claims.get("exp") if claims else None
    return float(exp) - now if isinstance(exp, int | float) and not isinstance(exp, bool) else None


def _token_facts(
    exchanged: bool,
    seconds: float | None,
    lifetime: float | None,
    claims: Mapping[str, Any] | None,
    now: float,
) -> TokenFacts:
    kept: dict[str, Any] = {}
    if claims is not None:
        for key in _KEPT_CLAIMS:
            value = claims.get(key)
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                kept[key] = value
            elif isinstance(value, list) and all(isinstance(item, str) for item in value):
                kept[key] = list(value)
        iat, exp = kept.get("iat"), kept.get("exp")
        if lifetime is None and isinstance(iat, int | float) and isinstance(exp, int | float):
            lifetime = float(exp - iat)
    return TokenFacts(
        exchanged=exchanged,
        seconds=seconds,
        lifetime=lifetime,
        claims_readable=claims is not None,
        claims=kept,
        scopes=scope_values(claims) if claims is not None else None,
    )


def _check_scopes(doctor: _Doctor, facts: dict[str, Any]) -> tuple[Access, Access]:
    token: TokenFacts = facts["token"]
    read, write = access_from_scopes(token.scopes)
    shown = " ".join(token.scopes) if token.scopes else None
    if not token.claims_readable:
        claim = "the token is not a readable JWT"
    elif token.scopes is None:
        claim = "the token has no scope claim"
    else:
        claim = f"scope claim: {shown or '(empty)'}"
    if read is Access.UNKNOWN:
        claim += " (not scope names: read and write unknown; the list call shows whether reading works)"
    status = Status.WARN if Access.NO in (read, write) else Status.OK if read is Access.YES else Status.INFO
    doctor.add(
        "scopes",
        status,
        f"{claim}; read {read}, write {write}",
        scopes=list(token.scopes) if token.scopes is not None else None,
        claims=dict(token.claims),
        read=str(read),
        write=str(write),
    )
    return read, write


def _list(
    doctor: _Doctor, http: httpx.Client, url: str, token: str, *, experimental: bool
) -> tuple[_Exchange, int | None, str | None]:
    headers = {"Authorization": f"Bearer {token}"}
    if experimental:
        headers[EXPERIMENTAL_HEADER] = EXPERIMENTAL_VALUE
    exchange = doctor.send(http, http.build_request("GET", url, headers=headers))
    response = exchange.response
    if response is None:
        return exchange, None, exchange.error
    if response.status_code != 200:
        return exchange, None, doctor.message(response)
    try:
        data = json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        data = None
    if not isinstance(data, list):
        kind = response.headers.get("content-type", "no content type")
        return exchange, None, f"200 with a body that is not a JSON array ({one_line(kind)[:60]})"
    return exchange, len(data), None


def _check_layouts(
    doctor: _Doctor,
    http: httpx.Client,
    settings: ClientSettings,
    root: str,
    token: str,
    facts: dict[str, Any],
    hint: str | None,
) -> list[LayoutProbe]:
    probes: list[LayoutProbe] = []
    order = [settings.layout] + [layout for layout in Layout if layout is not settings.layout]
    for layout in order:
        url = collection_url(root, layout, settings.api_version)
        exchange, count, message = _list(doctor, http, url, token, experimental=True)
        probes.append(
            LayoutProbe(
                layout=layout,
                path=urlsplit(url).path,
                status=exchange.response.status_code if exchange.response is not None else None,
                seconds=round(exchange.seconds, 4),
                count=count,
                message=message if exchange.response is not None else None,
                error=exchange.error,
            )
        )
    facts["layouts"] = probes
    configured = probes[0]
    answering = [probe.layout for probe in probes if probe.listed]
    summary = f"configured {configured.layout}: {_probe_text(configured)}; " + "; ".join(
        f"{probe.layout}: {_probe_text(probe)}" for probe in probes[1:]
    )
    details = {"probes": [attrs.asdict(probe) for probe in probes], "configured": settings.layout}
    if configured.listed:
        outcome = Status.OK if len(answering) == len(probes) else Status.INFO
        if any(probe.status == 429 for probe in probes):
            outcome = Status.WARN
        doctor.add("layouts", outcome, summary, **details)
        return probes
    doctor.add("layouts", Status.FAIL, summary, **details)
    if configured.status is None:
        doctor.stop(EXIT_TRANSPORT, f"the list call under {configured.layout} failed: {configured.error}")
    elif answering:
        other = answering[0]
        doctor.stop(
            EXIT_API_ERROR,
            f"the configured layout {configured.layout} answers {configured.status}, {other} lists integrations: "
            f"use --layout {other} or {ENV_LAYOUT}={other}",
        )
    elif configured.status == 200:
        doctor.stop(EXIT_TRANSPORT, f"the list call under {configured.layout}: {configured.message}")
    else:
        doctor.stop(EXIT_API_ERROR, _refusal(configured) + (f"; {hint}" if hint else ""))
    return probes


def _probe_text(probe: LayoutProbe) -> str:
    """What one list call gave, in a few words (the paths and messages are in the details)."""
    if probe.status is None:
        return f"no answer ({probe.error})"
    if probe.listed:
        return f"200, {probe.count} integration{'' if probe.count == 1 else 's'}"
    return f"{probe.status}" if probe.status != 200 else "200, unreadable"


def _refusal(probe: LayoutProbe) -> str:
    what = {
        401: "the API refused the token",
        403: "the token lacks the scope to read SIM integrations (idn:service-desk-integration:read)",
        404: "neither layout serves SIM integrations at this base URL",
        429: "rate limited",
    }.get(probe.status or 0, "the list call failed")
    return f"{what} ({probe.layout} answered {probe.status}: {probe.message})"


def _proven_read(probes: Sequence[LayoutProbe], layout: str, claimed: Access) -> Access:
    """A list call settles reading: 200 proves it, 403 disproves it; otherwise the claim stands."""
    if any(probe.listed for probe in probes):
        return Access.YES
    if any(probe.status == 403 for probe in probes):
        return Access.NO
    return claimed


def _check_header(
    doctor: _Doctor,
    http: httpx.Client,
    settings: ClientSettings,
    root: str,
    token: str,
    probes: Sequence[LayoutProbe],
    facts: dict[str, Any],
) -> None:
    listed = [probe for probe in probes if probe.listed]
    if not listed:
        doctor.add("header", Status.SKIPPED, "no layout lists integrations to compare with")
        return
    layout = listed[0].layout
    url = collection_url(root, layout, settings.api_version)
    exchange, _, message = _list(doctor, http, url, token, experimental=False)
    response = exchange.response
    path = urlsplit(url).path
    if response is None:
        doctor.add("header", Status.WARN, f"GET {path} without {EXPERIMENTAL_HEADER}: {exchange.error}")
    elif response.status_code == 400:
        message = doctor.message(response, tracking_id=False)
        facts["header"] = True
        doctor.add(
            "header",
            Status.OK,
            f"required: without {EXPERIMENTAL_HEADER}, GET {path} answers 400: {message}",
            required=True,
        )
    elif response.status_code == 200:
        facts["header"] = False
        doctor.add(
            "header",
            Status.INFO,
            f"not required here: GET {path} without {EXPERIMENTAL_HEADER} answers 200 (the client sends it anyway)",
            required=False,
        )
    else:
        doctor.add(
            "header",
            Status.WARN,
            f"unknown: GET {path} without {EXPERIMENTAL_HEADER} answers {response.status_code} ({message})",
            required=None,
            http_status=response.status_code,
        )


def _check_clock(doctor: _Doctor, facts: dict[str, Any]) -> None:
    if not doctor.skews:
        doctor.add("clock", Status.INFO, "unknown: no answer carried a Date header")
        return
    skew = statistics.median(doctor.skews)
    facts["skew"] = skew
    direction = "ahead of" if skew > 0 else "behind"
    if abs(skew) <= 1.5:
        summary = "in step with this machine (within the Date header's 1 s resolution)"
        status = Status.OK
    else:
        summary = f"the server is {abs(skew):.0f} s {direction} this machine"
        status = Status.WARN if abs(skew) > CLOCK_SKEW_WARN else Status.OK
        if status is Status.WARN:
            summary += (
                "; set this machine's clock (NTP): waits and expiry times given as dates are off by as much"
            )
    doctor.add("clock", status, summary, skew_seconds=round(skew, 1), samples=len(doctor.skews))


def _check_rate_headers(doctor: _Doctor, facts: dict[str, Any]) -> None:
    seen = tuple(sorted(doctor.rate_headers.items()))
    facts["rate"] = seen
    text = ", ".join(f"{name}: {value}" for name, value in seen)
    details = {"headers": dict(seen), "limited": list(doctor.limited)}
    if doctor.limited:
        summary = f"429 on {'; '.join(doctor.limited)}" + (f"; headers {text}" if text else "")
        doctor.add("rate-limit", Status.WARN, summary, **details)
    elif seen:
        doctor.add("rate-limit", Status.INFO, f"headers {text}", **details)
    else:
        doctor.add("rate-limit", Status.OK, "no rate-limit headers seen", **details)


def _report(
    doctor: _Doctor, settings: Sequence[Setting], facts: Mapping[str, Any] | None = None
) -> DoctorReport:
    facts = facts or {}
    return DoctorReport(
        settings=tuple(settings),
        checks=tuple(doctor.checks),
        exit_code=doctor.exit_code,
        reason=doctor.reason,
        token=facts.get("token"),
        read=facts.get("read", Access.UNKNOWN),
        write=facts.get("write", Access.UNKNOWN),
        layouts=tuple(facts.get("layouts", ())),
        experimental_header_required=facts.get("header"),
        clock_skew=facts.get("skew"),
        rate_limit_headers=tuple(facts.get("rate", ())),
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.001 else f"{seconds * 1000:.1f} ms"
