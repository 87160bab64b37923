"""Tokens of the fake service: the grants it accepts, bearer checks (401, 403) and ``POST /oauth/token``."""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from . import _replies
from ._model import Reply, Request
from ._replies import Refusal

DEFAULT_CLIENT_ID = "fake-client-id"
DEFAULT_CLIENT_SECRET = "fake-client-secret"

# The OAuth scopes SailPoint's published contract names for these operations.
SCOPE_ALL = "sp:scopes:all"
SCOPE_READ = "idn:service-desk-integration:read"
SCOPE_MANAGE = "idn:service-desk-integration:manage"
READ_SCOPES = frozenset({SCOPE_ALL, SCOPE_READ, SCOPE_MANAGE})
WRITE_SCOPES = frozenset({SCOPE_ALL, SCOPE_MANAGE})


def new_id() -> str:
    """A fresh 32-hex-digit id, as SailPoint's ids look."""
    return uuid.uuid4().hex


@dataclass
class Grant:
    """What a token the service accepts allows: until when (None: until revoked), and its scopes."""

    expiry: float | None
    scopes: frozenset[str]


class TokenBook:
    """The tokens the service accepts. Thread-safe; ``clock`` is monotonic seconds."""

    def __init__(self, clock: Callable[[], float], fixed: Iterable[str], scopes: frozenset[str]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._fixed = tuple(fixed)
        self._grants: dict[str, Grant] = {}
        self.reset(scopes)

    def reset(self, scopes: frozenset[str]) -> None:
        """Forget every token but the fixed ones (configuration), which get ``scopes``."""
        with self._lock:
            self._grants = {token: Grant(None, scopes) for token in self._fixed}

    def issue(self, ttl: float, scopes: frozenset[str]) -> str:
        """A new token valid ``ttl`` seconds with ``scopes``."""
        token = make_token(ttl, scopes)
        with self._lock:
            self._grants[token] = Grant(self._clock() + ttl, scopes)
        return token

    def add(self, token: str, ttl: float | None, scopes: frozenset[str]) -> None:
        """Accept ``token`` for ``ttl`` seconds (None: until revoked)."""
        with self._lock:
            self._grants[token] = Grant(None if ttl is None else self._clock() + ttl, scopes)

    def revoke(self, token: str | None) -> None:
        """Forget one token, or all of them."""
        with self._lock:
            if token is None:
                self._grants.clear()
            else:
                self._grants.pop(token, None)

    def expire_all(self) -> None:
        """Make every current token expired."""
        with self._lock:
            now = self._clock()
            for grant in self._grants.values():
                grant.expiry = now - 1.0

    def bearer(self, request: Request, tracking: str) -> tuple[str, Grant]:
        """The valid bearer token of ``request`` and its grant; refuses with SailPoint's 401 otherwise."""
        header = request.headers.get("authorization")
        scheme, _, token = (header or "").partition(" ")
        token = token.strip()
        grant = None
        if header is None:
            message = "JWT validation failed: JWT is missing"
        elif scheme.lower() != "bearer" or not token:
            message = "JWT validation failed: Authorization header is not a bearer token"
        else:
            with self._lock:
                grant = self._grants.get(token)
            if grant is None:
                message = "JWT validation failed: JWT is invalid"
            elif grant.expiry is not None and grant.expiry <= self._clock():
                message = "JWT validation failed: JWT is expired"
            else:
                return token, grant
        reply = _replies.json_reply(401, {"error": message}, tracking)
        reply.headers.append(("WWW-Authenticate", 'Bearer realm="sailpoint"'))
        raise Refusal(reply)


def check_scope(grant: Grant, operation: str, read: bool, tracking: str) -> None:
    """Refuse with 403 naming the scope the operation needs when the grant has none of them."""
    needed = READ_SCOPES if read else WRITE_SCOPES
    if grant.scopes.isdisjoint(needed):
        wanted = f"{SCOPE_READ} or {SCOPE_MANAGE}" if read else SCOPE_MANAGE
        raise Refusal(
            _replies.error(
                403,
                tracking,
                "The server understood the request but refuses to authorize it.",
                f"{operation} requires the scope {wanted}; the access token has {_listed(grant.scopes)}.",
            )
        )


def _listed(scopes: frozenset[str]) -> str:
    return ", ".join(sorted(scopes)) if scopes else "no scopes"


def make_token(ttl: float, scopes: frozenset[str]) -> str:
    """A JWT-shaped, unsigned token, so clients that peek at ``exp`` or ``scope`` see something sensible."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

    claims = {"exp": int(time.time() + ttl), "jti": new_id(), "scope": sorted(scopes), "fake": True}
    return ".".join(
        (b64(b'{"alg":"none","typ":"JWT"}'), b64(json.dumps(claims).encode()), b64(uuid.uuid4().bytes))
    )


@dataclass(frozen=True)
class Credentials:
    """The client credentials ``/oauth/token`` accepts, and what it issues for them."""

    client_id: str
    client_secret: str
    ttl: float
    scopes: frozenset[str]


def token_reply(
    book: TokenBook, credentials: Credentials, request: Request, query: str, tracking: str
) -> Reply:
    """Answer ``POST /oauth/token``: a client-credentials grant in the form body, query or Basic auth."""
    params = dict(parse_qsl(query))
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        params.update(parse_qsl(request.body.decode("utf-8", "replace")))
    header = request.headers.get("authorization", "")
    if header[:6].lower() == "basic ":
        with contextlib.suppress(ValueError):
            user, _, password = base64.b64decode(header[6:].strip()).decode("utf-8").partition(":")
            params.setdefault("client_id", user)
            params.setdefault("client_secret", password)
    if params.get("grant_type") != "client_credentials":
        return _replies.json_reply(
            400,
            {
                "error": "unsupported_grant_type",
                "error_description": "Only the client_credentials grant is supported by the fake.",
            },
            tracking,
        )
    good_id = hmac.compare_digest(params.get("client_id", "").encode(), credentials.client_id.encode())
    good_secret = hmac.compare_digest(
        params.get("client_secret", "").encode(), credentials.client_secret.encode()
    )
    if not (good_id and good_secret):
        return _replies.json_reply(
            401, {"error": "invalid_client", "error_description": "Bad credentials"}, tracking
        )
    token = book.issue(credentials.ttl, credentials.scopes)
    reply = _replies.json_reply(
        200,
        {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": int(credentials.ttl),
            "scope": " ".join(sorted(credentials.scopes)),
            "tenant_id": "fake0000-0000-4000-8000-000000000000",
            "pod": "fake",
            "strong_auth_supported": False,
            "org": "fake",
            "identity_id": "2c9180a46faadee4016fb4e018c20639",
            "user_name": "fake.admin",
            "strong_auth": False,
            "jti": new_id(),
        },
        tracking,
    )
    reply.headers.append(("Cache-Control", "no-store"))
    return reply
