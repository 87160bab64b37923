"""Settings: defaults, validation of base URLs and credentials, and loading from env / config.json.

Every error names the setting in the words of its source ("SAIL_BASE_URL is not set", "BaseURL in
config.json is not an absolute https URL") and never quotes a secret value.
"""

from __future__ import annotations

import enum
import json
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from ._errors import ConfigurationError, one_line
from ._patch import PatchFormat
from ._ratelimit import DEFAULT_RATE_LIMIT, validate_rate_limit
from ._retry import RetryPolicy
from ._send import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES,
    validate_deadline,
    validate_max_response_bytes,
)

__all__ = [
    "DEFAULT_API_VERSION",
    "DEFAULT_LIMITS",
    "DEFAULT_TIMEOUT",
    "ENV_ACCESS_TOKEN",
    "ENV_API_VERSION",
    "ENV_BASE_URL",
    "ENV_CLIENT_ID",
    "ENV_CLIENT_SECRET",
    "ENV_LAYOUT",
    "EXPERIMENTAL_HEADER",
    "EXPERIMENTAL_VALUE",
    "Layout",
    "config_file_kwargs",
    "env_kwargs",
    "redact_url",
    "validate_api_version",
    "validate_base_url",
    "validate_layout",
    "validate_timeout",
]

DEFAULT_API_VERSION = "v2025"
# Connect fails fast (an unreachable tenant should not hang a script); reads get the time a busy
# tenant needs to answer a write.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# Every connection the pool may open is kept alive. httpx's default keeps 20 of 100; with more than 20
# calls in flight, httpcore 1.0.9 closes "surplus" idle connections and can close one it has just handed
# to a waiting request (encode/httpcore#1110): that call fails with a ReadError (a GET is retried, a POST
# is not) or hangs until its read timeout. With all 100 kept, that path is gone below 100 calls in flight.
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100, keepalive_expiry=5.0)
# SailPoint rejects these endpoints without this header, with exactly this lowercase value
# (`400 {"error":"Experimental Header is missing or invalid."}`). The clients send it through the
# generated operations; `doctor` names it when it probes without it.
EXPERIMENTAL_HEADER = "X-SailPoint-Experimental"
EXPERIMENTAL_VALUE = "true"


class Layout(enum.StrEnum):
    """Which of SailPoint's two path layouts the client calls (same operations, models and errors).

    V2025: ``{root}/v2025/sim-integrations[/{id}[/beforeProvisioningRule]]``, the year-versioned API
    (the default; ``api_version`` names the year segment). PER_RESOURCE:
    ``{root}/sim-integrations/v1[/{id}[/beforeProvisioningRule]]``, the per-resource versioning SailPoint
    moved to in June 2026 (the paths its current SDK calls; ``api_version`` does not apply).
    """

    V2025 = "v2025"
    PER_RESOURCE = "per-resource"


# SailPoint's own variable names (the Python SDK reads the first three).
ENV_BASE_URL = "SAIL_BASE_URL"
ENV_CLIENT_ID = "SAIL_CLIENT_ID"
ENV_CLIENT_SECRET = "SAIL_CLIENT_SECRET"
ENV_ACCESS_TOKEN = "SAIL_ACCESS_TOKEN"
ENV_API_VERSION = "SAIL_API_VERSION"
# Ours (SailPoint's SDK has no such choice): which path layout from_env / from_config_file use.
ENV_LAYOUT = "SAIL_SIM_LAYOUT"

_API_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
_AUTH_KEYS = ("client_id", "client_secret", "access_token")


def redact_url(url: str) -> str:
    """Drop any user:password@ part of a URL before quoting it in a message."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if "@" in parts.netloc:
        return parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]).geturl()
    return url


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    import ipaddress  # only needed for plain-http URLs, so not imported at package import

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _ascii_hint(host: str) -> str:
    # Python's codec applies IDNA 2003 (and maps full-width letters to ASCII): good enough for a hint.
    try:
        ascii_form = host.encode(
            "idna"  # pragma: no mutate - codec names ignore case: "IDNA" is the same codec
        ).decode()
    except UnicodeError:
        return ""
    return f"; if you mean an internationalized name, give its ASCII form {ascii_form!r}"


def validate_url(value: object, *, setting: str, allow_insecure_http: bool = False) -> str:
    """Return ``value`` stripped if it is an absolute http(s) URL httpx can send to, else raise.

    Refused with ConfigurationError (never ``httpx.InvalidURL`` later, on the first call): relative
    URLs, other schemes, credentials, a query or fragment, control characters or spaces, lone
    surrogates, non-ASCII host names, and plain ``http://`` to a non-loopback host unless
    ``allow_insecure_http``. An internationalized host (``https://☃.net``, full-width letters) must be
    given in its ASCII (``xn--``) form: no tenant host needs one, and silently rewriting a host name
    would send credentials to a host the user did not type.
    """
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{setting} is not set")
    url = value.strip()
    try:
        url.encode()  # lone surrogates cannot be sent (str.encode is always UTF-8)
    except ValueError:
        raise ConfigurationError(f"{setting} is not a valid URL: {redact_url(url)!r}") from None
    if not url.isprintable() or " " in url:
        raise ConfigurationError(f"{setting} contains a control character or a space")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise ConfigurationError(f"{setting} is not a valid URL: {redact_url(url)!r}") from None
    if parts.scheme not in ("https", "http") or not host:
        raise ConfigurationError(
            f"{setting} is not an absolute https URL (for example https://acme.api.identitynow.com): "
            f"{redact_url(url)!r}"
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(f"{setting} must not contain credentials (user:password@)")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ConfigurationError(f"{setting} must not contain a query or fragment: {url!r}")
    if not host.isascii():
        raise ConfigurationError(f"{setting} has a host name that is not ASCII ({host!r}){_ascii_hint(host)}")
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(host):
        raise ConfigurationError(
            f"{setting} uses plain http:// for a non-loopback host ({host}); use https, or pass "
            "allow_insecure_http=True if you really mean it"
        )
    try:
        httpx.URL(url)  # the last word: whatever httpx would refuse at the first call is refused now
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise ConfigurationError(f"{setting} is not a valid URL ({one_line(str(exc))[:80]})") from None
    return url


def validate_base_url(
    value: object,
    *,
    setting: str = "base_url",
    allow_insecure_http: bool = False,
    api_version: str = DEFAULT_API_VERSION,
) -> str:
    """Return the tenant root URL (no trailing slash, no version segment), or raise ConfigurationError.

    The URL rules are :func:`validate_url`'s. A URL that already ends in ``/{api_version}`` is accepted
    and the segment is not doubled.
    """
    root = validate_url(value, setting=setting, allow_insecure_http=allow_insecure_http).rstrip("/")
    suffix = "/" + api_version
    if root.endswith(suffix):
        root = root[: -len(suffix)]
    return root


def validate_layout(value: object, *, setting: str = "layout") -> Layout:
    """Return the :class:`Layout` for a Layout or its string value, or raise ConfigurationError."""
    if isinstance(value, Layout):
        return value
    if isinstance(value, str):
        try:
            return Layout(value.strip().lower())
        except ValueError:
            pass
    choices = ", ".join(repr(member.value) for member in Layout)
    raise ConfigurationError(f"{setting} must be one of {choices}, got {value!r}")


def validate_timeout(value: object, *, setting: str = "timeout") -> httpx.Timeout:
    """Return an ``httpx.Timeout`` for seconds, an ``httpx.Timeout`` or None (no timeout), or raise.

    Every part given must be a finite number of seconds above zero: a negative, zero, NaN or infinite
    timeout is refused here instead of making every call fail later with a ValueError.
    """
    if value is None:
        return httpx.Timeout(None)
    if isinstance(value, httpx.Timeout):
        parts: tuple[object, ...] = (value.connect, value.read, value.write, value.pool)
        timeout = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        parts = (value,)
        timeout = httpx.Timeout(value)
    else:
        raise ConfigurationError(
            f"{setting} must be an httpx.Timeout, a number of seconds or None, got {type(value).__name__}"
        )
    for part in parts:
        if part is None:
            continue
        if (
            isinstance(part, bool)
            or not isinstance(part, int | float)
            or not math.isfinite(part)
            or part <= 0
        ):
            raise ConfigurationError(f"{setting} must be a finite number of seconds above 0, got {part!r}")
    return timeout


def validate_api_version(value: object, *, setting: str = "api_version") -> str:
    """Return a valid API version path segment (default "v2025"), or raise ConfigurationError."""
    if not isinstance(value, str) or not _API_VERSION_RE.match(value):
        raise ConfigurationError(f"{setting} must be one path segment such as 'v2025', got {value!r}")
    return value


def is_header_safe(value: object) -> bool:
    """True for a token that can go in an HTTP header as is: printable ASCII, no whitespace."""
    return isinstance(value, str) and value.isascii() and value.isprintable() and " " not in value


def validate_credentials(
    client_id: object,
    client_secret: object,
    access_token: object,
    *,
    names: Mapping[str, str] | None = None,
) -> None:
    """Check that exactly one way to authenticate is given: a token, or a client id and secret."""
    n = {"client_id": "client_id", "client_secret": "client_secret", "access_token": "access_token"}
    n.update(names or {})
    given = {"client_id": client_id, "client_secret": client_secret, "access_token": access_token}
    for key, value in given.items():
        if value is not None and (not isinstance(value, str) or not value.strip()):
            # Do not quote the value: it may be a secret.
            raise ConfigurationError(f"{n[key]} must be a non-empty string")
    if access_token is not None:
        if not is_header_safe(access_token):
            raise ConfigurationError(
                f"{n['access_token']} must be printable ASCII without spaces (it goes in a header)"
            )
        if client_id is not None or client_secret is not None:
            raise ConfigurationError(
                f"give either {n['access_token']} or {n['client_id']} and {n['client_secret']}, not both"
            )
        return
    if client_id is None and client_secret is None:
        raise ConfigurationError(
            f"no credentials: set {n['client_id']} and {n['client_secret']} (a personal access token), "
            f"or {n['access_token']}"
        )
    if client_id is None:
        raise ConfigurationError(f"{n['client_id']} is not set (it is needed with {n['client_secret']})")
    if client_secret is None:
        raise ConfigurationError(f"{n['client_secret']} is not set (it is needed with {n['client_id']})")


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name)
    return value if value and value.strip() else None


def env_kwargs(overrides: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Constructor keyword arguments from SAIL_* variables, with ``overrides`` taking precedence.

    When any credential is passed in ``overrides``, the credential variables are ignored, so that an
    explicit token is not mixed with a client secret from the environment.
    """
    environ = os.environ if environ is None else environ
    kwargs = dict(overrides)
    if kwargs.get("base_url") is None:
        base_url = _env(environ, ENV_BASE_URL)
        if base_url is None:
            raise ConfigurationError(f"{ENV_BASE_URL} is not set")
        kwargs["base_url"] = validate_base_url(
            base_url,
            setting=ENV_BASE_URL,
            allow_insecure_http=bool(kwargs.get("allow_insecure_http")),
            api_version=str(
                kwargs.get("api_version") or _env(environ, ENV_API_VERSION) or DEFAULT_API_VERSION
            ),
        )
    if kwargs.get("api_version") is None:
        version = _env(environ, ENV_API_VERSION)
        kwargs["api_version"] = (
            validate_api_version(version, setting=ENV_API_VERSION) if version else DEFAULT_API_VERSION
        )
    _layout_from_env(kwargs, environ)
    if not any(kwargs.get(key) is not None for key in _AUTH_KEYS):
        client_id = _env(environ, ENV_CLIENT_ID)
        client_secret = _env(environ, ENV_CLIENT_SECRET)
        access_token = _env(environ, ENV_ACCESS_TOKEN)
        validate_credentials(
            client_id,
            client_secret,
            access_token,
            names={
                "client_id": ENV_CLIENT_ID,
                "client_secret": ENV_CLIENT_SECRET,
                "access_token": ENV_ACCESS_TOKEN,
            },
        )
        kwargs.update(client_id=client_id, client_secret=client_secret, access_token=access_token)
    return kwargs


def _layout_from_env(kwargs: dict[str, Any], environ: Mapping[str, str]) -> None:
    if kwargs.get("layout") is None:
        value = _env(environ, ENV_LAYOUT)
        if value is not None:
            kwargs["layout"] = validate_layout(value, setting=ENV_LAYOUT)
        else:
            kwargs.pop("layout", None)


def config_file_kwargs(
    path: str | os.PathLike[str], overrides: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Constructor keyword arguments from the config.json that SailPoint's Python SDK reads.

    Keys: ``BaseURL``, ``ClientId``, ``ClientSecret`` (``NermBaseUrl`` may be present and is ignored).
    The file has no layout key: SAIL_SIM_LAYOUT is read from the environment. ``overrides`` take
    precedence, as in :func:`env_kwargs`.
    """
    # A path with no name part ("/", ".") is a directory: reading it fails before the name is used.
    file_name = Path(path).name
    try:
        text = Path(path).read_bytes().decode()  # bytes.decode is UTF-8 whatever the locale
    except OSError as exc:
        # An OSError from open() or read() always carries the system's reason.
        raise ConfigurationError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"{path} is not UTF-8 text") from None
    except ValueError:
        # The only other refusal of open(): a NUL in the path ("embedded null byte").
        raise ConfigurationError(
            f"cannot read {str(path)!r}: a path cannot contain a NUL character"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # json's message quotes no document text, only a position.
        raise ConfigurationError(f"{path} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path} must hold a JSON object with BaseURL, ClientId and ClientSecret")
    kwargs = dict(overrides)
    _layout_from_env(kwargs, os.environ if environ is None else environ)

    def field(key: str) -> str | None:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            raise ConfigurationError(f"{key} in {file_name} must be a string")
        return value

    if kwargs.get("base_url") is None:
        base_url = field("BaseURL")
        if base_url is None:
            raise ConfigurationError(f"BaseURL in {file_name} is not set")
        kwargs["base_url"] = validate_base_url(
            base_url,
            setting=f"BaseURL in {file_name}",
            allow_insecure_http=bool(kwargs.get("allow_insecure_http")),
            api_version=str(kwargs.get("api_version") or DEFAULT_API_VERSION),
        )
    if not any(kwargs.get(key) is not None for key in _AUTH_KEYS):
        client_id = field("ClientId")
        client_secret = field("ClientSecret")
        validate_credentials(
            client_id,
            client_secret,
            None,
            names={
                "client_id": f"ClientId in {file_name}",
                "client_secret": f"ClientSecret in {file_name}",
            },
        )
        kwargs.update(client_id=client_id, client_secret=client_secret)
    return kwargs


class ClientSettings:
    """Every constructor setting of both clients, checked (the one place they are checked)."""

    __slots__ = (
        "access_token",
        "api_version",
        "base_url",
        "client_id",
        "client_secret",
        "deadline",
        "layout",
        "max_response_bytes",
        "patch_format",
        "rate_limit",
        "retry",
        "timeout",
        "timeout_given",
        "token_url",
        "user_agent",
    )

    def __init__(
        self,
        base_url: object,
        client_id: object,
        client_secret: object,
        access_token: object,
        *,
        api_version: object,
        layout: object,
        token_url: object,
        timeout: object,
        timeout_given: bool,
        retry: object,
        max_retries: object,
        patch_format: object,
        allow_insecure_http: bool,
        user_agent: object,
        deadline: object = DEFAULT_DEADLINE,
        max_response_bytes: object = DEFAULT_MAX_RESPONSE_BYTES,
        rate_limit: object = DEFAULT_RATE_LIMIT,
    ) -> None:
        # The sending settings keep their validators beside the code that uses them; they are called here.
        self.deadline = validate_deadline(deadline)
        self.max_response_bytes = validate_max_response_bytes(max_response_bytes)
        self.rate_limit = validate_rate_limit(rate_limit)
        self.api_version = validate_api_version(api_version)
        self.layout = validate_layout(layout)
        if self.layout is Layout.PER_RESOURCE and self.api_version != DEFAULT_API_VERSION:
            raise ConfigurationError(
                f"api_version {self.api_version!r} applies only to layout 'v2025'; the per-resource "
                "layout has its own version in the path (/sim-integrations/v1)"
            )
        self.base_url = validate_base_url(
            base_url, allow_insecure_http=allow_insecure_http, api_version=self.api_version
        )
        validate_credentials(client_id, client_secret, access_token)
        self.client_id: str | None = client_id  # type: ignore[assignment]  # checked just above
        self.client_secret: str | None = client_secret  # type: ignore[assignment]
        self.access_token: str | None = access_token  # type: ignore[assignment]
        self.token_url: str | None = None
        if access_token is None:
            # No version segment is ever stripped from a token URL: it is used exactly as given.
            self.token_url = validate_url(
                token_url if token_url is not None else f"{self.base_url}/oauth/token",
                setting="token_url",
                allow_insecure_http=allow_insecure_http,
            )
        if retry is not None and max_retries is not None:
            raise ConfigurationError("give retry= or max_retries=, not both")
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise ConfigurationError(f"retry must be a RetryPolicy, got {type(retry).__name__}")
        self.retry: RetryPolicy = (
            retry if retry is not None else RetryPolicy(max_retries=max_retries)  # type: ignore[arg-type]
        )
        if not isinstance(patch_format, PatchFormat):
            raise ConfigurationError(
                f"patch_format must be a PatchFormat (OPERATIONS_OBJECT or RFC6902_ARRAY), got {patch_format!r}"
            )
        self.patch_format = patch_format
        self.timeout_given = timeout_given
        self.timeout = validate_timeout(timeout) if timeout_given else DEFAULT_TIMEOUT
        if user_agent is not None and not (
            isinstance(user_agent, str) and user_agent.isascii() and user_agent.isprintable()
        ):
            raise ConfigurationError("user_agent must be a printable ASCII string")
        self.user_agent: str | None = user_agent
