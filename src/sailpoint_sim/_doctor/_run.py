"""run_doctor(): the checks in order, each skipped with a reason when an earlier one makes it pointless."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from .._base import shared_ssl_context
from .._config import ClientSettings
from .._errors import ConfigurationError
from .._version import __version__
from ._checks import (
    check_clock,
    check_header,
    check_layouts,
    check_rate_headers,
    check_scopes,
    check_token,
    proven_read,
)
from ._network import check_connect, proxy_for, resolve_host, ui_host_hint
from ._probe import Doctor, os_error
from ._report import EXIT_CONFIGURATION, EXIT_TRANSPORT, Access, DoctorReport, Setting, Status
from ._settings import Resolved, resolve_settings


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
    doctor = Doctor(clock, time.perf_counter)
    path = Path(config_file) if config_file is not None else None
    resolved = Resolved(settings=[], notes=[])
    try:
        resolve_settings(resolved, flags or {}, environ, path)
    except ConfigurationError as exc:
        # The settings read before the failure are still shown (secrets masked).
        doctor.add("settings", Status.FAIL, str(exc), notes=resolved.notes)
        doctor.stop(EXIT_CONFIGURATION, str(exc))
        doctor.skip(_NETWORK_CHECKS, "the settings are not usable")
        return _report(doctor, resolved.settings)
    checked = resolved.checked
    assert checked is not None  # resolve_settings sets it or raises
    doctor.secrets = [secret for secret in (checked.client_secret, checked.access_token) if secret]
    method = "a ready access token" if checked.access_token is not None else "client credentials"
    doctor.add("settings", Status.OK, f"usable: base URL and {method}", notes=resolved.notes)
    return _run_network(doctor, checked, resolved.settings)


_NETWORK_CHECKS = ("dns", "connect", "tls", "token", "scopes", "layouts", "header", "clock", "rate-limit")


def _run_network(doctor: Doctor, settings: ClientSettings, shown: Sequence[Setting]) -> DoctorReport:
    root = settings.base_url
    parts = urlsplit(root)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    connect_timeout = settings.timeout.connect
    proxy = proxy_for(root)
    facts: dict[str, Any] = {}
    hint = ui_host_hint(host)

    # -- dns, connect, tls
    try:
        addresses = resolve_host(host, port, connect_timeout)
    except OSError as exc:
        summary = f"{host} {os_error(exc)}"
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
        if not check_connect(doctor, host, port, https, connect_timeout):
            doctor.skip(_NETWORK_CHECKS[3:], f"cannot connect to {host}:{port}")
            return _report(doctor, shown)

    headers = {"User-Agent": f"sailpoint-sim/{__version__} doctor", "Accept": "application/json"}
    with httpx.Client(timeout=settings.timeout, verify=shared_ssl_context(), headers=headers) as http:
        token = check_token(doctor, http, settings, root, facts)
        if token is None:
            doctor.skip(("scopes", "layouts", "header"), "no access token")
        else:
            read, write = check_scopes(doctor, facts)
            probes = check_layouts(doctor, http, settings, root, token, facts, hint)
            read = proven_read(probes, read)
            facts["read"], facts["write"] = read, write
            check_header(doctor, http, settings, root, token, probes, facts)
    check_clock(doctor, facts)
    check_rate_headers(doctor, facts)
    return _report(doctor, shown, facts)


def _report(
    doctor: Doctor, settings: Sequence[Setting], facts: Mapping[str, Any] | None = None
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
