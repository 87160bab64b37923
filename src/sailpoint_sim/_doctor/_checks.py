"""The HTTP checks: token exchange, scopes, a list call per layout, the experimental header, clock, rate limits."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import attrs
import httpx

from .._config import (
    ENV_LAYOUT,
    EXPERIMENTAL_HEADER,
    EXPERIMENTAL_VALUE,
    ClientSettings,
    Layout,
)
from .._errors import one_line
from .._paths import collection_url
from ._claims import access_from_scopes, read_jwt_claims, seconds_left, token_facts
from ._probe import Doctor, Exchange, ms
from ._report import EXIT_API_ERROR, EXIT_TRANSPORT, Access, LayoutProbe, Status, TokenFacts

# Beyond this many seconds between the server's Date and ours, waits given as dates (Retry-After) and
# expiry times read from claims are off by as much: worth a warning. Date has a resolution of 1 s.
CLOCK_SKEW_WARN = 30.0


def check_token(
    doctor: Doctor, http: httpx.Client, settings: ClientSettings, root: str, facts: dict[str, Any]
) -> str | None:
    """Exchange the client credentials once (or describe a ready token); the token, or None on failure."""
    if settings.access_token is not None:
        token = settings.access_token
        claims = read_jwt_claims(token)
        facts["token"] = token_facts(False, None, None, claims, doctor.clock())
        lifetime = facts["token"].lifetime
        left = seconds_left(claims, doctor.clock())
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
    facts["token"] = token_facts(True, exchange.seconds, lifetime, claims, doctor.clock())
    shown = f"{lifetime:.0f} s" if lifetime is not None else "not given (no expires_in)"
    doctor.add(
        "token",
        Status.OK,
        f"{where} 200 in {ms(exchange.seconds)}; lifetime {shown}",
        http_status=200,
        seconds=round(exchange.seconds, 3),
        lifetime=facts["token"].lifetime,
        token_type=data.get("token_type") if isinstance(data.get("token_type"), str) else None,
        claims_readable=claims is not None,
    )
    return token


def check_scopes(doctor: Doctor, facts: dict[str, Any]) -> tuple[Access, Access]:
    """What the scope claim allows: (read, write), each yes, no or unknown."""
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
    doctor: Doctor, http: httpx.Client, url: str, token: str, *, experimental: bool
) -> tuple[Exchange, int | None, str | None]:
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


def check_layouts(
    doctor: Doctor,
    http: httpx.Client,
    settings: ClientSettings,
    root: str,
    token: str,
    facts: dict[str, Any],
    hint: str | None,
) -> list[LayoutProbe]:
    """A list call under each layout, the configured one first; stops the run unless that one lists."""
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
    summary = _layouts_summary(probes)
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


def _layouts_summary(probes: Sequence[LayoutProbe]) -> str:
    """One line: what the configured layout (first) and then the others answered."""

    def answer(probe: LayoutProbe) -> str:
        if probe.listed:
            return "lists integrations"
        if probe.status is None:
            return f"fails ({probe.error})"
        return f"answers {probe.status}" + (", not a JSON array" if probe.status == 200 else "")

    configured, others = probes[0], probes[1:]
    parts = [f"the configured layout {configured.layout} {answer(configured)}"]
    parts += [f"{probe.layout} {answer(probe)}" for probe in others]
    return "; ".join(parts)


def _refusal(probe: LayoutProbe) -> str:
    what = {
        401: "the API refused the token",
        403: "the token lacks the scope to read SIM integrations (idn:service-desk-integration:read)",
        404: "neither layout serves SIM integrations at this base URL",
        429: "rate limited",
    }.get(probe.status or 0, "the list call failed")
    return f"{what} ({probe.layout} answered {probe.status}: {probe.message})"


def proven_read(probes: Sequence[LayoutProbe], claimed: Access) -> Access:
    """A list call settles reading: 200 proves it, 403 disproves it; otherwise the claim stands."""
    if any(probe.listed for probe in probes):
        return Access.YES
    if any(probe.status == 403 for probe in probes):
        return Access.NO
    return claimed


def check_header(
    doctor: Doctor,
    http: httpx.Client,
    settings: ClientSettings,
    root: str,
    token: str,
    probes: Sequence[LayoutProbe],
    facts: dict[str, Any],
) -> None:
    """The list call again without the experimental header: 400 means the tenant requires it."""
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


def check_clock(doctor: Doctor, facts: dict[str, Any]) -> None:
    """The median skew between the Date headers seen and this machine's clock."""
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


def check_rate_headers(doctor: Doctor, facts: dict[str, Any]) -> None:
    """Every rate-limit header seen, and every request that drew a 429."""
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
