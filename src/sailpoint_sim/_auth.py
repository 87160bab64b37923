"""Authentication strategies as httpx.Auth flows: a static bearer token, or OAuth2 client credentials.

The token request is yielded from the flow, so it goes through the same httpx client and transport as
the API calls (a user's proxy/TLS settings and a test's MockTransport see it too).
"""

from __future__ import annotations

import collections
import json
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING, Any, cast

import httpx

from ._config import is_header_safe
from ._errors import AuthenticationError, make_status_error, one_line
from ._redact import MASK

if TYPE_CHECKING:
    import asyncio

__all__ = ["ClientCredentialsAuth", "StaticTokenAuth"]


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
        request.headers["Authorization"] = self._header
        yield request

    # httpx's default sync/async flows wrap auth_flow in a second generator; this flow never reads a
    # body, so skip that layer on the per-request path.
    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the Authorization header (sync)."""
        request.headers["Authorization"] = self._header
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Add the Authorization header (async)."""
        request.headers["Authorization"] = self._header
        yield request


class _Token:
    __slots__ = ("expires_at", "renew_at", "value")

    def __init__(self, value: str, renew_at: float, expires_at: float) -> None:
        self.value = value
        self.renew_at = renew_at
        self.expires_at = expires_at


class ClientCredentialsAuth(httpx.Auth):
    """OAuth2 client credentials (a SailPoint personal access token's id and secret).

    The token is fetched on first use, cached, and renewed when it is within ``refresh_margin`` seconds
    (at most 10% of its lifetime) of expiry, and once when the API answers 401. Concurrent callers with a
    stale token wait for one renewal instead of each asking for a token (a threading.Lock for threads,
    an asyncio.Lock per event loop for tasks). A failure of the token endpoint raises
    AuthenticationError at once, with SailPoint's message.

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

    def invalidate(self) -> None:
        """Forget the cached token; the next request fetches a new one."""
        self._token = None

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
        return httpx.Request(
            "POST",
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self._client_secret,
            },
            headers={"Accept": "application/json", "User-Agent": request.headers.get("User-Agent", "")},
            extensions=extensions,
        )

    def _fail(self, response: httpx.Response, reason: str) -> AuthenticationError:
        error = make_status_error(  # error_class decides the type
            response,
            method="POST",
            url=self.token_url,
            error_class=AuthenticationError,
            reason=reason,
            # The body of a token endpoint answer may hold a token: never quote it.
            quote_body=False,
            secrets=(self._client_secret, *self._issued),
        )
        return cast("AuthenticationError", error)

    def _store(self, response: httpx.Response) -> _Token:
        """Read a token response, cache the token, or raise AuthenticationError."""
        if response.status_code != 200:
            raise self._fail(response, "the token endpoint refused the client credentials")
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
                response, "the token endpoint answered an access_token that cannot go in a header"
            )
        token_type = data.get("token_type")
        if token_type is not None and (not isinstance(token_type, str) or token_type.lower() != "bearer"):
            raise self._fail(response, f"unsupported token_type {one_line(str(token_type))[:40]!r}")
        now = self._clock()
        lifetime = _seconds(data.get("expires_in"))
        if lifetime is None:
            # Unknown lifetime: keep it until the API says 401, then renew once.
            token = _Token(value, float("inf"), float("inf"))
        else:
            margin = min(self.refresh_margin, 0.1 * lifetime)
            token = _Token(value, now + lifetime - margin, now + lifetime)
        self._issued.append(value)
        self._token = token
        return token

    def _renew_needed_after_401(self, used: _Token) -> bool:
        # Another caller may already have renewed it while this request was in flight.
        return self._token is None or self._token is used

    # -- sync flow --------------------------------------------------------------------------------

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Authenticate ``request``, fetching or renewing the token through the same client."""
        token = self._fresh()
        if token is None:
            with self._thread_lock:
                token = self._fresh()
                if token is None:
                    response = yield self._token_request(request)
                    response.read()
                    token = self._store(response)
        request.headers["Authorization"] = f"Bearer {token.value}"
        response = yield request
        if response.status_code != 401:
            return
        with self._thread_lock:
            if self._renew_needed_after_401(token):
                response.read()
                token_response = yield self._token_request(request)
                token_response.read()
                token = self._store(token_response)
            else:
                token = self._token or token
        request.headers["Authorization"] = f"Bearer {token.value}"
        # Resend once; a second 401 is returned to the client and becomes AuthenticationError.
        yield request

    # -- async flow -------------------------------------------------------------------------------

    def _async_lock(self) -> asyncio.Lock:
        import asyncio

        loop = asyncio.get_running_loop()
        lock = self._async_locks.get(loop)
        if lock is None:
            # Created lazily, one per event loop: an asyncio.Lock binds to the loop that first waits on it.
            with self._thread_lock:
                lock = self._async_locks.get(loop)
                if lock is None:
                    lock = asyncio.Lock()
                    self._async_locks[loop] = lock
        return lock

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Async twin of :meth:`sync_auth_flow`."""
        token = self._fresh()
        if token is None:
            async with self._async_lock():
                token = self._fresh()
                if token is None:
                    response = yield self._token_request(request)
                    await response.aread()
                    token = self._store(response)
        request.headers["Authorization"] = f"Bearer {token.value}"
        response = yield request
        if response.status_code != 401:
            return
        async with self._async_lock():
            if self._renew_needed_after_401(token):
                await response.aread()
                token_response = yield self._token_request(request)
                await token_response.aread()
                token = self._store(token_response)
            else:
                token = self._token or token
        request.headers["Authorization"] = f"Bearer {token.value}"
        yield request


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not number > 0 or number == float("inf"):
        return None
    return number
