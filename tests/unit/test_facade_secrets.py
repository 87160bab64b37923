"""Secrets never leak: DEBUG logs, reprs and str() of every object and error across a full run."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from sailpoint_sim import (
    AsyncSimIntegrationsClient,
    ClientCredentialsAuth,
    SailPointError,
    SimIntegrationsClient,
    StaticTokenAuth,
    patch,
)

from .helpers import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, INTEGRATION, STATIC_TOKEN, ApiFactory, Recorder

SECRETS = (CLIENT_SECRET, ACCESS_TOKEN, STATIC_TOKEN)


def _assert_clean(texts: list[str]) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"secret leaked into: {text[:200]!r}"


class Script:
    """An API that fails in every documented way, then succeeds, so every code path logs and raises."""

    def __init__(self) -> None:
        self.answers = [
            httpx.Response(401, json={"error": "JWT validation failed: JWT is expired"}),  # -> renew, resend
            httpx.Response(503, headers={"Retry-After": "1"}),  # -> retry (GET)
            httpx.Response(200, json=INTEGRATION),
            httpx.Response(404, json={"detailCode": "404 Not found", "trackingId": "t1", "messages": []}),
            httpx.Response(429, json={"message": "Rate Limit Exceeded"}, headers={"Retry-After": "999"}),
            httpx.Response(200, content=b"<html>not json</html>"),
            httpx.Response(401, json={"error": "revoked"}),
            httpx.Response(401, json={"error": "revoked"}),
        ]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.answers:
            return self.answers.pop(0)
        raise httpx.ReadError("connection reset")


async def test_nothing_secret_in_logs_reprs_or_errors(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx's, httpcore's
    recorder = Recorder(api=Script())
    api = api_factory(recorder)
    texts: list[str] = [repr(api.client), str(api.client), repr(api.client.auth), repr(api.client.retry)]
    errors: list[BaseException] = []
    for name, args in [
        ("get", ("a",)),
        ("get", ("b",)),
        ("get", ("c",)),
        ("get", ("d",)),
        ("get", ("e",)),
        ("get", ("f",)),
        ("patch", ("g", [patch.replace("/description", CLIENT_ID)])),
    ]:
        try:
            result = await api(name, *args)
            texts.append(repr(result))
        except SailPointError as exc:
            errors.append(exc)
    assert len(errors) >= 4
    for error in errors:
        texts += [str(error), repr(error), repr(vars(error))]
    texts += [record.getMessage() for record in caplog.records]
    texts += [repr(record.args) for record in caplog.records]
    assert any(
        "attempt" in record.getMessage() for record in caplog.records if record.name == "sailpoint_sim"
    )
    _assert_clean(texts)


async def test_token_endpoint_failures_do_not_leak(
    api_factory: ApiFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bodies = [
        httpx.Response(
            400, json={"error": "invalid_client", "error_description": f"bad secret {CLIENT_SECRET}"}
        ),
        httpx.Response(200, json={"access_token": ACCESS_TOKEN, "token_type": "mac"}),
        httpx.Response(200, json={"accessToken": ACCESS_TOKEN}),
        httpx.Response(500, text=f"crash dump: client_secret={CLIENT_SECRET}"),
    ]
    texts: list[str] = []
    for body in bodies:

        def answer(request: httpx.Request, body: httpx.Response = body) -> httpx.Response:
            return body

        api = api_factory(Recorder(token=answer))
        with pytest.raises(SailPointError) as info:
            await api("get", "x")
        texts += [str(info.value), repr(info.value), repr(vars(info.value))]
    texts += [record.getMessage() for record in caplog.records]
    _assert_clean(texts)


def test_reprs_redact() -> None:
    client = SimIntegrationsClient("https://a.example.com", CLIENT_ID, CLIENT_SECRET)
    async_client = AsyncSimIntegrationsClient("https://a.example.com", access_token=STATIC_TOKEN)
    auth = ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, "https://a.example.com/oauth/token")
    static = StaticTokenAuth(STATIC_TOKEN)
    texts = [
        repr(client),
        str(client),
        repr(async_client),
        repr(auth),
        str(auth),
        repr(static),
        repr(vars(client)),
    ]
    _assert_clean(texts)
    assert "client_secret='***'" in repr(client)
    assert "access_token='***'" in repr(async_client)
    client.close()


@pytest.mark.parametrize("secret_kw", ["client_secret", "access_token"])
def test_configuration_errors_do_not_quote_secrets(secret_kw: str) -> None:
    from sailpoint_sim import ConfigurationError

    kwargs: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "access_token": STATIC_TOKEN,
    }
    with pytest.raises(ConfigurationError) as info:
        SimIntegrationsClient("https://a.example.com", **kwargs)
    _assert_clean([str(info.value)])
    with pytest.raises(ConfigurationError) as info:
        SimIntegrationsClient(f"https://user:{CLIENT_SECRET}@a.example.com", access_token=STATIC_TOKEN)
    _assert_clean([str(info.value)])
    with pytest.raises(ConfigurationError) as info:
        SimIntegrationsClient(f"ftp://user:{CLIENT_SECRET}@a.example.com", access_token=STATIC_TOKEN)
    _assert_clean([str(info.value)])
    del secret_kw


async def test_logging_content(api_factory: ApiFactory, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="sailpoint_sim")
    answers = iter(
        [
            httpx.Response(503),
            httpx.Response(
                404, json={"detailCode": "404 Not found", "trackingId": "track-42", "messages": []}
            ),
        ]
    )
    api = api_factory(Recorder(api=lambda request: next(answers)), access_token=STATIC_TOKEN)
    with pytest.raises(SailPointError):
        await api("get", "abc")
    ours = [r for r in caplog.records if r.name == "sailpoint_sim"]
    debug = [r.getMessage() for r in ours if r.levelno == logging.DEBUG]
    warnings = [r.getMessage() for r in ours if r.levelno == logging.WARNING]
    url = "https://acme.api.identitynow.com/v2025/sim-integrations/abc"
    assert f"GET {url} -> 503 (attempt 1/3, trackingId none)" in debug
    # Each attempt's record carries SailPoint's tracking id (from the body here), as text and as data.
    assert f"GET {url} -> 404 (attempt 2/3, trackingId track-42)" in debug
    assert [vars(r)["tracking_id"] for r in ours if r.getMessage().startswith(f"GET {url} -> 404")] == [
        "track-42"
    ]
    assert (
        len(warnings) == 1
        and "retrying in 0.50 s" in warnings[0]
        and "503 Service Unavailable" in warnings[0]
    )


@pytest.mark.parametrize("auth", ["static", "client-credentials"])
async def test_api_errors_echoing_secrets_are_scrubbed(api_factory: ApiFactory, auth: str) -> None:
    token = STATIC_TOKEN if auth == "static" else ACCESS_TOKEN
    # Echoes placed so that a 200-character excerpt would cut the token in half if scrubbing came after.
    pad = "x" * 190
    # A static-token client does not know any client secret, so only the client-credentials one can scrub it.
    secret = CLIENT_SECRET if auth == "client-credentials" else "no secret configured"
    unauthorized = {"error": f"invalid token {token} for secret {secret}"}
    answers = iter(
        [
            httpx.Response(
                400, json={"detailCode": token, "messages": [{"text": f"bad header: Bearer {token}"}]}
            ),
            httpx.Response(500, text=f"{pad}Bearer {token}", headers={"X-Echo": f"Bearer {token}"}),
            httpx.Response(200, text=f"<html>{pad[:150]}{token}</html>"),
            # Client credentials renew once on a 401 and resend: the second 401 is final.
            httpx.Response(401, json=unauthorized),
            httpx.Response(401, json=unauthorized),
        ]
    )
    kwargs: dict[str, Any] = {"access_token": STATIC_TOKEN} if auth == "static" else {}
    api = api_factory(Recorder(api=lambda request: next(answers)), max_retries=0, **kwargs)
    texts: list[str] = []
    for _ in range(4):
        with pytest.raises(SailPointError) as info:
            await api("get", "x")
        texts += [str(info.value), repr(info.value), repr(vars(info.value))]
    _assert_clean(texts)
    assert any("***" in text for text in texts)
    # Nothing else is lost: the rest of the message is still there.
    assert any("bad header: Bearer ***" in text for text in texts)
