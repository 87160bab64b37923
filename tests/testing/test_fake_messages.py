"""The fake's errors read like SailPoint's: field and rule in words, no Python reprs, types or internals,
whether they come from the API, the admin endpoints or the library."""

from __future__ import annotations

import re

import httpx
import pytest

from sailpoint_sim.testing import FakeSimService, Fault

from .fake_support import Api

BASE = "/v2025/sim-integrations"
PYTHON_INTERNALS = re.compile(
    r"<class |\bunhashable\b|could not convert|not supported between|\{'|\['|\\x[0-9a-f]{2}'"
)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"kind": ["status"]}, "kind: must be one of close_mid_body, delay, empty, html, huge, reset,"),
        ({"kind": "explode"}, "kind: must be one of close_mid_body, delay,"),
        ({"when": "later"}, "when: must be before or after"),
        (
            {"operation": "listThings"},
            "operation: must be one of createSIMIntegration, deleteSIMIntegration,",
        ),
        ({"times": "twice"}, "times: must be a whole number >= 0, or null for every request"),
        ({"times": -1}, "times: must be a whole number >= 0"),
        ({"delay": "soon"}, "delay: must be a number of seconds >= 0"),
        ({"status": "503"}, "status: must be an HTTP status code (100-599)"),
        ({"size": 1.5}, "size: must be a whole number of bytes >= 0"),
        ({"bogus": 1, "other": 2}, "unknown fault fields: bogus, other; known: body, content_type,"),
    ],
)
def test_admin_fault_errors_name_the_field_in_words(
    fake: FakeSimService, fault: dict[str, object], message: str
) -> None:
    with fake.serve() as server, httpx.Client(base_url=server.url, timeout=10) as client:
        response = client.post("/__fake__/faults", json=fault)
    assert response.status_code == 400
    text = response.json()["messages"][0]["text"]
    assert text.startswith(message), text
    assert not PYTHON_INTERNALS.search(text), text


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"latency": "slow"}, "latency: must be a number of seconds >= 0"),
        ({"latency": -1}, "latency: must be a number of seconds >= 0"),
        ({"token_ttl": [1]}, "token_ttl: must be a number of seconds >= 0"),
        ({"frobs": 1}, "unknown settings: frobs; known: clock_skew, delete_status,"),
    ],
)
def test_admin_config_errors_name_the_setting_in_words(
    fake: FakeSimService, config: dict[str, object], message: str
) -> None:
    with fake.serve() as server, httpx.Client(base_url=server.url, timeout=10) as client:
        response = client.post("/__fake__/config", json=config)
        token = client.post("/__fake__/tokens", json={"token": "t", "ttl": "long"})
    assert response.status_code == 400
    text = response.json()["messages"][0]["text"]
    assert text.startswith(message), text
    assert not PYTHON_INTERNALS.search(text), text
    assert token.json()["messages"][0]["text"] == "ttl: must be a number of seconds >= 0"


def test_the_library_raises_the_same_words() -> None:
    with pytest.raises(ValueError, match=r"^times: must be a whole number >= 0, or null for every request$"):
        Fault(times="x")  # type: ignore[arg-type]


def test_control_characters_sent_by_a_client_are_shown_escaped(api: Api) -> None:
    response = api.post(BASE, {"name": "x", "statusMap": {"a\x00b\nc": 5}})
    assert response.status_code == 400
    text = response.json()["messages"][0]["text"]
    assert text == "statusMap.a\\x00b\\nc: must be a string"
