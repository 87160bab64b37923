"""The fake's Python API: seeding, records, redaction, reset, direct access, thread safety."""

from __future__ import annotations

import functools
import threading

import httpx
import pytest

from sailpoint_sim.testing import DEFAULT_CLIENT_SECRET, FakeSimService
from tests.support.threads import run_in_threads

BASE = "/v2025/sim-integrations"


def test_seed_is_deterministic_and_realistic() -> None:
    first, second = FakeSimService(), FakeSimService()
    ids = first.seed(5)
    assert ids == second.seed(5)
    assert len(set(ids)) == 5
    assert first.integrations == second.integrations
    first.reset()
    assert first.seed(5) == ids
    assert first.seed(2) != ids[:2]  # more seeding continues the sequence, never repeats an id
    doc = second.integrations[ids[0]]
    assert doc["name"] == "ServiceNow SIM 0001"
    assert {
        "ownerRef",
        "clusterRef",
        "provisioningConfig",
        "statusMap",
        "request",
        "beforeProvisioningRule",
    } <= set(doc)


def test_seeded_integrations_are_served() -> None:
    fake = FakeSimService()
    ids = fake.seed(3)
    headers = {"Authorization": f"Bearer {fake.issue_token()}", "X-SailPoint-Experimental": "true"}
    with httpx.Client(transport=fake.transport(), base_url="https://t", headers=headers) as client:
        listed = client.get(BASE).json()
        assert [item["id"] for item in listed] == ids
        assert client.get(f"{BASE}/{ids[1]}").json() == listed[1]


def test_add_integration_validates_and_keeps_undeclared_fields() -> None:
    fake = FakeSimService()
    stored = fake.add_integration({"name": "direct", "custom": {"x": 1}, "id": "ignored"})
    assert stored["id"] != "ignored"
    assert fake.integrations[stored["id"]]["custom"] == {"x": 1}
    assert fake.writes == []
    with pytest.raises(ValueError, match="name: is required"):
        fake.add_integration({"description": "no name"})


def test_integrations_are_copies() -> None:
    fake = FakeSimService()
    (ident,) = fake.seed(1)
    fake.integrations[ident]["name"] = "changed"
    assert fake.integrations[ident]["name"] == "ServiceNow SIM 0001"


def test_records_redact_secrets_and_reprs_hide_them() -> None:
    fake = FakeSimService(client_secret="s3cr3t-value")
    with httpx.Client(transport=fake.transport(), base_url="https://t") as client:
        form = {
            "grant_type": "client_credentials",
            "client_id": "fake-client-id",
            "client_secret": "s3cr3t-value",
        }
        token = client.post("/oauth/token", data=form).json()["access_token"]
        client.post("/oauth/token", params=form)
        client.get(BASE, headers={"Authorization": f"Bearer {token}", "X-SailPoint-Experimental": "true"})
    dumped = (
        repr(fake) + repr(fake.requests) + repr([r.to_json() for r in fake.requests]) + repr(fake.transport())
    )
    assert "s3cr3t-value" not in dumped
    assert token not in dumped
    token_request = fake.requests[0]
    assert token_request.operation == "token"
    assert b"client_secret=***" in token_request.body
    assert "client_secret=***" in fake.requests[1].query
    assert fake.requests[2].header("authorization") == "***"
    assert fake.requests[2].header("X-SailPoint-Experimental") == "true"
    assert fake.token_requests == 2


def test_default_secret_is_not_in_repr() -> None:
    assert DEFAULT_CLIENT_SECRET not in repr(FakeSimService())


def test_recording_can_be_turned_off_but_writes_are_always_logged() -> None:
    fake = FakeSimService(record=False)
    headers = {"Authorization": f"Bearer {fake.issue_token()}", "X-SailPoint-Experimental": "true"}
    with httpx.Client(transport=fake.transport(), base_url="https://t", headers=headers) as client:
        client.post(BASE, json={"name": "x"})
    assert fake.requests == []
    assert len(fake.writes) == 1


def test_clear_records_and_reset() -> None:
    fake = FakeSimService(tokens=["fixed"])
    headers = {"Authorization": "Bearer fixed", "X-SailPoint-Experimental": "true"}
    fake.inject(status=500, times=None)
    with httpx.Client(transport=fake.transport(), base_url="https://t", headers=headers) as client:
        assert client.get(BASE).status_code == 500
        fake.clear_faults()
        client.post(BASE, json={"name": "x"})
        fake.clear_records()
        assert fake.requests == [] and fake.writes == []
        assert len(fake.integrations) == 1
        issued = fake.issue_token()
        fake.reset()
        assert fake.integrations == {} and fake.faults == [] and fake.requests == []
        assert client.get(BASE).json() == []  # constructor tokens are configuration: still valid
        other = {"Authorization": f"Bearer {issued}"}
        assert client.get(BASE, headers=other).status_code == 401  # issued ones are forgotten


def test_bad_constructor_arguments() -> None:
    with pytest.raises(ValueError):
        FakeSimService(delete_status=202)


def test_modified_changes_even_within_one_millisecond() -> None:
    fake = FakeSimService()
    headers = {"Authorization": f"Bearer {fake.issue_token()}", "X-SailPoint-Experimental": "true"}
    with httpx.Client(transport=fake.transport(), base_url="https://t", headers=headers) as client:
        created = client.post(BASE, json={"name": "x"}).json()
        stamps = [
            client.put(f"{BASE}/{created['id']}", json={"name": f"v{i}"}).json()["modified"]
            for i in range(20)
        ]
    assert stamps == sorted(set(stamps))
    assert stamps[0] > created["modified"]


def test_thread_safety_under_many_threads() -> None:
    fake = FakeSimService()
    fake.inject(status=503, times=25, operation="createSIMIntegration")
    headers = {"Authorization": f"Bearer {fake.issue_token()}", "X-SailPoint-Experimental": "true"}
    statuses: list[int] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        with httpx.Client(transport=fake.transport(), base_url="https://t", headers=headers) as client:
            for i in range(10):
                status = client.post(BASE, json={"name": f"{n}-{i}"}).status_code
                with lock:
                    statuses.append(status)

    run_in_threads(functools.partial(work, n) for n in range(10))
    # exactly `times` requests hit the fault; every other create was applied exactly once
    assert statuses.count(503) == 25
    assert statuses.count(200) == 75
    assert len(fake.writes) == len(fake.integrations) == 75
