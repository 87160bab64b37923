"""The clients' shared half, found untested by mutation testing (issue 15): what errors and logs say."""

from __future__ import annotations

import inspect
import logging
import ssl
from typing import Any

import httpx
import pytest

from sailpoint_sim import (
    APIConnectionError,
    APITimeoutError,
    AsyncSimIntegrationsClient,
    BadRequestError,
    InvalidRequestError,
    NotFoundError,
    RateLimit,
    RateLimitError,
    RetryPolicy,
    SimIntegrationsClient,
    UnexpectedStatusError,
    UnreadableResponseError,
)
from sailpoint_sim._base import Expect, shared_ssl_context

from .helpers import (
    INTEGRATION,
    PROXY_VARIABLES,
    STATIC_TOKEN,
    Api,
    ApiFactory,
    FailFirst,
    Recorder,
    Sleeps,
    policy,
)
from .test_facade_pacing import paced

BASE = "https://acme.api.identitynow.com"
COLLECTION = f"{BASE}/v2025/sim-integrations"


# -- an unreadable success: the reason says what was wrong ---------------------------------------------


@pytest.mark.parametrize(
    ("method", "content", "reason"),
    [
        ("get", b"<html>", "body is not JSON (JSONDecodeError)"),
        ("get", b"\xff\xfe\x00", "body is not JSON (UnicodeDecodeError)"),
        ("get", b"[" * 100_000, "body is not JSON (RecursionError)"),  # nested past the parser's depth
        ("list", b'{"name": "a"}', "expected a JSON array of integrations"),
        ("list", b'[{"name": "a"}, 3]', "item 1 is not a JSON object"),
        ("get", b"[]", "expected a JSON object (an integration)"),
        ("get", b'{"id": "1"}', "does not fit ServiceDeskIntegrationDto (KeyError: 'name')"),
        (
            "get",
            b'{"name": "a", "created": "' + b"9" * 300 + b'"}',
            "does not fit ServiceDeskIntegrationDto (ValueError: month must be in 1..12)",
        ),
    ],
    ids=["html", "not-utf8", "too-deep", "list-object", "list-item", "get-array", "missing-name", "bad-date"],
)
async def test_an_unreadable_success_names_the_reason_and_the_request(
    api_factory: ApiFactory, method: str, content: bytes, reason: str
) -> None:
    api = api_factory(Recorder(api=lambda request: httpx.Response(200, content=content)), access_token="tok")
    with pytest.raises(UnreadableResponseError) as info:
        await api(method, *(("x",) if method == "get" else ()))
    error = info.value
    assert error.reason == reason
    url = f"{COLLECTION}/x" if method == "get" else COLLECTION
    assert (error.method, error.url, error.status_code, error.content_type) == ("GET", url, 200, "")


async def test_an_unreadable_reason_quotes_at_most_120_characters_of_the_models_complaint(
    api_factory: ApiFactory,
) -> None:
    content = b'{"name": "a", "created": "' + b"x" * 300 + b'"}'
    api = api_factory(Recorder(api=lambda request: httpx.Response(200, content=content)), access_token="tok")
    with pytest.raises(UnreadableResponseError) as info:
        await api("get", "x")
    complaint = "ValueError: " + ("Invalid isoformat string: '" + "x" * 300)[:120]
    assert info.value.reason == f"does not fit ServiceDeskIntegrationDto ({complaint})"


async def test_an_unreadable_excerpt_masks_an_echoed_token(api_factory: ApiFactory) -> None:
    content = f"<html>your token {STATIC_TOKEN} is fine</html>".encode()
    api = api_factory(
        Recorder(
            api=lambda request: httpx.Response(200, content=content, headers={"Content-Type": "text/html"})
        ),
        access_token=STATIC_TOKEN,
    )
    with pytest.raises(UnreadableResponseError) as info:
        await api("get", "x")
    assert info.value.body_excerpt == "<html>your token *** is fine</html>"
    assert info.value.content_type == "text/html"


# -- which statuses are a success ----------------------------------------------------------------------


async def test_299_is_a_success_and_300_is_not(api_factory: ApiFactory) -> None:
    answers = iter([httpx.Response(299, json=INTEGRATION), httpx.Response(300, json=INTEGRATION)])
    api = api_factory(Recorder(api=lambda request: next(answers)), access_token="tok")
    assert (await api("get", "x")).name == INTEGRATION["name"]
    with pytest.raises(UnexpectedStatusError) as info:
        await api("get", "x")
    assert info.value.status_code == 300
    assert str(info.value).endswith("; redirect to (none) not followed (never are)")  # 300 is a redirect


async def test_a_400_with_a_location_header_is_not_called_a_redirect(api_factory: ApiFactory) -> None:
    refused = httpx.Response(400, headers={"Location": "https://elsewhere.example/"}, json={"message": "bad"})
    api = api_factory(Recorder(api=lambda request: refused), access_token="tok")
    with pytest.raises(BadRequestError) as info:
        await api("get", "x")
    assert str(info.value) == f"HTTP 400 Bad Request from GET {COLLECTION}/x: bad"


async def test_a_retried_get_answered_404_is_not_found(api_factory: ApiFactory) -> None:
    """Only a DELETE takes a 404 after an attempt that may have reached the server as done."""
    api = api_factory(
        Recorder(api=FailFirst(httpx.Response(503), then=lambda request: httpx.Response(404))),
        access_token="tok",
    )
    with pytest.raises(NotFoundError):
        await api("get", "x")


async def test_a_retried_delete_answered_404_warns_with_the_attempt_and_the_tracking_id(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    gone = httpx.Response(404, headers={"SLPT-Request-ID": "req-404"})
    api = api_factory(
        Recorder(api=FailFirst(httpx.Response(502), then=lambda request: gone)), access_token="tok"
    )
    caplog.set_level(logging.WARNING, logger="sailpoint_sim")
    assert await api("delete", "x") is None
    assert [r.getMessage() for r in caplog.records if "taken as deleted" in r.getMessage()] == [
        f"DELETE {COLLECTION}/x answered 404 on attempt 2 after an earlier attempt may have reached the "
        "server; taken as deleted (trackingId req-404)"
    ]


async def test_a_retried_delete_answered_404_without_a_tracking_id_says_none(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    api = api_factory(
        Recorder(api=FailFirst(httpx.Response(502), then=lambda request: httpx.Response(404))),
        access_token="tok",
    )
    caplog.set_level(logging.WARNING, logger="sailpoint_sim")
    assert await api("delete", "x") is None
    [warning] = [r.getMessage() for r in caplog.records if "taken as deleted" in r.getMessage()]
    assert warning.endswith("taken as deleted (trackingId none)")


# -- redirects: what the error says --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "shown"),
    [
        ({}, "(none)"),
        ({"Location": f"https://evil.example/?t={STATIC_TOKEN}"}, "https://evil.example/?t=***"),
        ({"Location": "https://x.example/" + "p" * 300}, ("https://x.example/" + "p" * 300)[:200]),
    ],
    ids=["no-location", "echoed-token", "long-location"],
)
async def test_a_redirect_error_says_where_to_masked_and_cut(
    api_factory: ApiFactory, headers: dict[str, str], shown: str
) -> None:
    api = api_factory(
        Recorder(api=lambda request: httpx.Response(302, headers=headers)), access_token=STATIC_TOKEN
    )
    with pytest.raises(UnexpectedStatusError) as info:
        await api("get", "x")
    assert str(info.value) == (
        f"HTTP 302 Found from GET {COLLECTION}/x: (no message); redirect to {shown} not followed (never are)"
    )


async def test_a_status_error_is_logged_at_debug_with_its_tracking_id(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    api = api_factory(
        Recorder(api=lambda request: httpx.Response(404, json={"trackingId": "t-9", "messages": []})),
        access_token="tok",
    )
    caplog.set_level(logging.DEBUG, logger="sailpoint_sim")
    with pytest.raises(NotFoundError):
        await api("get", "x")
    [record] = [r for r in caplog.records if "failed: status" in r.getMessage()]
    assert record.getMessage() == f"GET {COLLECTION}/x failed: status 404, trackingId t-9"
    assert getattr(record, "tracking_id", None) == "t-9"


async def test_a_retry_warning_says_what_failed_which_attempt_and_how_long_it_waits(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    api = api_factory(
        Recorder(
            api=FailFirst(httpx.Response(503), then=lambda request: httpx.Response(200, json=INTEGRATION))
        ),
        access_token="tok",
    )
    caplog.set_level(logging.WARNING, logger="sailpoint_sim")
    await api("get", "x")
    [record] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert record.getMessage() == (
        f"GET {COLLECTION}/x failed with 503 Service Unavailable (attempt 1/3, trackingId none); "
        "retrying in 0.50 s"
    )
    assert getattr(record, "tracking_id", "unset") is None


# -- a call ended by close() -------------------------------------------------------------------------


async def test_a_call_whose_client_is_closed_while_it_waits_names_the_request(
    api_factory: ApiFactory,
) -> None:
    """close() during the wait between attempts: the error says which call was not completed."""
    apis: list[Api] = []

    def close_now(seconds: float) -> None:
        client = apis[0].client
        assert isinstance(client, SimIntegrationsClient)
        client.close()

    async def aclose_now(seconds: float) -> None:
        await apis[0].close()

    retry = RetryPolicy(sleep=close_now, async_sleep=aclose_now, jitter=False)
    apis.append(
        api_factory(Recorder(api=lambda request: httpx.Response(503)), access_token="tok", retry=retry)
    )
    with pytest.raises(APIConnectionError) as info:
        await apis[0]("get", "x")
    assert str(info.value) == f"the client was closed during GET {COLLECTION}/x; the call was not completed"
    assert (info.value.method, info.value.url) == ("GET", f"{COLLECTION}/x")


# -- reprs -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [SimIntegrationsClient, AsyncSimIntegrationsClient])
def test_a_client_repr_shows_its_settings_and_no_secret(cls: Any) -> None:
    client = cls(BASE, access_token=STATIC_TOKEN)
    assert repr(client) == (
        f"{cls.__name__}(base_url={BASE!r}, api_version='v2025', layout={client.layout!r}, "
        f"auth={client.auth!r}, retry={client.retry!r}, patch_format={client.patch_format!r})"
    )
    assert STATIC_TOKEN not in repr(client)


def test_a_half_built_client_still_has_a_repr() -> None:
    # A subclass whose __init__ raised before the settings were stored: a debugger or log shows it.
    client = SimIntegrationsClient.__new__(SimIntegrationsClient)
    assert repr(client) == (
        "SimIntegrationsClient(base_url=None, api_version=None, layout=None, auth=None, retry=None, "
        "patch_format=None)"
    )


@pytest.mark.parametrize("cls", [SimIntegrationsClient, AsyncSimIntegrationsClient])
def test_the_timeout_default_reads_not_given_in_help(cls: Any) -> None:
    assert str(inspect.signature(cls).parameters["timeout"]).endswith(" = NOT_GIVEN")


# -- unreadable successes of every operation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("create", ({"name": "n"},)),
        ("update", ("x", {"name": "n"})),
        ("patch", ("x", [{"op": "remove", "path": "/a"}])),
        ("patch_before_provisioning_rule", ("x", [{"op": "remove", "path": "/a"}])),
    ],
)
async def test_every_write_expects_one_integration_back(
    api_factory: ApiFactory, method: str, args: Any
) -> None:
    api = api_factory(
        Recorder(api=lambda request: httpx.Response(200, json=[INTEGRATION])), access_token="tok"
    )
    with pytest.raises(UnreadableResponseError) as info:
        await api(method, *args)
    assert info.value.reason == "expected a JSON object (an integration)"


# -- what our own httpx client sends -------------------------------------------------------------------


@pytest.mark.parametrize("cls", [SimIntegrationsClient, AsyncSimIntegrationsClient])
async def test_our_own_client_asks_for_json_and_names_itself(cls: Any) -> None:
    from sailpoint_sim import __version__

    recorder = Recorder()
    client = cls(BASE, access_token="tok")
    assert client._transport is not None  # the direct path: our headers, not a given client's
    client._transport = httpx.MockTransport(recorder)
    result = client.get("x")
    if inspect.isawaitable(result):
        await result
    [sent] = recorder.api_requests
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["User-Agent"] == f"sailpoint-sim/{__version__} httpx/{httpx.__version__}"


def test_every_client_shares_one_verifying_tls_context(monkeypatch: pytest.MonkeyPatch) -> None:
    import sailpoint_sim._base

    monkeypatch.setattr(sailpoint_sim._base, "_SSL_CONTEXTS", [])  # as in a fresh process: none built yet
    context = shared_ssl_context()
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert shared_ssl_context() is context


# -- a 429 holds the client's other calls -------------------------------------------------------------


async def test_a_429_without_retry_after_holds_the_others_for_the_backoff(api_factory: ApiFactory) -> None:
    api, clock, tenant = paced(api_factory, RateLimit(100, 10.0), answers=[httpx.Response(429)])
    started = clock.now

    async def call_b() -> None:
        await api("get", "b")

    clock.during_next_sleep = call_b
    await api("get", "a")
    # A waits its backoff (0.5 s) to retry; B, started meanwhile, waits for the same moment.
    assert tenant.sent_at == [started, started + 0.5, started + 0.5]


async def test_a_final_429_at_exactly_retry_after_max_still_holds_the_others(api_factory: ApiFactory) -> None:
    too_many = httpx.Response(429, headers={"Retry-After": "4"})
    api, clock, tenant = paced(
        api_factory, RateLimit(100, 10.0), answers=[too_many], retry=None, max_retries=0
    )
    api.client.retry = RetryPolicy(
        max_retries=0, retry_after_max=4.0, sleep=clock.sleep, async_sleep=clock.async_sleep, jitter=False
    )
    with pytest.raises(RateLimitError):
        await api("get", "a")
    started = clock.now
    await api("get", "b")
    assert tenant.sent_at[1] == started + 4.0


async def test_a_final_429_past_retry_after_max_holds_nobody(api_factory: ApiFactory) -> None:
    """Pins: a wait nobody would sleep is not imposed on the other calls either."""
    too_many = httpx.Response(429, headers={"Retry-After": "5"})
    api, clock, tenant = paced(
        api_factory, RateLimit(100, 10.0), answers=[too_many], retry=None, max_retries=0
    )
    api.client.retry = RetryPolicy(
        max_retries=0, retry_after_max=4.0, sleep=clock.sleep, async_sleep=clock.async_sleep, jitter=False
    )
    with pytest.raises(RateLimitError):
        await api("get", "a")
    started = clock.now
    await api("get", "b")
    assert tenant.sent_at[1] == started


async def test_without_a_rate_limit_a_retry_waits_only_its_backoff(api_factory: ApiFactory) -> None:
    sleeps = Sleeps()
    api = api_factory(
        Recorder(
            api=FailFirst(httpx.Response(503), then=lambda request: httpx.Response(200, json=INTEGRATION))
        ),
        access_token="tok",
        rate_limit=None,
        retry=policy(sleeps),
    )
    assert (await api("get", "x")).name == INTEGRATION["name"]
    assert sleeps == [0.5]


# -- the request builder's last line of defence -------------------------------------------------------
# The public methods validate ids and bodies first; these pin what _prepare does with whatever slips by.


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"method": "post", "url": "/sim-integrations", "headers": {}, "json": {"a": float("nan")}},
            "cannot build the request: ValueError: Out of range float values are not JSON compliant",
        ),
        (
            {"method": "get", "url": "/sim-integrations/x\n", "headers": {}},
            "cannot build the request: InvalidURL: Invalid non-printable ASCII character in URL, '\\n' at",
        ),
        (
            {"method": "get", "url": "/sim-integrations/../x", "headers": {}},
            "the id would take the request outside /sim-integrations",
        ),
    ],
    ids=["nan", "newline", "dot-dot"],
)
def test_a_request_that_cannot_be_built_safely_is_refused(kwargs: dict[str, Any], message: str) -> None:
    client = SimIntegrationsClient(BASE, access_token="tok")
    with pytest.raises(InvalidRequestError) as info:
        client._prepare(kwargs, Expect.ONE)
    assert str(info.value).startswith(message)


# -- pacing: what a wait says ----------------------------------------------------------------------------


async def test_a_pacing_wait_past_the_deadline_says_how_long_it_would_have_been(
    api_factory: ApiFactory,
) -> None:
    api, _clock, _tenant = paced(api_factory, RateLimit(1, 10.0), deadline=5.0)
    await api("get", "1")
    with pytest.raises(APITimeoutError) as info:
        await api("get", "2")
    assert str(info.value) == (
        "deadline of 5 s passed before the request could be sent (10.20 s to wait for the rate limit) "
        f"during GET {COLLECTION}/2 (attempt 1)"
    )


async def test_a_pacing_wait_is_logged_with_the_call_and_the_limit(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    api, _clock, _tenant = paced(api_factory, RateLimit(1, 2.0))
    caplog.set_level(logging.DEBUG, logger="sailpoint_sim")
    await api("get", "1")
    await api("get", "2")
    assert [r.getMessage() for r in caplog.records if "rate limit" in r.getMessage()] == [
        f"GET {COLLECTION}/2: waiting 2.04 s for the rate limit (1 per 2 s)"
    ]


# -- building requests on the direct path ----------------------------------------------------------------


@pytest.fixture
def direct(monkeypatch: pytest.MonkeyPatch) -> SimIntegrationsClient:
    """Our own sync client with no proxy in the environment: it builds requests for the direct path."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    client = SimIntegrationsClient(BASE, access_token=STATIC_TOKEN)
    assert client._transport is not None
    return client


def test_a_repeated_url_is_parsed_once(
    direct: SimIntegrationsClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Parsing a URL is the largest cost of building a request: the same id's URL is parsed once.
    parsed: list[str] = []

    class CountingURL(httpx.URL):
        def __init__(self, url: Any = "", **kwargs: Any) -> None:
            parsed.append(str(url))
            super().__init__(url, **kwargs)

    monkeypatch.setattr(httpx, "URL", CountingURL)
    urls = {str(direct._prepare_get("abc").request.url) for _ in range(3)}
    assert urls == {f"{COLLECTION}/abc"}
    assert parsed == [f"{COLLECTION}/abc"]


@pytest.mark.parametrize("ident", ["abc", "a b%", "ü/?#"])
def test_the_url_a_call_names_is_the_one_it_sends_to_written_out_once(
    ident: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Errors and logs name prepared.url: httpx's own text of the request URL (host lower-cased, the id
    # percent-encoded), kept with the cached URL instead of written out on every call.
    client = SimIntegrationsClient("https://ACME.api.IdentityNow.com", access_token="tok")
    first = client._prepare_get(ident)
    assert first.url == str(first.request.url)
    assert first.url.startswith("https://acme.api.identitynow.com/v2025/sim-integrations/")
    monkeypatch.setattr(httpx.URL, "__str__", lambda self: pytest.fail("URL written out again"))
    assert client._prepare_get(ident).url == first.url


def test_a_users_client_default_query_is_in_the_url_a_call_names() -> None:
    # Through a client of the user's, build_request adds its default params: errors and logs name the URL
    # that goes out, query included.
    with httpx.Client(params={"trace": "1"}) as http:
        client = SimIntegrationsClient(BASE, access_token="tok", http_client=http)
        prepared = client._prepare_get("abc")
    assert prepared.url == str(prepared.request.url)
    assert prepared.url.endswith("/sim-integrations/abc?trace=1")


def test_the_parsed_url_cache_stays_bounded(direct: SimIntegrationsClient) -> None:
    from sailpoint_sim._base import _URL_CACHE_SIZE

    for n in range(_URL_CACHE_SIZE + 10):
        direct._prepare_get(f"id-{n}")
        assert len(direct._urls) <= _URL_CACHE_SIZE
    assert str(direct._prepare_get("id-0").request.url) == f"{COLLECTION}/id-0"


def test_the_direct_path_builds_requests_without_httpx_client(
    direct: SimIntegrationsClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lean path (issue 14) merges our client's headers itself; httpx.Client.build_request is only
    # for a header a generated operation would send that our client also sets (it then wins, once).
    def refused(*args: Any, **kwargs: Any) -> httpx.Request:
        raise AssertionError("build_request called")

    monkeypatch.setattr(direct._http, "build_request", refused)
    request = direct._prepare_get("abc").request
    assert request.headers.get_list("accept") == ["application/json"]
    monkeypatch.undo()
    overlapping = direct._prepare(
        {"method": "get", "url": "/sim-integrations/abc", "headers": {"accept": "text/plain"}}, Expect.ONE
    ).request
    assert overlapping.headers.get_list("accept") == ["text/plain"]


# Every operation, with what makes its request differ: an id to percent-encode, a body with text outside
# ASCII and a null (json= encodes both its own way), the two patch forms' media type.
BUILDS: dict[str, Any] = {
    "list": lambda c: c._prepare_list(),
    "get": lambda c: c._prepare_get("a b/ü?#"),
    "create": lambda c: c._prepare_create({**INTEGRATION, "description": "Zürich ✓"}),
    "update": lambda c: c._prepare_update("abc", {**INTEGRATION, "attributes": {"url": None, "ü": "✓"}}),
    "patch": lambda c: c._prepare_patch("abc", [{"op": "replace", "path": "/name", "value": "ü"}]),
    "patch the rule": lambda c: c._prepare_patch("abc", [{"op": "remove", "path": "/x"}], rule=True),
    "delete": lambda c: c._prepare_delete("abc"),
    # What no operation sends today, built as httpx would: a write without a body, and a body whose
    # operation names no media type.
    "POST without a body": lambda c: c._prepare(
        {"method": "post", "url": "/sim-integrations", "headers": {}}, Expect.ONE
    ),
    "PUT without a body": lambda c: c._prepare(
        {"method": "put", "url": "/sim-integrations/abc", "headers": {}}, Expect.ONE
    ),
    "PATCH without a body": lambda c: c._prepare(
        {"method": "patch", "url": "/sim-integrations/abc", "headers": {}}, Expect.ONE
    ),
    "body, no Content-Type": lambda c: c._prepare(
        {"method": "put", "url": "/sim-integrations/abc", "headers": {}, "json": {"a": [1, None]}}, Expect.ONE
    ),
}


@pytest.mark.parametrize("operation", BUILDS)
def test_the_direct_path_builds_the_request_build_request_would(
    operation: str, direct: SimIntegrationsClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lean path writes the headers and the body itself (issue 14): what goes out is what
    # httpx.Client.build_request makes of the same call on our own client, byte for byte, in the same order
    # (after every other operation: each one's header set is kept, and must stay its own).
    for build in BUILDS.values():
        build(direct)
    lean = BUILDS[operation](direct)
    monkeypatch.setattr(direct, "_direct_headers", None)  # the way a client of the user's builds it
    built = BUILDS[operation](direct)
    assert (lean.method, lean.url, str(lean.request.url)) == (built.method, built.url, str(built.request.url))
    assert lean.request.headers.raw == built.request.headers.raw
    assert lean.request.content == built.request.content
    assert b"".join(lean.request.stream) == lean.request.content  # what the transport sends
    assert lean.request.extensions == built.request.extensions


def test_each_operations_headers_are_normalized_once(direct: SimIntegrationsClient) -> None:
    # The header set an operation's request starts from is kept: a second call reads it back.
    first = direct._prepare_delete("abc").request
    [(key, (fixed, typed))] = direct._header_sets.items()
    direct._header_sets[key] = (httpx.Headers([*fixed.raw, (b"X-Kept", b"1")]), typed)
    again = direct._prepare_delete("abc").request
    assert again.headers.raw == [*first.headers.raw, (b"X-Kept", b"1")]


def test_a_body_json_cannot_encode_is_a_clear_error_on_the_direct_path(direct: SimIntegrationsClient) -> None:
    with pytest.raises(InvalidRequestError, match="cannot build the request: ValueError"):
        direct._prepare(
            {"method": "put", "url": "/sim-integrations/abc", "headers": {}, "json": {"a": float("nan")}},
            Expect.ONE,
        )


async def test_a_client_built_with_a_rate_limit_paces_itself(api_factory: ApiFactory) -> None:
    # Without a hand-made pacer: the one the constructor builds from rate_limit= keeps the calls apart.
    sleeps = Sleeps()
    api = api_factory(Recorder(), rate_limit=RateLimit(1, 10.0), retry=policy(sleeps))
    await api("get", "a")
    await api("get", "b")
    assert list(sleeps) == [pytest.approx(10.2, abs=0.05)]


@pytest.mark.parametrize("user_agent", [None, "ua/1"])
async def test_your_http_client_keeps_its_user_agent_unless_you_name_one(
    api_factory: ApiFactory, user_agent: str | None
) -> None:
    api = api_factory(Recorder(), user_agent=user_agent)
    await api("get", "x")
    [sent] = api.recorder.api_requests
    assert sent.headers["User-Agent"] == (user_agent or f"python-httpx/{httpx.__version__}")
    assert sent.headers["Accept"] == "application/json"
