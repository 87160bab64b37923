"""Fixtures for the as-code tests: fake tenants (in-process) and clients bound to them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sailpoint_sim import RetryPolicy, SimIntegrationsClient
from sailpoint_sim.testing import FakeSimService

SANDBOX_CLUSTER = "sandbox-cluster-0001"
SANDBOX_SOURCES = ("sandbox-source-aaaa", "sandbox-source-bbbb")
SANDBOX_OWNER = "sandbox-owner-0001"
SANDBOX_RULE = "sandbox-rule-0001"


def integration(name: str, **overrides: Any) -> dict[str, Any]:
    """A realistic definition: every kind of reference, an undeclared field, nested settings."""
    body: dict[str, Any] = {
        "name": name,
        "description": f"Tickets for {name}",
        "type": "ServiceNowSDIM",
        "cluster": SANDBOX_CLUSTER,
        "sources": list(SANDBOX_SOURCES),
        "ownerRef": {"type": "IDENTITY", "id": SANDBOX_OWNER, "name": "Support"},
        "clusterRef": {"type": "CLUSTER", "id": SANDBOX_CLUSTER, "name": "Sandbox VA"},
        "provisioningConfig": {
            "universalManager": False,
            "managedResourceRefs": [{"type": "SOURCE", "id": SANDBOX_SOURCES[0], "name": "HR"}],
            "planInitializerScript": None,
            "noProvisioningRequests": True,
            "provisioningRequestExpiration": 7,
        },
        "attributes": {"url": "https://acme.service-now.com", "username": "sailpoint", "id": "not-a-ref"},
        "statusMap": {"closed_complete": "Committed", "closed_cancelled": "Failed"},
        "beforeProvisioningRule": {"type": "RULE", "id": SANDBOX_RULE, "name": "Before Provisioning"},
        "x-undeclared": {"kept": [1, 2.5, None, True]},
    }
    body.update(overrides)
    return body


def client_for(fake: FakeSimService) -> SimIntegrationsClient:
    """A client talking to the fake in-process, with a token the fake issued, no retry sleeps."""
    return SimIntegrationsClient(
        "https://tenant.api.identitynow.com",
        access_token=fake.issue_token(),
        http_client=httpx.Client(transport=fake.transport()),
        retry=RetryPolicy(sleep=lambda seconds: None),
    )


@pytest.fixture
def client(fake: FakeSimService) -> Iterator[SimIntegrationsClient]:
    with client_for(fake) as client:
        yield client
