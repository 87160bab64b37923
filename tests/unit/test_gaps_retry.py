"""RetryPolicy defaults and limits found untested by mutation testing (issue 15)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from sailpoint_sim import ConfigurationError, RetryPolicy, _retry


def test_documented_defaults() -> None:
    policy = RetryPolicy()
    assert policy.max_attempts == 3 and policy.max_retries == 2
    assert (policy.backoff_initial, policy.backoff_max, policy.retry_after_max) == (0.5, 8.0, 60.0)
    assert policy.jitter is True
    assert policy.sleep is time.sleep
    assert policy.clock is time.time
    assert repr(policy) == (
        "RetryPolicy(max_attempts=3, backoff_initial=0.5, backoff_max=8.0, retry_after_max=60.0, jitter=True)"
    )


def test_default_jitter_draws_from_random_and_shortens_by_at_most_a_quarter() -> None:
    policy = RetryPolicy()
    for _ in range(50):
        assert 0.375 <= policy.backoff(1) <= 0.5
    assert 0.0 <= policy.random() < 1.0


@pytest.mark.parametrize(("draw", "expected"), [(0.0, 2.0), (0.5, 1.75), (0.999, 1.5005)])
def test_jitter_takes_up_to_a_quarter_off(draw: float, expected: float) -> None:
    policy = RetryPolicy(backoff_initial=1.0, random=lambda: draw)
    assert policy.backoff(2) == pytest.approx(expected)


def test_backoff_doubles_then_caps() -> None:
    policy = RetryPolicy(backoff_initial=0.5, backoff_max=3.0, jitter=False)
    assert [policy.backoff(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_max_retries_is_max_attempts_minus_one() -> None:
    assert RetryPolicy(max_retries=0).max_attempts == 1
    assert RetryPolicy(max_retries=4).max_attempts == 5
    assert RetryPolicy(max_attempts=4, max_retries=3).max_attempts == 4
    assert RetryPolicy(max_attempts=1).max_retries == 0


def test_contradicting_max_attempts_and_max_retries_are_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"^give max_attempts or max_retries, not both$"):
        RetryPolicy(max_attempts=3, max_retries=3)


@pytest.mark.parametrize("bad", [0, -1, True, False, "3", 2.0, None])
def test_bad_max_attempts_are_refused(bad: Any) -> None:
    if bad is None:
        bad_kwargs: dict[str, Any] = {"max_retries": -1}
    else:
        bad_kwargs = {"max_attempts": bad}
    with pytest.raises(ConfigurationError, match=r"^max_attempts must be an int >= 1 \(max_retries >= 0\)$"):
        RetryPolicy(**bad_kwargs)


@pytest.mark.parametrize("name", ["backoff_initial", "backoff_max", "retry_after_max"])
@pytest.mark.parametrize("bad", [-0.001, -1, True, False, "1", None, float("nan")])
def test_bad_numbers_are_refused_by_name(name: str, bad: Any) -> None:
    with pytest.raises(ConfigurationError, match=rf"^{name} must be a number >= 0$"):
        RetryPolicy(**{name: bad})


@pytest.mark.parametrize("name", ["backoff_initial", "backoff_max", "retry_after_max"])
def test_zero_and_ints_are_accepted_and_stored_as_floats(name: str) -> None:
    zero: dict[str, Any] = {name: 0}
    two: dict[str, Any] = {name: 2}
    assert getattr(RetryPolicy(**zero), name) == 0.0
    stored = getattr(RetryPolicy(**two), name)
    assert stored == 2.0 and isinstance(stored, float)


def test_the_real_asyncio_sleep_path_yields_to_the_event_loop() -> None:
    policy = RetryPolicy()
    assert policy.async_sleep is _retry._asyncio_sleep

    async def run() -> list[str]:
        order: list[str] = []

        async def other() -> None:
            order.append("other task ran")

        task = asyncio.create_task(other())
        result = await policy.async_sleep(0)  # a real asyncio.sleep(0) lets the other task run
        order.append(f"slept, returned {result!r}")
        await task
        return order

    assert asyncio.run(run()) == ["other task ran", "slept, returned None"]


# -- the success verdict, pinned by mutation testing ---------------------------------------------------
@pytest.mark.parametrize("status", [200, 204, 299])
def test_a_success_is_a_stop_with_no_reason_that_reached_the_server(status: int) -> None:
    verdict = RetryPolicy().decide(1, "POST", httpx.Response(status, headers={"Retry-After": "1"}))
    assert (verdict.delay, verdict.reason, verdict.retry_after) == (None, "", None)
    assert verdict.reached is True and verdict.too_long is False


def test_a_300_is_not_a_success_and_not_retried() -> None:
    verdict = RetryPolicy().decide(1, "GET", httpx.Response(300))
    assert (verdict.delay, verdict.reason, verdict.reached) == (None, "300 Multiple Choices", True)


def test_a_503_http_date_retry_after_is_read_on_the_policys_clock() -> None:
    from email.utils import formatdate

    start = 1_000_000_000.0  # any instant: the policy's injected clock, not the wall clock, is "now"
    policy = RetryPolicy(clock=lambda: start, jitter=False)
    response = httpx.Response(503, headers={"Retry-After": formatdate(start + 5, usegmt=True)})
    verdict = policy.decide(1, "GET", response)
    assert (verdict.delay, verdict.retry_after, verdict.reached) == (5.0, 5.0, True)


@pytest.mark.parametrize("status", [400, 500, 418])
def test_a_status_never_retried_stops_and_may_have_reached_the_server(status: int) -> None:
    verdict = RetryPolicy().decide(1, "GET", httpx.Response(status))
    assert (verdict.delay, verdict.reached, verdict.too_long) == (None, True, False)


@pytest.mark.parametrize("error", [ValueError("boom"), httpx.DecodingError("bad gzip")])
def test_another_exception_is_never_retried_and_may_have_reached_the_server(error: Exception) -> None:
    verdict = RetryPolicy().decide(1, "GET", error)
    assert (verdict.delay, verdict.reason, verdict.reached) == (None, type(error).__name__, True)


def _429(after: str) -> httpx.Response:
    return httpx.Response(429, headers={"Retry-After": after})


def test_a_retry_after_up_to_the_maximum_is_slept_and_past_it_ends_the_call() -> None:
    policy = RetryPolicy(retry_after_max=10, jitter=False)
    at_max = policy.decide(1, "POST", _429("10"))
    assert (at_max.delay, at_max.too_long) == (10.0, False)
    past = policy.decide(1, "POST", _429("11"))
    assert (past.delay, past.retry_after, past.too_long) == (None, 11.0, True)
    assert (past.reason, past.reached) == ("429 Too Many Requests", False)


def test_no_wait_is_longer_than_a_day_whatever_retry_after_max_says() -> None:
    policy = RetryPolicy(retry_after_max=1e9, jitter=False)
    assert policy.decide(1, "GET", _429("86400")).delay == 86400.0
    beyond = policy.decide(1, "GET", _429("86401"))
    assert (beyond.delay, beyond.too_long) == (None, True)


def test_the_last_attempt_stops_saying_whether_it_reached_the_server() -> None:
    verdict = RetryPolicy(max_attempts=3).decide(3, "GET", httpx.Response(503))
    assert (verdict.delay, verdict.reached, verdict.too_long) == (None, True, False)


def test_a_wait_up_to_the_time_left_is_taken_and_a_longer_one_stops_the_call() -> None:
    policy = RetryPolicy(backoff_initial=0.5, jitter=False)
    fits = policy.decide(1, "GET", httpx.ConnectError("refused"), time_left=0.5)
    assert (fits.delay, fits.too_long) == (0.5, False)
    late = policy.decide(1, "GET", httpx.ConnectError("refused"), time_left=0.4)
    assert (late.delay, late.too_long, late.reached, late.reason) == (None, True, False, "ConnectError")


def test_a_retry_after_past_the_deadline_stops_and_keeps_the_servers_value() -> None:
    verdict = RetryPolicy(jitter=False).decide(1, "GET", _429("5"), time_left=1.0)
    assert (verdict.delay, verdict.retry_after, verdict.too_long) == (None, 5.0, True)


@pytest.mark.parametrize(
    ("method", "outcome", "expected"),
    [
        ("POST", _429("2"), (2.0, "429 Too Many Requests", 2.0, False)),
        ("GET", httpx.Response(503), (0.5, "503 Service Unavailable", None, True)),
        ("GET", httpx.ReadError("reset"), (0.5, "ReadError", None, True)),
        ("POST", httpx.ConnectError("refused"), (0.5, "ConnectError", None, False)),
        ("POST", httpx.ReadError("reset"), (None, "ReadError", None, True)),
    ],
)
def test_each_verdict_says_how_long_why_and_whether_the_server_was_reached(
    method: str, outcome: httpx.Response | Exception, expected: tuple[Any, ...]
) -> None:
    # The send loop logs the reason, keeps it in `retried_for`, and trusts `reached` for DELETE's 404.
    verdict = RetryPolicy(jitter=False).decide(1, method, outcome)
    assert (verdict.delay, verdict.reason, verdict.retry_after, verdict.reached) == expected
    assert verdict.too_long is False
