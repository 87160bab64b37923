"""The one redactor (issues 10.9, 13): every encoded form of a secret is masked, in errors and in logs."""

from __future__ import annotations

import json
import logging
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from sailpoint_sim import AuthenticationError, BadRequestError, NotFoundError, SimIntegrationsClient
from sailpoint_sim._redact import MASK, redact_bytes, redact_headers, redact_text

from .helpers import CLIENT_SECRET, ApiFactory, Recorder

SECRET = 'p@ss/w\u00f6rd "x" \U0001f4a5 y+z'
TOKEN = "eyJ0eXAi.eyJzdWIi/Zm9v+YmFy_c2ln-na=="


def forms(secret: str) -> list[str]:
    """The ways a server, a proxy or a repr may quote ``secret``."""
    escaped_slashes = json.dumps(secret).replace("/", "\\/")[1:-1]
    return [
        secret,
        json.dumps(secret)[1:-1],  # \u escapes for non-ASCII, \" for quotes
        json.dumps(secret, ensure_ascii=False)[1:-1],
        escaped_slashes,
        "".join(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else c for c in secret),  # every char escaped
        "".join(f"\\u{ord(c):04X}" if ord(c) < 0x10000 else c for c in secret),
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote(secret, safe="").replace("%2F", "%2f"),  # lower-case hex
        urllib.parse.quote_plus(secret),
        *(
            []
            if "\\" in secret  # documented limit: a backslash inside a secret is read one level deep
            else [
                repr(escaped_slashes.encode())[2:-1],  # a bytes repr doubles every backslash
                json.dumps(escaped_slashes)[1:-1],  # JSON-encoded twice
            ]
        ),
    ]


@pytest.mark.parametrize("secret", [SECRET, TOKEN, "a b", "%41x", "q\\nq", "a\\b"])
def test_every_form_is_masked_in_text_and_bytes(secret: str) -> None:
    for form in forms(secret):
        text = f"before {form} after, {secret[:2]}"
        assert redact_text(text, [secret]) == f"before {MASK} after, {secret[:2]}", form
        raw = text.encode("utf-8") + b"\xff\xfe"  # bytes that are not UTF-8 are kept exactly
        assert redact_bytes(raw, [secret]) == f"before {MASK} after, {secret[:2]}".encode() + b"\xff\xfe"


def test_mixed_escapes_within_one_occurrence() -> None:
    mixed = "eyJ0eXAi.eyJzdWIi\\/Zm9v%2BYmFy_c2ln-na\\u003d="
    assert redact_text(f"[{mixed}]", [TOKEN]) == f"[{MASK}]"


def test_nothing_else_changes() -> None:
    text = 'plain %zz \\q \\u12 "quoted" %2F\\/ ' + TOKEN[:-1]
    assert redact_text(text, [TOKEN, SECRET, ""]) == text
    assert redact_bytes(b"\x00\xff%", [TOKEN]) == b"\x00\xff%"
    assert redact_text("abc", []) == "abc"


def test_header_maps() -> None:
    headers = {
        "X-Echo": "Bearer " + json.dumps(TOKEN).replace("/", "\\/"),
        "Location": "/x?t=" + urllib.parse.quote(TOKEN),
    }
    assert redact_headers(headers, [TOKEN]) == {"X-Echo": f'Bearer "{MASK}"', "Location": f"/x?t={MASK}"}
    assert redact_headers(httpx.Headers(headers).items(), [TOKEN])["x-echo"] == f'Bearer "{MASK}"'


# -- errors -----------------------------------------------------------------------------------------------


async def test_an_api_error_echoing_the_token_json_escaped_shows_no_token(api_factory: ApiFactory) -> None:
    escaped = json.dumps(TOKEN).replace("/", "\\/")
    body = '{"messages": [{"text": "token ' + escaped[1:-1] + ' is odd"}], "trackingId": "t-1"}'

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400,
            content=body.encode(),
            headers={"Content-Type": "application/json", "X-Echo": urllib.parse.quote(TOKEN, safe="")},
        )

    api = api_factory(Recorder(api=answer), access_token=TOKEN)
    with pytest.raises(BadRequestError) as info:
        await api("get", "abc")
    await api.close()
    error = info.value
    shown = " ".join([str(error), repr(error.args), error.body, *error.messages, json.dumps(error.headers)])
    for form in forms(TOKEN):
        assert form not in shown
    assert error.messages == [f"token {MASK} is odd"]
    assert error.headers["x-echo"] == MASK


async def test_a_failing_token_endpoint_has_its_headers_scrubbed(api_factory: ApiFactory) -> None:
    def token(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401,
            json={"error": "invalid_client", "error_description": f"bad secret {CLIENT_SECRET}"},
            headers={
                "WWW-Authenticate": f'Basic realm="{CLIENT_SECRET}"',
                "X-Echo": urllib.parse.quote_plus(CLIENT_SECRET),
                "Set-Cookie": "session=abc",
            },
        )

    api = api_factory(Recorder(token=token))
    with pytest.raises(AuthenticationError) as info:
        await api("list")
    await api.close()
    error = info.value
    assert CLIENT_SECRET not in json.dumps(error.headers) + str(error) + repr(error.messages)
    assert error.headers["www-authenticate"] == f'Basic realm="{MASK}"'
    assert error.headers["x-echo"] == MASK
    assert error.headers["set-cookie"] == MASK
    assert CLIENT_SECRET not in error.body
    assert MASK in error.body


# -- logs: httpx's and httpcore's DEBUG records too ----------------------------------------------------------


class _Echo(BaseHTTPRequestHandler):
    """Answers every GET with the bearer token echoed in response headers, raw and JSON-escaped."""

    def do_GET(self) -> None:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        self.send_response(404)
        self.send_header("X-Echo", token)
        self.send_header("X-Echo-Json", json.dumps(token).replace("/", "\\/"))
        self.send_header("Content-Type", "application/json")
        body = json.dumps({"message": f"no such thing for {token}"}).encode()
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_httpcore_debug_records_never_hold_a_token(
    echo_server: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with SimIntegrationsClient(echo_server, access_token=TOKEN) as client, pytest.raises(NotFoundError):
        client.get("abc")
    messages = [record.getMessage() for record in caplog.records]
    headers_records = [m for m in messages if "receive_response_headers.complete" in m]
    assert headers_records, "httpcore logged no response headers: the test proves nothing"
    assert MASK in headers_records[0]
    for message in messages:
        for form in forms(TOKEN):
            assert form not in message
