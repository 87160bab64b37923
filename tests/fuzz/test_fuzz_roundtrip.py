"""Valid bodies of every response schema, generated from the fragment, survive the models unchanged.

Bodies come from hypothesis-jsonschema over the fragment's own schemas (converted by
``openapi_jsonschema``), so they include every optional field, nulls where the fragment allows them,
both shapes of the flexible fields (object or string), unknown DTO types, and properties the fragment
does not declare, at the top level and inside every nested object.

Timestamps: bodies carry SailPoint's canonical form (UTC, ``Z``, 0/3/6 fraction digits), which the
models write back character for character, so ``from_dict(body).to_dict() == body`` is compared as exact
JSON text. Other RFC 3339 spellings (offsets, other fraction lengths) denote the same instant but are
re-spelt by the models; ``test_any_rfc3339_timestamp_keeps_its_instant`` checks those semantically.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator
from sailpoint_sim_client.models import (
    ErrorResponseDto,
    ServiceDeskIntegrationDto,
    SimIntegrationDetails,
    TooManyRequestsError,
    UnauthorizedError,
)

from .fuzz_figures import count, scaled, schema_bodies
from .openapi_jsonschema import (
    SAILPOINT_DATE_TIME,
    component_schema,
    load_spec,
    response_schema,
    rfc3339_datetimes,
    sailpoint_datetimes,
    strategy_for,
    to_json_schema,
)

pytestmark = pytest.mark.soak

FAMILY = "round-trip"


def canonical(value: Any) -> str:
    """JSON text independent of key order: what "without loss" is compared on."""
    return json.dumps(value, sort_keys=True, ensure_ascii=True)


# --------------------------------------------------------------------------------------------------
# The converter itself: it must accept everything the fragment documents and keep the constraints.


def test_converter_accepts_the_fragments_own_examples() -> None:
    spec = load_spec()
    integration = spec["components"]["examples"]["Integration"]["value"]
    listing = spec["components"]["examples"]["IntegrationList"]["value"]
    checker = Draft7Validator.FORMAT_CHECKER
    Draft7Validator(component_schema("ServiceDeskIntegrationDto"), format_checker=checker).validate(
        integration
    )
    Draft7Validator(response_schema("/sim-integrations", "get"), format_checker=checker).validate(listing)
    for name in (
        "BadRequest",
        "Forbidden",
        "NotFound",
        "InternalServerError",
        "Unauthorized",
        "TooManyRequests",
    ):
        response = spec["components"]["responses"][name]["content"]["application/json"]
        schema = to_json_schema(response["schema"], spec["components"]["schemas"])
        for example in response["examples"].values():
            Draft7Validator(schema, format_checker=checker).validate(example["value"])


def test_converter_translates_openapi_keywords() -> None:
    components = {
        "Leaf": {
            "type": "object",
            "nullable": True,
            "properties": {"a": {"type": "string", "readOnly": True}},
        },
        "Either": {"nullable": True, "oneOf": [{"type": "object"}, {"type": "string"}], "x-settled": "why"},
        "Count": {"type": "integer", "format": "int32"},
        "When": {"type": "string", "format": "date-time"},
        "Self": {"type": "object", "properties": {"me": {"$ref": "#/components/schemas/Self"}}},
    }
    assert to_json_schema({"$ref": "#/components/schemas/Leaf"}, components) == {
        "type": ["object", "null"],
        "properties": {"a": {"type": "string"}},
    }
    either = to_json_schema({"$ref": "#/components/schemas/Either"}, components)
    assert either == {"anyOf": [{"oneOf": [{"type": "object"}, {"type": "string"}]}, {"type": "null"}]}
    assert Draft7Validator(either).is_valid(None)
    assert not Draft7Validator(either).is_valid(3)
    assert to_json_schema(components["Count"], components) == {
        "type": "integer",
        "minimum": -(2**31),
        "maximum": 2**31 - 1,
    }
    assert to_json_schema(components["When"], components)["format"] == SAILPOINT_DATE_TIME
    with pytest.raises(ValueError, match="recursive schema"):
        to_json_schema({"$ref": "#/components/schemas/Self"}, components)


@given(sailpoint_datetimes())
@scaled(0.2)
def test_sailpoint_timestamps_have_the_documented_shape(value: str) -> None:
    date, _, time = value.partition("T")
    assert len(date) == 10 and value.endswith("Z")
    fraction = time[:-1].partition(".")[2]
    assert len(fraction) in (0, 3, 6)
    # The generated models write exactly this form back (the premise of the exact comparison).
    dto = ServiceDeskIntegrationDto.from_dict({"name": "n", "created": value})
    assert dto.to_dict()["created"] == value


# --------------------------------------------------------------------------------------------------
# Round trips, one per response schema (and the request schema the facade builds from a response).

SCHEMAS: dict[str, dict[str, Any]] = {}


def _schema(name: str) -> dict[str, Any]:
    if name not in SCHEMAS:
        SCHEMAS[name] = (
            response_schema("/sim-integrations", "get") if name == "list" else component_schema(name)
        )
    return SCHEMAS[name]


def _roundtrip_dto(body: dict[str, Any]) -> dict[str, Any]:
    return ServiceDeskIntegrationDto.from_dict(body).to_dict()


@given(strategy_for(_schema("ServiceDeskIntegrationDto")))
@scaled(1.0)
def test_service_desk_integration_dto_roundtrip(body: dict[str, Any]) -> None:
    count(FAMILY, "ServiceDeskIntegrationDto")
    schema_bodies("ServiceDeskIntegrationDto")
    assert canonical(_roundtrip_dto(body)) == canonical(body)


@given(strategy_for(_schema("list")))
@scaled(0.3)
def test_integration_list_roundtrip(body: list[dict[str, Any]]) -> None:
    count(FAMILY, "list[ServiceDeskIntegrationDto]")
    count(FAMILY, "ServiceDeskIntegrationDto (in lists)", len(body))
    schema_bodies("ServiceDeskIntegrationDto", len(body))
    back = [ServiceDeskIntegrationDto.from_dict(item).to_dict() for item in body]
    assert canonical(back) == canonical(body)


@given(strategy_for(_schema("ErrorResponseDto")))
@scaled(1.0)
def test_error_response_dto_roundtrip(body: dict[str, Any]) -> None:
    count(FAMILY, "ErrorResponseDto")
    schema_bodies("ErrorResponseDto")
    assert canonical(ErrorResponseDto.from_dict(body).to_dict()) == canonical(body)


@given(strategy_for(_schema("UnauthorizedError")))
@scaled(1.0)
def test_unauthorized_error_roundtrip(body: dict[str, Any]) -> None:
    count(FAMILY, "UnauthorizedError")
    schema_bodies("UnauthorizedError")
    assert canonical(UnauthorizedError.from_dict(body).to_dict()) == canonical(body)


@given(strategy_for(_schema("TooManyRequestsError")))
@scaled(1.0)
def test_too_many_requests_error_roundtrip(body: dict[str, Any]) -> None:
    count(FAMILY, "TooManyRequestsError")
    schema_bodies("TooManyRequestsError")
    assert canonical(TooManyRequestsError.from_dict(body).to_dict()) == canonical(body)


@given(strategy_for(_schema("SimIntegrationDetails")))
@scaled(0.5)
def test_sim_integration_details_roundtrip(body: dict[str, Any]) -> None:
    # Not a response, but what read-modify-write sends back: it must be as lossless.
    count(FAMILY, "SimIntegrationDetails")
    schema_bodies("SimIntegrationDetails")
    assert canonical(SimIntegrationDetails.from_dict(body).to_dict()) == canonical(body)


@given(
    st.fixed_dictionaries({"name": st.text(max_size=5)}),
    rfc3339_datetimes(),
    rfc3339_datetimes(),
)
@scaled(0.4)
def test_any_rfc3339_timestamp_keeps_its_instant(base: dict[str, Any], created: str, modified: str) -> None:
    count(FAMILY, "RFC 3339 timestamps (semantic)")
    body = {**base, "created": created, "modified": modified}
    back = _roundtrip_dto(body)
    for key in ("created", "modified"):
        sent = datetime.datetime.fromisoformat(body[key])
        returned = datetime.datetime.fromisoformat(back[key])
        assert returned == sent  # the same instant ...
        assert returned.utcoffset() == datetime.timedelta(0)  # ... written in UTC, as SailPoint does
    assert {k: v for k, v in back.items() if k not in ("created", "modified")} == base
