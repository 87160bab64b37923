"""Auth flows on both clients: caching, expiry, 401 renewal, concurrency, token endpoint failures."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from sailpoint_sim import (
    AsyncSimIntegrationsClient,
    AuthenticationError,
    ClientCredentialsAuth,
    SimIntegrationsClient,
)

from .helpers import (
    ACCESS_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    INTEGRATION,
    STATIC_TOKEN,
    TOKEN_URL,
    ApiFactory,
    Recorder,
    token_response,
)


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Tokens:
    """A token endpoint handing out token-1, token-2, ... with a given lifetime."""

    def __init__(self, expires_in: Any = 749) -> None:
        self.issued = 0
        self.expires_in = expires_in

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.issued += 1
        return token_response(f"token-{self.issued}", self.expires_in)


def _with_clock(api: Any, clock: Clock) -> None:
    # The client's auth is a public attribute; swap in one with a hand-driven clock.
    api.client.auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, TOKEN_URL, clock=clock)


async def test_token_request_is_a_form_client_credentials_grant(api_factory: ApiFactory) -> None:
    recorder = Recorder()
    api = api_factory(recorder)
    await api("get", "x")
    [token_request] = recorder.token_requests
    assert str(token_request.url) == TOKEN_URL
    assert token_request.method == "POST"
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in token_request.headers
    form = parse_qs(token_request.content.decode())
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": [CLIENT_ID],
        "client_secret": [CLIENT_SECRET],
    }
    # The token request carries the same timeout as the API request (a bare Request would have none).
    assert token_request.extensions["timeout"] == recorder.api_requests[0].extensions["timeout"]


async def test_token_is_cached(api_factory: ApiFactory) -> None:
    tokens = Tokens()
    recorder = Recorder(token=tokens)
    api = api_factory(recorder)
    for _ in range(5):
        await api("get", "x")
    assert tokens.issued == 1
    assert [r.headers["Authorization"] for r in recorder.api_requests] == ["Bearer token-1"] * 5


async def test_token_renewed_before_expiry(api_factory: ApiFactory) -> None:
    clock = Clock()
    tokens = Tokens(expires_in=749)
    recorder = Recorder(token=tokens)
    api = api_factory(recorder)
    _with_clock(api, clock)
    await api("get", "x")
    clock.now += 749 - 60 - 1  # just before the 60 s margin
    await api("get", "x")
    assert tokens.issued == 1
    clock.now += 2  # inside the margin: renew now, before the service would say 401
    await api("get", "x")
    assert tokens.issued == 2
    assert recorder.api_requests[-1].headers["Authorization"] == "Bearer token-2"


async def test_short_lived_token_margin_is_ten_percent(api_factory: ApiFactory) -> None:
    clock = Clock()
    tokens = Tokens(expires_in="100")
    api = api_factory(Recorder(token=tokens))
    _with_clock(api, clock)
    await api("get", "x")
    clock.now += 89
    await api("get", "x")
    assert tokens.issued == 1
    clock.now += 2
    await api("get", "x")
    assert tokens.issued == 2


async def test_401_renews_once_and_resends(api_factory: ApiFactory) -> None:
    tokens = Tokens()

    def api_handler(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == "Bearer token-1":
            return httpx.Response(401, json={"error": "JWT validation failed: JWT is expired"})
        return httpx.Response(200, json=INTEGRATION)

    recorder = Recorder(api=api_handler, token=tokens)
    api = api_factory(recorder)
    result = await api("create", {"name": "n"})
    assert result.id == INTEGRATION["id"]
    assert tokens.issued == 2
    assert [r.headers["Authorization"] for r in recorder.api_requests] == ["Bearer token-1", "Bearer token-2"]
    # The resent POST carries the same body.
    assert recorder.api_requests[0].content == recorder.api_requests[1].content


async def test_second_401_is_an_authentication_error_not_a_loop(api_factory: ApiFactory) -> None:
    tokens = Tokens()
    recorder = Recorder(api=lambda r: httpx.Response(401, json={"error": "revoked"}), token=tokens)
    api = api_factory(recorder)
    with pytest.raises(AuthenticationError, match="revoked") as info:
        await api("get", "x")
    assert info.value.status_code == 401
    assert tokens.issued == 2
    assert len(recorder.api_requests) == 2


async def test_static_token_401_is_final(api_factory: ApiFactory) -> None:
    recorder = Recorder(api=lambda r: httpx.Response(401, json={"error": "JWT is expired"}))
    api = api_factory(recorder, access_token=STATIC_TOKEN)
    with pytest.raises(AuthenticationError, match="JWT is expired"):
        await api("get", "x")
    assert len(recorder.requests) == 1
    assert recorder.requests[0].headers["Authorization"] == f"Bearer {STATIC_TOKEN}"


async def test_static_token_is_sent(api_factory: ApiFactory) -> None:
    recorder = Recorder()
    api = api_factory(recorder, access_token=STATIC_TOKEN)
    await api("get", "a")
    assert recorder.token_requests == []
    assert recorder.api_requests[0].headers["Authorization"] == f"Bearer {STATIC_TOKEN}"


@pytest.mark.parametrize(
    ("response", "expected_status", "expected_text"),
    [
        (
            lambda: httpx.Response(
                400, json={"error": "invalid_client", "error_description": "Bad credentials"}
            ),
            400,
            "Bad credentials",
        ),
        (
            lambda: httpx.Response(
                401, json={"error": "unauthorized", "error_description": "Full authentication"}
            ),
            401,
            "Full",
        ),
        (lambda: httpx.Response(500, text="<html>Internal Server Error</html>"), 500, "refused"),
        (lambda: httpx.Response(503, json={"message": "Service Unavailable"}), 503, "Service Unavailable"),
        (lambda: httpx.Response(429, json={"message": "Rate Limit Exceeded"}), 429, "Rate Limit Exceeded"),
        (lambda: httpx.Response(200, text="<html>login page</html>"), 200, "not JSON"),
        (lambda: httpx.Response(200, content=b""), 200, "not JSON"),
        (lambda: httpx.Response(200, json=["access_token"]), 200, "not an object"),
        (
            lambda: httpx.Response(200, json={"token_type": "bearer", "expires_in": 749}),
            200,
            "without an access_token",
        ),
        (lambda: httpx.Response(200, json={"access_token": None}), 200, "without an access_token"),
        (lambda: httpx.Response(200, json={"access_token": 12345}), 200, "without an access_token"),
        (lambda: httpx.Response(200, json={"access_token": "abc", "token_type": "mac"}), 200, "token_type"),
        (lambda: httpx.Response(200, json={"access_token": "tök\n"}), 200, "cannot go in a header"),
    ],
    ids=[
        "400-invalid-client",
        "401",
        "500-html",
        "503",
        "429",
        "200-html",
        "200-empty",
        "200-array",
        "200-no-token",
        "200-null-token",
        "200-number-token",
        "200-wrong-type",
        "200-non-ascii-token",
    ],
)
async def test_token_endpoint_failure_raises_at_once(
    api_factory: ApiFactory, response: Any, expected_status: int, expected_text: str
) -> None:
    recorder = Recorder(token=lambda r: response())
    api = api_factory(recorder)
    with pytest.raises(AuthenticationError) as info:
        await api("create", {"name": "n"})
    error = info.value
    assert error.status_code == expected_status
    assert expected_text in str(error)
    assert error.url == TOKEN_URL
    assert recorder.api_requests == []  # the API was never called
    # Asking for a token again is always safe: 429 and 503 are retried like a GET (3 attempts by
    # default), and the error says so; anything else is not retried.
    retried = expected_status in (429, 503)
    assert len(recorder.token_requests) == (3 if retried else 1)
    assert error.attempts == (3 if retried else 1)
    assert ("after 3 attempts" in str(error)) is retried
    assert CLIENT_SECRET not in str(error)


async def test_token_error_echoing_the_secret_is_scrubbed(api_factory: ApiFactory) -> None:
    body = {"error": "invalid_client", "error_description": f"client_secret {CLIENT_SECRET} is wrong"}
    api = api_factory(Recorder(token=lambda r: httpx.Response(400, json=body)))
    with pytest.raises(AuthenticationError) as info:
        await api("get", "x")
    assert CLIENT_SECRET not in str(info.value)
    assert CLIENT_SECRET not in repr(info.value.messages)
    assert "***" in str(info.value)


async def test_missing_expires_in_keeps_token_until_401(api_factory: ApiFactory) -> None:
    clock = Clock()
    tokens = Tokens(expires_in=None)
    answers = iter([200, 200, 401, 200])

    def api_handler(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        return httpx.Response(status, json=INTEGRATION if status == 200 else {"error": "expired"})

    api = api_factory(Recorder(api=api_handler, token=tokens))
    _with_clock(api, clock)
    await api("get", "x")
    clock.now += 10**9
    await api("get", "x")
    assert tokens.issued == 1
    await api("get", "x")  # 401 -> renew -> 200
    assert tokens.issued == 2


def test_fifty_threads_with_an_expired_token_make_one_token_request() -> None:
    clock = Clock()
    issued = []
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            with lock:
                issued.append(request)
            # Hold the token request open so the other threads pile up on the lock.
            time.sleep(0.05)
            return token_response(f"token-{len(issued)}")
        return httpx.Response(200, json=INTEGRATION)

    client = SimIntegrationsClient(
        "https://acme.api.identitynow.com",
        CLIENT_ID,
        CLIENT_SECRET,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    client.auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, TOKEN_URL, clock=clock)
    client.get("warm-up")
    assert len(issued) == 1
    clock.now += 10_000  # expired
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            client.get("x")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(issued) == 2


async def test_fifty_tasks_with_an_expired_token_make_one_token_request() -> None:
    clock = Clock()
    issued: list[httpx.Request] = []
    api_calls: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            issued.append(request)
            # Yield to the loop so the other tasks reach the lock while this one holds it.
            await asyncio.sleep(0.01)
            return token_response(f"token-{len(issued)}")
        api_calls.append(request.headers["Authorization"])
        await asyncio.sleep(0)
        return httpx.Response(200, json=INTEGRATION)

    client = AsyncSimIntegrationsClient(
        "https://acme.api.identitynow.com",
        CLIENT_ID,
        CLIENT_SECRET,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    client.auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, TOKEN_URL, clock=clock)
    await client.get("warm-up")
    clock.now += 10_000
    await asyncio.gather(*(client.get("x") for _ in range(50)))
    assert len(issued) == 2
    assert api_calls[1:] == ["Bearer token-2"] * 50


def test_async_lock_per_event_loop() -> None:
    # One auth object used from two event loops in turn (e.g. two asyncio.run calls) must not fail
    # with "bound to a different event loop".
    clock = Clock()
    client = AsyncSimIntegrationsClient(
        "https://acme.api.identitynow.com",
        CLIENT_ID,
        CLIENT_SECRET,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(Recorder())),
    )
    client.auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, TOKEN_URL, clock=clock)
    asyncio.run(client.get("a"))
    clock.now += 10_000
    asyncio.run(client.get("b"))
    assert client.auth.token_requests == 2


async def test_token_requests_use_the_users_transport(api_factory: ApiFactory) -> None:
    recorder = Recorder()
    api = api_factory(recorder)
    await api("get", "a")
    assert [r.url.path for r in recorder.requests] == ["/oauth/token", "/v2025/sim-integrations/a"]
    assert recorder.requests[1].headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


def test_custom_token_url() -> None:
    recorder = Recorder()
    client = SimIntegrationsClient(
        "https://acme.api.identitynow.com",
        CLIENT_ID,
        CLIENT_SECRET,
        token_url="https://login.example.com/oauth/token",
        http_client=httpx.Client(transport=httpx.MockTransport(recorder)),
    )
    client.get("a")
    assert str(recorder.requests[0].url) == "https://login.example.com/oauth/token"
