"""Pacing to the rate limit in both clients, on a hand-driven clock (no real time passes).

Every wait goes through the RetryPolicy's sleep functions, which here move the clock that the client's
pacer (and the test's transport) read.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from sailpoint_sim import (
    DEFAULT_RATE_LIMIT,
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    RateLimit,
    RateLimitError,
    RetryPolicy,
    SimIntegrationsClient,
)
from sailpoint_sim._ratelimit import Pacer

from .helpers import BASE, CLIENT_ID, CLIENT_SECRET, INTEGRATION, TOKEN_URL, ApiFactory, Recorder


class Time:
    """One clock for the pacer, the transport and the sleeps: a sleep moves it forward."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []
        # Run once inside the next sleep (another caller acting while this one waits).
        self.during_next_sleep: Callable[[], Awaitable[None]] | None = None

    def __call__(self) -> float:
        return self.now

    def _advance_to(self, until: float, seconds: float) -> None:
        # A hook may have moved the clock while this caller slept (both waits ran at once).
        self.slept.append(seconds)
        self.now = max(self.now, until)

    def sleep(self, seconds: float) -> None:
        until = self.now + seconds
        hook, self.during_next_sleep = self.during_next_sleep, None
        if hook is not None:
            _run_at_once(hook())
        self._advance_to(until, seconds)

    async def async_sleep(self, seconds: float) -> None:
        until = self.now + seconds
        hook, self.during_next_sleep = self.during_next_sleep, None
        if hook is not None:
            await hook()
        self._advance_to(until, seconds)


def _run_at_once(coroutine: Awaitable[None]) -> None:
    # With the sync client every await in a hook completes at once (api(...) calls the sync method).
    try:
        coroutine.send(None)  # type: ignore[attr-defined]
    except StopIteration:
        return
    raise AssertionError("the hook awaited something that did not complete")  # pragma: no cover


class Tenant:
    """A transport handler that notes the clock time of every API request it receives."""

    def __init__(self, clock: Time, answers: list[httpx.Response] | None = None) -> None:
        self.clock = clock
        self.answers = answers or []
        self.sent_at: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent_at.append(self.clock.now)
        if self.answers:
            return self.answers.pop(0)
        return httpx.Response(200, json=INTEGRATION)

    def most_in_any_window(self, per: float) -> int:
        times = self.sent_at
        return max((sum(1 for t in times if start <= t < start + per) for start in times), default=0)


def paced(
    api_factory: ApiFactory, limit: RateLimit | None, answers: list[httpx.Response] | None = None, **kw: Any
) -> tuple[Any, Time, Tenant]:
    clock = Time()
    tenant = Tenant(clock, answers)
    kw.setdefault("retry", RetryPolicy(sleep=clock.sleep, async_sleep=clock.async_sleep, jitter=False))
    api = api_factory(Recorder(api=tenant), rate_limit=limit, **kw)
    if limit is not None:
        # The client's pacer on the test's clock.
        api.client._pacer = Pacer(limit, clock=clock)
    return api, clock, tenant


async def test_a_bulk_job_waits_its_turn_instead_of_drawing_429s(api_factory: ApiFactory) -> None:
    limit = RateLimit(5, 1.0)
    api, _clock, tenant = paced(api_factory, limit)
    for n in range(12):
        await api("get", f"id-{n}")
    assert len(tenant.sent_at) == 12
    assert tenant.most_in_any_window(1.0) == 5
    # Five at once, five a window (and 2% margin) later, two a window after that.
    assert tenant.sent_at[0] == tenant.sent_at[4]
    assert tenant.sent_at[5] - tenant.sent_at[0] == pytest.approx(1.02)
    assert tenant.sent_at[10] - tenant.sent_at[5] == pytest.approx(1.02)


async def test_default_is_sailpoints_limit(api_factory: ApiFactory) -> None:
    api = api_factory(Recorder())
    assert api.client.rate_limit == DEFAULT_RATE_LIMIT


async def test_rate_limit_none_never_waits(api_factory: ApiFactory) -> None:
    api, clock, tenant = paced(api_factory, None)
    assert api.client.rate_limit is None
    for n in range(250):
        await api("get", f"id-{n}")
    assert clock.slept == []
    assert len(tenant.sent_at) == 250


async def test_a_429_holds_every_call_of_the_client_until_retry_after(api_factory: ApiFactory) -> None:
    # Call A draws a 429 with Retry-After: 3 (another process used the token's budget). While A waits to
    # retry, call B starts: it must wait for the same 3 s instead of drawing its own 429.
    too_many = httpx.Response(429, json={"message": " Rate Limit Exceeded "}, headers={"Retry-After": "3"})
    api, clock, tenant = paced(api_factory, RateLimit(100, 10.0), answers=[too_many])
    started = clock.now

    async def call_b() -> None:
        await api("get", "b")

    clock.during_next_sleep = call_b
    await api("get", "a")
    # A's first request, then B's (after the hold), then A's retry.
    assert tenant.sent_at == [started, started + 3.0, started + 3.0]
    assert clock.slept == [3.0, 3.0]


async def test_a_final_429_still_holds_the_other_calls(api_factory: ApiFactory) -> None:
    too_many = httpx.Response(429, json={"message": " Rate Limit Exceeded "}, headers={"Retry-After": "4"})
    api, clock, tenant = paced(
        api_factory,
        RateLimit(100, 10.0),
        answers=[too_many],
        retry=None,
        max_retries=0,
    )
    api.client.retry.sleep = clock.sleep
    api.client.retry.async_sleep = clock.async_sleep
    with pytest.raises(RateLimitError):
        await api("get", "a")
    started = clock.now
    await api("get", "b")
    assert tenant.sent_at[1] == started + 4.0


async def test_a_new_token_starts_a_new_budget(api_factory: ApiFactory) -> None:
    from sailpoint_sim import ClientCredentialsAuth

    # A window longer than the token's life: without a fresh budget, calls 3 and 4 would wait.
    limit = RateLimit(2, 1000.0)
    api, clock, _tenant = paced(api_factory, limit, deadline=None)
    api.client.auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, TOKEN_URL, clock=clock)
    await api("get", "1")
    await api("get", "2")
    clock.now += 749  # the token is due for renewal: the next call carries a new one
    before = list(clock.slept)
    await api("get", "3")
    await api("get", "4")
    assert clock.slept == before  # a fresh budget: no wait
    await api("get", "5")
    assert clock.slept[-1] == pytest.approx(1000.25)


async def test_pacing_waits_count_toward_the_deadline(api_factory: ApiFactory) -> None:
    api, clock, tenant = paced(api_factory, RateLimit(1, 10.0), deadline=5.0)
    await api("get", "1")
    with pytest.raises(APITimeoutError, match="deadline"):
        await api("get", "2")  # would have to wait 10.2 s for its turn
    assert clock.slept == []
    assert len(tenant.sent_at) == 1


async def test_pacing_waits_are_logged_at_debug(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    api, _clock, _tenant = paced(api_factory, RateLimit(1, 2.0))
    with caplog.at_level(logging.DEBUG, logger="sailpoint_sim"):
        await api("get", "1")
        await api("get", "2")
    [record] = [r for r in caplog.records if "rate limit" in r.getMessage()]
    assert record.levelno == logging.DEBUG
    assert "2.04 s" in record.getMessage() and "1 per 2 s" in record.getMessage()


@pytest.mark.parametrize("bad", ["100/10", 100, (100, 10.0), RateLimit, True, 0])
def test_a_rate_limit_that_is_not_a_rate_limit_is_refused(bad: Any) -> None:
    with pytest.raises(ConfigurationError, match="rate_limit"):
        SimIntegrationsClient(BASE, access_token="t", rate_limit=bad)


def test_from_env_takes_rate_limit_as_an_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAIL_BASE_URL", BASE)
    monkeypatch.setenv("SAIL_ACCESS_TOKEN", "t")
    monkeypatch.delenv("SAIL_CLIENT_ID", raising=False)
    monkeypatch.delenv("SAIL_CLIENT_SECRET", raising=False)
    assert SimIntegrationsClient.from_env().rate_limit == DEFAULT_RATE_LIMIT
    assert SimIntegrationsClient.from_env(rate_limit=None).rate_limit is None
    assert SimIntegrationsClient.from_env(rate_limit=RateLimit(5, 1)).rate_limit == RateLimit(5, 1.0)


async def test_a_wait_shorter_than_a_second_is_waited_too(api_factory: ApiFactory) -> None:
    # Waits under a second are the common case with a fast tenant: the second call still goes a
    # window (and 2% margin) after the first, not at once.
    api, clock, tenant = paced(api_factory, RateLimit(1, 0.5))
    await api("get", "1")
    await api("get", "2")
    assert clock.slept == [pytest.approx(0.51)]
    assert tenant.sent_at[1] - tenant.sent_at[0] == pytest.approx(0.51)


async def test_closing_the_client_ends_a_call_waiting_for_its_turn(api_factory: ApiFactory) -> None:
    # Closed while the call waits for the rate limit: it ends with the closed-client error naming the
    # call, and is never sent.
    api, clock, tenant = paced(api_factory, RateLimit(1, 10.0))
    await api("get", "1")

    async def close() -> None:
        api.client._closed = True  # what close()/aclose() set first, without closing the test's transport

    clock.during_next_sleep = close
    with pytest.raises(APIConnectionError, match=r"closed during GET .*/sim-integrations/2;") as raised:
        await api("get", "2")
    assert raised.value.method == "GET"
    assert len(tenant.sent_at) == 1


async def test_a_call_that_gives_up_waiting_frees_its_place(api_factory: ApiFactory) -> None:
    # Call 2 cannot wait 10.2 s within its 5 s deadline and is never sent. Its reserved place must not
    # stay "sent and unanswered" for ever: once the window after that place has passed, call 3 goes at
    # once (rather than waiting for an answer that will never come until its own deadline ends it).
    api, clock, tenant = paced(api_factory, RateLimit(1, 10.0), deadline=5.0)
    await api("get", "1")
    with pytest.raises(APITimeoutError):
        await api("get", "2")
    clock.now += 30.0
    await api("get", "3")
    assert clock.slept == []
    assert tenant.sent_at == [1000.0, 1030.0]
