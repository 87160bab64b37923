"""Pacing to SailPoint's rate limit: at most N requests per access token in any window of S seconds.

SailPoint documents 100 requests per access token per 10 seconds, and a 429 with ``Retry-After`` beyond
it. A client keeps to that itself instead of running into 429s: each API attempt first reserves a send
time from the client's :class:`Pacer` and waits until then. The pacer is one per client, shared by all
the threads or tasks using it, so a bulk job or a burst of async calls waits its turn.

How: a sliding window. The next request may go at the latest of now, the end of a hold (below), and
``per`` seconds (plus a small margin) after the request N places before it was answered: the gateway
counted that one before answering, so the two can never fall inside one window as it counts, however
late one left or however slowly it travelled. Places are reserved in order (waiting callers are served
first come, first served) and checked again just before sending. A reservation is
made under a ``threading.Lock`` held for a few microseconds and never across a wait, so the same pacer
serves threads and asyncio tasks (of any event loop) alike: nobody ever waits on the lock itself.

Per access token: the window belongs to the token the requests carry (an id of it, never the token). A
renewed token starts a new budget, as SailPoint counts.

What it cannot know: other processes (or other clients) using the same token. When a 429 arrives anyway,
:meth:`Pacer.hold` makes every call of the client wait until the server's ``Retry-After`` has passed,
not just the one that got it.
"""

from __future__ import annotations

import collections
import math
import threading
import time
from collections.abc import Callable, Hashable
from typing import Final

from ._errors import ConfigurationError

__all__ = [
    "DEFAULT_RATE_LIMIT",
    "LONGEST_WINDOW",
    "MOST_REQUESTS",
    "Pacer",
    "RateLimit",
    "validate_rate_limit",
]

# The pacer remembers one send time per request of a window: a million is far beyond any published limit.
MOST_REQUESTS: Final = 1_000_000
# A window longer than a day is not a rate limit anyone publishes, and its waits would overflow sleep.
LONGEST_WINDOW: Final = 86400.0
# Reservations are spaced this fraction of the window further apart than the limit needs (at most
# 0.25 s): a request that leaves a little late, or arrives a little late at the gateway, still falls
# outside the window of the request N places after it. It costs 2% of the throughput.
_MARGIN_FRACTION: Final = 0.02
_MARGIN_MAX: Final = 0.25
_POLL_MAX: Final = 0.05


def _check_requests(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MOST_REQUESTS:
        raise ConfigurationError(
            f"RateLimit requests must be a whole number from 1 to {MOST_REQUESTS:,}, got {value!r}"
        )
    return value


def _check_per(value: object) -> float:
    # A comparison, not float(): 10**400 must be refused, not overflow; NaN fails it too.
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= LONGEST_WINDOW:
        raise ConfigurationError(
            f"RateLimit per must be a number of seconds > 0 and <= {LONGEST_WINDOW:g}, got {value!r}"
        )
    return float(value)


class RateLimit:
    """A request rate to keep to: at most ``requests`` per ``per`` seconds, per access token.

    SailPoint's documented limit is 100 requests per access token per 10 seconds
    (:data:`DEFAULT_RATE_LIMIT`); some APIs may differ. Pass one as ``rate_limit=`` to a client, or
    ``rate_limit=None`` for no pacing. A frozen value: equal limits compare and hash alike.

    Args:
        requests: How many requests a window may hold (a whole number >= 1).
        per: The window, in seconds (> 0, at most a day).

    Raises:
        ConfigurationError: a number out of range, a boolean, a string, NaN or infinity.
    """

    # A plain class, not attrs: importing attrs would double what ``import sailpoint_sim`` costs on top
    # of httpx, and this is the only class the import needs (the generated models load on first call).
    __slots__ = ("_per", "_requests")
    _requests: int
    _per: float

    def __init__(self, requests: int = 100, per: float = 10.0) -> None:
        # Validated as given (a string or True is refused, not converted), then kept as a float so that
        # RateLimit(100, 10) and RateLimit(100, 10.0) look alike too.
        object.__setattr__(self, "_requests", _check_requests(requests))
        object.__setattr__(self, "_per", _check_per(per))

    @property
    def requests(self) -> int:
        """How many requests a window may hold."""
        return self._requests

    @property
    def per(self) -> float:
        """The window, in seconds."""
        return self._per

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"RateLimit is frozen: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"RateLimit is frozen: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RateLimit):
            return NotImplemented
        return (self.requests, self.per) == (other.requests, other.per)

    def __hash__(self) -> int:
        return hash((RateLimit, self.requests, self.per))

    def __repr__(self) -> str:
        return f"RateLimit(requests={self.requests!r}, per={self.per!r})"

    def __str__(self) -> str:
        return f"{self.requests} per {self.per:g} s"

    def __reduce__(self) -> tuple[type[RateLimit], tuple[int, float]]:
        return (RateLimit, (self.requests, self.per))


DEFAULT_RATE_LIMIT: Final = RateLimit(100, 10.0)
"""SailPoint's documented limit: 100 requests per access token per 10 seconds."""


def validate_rate_limit(value: object) -> RateLimit | None:
    """The ``rate_limit=`` setting: a RateLimit, or None for no pacing; anything else is refused."""
    if value is None or isinstance(value, RateLimit):
        return value
    raise ConfigurationError(
        f"rate_limit must be a RateLimit(requests, per) or None, got {type(value).__name__} {value!r}"
    )


class Slot:
    """One request's place in the window: when it may go, whether it went, when it was answered."""

    __slots__ = ("at", "before", "done")

    def __init__(self, at: float, before: Slot | None) -> None:
        self.at = at  # reserved send time, then the actual one
        self.before = before  # the request N places before it in the window (None: the window has room)
        self.done: float | None = None  # when it was answered, failed or given up


class Pacer:
    """Keeps one client's requests to a :class:`RateLimit`; shared by every thread and task of the client.

    A caller reserves a :class:`Slot` (:meth:`reserve`), asks :meth:`ready` how long to wait, waits, and
    asks again until it may send; after sending it reports the answer (:meth:`done`). A request may go
    once the request N places before it has been answered ``per`` seconds ago (plus a small margin): the
    gateway counted that one before it answered, so however late it left or however slowly it travelled,
    the two are never inside one window as the gateway sees them. Any hold after a 429 that began
    meanwhile applies too.

    Args:
        limit: The rate to keep to.
        clock: Monotonic seconds (injectable for tests).
    """

    __slots__ = ("_clock", "_hold_until", "_key", "_lock", "_margin", "_poll", "_slots", "limit")

    def __init__(self, limit: RateLimit, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._margin = min(_MARGIN_MAX, _MARGIN_FRACTION * limit.per)
        # How often to look again while the request N places before is still waiting for its answer.
        self._poll = min(_POLL_MAX, limit.per / 20)
        # The last `requests` requests on the current token, in the order of their send times.
        self._slots: collections.deque[Slot] = collections.deque(maxlen=limit.requests)
        self._key: Hashable = None  # pragma: no mutate - any start value: the first reserve finds no slots
        self._hold_until = -math.inf

    def __repr__(self) -> str:
        return f"Pacer({self.limit!r})"

    def reserve(self, key: Hashable, resumed_at: float = -math.inf) -> Slot:
        """Reserve the next place for one request carrying the token identified by ``key``.

        ``resumed_at``: see :meth:`ready`. A caller that gives up must still call :meth:`done`.
        """
        with self._lock:
            now = max(self._clock(), resumed_at)
            if key != self._key:
                # A new token: a new budget (SailPoint counts per token).
                self._key = key
                self._slots.clear()
            at = max(now, self._hold_until)
            before = None
            if self._slots:
                at = max(at, self._slots[-1].at)
                if len(self._slots) == self.limit.requests:
                    before = self._slots[0]
                    at = max(at, self._free_at(before, now))
            slot = Slot(at, before)
            self._slots.append(slot)
            return slot

    def _free_at(self, before: Slot, now: float) -> float:
        # When the request N places before no longer counts: `per` after its answer; while it waits for
        # its answer, look again shortly; while it has not gone, `per` after it is due to go.
        if before.done is not None:
            return before.done + self.limit.per + self._margin
        if before.at <= now:
            return now + self._poll
        return before.at + self.limit.per + self._margin

    def ready(self, slot: Slot, resumed_at: float = -math.inf) -> float:
        """Seconds still to wait before sending the request of ``slot``; 0.0: send now (the time is noted).

        ``resumed_at``: when a caller that just slept expects to have woken (the clock when it started
        to sleep, plus the sleep); the later of that and the clock counts as now, so an injected sleep
        that takes no real time still counts as the time it stood for.
        """
        with self._lock:
            now = max(self._clock(), resumed_at)
            due = max(slot.at, self._hold_until)
            before = slot.before
            if before is not None:
                due = max(due, self._free_at(before, now))
            if due > now:  # pragma: no mutate - at due == now, 0.0 either way; slot.at is then <= now
                return due - now
            slot.at = now
            # No chain of old slots is kept alive (any value that is not a slot would do as well).
            slot.before = None  # pragma: no mutate - "" drops the reference just the same
            return 0.0

    def done(self, slot: Slot) -> None:
        """The request of ``slot`` was answered (or failed, or was never sent): note when."""
        with self._lock:
            slot.before = None  # pragma: no mutate - "" drops the reference just the same
            slot.done = max(self._clock(), slot.at) if slot.done is None else slot.done

    def hold(self, seconds: float) -> None:
        """Make every request of the client wait ``seconds`` from now (after a 429's Retry-After)."""
        with self._lock:
            self._hold_until = max(self._hold_until, self._clock() + min(seconds, LONGEST_WINDOW))

    def held_for(self) -> float:
        """Seconds left of the current hold (0.0 when there is none)."""
        with self._lock:
            return max(0.0, self._hold_until - self._clock())

    def now(self) -> float:
        """The pacer's clock."""
        return self._clock()
