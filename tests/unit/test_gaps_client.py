"""The sync and async clients' send loops: behaviour found untested by mutation testing (issue 15).

Every test runs on both clients (the ``api_factory``, ``kind`` or ``cls`` fixtures): the two loops are
twins, and a gap in one is a gap in the other.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from sailpoint_sim import (
    APIConnectionError,
    AsyncSimIntegrationsClient,
    AuthenticationError,
    ConfigurationError,
    InvalidRequestError,
    ResponseTooLargeError,
    RetryPolicy,
    SimIntegrationsClient,
)
from sailpoint_sim._base import shared_ssl_context
from sailpoint_sim._config import DEFAULT_LIMITS
from sailpoint_sim._send import TRACE
from sailpoint_sim._version import __version__
from sailpoint_sim.as_code import UnmappedReferencesError
from tests.support.clients import maybe_await

from .helpers import (
    BASE,
    INTEGRATION,
    PROXY_VARIABLES,
    TOKEN_URL,
    ApiFactory,
    FailFirst,
    Recorder,
    Sleeps,
    policy,
    token_response,
)
from .test_send_path import MiB, streamed


def token_503(tracking: str = "tok-track-1") -> httpx.Response:
    """A token endpoint's server error, its tracking id in the body only (no SLPT-Request-ID header)."""
    return httpx.Response(503, json={"trackingId": tracking, "messages": []})


# -- the token request: what its failures and retries say --------------------------------------------


async def test_token_connection_failure_names_the_token_request(api_factory: ApiFactory) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    api = api_factory(Recorder(token=refuse))
    with pytest.raises(
        APIConnectionError, match=rf"^ConnectError during POST {TOKEN_URL}: refused \("
    ) as info:
        await api("get", "x")
    assert (info.value.method, info.value.url) == ("POST", TOKEN_URL)


@pytest.mark.parametrize(
    ("failure", "reason"),
    [(token_503, "503 Service Unavailable"), (lambda: httpx.ConnectError("refused"), "ConnectError")],
    ids=["503", "connect-error"],
)
async def test_token_retry_is_logged_with_its_reason_and_tracking_id(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture, failure: Any, reason: str
) -> None:
    caplog.set_level(logging.DEBUG, logger="sailpoint_sim")
    api = api_factory(Recorder(token=FailFirst(failure(), then=lambda request: token_response())))
    await api("get", "x")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    # The body's trackingId is the only one a 503 here carries; a connection failure has none.
    tracking = "tok-track-1" if reason.startswith("503") else "none"
    assert warnings == [
        f"POST {TOKEN_URL} failed with {reason} (attempt 1/3, trackingId {tracking}); retrying in 0.50 s"
    ]


async def test_token_attempt_debug_record_carries_the_body_tracking_id(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sailpoint_sim")
    api = api_factory(Recorder(token=FailFirst(token_503(), then=lambda request: token_response())))
    await api("get", "x")
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert f"POST {TOKEN_URL} -> 503 (attempt 1/3, trackingId tok-track-1)" in debug


@pytest.mark.parametrize(
    "failure", [token_503, lambda: httpx.ConnectError("refused")], ids=["503", "connect"]
)
async def test_token_retries_stop_at_a_wait_the_deadline_cannot_cover(
    api_factory: ApiFactory, failure: Any
) -> None:
    sleeps = Sleeps()
    recorder = Recorder(token=FailFirst(failure(), then=lambda request: token_response()))
    retry = policy(sleeps, backoff_initial=10.0, backoff_max=10.0)
    api = api_factory(recorder, retry=retry, deadline=5.0)
    with pytest.raises((AuthenticationError, APIConnectionError)):
        await api("get", "x")
    assert sleeps == []  # a 10 s wait would pass the 5 s deadline: the call ends at once
    assert len(recorder.token_requests) == 1
    assert recorder.api_requests == []


async def test_token_answer_is_traced_with_its_token_masked(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    # A token no other live client holds: the log filter cannot know it when the answer is traced,
    # so only the token answer's own masking keeps it out of the record.
    fresh = "fresh-token-only-this-test-7c1e"
    caplog.set_level(TRACE, logger="sailpoint_sim")
    api = api_factory(Recorder(token=lambda request: token_response(fresh)))
    await api("get", "x")
    traces = [r.getMessage() for r in caplog.records if r.levelno == TRACE]
    answers = [t for t in traces if t.startswith("< 200") and "token_type" in t]
    assert len(answers) == 1 and '"access_token": "***"' in answers[0]
    assert not any(fresh in t for t in traces)


# -- closing during a wait between attempts ------------------------------------------------------


class CloseOnSleep:
    """A RetryPolicy's sleep that closes the client instead of sleeping (a close during the wait)."""

    def __init__(self) -> None:
        self.client: SimIntegrationsClient | AsyncSimIntegrationsClient | None = None
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        assert isinstance(self.client, SimIntegrationsClient)
        self.client.close()

    async def async_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        assert isinstance(self.client, AsyncSimIntegrationsClient)
        await self.client.aclose()


@pytest.mark.parametrize(
    ("where", "failure"),
    [
        ("token", token_503),
        ("token", lambda: httpx.ConnectError("refused")),
        ("api", lambda: httpx.Response(503)),
        ("api", lambda: httpx.ConnectError("refused")),
    ],
    ids=["token-503", "token-connect-error", "api-503", "api-connect-error"],
)
async def test_close_during_a_retry_wait_ends_the_call_typed_and_unretried(
    api_factory: ApiFactory, where: str, failure: Any
) -> None:
    closer = CloseOnSleep()
    retry = RetryPolicy(sleep=closer.sleep, async_sleep=closer.async_sleep, jitter=False)
    fail_first = FailFirst(failure(), then=lambda request: httpx.Response(200, json=INTEGRATION))
    recorder = Recorder(token=fail_first) if where == "token" else Recorder(api=fail_first)
    api = api_factory(recorder, retry=retry)
    closer.client = api.client
    target = f"POST {TOKEN_URL}" if where == "token" else f"GET {BASE}/v2025/sim-integrations/x"
    with pytest.raises(APIConnectionError, match=rf"^the client was closed during {target}; ") as info:
        await api("get", "x")
    assert info.value.url == target.split(" ")[1]
    assert closer.sleeps == [0.5]
    assert fail_first.calls == 1  # nothing sent after the close


async def test_close_during_the_token_request_ends_the_call_typed(kind: str) -> None:
    sent: list[str] = []
    client: Any

    def close_sync(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        client.close()
        raise httpx.ReadError("connection closed")  # what a closed pool does to a request in flight

    async def close_async(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        await client.aclose()
        raise httpx.ReadError("connection closed")

    if kind == "sync":
        http: Any = httpx.Client(transport=httpx.MockTransport(close_sync))
        client = SimIntegrationsClient(BASE, "client-id", "client-secret-value", http_client=http)
    else:
        http = httpx.AsyncClient(transport=httpx.MockTransport(close_async))
        client = AsyncSimIntegrationsClient(BASE, "client-id", "client-secret-value", http_client=http)
    with pytest.raises(APIConnectionError, match=rf"^the client was closed during POST {TOKEN_URL}; "):
        await maybe_await(client.get("x"))
    assert sent == ["/oauth/token"]  # not retried on the closed client


# -- waits of zero -----------------------------------------------------------------------------------


async def test_a_zero_retry_after_retries_without_sleeping(api_factory: ApiFactory) -> None:
    sleeps = Sleeps()
    answers = FailFirst(
        httpx.Response(503, headers={"Retry-After": "0"}),
        then=lambda request: httpx.Response(200, json=INTEGRATION),
    )
    api = api_factory(Recorder(api=answers), access_token="tok", retry=policy(sleeps))
    assert (await api("get", "x")).name == INTEGRATION["name"]
    assert answers.calls == 2
    assert sleeps == []


# -- the send paths --------------------------------------------------------------------------------


async def test_own_client_sends_through_its_own_transport(
    cls: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    caplog.set_level(logging.INFO, logger="httpx")
    # Port 1 on loopback refuses at once: a request that went anywhere but the transport would fail.
    client = cls("http://127.0.0.1:1", access_token="tok", retry=RetryPolicy(max_attempts=1))
    assert client._transport is not None
    recorder = Recorder()
    client._transport = httpx.MockTransport(recorder)  # the transport layer, recording instead of dialling
    result = await maybe_await(client.get("x"))
    assert result.name == INTEGRATION["name"]
    [sent] = recorder.api_requests
    url = "http://127.0.0.1:1/v2025/sim-integrations/x"
    assert str(sent.url) == url
    assert sent.headers["Authorization"] == "Bearer tok"
    assert sent.headers["X-SailPoint-Experimental"] == "true"
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["User-Agent"] == f"sailpoint-sim/{__version__} httpx/{httpx.__version__}"
    # The line httpx.Client.send would have logged, written by the direct path itself.
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert lines == [f'HTTP Request: GET {url} "HTTP/1.1 200 OK"']
    await maybe_await(client.aclose() if isinstance(client, AsyncSimIntegrationsClient) else client.close())


@pytest.mark.parametrize("direct", [True, False], ids=["direct", "through-httpx"])
def test_own_client_requests_carry_accept_and_the_default_user_agent(
    cls: Any, monkeypatch: pytest.MonkeyPatch, direct: bool
) -> None:
    import sailpoint_sim._send

    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sailpoint_sim._send, "DIRECT_TRANSPORT", direct)
    client = cls(BASE, access_token="tok")
    assert (client._transport is not None) is direct
    headers = client._prepare_get("x").request.headers
    assert headers["Accept"] == "application/json"
    assert headers["User-Agent"] == f"sailpoint-sim/{__version__} httpx/{httpx.__version__}"
    assert (
        cls(BASE, access_token="tok", user_agent="ua/1")._prepare_get("x").request.headers["User-Agent"]
        == "ua/1"
    )


def test_a_wrong_http_client_is_refused_naming_both_types() -> None:
    sync_message = r"^http_client must be an httpx\.Client for SimIntegrationsClient, got AsyncClient$"
    with pytest.raises(ConfigurationError, match=sync_message):
        SimIntegrationsClient(BASE, access_token="t", http_client=httpx.AsyncClient())  # type: ignore[arg-type]
    async_message = r"^http_client must be an httpx\.AsyncClient for AsyncSimIntegrationsClient, got Client$"
    with pytest.raises(ConfigurationError, match=async_message):
        AsyncSimIntegrationsClient(BASE, access_token="t", http_client=httpx.Client())  # type: ignore[arg-type]


async def test_a_body_past_the_cap_is_not_pulled_whole(api_factory: ApiFactory, kind: str) -> None:
    # A finite body (the endless one in test_send_path hangs rather than fails when the cap is lost):
    # reading stops at the first chunk past the cap instead of taking in all 4 MiB first.
    pulled = [0]
    chunks = iter([b"x" * 65536] * 64)
    api = api_factory(
        Recorder(api=lambda r: httpx.Response(200, content=streamed(kind, chunks, pulled))),
        access_token="tok",
        max_response_bytes=MiB,
    )
    with pytest.raises(ResponseTooLargeError):
        await api("get", "x")
    assert MiB < pulled[0] <= MiB + 65536


async def test_a_given_clients_own_auth_never_replaces_the_token(kind: str) -> None:
    recorder = Recorder()
    transport = httpx.MockTransport(recorder)
    user_auth = httpx.BasicAuth("user", "password")
    client: Any
    if kind == "sync":
        client = SimIntegrationsClient(
            BASE, access_token="tok", http_client=httpx.Client(transport=transport, auth=user_auth)
        )
    else:
        client = AsyncSimIntegrationsClient(
            BASE, access_token="tok", http_client=httpx.AsyncClient(transport=transport, auth=user_auth)
        )
    await maybe_await(client.get("x"))
    assert recorder.api_requests[0].headers["Authorization"] == "Bearer tok"


# -- the as-code methods pass their arguments on ----------------------------------------------------


async def test_export_data_and_export_with_prune(api_factory: ApiFactory, tmp_path: Path) -> None:
    api = api_factory(
        Recorder(api=lambda request: httpx.Response(200, json=[INTEGRATION])), access_token="tok"
    )
    data = await maybe_await(api.client.export_data())
    assert list(data) == [INTEGRATION["name"]]
    assert data[INTEGRATION["name"]]["description"] == INTEGRATION["description"]
    (tmp_path / "Gone.json").write_text(json.dumps({"name": "Gone"}), encoding="utf-8")
    result = await maybe_await(api.client.export(tmp_path, prune=True))
    assert result.folder == tmp_path
    assert result.removed == ("Gone.json",)
    assert sorted(path.name for path in tmp_path.iterdir()) == [result.files[INTEGRATION["name"]]]


async def test_plan_passes_prune_and_the_id_map(api_factory: ApiFactory) -> None:
    api = api_factory(
        Recorder(api=lambda request: httpx.Response(200, json=[INTEGRATION])), access_token="tok"
    )
    other = {key: value for key, value in INTEGRATION.items() if key not in ("id", "created", "modified")}
    definitions = {"Other": {**other, "name": "Other"}}
    plan = await maybe_await(api.client.plan(definitions, id_map={"not-referenced": "elsewhere"}, prune=True))
    assert (plan.prune, plan.id_map) == (True, True)
    assert [(item.name, str(item.action)) for item in plan.changes] == [
        ("Other", "create"),
        (INTEGRATION["name"], "delete"),
    ]
    assert plan.unmapped  # the map covers none of the references the definition holds


async def test_apply_passes_keep_unmapped_and_progress(api_factory: ApiFactory) -> None:
    def tenant(request: httpx.Request) -> httpx.Response:
        listing = request.method == "GET" and request.url.path.endswith("/sim-integrations")
        return httpx.Response(200, json=[INTEGRATION] if listing else INTEGRATION)

    recorder = Recorder(api=tenant)
    api = api_factory(recorder, access_token="tok")
    changed = {INTEGRATION["name"]: {**INTEGRATION, "description": "Rewritten"}}
    plan = await maybe_await(api.client.plan(changed, id_map={"not-referenced": "elsewhere"}))
    lines: list[str] = []
    report = await maybe_await(api.client.apply(plan, keep_unmapped=True, progress=lines.append))
    assert report.ok
    assert lines  # one line per change
    assert [r.method for r in recorder.api_requests if r.method != "GET"] == ["PATCH"]


# -- the as-code methods' documented defaults: nothing deleted, nothing unmapped sent --------------


async def test_export_keeps_other_files_unless_asked_to_prune(
    api_factory: ApiFactory, tmp_path: Path
) -> None:
    api = api_factory(
        Recorder(api=lambda request: httpx.Response(200, json=[INTEGRATION])), access_token="tok"
    )
    (tmp_path / "Gone.json").write_text(json.dumps({"name": "Gone"}), encoding="utf-8")
    result = await maybe_await(api.client.export(tmp_path))
    assert (result.stale, result.removed) == (("Gone.json",), ())
    assert (tmp_path / "Gone.json").is_file()


async def test_plan_does_not_prune_by_default(api_factory: ApiFactory) -> None:
    api = api_factory(
        Recorder(api=lambda request: httpx.Response(200, json=[INTEGRATION])), access_token="tok"
    )
    other = {key: value for key, value in INTEGRATION.items() if key not in ("id", "created", "modified")}
    plan = await maybe_await(api.client.plan({"Other": {**other, "name": "Other"}}))
    assert plan.prune is False
    assert [(item.name, str(item.action)) for item in plan.changes] == [("Other", "create")]


async def test_apply_refuses_unmapped_references_by_default(api_factory: ApiFactory) -> None:
    recorder = Recorder(api=lambda request: httpx.Response(200, json=[INTEGRATION]))
    api = api_factory(recorder, access_token="tok")
    changed = {INTEGRATION["name"]: {**INTEGRATION, "description": "Rewritten"}}
    plan = await maybe_await(api.client.plan(changed, id_map={"not-referenced": "elsewhere"}))
    with pytest.raises(UnmappedReferencesError, match=r"not in the id map"):
        await maybe_await(api.client.apply(plan))
    assert [r.method for r in recorder.api_requests] == ["GET"]  # the plan's list; apply sent nothing


# -- API requests: what their failures and retries say ----------------------------------------------

API_URL = f"{BASE}/v2025/sim-integrations/x"


async def test_api_connection_failure_names_the_request(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    caplog.set_level(logging.WARNING, logger="sailpoint_sim")
    api = api_factory(Recorder(api=refuse), access_token="tok")
    with pytest.raises(
        APIConnectionError, match=rf"^ConnectError during GET {API_URL}: refused \(after 3"
    ) as info:
        await api("get", "x")
    assert (info.value.method, info.value.url) == ("GET", API_URL)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert (
        warnings[0]
        == f"GET {API_URL} failed with ConnectError (attempt 1/3, trackingId none); retrying in 0.50 s"
    )


async def test_api_retry_records_carry_the_body_tracking_id(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sailpoint_sim")
    answers = FailFirst(
        httpx.Response(503, json={"trackingId": "api-track-1", "messages": []}),
        then=lambda request: httpx.Response(200, json=INTEGRATION),
    )
    api = api_factory(Recorder(api=answers), access_token="tok")
    await api("get", "x")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        f"GET {API_URL} failed with 503 Service Unavailable (attempt 1/3, trackingId api-track-1); retrying in 0.50 s"
    ]
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert f"GET {API_URL} -> 503 (attempt 1/3, trackingId api-track-1)" in debug


async def test_api_connection_retries_stop_at_a_wait_the_deadline_cannot_cover(
    api_factory: ApiFactory,
) -> None:
    sleeps = Sleeps()
    answers = FailFirst(
        httpx.ConnectError("refused"), then=lambda request: httpx.Response(200, json=INTEGRATION)
    )
    retry = policy(sleeps, backoff_initial=10.0, backoff_max=10.0)
    api = api_factory(Recorder(api=answers), access_token="tok", retry=retry, deadline=5.0)
    with pytest.raises(APIConnectionError):
        await api("get", "x")
    assert sleeps == []  # a 10 s wait would pass the 5 s deadline: the call ends at once
    assert answers.calls == 1


async def test_an_undecodable_body_is_typed_naming_the_request_and_not_retried(
    api_factory: ApiFactory, kind: str
) -> None:
    # Not gzip at all: httpx raises DecodingError, a RequestError that is not a TransportError.
    answers = FailFirst(
        httpx.Response(
            200, headers={"Content-Encoding": "gzip"}, content=streamed(kind, iter([b"not gzip"]))
        ),
        then=lambda request: httpx.Response(200, json=INTEGRATION),
    )
    api = api_factory(Recorder(api=answers), access_token="tok")
    with pytest.raises(APIConnectionError, match=rf"^DecodingError during GET {API_URL}: ") as info:
        await api("get", "x")
    assert (info.value.method, info.value.url, info.value.attempts) == ("GET", API_URL, 1)
    assert answers.calls == 1


async def test_a_closed_client_refuses_calls_with_a_plain_message(api_factory: ApiFactory) -> None:
    api = api_factory(Recorder(), access_token="tok")
    await api.close()
    with pytest.raises(InvalidRequestError, match=r"^the client is closed$"):
        await api("get", "x")
    assert api.recorder.requests == []


async def test_a_closed_given_http_client_refuses_calls_with_a_plain_message(api_factory: ApiFactory) -> None:
    api = api_factory(Recorder(), access_token="tok")
    if isinstance(api.http, httpx.AsyncClient):
        await api.http.aclose()
    else:
        api.http.close()
    with pytest.raises(InvalidRequestError, match=r"^the client is closed$"):
        await api("get", "x")
    assert api.recorder.requests == []


class CloseHttpOnSleep:
    """A RetryPolicy's sleep that closes the user's httpx client (not ours) instead of sleeping."""

    def __init__(self) -> None:
        self.http: httpx.Client | httpx.AsyncClient | None = None

    def sleep(self, seconds: float) -> None:
        assert isinstance(self.http, httpx.Client)
        self.http.close()

    async def async_sleep(self, seconds: float) -> None:
        assert isinstance(self.http, httpx.AsyncClient)
        await self.http.aclose()


@pytest.mark.parametrize("where", ["token", "api"])
async def test_a_given_http_client_closed_during_a_retry_wait_ends_the_call_typed(
    api_factory: ApiFactory, where: str
) -> None:
    closer = CloseHttpOnSleep()
    retry = RetryPolicy(sleep=closer.sleep, async_sleep=closer.async_sleep, jitter=False)
    fail_first = FailFirst(
        token_503() if where == "token" else httpx.Response(503), then=lambda r: token_response()
    )
    recorder = Recorder(token=fail_first) if where == "token" else Recorder(api=fail_first)
    api = api_factory(recorder, retry=retry)
    closer.http = api.http
    # httpx refuses to send on its closed client (RuntimeError): the call ends as one closed during it.
    with pytest.raises(APIConnectionError, match=rf"^the client was closed during GET {API_URL}; "):
        await api("get", "x")
    assert fail_first.calls == 1


# -- a 401's body is read within the cap before the auth flow sees it --------------------------------


async def test_a_401_body_is_read_within_the_cap(api_factory: ApiFactory, kind: str) -> None:
    pulled = [0]
    chunks = iter([b"x" * 65536] * 64)  # 4 MiB, finite: a read past the cap fails here, not hangs
    answers = FailFirst(
        httpx.Response(401, content=streamed(kind, chunks, pulled)),
        then=lambda request: httpx.Response(200, json=INTEGRATION),
    )
    recorder = Recorder(api=answers)
    api = api_factory(recorder)
    assert (await api("get", "x")).name == INTEGRATION["name"]
    assert len(recorder.token_requests) == 2  # renewed after the 401
    assert pulled[0] <= 2 * MiB  # the error body cap (1 MiB) and a chunk, not the whole 4 MiB


# -- our own client's transport: the shared TLS context, the documented pool limits, closed with us ---


class ClosingTransport(httpx.MockTransport):
    """A MockTransport that remembers being closed."""

    closed = False

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


async def test_own_transport_has_our_tls_context_and_limits_and_closes_with_the_client(
    cls: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    built: list[dict[str, Any]] = []
    recorder = Recorder()

    def transport(**kwargs: Any) -> ClosingTransport:
        built.append(kwargs)
        return ClosingTransport(recorder)

    # The transport class itself is replaced: what the client builds it with is what it would dial with.
    monkeypatch.setattr(httpx, "HTTPTransport", transport)
    monkeypatch.setattr(httpx, "AsyncHTTPTransport", transport)
    client = cls(BASE, access_token="tok")
    assert built == [{"verify": shared_ssl_context(), "limits": DEFAULT_LIMITS}]
    # README: up to 100 connections per client, all kept alive for 5 s (httpx keeps only 20).
    assert (DEFAULT_LIMITS.max_connections, DEFAULT_LIMITS.max_keepalive_connections) == (100, 100)
    assert DEFAULT_LIMITS.keepalive_expiry == 5.0
    await maybe_await(client.get("x"))
    assert len(recorder.api_requests) == 1
    own = client._transport
    assert isinstance(own, ClosingTransport) and not own.closed
    await maybe_await(client.aclose() if isinstance(client, AsyncSimIntegrationsClient) else client.close())
    assert own.closed  # no pooled connection outlives the client
