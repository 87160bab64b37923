"""The send loop on both clients: one retry decision, caps, deadline, redirects, closing, DELETE, logs.

Each test here failed on the code before the send loop was restructured (issue 10 items 1, 3, 4, 5,
6, 13, 14 and issue 13's "one retry decision"), unless its docstring says it pins existing behaviour.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import math
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest

from sailpoint_sim import (
    APIConnectionError,
    APITimeoutError,
    AsyncSimIntegrationsClient,
    AuthenticationError,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ResponseTooLargeError,
    RetryPolicy,
    ServerError,
    SimIntegrationsClient,
    UnexpectedStatusError,
)
from sailpoint_sim._send import TRACE

from .helpers import (
    ACCESS_TOKEN,
    BASE,
    CLIENT_ID,
    CLIENT_SECRET,
    INTEGRATION,
    PROXY_VARIABLES,
    ApiFactory,
    FailFirst,
    Recorder,
    Sleeps,
    policy,
    token_response,
)

MiB = 1024 * 1024


def streamed(kind: str, chunks: Iterator[bytes], counter: list[int] | None = None) -> Any:
    """A body for httpx.Response(content=...) that yields ``chunks`` lazily, counting what was pulled."""
    counted = counter if counter is not None else [0]

    def sync_body() -> Iterator[bytes]:
        for chunk in chunks:
            counted[0] += len(chunk)
            yield chunk

    async def async_body() -> AsyncIterator[bytes]:
        for chunk in chunks:
            counted[0] += len(chunk)
            yield chunk

    return sync_body() if kind == "sync" else async_body()


def endless(chunk: bytes = b"x" * 65536) -> Iterator[bytes]:
    while True:
        yield chunk


# -- one retry decision ---------------------------------------------------------------------------


def test_decide_is_the_one_retry_decision() -> None:
    """Pins the table through the one function both clients and the token request use."""
    retry = RetryPolicy(jitter=False)
    assert retry.decide(1, "GET", httpx.Response(503)).delay == 0.5
    assert retry.decide(1, "POST", httpx.Response(503)).delay is None
    assert retry.decide(1, "POST", httpx.Response(503), repeatable=True).delay == 0.5
    assert retry.decide(1, "POST", httpx.Response(429, headers={"Retry-After": "2"})).delay == 2.0
    assert retry.decide(1, "POST", httpx.ConnectError("x")).delay == 0.5
    assert retry.decide(1, "POST", httpx.ReadError("x")).delay is None
    assert retry.decide(3, "GET", httpx.Response(503)).delay is None
    assert retry.decide(1, "GET", httpx.Response(500)).delay is None
    final = retry.decide(3, "GET", httpx.Response(429, headers={"Retry-After": "7"}))
    assert (final.delay, final.retry_after, final.reason) == (None, 7.0, "429 Too Many Requests")
    assert retry.decide(1, "GET", httpx.Response(503), time_left=0.1).delay is None


@pytest.mark.parametrize("value", ["1e300", "1e20", str(10**12)])
async def test_absurd_retry_after_with_no_cap_is_not_slept(api_factory: ApiFactory, value: str) -> None:
    # Before: sleep(1e300) was called (time.sleep raises OverflowError on it).
    sleeps = Sleeps()
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": value}), httpx.Response(200, json=INTEGRATION)]
    )
    retry = policy(sleeps, retry_after_max=math.inf)
    api = api_factory(Recorder(api=lambda r: next(answers)), access_token="tok", retry=retry)
    with pytest.raises(RateLimitError) as info:
        await api("get", "x")
    assert sleeps == []
    assert info.value.retry_after == float(value)


async def test_final_429_retry_after_is_parsed_once(
    api_factory: ApiFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sailpoint_sim._retry as retry_module

    calls: list[str | None] = []
    original = retry_module.parse_retry_after

    def counting(value: str | None, **kwargs: Any) -> float | None:
        calls.append(value)
        return original(value, **kwargs)

    monkeypatch.setattr(retry_module, "parse_retry_after", counting)
    sleeps = Sleeps()
    api = api_factory(
        Recorder(api=lambda r: httpx.Response(429, headers={"Retry-After": "9"})),
        access_token="tok",
        retry=policy(sleeps, max_attempts=1),
    )
    with pytest.raises(RateLimitError) as info:
        await api("get", "x")
    assert info.value.retry_after == 9.0
    assert calls == ["9"]


# -- the token request, retried like a GET ---------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        lambda: httpx.Response(503, text="down"),
        lambda: httpx.Response(429, headers={"Retry-After": "1"}, json={"message": " Rate Limit Exceeded "}),
        lambda: httpx.ConnectError("refused"),
        lambda: httpx.ReadError("reset"),
    ],
    ids=["503", "429", "connect-error", "read-error"],
)
async def test_token_request_is_retried_like_a_get(api_factory: ApiFactory, failure: Any) -> None:
    token = FailFirst(failure(), then=lambda request: token_response())
    sleeps = Sleeps()
    recorder = Recorder(token=token)
    api = api_factory(recorder, retry=policy(sleeps))
    result = await api("create", {"name": "n"})  # a POST: the token request is retried all the same
    assert result.name == INTEGRATION["name"]
    assert len(recorder.token_requests) == 2
    assert len(recorder.api_requests) == 1
    assert len(sleeps) == 1


async def test_token_connection_failure_after_retries_is_typed_and_says_so(api_factory: ApiFactory) -> None:
    def token(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    recorder = Recorder(token=token)
    api = api_factory(recorder)
    with pytest.raises(APIConnectionError) as info:
        await api("get", "x")
    assert len(recorder.token_requests) == 3
    assert info.value.attempts == 3
    assert "after 3 attempts" in str(info.value)
    assert info.value.retried_for == ("token request ConnectError",) * 2


# -- messages: the attempts a call made -------------------------------------------------------------


async def test_error_after_retries_says_how_many_and_why(api_factory: ApiFactory) -> None:
    answers = iter([httpx.Response(503), httpx.Response(502), httpx.Response(503)])
    api = api_factory(Recorder(api=lambda r: next(answers)), access_token="tok")
    with pytest.raises(ServerError) as info:
        await api("get", "x")
    error = info.value
    assert error.attempts == 3
    assert error.retried_for == ("503 Service Unavailable", "502 Bad Gateway")
    assert str(error).endswith("(after 3 attempts; retried for 503 Service Unavailable, 502 Bad Gateway)")


async def test_error_without_retries_stays_as_it_was(api_factory: ApiFactory) -> None:
    """Pins: an error on the first attempt has attempts == 1 and no suffix."""
    api = api_factory(Recorder(api=lambda r: httpx.Response(500)), access_token="tok")
    with pytest.raises(ServerError) as info:
        await api("get", "x")
    assert info.value.attempts == 1 and info.value.retried_for == ()
    assert "attempts" not in str(info.value)


# -- DELETE answered 404 on a retry ---------------------------------------------------------------


@pytest.mark.parametrize("first", ["503", "read-error"])
async def test_retried_delete_answered_404_is_success_with_a_warning(
    api_factory: ApiFactory, first: str, caplog: pytest.LogCaptureFixture
) -> None:
    api_handler = FailFirst(
        httpx.Response(503) if first == "503" else httpx.ReadError("reset"),
        then=lambda request: httpx.Response(
            404, json={"detailCode": "404 Not found", "trackingId": "t-404", "messages": []}
        ),
    )

    caplog.set_level(logging.WARNING, logger="sailpoint_sim")
    api = api_factory(Recorder(api=api_handler), access_token="tok")
    assert await api("delete", "x") is None
    warnings = [
        r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "404" in r.getMessage()
    ]
    assert len(warnings) == 1 and "taken as deleted" in warnings[0] and "t-404" in warnings[0]


@pytest.mark.parametrize("first", ["429", "connect-error"])
async def test_delete_404_after_an_attempt_that_never_reached_the_server_is_not_found(
    api_factory: ApiFactory, first: str
) -> None:
    """A 429 or a failure to connect means the server did nothing: the 404 is real."""
    api_handler = FailFirst(
        httpx.Response(429) if first == "429" else httpx.ConnectError("refused"),
        then=lambda request: httpx.Response(404),
    )

    api = api_factory(Recorder(api=api_handler), access_token="tok")
    with pytest.raises(NotFoundError):
        await api("delete", "x")


async def test_first_delete_answered_404_is_not_found(api_factory: ApiFactory) -> None:
    """Pins: without an earlier attempt, 404 is NotFoundError."""
    api = api_factory(Recorder(api=lambda r: httpx.Response(404)), access_token="tok")
    with pytest.raises(NotFoundError):
        await api("delete", "x")


# -- bounded responses ----------------------------------------------------------------------------


async def test_endless_success_body_stops_at_the_cap(api_factory: ApiFactory, kind: str) -> None:
    pulled = [0]
    api = api_factory(
        Recorder(api=lambda r: httpx.Response(200, content=streamed(kind, endless(), pulled))),
        access_token="tok",
        max_response_bytes=MiB,
    )
    with pytest.raises(ResponseTooLargeError) as info:
        await api("get", "x")
    assert info.value.limit == MiB
    assert "max_response_bytes=1048576" in str(info.value)
    assert MiB < pulled[0] <= MiB + 65536  # reading stopped at the first chunk past the cap


async def test_gzip_bomb_is_capped_after_decompression(api_factory: ApiFactory, kind: str) -> None:
    # 64 MiB of zeros compress to about 64 KiB; the cap counts the inflated bytes.
    bomb = gzip.compress(b"\0" * (64 * MiB), compresslevel=9)
    assert len(bomb) < MiB

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(bomb), 4096):
            yield bomb[start : start + 4096]

    pulled = [0]
    api = api_factory(
        Recorder(
            api=lambda r: httpx.Response(
                200, headers={"Content-Encoding": "gzip"}, content=streamed(kind, chunks(), pulled)
            )
        ),
        access_token="tok",
        max_response_bytes=MiB,
    )
    with pytest.raises(ResponseTooLargeError):
        await api("get", "x")
    assert pulled[0] < len(bomb) // 4  # stopped long before the end of the compressed body


async def test_endless_error_body_is_cut_and_the_status_error_raised(
    api_factory: ApiFactory, kind: str
) -> None:
    pulled = [0]
    api = api_factory(
        Recorder(api=lambda r: httpx.Response(500, content=streamed(kind, endless(), pulled))),
        access_token="tok",
    )
    with pytest.raises(ServerError) as info:
        await api("get", "x")
    assert pulled[0] <= 2 * MiB
    assert len(info.value.body) <= 201


async def test_endless_token_answer_is_capped(api_factory: ApiFactory, kind: str) -> None:
    pulled = [0]
    recorder = Recorder(token=lambda r: httpx.Response(200, content=streamed(kind, endless(), pulled)))
    api = api_factory(recorder, max_response_bytes=MiB)
    with pytest.raises(ResponseTooLargeError) as info:
        await api("get", "x")
    assert info.value.url.endswith("/oauth/token")
    assert pulled[0] <= MiB + 65536
    assert recorder.api_requests == []


async def test_body_within_the_cap_is_read_whole(api_factory: ApiFactory) -> None:
    """Pins: a body of exactly the cap is fine."""
    import json

    body = json.dumps(INTEGRATION).encode()
    api = api_factory(
        Recorder(api=lambda r: httpx.Response(200, content=body)),
        access_token="tok",
        max_response_bytes=len(body),
    )
    assert (await api("get", "x")).name == INTEGRATION["name"]


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "64", None])
def test_max_response_bytes_is_validated(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="max_response_bytes"):
        SimIntegrationsClient(BASE, access_token="tok", max_response_bytes=value)


@pytest.mark.parametrize("value", [0, -1, math.nan, math.inf, True, "5"])
def test_deadline_is_validated(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="deadline"):
        AsyncSimIntegrationsClient(BASE, access_token="tok", deadline=value)


# -- the deadline ---------------------------------------------------------------------------------


def dripping(kind: str, interval: float) -> Any:
    """A body that never ends, one byte every ``interval`` seconds (httpx's per-chunk read timeout never trips)."""

    def sync_body() -> Iterator[bytes]:
        while True:
            time.sleep(interval)
            yield b" "

    async def async_body() -> AsyncIterator[bytes]:
        while True:
            await asyncio.sleep(interval)
            yield b" "

    return sync_body() if kind == "sync" else async_body()


@pytest.mark.parametrize("setting", ["deadline", "timeout"])
async def test_slow_drip_body_is_stopped(api_factory: ApiFactory, kind: str, setting: str) -> None:
    kwargs: dict[str, Any] = {"deadline": 0.5} if setting == "deadline" else {"timeout": 0.5}
    api = api_factory(
        Recorder(api=lambda r: httpx.Response(200, content=dripping(kind, 0.05))),
        access_token="tok",
        **kwargs,
    )
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        await api("get", "x")
    assert time.monotonic() - started < 3.0


async def test_deadline_covers_the_waits_between_attempts(api_factory: ApiFactory) -> None:
    sleeps = Sleeps()
    api = api_factory(
        Recorder(api=lambda r: httpx.Response(503, headers={"Retry-After": "30"})),
        access_token="tok",
        retry=policy(sleeps),
        deadline=10,
    )
    with pytest.raises(ServerError) as info:
        await api("get", "x")
    assert sleeps == []  # a 30 s wait would pass the 10 s deadline: the call ends with the error now
    assert info.value.status_code == 503


async def test_each_attempt_timeout_is_cut_to_the_deadline(api_factory: ApiFactory) -> None:
    recorder = Recorder()
    api = api_factory(recorder, access_token="tok", timeout=30.0, deadline=5.0)
    await api("get", "x")
    sent = recorder.api_requests[0].extensions["timeout"]
    assert all(0 < value <= 5.0 for value in sent.values())


# -- redirects ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [307, 308])
async def test_token_redirect_is_refused_with_a_following_user_client(kind: str, status: int) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url}")
        if request.url.path == "/oauth/token" and request.url.host == "acme.api.identitynow.com":
            return httpx.Response(status, headers={"Location": "https://evil.example/steal"})
        return (
            token_response() if request.url.path.endswith("steal") else httpx.Response(200, json=INTEGRATION)
        )

    transport = httpx.MockTransport(handler)
    if kind == "sync":
        client: Any = SimIntegrationsClient(
            BASE,
            CLIENT_ID,
            CLIENT_SECRET,
            http_client=httpx.Client(transport=transport, follow_redirects=True),
        )
        with pytest.raises(AuthenticationError) as info:
            client.get("x")
    else:
        client = AsyncSimIntegrationsClient(
            BASE,
            CLIENT_ID,
            CLIENT_SECRET,
            http_client=httpx.AsyncClient(transport=transport, follow_redirects=True),
        )
        with pytest.raises(AuthenticationError) as info:
            await client.get("x")
    assert info.value.status_code == status
    assert seen == ["POST https://acme.api.identitynow.com/oauth/token"]  # nothing went to evil.example


@pytest.mark.parametrize("status", [301, 302, 303, 307])
async def test_create_redirect_is_refused_with_a_following_user_client(kind: str, status: int) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.host}")
        if request.url.host == "elsewhere.example":
            return httpx.Response(200, json=INTEGRATION)
        return httpx.Response(status, headers={"Location": "https://elsewhere.example/x"})

    transport = httpx.MockTransport(handler)
    if kind == "sync":
        client: Any = SimIntegrationsClient(
            BASE, access_token="tok", http_client=httpx.Client(transport=transport, follow_redirects=True)
        )
        with pytest.raises(UnexpectedStatusError) as info:
            client.create({"name": "n"})
    else:
        client = AsyncSimIntegrationsClient(
            BASE,
            access_token="tok",
            http_client=httpx.AsyncClient(transport=transport, follow_redirects=True),
        )
        with pytest.raises(UnexpectedStatusError) as info:
            await client.create({"name": "n"})
    assert info.value.status_code == status
    assert "redirect to https://elsewhere.example/x not followed" in str(info.value)
    assert seen == ["POST acme.api.identitynow.com"]


# -- closing --------------------------------------------------------------------------------------


def test_close_during_a_call_ends_it_typed_and_unretried() -> None:
    entered = threading.Event()
    closed = threading.Event()
    calls = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        calls[0] += 1
        entered.set()
        closed.wait(5)
        raise httpx.ReadError("connection closed")  # what a closed pool does to a call in flight

    client = SimIntegrationsClient(
        BASE, access_token="tok", http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            client.get("x")
        except BaseException as exc:  # the test inspects whatever escaped
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    assert entered.wait(5)
    client.close()
    closed.set()
    thread.join(5)
    assert len(outcome) == 1 and type(outcome[0]) is APIConnectionError
    assert "closed" in str(outcome[0])
    assert calls == [1]  # not retried on the closed client
    with pytest.raises(InvalidRequestError, match="closed"):
        client.get("x")


async def test_aclose_during_a_call_ends_it_typed_and_unretried() -> None:
    entered = asyncio.Event()
    release = asyncio.Event()
    calls = [0]

    async def handler(request: httpx.Request) -> httpx.Response:
        calls[0] += 1
        entered.set()
        await release.wait()
        raise httpx.ReadError("connection closed")

    client = AsyncSimIntegrationsClient(
        BASE, access_token="tok", http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler))
    )
    task = asyncio.create_task(client.get("x"))
    await entered.wait()
    await client.aclose()
    release.set()
    with pytest.raises(APIConnectionError, match="closed"):
        await task
    assert calls == [1]
    with pytest.raises(InvalidRequestError, match="closed"):
        await client.get("x")


# -- logs: tracking ids and TRACE -------------------------------------------------------------------


async def test_retry_warning_carries_the_tracking_id_header(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    answers = iter(
        [httpx.Response(503, headers={"SLPT-Request-ID": "req-77"}), httpx.Response(200, json=INTEGRATION)]
    )
    caplog.set_level(logging.DEBUG, logger="sailpoint_sim")
    api = api_factory(Recorder(api=lambda r: next(answers)), access_token="tok")
    await api("get", "x")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "trackingId req-77" in warnings[0].getMessage()
    assert getattr(warnings[0], "tracking_id", None) == "req-77"


async def test_trace_level_shows_requests_and_responses_with_secrets_masked(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(TRACE, logger="sailpoint_sim")
    api = api_factory(
        Recorder(api=lambda r: httpx.Response(200, json=INTEGRATION, headers={"X-Echo": ACCESS_TOKEN}))
    )
    await api("update", "x", {"name": "n", "description": "traced"})
    traces = [r.getMessage() for r in caplog.records if r.levelno == TRACE]
    assert logging.getLevelName(TRACE) == "TRACE"
    joined = "\n".join(traces)
    assert "> PUT https://acme.api.identitynow.com/v2025/sim-integrations/x" in joined
    assert "X-SailPoint-Experimental: true" in joined.replace(
        "x-sailpoint-experimental", "X-SailPoint-Experimental"
    )
    assert '"description": "traced"' in joined or '"description":"traced"' in joined
    assert "< 200 OK" in joined and INTEGRATION["name"] in joined
    assert "> POST https://acme.api.identitynow.com/oauth/token" in joined  # the token request too
    assert ACCESS_TOKEN not in joined and CLIENT_SECRET not in joined
    assert "***" in joined


# -- the two send paths (issue 14) ----------------------------------------------------------------


@pytest.mark.parametrize("cls", [SimIntegrationsClient, AsyncSimIntegrationsClient])
def test_own_client_sends_through_the_transport_unless_a_proxy_is_configured(
    cls: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert cls(BASE, access_token="tok")._transport is not None
    # httpx.Client mounts a proxy transport for this; only its own send() routes through it.
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert cls(BASE, access_token="tok")._transport is None


async def test_a_given_client_keeps_its_hooks(api_factory: ApiFactory, kind: str) -> None:
    seen: list[str] = []

    def hook(request: httpx.Request) -> None:
        seen.append(f"{request.method} {request.url.path}")

    async def async_hook(request: httpx.Request) -> None:
        hook(request)

    recorder = Recorder()
    transport = httpx.MockTransport(recorder)
    if kind == "sync":
        client: Any = SimIntegrationsClient(
            BASE,
            CLIENT_ID,
            CLIENT_SECRET,
            http_client=httpx.Client(transport=transport, event_hooks={"request": [hook]}),
        )
        client.get("x")
    else:
        client = AsyncSimIntegrationsClient(
            BASE,
            CLIENT_ID,
            CLIENT_SECRET,
            http_client=httpx.AsyncClient(transport=transport, event_hooks={"request": [async_hook]}),
        )
        await client.get("x")
    assert client._transport is None
    assert seen == ["POST /oauth/token", "GET /v2025/sim-integrations/x"]


@pytest.mark.parametrize("cls", [SimIntegrationsClient, AsyncSimIntegrationsClient])
def test_both_paths_build_the_same_request(cls: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import sailpoint_sim._send

    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    direct = cls(BASE, access_token="tok", timeout=12.5, user_agent="ua/1")
    monkeypatch.setattr(sailpoint_sim._send, "DIRECT_TRANSPORT", False)
    through_httpx = cls(BASE, access_token="tok", timeout=12.5, user_agent="ua/1")
    assert direct._transport is not None and through_httpx._transport is None
    builds: list[Callable[[Any], Any]] = [
        lambda c: c._prepare_list(),
        lambda c: c._prepare_get("a b/c"),
        lambda c: c._prepare_create({"name": "n", "attributes": {"k": [1, None]}}),
        lambda c: c._prepare_update("x", {"name": "n"}),
        lambda c: c._prepare_patch("x", [{"op": "remove", "path": "/a"}], rule=True),
        lambda c: c._prepare_delete("x"),
    ]
    for build in builds:
        ours, theirs = build(direct).request, build(through_httpx).request
        assert (ours.method, ours.url, ours.content) == (theirs.method, theirs.url, theirs.content)
        assert ours.headers.raw == theirs.headers.raw
        assert ours.extensions["timeout"] == theirs.extensions["timeout"]
