"""The core of the fake SIM service: settings, the order of checks, and the carrier interface.

The service never touches a socket and imports no carrier. A carrier (the in-process transport or the
loopback server) hands each request to :meth:`SimService.begin`, sleeps the delays the returned
:class:`~._model.Exchange` asks for (``time.sleep`` or ``asyncio.sleep``, as suits it), then calls
:meth:`SimService.finish` for the reply. The parts live below it, one concern each: routing
(``_routes``), tokens (``_tokens``), the store (``_store``), faults (``_faults``), recordings
(``_records``), the operations and their dispatch table (``_operations``) and the admin endpoints
(``_admin``). Each part has its own lock and does no blocking work under it, so the service is safe
from any number of threads and costs little per request.

Order of checks for an API request (documented, and relied on by tests): a matching fault with
``when="before"`` answers first (like a gateway in front of the service); then the route (404, 405);
then ``Authorization`` (401); then the rate limit of that token, when one is set (429); then the token's scopes (403: reads need
``idn:service-desk-integration:read`` or ``:manage``, writes ``:manage``; ``sp:scopes:all`` covers
both); then ``X-SailPoint-Experimental`` (400); then the operation itself (see ``_operations``).
"""

from __future__ import annotations

import copy
import datetime as _dt
import email.utils
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from . import _extra, _replies, _routes, _validate
from ._admin import admin_reply
from ._faults import FaultBook
from ._limiter import Limiter, limit_of
from ._model import AppliedWrite, Exchange, Fault, FaultKind, RecordedRequest, Reply, Request, When
from ._operations import HANDLERS, Call
from ._records import Recorder
from ._replies import Refusal
from ._store import Store
from ._tokens import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    SCOPE_ALL,
    Credentials,
    TokenBook,
    check_scope,
    new_id,
    token_reply,
)

_extra.require()  # the one line saying how to install the extra, before anything else can fail

# `sailpoint_sim.testing`, or a vendored copy's own name (see `_base.logger`).
_log = logging.getLogger(__name__.rpartition(".")[0])

_BODY_BREAKING = frozenset(
    {"truncated_json", "wrong_content_type", "huge", "reset_mid_body", "close_mid_body"}
)


class SimService:
    """The fake service without its carriers; see :class:`~sailpoint_sim.testing.FakeSimService`."""

    def __init__(
        self,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        token_ttl: float = 749.0,
        tokens: Iterable[str] = (),
        scopes: Iterable[str] = (SCOPE_ALL,),
        latency: float = 0.0,
        delete_status: int = 200,
        record: bool = True,
        layouts: Iterable[str] = _routes.ALL_LAYOUTS,
        rate_limit: Any = None,
        clock_skew: float = 0.0,
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
        """200 (default, as SailPoint documents) or 204: the status of a successful DELETE."""
        self.record = record
        """Whether requests are recorded in :attr:`requests` (turn off for long benchmarks)."""
        self.clock_skew = float(clock_skew)
        """Seconds added to the time in the ``Date`` header of every answer (negative: behind)."""
        self._date_cache = (0, "")
        self._layouts = _routes.layouts_from(layouts)
        self._rate_limit: Any = None
        self._limit: tuple[int, float] | None = None
        self.rate_limit = rate_limit
        self._limiter = Limiter(clock)
        self._tokens = TokenBook(clock, tokens, self.scopes)
        self._store = Store()
        self._faults = FaultBook()
        self._recorder = Recorder()

    def __repr__(self) -> str:
        # Never the client secret or any token.
        return (
            f"<{type(self).__name__} integrations={len(self._store)} faults={len(self._faults)} "
            f"requests={len(self._recorder)} writes={len(self._store.writes)}>"
        )

    # ------------------------------------------------------------------ settings with checks

    @property
    def layouts(self) -> frozenset[str]:
        """The path layouts served (``"v2025"``, ``"per-resource"``; both by default); any other answers
        404. Settable with ``sailpoint_sim.Layout`` members or their string values."""
        return self._layouts

    @layouts.setter
    def layouts(self, value: Iterable[str]) -> None:
        self._layouts = _routes.layouts_from(value)

    @property
    def rate_limit(self) -> Any:
        """The rate limit per access token: a ``sailpoint_sim.RateLimit(requests, per)`` (or a
        ``(requests, per)`` pair), or None (default) for none. Beyond it: 429, SailPoint's body and
        ``Retry-After``, counted in ``stats()["rate_limited"]``."""
        return self._rate_limit

    @rate_limit.setter
    def rate_limit(self, value: Any) -> None:
        self._limit = limit_of(value)
        self._rate_limit = value

    # ------------------------------------------------------------------ tokens

    def issue_token(self, ttl: float | None = None, *, scopes: Iterable[str] | None = None) -> str:
        """Issue a token directly (no HTTP), valid ``ttl`` seconds (default :attr:`token_ttl`), with
        ``scopes`` (default :attr:`scopes`)."""
        return self._tokens.issue(
            self.token_ttl if ttl is None else ttl, self.scopes if scopes is None else frozenset(scopes)
        )

    def add_token(self, token: str, ttl: float | None = None, *, scopes: Iterable[str] | None = None) -> None:
        """Accept a fixed, pre-issued token, for ``ttl`` seconds or (None) until revoked, with ``scopes``
        (default :attr:`scopes`)."""
        self._tokens.add(token, ttl, self.scopes if scopes is None else frozenset(scopes))

    def revoke_token(self, token: str | None = None) -> None:
        """Revoke one token, or every token when none is given: it is then answered 401 as invalid."""
        self._tokens.revoke(token)

    def expire_tokens(self) -> None:
        """Make every current token expired (401 ``JWT is expired``); new ones can still be issued."""
        self._tokens.expire_all()

    @property
    def token_requests(self) -> int:
        """How many requests reached ``/oauth/token`` (successful or not)."""
        return self._recorder.token_requests

    # ------------------------------------------------------------------ faults

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
        return self._faults.add(fault)

    @property
    def faults(self) -> list[Fault]:
        """The faults still registered (spent ones included until :meth:`clear_faults`)."""
        return self._faults.all()

    def clear_faults(self) -> None:
        """Remove every fault."""
        self._faults.clear()

    # ------------------------------------------------------------------ data and records

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received (admin ones excepted), oldest first, secrets redacted."""
        return self._recorder.requests

    @property
    def writes(self) -> list[AppliedWrite]:
        """Every write applied to the store, oldest first: the log to check no write happened twice."""
        return self._store.writes

    def clear_records(self) -> None:
        """Forget recorded requests and writes and reset the token-request count."""
        self._recorder.clear()
        self._store.clear_writes()

    @property
    def integrations(self) -> dict[str, dict[str, Any]]:
        """A deep copy of the stored integrations, by id, in creation order."""
        return self._store.documents()

    def add_integration(self, body: dict[str, Any]) -> dict[str, Any]:
        """Store an integration directly (no HTTP, not logged as a write), as a create would; returns it.

        The body is validated as a create body; undeclared fields are kept.
        """
        problems = _validate.integration_problems(body)
        if problems:
            raise ValueError("; ".join(problems))
        return copy.deepcopy(self._store.create(body, None).doc)

    def seed(self, count: int) -> list[str]:
        """Add ``count`` realistic integrations; returns their ids.

        Deterministic: after a :meth:`reset`, seeding the same counts gives the same ids and contents
        (created/modified are fixed dates), so benchmarks and snapshots are reproducible.
        """
        return self._store.seed(count)

    def stats(self) -> dict[str, int]:
        """Counts: integrations stored, token requests, recorded requests, applied writes, faults, and
        requests answered 429 by the rate limit (``rate_limited``; injected 429s are not counted)."""
        return {
            "integrations": len(self._store),
            "tokenRequests": self._recorder.token_requests,
            "requests": len(self._recorder),
            "writes": len(self._store.writes),
            "faults": len(self._faults),
            "rate_limited": self._limiter.refused,
        }

    def reset(self) -> None:
        """Back to a fresh service: no integrations, faults, records or issued tokens.

        Tokens given to the constructor stay valid (they are configuration, like the credentials and
        settings); tokens issued since, or added with :meth:`add_token`, are forgotten.
        """
        self._store.clear()
        self._store.clear_writes()
        self._faults.clear()
        self._recorder.clear()
        self._limiter.reset()
        self._tokens.reset(self.scopes)

    # ------------------------------------------------------------------ the carrier interface

    def begin(self, request: Request) -> Exchange:
        """Route and record a request and draw its fault. The carrier then sleeps ``exchange.delay_before``,
        calls :meth:`finish` and sleeps ``exchange.delay_after`` before answering."""
        target = request.target
        if not target.startswith("/"):
            # absolute-form request target (http://host/path): keep the path only
            scheme_end = target.find("//")
            slash = target.find("/", scheme_end + 2 if scheme_end != -1 else 0)
            target = target[slash:] if slash != -1 else "/"
        path, _, query = target.partition("?")
        method = request.method.upper()
        route = _routes.route(method, path, self._layouts)
        if route.kind == "admin":
            return Exchange(request, path, query, route, None, 0.0, 0.0)
        self._recorder.arrived(request, path, query, route.operation, keep=self.record)
        fault = self._faults.draw(method, path, route.operation)
        before, after = self.latency, 0.0
        if fault is not None:
            if fault.when == "before":
                before += fault.delay
            else:
                after = fault.delay
        return Exchange(request, path, query, route, fault, before, after)

    def finish(self, exchange: Exchange) -> Reply:
        """The reply to a begun request (the work happens here, after any "before" delay), with a ``Date``
        header (shifted by :attr:`clock_skew`) as every answer of a real service has."""
        reply = self._reply(exchange)
        if not any(name.lower() == "date" for name, _ in reply.headers):  # a fault may bring its own
            reply.headers.append(("Date", self._date()))
        return reply

    def _date(self) -> str:
        now = int(time.time() + self.clock_skew)
        second, text = self._date_cache
        if second != now:  # formatting the date once a second is plenty (the benchmark runs through here)
            text = email.utils.formatdate(now, usegmt=True)
            self._date_cache = (now, text)
        return text

    def _reply(self, exchange: Exchange) -> Reply:
        tracking = new_id()
        fault = exchange.fault
        if exchange.route.kind == "admin":
            return admin_reply(
                self, exchange.request.method, exchange.route.admin, exchange.request.body, tracking
            )
        if fault is not None and fault.when == "before" and fault.kind != "delay":
            real = None
            if fault.kind in _BODY_BREAKING and exchange.request.method.upper() == "GET":
                # A read changes nothing, so break the genuine answer rather than a made-up one.
                real = self._answer(exchange, tracking)
            return self._fault_reply(fault, exchange, real, tracking)
        reply = self._answer(exchange, tracking)
        if fault is not None and fault.when == "after" and fault.kind != "delay":
            reply = self._fault_reply(fault, exchange, reply, tracking)
        return reply

    # ------------------------------------------------------------------ answering

    def _answer(self, exchange: Exchange, tracking: str) -> Reply:
        try:
            return self._dispatch(exchange, tracking)
        except Refusal as refusal:
            return refusal.reply
        except Exception:
            # A bug in the fake answers 500 like a real service would (and schemathesis' server-error
            # check reports it) instead of dropping the connection.
            _log.exception("fake SIM service failed on %s %s", exchange.request.method, exchange.path)
            return _replies.error(500, tracking, "An internal fault occurred.")

    def _dispatch(self, exchange: Exchange, tracking: str) -> Reply:
        route = exchange.route
        request = exchange.request
        if route.kind == "unknown":
            return _replies.error(404, tracking, f"No resource at {exchange.path}.")
        if route.kind == "wrong_method":
            reply = _replies.error(405, tracking, f"{request.method} is not supported here.")
            reply.headers.append(("Allow", route.allow))
            return reply
        operation = route.operation
        assert operation is not None  # a route of kind "operation" names one
        if operation == _routes.TOKEN:
            credentials = Credentials(self._client_id, self._client_secret, self.token_ttl, self.scopes)
            return token_reply(self._tokens, credentials, request, exchange.query, tracking)
        token, grant = self._tokens.bearer(request, tracking)
        if self._limit is not None:
            # Counted per valid token, before anything else about the request, as a gateway would.
            refusal = self._limiter.admit(token, self._limit, tracking)
            if refusal is not None:
                return refusal
        check_scope(grant, operation, operation in _routes.READ_OPERATIONS, tracking)
        if request.headers.get("x-sailpoint-experimental") != "true":
            raise Refusal(
                _replies.json_reply(400, {"error": "Experimental Header is missing or invalid."}, tracking)
            )
        call = Call(request, exchange.path, operation, route.ident, tracking, self._store, self.delete_status)
        return HANDLERS[operation](call)

    def _fault_reply(self, fault: Fault, exchange: Exchange, real: Reply | None, tracking: str) -> Reply:
        is_list = exchange.operation == "getSIMIntegrations"
        plausible = b""
        if real is None or not real.body:
            # Nothing was done (a write refused before applying): break a body of the right shape.
            plausible = self._store.listing() if is_list else _replies.dumps(_replies.EXAMPLE)
        return _replies.fault_reply(fault, is_list=is_list, real=real, plausible=plausible, tracking=tracking)
