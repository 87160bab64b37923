"""RateLimit (the value) and Pacer (the sliding window of reserved send times), on a hand-driven clock."""

from __future__ import annotations

import math
import threading
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sailpoint_sim import DEFAULT_RATE_LIMIT, ConfigurationError, RateLimit
from sailpoint_sim._ratelimit import LONGEST_WINDOW, Pacer
from tests.support.threads import run_in_threads


class Clock:
    """Monotonic seconds that move only when the test says."""

    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


# -- RateLimit ---------------------------------------------------------------------------------------


def test_default_is_sailpoints_documented_limit() -> None:
    assert RateLimit() == DEFAULT_RATE_LIMIT == RateLimit(100, 10.0) == RateLimit(requests=100, per=10)
    assert (DEFAULT_RATE_LIMIT.requests, DEFAULT_RATE_LIMIT.per) == (100, 10.0)
    assert isinstance(RateLimit(5, 2).per, float)
    assert repr(DEFAULT_RATE_LIMIT) == "RateLimit(requests=100, per=10.0)"
    assert str(DEFAULT_RATE_LIMIT) == "100 per 10 s"
    assert hash(RateLimit(5, 2)) == hash(RateLimit(5, 2.0))


def test_rate_limit_is_frozen() -> None:
    limit = RateLimit(5, 1.0)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        limit.requests = 6  # type: ignore[misc]


@pytest.mark.parametrize(
    ("requests", "per"),
    [
        (0, 10.0),
        (-1, 10.0),
        (1.5, 10.0),
        (True, 10.0),
        ("100", 10.0),
        (None, 10.0),
        (10**7, 10.0),
        (100, 0),
        (100, -1.0),
        (100, True),
        (100, "10"),
        (100, None),
        (100, math.nan),
        (100, math.inf),
        (100, -math.inf),
        (100, 10**400),
        (100, LONGEST_WINDOW + 1),
    ],
)
def test_bad_numbers_are_a_configuration_error(requests: Any, per: Any) -> None:
    with pytest.raises(ConfigurationError, match=r"RateLimit (requests|per)"):
        RateLimit(requests, per)


# -- Pacer -------------------------------------------------------------------------------------------


def test_a_window_lets_n_requests_go_at_once_then_spaces_the_rest() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(3, 1.0), clock=clock)
    waits = [pacer.reserve(1) for _ in range(7)]
    margin = 0.02  # 2% of the window
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3:6] == pytest.approx([1 + margin] * 3)
    assert waits[6] == pytest.approx(2 * (1 + margin))


def test_a_window_forgets_requests_older_than_per() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(2, 10.0), clock=clock)
    assert [pacer.reserve(1), pacer.reserve(1)] == [0.0, 0.0]
    clock.now += 11.0
    assert [pacer.reserve(1), pacer.reserve(1)] == [0.0, 0.0]
    assert pacer.reserve(1) == pytest.approx(10.2)


def test_margin_is_at_most_a_quarter_second() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(1, 100.0), clock=clock)
    assert pacer.reserve(1) == 0.0
    assert pacer.reserve(1) == pytest.approx(100.25)


def test_a_new_token_starts_a_new_budget() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(2, 10.0), clock=clock)
    assert [pacer.reserve("token-1"), pacer.reserve("token-1")] == [0.0, 0.0]
    assert pacer.reserve("token-1") > 0
    assert [pacer.reserve("token-2"), pacer.reserve("token-2")] == [0.0, 0.0]


def test_a_hold_delays_every_reservation_until_it_ends() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(100, 10.0), clock=clock)
    pacer.hold(3.0)
    assert pacer.held_for() == 3.0
    assert [pacer.reserve(1) for _ in range(3)] == [3.0, 3.0, 3.0]
    clock.now += 1.0
    assert pacer.held_for() == 2.0
    clock.now += 2.5
    assert pacer.held_for() == 0.0
    assert pacer.reserve(1) == 0.0


def test_a_shorter_hold_never_shortens_a_longer_one() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(100, 10.0), clock=clock)
    pacer.hold(5.0)
    pacer.hold(1.0)
    pacer.hold(0.0)
    pacer.hold(-3.0)
    pacer.hold(math.nan)
    assert pacer.held_for() == 5.0


def test_a_huge_hold_is_bounded() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(100, 10.0), clock=clock)
    pacer.hold(1e300)
    assert pacer.held_for() == LONGEST_WINDOW


@given(
    requests=st.integers(1, 8),
    per=st.floats(0.5, 20.0),
    gaps=st.lists(st.floats(0.0, 5.0), min_size=1, max_size=60),
    token_changes=st.lists(st.booleans(), min_size=60, max_size=60),
)
def test_no_window_of_per_seconds_ever_holds_more_than_n_sends(
    requests: int, per: float, gaps: list[float], token_changes: list[bool]
) -> None:
    # Callers arrive at arbitrary times, each sends when its reservation says; per token, count the
    # sends in every window [t, t + per).
    clock = Clock()
    pacer = Pacer(RateLimit(requests, per), clock=clock)
    key = 0
    sends: dict[int, list[float]] = {}
    for gap, change in zip(gaps, token_changes, strict=False):
        clock.now += gap
        key += change
        sends.setdefault(key, []).append(clock.now + pacer.reserve(key))
    for times in sends.values():
        assert times == sorted(times)
        for i in range(len(times) - requests):
            assert times[i + requests] - times[i] >= per


def test_threads_share_one_window() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(10, 1.0), clock=clock)
    waits: list[float] = []
    lock = threading.Lock()

    def reserve() -> None:
        wait = pacer.reserve(1)
        with lock:
            waits.append(wait)

    run_in_threads([reserve] * 50)
    # 50 requests at 10 per window: 10 now, 10 after each of the next four windows.
    assert sorted(round(w, 6) for w in waits) == sorted(
        round(n * 1.02, 6) for n in range(5) for _ in range(10)
    )
