"""RateLimit (the value) and Pacer (the sliding window of reserved send times), on a hand-driven clock."""

from __future__ import annotations

import copy
import heapq
import itertools
import math
import pickle
import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sailpoint_sim import DEFAULT_RATE_LIMIT, ConfigurationError, RateLimit
from sailpoint_sim._ratelimit import LONGEST_WINDOW, Pacer, Slot
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
    with pytest.raises(AttributeError, match="frozen: cannot set 'requests'"):
        limit.requests = 6  # type: ignore[misc]
    with pytest.raises(AttributeError, match="frozen: cannot delete 'per'"):
        del limit.per
    with pytest.raises(AttributeError, match="frozen: cannot set '_requests'"):
        limit._requests = 6
    assert (limit.requests, limit.per) == (5, 1.0)


def test_rate_limit_is_a_value() -> None:
    assert RateLimit(5, 1.0) != RateLimit(6, 1.0)
    assert RateLimit(5, 1.0) != RateLimit(5, 2.0)
    assert RateLimit(5, 1.0) != (5, 1.0)
    assert hash(RateLimit(5, 1.0)) != hash(RateLimit(6, 1.0))
    assert len({RateLimit(5, 1), RateLimit(5, 1.0), RateLimit(6, 1)}) == 2
    for copied in (pickle.loads(pickle.dumps(RateLimit(7, 3))), copy.deepcopy(RateLimit(7, 3))):
        assert copied == RateLimit(7, 3.0)
        assert isinstance(copied.per, float)


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


# -- Pacer ---------------------------------------------------------------------------------------------


def turn(pacer: Pacer, key: object = 1) -> float:
    """Reserve a place and ask how long to wait; a request that may go now is sent and answered at once."""
    slot = pacer.reserve(key)
    wait = pacer.ready(slot)
    if wait == 0:
        pacer.done(slot)
    return wait


def test_a_window_lets_n_requests_go_at_once_then_spaces_the_rest() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(3, 1.0), clock=clock)
    waits = [turn(pacer) for _ in range(7)]
    margin = 0.02  # 2% of the window
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3:6] == pytest.approx([1 + margin] * 3)
    assert waits[6] == pytest.approx(2 * (1 + margin))


def test_a_window_forgets_requests_older_than_per() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(2, 10.0), clock=clock)
    assert [turn(pacer), turn(pacer)] == [0.0, 0.0]
    clock.now += 11.0
    assert [turn(pacer), turn(pacer)] == [0.0, 0.0]
    assert turn(pacer) == pytest.approx(10.2)


def test_margin_is_at_most_a_quarter_second() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(1, 100.0), clock=clock)
    assert turn(pacer) == 0.0
    assert turn(pacer) == pytest.approx(100.25)


def test_a_request_that_left_late_pushes_the_one_n_places_after_it() -> None:
    # Two places reserved at once: the first caller is slow to send (a busy machine), 0.5 s late, and its
    # answer takes 0.3 s. The second keeps a whole window (and the margin) after that answer.
    clock = Clock()
    pacer = Pacer(RateLimit(1, 1.0), clock=clock)
    first, second = pacer.reserve(1), pacer.reserve(1)
    clock.now += 0.5
    assert pacer.ready(first) == 0.0  # sent now, late
    clock.now += 0.3
    # Still waiting for its answer: the second looks again shortly (it cannot know when the gateway
    # counted the first).
    assert pacer.ready(second) == pytest.approx(0.05)
    pacer.done(first)  # answered at 500.8
    assert pacer.ready(second) == pytest.approx(1.02)  # a window after that answer, not after 500.0
    clock.now += 1.02
    assert pacer.ready(second) == 0.0


def test_a_place_given_up_frees_a_window_after() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(1, 1.0), clock=clock)
    pacer.done(pacer.reserve(1))  # never sent (a deadline, a closed client): reported done
    assert turn(pacer) == pytest.approx(1.02)


def test_a_later_place_never_goes_before_an_earlier_one_that_waits() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(1, 1.0), clock=clock)
    assert turn(pacer) == 0.0
    first, second = pacer.reserve(1), pacer.reserve(1)
    clock.now += 1.02  # the window has room for one again
    assert pacer.ready(second) == pytest.approx(1.02)  # the first has not gone yet: it counts
    assert pacer.ready(first) == 0.0
    pacer.done(first)
    assert pacer.ready(second) == pytest.approx(1.02)


def test_a_new_token_starts_a_new_budget() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(2, 10.0), clock=clock)
    assert [turn(pacer, "token-1"), turn(pacer, "token-1")] == [0.0, 0.0]
    assert turn(pacer, "token-1") > 0
    assert [turn(pacer, "token-2"), turn(pacer, "token-2")] == [0.0, 0.0]


def test_a_hold_delays_every_request_until_it_ends() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(100, 10.0), clock=clock)
    pacer.hold(3.0)
    assert pacer.held_for() == 3.0
    assert [turn(pacer) for _ in range(3)] == [3.0, 3.0, 3.0]
    clock.now += 1.0
    assert pacer.held_for() == 2.0
    clock.now += 2.5
    assert pacer.held_for() == 0.0
    assert turn(pacer) == 0.0


def test_a_hold_that_begins_while_a_caller_waits_applies_to_it() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(1, 1.0), clock=clock)
    assert turn(pacer) == 0.0
    slot = pacer.reserve(1)
    assert pacer.ready(slot) == pytest.approx(1.02)
    pacer.hold(5.0)  # another call's 429, while this one sleeps
    assert pacer.ready(slot, resumed_at=clock.now + 1.02) == pytest.approx(5.0 - 1.02)


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
    arrivals=st.lists(
        st.tuples(st.floats(0.0, 5.0), st.booleans(), st.floats(0.0, 3.0)), min_size=1, max_size=60
    ),
)
def test_no_window_of_per_seconds_ever_holds_more_than_n_sends(
    requests: int, per: float, arrivals: list[tuple[float, bool, float]]
) -> None:
    # Callers arrive at arbitrary times (some with a new token), reserve a place, sleep as told but wake
    # up to 3 s late, and ask again until they may send. Per token, count the sends in every window.
    clock = Clock()
    pacer = Pacer(RateLimit(requests, per), clock=clock)
    key = 0
    sends: dict[int, list[float]] = {}
    for gap, new_token, lateness in arrivals:
        clock.now += gap
        key += new_token
        slot = pacer.reserve(key)
        woke = clock.now
        while (wait := pacer.ready(slot, woke)) > 0:
            woke += wait + lateness
        clock.now = max(clock.now, woke)  # it waited in turn (callers here arrive one after another)
        pacer.done(slot)
        sends.setdefault(key, []).append(slot.at)
    for times in sends.values():
        times.sort()
        for i in range(len(times) - requests):
            assert times[i + requests] - times[i] >= per


@given(
    requests=st.integers(1, 6),
    per=st.floats(0.5, 5.0),
    callers=st.lists(
        st.tuples(
            st.floats(0.0, 2.0),  # when the caller reserves its place, after the previous one
            st.floats(0.0, 2.0),  # how late it wakes after each wait
            st.floats(0.0, 8.0),  # from its turn to reaching the gateway (a busy loop, a full pool)
            st.floats(0.0, 3.0),  # from reaching the gateway to its answer
        ),
        min_size=1,
        max_size=40,
    ),
)
def test_requests_that_reach_the_gateway_late_and_out_of_order_never_overfill_a_window(
    requests: int, per: float, callers: list[tuple[float, float, float, float]]
) -> None:
    # Concurrent callers on one token, run as events in time order: each reserves, waits as told (waking
    # late), goes, reaches the gateway some time later (possibly after requests reserved after it) and
    # is answered later still. The gateway counts arrivals, as SailPoint's does: no window of `per`
    # seconds may hold more than `requests` of them, and every caller gets to go.
    clock = Clock()
    pacer = Pacer(RateLimit(requests, per), clock=clock)
    events: list[tuple[float, int, int, str]] = []  # (time, order, caller, what)
    order = itertools.count()
    start = clock.now
    for index, (gap, _, _, _) in enumerate(callers):
        start += gap
        heapq.heappush(events, (start, next(order), index, "reserve"))
    slots: dict[int, Slot] = {}
    arrivals: list[float] = []
    steps = 0
    while events:
        steps += 1
        assert steps < 10_000, "callers never got their turn"
        now, _, index, what = heapq.heappop(events)
        clock.now = now
        _, lateness, travel, answer = callers[index]
        if what == "reserve":
            slots[index] = pacer.reserve("token")
        if what in ("reserve", "try"):
            wait = pacer.ready(slots[index])
            if wait > 0:
                heapq.heappush(events, (now + wait + lateness, next(order), index, "try"))
            else:
                arrivals.append(now + travel)
                heapq.heappush(events, (now + travel + answer, next(order), index, "answered"))
        elif what == "answered":
            pacer.done(slots[index])
    assert len(arrivals) == len(callers)
    arrivals.sort()
    for i in range(len(arrivals) - requests):
        assert arrivals[i + requests] - arrivals[i] >= per


def test_threads_share_one_window() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(10, 1.0), clock=clock)
    waits: list[float] = []
    lock = threading.Lock()

    def reserve() -> None:
        wait = turn(pacer)
        with lock:
            waits.append(wait)

    run_in_threads([reserve] * 50)
    # 50 requests at 10 per window: 10 now, 10 after each of the next four windows.
    assert sorted(round(w, 6) for w in waits) == sorted(
        round(n * 1.02, 6) for n in range(5) for _ in range(10)
    )


# -- boundaries pinned by mutation testing (issue 15) ------------------------------------------------
def test_the_largest_request_count_and_window_are_accepted_and_one_more_is_not() -> None:
    from sailpoint_sim._ratelimit import MOST_REQUESTS

    assert RateLimit(MOST_REQUESTS, LONGEST_WINDOW) == RateLimit(1_000_000, 86400.0)
    with pytest.raises(
        ConfigurationError, match=r"^RateLimit requests must be a whole number from 1 to 1,000,000"
    ):
        RateLimit(MOST_REQUESTS + 1, 1.0)
    with pytest.raises(
        ConfigurationError, match=r"^RateLimit per must be a number of seconds > 0 and <= 86400"
    ):
        RateLimit(1, LONGEST_WINDOW + 0.001)


def test_a_wrong_rate_limit_setting_is_refused_naming_its_type() -> None:
    from sailpoint_sim._ratelimit import validate_rate_limit

    assert validate_rate_limit(None) is None
    assert validate_rate_limit(DEFAULT_RATE_LIMIT) is DEFAULT_RATE_LIMIT
    with pytest.raises(
        ConfigurationError, match=r"^rate_limit must be a RateLimit\(requests, per\) or None, got int 5$"
    ):
        validate_rate_limit(5)


def test_a_hold_under_a_second_holds_and_a_non_positive_one_does_nothing() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(100, 10.0), clock=clock)
    for nothing in (0.0, -0.0, -3.0, -math.inf, math.nan):
        pacer.hold(nothing)
        assert pacer.held_for() == 0.0
        assert turn(pacer, "t") == 0.0
    pacer.hold(0.5)
    assert pacer.held_for() == 0.5
    assert turn(pacer, "t") == 0.5


def test_a_short_window_looks_again_sooner_while_the_request_before_is_unanswered() -> None:
    # The look-again interval is a twentieth of the window, at most 50 ms: 25 ms for a half-second window.
    clock = Clock()
    pacer = Pacer(RateLimit(1, 0.5), clock=clock)
    first, second = pacer.reserve(1), pacer.reserve(1)
    assert pacer.ready(first) == 0.0  # sent, not answered yet
    assert pacer.ready(second) == pytest.approx(0.025)
    long_window = Pacer(RateLimit(1, 10.0), clock=clock)
    first, second = long_window.reserve(1), long_window.reserve(1)
    assert long_window.ready(first) == 0.0
    assert long_window.ready(second) == pytest.approx(0.05)


def test_an_answer_reported_twice_keeps_the_first_time() -> None:
    clock = Clock()
    pacer = Pacer(RateLimit(1, 1.0), clock=clock)
    slot = pacer.reserve(1)
    assert pacer.ready(slot) == 0.0
    pacer.done(slot)  # answered at 500.0
    clock.now += 0.5
    pacer.done(slot)  # reported again later: the window still runs from the first answer
    assert turn(pacer) == pytest.approx(0.52)
