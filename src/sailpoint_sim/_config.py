"""Settings: defaults, validation of base URLs and credentials, and loading from env / config.json.

Every error names the setting in the words of its source ("SAIL_BASE_URL is not set", "BaseURL in
config.json is not an absolute https URL") and never quotes a secret value.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from ._errors import ConfigurationError

__all__ = [
    "DEFAULT_API_VERSION",
    "DEFAULT_LIMITS",
    "DEFAULT_TIMEOUT",
    "ENV_ACCESS_TOKEN",
    "ENV_API_VERSION",
    "ENV_BASE_URL",
    "ENV_CLIENT_ID",
    "ENV_CLIENT_SECRET",
    "EXPERIMENTAL_HEADER",
    "EXPERIMENTAL_VALUE",
    "config_file_kwargs",
    "env_kwargs",
    "redact_url",
    "validate_api_version",
    "validate_base_url",
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
# (`400 {"error":"Experimental Header is missing or invalid."}`).
EXPERIMENTAL_HEADER = "X-SailPoint-Experimental"
EXPERIMENTAL_VALUE = "true"

# SailPoint's own variable names (the Python SDK reads the first three).
ENV_BASE_URL = "SAIL_BASE_URL"
ENV_CLIENT_ID = "SAIL_CLIENT_ID"
ENV_CLIENT_SECRET = "SAIL_CLIENT_SECRET"
ENV_ACCESS_TOKEN = "SAIL_ACCESS_TOKEN"
ENV_API_VERSION = "SAIL_API_VERSION"

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


def validate_base_url(
    value: object,
    *,
    setting: str = "base_url",
    allow_insecure_http: bool = False,
    api_version: str = DEFAULT_API_VERSION,
) -> str:
    """Return the tenant root URL (no trailing slash, no version segment), or raise ConfigurationError.

    Accepts only absolute http(s) URLs without credentials, query or fragment. Plain ``http://`` is
    accepted for loopback hosts (a local fake or tunnel) and otherwise only with
    ``allow_insecure_http=True``: the bearer token and client secret would cross the network in clear.
    A URL that already ends in ``/{api_version}`` is accepted and the segment is not doubled.
    """
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{setting} is not set")
    url = value.strip()
    try:
        url.encode("utf-8")  # lone surrogates cannot be sent
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
    if parts.scheme == "http" and not allow_insecure_http and not _is_loopback(host):
        raise ConfigurationError(
            f"{setting} uses plain http:// for a non-loopback host ({host}); use https, or pass "
            "allow_insecure_http=True if you really mean it"
        )
    root = url.rstrip("/")
    suffix = "/" + api_version
    if root.endswith(suffix):
        root = root[: -len(suffix)]
    return root


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
    for key, value in zip(_AUTH_KEYS, (client_id, client_secret, access_token), strict=True):
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
            allow_insecure_http=bool(kwargs.get("allow_insecure_http", False)),
            api_version=str(
                kwargs.get("api_version") or _env(environ, ENV_API_VERSION) or DEFAULT_API_VERSION
            ),
        )
    if kwargs.get("api_version") is None:
        version = _env(environ, ENV_API_VERSION)
        kwargs["api_version"] = (
            validate_api_version(version, setting=ENV_API_VERSION) if version else DEFAULT_API_VERSION
        )
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


def config_file_kwargs(path: str | os.PathLike[str], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Constructor keyword arguments from the config.json that SailPoint's Python SDK reads.

    Keys: ``BaseURL``, ``ClientId``, ``ClientSecret`` (``NermBaseUrl`` may be present and is ignored).
    ``overrides`` take precedence, as in :func:`env_kwargs`.
    """
    file_name = Path(path).name or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    except UnicodeDecodeError:
        raise ConfigurationError(f"{path} is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # json's message quotes no document text, only a position.
        raise ConfigurationError(f"{path} is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path} must hold a JSON object with BaseURL, ClientId and ClientSecret")
    kwargs = dict(overrides)

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
            allow_insecure_http=bool(kwargs.get("allow_insecure_http", False)),
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
                "access_token": "access_token",
            },
        )
        kwargs.update(client_id=client_id, client_secret=client_secret)
    return kwargs
