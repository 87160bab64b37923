"""Error-path behaviour found untested by mutation testing (issue 15): tracking ids, echoed secrets, caps,
excerpts, the exceptions' messages and the reading of error bodies."""

from __future__ import annotations

import json

import httpx
import pytest

from sailpoint_sim import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
    UnexpectedStatusError,
    UnreadableResponseError,
)
from sailpoint_sim._errors import (
    describe_body,
    excerpt,
    make_status_error,
    one_line,
    redacted_excerpt,
    status_phrase,
    transport_error,
)
from sailpoint_sim._send import ERROR_BODY_LIMIT, tracking_id

from .helpers import ACCESS_TOKEN, CLIENT_SECRET, STATIC_TOKEN, ApiFactory, Recorder

ID = "62945a496ef440189b1f03e3623411c8"
DTO = {"detailCode": "404 Not found", "trackingId": "from-body", "messages": [{"text": "no such thing"}]}


def _request() -> httpx.Request:
    return httpx.Request("GET", "https://acme.api.identitynow.com/v2025/sim-integrations/x")


# -- the tracking id ---------------------------------------------------------------------------------
async def test_error_tracking_id_falls_back_to_the_slpt_request_id_header(api_factory: ApiFactory) -> None:
    recorder = Recorder(
        api=lambda request: httpx.Response(
            404, json={"message": "gone"}, headers={"SLPT-Request-ID": "hdr-9"}
        )
    )
    api = api_factory(recorder)
    with pytest.raises(NotFoundError) as caught:
        await api("get", ID)
    await api.close()
    assert caught.value.tracking_id == "hdr-9"


async def test_the_body_tracking_id_wins_over_the_header(api_factory: ApiFactory) -> None:
    recorder = Recorder(
        api=lambda request: httpx.Response(404, json=DTO, headers={"SLPT-Request-ID": "hdr-9"})
    )
    api = api_factory(recorder)
    with pytest.raises(NotFoundError) as caught:
        await api("get", ID)
    await api.close()
    assert caught.value.tracking_id == "from-body"


def test_send_tracking_id_reads_the_body_of_an_error_then_the_header() -> None:
    request = _request()
    headers = {"SLPT-Request-ID": "hdr-1"}
    error = httpx.Response(404, headers=headers, request=request)
    assert tracking_id(error, json.dumps(DTO).encode()) == "from-body"
    assert tracking_id(error, b'{"message": "no id here"}') == "hdr-1"
    assert tracking_id(error, b"") == "hdr-1"
    # A success body is never parsed for an id (it is the caller's data, not an error DTO).
    ok = httpx.Response(200, headers=headers, request=request)
    assert tracking_id(ok, json.dumps(DTO).encode()) == "hdr-1"
    redirect = httpx.Response(300, headers=headers, request=request)
    assert tracking_id(redirect, json.dumps(DTO).encode()) == "from-body"
    assert tracking_id(httpx.Response(404, request=request), b"") is None


# -- a secret echoed in a response header --------------------------------------------------------------
async def test_a_token_echoed_in_a_response_header_is_masked_in_the_error(api_factory: ApiFactory) -> None:
    def api(request: httpx.Request) -> httpx.Response:
        echoed = request.headers["Authorization"]
        return httpx.Response(400, json={"message": "bad"}, headers={"X-Echo": echoed, "Set-Cookie": "s=1"})

    made = api_factory(Recorder(api=api), access_token=STATIC_TOKEN)
    with pytest.raises(BadRequestError) as caught:
        await made("get", ID)
    await made.close()
    error = caught.value
    assert error.headers["x-echo"] == "Bearer ***"
    assert error.headers["set-cookie"] == "***"
    assert STATIC_TOKEN not in repr(error.headers) + str(error) + repr(error)


def test_make_status_error_masks_secrets_in_header_values_and_the_tracking_header() -> None:
    response = httpx.Response(
        500,
        headers={"X-Debug": f"secret={CLIENT_SECRET}", "SLPT-Request-ID": f"id-{ACCESS_TOKEN}"},
        content=b"",
        request=_request(),
    )
    error = make_status_error(response, method="GET", url="u", secrets=[CLIENT_SECRET, ACCESS_TOKEN])
    assert error.headers["x-debug"] == "secret=***"
    assert error.tracking_id == "id-***"
    unmasked = make_status_error(response, method="GET", url="u")
    assert unmasked.headers["x-debug"] == f"secret={CLIENT_SECRET}"


# -- the 1 MiB cap on error bodies ---------------------------------------------------------------------
def _padded(size: int) -> bytes:
    body = json.dumps({**DTO, "pad": ""}).encode()
    return body[:-2] + b"x" * (size - len(body)) + b'"}'


def test_describe_body_parses_up_to_one_mib_and_not_a_byte_more() -> None:
    assert ERROR_BODY_LIMIT == 1024 * 1024
    exactly = _padded(ERROR_BODY_LIMIT)
    assert len(exactly) == ERROR_BODY_LIMIT
    assert describe_body(exactly) == ("404 Not found", "from-body", ["no such thing"])
    assert describe_body(_padded(ERROR_BODY_LIMIT + 1)) == (None, None, [])


async def test_an_error_body_past_one_mib_is_cut_there_and_not_parsed(api_factory: ApiFactory) -> None:
    bodies = [_padded(ERROR_BODY_LIMIT), _padded(ERROR_BODY_LIMIT + 1)]
    recorder = Recorder(api=lambda request: httpx.Response(404, content=bodies.pop(0)))
    api = api_factory(recorder)
    with pytest.raises(NotFoundError) as whole:
        await api("get", ID)
    with pytest.raises(NotFoundError) as cut:
        await api("get", ID)
    await api.close()
    assert whole.value.detail_code == "404 Not found"
    assert cut.value.detail_code is None and cut.value.tracking_id is None


# -- excerpts of bodies ----------------------------------------------------------------------------------
def test_one_line_turns_each_control_character_into_a_space_and_trims() -> None:
    assert one_line("\n first\nsecond\tthird\x00end \r\n") == "first second third end"


def test_an_excerpt_of_two_hundred_characters_is_whole_and_one_more_is_cut() -> None:
    assert excerpt(b"a" * 200) == "a" * 200
    assert excerpt(b"a" * 201) == "a" * 200 + "…"


def test_an_excerpt_shows_undecodable_bytes_as_replacement_characters() -> None:
    assert excerpt(b"ok \xff\xfe end") == "ok \ufffd\ufffd end"


def test_an_excerpt_cut_by_bytes_is_marked_even_when_its_text_is_short() -> None:
    # 201 four-byte characters: the 800 bytes decoded hold 200 of them, yet the body went on.
    assert excerpt("😀".encode() * 201) == "😀" * 200 + "…"
    # Only the first 800 bytes are decoded, whatever follows (a huge body costs no more than a small one).
    assert excerpt(b" " * 800 + b"tail") == "…"
    assert excerpt(b"whole", cut=True) == "whole…"


SECRET = "S3cr3t-" + "abcdefghij" * 4 + "-END"


def _shows_part_of_secret(text: str) -> bool:
    return any(SECRET[i : i + 4] in text for i in range(len(SECRET) - 3))


def test_a_secret_repeated_past_the_scanned_head_leaves_no_part_of_it_in_the_excerpt() -> None:
    # Masking shrinks each copy to ***, so the bytes after the head's copies move into the excerpt: a
    # copy cut by the end of the head must not be among them.
    for body in ((SECRET + " ") * 100, SECRET * 100, "x" * 150 + (" " + SECRET) * 100):
        shown = redacted_excerpt(body.encode(), [SECRET])
        assert not _shows_part_of_secret(shown), shown
        assert shown.endswith("…")


@pytest.mark.parametrize("after", [1000, 5000])
def test_a_long_body_with_secrets_in_use_still_shows_a_whole_excerpt(after: int) -> None:
    body = ("y" * 300 + SECRET + "z" * after).encode()
    assert redacted_excerpt(body, [SECRET, "another-secret"]) == "y" * 200 + "…"


def test_a_body_within_the_scanned_head_is_shown_whole_with_its_secrets_masked() -> None:
    assert redacted_excerpt(f"bad token {SECRET}.".encode(), [SECRET]) == "bad token ***."
    # Empty secrets mask nothing (and do not break the length computation).
    assert redacted_excerpt(b"plain body", ["", ""]) == "plain body"


# -- the exceptions' messages and attributes -------------------------------------------------------------
def test_a_status_error_with_nothing_but_a_status_says_so() -> None:
    error = APIStatusError(status_code=500)
    assert str(error) == "HTTP 500 Internal Server Error: (no message)"
    assert (error.detail_code, error.tracking_id, error.messages, error.headers) == (None, None, [], {})
    assert (error.body, error.method, error.url) == ("", "", "")


def test_a_status_error_message_names_the_request_messages_and_codes() -> None:
    error = APIStatusError(
        status_code=404,
        detail_code="404 Not found",
        tracking_id="t-1",
        messages=["first", "second"],
        headers={"X-A": "1"},
        body="not quoted when there are messages",
        method="GET",
        url="https://t.example.com/x",
    )
    assert str(error) == (
        "HTTP 404 Not Found from GET https://t.example.com/x: first; second "
        "(detailCode 404 Not found, trackingId t-1)"
    )
    assert error.headers == {"X-A": "1"} and error.body == "not quoted when there are messages"


def test_a_status_error_without_messages_quotes_the_body_and_any_one_code() -> None:
    assert str(APIStatusError(status_code=502, body="<html>", tracking_id="t-2")) == (
        "HTTP 502 Bad Gateway: <html> (trackingId t-2)"
    )
    assert str(APIStatusError(status_code=520, detail_code="d")) == "HTTP 520: (no message) (detailCode d)"


def test_status_phrase_names_registered_codes_only() -> None:
    assert (status_phrase(404), status_phrase(520)) == ("404 Not Found", "520")


def test_an_unreadable_response_message_says_what_where_and_how_it_starts() -> None:
    error = UnreadableResponseError(
        "body is not JSON",
        status_code=200,
        content_type="text/html",
        body_excerpt="<html>",
        method="GET",
        url="https://t.example.com/x",
    )
    assert str(error) == (
        "unreadable 200 response to GET https://t.example.com/x (content-type 'text/html'): "
        "body is not JSON; body starts '<html>'"
    )
    assert (error.reason, error.status_code, error.content_type, error.body_excerpt) == (
        "body is not JSON",
        200,
        "text/html",
        "<html>",
    )
    assert (error.method, error.url) == ("GET", "https://t.example.com/x")


def test_an_unreadable_response_without_request_or_content_type_says_none() -> None:
    error = UnreadableResponseError("empty", status_code=204, content_type="", body_excerpt="")
    assert str(error) == "unreadable 204 response (content-type 'none'): empty; body starts ''"
    assert (error.method, error.url) == ("", "")


def test_a_response_too_large_keeps_its_limit_and_reason() -> None:
    error = ResponseTooLargeError("too big", limit=10, status_code=200, content_type="", body_excerpt="x")
    assert error.limit == 10 and error.reason == "too big"
    assert str(error) == "unreadable 200 response (content-type 'none'): too big; body starts 'x'"


def test_a_connection_error_built_without_a_request_has_empty_method_and_url() -> None:
    error = APIConnectionError("it broke")
    assert (str(error), error.method, error.url) == ("it broke", "", "")


@pytest.mark.parametrize(
    ("exc", "expected_class", "message"),
    [
        (
            httpx.ReadError("connection\nreset"),
            APIConnectionError,
            "ReadError during GET u: connection reset",
        ),
        (httpx.ReadTimeout(""), APITimeoutError, "ReadTimeout during GET u: no detail"),
    ],
)
def test_a_transport_error_names_the_failure_the_request_and_the_detail(
    exc: httpx.RequestError, expected_class: type[APIConnectionError], message: str
) -> None:
    error = transport_error(exc, method="GET", url="u")
    assert type(error) is expected_class
    assert (str(error), error.method, error.url) == (message, "GET", "u")


# -- reading error bodies ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # The OAuth2 form: the description first, then the code.
        (
            {"error": "invalid_client", "error_description": "Bad credentials"},
            (None, None, ["Bad credentials", "invalid_client"]),
        ),
        ({"messages": [{"text": "same"}], "message": "same"}, (None, None, ["same"])),
        ({"error": {"nested": 1}, "message": None, "error_description": True}, (None, None, [])),
        ({"message": 429, "error": "  "}, (None, None, ["429"])),
        (
            {"messages": [{"text": None}, {"text": 3}, "plain", 5, {"no": "text"}]},
            (None, None, ["3", "plain"]),
        ),
        ({"detailCode": 5, "trackingId": 7, "message": "two\nlines"}, ("5", "7", ["two lines"])),
    ],
)
def test_describe_body_reads_every_documented_shape(body: object, expected: object) -> None:
    assert describe_body(json.dumps(body).encode()) == expected


@pytest.mark.parametrize("content", [b"", b"[1]", b'"text"', b"{bad", b"\xff\xfe"])
def test_describe_body_finds_nothing_in_what_is_not_a_json_object(content: bytes) -> None:
    assert describe_body(content) == (None, None, [])


def test_make_status_error_masks_secrets_in_the_body_fields() -> None:
    body = {"detailCode": f"d {CLIENT_SECRET}", "trackingId": f"t-{CLIENT_SECRET}", "message": CLIENT_SECRET}
    response = httpx.Response(400, json=body, request=_request())
    error = make_status_error(response, method="GET", url="u", secrets=[CLIENT_SECRET])
    assert (error.detail_code, error.tracking_id, error.messages) == ("d ***", "t-***", ["***"])
    assert CLIENT_SECRET not in error.body and "***" in error.body
    plain = make_status_error(response, method="GET", url="u")
    assert (plain.detail_code, plain.messages) == (f"d {CLIENT_SECRET}", [CLIENT_SECRET])


@pytest.mark.parametrize(
    ("status", "expected_class"),
    [(499, UnexpectedStatusError), (500, ServerError), (599, ServerError), (600, UnexpectedStatusError)],
)
def test_only_statuses_500_to_599_are_server_errors(
    status: int, expected_class: type[APIStatusError]
) -> None:
    error = make_status_error(httpx.Response(status, request=_request()), method="GET", url="u")
    assert type(error) is expected_class


def test_make_status_error_fills_every_field_and_takes_the_class_it_is_given() -> None:
    response = httpx.Response(429, json={"message": "slow"}, headers={"X-A": "1"}, request=_request())
    error = make_status_error(response, method="POST", url="u", retry_after=2.5)
    assert isinstance(error, RateLimitError) and error.retry_after == 2.5
    assert (error.status_code, error.method, error.url, error.messages) == (429, "POST", "u", ["slow"])
    assert error.headers["x-a"] == "1" and error.body == '{"message":"slow"}'
    forced = make_status_error(response, method="POST", url="u", error_class=AuthenticationError)
    assert type(forced) is AuthenticationError
