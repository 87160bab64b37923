"""The fault matrix: 7 endpoints x 2 clients x 17 faults x 2 carriers, each with a precise expectation.

Every case runs one client call against the fake service with one fault injected into its first
request, then checks three things:

1. the outcome: the correct result (checked against the fake's store), or the typed error the retry
   table leads to; never an exception that is not a ``SailPointError``;
2. the request count the fake received for that operation: a retry happened exactly where the retry
   table allows it (429 for every method; 502/503/504 and broken connections for GET, PUT and DELETE
   only), and never for POST or PATCH once the request may have reached the server;
3. the fake's log of APPLIED writes: a POST or PATCH is applied at most once.

Most faults fire ``when="after"``: the service does the work, then the answer is broken. That is the
case where a careless retry duplicates a write. 429 and the undocumented statuses fire before the work
(the service refused). Carriers: the loopback HTTP server (real sockets: resets, truncated bodies and
timeouts as the kernel delivers them) and the in-process transport (byte-exact, no sockets).

Retries sleep through an injected recorder, so they take no real time; only the read-timeout fault
waits, for a 0.3 s read timeout.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from sailpoint_sim import (
    APIConnectionError,
    APITimeoutError,
    AsyncSimIntegrationsClient,
    RetryPolicy,
    SailPointError,
    ServerError,
    SimIntegrationsClient,
    UnexpectedStatusError,
    UnreadableResponseError,
)
from sailpoint_sim.testing import FakeServer, FakeSimService

from .reliability_figures import MATRIX

IN_PROCESS_BASE = "https://acme.api.identitynow.com"
HUGE = 4 * 1024 * 1024
# Short, so the case costs little real time; long enough for the retried request on a loaded machine.
READ_TIMEOUT = 0.3

# endpoint -> (operationId, HTTP method)
ENDPOINTS: dict[str, tuple[str, str]] = {
    "list": ("getSIMIntegrations", "GET"),
    "get": ("getSIMIntegration", "GET"),
    "create": ("createSIMIntegration", "POST"),
    "update": ("putSIMIntegration", "PUT"),
    "patch": ("patchSIMAttributes", "PATCH"),
    "patch_before_provisioning_rule": ("patchBeforeProvisioningRule", "PATCH"),
    "delete": ("deleteSIMIntegration", "DELETE"),
}
IDEMPOTENT = {"list", "get", "update", "delete"}
WRITES = {"create", "update", "patch", "patch_before_provisioning_rule", "delete"}
FORBIDDEN_TO_REPEAT = {"create", "patch", "patch_before_provisioning_rule"}


@dataclass(frozen=True)
class Fault:
    """One column of the matrix: what to inject and which family of expectation applies."""

    name: str
    inject: dict[str, Any]
    family: str  # see expectation()
    error: type[SailPointError] | None = None  # the typed error of a failure that is not retried


def _http_date_in(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


FAULTS: list[Fault] = [
    Fault("429 Retry-After seconds", {"status": 429, "retry_after": 1}, "rate-limited"),
    Fault("429 Retry-After HTTP date", {"status": 429}, "rate-limited-date"),
    Fault("500", {"status": 500, "when": "after"}, "not-retried", ServerError),
    Fault("502", {"status": 502, "when": "after"}, "retry-idempotent", ServerError),
    Fault("503", {"status": 503, "when": "after"}, "retry-idempotent", ServerError),
    Fault("504", {"status": 504, "when": "after"}, "retry-idempotent", ServerError),
    Fault(
        "reset before response", {"kind": "reset", "when": "after"}, "retry-idempotent", APIConnectionError
    ),
    Fault(
        "reset mid-body", {"kind": "reset_mid_body", "when": "after"}, "retry-idempotent", APIConnectionError
    ),
    Fault(
        "read timeout",
        {"kind": "delay", "delay": READ_TIMEOUT * 5, "when": "after"},
        "retry-idempotent",
        APITimeoutError,
    ),
    Fault(
        "truncated JSON 200",
        {"kind": "truncated_json", "when": "after"},
        "unreadable",
        UnreadableResponseError,
    ),
    Fault(
        "HTML 200", {"kind": "html", "status": 200, "when": "after"}, "unreadable", UnreadableResponseError
    ),
    Fault("HTML 502", {"kind": "html", "status": 502, "when": "after"}, "retry-idempotent", ServerError),
    Fault("empty 200", {"kind": "empty", "when": "after"}, "unreadable", UnreadableResponseError),
    Fault("wrong content type", {"kind": "wrong_content_type", "when": "after"}, "readable"),
    Fault("418", {"status": 418}, "not-retried-before", UnexpectedStatusError),
    Fault("520", {"status": 520}, "not-retried-before", ServerError),
    Fault("huge body", {"kind": "huge", "size": HUGE, "when": "after"}, "huge"),
]


@dataclass(frozen=True)
class Expect:
    """The outcome ("ok" or an error class), requests the fake must see, writes it must apply."""

    outcome: str | type[SailPointError]
    requests: int
    writes: int


def expectation(fault: Fault, endpoint: str) -> Expect:
    """What the retry table and the fault's timing imply for ``endpoint``."""
    writes = 1 if endpoint in WRITES else 0
    family = fault.family
    if family in ("rate-limited", "rate-limited-date"):
        # 429: the service did nothing, so every method is retried, once, and succeeds.
        return Expect("ok", 2, writes)
    if family == "not-retried":
        assert fault.error is not None
        return Expect(fault.error, 1, writes)
    if family == "not-retried-before":
        assert fault.error is not None
        return Expect(fault.error, 1, 0)
    if family == "retry-idempotent":
        assert fault.error is not None
        if endpoint not in IDEMPOTENT:
            # POST/PATCH: the work was done; one request, one write, and the error.
            return Expect(fault.error, 1, writes)
        if endpoint == "delete":
            # The first DELETE was applied; the retried one finds nothing and answers 404, which after
            # an attempt that may have reached the server means "deleted": success (logged at WARNING).
            return Expect("ok", 2, 1)
        # GET and PUT: the retry gives the right answer (a PUT stores the same body twice: idempotent).
        return Expect("ok", 2, 2 if endpoint == "update" else 0)
    if family == "unreadable":
        assert fault.error is not None
        # A 2xx whose body cannot be read is not retried (the work may be done); DELETE needs no body.
        return Expect("ok" if endpoint == "delete" else fault.error, 1, writes)
    if family in ("readable", "huge"):
        return Expect("ok", 1, writes)
    raise AssertionError(f"unknown family {family}")


# --------------------------------------------------------------------------------------------------
# Carriers


@dataclass
class Carrier:
    """A fake service and how clients reach it."""

    name: str
    fake: FakeSimService
    server: FakeServer | None = None

    @property
    def base_url(self) -> str:
        return self.server.url if self.server is not None else IN_PROCESS_BASE


@pytest.fixture(scope="module")
def loopback() -> Iterator[Carrier]:
    fake = FakeSimService()
    with fake.serve(port=0) as server:
        yield Carrier("loopback", fake, server)


@pytest.fixture(scope="module")
def in_process() -> Carrier:
    return Carrier("in-process", FakeSimService())


@dataclass
class Sleeps:
    """Records the retry delays instead of sleeping them."""

    delays: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.delays.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.delays.append(seconds)


def make_client(kind: str, carrier: Carrier, token: str, sleeps: Sleeps, timeout: Any) -> tuple[Any, Any]:
    """A client for the carrier, and the httpx client we made for it (None on loopback: it owns its own)."""
    policy = RetryPolicy(max_attempts=3, jitter=False, sleep=sleeps.sleep, async_sleep=sleeps.async_sleep)
    options: dict[str, Any] = {"access_token": token, "retry": policy}
    if timeout is not None:
        options["timeout"] = timeout
    http: Any = None
    if carrier.server is None:
        transport = carrier.fake.transport()
        http = httpx.Client(transport=transport) if kind == "sync" else httpx.AsyncClient(transport=transport)
        options["http_client"] = http
    cls = SimIntegrationsClient if kind == "sync" else AsyncSimIntegrationsClient
    return cls(carrier.base_url, **options), http


def arguments(endpoint: str, ident: str, stored: dict[str, Any]) -> tuple[Any, ...]:
    if endpoint in ("get", "delete"):
        return (ident,)
    if endpoint == "create":
        return ({"name": "created by the matrix", "type": "ServiceNowSDIM", "xMatrix": {"n": 1}},)
    if endpoint == "update":
        details = {k: v for k, v in stored.items() if k not in ("id", "created", "modified")}
        return (ident, {**details, "description": "updated by the matrix"})
    if endpoint == "patch":
        return (ident, [{"op": "replace", "path": "/description", "value": "patched by the matrix"}])
    if endpoint == "patch_before_provisioning_rule":
        return (ident, [{"op": "replace", "path": "/id", "value": "rule-from-the-matrix"}])
    return ()


def run_call(kind: str, client: Any, http: Any, endpoint: str, args: tuple[Any, ...]) -> Any:
    """Call ``endpoint`` and close everything (a client never closes an httpx client it was given)."""
    if kind == "sync":
        try:
            with client:
                return getattr(client, endpoint)(*args)
        finally:
            if http is not None:
                http.close()

    async def go() -> Any:
        try:
            async with client:
                return await getattr(client, endpoint)(*args)
        finally:
            if http is not None:
                await http.aclose()

    return asyncio.run(go())


def check_result(endpoint: str, fault: Fault, result: Any, fake: FakeSimService, ident: str) -> None:
    """The returned value is the right one: what the service stored (or, for the huge body, its shape)."""
    store = fake.integrations
    if fault.family == "huge":
        if endpoint == "list":
            assert isinstance(result, list) and len(result) > 100
        elif endpoint == "delete":
            assert result is None
        else:
            assert len(result.description) > HUGE // 2
        return
    if endpoint == "list":
        assert [item.id for item in result] == list(store)
        assert [item.to_dict() for item in result] == list(store.values())
    elif endpoint == "delete":
        assert result is None
        assert ident not in store
    elif endpoint == "create":
        assert result.to_dict() == store[result.id]
        assert store[result.id]["xMatrix"] == {"n": 1}
    else:
        assert result.to_dict() == store[ident]
        if endpoint == "update":
            assert store[ident]["description"] == "updated by the matrix"
        elif endpoint == "patch":
            assert store[ident]["description"] == "patched by the matrix"
        elif endpoint == "patch_before_provisioning_rule":
            assert store[ident]["beforeProvisioningRule"]["id"] == "rule-from-the-matrix"


# (carrier, send path): over loopback both send paths; the in-process carrier hands the client an
# http_client, whose send() is the only path there.
CARRIERS = (("loopback", "transport"), ("loopback", "httpx-send"), ("in-process", "transport"))
CLIENTS = ("sync", "async")


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name.replace(" ", "_") for f in FAULTS])
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("kind", CLIENTS)
@pytest.mark.parametrize(("carrier_name", "send_path"), CARRIERS, indirect=["send_path"])
def test_fault_matrix(
    carrier_name: str, kind: str, endpoint: str, fault: Fault, request: pytest.FixtureRequest, send_path: str
) -> None:
    carrier: Carrier = request.getfixturevalue("loopback" if carrier_name == "loopback" else "in_process")
    if carrier_name == "loopback":
        carrier_name = f"loopback ({send_path})"
    fake = carrier.fake
    fake.reset()
    token = fake.issue_token()
    ident = fake.seed(3)[1]
    stored = fake.integrations[ident]
    operation, _method = ENDPOINTS[endpoint]
    inject = dict(fault.inject)
    if fault.family == "rate-limited-date":
        inject["retry_after"] = _http_date_in(2)
    fake.inject(**inject, operation=operation, times=1)

    MATRIX.endpoints.add(endpoint)
    MATRIX.clients.add(kind)
    MATRIX.faults.add(fault.name)
    MATRIX.carriers.add(carrier_name)
    MATRIX.cases += 1

    sleeps = Sleeps()
    timeout = httpx.Timeout(5.0, read=READ_TIMEOUT) if fault.name == "read timeout" else None
    client, http = make_client(kind, carrier, token, sleeps, timeout)
    expect = expectation(fault, endpoint)
    outcome: str | type[BaseException]
    try:
        result = run_call(kind, client, http, endpoint, arguments(endpoint, ident, stored))
        outcome = "ok"
    except SailPointError as exc:
        outcome = type(exc)
        result = exc
        str(exc)  # a typed error must always be printable
    except Exception as exc:  # anything else is the failure this matrix exists to catch
        MATRIX.untyped_errors += 1
        MATRIX.outcomes["UNTYPED " + type(exc).__name__] += 1
        raise AssertionError(f"untyped {type(exc).__name__} escaped: {exc!r}") from exc

    received = [r for r in fake.requests if r.operation == operation]
    applied = [w for w in fake.writes if w.operation == operation]
    duplicate = endpoint in FORBIDDEN_TO_REPEAT and len(applied) > 1
    forbidden_retry = endpoint in FORBIDDEN_TO_REPEAT and fault.family != "rate-limited" and len(received) > 1
    if fault.family == "rate-limited-date":
        forbidden_retry = False  # 429: the service did nothing, so a retry is allowed for every method
    MATRIX.duplicate_writes += duplicate
    MATRIX.forbidden_retries += forbidden_retry
    if isinstance(outcome, str):
        label = "retried, then ok" if len(received) > 1 else "ok"
    else:
        label = outcome.__name__
    MATRIX.outcomes[label] += 1

    assert outcome == expect.outcome, f"expected {expect.outcome}, got {result!r}"
    assert len(received) == expect.requests, f"{len(received)} requests received, expected {expect.requests}"
    assert len(applied) == expect.writes, f"{len(applied)} writes applied, expected {expect.writes}"
    assert not duplicate and not forbidden_retry
    if outcome == "ok":
        check_result(endpoint, fault, result, fake, ident)
    if fault.family == "rate-limited":
        assert sleeps.delays == [1.0]  # Retry-After: 1, honoured exactly
    elif fault.family == "rate-limited-date":
        assert len(sleeps.delays) == 1 and 0.0 <= sleeps.delays[0] <= 3.0
    elif expect.requests == 2:
        assert sleeps.delays == [0.5]  # backoff_initial, no jitter
    else:
        assert sleeps.delays == []
    MATRIX.as_expected += 1
