"""Where each setting comes from, and the settings themselves checked by the clients' own code."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import httpx

from .._config import (
    DEFAULT_API_VERSION,
    DEFAULT_TIMEOUT,
    ENV_ACCESS_TOKEN,
    ENV_API_VERSION,
    ENV_BASE_URL,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    ENV_LAYOUT,
    ClientSettings,
    Layout,
    config_file_kwargs,
    env_kwargs,
    redact_url,
)
from .._errors import one_line
from .._patch import PatchFormat
from .._redact import MASK
from ._report import Setting


@attrs.define
class Resolved:
    """The settings doctor shows (with their sources) and, once they validate, the clients' own view."""

    settings: list[Setting]
    notes: list[str]
    checked: ClientSettings | None = None


# The command-line values doctor takes, by the constructor's names.
_FLAG_NAMES = ("base_url", "client_id", "client_secret", "access_token", "api_version", "layout", "timeout")
_SECRETS = frozenset({"client_secret", "access_token"})


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def resolve_settings(
    out: Resolved, flags: Mapping[str, Any], environ: Mapping[str, str], config_file: Path | None
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
