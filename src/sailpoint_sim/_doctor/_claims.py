"""A token's claims, read without verifying it, and what its scope claim says about SIM access.

Doctor only describes a token it was given or has just received: nothing here is trusted for access.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ._report import Access, TokenFacts

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
_JWT_MAX_CHARS = 64 * 1024


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


def seconds_left(claims: Mapping[str, Any] | None, now: float) -> float | None:
    exp = claims.get("exp") if claims else None
    return float(exp) - now if isinstance(exp, int | float) and not isinstance(exp, bool) else None


def token_facts(
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
