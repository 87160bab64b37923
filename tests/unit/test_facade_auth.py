"""Auth flows on both clients: caching, expiry, 401 renewal, concurrency, token endpoint failures."""

from __future__ import annotations

import asyncio
import json
import math
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
    ResponseTooLargeError,
    SimIntegrationsClient,
)
from tests.support.threads import run_in_threads

from .helpers import (
    ACCESS_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    INTEGRATION,
    STATIC_TOKEN,
    TOKEN_URL,
    Api,
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
        if isinstance(self.expires_in, float) and not math.isfinite(self.expires_in):
            # NaN and Infinity as Python's json writes them (httpx refuses to): what a sloppy server sends.
            body = {
                "access_token": f"token-{self.issued}",
                "token_type": "bearer",
                "expires_in": self.expires_in,
            }
            return httpx.Response(
                200, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
            )
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
        (lambda: httpx.Response(500, text="<html>Internal Server Error</html>"), 500, "server error"),
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

    run_in_threads([worker] * 50)
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


# -- token lifetimes that are not a plain number of seconds (issue 10, defect 6) -------------------


@pytest.mark.parametrize(
    "expires_in",
    [
        10**400,
        "1e999",
        "inf",
        "-inf",
        float("inf"),
        float("nan"),
        "NaN",
        -5,
        0,
        "0",
        1e308,
        "9" * 400,
        [],
        {},
        True,
    ],
    ids=lambda v: type(v).__name__ + ":" + str(v)[:12],
)
async def test_any_token_lifetime_is_used_never_a_crash(api_factory: ApiFactory, expires_in: Any) -> None:
    tokens = Tokens(expires_in=expires_in)
    recorder = Recorder(token=tokens)
    api = api_factory(recorder)
    for _ in range(3):
        await api("get", "x")
    # One token, kept: an unusable lifetime is never a reason to ask for a token on every call.
    assert tokens.issued == 1
    assert [r.headers["Authorization"] for r in recorder.api_requests] == ["Bearer token-1"] * 3


@pytest.mark.parametrize("expires_in", [10**400, "1e999", "inf", float("inf"), 1e308, 10**9])
async def test_huge_token_lifetime_is_clamped_to_a_day(api_factory: ApiFactory, expires_in: Any) -> None:
    from sailpoint_sim._auth import LONGEST_TOKEN_LIFETIME

    clock = Clock()
    tokens = Tokens(expires_in=expires_in)
    api = api_factory(Recorder(token=tokens))
    _with_clock(api, clock)
    await api("get", "x")
    clock.now += LONGEST_TOKEN_LIFETIME - 60 - 1
    await api("get", "x")
    assert tokens.issued == 1
    clock.now += 2  # a day, less the margin: renewed, however long the token endpoint said
    await api("get", "x")
    assert tokens.issued == 2


@pytest.mark.parametrize("expires_in", [-5, 0, "-inf", float("nan"), "soon", -(10**400)])
async def test_unusable_token_lifetime_is_kept_until_a_401(api_factory: ApiFactory, expires_in: Any) -> None:
    clock = Clock()
    tokens = Tokens(expires_in=expires_in)
    answers = iter([200, 200, 401, 200])

    def api_handler(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        return httpx.Response(status, json=INTEGRATION if status == 200 else {"error": "expired"})

    api = api_factory(Recorder(api=api_handler, token=tokens))
    _with_clock(api, clock)
    await api("get", "x")
    clock.now += 10**7
    await api("get", "x")
    assert tokens.issued == 1
    await api("get", "x")  # 401 -> renew -> 200
    assert tokens.issued == 2


# -- the 401 race (issue 10, defect 11) ------------------------------------------------------------
#
# A call ("A") is in flight with token-1 while another call ("B") of the same client runs inside the
# transport, before A's answer: the transport handler plays the server and the other caller. Which token
# B obtains, and why, decides what A may do with its 401.


class Server:
    """Plays the tenant: tokens it accepts, and a hook run while the first request for ``/a`` is in flight."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.valid: set[str] = set()
        self.issued = 0
        self.while_a_in_flight: Any = None
        self.a_seen: list[str] = []

    def token(self, request: httpx.Request) -> httpx.Response:
        self.issued += 1
        value = f"token-{self.issued}"
        self.valid.add(value)
        return token_response(value)

    def answer(self, request: httpx.Request) -> httpx.Response:
        value = request.headers["Authorization"].removeprefix("Bearer ")
        if value in self.valid:
            return httpx.Response(200, json=INTEGRATION)
        return httpx.Response(401, json={"error": "JWT validation failed", "error_description": "revoked"})

    def api_handler(self, request: httpx.Request) -> Any:
        if not request.url.path.endswith("/a"):
            return self.answer(request)
        self.a_seen.append(request.headers["Authorization"])
        if len(self.a_seen) > 1 or self.while_a_in_flight is None:
            return self.answer(request)
        hook = self.while_a_in_flight
        if self.api.is_async:

            async def later() -> httpx.Response:
                await hook()
                return self.answer(request)

            return later()
        _run_sync(hook())
        return self.answer(request)


def _run_sync(coroutine: Any) -> None:
    # The hook is written once as a coroutine; with the sync client every await inside it completes at
    # once (api(...) calls the sync method), so driving it by hand needs no event loop.
    try:
        coroutine.send(None)
    except StopIteration:
        return
    raise AssertionError("the hook awaited something that did not complete")  # pragma: no cover


def race(api_factory: ApiFactory) -> tuple[Api, Server, Clock]:
    clock = Clock()
    recorder = Recorder()
    api = api_factory(recorder)
    _with_clock(api, clock)
    server = Server(api)
    recorder.token = server.token
    recorder.api = server.api_handler
    return api, server, clock


def b_renews_on_schedule_then_everything_is_revoked(api: Api, server: Server, clock: Clock) -> Any:
    """A hook for ``server.while_a_in_flight``: call B finds the token due for renewal (no 401 involved)
    and gets a new one, then the tenant revokes every token."""

    async def hook() -> None:
        clock.now += 700  # past the token's renewal time (749 s - 60 s)
        await api("get", "b")
        server.valid.clear()

    return hook


async def test_401_after_a_scheduled_renewal_renews_itself(api_factory: ApiFactory) -> None:
    # While A is in flight with token-1, B finds token-1 due for renewal and gets token-2 (no 401 involved).
    # Then the tenant revokes both. A's 401 must not end in a resend of token-2 alone: token-2 proves
    # nothing about A's refusal, so A renews itself and succeeds with token-3.
    api, server, clock = race(api_factory)
    await api("get", "warm-up")
    server.while_a_in_flight = b_renews_on_schedule_then_everything_is_revoked(api, server, clock)
    result = await api("get", "a")
    assert result.id == INTEGRATION["id"]
    assert server.a_seen == ["Bearer token-1", "Bearer token-3"]
    assert server.issued == 3


async def test_401_after_another_call_renewed_for_a_401_resends_with_its_token(
    api_factory: ApiFactory,
) -> None:
    # token-1 is revoked while A is in flight; B meets the 401 first and renews (token-2). A resends with
    # token-2 and asks for no token itself: one token request for both refusals.
    api, server, _ = race(api_factory)
    await api("get", "warm-up")

    async def revoke_then_b_renews() -> None:
        server.valid.discard("token-1")
        await api("get", "b")

    server.while_a_in_flight = revoke_then_b_renews
    result = await api("get", "a")
    assert result.id == INTEGRATION["id"]
    assert server.a_seen == ["Bearer token-1", "Bearer token-2"]
    assert server.issued == 2


async def test_401_when_the_fresh_token_is_refused_too_fails_without_another_renewal(
    api_factory: ApiFactory,
) -> None:
    # As above, but token-2 is refused as well: the credentials are no longer accepted. A fails after
    # one resend, with no token request of its own.
    api, server, _ = race(api_factory)
    await api("get", "warm-up")

    async def revoke_b_renews_revoke_again() -> None:
        server.valid.discard("token-1")
        await api("get", "b")
        server.valid.clear()

    server.while_a_in_flight = revoke_b_renews_revoke_again
    with pytest.raises(AuthenticationError, match="revoked") as info:
        await api("get", "a")
    assert info.value.status_code == 401
    assert server.a_seen == ["Bearer token-1", "Bearer token-2"]
    assert server.issued == 2


# -- token endpoint failures say what happened (issue 10, defects 9 and 14) -----------------------


@pytest.mark.parametrize(
    ("status", "body", "says", "never_says"),
    [
        (404, {"message": "Not Found"}, "token endpoint was not found", "refused"),
        (429, {"message": " Rate Limit Exceeded "}, "rate-limited", "refused"),
        (500, "<html>oops</html>", "server error", "refused"),
        (503, {"message": "Service Unavailable"}, "server error", "refused"),
        (
            400,
            {"error": "invalid_client", "error_description": "Bad credentials"},
            "refused the client",
            "found",
        ),
        (
            401,
            {"error": "unauthorized", "error_description": "Full authentication"},
            "refused the client",
            "found",
        ),
        (418, "teapot", "unexpected status", "refused"),
    ],
    ids=["404", "429", "500", "503", "400", "401", "418"],
)
async def test_token_endpoint_errors_say_what_happened(
    api_factory: ApiFactory, status: int, body: Any, says: str, never_says: str
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if isinstance(body, str):
            return httpx.Response(status, text=body)
        return httpx.Response(status, json=body)

    api = api_factory(Recorder(token=answer), max_retries=0)
    with pytest.raises(AuthenticationError) as info:
        await api("get", "x")
    reason = info.value.messages[0]
    assert says in reason and says in str(info.value)
    assert never_says not in reason
    assert info.value.status_code == status
    assert info.value.url == TOKEN_URL and info.value.method == "POST"


async def test_token_endpoint_404_points_at_the_base_url(api_factory: ApiFactory) -> None:
    api = api_factory(
        Recorder(token=lambda r: httpx.Response(404, json={"message": "Not Found"})), max_retries=0
    )
    with pytest.raises(AuthenticationError, match="check the base URL or token_url"):
        await api("get", "x")


async def test_failing_token_endpoint_headers_are_scrubbed(api_factory: ApiFactory) -> None:
    from urllib.parse import quote

    secret = "p@ss/w+rd=S3CRET&x"  # characters that percent-encoding and JSON escaping change

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400,
            json={"error": "invalid_client"},
            headers={
                "X-Echo": secret,
                "X-Echo-Encoded": quote(f"secret={secret}", safe=""),
                "X-Echo-Json": json.dumps(secret).replace("/", "\\/"),
            },
        )

    api = api_factory(Recorder(token=answer), client_secret=secret)
    with pytest.raises(AuthenticationError) as info:
        await api("get", "x")
    shown = repr(info.value.headers) + str(info.value) + repr(info.value.messages) + info.value.body
    for form in (secret, quote(secret, safe=""), quote(secret), json.dumps(secret)[1:-1].replace("/", "\\/")):
        assert form not in shown
    assert "***" in info.value.headers["x-echo"]


async def test_token_answer_that_is_refused_never_quotes_the_token(api_factory: ApiFactory) -> None:
    # A 200 the client cannot use (wrong token_type) still carries a token: it must not reach the error.
    value = "eyJ-UNUSABLE-TOKEN-value-0099"
    answer = httpx.Response(
        200, json={"access_token": value, "token_type": "mac"}, headers={"X-Token": value}
    )
    api = api_factory(Recorder(token=lambda r: answer))
    with pytest.raises(AuthenticationError) as info:
        await api("get", "x")
    shown = repr(info.value.headers) + str(info.value) + repr(info.value.messages) + info.value.body
    assert value not in shown


class _ChallengeAuth(httpx.Auth):
    """A user's own auth that reads the body of the answer (a challenge naming the token to send)."""

    requires_response_body = True

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers["Authorization"] = "Bearer first"
        response = yield request
        self.bodies.append(response.content)
        if response.status_code == 401:
            request.headers["Authorization"] = f"Bearer {response.json()['use']}"
            response = yield request
            self.bodies.append(response.content)


async def test_an_auth_of_ours_that_needs_the_response_body_gets_it(api_factory: ApiFactory) -> None:
    # An httpx.Auth with requires_response_body reads the answer it is handed (the client streams
    # bodies, so it hands the flow a read copy): here a 401 whose body names the token to use.
    def api(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == "Bearer first":
            return httpx.Response(401, json={"use": "second"})
        return httpx.Response(200, json=INTEGRATION)

    client_api = api_factory(Recorder(api=api))
    auth = _ChallengeAuth()
    client_api.client.auth = auth
    got = await client_api("get", "x")
    assert got.id == INTEGRATION["id"]
    assert [r.headers["Authorization"] for r in client_api.recorder.api_requests] == [
        "Bearer first",
        "Bearer second",
    ]
    assert json.loads(auth.bodies[0]) == {"use": "second"}
    assert json.loads(auth.bodies[1]) == INTEGRATION


async def test_a_too_large_answer_read_for_such_an_auth_is_a_typed_error(api_factory: ApiFactory) -> None:
    # The body read for the flow keeps the cap (and a 2xx past it is refused with our error, as always).
    big = {**INTEGRATION, "description": "x" * 5000}
    client_api = api_factory(
        Recorder(api=lambda request: httpx.Response(200, json=big)), max_response_bytes=4096
    )
    client_api.client.auth = _ChallengeAuth()
    with pytest.raises(ResponseTooLargeError, match="max_response_bytes=4096"):
        await client_api("get", "x")


class _BareTokenAuth(httpx.Auth):
    """A user's own auth that fetches its token with a request of its own making (no timeouts on it)."""

    def auth_flow(self, request: httpx.Request) -> Any:
        answer = yield httpx.Request("POST", TOKEN_URL)
        answer.read()
        request.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        yield request


async def test_an_auth_of_ours_may_fetch_its_token_with_a_request_of_its_own(api_factory: ApiFactory) -> None:
    # The client sends the flow's token request (retried like a GET) with the client's timeouts.
    client_api = api_factory(Recorder())
    client_api.client.auth = _BareTokenAuth()
    got = await client_api("get", "x")
    assert got.id == INTEGRATION["id"]
    [token_request] = client_api.recorder.token_requests
    assert token_request.extensions["timeout"] == client_api.client.timeout.as_dict()
    [sent] = client_api.recorder.api_requests
    assert sent.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
