"""The fake SIM service itself: routing, auth, validation, the in-memory store, faults and recordings.

The service never touches a socket. Whatever carries requests (the in-process transport or the loopback
server) calls :meth:`FakeSimService._begin`, sleeps the delays it returns (``time.sleep`` or
``asyncio.sleep``, as suits the carrier), then calls :meth:`FakeSimService._finish` for the reply. One
lock guards all state; no work done under it blocks, so the service is safe from any number of threads
and costs little per request.

Order of checks for an API request (documented, and relied on by tests): a matching fault with
``when="before"`` answers first (like a gateway in front of the service); then the route (404, 405);
then ``Authorization`` (401); then ``X-SailPoint-Experimental`` (400); then the body (400 when missing), its content type (415)
and its content against the schema (400); then the id (404); then, for PATCH, the RFC 6902 rules the
schema cannot express (pointer syntax, ``value`` and ``from`` present) and the application (400).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime as _dt
import hashlib
import hmac
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from . import _validate
from ._model import (
    Action,
    AppliedWrite,
    Exchange,
    Fault,
    FaultKind,
    RecordedRequest,
    Reply,
    Request,
    When,
    format_retry_after,
)

if TYPE_CHECKING:
    from ._server import FakeServer
    from ._transport import FakeTransport

_log = logging.getLogger("sailpoint_sim.testing")

DEFAULT_CLIENT_ID = "fake-client-id"
DEFAULT_CLIENT_SECRET = "fake-client-secret"
REDACTED = "<redacted>"

_JSON = "application/json"
_READ_ONLY = ("id", "created", "modified")
_BODY_BREAKING = frozenset(
    {"truncated_json", "wrong_content_type", "huge", "reset_mid_body", "close_mid_body"}
)
_ACTIONS: dict[str, Action] = {
    "reset": "reset",
    "reset_mid_body": "reset_mid_body",
    "close_mid_body": "close_mid_body",
}
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

_DETAIL_CODES = {
    400: "400.1 Bad Request Content",
    403: "403 Forbidden",
    404: "404 Not found",
    405: "405 Method Not Allowed",
    415: "415 Unsupported Media Type",
    500: "500.0 Internal Fault",
}

# The documented example integration (spec/components/examples/Integration), the base of seeded data and
# of the bodies that "before" faults break.
_EXAMPLE: dict[str, Any] = {
    "id": "62945a496ef440189b1f03e3623411c8",
    "name": "Service Desk Integration Name",
    "created": "2024-01-17T18:45:25.994Z",
    "modified": "2024-02-18T18:45:25.994Z",
    "description": "A very nice Service Desk integration",
    "type": "ServiceNowSDIM",
    "ownerRef": {"type": "IDENTITY", "id": "2c9180a46faadee4016fb4e018c20639", "name": "Support"},
    "clusterRef": {"type": "CLUSTER", "id": "2c9180847a7fccdd017aa5896f9f4f6f", "name": "Training VA"},
    "cluster": "xyzzy999",
    "managedSources": ["2c9180835d191a86015d28455b4a2329"],
    "provisioningConfig": {
        "universalManager": False,
        "managedResourceRefs": [
            {"type": "SOURCE", "id": "2c9180855d191c59015d291ceb051111", "name": "My Source 1"}
        ],
        "planInitializerScript": None,
        "noProvisioningRequests": True,
        "provisioningRequestExpiration": 7,
    },
    "attributes": {"url": "https://example.service-now.com", "username": "sailpoint"},
    "sources": ["2c9180835d191a86015d28455b4a2329"],
    "statusMap": {"closed_cancelled": "Failed", "closed_complete": "Committed", "requested": "Queued"},
    "request": {
        "description": "SailPoint Access Request",
        "short_description": "SailPoint Access Request $!plan.arguments.identityRequestId",
    },
    "beforeProvisioningRule": {
        "type": "RULE",
        "id": "048eb3d55c5a4758bd07dccb87741c78",
        "name": "Before Provisioning Airtable Rule",
    },
}


def _dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON (and SailPoint's Jackson) does not.
    raise ValueError(f"{name} is not valid JSON")


def _timestamp(moment: _dt.datetime) -> str:
    """SailPoint's format: UTC, milliseconds, ``Z`` (``2024-01-17T18:45:25.994Z``)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _new_id() -> str:
    return uuid.uuid4().hex


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


class FakeSimService:
    """An in-memory, stateful stand-in for the SIM Integrations API of Identity Security Cloud.

    It answers the seven operations under ``/v2025/sim-integrations`` (and the same handlers under
    SailPoint's per-resource paths ``/sim-integrations/v1``) plus ``POST /oauth/token``, as the spec
    fragment and SailPoint's documentation describe them: it assigns ``id`` (32 hex digits), ``created``
    and ``modified`` (UTC, milliseconds, ``Z``), ignores those fields in request bodies, keeps every other
    field a client sends (undeclared ones too), requires a bearer token it issued and the header
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
    (``fake-client-id`` / ``fake-client-secret`` by default). Tokens live ``token_ttl`` seconds.

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
        self._tokens: dict[str, float | None] = dict.fromkeys(self._fixed_tokens)
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

    def issue_token(self, ttl: float | None = None) -> str:
        """Issue a token directly (no HTTP), valid ``ttl`` seconds (default :attr:`token_ttl`)."""
        token = self._make_token(self.token_ttl if ttl is None else ttl)
        with self._lock:
            self._tokens[token] = self._clock() + (self.token_ttl if ttl is None else ttl)
        return token

    def add_token(self, token: str, ttl: float | None = None) -> None:
        """Accept a fixed, pre-issued token, for ``ttl`` seconds or (None) until revoked."""
        with self._lock:
            self._tokens[token] = None if ttl is None else self._clock() + ttl

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
            for token in self._tokens:
                self._tokens[token] = now - 1.0

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
                doc = self._seed_doc(index)
                moment = _dt.datetime(2024, 1, 17, 18, 45, 25, 994000, tzinfo=_dt.UTC) + _dt.timedelta(
                    minutes=37 * index
                )
                entry = _Entry(doc=doc, raw=b"", created=moment, modified=moment)
                doc["created"] = doc["modified"] = _timestamp(moment)
                entry.raw = _dumps(doc)
                self._store[doc["id"]] = entry
                ids.append(doc["id"])
        return ids

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
            self._tokens = dict.fromkeys(self._fixed_tokens)
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
            return self._admin(exchange, tracking)
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
            reply = self._error(500, tracking, "An internal fault occurred.")
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
            return self._error(404, tracking, f"No resource at {ex.path}.")
        if operation == "405":
            allowed = "POST" if ex.route == ("token",) else _ALLOWED[ex.route[0]]
            reply = self._error(405, tracking, f"{ex.request.method} is not supported here.")
            reply.headers.append(("Allow", allowed))
            return reply
        if operation == "token":
            return self._token(ex, tracking)
        self._authorize(ex.request, tracking)
        ident = ex.route[1]
        if operation == "getSIMIntegrations":
            with self._lock:
                body = b"[" + b",".join(entry.raw for entry in self._store.values()) + b"]"
            return self._ok(body, tracking)
        if operation == "getSIMIntegration":
            with self._lock:
                entry = self._store.get(ident)
            if entry is None:
                raise self._not_found(ident, tracking)
            return self._ok(entry.raw, tracking)
        if operation == "deleteSIMIntegration":
            with self._lock:
                if self._store.pop(ident, None) is None:
                    raise self._not_found(ident, tracking)
                self._log(ex, operation, ident, None)
            return Reply(self.delete_status, [("SLPT-Request-ID", tracking)], b"")
        if operation in ("createSIMIntegration", "putSIMIntegration"):
            body = self._json_body(ex, tracking, patch=False)
            problems = _validate.integration_problems(body)
            if problems:
                raise _Problem(self._error(400, tracking, *problems))
            with self._lock:
                if operation == "createSIMIntegration":
                    entry = self._insert(body)
                else:
                    old = self._store.get(ident)
                    if old is None:
                        raise self._not_found(ident, tracking)
                    entry = self._replace(old, body)
                self._log(ex, operation, entry.doc["id"], body)
            return self._ok(entry.raw, tracking)
        # the two PATCH operations
        body = self._json_body(ex, tracking, patch=True)
        ops, problems = _validate.patch_operations(body)
        if problems:
            raise _Problem(self._error(400, tracking, *problems))
        with self._lock:
            old = self._store.get(ident)
            if old is None:
                raise self._not_found(ident, tracking)
            # Like a real service, what the schema cannot say is found while applying, after the lookup.
            problems = _validate.patch_semantic_problems(
                ops, "operations" if isinstance(body, dict) else "body"
            )
            if problems:
                raise _Problem(self._error(400, tracking, *problems))
            if operation == "patchSIMAttributes":
                new_doc = self._apply_patch(old.doc, ops, tracking)
                for field in ("id", "created"):
                    if new_doc.get(field) != old.doc[field]:
                        raise _Problem(self._error(400, tracking, f"{field}: is read-only"))
                problems = _validate.integration_problems(new_doc)
            else:
                rule = self._apply_patch(old.doc.get("beforeProvisioningRule") or {}, ops, tracking)
                problems = _validate.rule_problems(rule)
                new_doc = dict(old.doc)
                new_doc["beforeProvisioningRule"] = rule
            if problems:
                raise _Problem(self._error(400, tracking, *problems))
            entry = self._replace(old, new_doc)
            self._log(ex, operation, ident, body)
        return self._ok(entry.raw, tracking)

    # ------------------------------------------------------------------ checks

    def _authorize(self, request: Request, tracking: str) -> None:
        header = request.headers.get("authorization")
        scheme, _, token = (header or "").partition(" ")
        if header is None:
            message = "JWT validation failed: JWT is missing"
        elif scheme.lower() != "bearer" or not token.strip():
            message = "JWT validation failed: Authorization header is not a bearer token"
        else:
            with self._lock:
                known = token.strip() in self._tokens
                expiry = self._tokens.get(token.strip())
            if not known:
                message = "JWT validation failed: JWT is invalid"
            elif expiry is not None and expiry <= self._clock():
                message = "JWT validation failed: JWT is expired"
            else:
                message = ""
        if message:
            reply = self._json_reply(401, {"error": message}, tracking)
            reply.headers.append(("WWW-Authenticate", 'Bearer realm="sailpoint"'))
            raise _Problem(reply)
        if request.headers.get("x-sailpoint-experimental") != "true":
            raise _Problem(
                self._json_reply(400, {"error": "Experimental Header is missing or invalid."}, tracking)
            )

    def _json_body(self, ex: Exchange, tracking: str, *, patch: bool) -> Any:
        if not ex.request.body.strip():
            # Checked before the content type: a missing body is what a client most likely got wrong.
            raise _Problem(self._error(400, tracking, "body: is required"))
        content_type = ex.request.headers.get("content-type", "")
        media = content_type.partition(";")[0].strip().lower()
        if patch:
            ok = media == "application/json-patch+json"
            wanted = "application/json-patch+json"
        else:
            ok = media == _JSON or (media.startswith("application/") and media.endswith("+json"))
            wanted = _JSON
        if not ok:
            raise _Problem(
                self._error(
                    415, tracking, f"Content-Type {content_type or '(none)'} is not supported; use {wanted}."
                )
            )
        try:
            return json.loads(ex.request.body.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError) as exc:
            # json.JSONDecodeError is a ValueError; its message names line and column but not the data.
            raise _Problem(self._error(400, tracking, f"body: is not valid JSON ({exc})")) from None

    def _apply_patch(self, doc: dict[str, Any], ops: list[dict[str, Any]], tracking: str) -> Any:
        import jsonpatch
        import jsonpointer

        try:
            return jsonpatch.apply_patch(doc, ops, in_place=False)
        except jsonpatch.JsonPatchTestFailed as exc:
            raise _Problem(self._error(400, tracking, f"test operation failed: {exc}")) from None
        except (
            jsonpatch.JsonPatchException,
            jsonpointer.JsonPointerException,
            KeyError,
            IndexError,
            TypeError,
            ValueError,
        ) as exc:
            raise _Problem(self._error(400, tracking, f"patch cannot be applied: {exc}")) from None

    # ------------------------------------------------------------------ store (call with the lock held)

    def _insert(self, body: dict[str, Any]) -> _Entry:
        ident = _new_id()
        while ident in self._store:
            ident = _new_id()
        now = _dt.datetime.now(_dt.UTC)
        doc = self._build(ident, body, now, now)
        entry = _Entry(doc, _dumps(doc), now, now)
        self._store[ident] = entry
        return entry

    def _replace(self, old: _Entry, body: dict[str, Any]) -> _Entry:
        # modified must change on every update, even two within one millisecond.
        now = max(_dt.datetime.now(_dt.UTC), old.modified + _dt.timedelta(milliseconds=1))
        doc = self._build(old.doc["id"], body, old.created, now)
        entry = _Entry(doc, _dumps(doc), old.created, now)
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
        doc["created"] = _timestamp(created)
        doc["modified"] = _timestamp(modified)
        return doc

    def _log(self, ex: Exchange, operation: str, ident: str, body: Any) -> None:
        self._writes.append(AppliedWrite(ex.request.method.upper(), ex.path, operation, ident, body))

    @staticmethod
    def _seed_doc(index: int) -> dict[str, Any]:
        digest = hashlib.blake2b(f"sailpoint-sim-fake:{index}".encode(), digest_size=32).hexdigest()
        doc = copy.deepcopy(_EXAMPLE)
        doc["id"] = digest[:32]
        doc["name"] = f"ServiceNow SIM {index + 1:04d}"
        doc["description"] = (
            f"SIM integration {index + 1} for the {('HR', 'IT', 'Finance', 'Sales')[index % 4]} desk"
        )
        doc["type"] = "ServiceNowSDIM" if index % 5 else "ServiceNow"
        doc["attributes"] = {"url": f"https://tenant{index % 7}.service-now.com", "username": "sailpoint"}
        source = digest[32:64]
        doc["sources"] = [source]
        doc["managedSources"] = [source]
        doc["provisioningConfig"]["managedResourceRefs"][0]["id"] = source
        doc["provisioningConfig"]["managedResourceRefs"][0]["name"] = f"Source {index + 1}"
        return doc

    # ------------------------------------------------------------------ tokens

    @staticmethod
    def _make_token(ttl: float) -> str:
        # JWT-shaped (unsigned) so clients that peek at "exp" see something sensible.
        def b64(data: bytes) -> str:
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

        claims = {"exp": int(time.time() + ttl), "jti": _new_id(), "scope": ["sp:scopes:all"], "fake": True}
        return ".".join(
            (b64(b'{"alg":"none","typ":"JWT"}'), b64(json.dumps(claims).encode()), b64(uuid.uuid4().bytes))
        )

    def _token(self, ex: Exchange, tracking: str) -> Reply:
        with self._lock:
            self._token_requests += 1
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
            return self._json_reply(
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
            return self._json_reply(
                401, {"error": "invalid_client", "error_description": "Bad credentials"}, tracking
            )
        ttl = self.token_ttl
        token = self.issue_token(ttl)
        reply = self._json_reply(
            200,
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": int(ttl),
                "scope": "sp:scopes:all",
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

    # ------------------------------------------------------------------ replies

    @staticmethod
    def _ok(body: bytes, tracking: str) -> Reply:
        return Reply(200, [("Content-Type", _JSON), ("SLPT-Request-ID", tracking)], body)

    @staticmethod
    def _json_reply(status: int, value: Any, tracking: str) -> Reply:
        return Reply(status, [("Content-Type", _JSON), ("SLPT-Request-ID", tracking)], _dumps(value))

    @classmethod
    def _error_body(cls, status: int, tracking: str, *texts: str) -> dict[str, Any]:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Unknown Error"
        return {
            "detailCode": _DETAIL_CODES.get(status, f"{status} {phrase}"),
            "trackingId": tracking,
            "messages": [
                {"locale": "en-US", "localeOrigin": "DEFAULT", "text": text} for text in (texts or (phrase,))
            ],
            "causes": [],
        }

    @classmethod
    def _error(cls, status: int, tracking: str, *texts: str) -> Reply:
        """A reply with SailPoint's ErrorResponseDto body."""
        return cls._json_reply(status, cls._error_body(status, tracking, *texts), tracking)

    @classmethod
    def _not_found(cls, ident: str, tracking: str) -> _Problem:
        return _Problem(cls._error(404, tracking, f"The SIM integration {ident!r} was not found."))

    def _fault_reply(self, fault: Fault, ex: Exchange, real: Reply | None, tracking: str) -> Reply:
        """The broken reply a fault asks for; ``real`` is the genuine reply when the work was done."""
        headers: list[tuple[str, str]] = [("SLPT-Request-ID", tracking)]
        kind = fault.kind
        if kind == "status":
            status = fault.status or 503
            if fault.body is not None:
                body = (
                    fault.body
                    if isinstance(fault.body, bytes)
                    else (fault.body.encode("utf-8") if isinstance(fault.body, str) else _dumps(fault.body))
                )
            elif status == 429:
                body = _dumps({"message": " Rate Limit Exceeded "})
            elif status == 401:
                body = _dumps({"error": "JWT validation failed: JWT is expired"})
            else:
                body = _dumps(self._error_body(status, tracking))
            headers.append(("Content-Type", fault.content_type or _JSON))
            if fault.retry_after is not None:
                headers.append(("Retry-After", format_retry_after(fault.retry_after)))
            reply = Reply(status, headers, body)
        elif kind == "html":
            status = fault.status or 200
            phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
            page = (
                f"<!DOCTYPE html>\n<html><head><title>{status} {phrase}</title></head>"
                f"<body><h1>{status} {phrase}</h1><p>The upstream server is unavailable.</p></body></html>\n"
            )
            headers.append(("Content-Type", fault.content_type or "text/html; charset=utf-8"))
            reply = Reply(status, headers, page.encode())
        elif kind == "empty":
            headers.append(("Content-Type", fault.content_type or _JSON))
            reply = Reply(fault.status or 200, headers, b"")
        elif kind == "huge":
            headers.append(("Content-Type", fault.content_type or _JSON))
            reply = Reply(fault.status or 200, headers, self._huge_body(ex, real, fault.size))
        else:
            # truncated_json, wrong_content_type, reset, reset_mid_body, close_mid_body: the real body
            # (or, when the work was not done, a plausible one) broken in transit.
            if real is not None and real.body:
                status, body = real.status, real.body
            else:
                status, body = 200, self._plausible_body(ex)
            status = fault.status or status
            if kind == "truncated_json":
                body = body[: max(1, len(body) // 2)]
                headers.append(("Content-Type", fault.content_type or _JSON))
            elif kind == "wrong_content_type":
                headers.append(("Content-Type", fault.content_type or "text/plain; charset=utf-8"))
            else:
                headers.append(("Content-Type", fault.content_type or _JSON))
            reply = Reply(
                status,
                headers,
                body,
                action=_ACTIONS.get(kind),
            )
        reply.headers.extend(fault.headers.items())
        return reply

    def _plausible_body(self, ex: Exchange) -> bytes:
        if ex.operation == "getSIMIntegrations":
            with self._lock:
                return b"[" + b",".join(entry.raw for entry in self._store.values()) + b"]"
        return _dumps(_EXAMPLE)

    def _huge_body(self, ex: Exchange, real: Reply | None, size: int) -> bytes:
        """Valid JSON of about ``size`` bytes with the operation's shape (a list or one integration)."""
        if ex.operation == "getSIMIntegrations":
            item = _dumps(_EXAMPLE)
            count = max(1, size // (len(item) + 1))
            return b"[" + b",".join([item] * count) + b"]"
        doc = dict(_EXAMPLE)
        if real is not None and real.body:
            with contextlib.suppress(ValueError):
                parsed = json.loads(real.body)
                if isinstance(parsed, dict):
                    doc = parsed
        doc["description"] = "x" * max(0, size - len(_dumps(doc)))
        return _dumps(doc)

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

    # ------------------------------------------------------------------ admin endpoints (test-only)

    def _admin(self, ex: Exchange, tracking: str) -> Reply:
        """``/__fake__/...``: out-of-process control for demos and end-to-end tests. No auth: test-only."""
        route = "/".join(ex.route)
        method = ex.request.method.upper()
        try:
            data = json.loads(ex.request.body) if ex.request.body.strip() else {}
        except ValueError:
            return self._error(400, tracking, "body: is not valid JSON")
        try:
            result = self._admin_action(method, route, data)
        except (ValueError, TypeError) as exc:
            return self._error(400, tracking, str(exc))
        if result is None:
            return self._error(404, tracking, f"No admin endpoint {method} /__fake__/{route}.")
        return self._json_reply(200, result, tracking)

    def _admin_action(self, method: str, route: str, data: Any) -> Any:
        if not isinstance(data, dict | list):
            raise ValueError("body: must be a JSON object")
        if (method, route) == ("GET", ""):
            return {"ok": True}
        if route == "faults":
            if method == "GET":
                return [fault.to_json() for fault in self.faults]
            if method == "POST":
                items = data if isinstance(data, list) else [data]
                added = [self.add_fault(Fault.from_json(item)) for item in items]
                return [fault.to_json() for fault in added]
            if method == "DELETE":
                self.clear_faults()
                return {"ok": True}
        if route in ("requests", "writes"):
            if method == "GET":
                records = self.requests if route == "requests" else self.writes
                return [record.to_json() for record in records]
            if method == "DELETE":
                self.clear_records()
                return {"ok": True}
        if (method, route) == ("GET", "integrations"):
            return list(self.integrations.values())
        if (method, route) == ("GET", "stats"):
            with self._lock:
                return {
                    "integrations": len(self._store),
                    "tokenRequests": self._token_requests,
                    "requests": len(self._requests),
                    "writes": len(self._writes),
                    "faults": len(self._faults),
                }
        if (method, route) == ("POST", "reset"):
            self.reset()
            return {"ok": True}
        if (method, route) == ("POST", "seed") and isinstance(data, dict):
            return {"ids": self.seed(_int(data.get("count", 0), "count"))}
        if (method, route) == ("POST", "config") and isinstance(data, dict):
            return self._configure(data)
        if (method, route) == ("POST", "tokens") and isinstance(data, dict):
            token = data.get("token")
            if not isinstance(token, str) or not token:
                raise ValueError("token: must be a non-empty string")
            ttl = data.get("ttl")
            self.add_token(token, None if ttl is None else float(ttl))
            return {"ok": True}
        if (method, route) == ("POST", "tokens/expire"):
            self.expire_tokens()
            return {"ok": True}
        if (method, route) == ("POST", "tokens/revoke") and isinstance(data, dict):
            self.revoke_token(data.get("token"))
            return {"ok": True}
        return None

    def _configure(self, data: dict[str, Any]) -> dict[str, Any]:
        unknown = set(data) - {"latency", "delete_status", "token_ttl", "record"}
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        if "delete_status" in data:
            if data["delete_status"] not in (200, 204):
                raise ValueError("delete_status: must be 200 or 204")
            self.delete_status = data["delete_status"]
        if "latency" in data:
            self.latency = float(data["latency"])
        if "token_ttl" in data:
            self.token_ttl = float(data["token_ttl"])
        if "record" in data:
            self.record = bool(data["record"])
        return {
            "latency": self.latency,
            "delete_status": self.delete_status,
            "token_ttl": self.token_ttl,
            "record": self.record,
        }


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name}: must be a non-negative integer")
    return value


def _redact_form(body: bytes) -> bytes:
    """A form body with the client_secret value replaced (kept parseable for tests)."""
    if b"secret" not in body:
        return body
    parts: Iterator[bytes] = iter(body.split(b"&"))
    out = []
    for part in parts:
        name, eq, _ = part.partition(b"=")
        out.append(name + eq + REDACTED.encode() if eq and b"secret" in name.lower() else part)
    return b"&".join(out)
