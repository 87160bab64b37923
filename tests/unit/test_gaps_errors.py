"""Error-path behaviour found untested by mutation testing (issue 15): tracking ids, echoed secrets, caps."""

from __future__ import annotations

import json

import httpx
import pytest

from sailpoint_sim import BadRequestError, NotFoundError
from sailpoint_sim._errors import describe_body, make_status_error
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
