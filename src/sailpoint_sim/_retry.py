"""Retry policy: which failures are retried, how long to wait, and Retry-After parsing.

One function, :meth:`RetryPolicy.decide`, makes every retry decision (attempt, method, response or
exception -> wait or stop) for API and token requests of both clients; the clients own the loop and
the sleeping, so sync and async behave the same and tests inject the sleep.

| Failure                                      | Methods retried        | Wait                           |
|----------------------------------------------|------------------------|--------------------------------|
| 429                                          | all (server did nothing)| Retry-After, else backoff     |
| 502, 503, 504                                | GET, PUT, DELETE       | Retry-After if sent, else backoff |
| ConnectError, ConnectTimeout, PoolTimeout    | all (nothing was sent) | backoff                        |
| other transport errors (read/write/protocol) | GET, PUT, DELETE       | backoff                        |
| 500, other statuses                          | none                   |                                |

A Retry-After above ``retry_after_max`` is not slept: the call raises RateLimitError (or the 5xx
error) at once with ``retry_after`` set, so a caller never blocks for an hour without knowing.
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from typing import Final

import httpx

from ._errors import ConfigurationError, status_phrase

__all__ = ["IDEMPOTENT_METHODS", "LONGEST_WAIT", "RetryPolicy", "Verdict", "parse_retry_after"]

# PUT and DELETE are idempotent by HTTP semantics and by this API (a PUT stores the same full body; a
# repeated DELETE at worst answers 404). POST creates and PATCH may apply `add`/`move` twice, so they are
# never repeated once the request may have reached the server.
IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_RETRY_STATUSES_IDEMPOTENT: Final = frozenset({502, 503, 504})
# These fail before a single byte of the request is written (no connection, or no free connection in
# the pool), so the server cannot have acted on it: retrying them is safe for every method, POST included.
_NOT_SENT_ERRORS: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_SENT_MAYBE_ERRORS: Final = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
# No wait is ever longer than a day, whatever retry_after_max says: time.sleep and asyncio.sleep
# overflow on values such as 1e300, and no caller wants to block that long without knowing.
LONGEST_WAIT: Final = 86400.0
# httpx compares header names case-insensitively: any spelling reads the same header.
_RETRY_AFTER: Final = "Retry-After"


def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None if absent/bad.

    RFC 9110 §10.2.3 allows both forms; a date in the past means "now" (0 seconds).
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        if seconds != seconds or seconds in (float("inf"), float("-inf")):  # pragma: no mutate - "INF" is inf
            return None
        return max(0.0, seconds)
    from email.utils import parsedate_to_datetime  # rare path: keep it out of package import

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:  # pragma: no cover - older Pythons returned None for garbage
        return None
    return max(0.0, when.timestamp() - now())


class RetryPolicy:
    """How many attempts to make and how long to wait between them.

    Args:
        max_attempts: Total attempts per call, the first included (default 3). ``1`` disables retries.
        max_retries: Alternative to ``max_attempts``: retries after the first attempt (``max_attempts - 1``).
        backoff_initial: First backoff delay in seconds; doubles per retry.
        backoff_max: Upper bound of one backoff delay.
        retry_after_max: Longest Retry-After honoured; a longer one ends the call with the error.
        jitter: Randomly shorten each backoff by up to 25% so many clients do not retry in step.
        sleep: Blocking sleep used by the sync client (default ``time.sleep``).
        async_sleep: Coroutine sleep used by the async client (default ``asyncio.sleep``).
        random: Source of jitter in [0, 1) (default ``random.random``).
        clock: Wall clock for HTTP-date Retry-After values (default ``time.time``).
    """

    __slots__ = (
        "async_sleep",
        "backoff_initial",
        "backoff_max",
        "clock",
        "jitter",
        "max_attempts",
        "random",
        "retry_after_max",
        "sleep",
    )

    def __init__(
        self,
        max_attempts: int | None = None,
        *,
        max_retries: int | None = None,
        backoff_initial: float = 0.5,
        backoff_max: float = 8.0,
        retry_after_max: float = 60.0,
        jitter: bool = True,
        sleep: Callable[[float], object] | None = None,
        async_sleep: Callable[[float], Awaitable[object]] | None = None,
        random: Callable[[], float] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if max_attempts is not None and max_retries is not None and max_attempts != max_retries + 1:
            raise ConfigurationError("give max_attempts or max_retries, not both")
        if max_attempts is None:
            max_attempts = 3 if max_retries is None else max_retries + 1
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
            raise ConfigurationError("max_attempts must be an int >= 1 (max_retries >= 0)")
        for name, number in (
            ("backoff_initial", backoff_initial),
            ("backoff_max", backoff_max),
            ("retry_after_max", retry_after_max),
        ):
            if isinstance(number, bool) or not isinstance(number, int | float) or not number >= 0:
                raise ConfigurationError(f"{name} must be a number >= 0")
        self.max_attempts = max_attempts
        self.backoff_initial = float(backoff_initial)
        self.backoff_max = float(backoff_max)
        self.retry_after_max = float(retry_after_max)
        self.jitter = jitter
        self.sleep: Callable[[float], object] = sleep or time.sleep
        self.async_sleep: Callable[[float], Awaitable[object]] = async_sleep or _asyncio_sleep
        self.random: Callable[[], float] = random or _default_random
        self.clock: Callable[[], float] = clock or time.time

    @property
    def max_retries(self) -> int:
        """Retries after the first attempt."""
        return self.max_attempts - 1

    def __repr__(self) -> str:
        return (
            f"RetryPolicy(max_attempts={self.max_attempts}, backoff_initial={self.backoff_initial}, "
            f"backoff_max={self.backoff_max}, retry_after_max={self.retry_after_max}, jitter={self.jitter})"
        )

    def backoff(self, retry_number: int) -> float:
        """Delay before retry ``retry_number`` (1-based): initial x 2^(n-1), capped, jittered."""
        delay: float = min(self.backoff_max, self.backoff_initial * 2.0 ** (retry_number - 1))
        if self.jitter:
            delay *= 1.0 - 0.25 * self.random()
        return delay

    def decide(
        self,
        attempt: int,
        method: str,
        outcome: httpx.Response | BaseException,
        *,
        repeatable: bool | None = None,
        time_left: float | None = None,
    ) -> Verdict:
        """The one retry decision: after attempt ``attempt`` of ``method`` ended in ``outcome``, wait or stop.

        ``outcome`` is the response (any status) or the exception the attempt raised. ``repeatable``
        overrides the method's idempotency (the token request is always safe to repeat, though it is a
        POST). ``time_left`` is what remains of the call's deadline: a wait that would pass it stops.
        A 429's ``Retry-After`` is parsed here, once, and handed back in the verdict for the error.
        """
        if repeatable is None:
            repeatable = method in IDEMPOTENT_METHODS
        retry_after: float | None = None
        if isinstance(outcome, httpx.Response):
            status = outcome.status_code
            if status < 300:
                return Verdict(None, "", None, reached=True)
            reason = status_phrase(status)
            if status == 429:
                # The server did nothing: every method may be repeated.
                retry_after = parse_retry_after(outcome.headers.get(_RETRY_AFTER), now=self.clock)
                retryable, reached = True, False
            elif status in _RETRY_STATUSES_IDEMPOTENT:
                retryable, reached = repeatable, True
                if retryable:
                    retry_after = parse_retry_after(outcome.headers.get(_RETRY_AFTER), now=self.clock)
            else:
                retryable, reached = False, True
        else:
            reason = type(outcome).__name__
            if isinstance(outcome, _NOT_SENT_ERRORS):
                retryable, reached = True, False
            elif isinstance(outcome, _SENT_MAYBE_ERRORS):
                retryable, reached = repeatable, True
            else:
                retryable, reached = False, True
        if not retryable or attempt >= self.max_attempts:
            return Verdict(None, reason, retry_after, reached=reached)
        if retry_after is not None:
            # Too long to honour: the call ends with the error (and its retry_after) at once. The
            # absolute ceiling also keeps an absurd Retry-After (1e300) away from time.sleep.
            if retry_after > self.retry_after_max or retry_after > LONGEST_WAIT:
                return Verdict(None, reason, retry_after, reached=reached, too_long=True)
            delay = retry_after
        else:
            delay = self.backoff(attempt)
        if time_left is not None and delay > time_left:
            return Verdict(None, reason, retry_after, reached=reached, too_long=True)
        return Verdict(delay, reason, retry_after, reached=reached)


class Verdict:
    """What :meth:`RetryPolicy.decide` concluded about one attempt.

    Attributes:
        delay: Seconds to wait before the next attempt, or None: stop (return or raise this outcome).
        reason: What went wrong, for logs and messages ("503 Service Unavailable", "ReadTimeout"); ''
            for a success.
        retry_after: The server's Retry-After in seconds (parsed once), or None.
        reached: Whether the attempt may have reached the server (False for a 429 or a failure to
            connect): a retried DELETE answered 404 after such an attempt was applied.
        too_long: The wait asked for (Retry-After, or backoff past the deadline) was too long to honour.
    """

    __slots__ = ("delay", "reached", "reason", "retry_after", "too_long")

    def __init__(
        self,
        delay: float | None,
        reason: str,
        retry_after: float | None,
        *,
        reached: bool,
        too_long: bool = False,
    ) -> None:
        self.delay = delay
        self.reason = reason
        self.retry_after = retry_after
        self.reached = reached
        self.too_long = too_long

    def __repr__(self) -> str:
        return f"Verdict(delay={self.delay!r}, reason={self.reason!r}, retry_after={self.retry_after!r})"


def _default_random() -> float:
    return random.random()


async def _asyncio_sleep(seconds: float) -> None:
    # asyncio is imported on first use, not at package import (it costs ~10 ms).
    import asyncio

    await asyncio.sleep(seconds)
