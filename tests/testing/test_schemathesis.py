"""Schemathesis against the fake on loopback: the fake follows the spec fragment it stands in for.

Every operation of ``spec/sim-integrations.v2025.yaml`` is fuzzed in positive and negative modes, and
every response is checked by schemathesis' default checks (status codes, content types, headers, and the
response body against the declared schema). Examples are bounded and derandomized, so the run is the
same every time and stays well under a minute on two cores.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.failures import FailureGroup

from sailpoint_sim.testing import FakeServer, FakeSimService

SPEC = Path(__file__).resolve().parents[2] / "spec" / "sim-integrations.v2025.yaml"
TOKEN = "schemathesis-token"

schema = schemathesis.openapi.from_path(
    SPEC,
    config=schemathesis.Config.from_dict(
        {
            "generation": {"mode": "all", "max-examples": 40, "deterministic": True},
            "operations": [
                {
                    # The fragment cannot express an *applicable* patch: a schema-valid operation may
                    # remove a missing member, test a value that differs, or carry a path that is not
                    # a JSON Pointer or no `value` for add (the schema has no such rules). The service
                    # answers 400 for those, as RFC 6902 requires, so 400 is an accepted answer to
                    # schema-valid PATCH bodies.
                    "include-method": "PATCH",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", 400, 401, 403, 404, 409, 429, "5xx"]
                        }
                    },
                }
            ],
        },
    ),
)


@pytest.fixture(scope="module")
def fake() -> FakeSimService:
    service = FakeSimService(tokens=[TOKEN], record=False)
    service.seed(3)
    return service


@pytest.fixture(scope="module")
def server(fake: FakeSimService) -> Iterator[FakeServer]:
    with fake.serve() as running:
        yield running


@schema.parametrize()
@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_fake_conforms_to_the_fragment(case: schemathesis.Case[Any], server: FakeServer) -> None:
    case.call_and_validate(
        base_url=f"{server.url}/v2025",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )


def test_fake_conforms_across_linked_calls(fake: FakeSimService, server: FakeServer) -> None:
    """Stateful run: ids returned by create/list feed get, put, both patches and delete (links that
    schemathesis infers from the fragment), so stored integrations are read, changed and deleted for real
    and every answer is still checked against the schema."""
    base_url = f"{server.url}/v2025"
    applied: set[str] = set()

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            # Every scenario starts from the same store, so hypothesis can replay and shrink
            # scenarios deterministically (a shared, drifting store makes data generation flaky).
            fake.reset()
            fake.seed(3)

        def teardown(self) -> None:
            applied.update(write.operation for write in fake.writes)

        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, object]:
            return {"base_url": base_url, "headers": {"Authorization": f"Bearer {TOKEN}"}, "timeout": 30}

    Workflow.run(
        settings=settings(
            # Enough scenarios that every kind of write is reached whatever the generator's caches hold
            # (25 reached all five alone, but not after the rest of the suite had warmed them).
            max_examples=60,
            stateful_step_count=10,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    # The run really reached stored integrations: every kind of write was applied at least once.
    assert applied >= {
        "createSIMIntegration",
        "putSIMIntegration",
        "patchSIMAttributes",
        "patchBeforeProvisioningRule",
        "deleteSIMIntegration",
    }, applied


@pytest.mark.parametrize(
    "fault",
    [
        {"kind": "html"},
        {"kind": "status", "status": 418},
        {"kind": "status", "status": 200, "body": [{"description": 5}]},
    ],
)
def test_the_checks_would_catch_a_non_conforming_fake(
    fake: FakeSimService, server: FakeServer, fault: dict[str, object]
) -> None:
    """Control: the same checks fail when the fake answers off-spec (an HTML page, an undocumented status,
    a body breaking ServiceDeskIntegrationDto), so the passing runs above mean something."""
    case = schema["/sim-integrations"]["GET"].Case(headers={"X-SailPoint-Experimental": "true"})
    fake.inject(**fault)  # type: ignore[arg-type]
    try:
        with pytest.raises(FailureGroup):
            case.call_and_validate(
                base_url=f"{server.url}/v2025", headers={"Authorization": f"Bearer {TOKEN}"}
            )
    finally:
        fake.clear_faults()
    case.call_and_validate(base_url=f"{server.url}/v2025", headers={"Authorization": f"Bearer {TOKEN}"})
