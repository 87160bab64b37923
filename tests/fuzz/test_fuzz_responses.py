"""Whatever a server answers, every client call ends in a result or one of our typed errors.

For each of the seven endpoints on both clients, Hypothesis picks a status, a Content-Type, a
Retry-After header and a body, and an ``httpx.MockTransport`` answers every attempt with it. The body is
arbitrary JSON (Hypothesis' recursive JSON strategy), arbitrary bytes, or a body valid for the endpoint
generated from the fragment. The call must either return, or raise a ``SailPointError`` subclass;
any other exception fails the test. On top of that, the outcome must fit the answer:

- a 2xx with a schema-valid body returns exactly that body (as models);
- a non-2xx raises the ``APIStatusError`` subclass of that status, carrying the status;
- a returned value has the type the method promises.

The OAuth2 token endpoint is fuzzed the same way: any answer that is not a usable token ends in
``AuthenticationError`` before the API is called.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sailpoint_sim_client.models import ServiceDeskIntegrationDto

from sailpoint_sim import (
    APIStatusError,
    AsyncSimIntegrationsClient,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    SailPointError,
    ServerError,
    SimIntegrationsClient,
    UnexpectedStatusError,
)
from sailpoint_sim._errors import one_line

from .fuzz_figures import count, outcome, scaled, schema_bodies
from .openapi_jsonschema import component_schema, response_schema, strategy_for

pytestmark = pytest.mark.soak

BASE_URL = "https://acme.api.identitynow.com"
TOKEN = "fuzz-access-token-0123456789"
DETAILS = {"name": "fuzzed", "type": "ServiceNowSDIM"}
OPERATIONS = [{"op": "replace", "path": "/description", "value": "x"}]

# method name -> (call arguments, what a success returns: "list", "one" or "none")
ENDPOINTS: dict[str, tuple[tuple[Any, ...], str]] = {
    "list": ((), "list"),
    "get": (("abc",), "one"),
    "create": ((DETAILS,), "one"),
    "update": (("abc", DETAILS), "one"),
    "patch": (("abc", OPERATIONS), "one"),
    "patch_before_provisioning_rule": (("abc", [{"op": "replace", "path": "/id", "value": "r"}]), "one"),
    "delete": (("abc",), "none"),
}
CLIENTS = ("sync", "async")

STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
}

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=20,
)
STATUSES = st.sampled_from(
    [200, 201, 204, 299, 301, 400, 401, 403, 404, 409, 418, 429, 500, 502, 503, 504, 520]
)
CONTENT_TYPES = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/html", "text/plain", "", "application/xml"]
)
RETRY_AFTER = st.one_of(
    st.none(),
    st.integers(-5, 100).map(str),
    st.sampled_from(["Wed, 21 Oct 2015 07:28:00 GMT", "soon", "1e9", "nan", "inf", ""]),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=12),
)


@dataclass(frozen=True)
class Answer:
    """What the mock server answers, every time it is asked."""

    status: int
    content_type: str
    retry_after: str | None
    body: bytes
    valid: Any = None  # the parsed body when it was generated valid for the endpoint

    def response(self, request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": self.content_type} if self.content_type else {}
        if self.retry_after is not None:
            headers["Retry-After"] = self.retry_after
        return httpx.Response(self.status, headers=headers, content=self.body, request=request)


def _policy() -> RetryPolicy:
    async def no_async_sleep(_: float) -> None:
        return None

    # Retries happen (so the retry path sees the garbage too) but take no time.
    return RetryPolicy(max_attempts=2, sleep=lambda _: None, async_sleep=no_async_sleep)


_LOOP: asyncio.AbstractEventLoop | None = None


def _loop() -> asyncio.AbstractEventLoop:
    # One loop for the whole module: asyncio.run per example would dominate the run time.
    global _LOOP
    if _LOOP is None or _LOOP.is_closed():
        _LOOP = asyncio.new_event_loop()
    return _LOOP


@pytest.fixture(scope="module", autouse=True)
def _close_loop() -> Iterator[None]:
    yield
    if _LOOP is not None and not _LOOP.is_closed():
        _LOOP.close()


def call(kind: str, method: str, handler: Callable[[httpx.Request], httpx.Response], **auth: str) -> Any:
    """Call ``method`` on a fresh ``kind`` client whose transport is ``handler``."""
    args = ENDPOINTS[method][0]
    credentials: dict[str, Any] = auth or {"access_token": TOKEN}
    if kind == "sync":
        http = httpx.Client(transport=httpx.MockTransport(handler))
        with SimIntegrationsClient(BASE_URL, **credentials, http_client=http, retry=_policy()) as client:
            try:
                return getattr(client, method)(*args)
            finally:
                http.close()

    async def run() -> Any:
        async with (
            httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http,
            AsyncSimIntegrationsClient(BASE_URL, **credentials, http_client=http, retry=_policy()) as client,
        ):
            return await getattr(client, method)(*args)

    return _loop().run_until_complete(run())


def check(kind: str, method: str, answer: Answer, family: str) -> None:
    """Run one call against ``answer`` and check the outcome fits it."""
    count(family, f"{method}/{kind}")
    if answer.valid is not None:
        if answer.status >= 300:
            schema_bodies(
                {401: "UnauthorizedError", 429: "TooManyRequestsError"}.get(answer.status, "ErrorResponseDto")
            )
        else:
            schema_bodies(
                "ServiceDeskIntegrationDto", len(answer.valid) if isinstance(answer.valid, list) else 1
            )
    try:
        result = call(kind, method, answer.response)
    except SailPointError as exc:
        outcome(family, type(exc).__name__)
        if 200 <= answer.status < 300:
            assert answer.valid is None, f"a valid body was refused: {exc}"
        if isinstance(exc, APIStatusError):
            assert exc.status_code == answer.status
            expected = STATUS_CLASSES.get(answer.status)
            if expected is None:
                expected = ServerError if answer.status >= 500 else UnexpectedStatusError
            assert type(exc) is expected
            if answer.valid is not None:
                check_error_fields(exc, answer.valid)
        else:
            # Not a status error: only a 2xx can end this way (an unreadable success body).
            assert 200 <= answer.status < 300, f"{type(exc).__name__} for status {answer.status}"
        str(exc), repr(exc)  # building the message must not fail either
        return
    outcome(family, "result")
    assert 200 <= answer.status < 300, f"status {answer.status} returned a result"
    shape = ENDPOINTS[method][1]
    if shape == "none":
        assert result is None
    elif shape == "list":
        assert isinstance(result, list)
        assert all(isinstance(item, ServiceDeskIntegrationDto) for item in result)
    else:
        assert isinstance(result, ServiceDeskIntegrationDto)
    if answer.valid is not None and shape != "none":
        back = [item.to_dict() for item in result] if shape == "list" else result.to_dict()
        assert json.dumps(back, sort_keys=True) == json.dumps(answer.valid, sort_keys=True)


def check_error_fields(exc: APIStatusError, body: dict[str, Any]) -> None:
    """A documented error body's fields reach the exception (detailCode, trackingId, message texts)."""
    count("error bodies from the fragment", type(exc).__name__)
    if "detailCode" in body:
        assert exc.detail_code == body["detailCode"]
    if "trackingId" in body:
        assert exc.tracking_id == body["trackingId"]
    texts = [m["text"] for m in body.get("messages", []) if isinstance(m.get("text"), str)]
    texts += [body[key] for key in ("error", "message") if isinstance(body.get(key), str)]
    for text in texts:
        if text.strip():
            assert one_line(text.strip()) in exc.messages


# Bodies valid for the endpoint, from the fragment (so "valid in, result out" is checked, not only
# "garbage in, typed error out").
_VALID_ONE = strategy_for(component_schema("ServiceDeskIntegrationDto"))
_VALID_LIST = strategy_for(response_schema("/sim-integrations", "get"))
_VALID_ERRORS = {
    401: strategy_for(component_schema("UnauthorizedError")),
    429: strategy_for(component_schema("TooManyRequestsError")),
}
_VALID_ERROR_DTO = strategy_for(component_schema("ErrorResponseDto"))


@st.composite
def json_answers(draw: st.DrawFn, method: str) -> Answer:
    status = draw(STATUSES)
    content_type = draw(CONTENT_TYPES)
    retry_after = draw(RETRY_AFTER)
    valid: Any = None
    # Half the time a body valid for the answer, generated from the fragment; otherwise any JSON.
    schema_valid = draw(st.booleans())
    if schema_valid and status >= 300:
        # SailPoint's documented error body for that status.
        body = valid = draw(_VALID_ERRORS.get(status, _VALID_ERROR_DTO))
    elif schema_valid and ENDPOINTS[method][1] != "none":
        body = valid = draw(_VALID_LIST if ENDPOINTS[method][1] == "list" else _VALID_ONE)
    else:
        body = draw(JSON)
    encoded = json.dumps(body).encode()
    return Answer(status, content_type, retry_after, encoded, valid)


@st.composite
def byte_answers(draw: st.DrawFn) -> Answer:
    status = draw(STATUSES)
    body = draw(
        st.one_of(
            st.binary(max_size=300),
            # Near-JSON: a JSON document cut short or with a stray byte, the commonest real garbage.
            JSON.map(lambda v: json.dumps(v).encode()).flatmap(
                lambda raw: st.integers(0, len(raw)).map(lambda cut: raw[:cut] + b"\xff"[: cut % 2])
            ),
        )
    )
    return Answer(status, draw(CONTENT_TYPES), draw(RETRY_AFTER), body)


@pytest.mark.parametrize("kind", CLIENTS)
@pytest.mark.parametrize("method", list(ENDPOINTS))
def test_arbitrary_json_bodies_end_in_a_result_or_a_typed_error(method: str, kind: str) -> None:
    @given(answer=json_answers(method))
    @scaled(0.3)
    def run(answer: Answer) -> None:
        check(kind, method, answer, "arbitrary JSON bodies")

    run()


@pytest.mark.parametrize("kind", CLIENTS)
@pytest.mark.parametrize("method", list(ENDPOINTS))
def test_arbitrary_bytes_end_in_a_result_or_a_typed_error(method: str, kind: str) -> None:
    @given(answer=byte_answers())
    @scaled(0.2)
    def run(answer: Answer) -> None:
        check(kind, method, answer, "arbitrary byte bodies")

    run()


USABLE_TOKENS = st.fixed_dictionaries(
    {
        "access_token": st.text(alphabet="abcdefXYZ0123456789.-_", min_size=1, max_size=40),
        "expires_in": st.integers(60, 100_000),
        "token_type": st.just("bearer"),
    }
)


@st.composite
def token_answers(draw: st.DrawFn) -> Answer:
    status = draw(st.sampled_from([200, 200, 200, 201, 400, 401, 403, 429, 500, 502]))
    content_type = draw(CONTENT_TYPES)
    if draw(st.integers(0, 3)) == 0:
        # A usable token: with a 200 the call must go through.
        token = draw(USABLE_TOKENS)
        return Answer(status, content_type, None, json.dumps(token).encode(), token)
    body = draw(
        st.one_of(
            JSON.map(lambda v: json.dumps(v).encode()),
            st.binary(max_size=100),
            # Almost right: a token object with a wrong type or a missing field.
            st.fixed_dictionaries(
                {},
                optional={
                    "access_token": st.one_of(st.text(max_size=20), st.integers(), st.none()),
                    "expires_in": st.one_of(st.integers(-10, 10_000), st.text(max_size=5), st.none()),
                    "token_type": st.sampled_from(["bearer", "Bearer", "mac", ""]),
                },
            ).map(lambda v: json.dumps(v).encode()),
        )
    )
    return Answer(status, content_type, None, body)


@pytest.mark.parametrize("kind", CLIENTS)
def test_token_endpoint_garbage_ends_in_authentication_error_or_a_call(kind: str) -> None:
    api_ok = json.dumps([]).encode()

    @given(answer=token_answers())
    @scaled(0.6)
    def run(answer: Answer) -> None:
        count("token endpoint answers", kind)
        api_calls: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path == "/oauth/token":
                return answer.response(request)
            api_calls.append(request.headers.get("Authorization", ""))
            return httpx.Response(200, json=[], request=request)

        try:
            result = call(kind, "list", handler, client_id="fuzz-id", client_secret="fuzz-secret-value")
        except SailPointError as exc:
            outcome("token endpoint answers", type(exc).__name__)
            # A broken token answer must stop the call before the API sees a request.
            assert isinstance(exc, AuthenticationError), repr(exc)
            # RFC 6749 §5.1: a token is issued with 200 OK; any other status is a refusal.
            assert not (answer.valid is not None and answer.status == 200), f"usable token refused: {exc}"
            assert api_calls == []
            assert "fuzz-secret-value" not in str(exc)
            return
        outcome("token endpoint answers", "result")
        assert result == [] and api_ok == b"[]"
        # Only a real token may have been used as a bearer token.
        data = json.loads(answer.body)
        assert answer.status == 200
        assert api_calls and all(header == f"Bearer {data['access_token']}" for header in api_calls)
        assert isinstance(data["access_token"], str) and data["access_token"]

    run()
