"""Auth behaviour found untested by mutation testing (issue 15): token requests, lifetimes, reasons, budgets."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Generator
from typing import Any

import httpx
import pytest

from sailpoint_sim import (
    AsyncSimIntegrationsClient,
    AuthenticationError,
    ClientCredentialsAuth,
    SimIntegrationsClient,
    StaticTokenAuth,
)
from sailpoint_sim._auth import LONGEST_TOKEN_LIFETIME, _status_reason, budget_key, token_lifetime
from sailpoint_sim._redact import MASK

from .helpers import (
    ACCESS_TOKEN,
    BASE,
    CLIENT_ID,
    CLIENT_SECRET,
    INTEGRATION,
    STATIC_TOKEN,
    TOKEN_URL,
    ApiFactory,
    Recorder,
    token_response,
)
from .test_facade_auth import Clock, b_renews_on_schedule_then_everything_is_revoked, race


def _api_request(**kwargs: Any) -> httpx.Request:
    return httpx.Request("GET", "https://acme.api.identitynow.com/v2025/sim-integrations/x", **kwargs)


def _drive(
    flow: Generator[httpx.Request, httpx.Response, None], *answers: httpx.Response
) -> list[httpx.Request]:
    """Run an auth flow by hand, the way httpx does: each answer goes back for the request it yielded."""
    sent = [next(flow)]
    for answer in answers:
        try:
            sent.append(flow.send(answer))
        except StopIteration:
            break
    return sent


# -- StaticTokenAuth ---------------------------------------------------------------------------------------
def test_static_token_auth_flow_adds_the_bearer_header() -> None:
    # auth_flow is httpx.Auth's documented entry point; a wrapper of the user's may call it directly.
    auth = StaticTokenAuth(STATIC_TOKEN)
    [sent] = _drive(auth.auth_flow(_api_request()), httpx.Response(200))
    assert sent.headers["Authorization"] == f"Bearer {STATIC_TOKEN}"
    assert auth.secret_values() == (STATIC_TOKEN,)
    assert budget_key(auth) == 0


# -- the token request -------------------------------------------------------------------------------------
async def test_token_request_asks_for_json_and_carries_the_clients_user_agent(
    api_factory: ApiFactory,
) -> None:
    recorder = Recorder()
    api = api_factory(recorder)
    await api("get", "x")
    await api.close()
    [token_request] = recorder.token_requests
    assert token_request.headers["Accept"] == "application/json"
    user_agent = recorder.api_requests[0].headers["User-Agent"]
    assert user_agent
    assert token_request.headers["User-Agent"] == user_agent


def test_token_request_of_a_bare_request_has_no_user_agent_and_no_timeout() -> None:
    # Driven by hand with a request that has neither (no httpx client added them): nothing is invented.
    auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, TOKEN_URL)
    request = _api_request()
    token_request, api_request = _drive(auth.sync_auth_flow(request), token_response(), httpx.Response(200))
    assert token_request.method == "POST"
    assert token_request.headers["User-Agent"] == ""
    assert "timeout" not in token_request.extensions
    assert api_request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


# -- token answers -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("token_type", [None, "Bearer", "BEARER"])
async def test_token_type_may_be_missing_or_any_case_of_bearer(
    api_factory: ApiFactory, token_type: Any
) -> None:
    body = {"access_token": ACCESS_TOKEN, "expires_in": 749}
    if token_type is not None:
        body["token_type"] = token_type
    recorder = Recorder(token=lambda request: httpx.Response(200, json=body))
    api = api_factory(recorder)
    await api("get", "x")
    await api.close()
    assert recorder.api_requests[0].headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>login</html>", "the token endpoint answered a body that is not JSON"),
        ([ACCESS_TOKEN], "the token endpoint answered JSON that is not an object"),
        ({"access_token": ""}, "the token endpoint answered without an access_token"),
        ({"access_token": "abc", "token_type": 5}, "unsupported token_type '5'"),
        ({"access_token": "abc", "token_type": "x" * 50}, "unsupported token_type '" + "x" * 40 + "'"),
        (
            {"access_token": "abc def-UNSAFE"},
            "the token endpoint answered an access_token that cannot go in a header",
        ),
    ],
    ids=["not-json", "array", "empty-token", "number-type", "long-type", "unsafe-token"],
)
async def test_unusable_token_answers_say_why(api_factory: ApiFactory, body: Any, reason: str) -> None:
    token = body.get("access_token") if isinstance(body, dict) else None

    def answer(request: httpx.Request) -> httpx.Response:
        if isinstance(body, bytes):
            return httpx.Response(200, content=body)
        # A token the client refuses is still a token: echoed in a header, it is masked too.
        return httpx.Response(200, json=body, headers={"X-Echo": token or "none"})

    api = api_factory(Recorder(token=answer))
    with pytest.raises(AuthenticationError) as info:
        await api("get", "x")
    await api.close()
    assert info.value.messages == [reason]
    assert info.value.body == ""  # a 2xx token answer is never quoted
    if token:
        assert info.value.headers["x-echo"] == MASK


def test_a_reason_the_server_also_gave_is_said_once() -> None:
    reason = _status_reason(400)
    auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, TOKEN_URL)
    answer = httpx.Response(400, json={"message": reason}, request=httpx.Request("POST", TOKEN_URL))
    with pytest.raises(AuthenticationError) as info:
        _drive(auth.sync_auth_flow(_api_request()), answer)
    assert info.value.messages == [reason]


@pytest.mark.parametrize(("status", "quoted"), [(201, False), (300, True)])
def test_only_a_2xx_token_answer_is_never_quoted(status: int, quoted: bool) -> None:
    # A 2xx answer may hold a token even when it is unusable; a 3xx is an error page like any other.
    auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, TOKEN_URL)
    answer = httpx.Response(status, text="page text", request=httpx.Request("POST", TOKEN_URL))
    with pytest.raises(AuthenticationError) as info:
        _drive(auth.sync_auth_flow(_api_request()), answer)
    assert info.value.body == ("page text" if quoted else "")


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (201, "the token endpoint answered an unexpected status (201 Created)"),
        (299, "the token endpoint answered an unexpected status (299)"),
        (300, "the token endpoint answered a redirect (300 Multiple Choices), which is never followed"),
        (302, "the token endpoint answered a redirect (302 Found), which is never followed"),
        (399, "the token endpoint answered a redirect (399), which is never followed"),
        (400, "the token endpoint refused the client credentials"),
        (401, "the token endpoint refused the client credentials"),
        (402, "the token endpoint answered an unexpected status (402 Payment Required)"),
        (403, "the token endpoint refused the client credentials"),
        (404, "the token endpoint was not found (check the base URL or token_url)"),
        (429, "the token endpoint is rate-limited (too many token requests); try again later"),
        (499, "the token endpoint answered an unexpected status (499)"),
        (500, "the token endpoint failed with a server error (500 Internal Server Error)"),
        (599, "the token endpoint failed with a server error (599)"),
        (600, "the token endpoint answered an unexpected status (600)"),
    ],
)
def test_each_token_endpoint_status_has_its_reason(status: int, reason: str) -> None:
    assert _status_reason(status) == reason


# -- token lifetimes ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("expires_in", "seconds"),
    [
        (1, 1.0),
        (749, 749.0),
        (86399, 86399.0),
        (86400, 86400.0),
        (86401, LONGEST_TOKEN_LIFETIME),
        (0.5, 0.5),
        (1.0, 1.0),
        ("749", 749.0),
        ("0.25", 0.25),
        (86400.5, LONGEST_TOKEN_LIFETIME),
        (True, None),
        (False, None),
        (None, None),
        (0, None),
        (0.0, None),
        ("0", None),
        (-1, None),
        ("-0.5", None),
        ("NaN", None),
        ("soon", None),
    ],
)
def test_token_lifetime_reads_seconds_up_to_a_day(expires_in: Any, seconds: float | None) -> None:
    lifetime = token_lifetime(expires_in)
    assert lifetime == seconds
    assert lifetime is None or type(lifetime) is float


async def test_the_token_is_renewed_exactly_at_the_margin(api_factory: ApiFactory) -> None:
    clock = Clock()
    recorder = Recorder()
    api = api_factory(recorder)
    api.client.auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, TOKEN_URL, clock=clock)
    await api("get", "x")
    clock.now += 749 - 60 - 0.5
    await api("get", "x")
    assert len(recorder.token_requests) == 1
    clock.now += 0.5  # exactly 60 s (the default margin) before expiry
    await api("get", "x")
    await api.close()
    assert len(recorder.token_requests) == 2


# -- budgets and remembered tokens -------------------------------------------------------------------------
def test_the_calls_waiting_for_the_first_token_count_against_its_budget() -> None:
    clock = Clock()
    auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, TOKEN_URL, clock=clock)
    assert budget_key(auth) == 1  # before any token: the serial the first token will get
    _drive(auth.sync_auth_flow(_api_request()), token_response(), httpx.Response(200))
    assert budget_key(auth) == 1
    clock.now += 749  # due for renewal: the next token's budget
    assert budget_key(auth) == 2


def test_secret_values_hold_the_secret_and_the_three_newest_tokens() -> None:
    clock = Clock()
    auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, TOKEN_URL, clock=clock)
    for n in range(1, 5):
        _drive(auth.sync_auth_flow(_api_request()), token_response(f"token-{n}"), httpx.Response(200))
        clock.now += 749
    assert auth.token_requests == 4
    # A request may still carry the previous token, so a few are kept; not every token ever issued.
    assert auth.secret_values() == (CLIENT_SECRET, "token-2", "token-3", "token-4")


# -- the 401 rule --------------------------------------------------------------------------------------------
async def test_a_token_renewed_for_an_earlier_401_does_not_vouch_for_a_later_scheduled_one(
    api_factory: ApiFactory,
) -> None:
    # token-2 was obtained because of a 401 before A was sent with it. While A is in flight, B renews on
    # schedule (token-3), then the tenant revokes everything. token-3 says nothing about A's refusal: A
    # renews itself (token-4) instead of resending token-3.
    api, server, clock = race(api_factory)
    await api("get", "warm-up")
    server.valid.discard("token-1")
    await api("get", "c")  # 401 -> token-2
    server.while_a_in_flight = b_renews_on_schedule_then_everything_is_revoked(api, server, clock)
    await api("get", "a")
    await api.close()
    assert server.a_seen == ["Bearer token-2", "Bearer token-4"]
    assert server.issued == 4


class _RenewalRace:
    """A tenant where call B's 401 renewal is in progress when call A starts with a stale token.

    B is refused token-1 (and token-1 falls due meanwhile); while B asks for token-2, A starts, finds
    token-1 stale and waits for B's renewal, then sends token-2, which the tenant refuses for A. That
    token-2 was obtained because of a 401 proves nothing about A's refusal: A carried token-2 itself.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.issued = 0
        self.a_seen: list[str] = []
        self.start_a: Any = None

    def token(self) -> httpx.Response:
        self.issued += 1
        return token_response(f"token-{self.issued}")

    def api(self, request: httpx.Request) -> httpx.Response:
        value = request.headers["Authorization"]
        if request.url.path.endswith("/b") and value == "Bearer token-1":
            self.clock.now += 700  # token-1 is now due for renewal
            return httpx.Response(401, json={"error": "expired"})
        if request.url.path.endswith("/a"):
            self.a_seen.append(value)
            if value == "Bearer token-2":
                return httpx.Response(401, json={"error": "revoked"})
        return httpx.Response(200, json=INTEGRATION)


def test_a_token_renewed_for_a_401_while_a_thread_waited_is_not_trusted_for_its_own_401() -> None:
    clock = Clock()
    race = _RenewalRace(clock)
    threads: list[threading.Thread] = []
    results: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            if race.issued == 1:  # B's renewal, under the auth's lock: A starts and waits for it
                thread = threading.Thread(target=lambda: results.append(client.get("a")))
                threads.append(thread)
                thread.start()
                time.sleep(0.2)
            return race.token()
        return race.api(request)

    client = SimIntegrationsClient(
        BASE, CLIENT_ID, CLIENT_SECRET, http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    client.auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, TOKEN_URL, clock=clock)
    client.get("warm-up")
    client.get("b")
    threads[0].join()
    client.close()
    assert [result.id for result in results] == [INTEGRATION["id"]]
    assert race.a_seen == ["Bearer token-2", "Bearer token-3"]
    assert race.issued == 3


async def test_a_token_renewed_for_a_401_while_a_task_waited_is_not_trusted_for_its_own_401() -> None:
    clock = Clock()
    race = _RenewalRace(clock)
    tasks: list[asyncio.Task[Any]] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            if race.issued == 1:  # B's renewal, under the auth's lock: A starts and waits for it
                tasks.append(asyncio.create_task(client.get("a")))
                for _ in range(20):
                    await asyncio.sleep(0)
            return race.token()
        return race.api(request)

    client = AsyncSimIntegrationsClient(
        BASE, CLIENT_ID, CLIENT_SECRET, http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler))
    )
    client.auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, TOKEN_URL, clock=clock)
    await client.get("warm-up")
    await client.get("b")
    result = await tasks[0]
    await client.aclose()
    assert result.id == INTEGRATION["id"]
    assert race.a_seen == ["Bearer token-2", "Bearer token-3"]
    assert race.issued == 3


async def test_the_first_call_does_not_trust_a_scheduled_renewal_for_its_401(api_factory: ApiFactory) -> None:
    # As test_401_after_a_scheduled_renewal_renews_itself, with A the client's very first call: no
    # token had been obtained because of a 401 yet, so none may be trusted.
    api, server, clock = race(api_factory)
    server.while_a_in_flight = b_renews_on_schedule_then_everything_is_revoked(api, server, clock)
    await api("get", "a")
    await api.close()
    assert server.a_seen == ["Bearer token-1", "Bearer token-3"]
    assert server.issued == 3
