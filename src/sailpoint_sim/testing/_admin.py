"""The test-only admin endpoints under ``/__fake__/``: out-of-process control of a running fake.

They need no authentication, which is why the fake must only ever listen on loopback. Each maps to a
public method of :class:`~sailpoint_sim.testing.FakeSimService`:

=====================================  ======================================================
``GET /__fake__/``                     ``{"ok": true}`` (readiness)
``GET|POST|DELETE /__fake__/faults``   list, add (a Fault as JSON, or a list of them), clear
``GET|DELETE /__fake__/requests``      recorded requests (secrets redacted); DELETE clears records
``GET|DELETE /__fake__/writes``        applied writes; DELETE clears records
``GET /__fake__/integrations``         the stored integrations
``GET /__fake__/stats``                counts: integrations, tokenRequests, requests, writes, faults,
                                       rate_limited
``POST /__fake__/seed``                ``{"count": N}`` -> ``{"ids": [...]}``
``POST /__fake__/config``              any of ``latency``, ``delete_status``, ``token_ttl``, ``scopes``,
                                       ``record``, ``layouts`` (a list), ``rate_limit``
                                       (``{"requests": N, "per": S}`` or null), ``clock_skew``
``POST /__fake__/tokens``              ``{"token": T, "ttl": S or null, "scopes": [...]}``: accept a token
``POST /__fake__/tokens/expire``       expire every token
``POST /__fake__/tokens/revoke``       ``{"token": T}`` revokes one; ``{}`` revokes all
``POST /__fake__/reset``               back to a fresh service
=====================================  ======================================================
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Protocol

from . import _replies
from ._model import AppliedWrite, Fault, RecordedRequest, Reply

_OK = {"ok": True}
_SETTINGS = frozenset(
    {"latency", "delete_status", "token_ttl", "scopes", "record", "layouts", "rate_limit", "clock_skew"}
)


class Controls(Protocol):
    """What the admin endpoints act on: the public surface of the fake service (no import of it here, so
    that the service can import this module)."""

    latency: float
    delete_status: int
    token_ttl: float
    scopes: frozenset[str]
    record: bool
    clock_skew: float
    rate_limit: Any

    @property
    def layouts(self) -> frozenset[str]: ...
    @layouts.setter
    def layouts(self, value: Iterable[str]) -> None: ...

    @property
    def faults(self) -> list[Fault]: ...
    @property
    def requests(self) -> list[RecordedRequest]: ...
    @property
    def writes(self) -> list[AppliedWrite]: ...
    @property
    def integrations(self) -> dict[str, dict[str, Any]]: ...
    def add_fault(self, fault: Fault) -> Fault: ...
    def clear_faults(self) -> None: ...
    def clear_records(self) -> None: ...
    def stats(self) -> dict[str, int]: ...
    def reset(self) -> None: ...
    def seed(self, count: int) -> list[str]: ...
    def add_token(
        self, token: str, ttl: float | None = None, *, scopes: Iterable[str] | None = None
    ) -> None: ...
    def expire_tokens(self) -> None: ...
    def revoke_token(self, token: str | None = None) -> None: ...


def admin_reply(service: Controls, method: str, route: str, body: bytes, tracking: str) -> Reply:
    """Answer one admin request (``route`` is the path after ``/__fake__/``)."""
    try:
        data = json.loads(body) if body.strip() else {}
    except ValueError:
        return _replies.error(400, tracking, "body: is not valid JSON")
    try:
        result = _action(service, method.upper(), route, data)
    except (ValueError, TypeError) as exc:
        return _replies.error(400, tracking, str(exc))
    if result is None:
        return _replies.error(404, tracking, f"No admin endpoint {method} /__fake__/{route}.")
    return _replies.json_reply(200, result, tracking)


def _action(service: Controls, method: str, route: str, data: Any) -> Any:
    if not isinstance(data, dict | list):
        raise ValueError("body: must be a JSON object")
    options = data if isinstance(data, dict) else {}
    match method, route:
        case "GET", "":
            return _OK
        case "GET", "faults":
            return [fault.to_json() for fault in service.faults]
        case "POST", "faults":
            items = data if isinstance(data, list) else [data]
            for item in items:
                if not isinstance(item, dict):
                    raise ValueError("faults: each fault must be a JSON object")
            return [service.add_fault(Fault.from_json(item)).to_json() for item in items]
        case "DELETE", "faults":
            service.clear_faults()
            return _OK
        case "GET", "requests":
            return [record.to_json() for record in service.requests]
        case "GET", "writes":
            return [record.to_json() for record in service.writes]
        case "DELETE", "requests" | "writes":
            service.clear_records()
            return _OK
        case "GET", "integrations":
            return list(service.integrations.values())
        case "GET", "stats":
            return service.stats()
        case "POST", "reset":
            service.reset()
            return _OK
        case "POST", "seed" if isinstance(data, dict):
            return {"ids": service.seed(_count(options.get("count", 0)))}
        case "POST", "config" if isinstance(data, dict):
            return _configure(service, options)
        case "POST", "tokens" if isinstance(data, dict):
            token = options.get("token")
            if not isinstance(token, str) or not token:
                raise ValueError("token: must be a non-empty string")
            ttl = options.get("ttl")
            scopes = options.get("scopes")
            service.add_token(
                token,
                None if ttl is None else _number(ttl, "ttl"),
                scopes=None if scopes is None else _scopes(scopes),
            )
            return _OK
        case "POST", "tokens/expire":
            service.expire_tokens()
            return _OK
        case "POST", "tokens/revoke" if isinstance(data, dict):
            token = options.get("token")
            if token is not None and not isinstance(token, str):
                raise ValueError("token: must be a string")
            service.revoke_token(token)
            return _OK
    return None


def _configure(service: Controls, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - _SETTINGS
    if unknown:
        raise ValueError(
            f"unknown settings: {', '.join(sorted(unknown))}; known: {', '.join(sorted(_SETTINGS))}"
        )
    if "delete_status" in data:
        if data["delete_status"] not in (200, 204):
            raise ValueError("delete_status: must be 200 or 204")
        service.delete_status = data["delete_status"]
    if "latency" in data:
        service.latency = _number(data["latency"], "latency")
    if "token_ttl" in data:
        service.token_ttl = _number(data["token_ttl"], "token_ttl")
    if "scopes" in data:
        service.scopes = frozenset(_scopes(data["scopes"]))
    if "record" in data:
        service.record = bool(data["record"])
    if "layouts" in data:
        layouts = data["layouts"]
        if not isinstance(layouts, list) or not all(isinstance(item, str) for item in layouts):
            raise ValueError("layouts: must be a list of layout names (v2025, per-resource)")
        service.layouts = layouts
    if "rate_limit" in data:
        service.rate_limit = _rate_limit(data["rate_limit"])
    if "clock_skew" in data:
        skew = data["clock_skew"]
        if isinstance(skew, bool) or not isinstance(skew, int | float) or not abs(skew) < 1e9:
            raise ValueError("clock_skew: must be a number of seconds")
        service.clock_skew = float(skew)
    limit = service.rate_limit
    return {
        "latency": service.latency,
        "delete_status": service.delete_status,
        "token_ttl": service.token_ttl,
        "scopes": sorted(service.scopes),
        "record": service.record,
        "layouts": sorted(service.layouts),
        "rate_limit": None if limit is None else _limit_json(limit),
        "clock_skew": service.clock_skew,
    }


def _rate_limit(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dict) and set(value) == {"requests", "per"}:
        return (value["requests"], value["per"])
    raise ValueError('rate_limit: must be {"requests": N, "per": SECONDS} or null')


def _limit_json(limit: Any) -> dict[str, Any]:
    requests, per = limit if isinstance(limit, tuple | list) else (limit.requests, limit.per)
    return {"requests": requests, "per": per}


def _number(value: Any, name: str) -> float:
    """A number of seconds >= 0, or a ValueError naming the setting."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < float("inf"):
        raise ValueError(f"{name}: must be a number of seconds >= 0")
    return float(value)


def _scopes(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(scope, str) for scope in value):
        raise ValueError("scopes: must be a list of strings")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("count: must be a non-negative integer")
    return value
