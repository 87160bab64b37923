"""Authentication strategies as httpx.Auth flows: a static bearer token, or OAuth2 client credentials.

The token request is yielded from the flow, so it goes through the same httpx client and transport as
the API calls (a user's proxy/TLS settings and a test's MockTransport see it too), and the clients' send
loop may retry it like a GET before handing the final answer back to the flow.

Token lifetimes: ``expires_in`` is read as seconds. A lifetime longer than a day (``1e999``, ``"inf"``,
``10**400``) is taken as a day, so the token is renewed daily at least; a lifetime that is not a positive
number (missing, negative, zero, NaN, text) is unknown, and the token is kept until the API answers 401.

401 rule: after a 401 a call renews the token once itself, unless another call has already renewed it
because of a 401, after this call's request was sent; then it resends with that token. Either way it
resends once, and fails only when that fresh token is refused too. So many calls refused at once cause
one token request, and a call never retries with a token that was already in hand when its own request
was refused for reasons that token cannot rule out (a revocation after a scheduled renewal).
"""

from __future__ import annotations

import collections
import itertools
import json
import math
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING, Any, Final, cast

import httpx

from ._config import is_header_safe
from ._errors import AuthenticationError, make_status_error, one_line, status_phrase
from ._redact import MASK

if TYPE_CHECKING:
    import asyncio

__all__ = ["LONGEST_TOKEN_LIFETIME", "ClientCredentialsAuth", "StaticTokenAuth", "budget_key"]


# SailPoint's tokens live 749 s. A token endpoint claiming far more (or an overflowing number) is not
# believed beyond a day: renewing daily costs one request, keeping a token for ever risks every call.
LONGEST_TOKEN_LIFETIME: Final = 86400.0


class StaticTokenAuth(httpx.Auth):
    """Send a ready bearer token. A 401 is final: there is nothing to renew.

    Args:
        access_token: The token (never shown in repr or logs).
    """

    requires_request_body = False
    requires_response_body = False

    def __init__(self, access_token: str) -> None:
        self._token = access_token
        self._header = f"Bearer {access_token}"

    def secret_values(self) -> tuple[str, ...]:
        """The values to scrub from anything shown to users (the token)."""
        return (self._token,)

    def __repr__(self) -> str:
        return f"StaticTokenAuth(access_token={MASK!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the Authorization header."""
        request.headers["Authorization"] = self._header  # pragma: no mutate - headers ignore case
        yield request

    # httpx's default sync/async flows wrap auth_flow in a second generator; this flow never reads a
    # body, so skip that layer on the per-request path.
    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the Authorization header (sync)."""
        request.headers["Authorization"] = self._header  # pragma: no mutate - headers ignore case
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Add the Authorization header (async)."""
        request.headers["Authorization"] = self._header  # pragma: no mutate - headers ignore case
        yield request


class _Token:
    """A cached token: its value, when to renew it, and its serial (1 for the first token obtained, ...)."""

    __slots__ = ("renew_at", "serial", "value")

    def __init__(self, value: str, renew_at: float, serial: int) -> None:
        self.value = value
        self.renew_at = renew_at
        self.serial = serial


class ClientCredentialsAuth(httpx.Auth):
    """OAuth2 client credentials (a SailPoint personal access token's id and secret).

    The token is fetched on first use, cached, and renewed when it is within ``refresh_margin`` seconds
    (at most 10% of its lifetime) of expiry, and after a 401 by the module's 401 rule. Concurrent callers
    with a stale token wait for one renewal instead of each asking for a token (a threading.Lock for
    threads, an asyncio.Lock per event loop for tasks). A failure of the token endpoint raises
    AuthenticationError saying what happened (not found, rate-limited, server error, refused
    credentials), with SailPoint's message and every secret masked.

    Args:
        client_id: The client id.
        client_secret: The client secret (never shown in repr, logs or errors).
        token_url: The token endpoint, usually ``https://{tenant}.api.identitynow.com/oauth/token``.
        refresh_margin: Seconds before expiry at which the token is renewed.
        clock: Monotonic clock (injectable for tests).
    """

    requires_request_body = False
    requires_response_body = False

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        token_url: str,
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = token_url
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._token: _Token | None = None
        self._thread_lock = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._token_requests = 0
        # The last few tokens handed out (a request may still carry the previous one).
        self._issued: collections.deque[str] = collections.deque(maxlen=3)
        # Serials of obtained tokens (next() on a count is atomic, whatever lock the caller holds), the
        # newest serial handed out, and the serial of the newest token obtained because of a 401.
        self._serials = itertools.count(1)
        self._newest = 0
        self._renewed_after_401 = 0

    def __repr__(self) -> str:
        return (
            f"ClientCredentialsAuth(client_id={self.client_id!r}, client_secret={MASK!r}, "
            f"token_url={self.token_url!r})"
        )

    def secret_values(self) -> tuple[str, ...]:
        """The values to scrub from anything shown to users: the secret and the recent tokens."""
        return (self._client_secret, *self._issued)

    @property
    def token_requests(self) -> int:
        """How many token requests this object has made (for diagnostics and tests)."""
        return self._token_requests

    def budget_key(self) -> int:
        """An id of the token the next request will carry (never the token itself), for rate limiting.

        SailPoint counts requests per access token: a renewed token starts a new budget. Before the first
        token, or when the cached one is due for renewal, it is the serial the next token will get, so the
        calls that wait for that token count against its budget.
        """
        token = self._fresh()
        return token.serial if token is not None else self._newest + 1

    # -- shared, I/O-free pieces ------------------------------------------------------------------

    def _fresh(self) -> _Token | None:
        token = self._token
        if token is not None and self._clock() < token.renew_at:
            return token
        return None

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        self._token_requests += 1
        # The API request's timeout applies to the token request too (a bare Request has none).
        extensions = {"timeout": request.extensions["timeout"]} if "timeout" in request.extensions else {}
        user_agent = request.headers.get(
            "User-Agent",  # pragma: no mutate - headers ignore case
            "",
        )
        return httpx.Request(
            "POST",  # pragma: no mutate - httpx upper-cases the method: "post" is "POST"
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self._client_secret,
            },
            headers={
                "Accept": "application/json",  # pragma: no mutate - header names and media types ignore case
                "User-Agent": user_agent,  # pragma: no mutate - headers ignore case
            },
            extensions=extensions,
        )

    def _fail(self, response: httpx.Response, reason: str, *also_secrets: str) -> AuthenticationError:
        """The AuthenticationError for a token answer that gives no usable token, ``reason`` first."""
        secrets = (self._client_secret, *self._issued, *also_secrets)
        error = cast(
            "AuthenticationError",  # pragma: no mutate - cast() does nothing at run time
            make_status_error(
                response, method="POST", url=self.token_url, error_class=AuthenticationError, secrets=secrets
            ),
        )
        if response.status_code < 300:
            # A 2xx token answer holds a token even when it is unusable: never quote its body.
            error.body = ""
        error.messages = [reason, *(m for m in error.messages if m != reason)]
        error.args = (error._summary(),)  # str(error) leads with what happened
        return error

    def _store(self, response: httpx.Response, *, after_401: bool = False) -> _Token:
        """Read a token response, cache the token, or raise AuthenticationError saying what happened."""
        status = response.status_code
        if status != 200:
            raise self._fail(response, _status_reason(status))
        try:
            data = json.loads(response.content)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise self._fail(response, "the token endpoint answered a body that is not JSON") from None
        if not isinstance(data, dict):
            raise self._fail(response, "the token endpoint answered JSON that is not an object")
        value = data.get("access_token")
        if not isinstance(value, str) or not value:
            raise self._fail(response, "the token endpoint answered without an access_token")
        if not is_header_safe(value):
            raise self._fail(
                response,
                "the token endpoint answered an access_token that cannot go in a header",
                value,
            )
        token_type = data.get("token_type")
        if token_type is not None and (not isinstance(token_type, str) or token_type.lower() != "bearer"):
            raise self._fail(response, f"unsupported token_type {one_line(str(token_type))[:40]!r}", value)
        lifetime = token_lifetime(data.get("expires_in"))
        if lifetime is None:
            # Unknown lifetime: keep it until the API says 401, then renew.
            renew_at = math.inf
        else:
            renew_at = self._clock() + lifetime - min(self.refresh_margin, 0.1 * lifetime)
        serial = next(self._serials)
        token = _Token(value, renew_at, serial)
        self._issued.append(value)
        self._token = token
        self._newest = max(self._newest, serial)
        if after_401:
            self._renewed_after_401 = max(self._renewed_after_401, serial)
        return token

    def _resend_with(self, used: _Token, sent_after: int) -> _Token | None:
        """After a 401 on a request carrying ``used``: the token to resend with, or None to renew.

        ``sent_after`` is the newest serial handed out before the request was sent. Only a token another
        call obtained because of a 401, after that, is trusted without asking for a new one.
        """
        current = self._token
        if current is not None and current is not used and self._renewed_after_401 > sent_after:
            return current
        return None

    # -- sync flow --------------------------------------------------------------------------------

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Authenticate ``request``, fetching or renewing the token through the same client."""
        # Read before the token is chosen: a token obtained later counts as obtained after the send.
        sent_after = self._newest
        token = self._fresh()  # pragma: no mutate - a fast path: the same check under the lock decides
        if token is None:
            with self._thread_lock:
                token = self._fresh()
                if token is None:
                    response = yield self._token_request(request)
                    response.read()
                    token = self._store(response)
        request.headers["Authorization"] = f"Bearer {token.value}"  # pragma: no mutate - headers ignore case
        response = yield request
        if response.status_code != 401:
            return
        with self._thread_lock:
            fresh = self._resend_with(token, sent_after)
            if fresh is None:
                response.read()
                token_response = yield self._token_request(request)
                token_response.read()
                fresh = self._store(token_response, after_401=True)
        request.headers["Authorization"] = f"Bearer {fresh.value}"  # pragma: no mutate - headers ignore case
        # Resend once; a second 401 is returned to the client and becomes AuthenticationError.
        yield request

    # -- async flow -------------------------------------------------------------------------------

    def _async_lock(self) -> asyncio.Lock:
        import asyncio

        loop = asyncio.get_running_loop()
        lock = self._async_locks.get(loop)
        if lock is None:
            # Created lazily, one per event loop: an asyncio.Lock binds to the loop that first waits on it.
            # Only this loop's thread asks for this loop's lock, and nothing awaits in between, so no other
            # lock for it can appear meanwhile; the thread lock guards the dictionary from other loops.
            lock = asyncio.Lock()
            with self._thread_lock:
                self._async_locks[loop] = lock
        return lock

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Async twin of :meth:`sync_auth_flow`."""
        sent_after = self._newest
        token = self._fresh()  # pragma: no mutate - a fast path: the same check under the lock decides
        if token is None:
            async with self._async_lock():
                token = self._fresh()
                if token is None:
                    response = yield self._token_request(request)
                    await response.aread()
                    token = self._store(response)
        request.headers["Authorization"] = f"Bearer {token.value}"  # pragma: no mutate - headers ignore case
        response = yield request
        if response.status_code != 401:
            return
        async with self._async_lock():
            fresh = self._resend_with(token, sent_after)
            if fresh is None:
                await response.aread()
                token_response = yield self._token_request(request)
                await token_response.aread()
                fresh = self._store(token_response, after_401=True)
        request.headers["Authorization"] = f"Bearer {fresh.value}"  # pragma: no mutate - headers ignore case
        yield request


def budget_key(auth: httpx.Auth) -> int:
    """Which rate-limit budget the next request made with ``auth`` counts against (an id, never a token).

    Client credentials: the serial of the token it will carry (see :meth:`ClientCredentialsAuth.budget_key`).
    A static token, or an auth of the user's own: one budget for ever (0).
    """
    if isinstance(auth, ClientCredentialsAuth):
        return auth.budget_key()
    return 0


def token_lifetime(value: Any) -> float | None:
    """``expires_in`` as seconds, at most LONGEST_TOKEN_LIFETIME; None when it is not a positive number.

    Never raises: ``10**400`` or ``"1e999"`` (OverflowError or infinity in float) become a day, NaN,
    zero, negative numbers, booleans and text become unknown.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    if isinstance(value, int):
        # float(10**400) overflows: compare as ints first.
        return None if value <= 0 else float(min(value, int(LONGEST_TOKEN_LIFETIME)))
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    if math.isnan(number) or number <= 0:
        return None
    return min(number, LONGEST_TOKEN_LIFETIME)


def _status_reason(status: int) -> str:
    """What a non-200 answer of the token endpoint means, in words a user can act on."""
    if status in (400, 401, 403):
        return "the token endpoint refused the client credentials"
    if status == 404:
        return "the token endpoint was not found (check the base URL or token_url)"
    if status == 429:
        return "the token endpoint is rate-limited (too many token requests); try again later"
    if status // 100 == 5:
        return f"the token endpoint failed with a server error ({status_phrase(status)})"
    if status // 100 == 3:
        return f"the token endpoint answered a redirect ({status_phrase(status)}), which is never followed"
    return f"the token endpoint answered an unexpected status ({status_phrase(status)})"
