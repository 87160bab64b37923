"""Every documented example is valid, read by the generated models and written back unchanged."""

from __future__ import annotations

import datetime
import json
import re
from types import ModuleType
from typing import Any

import pytest
from openapi_schema_validator import OAS30WriteValidator, oas30_format_checker
from sailpoint_sim_client.api.sim_integrations import patch_before_provisioning_rule, patch_sim_attributes
from sailpoint_sim_client.models import JsonPatch, ServiceDeskIntegrationDto, SimIntegrationDetails

from .sim_contract import (
    EXAMPLES_DIR,
    FRAGMENT_URI,
    SEED_EXAMPLES,
    SHARED_DIR,
    Contract,
    DocumentedExample,
    canonical,
    check_round_trip,
    fragment_examples,
    load_contract,
    load_seed,
    seed_examples,
)

SDID = "/components/schemas/ServiceDeskIntegrationDto"
DETAILS = "/components/schemas/SimIntegrationDetails"
PATCH_BODY = "/components/requestBodies/JsonPatchBody/content/application~1json-patch+json/schema"

# Collected at import time so that each example is its own test case, named after where it is documented.
_CONTRACT = load_contract()
ALL_EXAMPLES: list[DocumentedExample] = fragment_examples(_CONTRACT) + seed_examples()


@pytest.mark.parametrize("example", ALL_EXAMPLES, ids=[example.name for example in ALL_EXAMPLES])
def test_documented_example_round_trips(
    contract: Contract, package: ModuleType, example: DocumentedExample
) -> None:
    check_round_trip(contract, package, example.schema_pointer, example.value)


def test_discovery_finds_every_kind_of_documented_example(contract: Contract) -> None:
    # Guards the walk itself: if it silently found nothing, the parametrized test would pass vacuously.
    found = {(example.name.split(":")[-1], example.schema_pointer) for example in fragment_examples(contract)}
    names = {name for name, _ in found}
    for expected in [
        "integration=Integration",
        "integrations=IntegrationList",
        "documented",
        "rfc6902",
        "badRequest",
        "expired",
        "forbidden",
        "notFound",
        "rateLimited",
        "internalFault",
        "example",  # the parameters' examples
    ]:
        assert expected in names
    schemas = {pointer for _, pointer in found}
    assert "/paths/~1sim-integrations/get/responses/200/content/application~1json/schema" in schemas
    assert PATCH_BODY in schemas
    assert "/components/parameters/XSailPointExperimental/schema" in schemas


def test_every_example_of_the_fragment_is_exercised(contract: Contract) -> None:
    # Every components/examples entry must be used by some media type, and every `example(s)` keyword in
    # the document must be one that discovery pairs with a schema; a new example cannot go untested.
    for name in contract.spec["components"].get("examples", {}):
        referenced = [example for example in fragment_examples(contract) if example.name.endswith(f"={name}")]
        assert referenced, f"components/examples/{name} is not used by any media type, so it is never checked"

    keyword_count = 0

    def count(node: Any, parent_key: str | None, in_component_examples: bool) -> None:
        nonlocal keyword_count
        if isinstance(node, dict):
            # Keys under `properties` are property names, and `components.examples` is a section.
            if parent_key not in ("properties", "components") and not in_component_examples:
                keyword_count += int("example" in node) + len(node.get("examples") or {})
            for key, child in node.items():
                count(child, key, in_component_examples or (parent_key == "components" and key == "examples"))
        elif isinstance(node, list):
            for child in node:
                count(child, None, in_component_examples)

    count(contract.spec, None, False)
    assert keyword_count == len(fragment_examples(contract)) > 0


def test_every_seed_example_file_is_paired_with_its_schemas() -> None:
    files = sorted(path.name for path in EXAMPLES_DIR.glob("*.json"))
    assert files == sorted(SEED_EXAMPLES)


def test_seed_examples_are_the_documented_bodies_verbatim() -> None:
    seed_dir = SHARED_DIR / "seed"
    if not seed_dir.is_dir():
        pytest.skip(f"the shared seed material is not beside the clone ({seed_dir}); the files are committed")
    documented: set[str] = set()
    for page in seed_dir.glob("*.txt"):
        # The SDK page shows each body as a Go raw string: []byte(`{...}`).
        for body in re.findall(r"\[\]byte\(`(.*?)`\)", page.read_text(encoding="utf-8"), flags=re.DOTALL):
            documented.add(canonical(json.loads(body)))
    assert documented == {canonical(load_seed(name)) for name in SEED_EXAMPLES}


def test_seed_body_is_read_by_both_integration_models(contract: Contract, package: ModuleType) -> None:
    body = load_seed("seed-sim-integration-details.json")
    details = check_round_trip(contract, package, DETAILS, body)
    response = check_round_trip(contract, package, SDID, body)
    assert isinstance(details, SimIntegrationDetails)
    assert isinstance(response, ServiceDeskIntegrationDto)
    for parsed in (details, response):
        assert parsed.name == "aName"
        assert parsed.sources == ["2c9180835d191a86015d28455b4a2329", "2c5680835d191a85765d28455b4a9823"]
        assert parsed.additional_properties == {}


def test_documented_request_example_carries_server_assigned_fields(contract: Contract) -> None:
    # Settled contradiction: id, created and modified are assigned by the server (readOnly), yet the
    # documented request shows them. Read as a request, exactly those three are flagged.
    validator = OAS30WriteValidator(
        {"$ref": f"{FRAGMENT_URI}#{DETAILS}"}, registry=contract.registry, format_checker=oas30_format_checker
    )
    flagged = {
        error.absolute_path[0]
        for error in validator.iter_errors(load_seed("seed-sim-integration-details.json"))
    }
    assert flagged == {"id", "created", "modified"}


@pytest.mark.parametrize("module", [patch_sim_attributes, patch_before_provisioning_rule])
def test_patch_examples_go_on_the_wire_unchanged(
    contract: Contract, package: ModuleType, module: Any
) -> None:
    bodies = [load_seed("seed-json-patch.json")] + [
        example.value for example in fragment_examples(contract) if example.schema_pointer == PATCH_BODY
    ]
    assert len(bodies) == 3
    for body in bodies:
        parsed = check_round_trip(contract, package, PATCH_BODY, body)
        assert isinstance(parsed, JsonPatch if isinstance(body, dict) else list)
        kwargs = module._get_kwargs("12345", body=parsed)
        assert canonical(kwargs["json"]) == canonical(body)
        assert kwargs["headers"]["Content-Type"] == "application/json-patch+json"


# --- timestamps ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "2015-05-28T14:07:17Z",
        "2023-01-03T21:16:22.432Z",
        "2024-01-17T18:45:25.994Z",
        "2024-01-17T18:45:25.123456Z",
    ],
)
def test_timestamps_stay_typed_and_come_back_character_for_character(
    contract: Contract, package: ModuleType, written: str
) -> None:
    body = {"name": "n", "created": written, "modified": written}
    parsed = check_round_trip(contract, package, SDID, body)
    assert isinstance(parsed.created, datetime.datetime)
    assert parsed.created.utcoffset() == datetime.timedelta(0)
    assert parsed.to_dict()["created"] == written
    assert parsed.to_dict()["modified"] == written


def test_documented_timestamps_come_back_exactly(contract: Contract, package: ModuleType) -> None:
    seed = check_round_trip(contract, package, DETAILS, load_seed("seed-sim-integration-details.json"))
    assert seed.created == datetime.datetime(2015, 5, 28, 14, 7, 17, tzinfo=datetime.UTC)
    assert seed.to_dict()["created"] == "2015-05-28T14:07:17Z"
    integration = contract.spec["components"]["examples"]["Integration"]["value"]
    parsed = check_round_trip(contract, package, SDID, integration)
    assert parsed.created == datetime.datetime(2024, 1, 17, 18, 45, 25, 994000, tzinfo=datetime.UTC)
    assert parsed.to_dict()["created"] == "2024-01-17T18:45:25.994Z"


@pytest.mark.parametrize(
    ("received", "written"),
    [
        ("2023-01-03T23:16:22.432+02:00", "2023-01-03T21:16:22.432Z"),
        ("2023-01-03T16:16:22-05:00", "2023-01-03T21:16:22Z"),
        ("2023-01-03T21:16:22.432+00:00", "2023-01-03T21:16:22.432Z"),
        # A zero fraction is spelled the way Java's Instant.toString spells it (the documented
        # `2015-05-28T14:07:17Z`): the same instant, without `.000`.
        ("2023-01-03T21:16:22.000Z", "2023-01-03T21:16:22Z"),
    ],
)
def test_other_offsets_are_written_as_utc_z(package: ModuleType, received: str, written: str) -> None:
    parsed = ServiceDeskIntegrationDto.from_dict({"name": "n", "created": received})
    assert isinstance(parsed.created, datetime.datetime)
    # The same instant, written the way SailPoint writes it.
    assert parsed.created == datetime.datetime.fromisoformat(written)
    assert parsed.to_dict()["created"] == written
