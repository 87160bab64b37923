"""Fault injection of the fake, on both carriers: every fault the reliability tests need."""

from __future__ import annotations

import datetime as dt
import email.utils
import json

import httpx
import pytest

from sailpoint_sim.testing import FakeSimService, Fault

from .fake_support import GOOD_FORM, Api

BASE = "/v2025/sim-integrations"


def test_429_with_retry_after_seconds_then_normal(api: Api) -> None:
    api.fake.inject(status=429, retry_after=3)
    response = api.get(BASE)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    assert response.json() == {"message": " Rate Limit Exceeded "}
    assert api.get(BASE).status_code == 200


def test_429_with_retry_after_http_date(api: Api) -> None:
    when = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    api.fake.inject(status=429, retry_after=when)
    response = api.get(BASE)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "Wed, 02 Jan 2030 03:04:05 GMT"
    assert email.utils.parsedate_to_datetime(response.headers["Retry-After"]) == when


@pytest.mark.parametrize("status", [500, 502, 503, 504, 418, 520])
def test_status_faults_carry_sailpoint_error_bodies(api: Api, status: int) -> None:
    api.fake.inject(status=status)
    response = api.get(BASE)
    assert response.status_code == status
    body = response.json()
    assert body["detailCode"].startswith(str(status))
    assert body["trackingId"] == response.headers["SLPT-Request-ID"]
    assert body["messages"][0]["locale"] == "en-US"


def test_status_fault_defaults_to_503(api: Api) -> None:
    api.fake.inject()
    assert api.get(BASE).status_code == 503


def test_status_fault_with_custom_body_content_type_and_headers(api: Api) -> None:
    api.fake.inject(
        status=502, body="<h1>bad gateway</h1>", content_type="text/html", headers={"X-Extra": "1"}
    )
    api.fake.inject(status=500, body={"custom": True})
    response = api.get(BASE)
    assert response.status_code == 502
    assert response.headers["Content-Type"] == "text/html"
    assert response.headers["X-Extra"] == "1"
    assert response.text == "<h1>bad gateway</h1>"
    response = api.get(BASE)
    assert (response.status_code, response.json()) == (500, {"custom": True})


def test_delay_fault_outlasts_a_short_client_timeout(api: Api) -> None:
    api.fake.inject("delay", delay=1.0)
    with pytest.raises(httpx.ReadTimeout):
        api.client.get(BASE, headers=api.headers, timeout=0.05)
    # a delay only postpones: the next request is answered normally
    assert api.get(BASE).status_code == 200


def test_truncated_json(api: Api) -> None:
    api.fake.seed(2)
    api.fake.inject("truncated_json")
    response = api.get(BASE)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.content.startswith(b"[{")
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


@pytest.mark.parametrize("status", [200, 502])
def test_html_page(api: Api, status: int) -> None:
    api.fake.inject("html", status=status)
    response = api.get(BASE)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")


def test_empty_200(api: Api) -> None:
    api.fake.inject("empty", operation="getSIMIntegration")
    created = api.create()
    response = api.get(f"{BASE}/{created['id']}")
    assert (response.status_code, response.content) == (200, b"")


def test_wrong_content_type_keeps_the_body(api: Api) -> None:
    created = api.create()
    api.fake.inject("wrong_content_type")
    response = api.get(f"{BASE}/{created['id']}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.json() == created


@pytest.mark.parametrize("operation", ["getSIMIntegrations", "getSIMIntegration"])
def test_huge_body_is_valid_json_of_the_right_shape(api: Api, operation: str) -> None:
    created = api.create()
    api.fake.inject("huge", size=2_000_000, operation=operation)
    path = BASE if operation == "getSIMIntegrations" else f"{BASE}/{created['id']}"
    response = api.get(path)
    assert response.status_code == 200
    assert len(response.content) >= 1_900_000
    body = response.json()
    assert isinstance(body, list if operation == "getSIMIntegrations" else dict)


def test_reset_before_the_response(api: Api) -> None:
    api.fake.inject("reset")
    with pytest.raises(httpx.ReadError):
        api.get(BASE)
    assert api.get(BASE).status_code == 200


@pytest.mark.parametrize(
    ("kind", "error"),
    [("reset_mid_body", httpx.ReadError), ("close_mid_body", httpx.RemoteProtocolError)],
)
def test_connection_dropped_mid_body(api: Api, kind: str, error: type[Exception]) -> None:
    api.fake.seed(3)
    api.fake.inject(kind)  # type: ignore[arg-type]
    with pytest.raises(error):
        api.get(BASE)
    assert len(api.get(BASE).json()) == 3


def test_mid_body_fault_sends_part_of_the_body(api: Api) -> None:
    api.fake.seed(3)
    api.fake.inject("close_mid_body")
    received = b""
    with (
        pytest.raises(httpx.RemoteProtocolError),
        api.client.stream("GET", BASE, headers=api.headers) as response,
    ):
        assert response.status_code == 200
        for chunk in response.iter_raw():
            received += chunk
    assert received.startswith(b"[{")
    assert 0 < len(received) < int(response.headers["Content-Length"])


# ---------------------------------------------------------------- before / after applying


def test_before_fault_applies_nothing(api: Api) -> None:
    api.fake.inject("reset", operation="createSIMIntegration")
    with pytest.raises(httpx.ReadError):
        api.post(BASE, {"name": "x"})
    assert api.fake.writes == []
    assert api.fake.integrations == {}


def test_after_fault_applies_the_write_once(api: Api) -> None:
    api.fake.inject("reset", operation="createSIMIntegration", when="after")
    with pytest.raises(httpx.ReadError):
        api.post(BASE, {"name": "x"})
    assert [w.operation for w in api.fake.writes] == ["createSIMIntegration"]
    (stored,) = api.fake.integrations.values()
    assert stored["name"] == "x"


def test_after_fault_breaks_the_real_response(api: Api) -> None:
    created = api.create({"name": "before"})
    api.fake.inject("truncated_json", operation="patchSIMAttributes", when="after")
    response = api.patch(f"{BASE}/{created['id']}", [{"op": "replace", "path": "/name", "value": "after"}])
    assert response.status_code == 200
    real = api.fake.integrations[str(created["id"])]
    assert real["name"] == "after"
    assert json.dumps(real, separators=(",", ":")).encode().startswith(response.content)


def test_after_status_fault_with_delay(api: Api) -> None:
    api.fake.inject(status=503, operation="putSIMIntegration", when="after", delay=0.01)
    created = api.create()
    assert api.put(f"{BASE}/{created['id']}", {"name": "new"}).status_code == 503
    assert api.fake.integrations[str(created["id"])]["name"] == "new"
    assert [w.operation for w in api.fake.writes] == ["createSIMIntegration", "putSIMIntegration"]


# ---------------------------------------------------------------- matching and counting


def test_times_counts_matching_requests(api: Api) -> None:
    fault = api.fake.inject(status=500, times=2)
    assert [api.get(BASE).status_code for _ in range(3)] == [500, 500, 200]
    assert fault.fired == 2
    assert fault.times == 0


def test_times_none_fires_forever_until_cleared(api: Api) -> None:
    api.fake.inject(status=500, times=None)
    assert [api.get(BASE).status_code for _ in range(3)] == [500] * 3
    api.fake.clear_faults()
    assert api.get(BASE).status_code == 200


def test_filters_by_method_path_and_operation(api: Api) -> None:
    created = api.create()
    item = f"{BASE}/{created['id']}"
    api.fake.inject(status=502, method="delete")
    api.fake.inject(status=503, path="/v2025/sim-integrations/*/beforeProvisioningRule")
    api.fake.inject(status=504, operation="getSIMIntegration")
    assert api.get(BASE).status_code == 200
    assert api.get(item).status_code == 504
    assert api.patch(item, []).status_code == 200
    assert api.patch(f"{item}/beforeProvisioningRule", []).status_code == 503
    assert api.delete(item).status_code == 502
    assert api.delete(item).status_code == 200


def test_faults_fire_in_the_order_added(api: Api) -> None:
    api.fake.inject(status=500)
    api.fake.inject(status=502)
    assert [api.get(BASE).status_code for _ in range(3)] == [500, 502, 200]


def test_token_endpoint_faults(api: Api) -> None:
    api.fake.inject(status=503, operation="token")
    assert api.client.post("/oauth/token", data=GOOD_FORM).status_code == 503
    assert api.client.post("/oauth/token", data=GOOD_FORM).status_code == 200
    # The faulted request reached the service too, so it is counted.
    assert api.fake.token_requests == 2


def test_faults_answer_before_auth_like_a_gateway(api: Api) -> None:
    api.fake.inject(status=429, retry_after=1)
    assert api.client.get(BASE).status_code == 429


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "nonsense"},
        {"when": "later"},
        {"operation": "getEverything"},
        {"times": -1},
        {"delay": -1.0},
        {"status": 99},
        {"size": "big"},
        {"size": -1},
        {"method": 5},
        {"retry_after": [1]},
        {"retry_after": True},
        {"headers": {"X-A": 1}},
    ],
)
def test_bad_faults_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Fault(**kwargs)  # type: ignore[arg-type]


def test_fault_json_round_trip() -> None:
    fault = Fault.from_json(
        {"kind": "status", "status": 429, "retry_after": "7", "operation": "token", "times": 3}
    )
    assert fault.to_json()["retry_after"] == "7"
    assert Fault.from_json({k: v for k, v in fault.to_json().items() if k != "fired"}) == fault
    with pytest.raises(ValueError, match="unknown fault fields"):
        Fault.from_json({"kind": "status", "bogus": 1})


def test_float_retry_after_is_sent_as_given() -> None:
    fake = FakeSimService()
    fake.inject(status=429, retry_after=1.5)
    with httpx.Client(transport=fake.transport(), base_url="https://t") as client:
        assert client.get(BASE).headers["Retry-After"] == "1.5"
