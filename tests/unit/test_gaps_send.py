"""The send path's helpers, found untested by mutation testing (issue 15): caps, time limits, copies, logs."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from sailpoint_sim import APITimeoutError, ResponseTooLargeError, UnexpectedStatusError
from sailpoint_sim._send import (
    ERROR_BODY_LIMIT,
    TRACE,
    Call,
    aread_body,
    log_like_httpx,
    read_body,
    rebuilt,
    trace_request,
    trace_response,
)

from .helpers import ACCESS_TOKEN, INTEGRATION, TOKEN_URL, ApiFactory, Recorder, token_response

URL = "https://acme.api.identitynow.com/v2025/sim-integrations/x"
SECRET = "s3cr3t-ECHOED-value"
LOGGER = logging.getLogger("sailpoint_sim")


class Pulled:
    """A streamed body of ``chunks``, sync or async, counting the chunks read; ``pause`` seconds before
    every chunk after the first (a server that is slow to finish)."""

    def __init__(self, chunks: list[bytes], pause: float = 0.0) -> None:
        self.chunks = chunks
        self.pause = pause
        self.count = 0

    def sync(self) -> Iterator[bytes]:
        for index, chunk in enumerate(self.chunks):
            if index and self.pause:
                time.sleep(self.pause)
            self.count += 1
            yield chunk

    async def asynchronous(self) -> AsyncIterator[bytes]:
        for index, chunk in enumerate(self.chunks):
            if index and self.pause:
                await asyncio.sleep(self.pause)
            self.count += 1
            yield chunk


def streamed_response(
    kind: str,
    status: int,
    body: Pulled,
    *,
    headers: dict[str, str] | None = None,
    read_timeout: float | None = 30.0,
) -> httpx.Response:
    timeouts = {"connect": 10.0, "read": read_timeout, "write": 30.0, "pool": 30.0}
    request = httpx.Request("GET", URL, extensions={"timeout": timeouts})
    content = body.sync() if kind == "sync" else body.asynchronous()
    return httpx.Response(status, headers=headers, content=content, request=request)


async def read(
    kind: str, response: httpx.Response, limit: int, call: Call, secrets: tuple[str, ...] = ()
) -> bytes:
    """read_body or aread_body, as the client of ``kind`` reads."""
    if kind == "sync":
        return read_body(response, limit, call, secrets)
    return await aread_body(response, limit, call, secrets)


# -- the cap ------------------------------------------------------------------------------------------


async def test_an_error_body_past_the_cap_is_cut_exactly_there_and_no_further_chunk_read(kind: str) -> None:
    body = Pulled([b"01234", b"56789AB", b"CDEF"])
    response = streamed_response(kind, 500, body)
    assert await read(kind, response, 10, Call("GET", URL, None)) == b"0123456789"
    assert body.count == 2  # the third chunk was never pulled
    assert response.is_closed


async def test_a_300_is_an_error_body_cut_at_the_cap_not_refused(kind: str) -> None:
    response = streamed_response(kind, 300, Pulled([b"x" * 8, b"y" * 8]))
    assert await read(kind, response, 10, Call("GET", URL, None)) == b"x" * 8 + b"y" * 2


async def test_a_success_body_in_many_chunks_is_read_whole(kind: str) -> None:
    whole = json.dumps(INTEGRATION).encode()
    chunks = [whole[start : start + 100] for start in range(0, len(whole), 100)]
    response = streamed_response(kind, 200, Pulled(chunks))
    assert await read(kind, response, len(whole), Call("GET", URL, None)) == whole


async def test_a_success_body_past_the_cap_is_refused_with_what_was_read(kind: str) -> None:
    body = Pulled([b'{"note": "', SECRET.encode(), b'", "more": "' + b"z" * 40])
    response = streamed_response(kind, 299, body, headers={"Content-Type": "application/json"})
    with pytest.raises(ResponseTooLargeError) as info:
        await read(kind, response, 30, Call("GET", URL, None), (SECRET,))
    error = info.value
    assert (error.limit, error.status_code, error.content_type) == (30, 299, "application/json")
    assert (error.method, error.url) == ("GET", URL)
    # The excerpt holds every byte read, the chunk that passed the cap included, the secret masked.
    assert error.body_excerpt == '{"note": "***", "more": "' + "z" * 40
    assert str(error).startswith(f"unreadable 299 response to GET {URL} (content-type 'application/json'): ")
    assert "the body exceeds max_response_bytes=30 (after decompression); reading stopped there" in str(error)


async def test_a_too_large_body_without_a_content_type_says_so(kind: str) -> None:
    response = streamed_response(kind, 200, Pulled([b"x" * 20]))
    with pytest.raises(ResponseTooLargeError) as info:
        await read(kind, response, 10, Call("GET", URL, None))
    assert info.value.content_type == ""
    assert "(content-type 'none')" in str(info.value)


async def test_a_300_past_the_cap_is_a_status_error_through_the_client(api_factory: ApiFactory) -> None:
    api = api_factory(
        Recorder(api=lambda request: httpx.Response(300, content=b"m" * 50)),
        access_token="tok",
        max_response_bytes=20,
    )
    with pytest.raises(UnexpectedStatusError) as info:
        await api("get", "x")
    assert info.value.status_code == 300
    assert info.value.body == "m" * 20


# -- the time a body may take -------------------------------------------------------------------------


async def test_a_body_slower_than_the_read_timeout_ends_in_a_read_timeout(kind: str) -> None:
    # 20 ms between chunks, 5 ms allowed for the whole body: httpx's per-chunk timeout would not trip.
    response = streamed_response(kind, 200, Pulled([b"[", b"]"], pause=0.02), read_timeout=0.005)
    with pytest.raises(APITimeoutError) as info:
        await read(kind, response, 100, Call("GET", URL, None))
    assert str(info.value) == (
        f"ReadTimeout during GET {URL}: the body was not complete within the read timeout"
    )
    assert (info.value.method, info.value.url) == ("GET", URL)
    assert response.is_closed


async def test_a_body_past_the_deadline_ends_in_the_deadline_error(kind: str) -> None:
    response = streamed_response(kind, 200, Pulled([b"[", b"]"], pause=0.02), read_timeout=None)
    with pytest.raises(APITimeoutError) as info:
        await read(kind, response, 100, Call("GET", URL, 0.005))
    assert str(info.value) == f"deadline of 0.005 s passed reading the body during GET {URL} (attempt 1)"
    assert (info.value.method, info.value.url) == ("GET", URL)


async def test_a_body_within_the_read_timeout_and_the_deadline_is_read(kind: str) -> None:
    """Pins: the limits stop only what passes them."""
    response = streamed_response(kind, 200, Pulled([b"[", b"]"], pause=0.001), read_timeout=30.0)
    assert await read(kind, response, 100, Call("GET", URL, 60.0)) == b"[]"


def test_the_deadline_error_names_the_deadline_the_call_and_the_attempt() -> None:
    call = Call("PUT", URL, 2.5)
    call.retried("503 Service Unavailable", reached=True)
    plain = call.deadline_error()
    assert str(plain) == f"deadline of 2.5 s passed during PUT {URL} (attempt 2)"
    assert (plain.method, plain.url) == ("PUT", URL)
    during = call.deadline_error("before the request could be sent")
    assert (
        str(during)
        == f"deadline of 2.5 s passed before the request could be sent during PUT {URL} (attempt 2)"
    )


def test_the_token_request_shares_the_calls_deadline_and_retry_list_but_counts_its_own_attempts() -> None:
    call = Call("DELETE", URL, 7.0)
    call.retried("502 Bad Gateway", reached=True)
    sub = call.sub("POST", TOKEN_URL)
    assert (sub.method, sub.url, sub.attempt, sub.reached) == ("POST", TOKEN_URL, 1, False)
    assert (sub.deadline, sub.deadline_at) == (7.0, call.deadline_at)
    sub.retried("token request 503 Service Unavailable", reached=False)
    assert call.retried_for == ["502 Bad Gateway", "token request 503 Service Unavailable"]
    assert str(sub.deadline_error()) == f"deadline of 7 s passed during POST {TOKEN_URL} (attempt 2)"


async def test_the_token_requests_timeouts_are_cut_to_the_calls_deadline(api_factory: ApiFactory) -> None:
    recorder = Recorder()
    api = api_factory(recorder, timeout=30.0, deadline=4.0)
    await api("get", "x")
    sent = recorder.token_requests[0].extensions["timeout"]
    assert all(0 < value <= 4.0 for value in sent.values())


# -- the read copy handed on --------------------------------------------------------------------------


def test_a_read_copy_holds_the_decoded_body_without_the_encoding_headers() -> None:
    decoded = json.dumps({"message": "gone", "trackingId": "t-1"}).encode()
    original = httpx.Response(
        404,
        headers=[
            ("Content-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
            ("X-Other", "kept"),
            ("X-Other", "twice"),
        ],
        content=gzip.compress(decoded),
    )
    copy = rebuilt(original, original.read())
    assert copy.status_code == 404
    assert copy.content == decoded
    # Only the length of what it holds: the encodings described the original's bytes on the wire.
    assert copy.headers.multi_items() == [
        ("x-other", "kept"),
        ("x-other", "twice"),
        ("content-length", str(len(decoded))),
    ]


# -- the httpx request line of the direct path --------------------------------------------------------


def test_the_direct_path_logs_the_request_line_httpx_would(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    request = httpx.Request("DELETE", URL)
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(404))) as http:
        http.send(request)
    through_httpx = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    caplog.clear()
    log_like_httpx(request, httpx.Response(404, request=request))
    direct = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert direct == through_httpx == [f'HTTP Request: DELETE {URL} "HTTP/1.1 404 Not Found"']


# -- TRACE records ------------------------------------------------------------------------------------


def traced(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno == TRACE]


def test_a_traced_request_shows_everything_but_credentials_and_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(TRACE, logger="sailpoint_sim")
    request = httpx.Request(
        "POST",
        f"{URL}?echo={SECRET}",
        headers=[("Authorization", f"Bearer {ACCESS_TOKEN}"), ("Cookie", "session=abc"), ("X-Echo", SECRET)],
        content=f'{{"a": "{SECRET}"}}'.encode(),
    )
    trace_request(LOGGER, request, (SECRET,))
    assert traced(caplog) == [
        f"> POST {URL}?echo=***\n"
        "host: acme.api.identitynow.com\n"
        "authorization: ***\n"
        "cookie: ***\n"
        "x-echo: ***\n"
        f"content-length: {len(SECRET) + 9}\n"
        "\n"
        '{"a": "***"}'
    ]


def test_a_streamed_request_body_is_traced_as_such(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(TRACE, logger="sailpoint_sim")
    request = httpx.Request("POST", URL, content=iter([b"never read"]))
    trace_request(LOGGER, request, ())
    assert traced(caplog)[0].endswith("\n\n<streamed>")


def test_a_traced_response_masks_set_cookie_and_echoed_secrets(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(TRACE, logger="sailpoint_sim")
    response = httpx.Response(201, headers=[("Set-Cookie", "s=1"), ("X-Echo", SECRET)])
    # Not a token answer: a field named access_token in an API body is data, shown as sent.
    body = b'{"access_token": "data", "echo": "' + SECRET.encode() + b'"}'
    trace_response(LOGGER, response, body, (SECRET,))
    assert traced(caplog) == [
        '< 201 Created\nset-cookie: ***\nx-echo: ***\n\n{"access_token": "data", "echo": "***"}'
    ]


def test_a_traced_token_answer_masks_the_tokens_by_name(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(TRACE, logger="sailpoint_sim")
    body = b'{"access_token":"abc.def", "id_token" : "x", "refresh_token": "y", "expires_in": 749}'
    trace_response(LOGGER, httpx.Response(200), body, (), token_answer=True)
    assert traced(caplog)[0].endswith(
        '\n\n{"access_token": "***", "id_token": "***", "refresh_token": "***", "expires_in": 749}'
    )


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        (b"a" * 4000, "a" * 4000),  # exactly the limit: whole, nothing said
        (b"a" * 4001, "a" * 4000 + "… (4001 bytes)"),
        # 5000 four-byte characters: the first 4000 fill the head exactly; the rest is cut all the same.
        ("😀".encode() * 5000, "😀" * 4000 + "… (20000 bytes)"),
        (b"ok \xff\xfe end", "ok \ufffd\ufffd end"),  # not UTF-8: replaced, never an exception
    ],
    ids=["limit", "past-limit", "wide-characters", "not-utf8"],
)
def test_a_traced_body_is_cut_at_4000_characters_and_says_so(
    caplog: pytest.LogCaptureFixture, body: bytes, shown: str
) -> None:
    caplog.set_level(TRACE, logger="sailpoint_sim")
    trace_response(LOGGER, httpx.Response(200), body, ())
    assert traced(caplog) == ["< 200 OK\n\n\n" + shown]


@pytest.mark.parametrize(
    ("status", "kept"), [(299, 2 * ERROR_BODY_LIMIT), (300, ERROR_BODY_LIMIT), (500, ERROR_BODY_LIMIT)]
)
async def test_an_error_body_stops_at_one_mib_where_a_success_body_may_go_on(
    kind: str, status: int, kept: int
) -> None:
    # A hostile server's error page is read no further than ERROR_BODY_LIMIT even when
    # max_response_bytes would allow more; a success body is held to max_response_bytes only.
    body = Pulled([b"e" * 65536] * 32)  # 2 MiB
    response = streamed_response(kind, status, body)
    got = await read(kind, response, 4 * ERROR_BODY_LIMIT, Call("GET", URL, None))
    assert len(got) == kept


async def test_a_deadline_that_passed_during_an_attempt_ends_the_call_before_a_retry_is_sent(
    api_factory: ApiFactory,
) -> None:
    # The whole deadline passes while a slow server answers 503 (retry at once, it says): the retry
    # is not sent with no time left; the call ends with the deadline error.
    sent: list[float] = []

    def slow(request: httpx.Request) -> httpx.Response:
        sent.append(time.monotonic())
        time.sleep(0.15)
        return httpx.Response(503, headers={"Retry-After": "0"}, json={"detailCode": "503"})

    api = api_factory(Recorder(api=slow), deadline=0.1)
    with pytest.raises(APITimeoutError, match=r"deadline of 0\.1 s passed"):
        await api("get", "x")
    assert len(sent) == 1


async def test_a_deadline_spent_on_the_token_ends_the_call_before_the_api_request_is_sent(
    api_factory: ApiFactory,
) -> None:
    # The token endpoint takes the whole deadline: the API request is not sent with no time left.
    def slow_token(request: httpx.Request) -> httpx.Response:
        time.sleep(0.15)
        return token_response()

    recorder = Recorder(token=slow_token)
    api = api_factory(recorder, deadline=0.1)
    with pytest.raises(APITimeoutError, match=r"deadline of 0\.1 s passed"):
        await api("get", "x")
    assert recorder.api_requests == []


async def test_a_deadline_gone_before_the_first_request_sends_nothing(api_factory: ApiFactory) -> None:
    # A nanosecond deadline is over before the request could go: nothing is sent with no time left.
    recorder = Recorder()
    api = api_factory(recorder, access_token=ACCESS_TOKEN, deadline=1e-9)
    with pytest.raises(APITimeoutError, match="deadline of 1e-09 s passed"):
        await api("get", "x")
    assert recorder.api_requests == []


async def test_a_one_byte_cap_is_a_cap(api_factory: ApiFactory) -> None:
    # The smallest max_response_bytes allowed is 1: accepted, and it refuses any real answer.
    api = api_factory(Recorder(), access_token=ACCESS_TOKEN, max_response_bytes=1)
    assert api.client.max_response_bytes == 1
    with pytest.raises(ResponseTooLargeError, match="max_response_bytes=1 "):
        await api("get", "x")
