"""The retry table on both clients, Retry-After in both forms, caps, backoff and jitter; no real sleeping."""

from __future__ import annotations

import email.utils
from typing import Any

import httpx
import pytest

from sailpoint_sim import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    RateLimitError,
    RetryPolicy,
    ServerError,
)
from sailpoint_sim._retry import parse_retry_after

from .helpers import INTEGRATION, ApiFactory, FailFirst, Recorder, Sleeps, policy

# method name -> (args, HTTP method)
CALLS: dict[str, tuple[tuple[Any, ...], str]] = {
    "list": ((), "GET"),
    "get": (("x",), "GET"),
    "create": (({"name": "n"},), "POST"),
    "update": (("x", {"name": "n"}), "PUT"),
    "patch": (("x", [{"op": "remove", "path": "/a"}]), "PATCH"),
    "patch_before_provisioning_rule": (("x", [{"op": "remove", "path": "/a"}]), "PATCH"),
    "delete": (("x",), "DELETE"),
}
IDEMPOTENT = {"list", "get", "update", "delete"}


def _success(request: httpx.Request) -> httpx.Response:
    if request.method == "DELETE":
        return httpx.Response(204)
    if request.url.path.endswith("/sim-integrations") and request.method == "GET":
        return httpx.Response(200, json=[INTEGRATION])
    return httpx.Response(200, json=INTEGRATION)


class Flaky(FailFirst):
    """Answer ``failures`` (responses or exceptions) first, then succeed."""

    def __init__(self, *failures: httpx.Response | Exception) -> None:
        super().__init__(*failures, then=_success)


@pytest.mark.parametrize("name", list(CALLS))
async def test_429_is_retried_for_every_method_after_retry_after(api_factory: ApiFactory, name: str) -> None:
    sleeps = Sleeps()
    flaky = Flaky(httpx.Response(429, json={"message": "Rate Limit Exceeded"}, headers={"Retry-After": "3"}))
    api = api_factory(Recorder(api=flaky), access_token="tok", retry=policy(sleeps))
    args, _ = CALLS[name]
    await api(name, *args)
    assert flaky.calls == 2
    assert sleeps == [3.0]


async def retried_once_only_if_idempotent(
    api_factory: ApiFactory, name: str, failure: httpx.Response | Exception, error_class: type[Exception]
) -> BaseException | None:
    """Call ``name`` against one ``failure`` and then success: an idempotent call is retried once, after
    0.5 s, and succeeds (None); any other gives up at once, raising ``error_class`` (returned)."""
    sleeps = Sleeps()
    flaky = Flaky(failure)
    api = api_factory(Recorder(api=flaky), access_token="tok", retry=policy(sleeps))
    args, _ = CALLS[name]
    if name in IDEMPOTENT:
        await api(name, *args)
        assert flaky.calls == 2
        assert sleeps == [0.5]
        return None
    with pytest.raises(error_class) as info:
        await api(name, *args)
    assert flaky.calls == 1
    assert sleeps == []
    return info.value


@pytest.mark.parametrize("status", [502, 503, 504])
@pytest.mark.parametrize("name", list(CALLS))
async def test_gateway_errors_retried_only_for_idempotent_methods(
    api_factory: ApiFactory, name: str, status: int
) -> None:
    error = await retried_once_only_if_idempotent(
        api_factory, name, httpx.Response(status, text="bad gateway"), ServerError
    )
    if error is not None:
        assert isinstance(error, ServerError) and error.status_code == status


@pytest.mark.parametrize("name", list(CALLS))
async def test_500_is_never_retried(api_factory: ApiFactory, name: str) -> None:
    sleeps = Sleeps()
    flaky = Flaky(httpx.Response(500, json={"detailCode": "500.0 Internal Fault"}))
    api = api_factory(Recorder(api=flaky), access_token="tok", retry=policy(sleeps))
    args, _ = CALLS[name]
    with pytest.raises(ServerError):
        await api(name, *args)
    assert flaky.calls == 1
    assert sleeps == []


@pytest.mark.parametrize(
    "exc",
    [httpx.ConnectError("refused"), httpx.ConnectTimeout("connect timeout"), httpx.PoolTimeout("pool")],
    ids=["ConnectError", "ConnectTimeout", "PoolTimeout"],
)
@pytest.mark.parametrize("name", list(CALLS))
async def test_not_sent_errors_retried_for_every_method(
    api_factory: ApiFactory, name: str, exc: Exception
) -> None:
    sleeps = Sleeps()
    flaky = Flaky(exc)
    api = api_factory(Recorder(api=flaky), access_token="tok", retry=policy(sleeps))
    args, _ = CALLS[name]
    await api(name, *args)
    assert flaky.calls == 2
    assert sleeps == [0.5]


@pytest.mark.parametrize(
    ("exc", "error_class"),
    [
        (httpx.ReadError("reset"), APIConnectionError),
        (httpx.ReadTimeout("read timeout"), APITimeoutError),
        (httpx.WriteError("broken pipe"), APIConnectionError),
        (httpx.RemoteProtocolError("disconnected"), APIConnectionError),
    ],
    ids=["ReadError", "ReadTimeout", "WriteError", "RemoteProtocolError"],
)
@pytest.mark.parametrize("name", list(CALLS))
async def test_maybe_sent_errors_retried_only_for_idempotent(
    api_factory: ApiFactory, name: str, exc: Exception, error_class: type[Exception]
) -> None:
    await retried_once_only_if_idempotent(api_factory, name, exc, error_class)


async def test_exponential_backoff_then_give_up(api_factory: ApiFactory) -> None:
    sleeps = Sleeps()
    flaky = Flaky(*[httpx.Response(503) for _ in range(10)])
    api = api_factory(
        Recorder(api=flaky), access_token="tok", retry=policy(sleeps, max_attempts=6, backoff_max=3.0)
    )
    with pytest.raises(ServerError):
        await api("get", "x")
    assert flaky.calls == 6
    assert sleeps == [0.5, 1.0, 2.0, 3.0, 3.0]


async def test_jitter_shortens_by_at_most_a_quarter(api_factory: ApiFactory) -> None:
    sleeps = Sleeps()
    draws = iter([0.0, 0.5, 0.999])
    flaky = Flaky(*[httpx.Response(503) for _ in range(3)])
    retry = policy(sleeps, max_attempts=4, jitter=True, random=lambda: next(draws))
    api = api_factory(Recorder(api=flaky), access_token="tok", retry=retry)
    await api("get", "x")
    assert sleeps == pytest.approx([0.5, 1.0 * 0.875, 2.0 * (1 - 0.25 * 0.999)])


async def test_retry_after_http_date(api_factory: ApiFactory) -> None:
    sleeps = Sleeps()
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 12, usegmt=True)
    flaky = Flaky(httpx.Response(429, headers={"Retry-After": date}))
    api = api_factory(Recorder(api=flaky), access_token="tok", retry=policy(sleeps, clock=lambda: now))
    await api("create", {"name": "n"})
    assert list(sleeps) == [pytest.approx(12.0)]


async def test_retry_after_above_cap_raises_rate_limit_without_sleeping(api_factory: ApiFactory) -> None:
    sleeps = Sleeps()
    flaky = Flaky(
        httpx.Response(429, json={"message": "Rate Limit Exceeded"}, headers={"Retry-After": "3600"})
    )
    api = api_factory(Recorder(api=flaky), access_token="tok", retry=policy(sleeps, retry_after_max=60))
    with pytest.raises(RateLimitError) as info:
        await api("get", "x")
    assert info.value.retry_after == 3600.0
    assert flaky.calls == 1
    assert sleeps == []


async def test_429_without_retry_after_uses_backoff_and_gives_up(api_factory: ApiFactory) -> None:
    sleeps = Sleeps()
    flaky = Flaky(*[httpx.Response(429, json={"message": "slow down"}) for _ in range(5)])
    api = api_factory(Recorder(api=flaky), access_token="tok", retry=policy(sleeps))
    with pytest.raises(RateLimitError) as info:
        await api("patch", "x", [{"op": "remove", "path": "/a"}])
    assert info.value.retry_after is None
    assert flaky.calls == 3
    assert sleeps == [0.5, 1.0]


async def test_503_retry_after_is_honoured(api_factory: ApiFactory) -> None:
    sleeps = Sleeps()
    flaky = Flaky(httpx.Response(503, headers={"Retry-After": "2"}))
    api = api_factory(Recorder(api=flaky), access_token="tok", retry=policy(sleeps))
    await api("delete", "x")
    assert sleeps == [2.0]


async def test_max_retries_zero_disables_retries(api_factory: ApiFactory) -> None:
    flaky = Flaky(httpx.Response(503))
    api = api_factory(Recorder(api=flaky), access_token="tok", max_retries=0)
    with pytest.raises(ServerError):
        await api("get", "x")
    assert flaky.calls == 1


async def test_connect_errors_exhaust_attempts(api_factory: ApiFactory) -> None:
    sleeps = Sleeps()
    flaky = Flaky(*[httpx.ConnectError("refused") for _ in range(5)])
    api = api_factory(Recorder(api=flaky), access_token="tok", retry=policy(sleeps, max_attempts=3))
    with pytest.raises(APIConnectionError):
        await api("create", {"name": "n"})
    assert flaky.calls == 3
    assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0.0),
        ("5", 5.0),
        ("1.5", 1.5),
        (" 7 ", 7.0),
        ("-3", 0.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: retry now
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=lambda: 1_700_000_000.0) == expected


def test_parse_retry_after_future_date() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after(email.utils.formatdate(now + 30, usegmt=True), now=lambda: now) == pytest.approx(
        30
    )


def test_policy_settings() -> None:
    assert RetryPolicy().max_attempts == 3
    assert RetryPolicy(max_retries=5).max_attempts == 6
    assert RetryPolicy(max_attempts=1).max_retries == 0
    assert RetryPolicy(max_attempts=4, max_retries=3).max_attempts == 4
    for bad in (
        {"max_attempts": 0},
        {"max_retries": -1},
        {"max_attempts": 2, "max_retries": 5},
        {"backoff_initial": -1},
        {"retry_after_max": float("nan")},
        {"max_attempts": True},
    ):
        with pytest.raises(ConfigurationError):
            RetryPolicy(**bad)


def test_retry_and_max_retries_conflict() -> None:
    from sailpoint_sim import SimIntegrationsClient

    with pytest.raises(ConfigurationError, match="not both"):
        SimIntegrationsClient("https://t.example.com", access_token="t", retry=RetryPolicy(), max_retries=1)
