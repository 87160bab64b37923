"""Before any HTTP: the host resolves, accepts a connection and (for https) passes TLS verification."""

from __future__ import annotations

import re
import socket
import ssl
import threading
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from .._base import shared_ssl_context
from .._config import (
    _is_loopback,
    redact_url,
)
from ._probe import Doctor, ms, os_error
from ._report import EXIT_TRANSPORT, Status


def resolve_host(host: str, port: int, timeout: float | None) -> list[str]:
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


def proxy_for(url: str) -> str | None:
    """The proxy httpx would use for this URL (from the environment), credentials removed."""
    host = urlsplit(url).hostname or ""
    proxies = urllib.request.getproxies_environment()
    if not proxies or urllib.request.proxy_bypass(host):
        return None
    proxy = proxies.get(urlsplit(url).scheme) or proxies.get("all")
    return redact_url(proxy) if proxy else None


def ui_host_hint(host: str) -> str | None:
    """A hint when the host is the UI host {tenant}.identitynow.com instead of the API host (a common mistake)."""
    match = re.fullmatch(r"([a-z0-9-]+)\.(identitynow(?:-demo)?\.com)", host, re.IGNORECASE)
    if match and match.group(1).lower() != "api":
        return f"this looks like the UI host; the API host is {match.group(1)}.api.{match.group(2)}"
    return None


def check_connect(doctor: Doctor, host: str, port: int, https: bool, timeout: float | None) -> bool:
    """TCP connect, then (https) a TLS handshake verified with the clients' CA bundle; False stops the run."""
    t0 = doctor.perf()
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        summary = f"{host}:{port} {os_error(exc)}"
        doctor.add("connect", Status.FAIL, summary)
        doctor.stop(EXIT_TRANSPORT, f"cannot connect to {summary}")
        doctor.skip(("tls",), "no connection")
        return False
    with sock:
        doctor.add("connect", Status.OK, f"{host}:{port} accepts connections ({ms(doctor.perf() - t0)})")
        if not https:
            why = "plain http to a loopback host" if _loopback(host) else "plain http (--allow-insecure-http)"
            doctor.add("tls", Status.SKIPPED if _loopback(host) else Status.WARN, f"{why}: nothing to verify")
            return True
        try:
            with shared_ssl_context().wrap_socket(sock, server_hostname=host) as tls:
                cert = tls.getpeercert() or {}
                version = tls.version() or "TLS"
        except (OSError, ssl.SSLError) as exc:
            summary = f"{host}:{port} {os_error(exc)}"
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
    # The one definition of loopback: the one the settings check uses to allow plain http.
    return _is_loopback(host)
