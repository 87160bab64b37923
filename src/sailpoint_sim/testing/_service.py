"""The fake SIM service itself: routing, auth, validation, the in-memory store, faults and recordings.

The service never touches a socket. Whatever carries requests (the in-process transport or the loopback
server) calls :meth:`FakeSimService._begin`, sleeps the delays it returns (``time.sleep`` or
``asyncio.sleep``, as suits the carrier), then calls :meth:`FakeSimService._finish` for the reply. One
lock guards all state; no work done under it blocks, so the service is safe from any number of threads
and costs little per request.

Order of checks for an API request (documented, and relied on by tests): a matching fault with
``when="before"`` answers first (like a gateway in front of the service); then the route (404, 405);
then ``Authorization`` (401); then the token's scopes (403: reads need
``idn:service-desk-integration:read`` or ``:manage``, writes ``:manage``; ``sp:scopes:all`` covers
both); then ``X-SailPoint-Experimental`` (400); then the body (400 when
missing), its content type (415) and its content against the schema (400); then the id (404); then,
for PATCH, the RFC 6902 rules the schema cannot express (pointer syntax, ``value`` and ``from``
present) and the application of the patch (400). This mirrors a Spring service: bean validation of
the body runs before the handler looks the id up.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime as _dt
import hmac
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from . import _replies, _validate
from ._admin import admin_reply
from ._model import (
    AppliedWrite,
    Exchange,
    Fault,
    FaultKind,
    RecordedRequest,
    Reply,
    Request,
    When,
)

if TYPE_CHECKING:
    from ._server import FakeServer
    from ._transport import FakeTransport

# `sailpoint_sim.testing`, or a vendored copy's own name (see `_base.logger`).
_log = logging.getLogger(__name__.rpartition(".")[0])

DEFAULT_CLIENT_ID = "fake-client-id"
DEFAULT_CLIENT_SECRET = "fake-client-secret"

# The OAuth scopes SailPoint's published contract names for these operations.
SCOPE_ALL = "sp:scopes:all"
SCOPE_READ = "idn:service-desk-integration:read"
SCOPE_MANAGE = "idn:service-desk-integration:manage"
_READ_OPERATIONS = frozenset({"getSIMIntegrations", "getSIMIntegration"})
_READ_SCOPES = frozenset({SCOPE_ALL, SCOPE_READ, SCOPE_MANAGE})
_WRITE_SCOPES = frozenset({SCOPE_ALL, SCOPE_MANAGE})
REDACTED = "<redacted>"

_READ_ONLY = ("id", "created", "modified")
_BODY_BREAKING = frozenset(
    {"truncated_json", "wrong_content_type", "huge", "reset_mid_body", "close_mid_body"}
)
_API_PREFIXES = (("v2025", "sim-integrations"), ("sim-integrations", "v1"))

# (method, route shape) -> operationId. Shapes: "collection", "item", "rule".
_OPERATIONS = {
    ("GET", "collection"): "getSIMIntegrations",
    ("POST", "collection"): "createSIMIntegration",
    ("GET", "item"): "getSIMIntegration",
    ("PUT", "item"): "putSIMIntegration",
    ("DELETE", "item"): "deleteSIMIntegration",
    ("PATCH", "item"): "patchSIMAttributes",
    ("PATCH", "rule"): "patchBeforeProvisioningRule",
}
_ALLOWED = {"collection": "GET, POST", "item": "GET, PUT, DELETE, PATCH", "rule": "PATCH"}


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON (and SailPoint's Jackson) does not.
    raise ValueError(f"{name} is not valid JSON")


def _new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class _Grant:
    """What a token the service accepts allows: until when (None: until revoked), and its scopes."""

    expiry: float | None
    scopes: frozenset[str]


@dataclass
class _Entry:
    """A stored integration, with its JSON encoding kept so that reads cost no serialisation."""

    doc: dict[str, Any]
    raw: bytes
    created: _dt.datetime
    modified: _dt.datetime


class _Problem(Exception):
    """A request the service refuses; carries the finished reply."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply


def _not_found(ident: str, tracking: str) -> _Problem:
    return _Problem(_replies.error(404, tracking, f"The SIM integration {ident!r} was not found."))


class FakeSimService:
    """An in-memory, stateful stand-in for the SIM Integrations API of Identity Security Cloud.

    It answers the seven operations under ``/v2025/sim-integrations`` (and the same handlers under
    SailPoint's per-resource paths ``/sim-integrations/v1``) plus ``POST /oauth/token``, as the spec
    fragment and SailPoint's documentation describe them: it assigns ``id`` (32 hex digits), ``created``
    and ``modified`` (UTC, milliseconds, ``Z``; no fraction on a whole second), ignores those fields in
    request bodies, keeps every other field a client sends (undeclared ones too), requires a bearer token it issued and the header
    ``X-SailPoint-Experimental: true``, validates bodies (400 with SailPoint's error body), applies JSON
    Patch per RFC 6902 in both the ``{"operations": [...]}`` and the bare-array form, and answers 404 for
    unknown ids.

    Use it in your own tests in-process, with no sockets::

        fake = FakeSimService()
        token = fake.issue_token()
        with httpx.Client(transport=fake.transport(), base_url="https://tenant.api.identitynow.com") as c:
            c.get("/v2025/sim-integrations",
                  headers={"Authorization": f"Bearer {token}", "X-SailPoint-Experimental": "true"})

    or over real HTTP on loopback::

        with FakeSimService().serve() as server:
            print(server.url)          # http://127.0.0.1:PORT

    The client credentials it accepts at ``/oauth/token`` are ``client_id`` / ``client_secret``
    (``fake-client-id`` / ``fake-client-secret`` by default). Tokens live ``token_ttl`` seconds and carry
    ``scopes`` (``sp:scopes:all`` by default): a token without the operation's scope is answered 403, as
    SailPoint answers a client whose API grant lacks ``idn:service-desk-integration:read`` / ``:manage``.

    The beforeProvisioningRule PATCH applies its operations to the rule object itself: paths are relative
    to it (``/id``, ``/name``, ``/type``); an integration without a rule starts from ``{}``.

    DELETE answers ``delete_status`` (204 by default, or 200), with an empty body.
    ``latency`` (seconds) is added before every API and token request, as a slow network or service
    would. Faults (:meth:`inject`) make the next matching requests fail in chosen ways; every request is
    recorded (:attr:`requests`, secrets redacted) and every applied write is logged (:attr:`writes`).
    """

    def __init__(
        self,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        token_ttl: float = 749.0,
        tokens: Iterable[str] = (),
        scopes: Iterable[str] = (SCOPE_ALL,),
        latency: float = 0.0,
        delete_status: int = 204,
        record: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if delete_status not in (200, 204):
            raise ValueError("delete_status must be 200 or 204")
        self._client_id = client_id
        self._client_secret = client_secret
        self.token_ttl = token_ttl
        """Lifetime, in seconds, of tokens issued from now on."""
        self.scopes = frozenset(scopes)
        """Scopes of tokens issued from now on (by ``/oauth/token``; by :meth:`issue_token` unless told)."""
        self.latency = latency
        """Seconds added before answering each API or token request."""
        self.delete_status = delete_status
        """204 (default) or 200: the status of a successful DELETE."""
        self.record = record
        """Whether requests are recorded in :attr:`requests` (turn off for long benchmarks)."""
        self._clock = clock
        self._lock = threading.Lock()
        self._store: dict[str, _Entry] = {}
        self._fixed_tokens = tuple(tokens)
        self._tokens: dict[str, _Grant] = {token: _Grant(None, self.scopes) for token in self._fixed_tokens}
        self._faults: list[Fault] = []
        self._requests: list[RecordedRequest] = []
        self._writes: list[AppliedWrite] = []
        self._token_requests = 0
        self._seeded = 0

    def __repr__(self) -> str:
        # Never the client secret or any token.
        return (
            f"<FakeSimService integrations={len(self._store)} faults={len(self._faults)} "
            f"requests={len(self._requests)} writes={len(self._writes)}>"
        )

    # ------------------------------------------------------------------ public API: running it

    def transport(self) -> FakeTransport:
        """An in-process transport for ``httpx.Client(transport=...)`` and ``httpx.AsyncClient``.

        No socket is opened; any base URL works (the host is ignored).
        """
        from ._transport import FakeTransport

        return FakeTransport(self)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> FakeServer:
        """Start a real HTTP/1.1 server (keep-alive, many concurrent connections) in a background thread.

        Use it as a context manager; ``server.url`` is ``http://HOST:PORT`` (port 0 picks a free one).
        """
        from ._server import FakeServer

        server = FakeServer(self, host, port)
        server.start()
        return server

    # ------------------------------------------------------------------ public API: tokens

    def issue_token(self, ttl: float | None = None, *, scopes: Iterable[str] | None = None) -> str:
        """Issue a token directly (no HTTP), valid ``ttl`` seconds (default :attr:`token_ttl`), with
        ``scopes`` (default :attr:`scopes`)."""
        lifetime = self.token_ttl if ttl is None else ttl
        granted = self.scopes if scopes is None else frozenset(scopes)
        token = self._make_token(lifetime, granted)
        with self._lock:
            self._tokens[token] = _Grant(self._clock() + lifetime, granted)
        return token

    def add_token(self, token: str, ttl: float | None = None, *, scopes: Iterable[str] | None = None) -> None:
        """Accept a fixed, pre-issued token, for ``ttl`` seconds or (None) until revoked, with ``scopes``
        (default :attr:`scopes`)."""
        with self._lock:
            self._tokens[token] = _Grant(
                None if ttl is None else self._clock() + ttl,
                self.scopes if scopes is None else frozenset(scopes),
            )

    def revoke_token(self, token: str | None = None) -> None:
        """Revoke one token, or every token when none is given: it is then answered 401 as invalid."""
        with self._lock:
            if token is None:
                self._tokens.clear()
            else:
                self._tokens.pop(token, None)

    def expire_tokens(self) -> None:
        """Make every current token expired (401 ``JWT is expired``); new ones can still be issued."""
        with self._lock:
            now = self._clock()
            for grant in self._tokens.values():
                grant.expiry = now - 1.0

    @property
    def token_requests(self) -> int:
        """How many requests reached ``/oauth/token`` (successful or not)."""
        return self._token_requests

    # ------------------------------------------------------------------ public API: faults

    def inject(
        self,
        kind: FaultKind = "status",
        *,
        method: str | None = None,
        path: str | None = None,
        operation: str | None = None,
        times: int | None = 1,
        status: int | None = None,
        retry_after: float | str | _dt.datetime | None = None,
        body: Any = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        when: When = "before",
        size: int = 8 * 1024 * 1024,
    ) -> Fault:
        """Make the next ``times`` matching requests fail; see :class:`Fault` and ``FaultKind``.

        Examples: ``fake.inject(status=429, retry_after=2)``,
        ``fake.inject("reset", operation="createSIMIntegration", when="after")``,
        ``fake.inject("delay", delay=5)``. Faults are tried in the order they were added; the first
        one that matches and has uses left fires.
        """
        fault = Fault(
            kind=kind,
            method=method,
            path=path,
            operation=operation,
            times=times,
            status=status,
            retry_after=retry_after,
            body=body,
            content_type=content_type,
            headers=dict(headers or {}),
            delay=delay,
            when=when,
            size=size,
        )
        return self.add_fault(fault)

    def add_fault(self, fault: Fault) -> Fault:
        """Add a prepared :class:`Fault`; returns it (its ``fired`` count updates as it fires)."""
        with self._lock:
            self._faults.append(fault)
        return fault

    @property
    def faults(self) -> list[Fault]:
        """The faults still registered (spent ones included until :meth:`clear_faults`)."""
        with self._lock:
            return list(self._faults)

    def clear_faults(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()

    # ------------------------------------------------------------------ public API: data and records

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received (admin ones excepted), oldest first, secrets redacted."""
        with self._lock:
            return list(self._requests)

    @property
    def writes(self) -> list[AppliedWrite]:
        """Every write applied to the store, oldest first: the log to check no write happened twice."""
        with self._lock:
            return list(self._writes)

    def clear_records(self) -> None:
        """Forget recorded requests and writes and reset the token-request count."""
        with self._lock:
            self._requests.clear()
            self._writes.clear()
            self._token_requests = 0

    @property
    def integrations(self) -> dict[str, dict[str, Any]]:
        """A deep copy of the stored integrations, by id, in creation order."""
        with self._lock:
            return {key: copy.deepcopy(entry.doc) for key, entry in self._store.items()}

    def add_integration(self, body: dict[str, Any]) -> dict[str, Any]:
        """Store an integration directly (no HTTP, not logged as a write), as a create would; returns it.

        The body is validated as a create body; undeclared fields are kept.
        """
        problems = _validate.integration_problems(body)
        if problems:
            raise ValueError("; ".join(problems))
        with self._lock:
            entry = self._insert(body)
            return copy.deepcopy(entry.doc)

    def seed(self, count: int) -> list[str]:
        """Add ``count`` realistic integrations; returns their ids.

        Deterministic: after a :meth:`reset`, seeding the same counts gives the same ids and contents
        (created/modified are fixed dates), so benchmarks and snapshots are reproducible.
        """
        ids: list[str] = []
        with self._lock:
            for _ in range(count):
                index = self._seeded
                self._seeded += 1
                doc = _replies.seed_doc(index)
                moment = _dt.datetime.fromisoformat(doc["created"].replace("Z", "+00:00"))
                self._store[doc["id"]] = _Entry(doc, _replies.dumps(doc), moment, moment)
                ids.append(doc["id"])
        return ids

    def stats(self) -> dict[str, int]:
        """Counts: integrations stored, token requests, recorded requests, applied writes, faults."""
        with self._lock:
            return {
                "integrations": len(self._store),
                "tokenRequests": self._token_requests,
                "requests": len(self._requests),
                "writes": len(self._writes),
                "faults": len(self._faults),
            }

    def reset(self) -> None:
        """Back to a fresh service: no integrations, faults, records or issued tokens.

        Tokens given to the constructor stay valid (they are configuration, like the credentials and
        settings); tokens issued since, or added with :meth:`add_token`, are forgotten.
        """
        with self._lock:
            self._store.clear()
            self._faults.clear()
            self._requests.clear()
            self._writes.clear()
            self._tokens = {token: _Grant(None, self.scopes) for token in self._fixed_tokens}
            self._token_requests = 0
            self._seeded = 0

    # ------------------------------------------------------------------ carrier interface

    def _begin(self, request: Request) -> Exchange:
        """Route and record a request, pick its fault; the carrier then sleeps the delays and finishes."""
        target = request.target
        if not target.startswith("/"):
            # absolute-form request target (http://host/path): keep the path only
            scheme_end = target.find("//")
            slash = target.find("/", scheme_end + 2 if scheme_end != -1 else 0)
            target = target[slash:] if slash != -1 else "/"
        path, _, query = target.partition("?")
        method = request.method.upper()
        operation, route = self._route(method, path)
        fault = None
        latency = 0.0
        if operation != "admin":
            latency = self.latency
            with self._lock:
                if operation == "token":
                    # Counted here, before faults: a token request answered by an injected fault
                    # still reached the service.
                    self._token_requests += 1
                if self.record:
                    self._requests.append(self._recorded(request, method, path, query, operation))
                for candidate in self._faults:
                    if candidate.times != 0 and candidate.matches(method, path, operation):
                        fault = candidate
                        fault.fired += 1
                        if fault.times is not None:
                            fault.times -= 1
                        break
        before = latency
        after = 0.0
        if fault is not None:
            if fault.when == "before":
                before += fault.delay
            else:
                after = fault.delay
        return Exchange(request, path, query, operation, route, fault, before, after)

    def _finish(self, exchange: Exchange) -> Reply:
        """The reply to a begun request (the work happens here, after any "before" delay)."""
        tracking = _new_id()
        fault = exchange.fault
        if exchange.operation == "admin":
            return admin_reply(
                self, exchange.request.method, "/".join(exchange.route), exchange.request.body, tracking
            )
        if fault is not None and fault.when == "before" and fault.kind != "delay":
            real = None
            if fault.kind in _BODY_BREAKING and exchange.request.method.upper() == "GET":
                # A read changes nothing, so break the genuine answer rather than a made-up one.
                try:
                    real = self._dispatch(exchange, tracking)
                except _Problem as problem:
                    real = problem.reply
            return self._fault_reply(fault, exchange, real, tracking)
        try:
            reply = self._dispatch(exchange, tracking)
        except _Problem as problem:
            reply = problem.reply
        except Exception:
            # A bug in the fake answers 500 like a real service would (and schemathesis' server-error
            # check reports it) instead of dropping the connection.
            _log.exception("fake SIM service failed on %s %s", exchange.request.method, exchange.path)
            reply = _replies.error(500, tracking, "An internal fault occurred.")
        if fault is not None and fault.when == "after" and fault.kind != "delay":
            reply = self._fault_reply(fault, exchange, reply, tracking)
        return reply

    # ------------------------------------------------------------------ routing

    @staticmethod
    def _route(method: str, path: str) -> tuple[str | None, tuple[str, ...]]:
        """(operation, route) for a path. Segments are split before percent-decoding, so an id holding
        ``%2F`` stays one segment. Operation ``None`` means no such route; ``"405"`` a wrong method."""
        parts = path.split("/")[1:]
        if parts[:1] == ["__fake__"]:
            return "admin", tuple(parts[1:])
        if parts == ["oauth", "token"]:
            return ("token" if method == "POST" else "405"), ("token",)
        for prefix in _API_PREFIXES:
            if tuple(parts[:2]) != prefix:
                continue
            rest = parts[2:]
            if not rest:
                shape, ident = "collection", ""
            elif len(rest) == 1 and rest[0]:
                shape, ident = "item", unquote(rest[0], errors="replace")
            elif len(rest) == 2 and rest[0] and rest[1] == "beforeProvisioningRule":
                shape, ident = "rule", unquote(rest[0], errors="replace")
            else:
                return None, ()
            return _OPERATIONS.get((method, shape), "405"), (shape, ident)
        return None, ()

    def _dispatch(self, ex: Exchange, tracking: str) -> Reply:
        operation = ex.operation
        if operation is None:
            return _replies.error(404, tracking, f"No resource at {ex.path}.")
        if operation == "405":
            allowed = "POST" if ex.route == ("token",) else _ALLOWED[ex.route[0]]
            reply = _replies.error(405, tracking, f"{ex.request.method} is not supported here.")
            reply.headers.append(("Allow", allowed))
            return reply
        if operation == "token":
            return self._token(ex, tracking)
        self._authorize(ex.request, tracking, operation)
        ident = ex.route[1]
        if operation == "getSIMIntegrations":
            return _replies.ok(self._listing(), tracking)
        if operation == "getSIMIntegration":
            with self._lock:
                entry = self._store.get(ident)
            if entry is None:
                raise _not_found(ident, tracking)
            return _replies.ok(entry.raw, tracking)
        if operation == "deleteSIMIntegration":
            with self._lock:
                if self._store.pop(ident, None) is None:
                    raise _not_found(ident, tracking)
                self._log(ex, operation, ident, None)
            return Reply(self.delete_status, [("SLPT-Request-ID", tracking)], b"")
        if operation in ("createSIMIntegration", "putSIMIntegration"):
            body = self._json_body(ex, tracking, patch=False)
            problems = _validate.integration_problems(body)
            if problems:
                raise _Problem(_replies.error(400, tracking, *problems))
            with self._lock:
                if operation == "createSIMIntegration":
                    entry = self._insert(body)
                else:
                    old = self._store.get(ident)
                    if old is None:
                        raise _not_found(ident, tracking)
                    entry = self._replace(old, body)
                self._log(ex, operation, entry.doc["id"], body)
            return _replies.ok(entry.raw, tracking)
        # the two PATCH operations
        body = self._json_body(ex, tracking, patch=True)
        ops, problems = _validate.patch_operations(body)
        if problems:
            raise _Problem(_replies.error(400, tracking, *problems))
        with self._lock:
            old = self._store.get(ident)
            if old is None:
                raise _not_found(ident, tracking)
            # Like a real service, what the schema cannot say is found while applying, after the lookup.
            problems = _validate.patch_semantic_problems(
                ops, "operations" if isinstance(body, dict) else "body"
            )
            if problems:
                raise _Problem(_replies.error(400, tracking, *problems))
            if operation == "patchSIMAttributes":
                new_doc = self._apply_patch(old.doc, ops, tracking)
                for field in ("id", "created"):
                    if new_doc.get(field) != old.doc[field]:
                        raise _Problem(_replies.error(400, tracking, f"{field}: is read-only"))
                problems = _validate.integration_problems(new_doc)
            else:
                rule = self._apply_patch(old.doc.get("beforeProvisioningRule") or {}, ops, tracking)
                problems = _validate.rule_problems(rule)
                new_doc = dict(old.doc)
                new_doc["beforeProvisioningRule"] = rule
            if problems:
                raise _Problem(_replies.error(400, tracking, *problems))
            entry = self._replace(old, new_doc)
            self._log(ex, operation, ident, body)
        return _replies.ok(entry.raw, tracking)

    # ------------------------------------------------------------------ checks

    def _authorize(self, request: Request, tracking: str, operation: str) -> None:
        header = request.headers.get("authorization")
        scheme, _, token = (header or "").partition(" ")
        grant = None
        if header is None:
            message = "JWT validation failed: JWT is missing"
        elif scheme.lower() != "bearer" or not token.strip():
            message = "JWT validation failed: Authorization header is not a bearer token"
        else:
            with self._lock:
                grant = self._tokens.get(token.strip())
            if grant is None:
                message = "JWT validation failed: JWT is invalid"
            elif grant.expiry is not None and grant.expiry <= self._clock():
                message = "JWT validation failed: JWT is expired"
            else:
                message = ""
        if message or grant is None:
            reply = _replies.json_reply(401, {"error": message}, tracking)
            reply.headers.append(("WWW-Authenticate", 'Bearer realm="sailpoint"'))
            raise _Problem(reply)
        needed = _READ_SCOPES if operation in _READ_OPERATIONS else _WRITE_SCOPES
        if grant.scopes.isdisjoint(needed):
            raise _Problem(
                _replies.error(
                    403, tracking, "The server understood the request but refuses to authorize it."
                )
            )
        if request.headers.get("x-sailpoint-experimental") != "true":
            raise _Problem(
                _replies.json_reply(400, {"error": "Experimental Header is missing or invalid."}, tracking)
            )

    def _json_body(self, ex: Exchange, tracking: str, *, patch: bool) -> Any:
        if not ex.request.body.strip():
            # Checked before the content type: a missing body is what a client most likely got wrong.
            raise _Problem(_replies.error(400, tracking, "body: is required"))
        content_type = ex.request.headers.get("content-type", "")
        media = content_type.partition(";")[0].strip().lower()
        if patch:
            ok = media == "application/json-patch+json"
            wanted = "application/json-patch+json"
        else:
            ok = media == _replies.JSON or (media.startswith("application/") and media.endswith("+json"))
            wanted = _replies.JSON
        if not ok:
            raise _Problem(
                _replies.error(
                    415, tracking, f"Content-Type {content_type or '(none)'} is not supported; use {wanted}."
                )
            )
        try:
            return json.loads(ex.request.body.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError) as exc:
            # json.JSONDecodeError is a ValueError; its message names line and column but not the data.
            raise _Problem(_replies.error(400, tracking, f"body: is not valid JSON ({exc})")) from None

    def _apply_patch(self, doc: dict[str, Any], ops: list[dict[str, Any]], tracking: str) -> Any:
        import jsonpatch
        import jsonpointer

        try:
            return jsonpatch.apply_patch(doc, ops, in_place=False)
        except jsonpatch.JsonPatchTestFailed as exc:
            raise _Problem(_replies.error(400, tracking, f"test operation failed: {exc}")) from None
        except (
            jsonpatch.JsonPatchException,
            jsonpointer.JsonPointerException,
            KeyError,
            IndexError,
            TypeError,
            ValueError,
        ) as exc:
            raise _Problem(_replies.error(400, tracking, f"patch cannot be applied: {exc}")) from None

    # ------------------------------------------------------------------ store (call with the lock held)

    def _insert(self, body: dict[str, Any]) -> _Entry:
        ident = _new_id()
        while ident in self._store:
            ident = _new_id()
        now = _dt.datetime.now(_dt.UTC)
        doc = self._build(ident, body, now, now)
        entry = _Entry(doc, _replies.dumps(doc), now, now)
        self._store[ident] = entry
        return entry

    def _replace(self, old: _Entry, body: dict[str, Any]) -> _Entry:
        # modified must change on every update, even two within one millisecond.
        now = max(_dt.datetime.now(_dt.UTC), old.modified + _dt.timedelta(milliseconds=1))
        doc = self._build(old.doc["id"], body, old.created, now)
        entry = _Entry(doc, _replies.dumps(doc), old.created, now)
        self._store[doc["id"]] = entry
        return entry

    @staticmethod
    def _build(
        ident: str, body: dict[str, Any], created: _dt.datetime, modified: _dt.datetime
    ) -> dict[str, Any]:
        doc: dict[str, Any] = {"id": ident}
        for key, value in body.items():
            if key not in _READ_ONLY:
                doc[key] = copy.deepcopy(value)
        doc["created"] = _replies.timestamp(created)
        doc["modified"] = _replies.timestamp(modified)
        return doc

    def _log(self, ex: Exchange, operation: str, ident: str, body: Any) -> None:
        self._writes.append(AppliedWrite(ex.request.method.upper(), ex.path, operation, ident, body))

    # ------------------------------------------------------------------ tokens

    @staticmethod
    def _make_token(ttl: float, scopes: frozenset[str]) -> str:
        # JWT-shaped (unsigned) so clients that peek at "exp" see something sensible.
        def b64(data: bytes) -> str:
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

        claims = {"exp": int(time.time() + ttl), "jti": _new_id(), "scope": sorted(scopes), "fake": True}
        return ".".join(
            (b64(b'{"alg":"none","typ":"JWT"}'), b64(json.dumps(claims).encode()), b64(uuid.uuid4().bytes))
        )

    def _token(self, ex: Exchange, tracking: str) -> Reply:
        params = dict(parse_qsl(ex.query))
        media = ex.request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            params.update(parse_qsl(ex.request.body.decode("utf-8", "replace")))
        header = ex.request.headers.get("authorization", "")
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
        good_id = hmac.compare_digest(params.get("client_id", "").encode(), self._client_id.encode())
        good_secret = hmac.compare_digest(
            params.get("client_secret", "").encode(), self._client_secret.encode()
        )
        if not (good_id and good_secret):
            return _replies.json_reply(
                401, {"error": "invalid_client", "error_description": "Bad credentials"}, tracking
            )
        ttl = self.token_ttl
        scopes = self.scopes
        token = self.issue_token(ttl, scopes=scopes)
        reply = _replies.json_reply(
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": int(ttl),
                "scope": " ".join(sorted(scopes)),
                "tenant_id": "fake0000-0000-4000-8000-000000000000",
                "pod": "fake",
                "strong_auth_supported": False,
                "org": "fake",
                "identity_id": "2c9180a46faadee4016fb4e018c20639",
                "user_name": "fake.admin",
                "strong_auth": False,
                "jti": _new_id(),
            },
            tracking,
        )
        reply.headers.append(("Cache-Control", "no-store"))
        return reply

    def _fault_reply(self, fault: Fault, ex: Exchange, real: Reply | None, tracking: str) -> Reply:
        is_list = ex.operation == "getSIMIntegrations"
        plausible = b""
        if real is None or not real.body:
            # Nothing was done (a write refused before applying): break a body of the right shape.
            plausible = self._listing() if is_list else _replies.dumps(_replies.EXAMPLE)
        return _replies.fault_reply(fault, is_list=is_list, real=real, plausible=plausible, tracking=tracking)

    def _listing(self) -> bytes:
        # Entries keep their encoding, so a list costs one join, whatever the number of integrations.
        with self._lock:
            return b"[" + b",".join(entry.raw for entry in self._store.values()) + b"]"

    # ------------------------------------------------------------------ records

    @staticmethod
    def _recorded(
        request: Request, method: str, path: str, query: str, operation: str | None
    ) -> RecordedRequest:
        headers = tuple(
            (name, REDACTED if name.lower() in ("authorization", "cookie") else value)
            for name, value in request.raw_headers
        )
        body = request.body
        if operation == "token":
            body = _redact_form(body)
            query = _redact_form(query.encode()).decode()
        return RecordedRequest(method, path, query, headers, body, operation)


def _redact_form(body: bytes) -> bytes:
    """A form body (or query string) with every *secret* value replaced, kept parseable for tests."""
    if b"secret" not in body.lower():
        return body
    out = []
    for part in body.split(b"&"):
        name, eq, _ = part.partition(b"=")
        out.append(name + eq + REDACTED.encode() if eq and b"secret" in name.lower() else part)
    return b"&".join(out)
