"""The fake's rate limit: at most N requests per access token in any window of S seconds, as SailPoint's
API gateway documents it (100 per 10 s), answered with its 429 body and ``Retry-After``.

A limit is given as ``sailpoint_sim.RateLimit(requests, per)`` or anything with those two attributes, or a
plain ``(requests, per)`` pair; this module reads only the two numbers, so it needs nothing from the
client side.
"""

from __future__ import annotations

import collections
import math
import threading
from collections.abc import Callable
from typing import Any

from . import _replies
from ._model import Reply

BODY = {"message": " Rate Limit Exceeded "}
"""SailPoint's published 429 body, spaces included."""


def limit_of(value: Any) -> tuple[int, float] | None:
    """``(requests, per_seconds)`` of a RateLimit, a pair, or None (no limit); ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, tuple | list) and len(value) == 2:
        requests, per = value
    elif hasattr(value, "requests") and hasattr(value, "per"):
        requests, per = value.requests, value.per
    else:
        raise ValueError("rate_limit must be a RateLimit(requests, per), a (requests, per) pair or None")
    if isinstance(requests, bool) or not isinstance(requests, int) or requests < 1:
        raise ValueError("rate_limit: requests must be a whole number >= 1")
    if isinstance(per, bool) or not isinstance(per, int | float) or not 0 < per < math.inf:
        raise ValueError("rate_limit: per must be a number of seconds > 0")
    return requests, float(per)


def parse(text: str) -> tuple[int, float]:
    """``"100/10"`` -> ``(100, 10.0)``: the command line's form, ``N/SECONDS``."""
    count, slash, seconds = text.partition("/")
    try:
        limit = limit_of((int(count), float(seconds))) if slash else None
    except ValueError as exc:
        raise ValueError(f"rate limit {text!r}: {exc}") from None
    if limit is None:
        raise ValueError(f"rate limit {text!r}: expected N/SECONDS, e.g. 100/10")
    return limit


class Limiter:
    """A sliding window of accepted requests per token. Thread-safe; ``clock`` is monotonic seconds."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, collections.deque[float]] = {}
        self.refused = 0
        """How many requests were answered 429."""

    def reset(self) -> None:
        """Forget every window and the count of refusals."""
        with self._lock:
            self._windows.clear()
            self.refused = 0

    def admit(self, token: str, limit: tuple[int, float], tracking: str) -> Reply | None:
        """None when ``token`` may make one more request now (it is counted); the 429 reply otherwise."""
        requests, per = limit
        now = self._clock()
        with self._lock:
            window = self._windows.setdefault(token, collections.deque())
            while window and window[0] <= now - per:
                window.popleft()
            if len(window) < requests:
                window.append(now)
                return None
            self.refused += 1
            # Whole seconds, rounded up: a client that waits that long is admitted.
            wait = max(1, math.ceil(window[0] + per - now))
        reply = _replies.json_reply(429, BODY, tracking)
        reply.headers.append(("Retry-After", str(wait)))
        return reply
