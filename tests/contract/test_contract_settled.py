"""Each contradiction of the published contract, settled by the fragment, shown by a test."""

from __future__ import annotations

import copy
from types import ModuleType
from typing import Any

import pytest
from sailpoint_sim_client.models import (
    AttributesMap,
    BeforeProvisioningRuleRef,
    DtoType,
    ErrorResponseDto,
    LocaleOrigin,
    OwnerReference,
    ProvisioningConfig,
    RequestTemplate,
    ServiceDeskIntegrationDto,
    SimIntegrationDetails,
    SourceReference,
    StatusMap,
)

from .sim_contract import Contract, canonical, check_round_trip, load_seed

SDID = "/components/schemas/ServiceDeskIntegrationDto"
DETAILS = "/components/schemas/SimIntegrationDetails"
ERROR = "/components/schemas/ErrorResponseDto"
LIST = "/paths/~1sim-integrations/get/responses/200/content/application~1json/schema"
BOTH_MODELS = [DETAILS, SDID]


def integration_example(contract: Contract) -> dict[str, Any]:
    """A deep copy of the fragment's documented integration (object-valued statusMap etc.)."""
    value: dict[str, Any] = copy.deepcopy(contract.spec["components"]["examples"]["Integration"]["value"])
    return value


# --- statusMap / request / attributes: strings (documented) and objects (the service) -----------------


@pytest.mark.parametrize("pointer", BOTH_MODELS)
def test_string_valued_status_map_request_and_attributes_are_kept_as_strings(
    contract: Contract, package: ModuleType, pointer: str
) -> None:
    body = load_seed("seed-sim-integration-details.json")
    parsed = check_round_trip(contract, package, pointer, body)
    assert parsed.status_map == body["statusMap"]
    assert parsed.request == body["request"]
    assert parsed.attributes == body["attributes"]
    for value in (parsed.status_map, parsed.request, parsed.attributes):
        assert type(value) is str


@pytest.mark.parametrize("pointer", BOTH_MODELS)
def test_object_valued_status_map_request_and_attributes_are_typed(
    contract: Contract, package: ModuleType, pointer: str
) -> None:
    body = {
        "name": "SIM",
        "statusMap": {"closed_cancelled": "Failed", "closed_complete": "Committed"},
        "request": {
            "description": "SailPoint Access Request",
            "priority": 2,
            "nested": {"a": [1, 1.5, True]},
        },
        "attributes": {"url": "https://example.service-now.com", "lastSyncDate": 1470348809380, "ok": False},
    }
    parsed = check_round_trip(contract, package, pointer, body)
    assert isinstance(parsed.status_map, StatusMap)
    assert isinstance(parsed.request, RequestTemplate)
    assert isinstance(parsed.attributes, AttributesMap)
    assert parsed.status_map["closed_complete"] == "Committed"
    assert parsed.request.additional_properties == body["request"]
    assert parsed.attributes["lastSyncDate"] == 1470348809380


def test_the_documented_response_reads_objects(contract: Contract, package: ModuleType) -> None:
    parsed = check_round_trip(contract, package, SDID, integration_example(contract))
    assert isinstance(parsed.status_map, StatusMap)
    assert isinstance(parsed.request, RequestTemplate)
    assert isinstance(parsed.attributes, AttributesMap)
    # Fields the published response schema lacks are declared: read into typed attributes.
    assert parsed.sources == ["2c9180835d191a86015d28455b4a2329"]
    assert parsed.additional_properties == {}


# --- DTO types: IDENTITY (documented), and values the fragment does not list ---------------------------


@pytest.mark.parametrize("pointer", BOTH_MODELS)
def test_documented_identity_rule_type_is_typed(
    contract: Contract, package: ModuleType, pointer: str
) -> None:
    parsed = check_round_trip(contract, package, pointer, load_seed("seed-sim-integration-details.json"))
    assert isinstance(parsed.before_provisioning_rule, BeforeProvisioningRuleRef)
    assert parsed.before_provisioning_rule.type_ is DtoType.IDENTITY
    assert parsed.to_dict()["beforeProvisioningRule"]["type"] == "IDENTITY"


@pytest.mark.parametrize("pointer", BOTH_MODELS)
def test_unlisted_rule_type_is_kept_as_a_string(
    contract: Contract, package: ModuleType, pointer: str
) -> None:
    body = {"name": "SIM", "beforeProvisioningRule": {"type": "NEW_KIND", "id": "r1", "name": "Rule"}}
    parsed = check_round_trip(contract, package, pointer, body)
    rule_type = parsed.before_provisioning_rule.type_
    assert rule_type == "NEW_KIND"
    assert type(rule_type) is str  # not a DtoType member: the value is not listed
    assert parsed.to_dict() == body


def test_unlisted_types_in_every_reference_of_a_response(contract: Contract, package: ModuleType) -> None:
    body = integration_example(contract)
    body["ownerRef"]["type"] = "SERVICE_ACCOUNT"
    body["clusterRef"]["type"] = "CLUSTER_V2"
    body["provisioningConfig"]["managedResourceRefs"][0]["type"] = "SOURCE_V2"
    parsed = check_round_trip(contract, package, SDID, body)
    assert parsed.owner_ref.type_ == "SERVICE_ACCOUNT"
    assert parsed.cluster_ref.type_ == "CLUSTER_V2"
    assert parsed.provisioning_config.managed_resource_refs[0].type_ == "SOURCE_V2"
    # The listed ones stay typed.
    assert parsed.before_provisioning_rule.type_ is DtoType.RULE


# --- nulls ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pointer", BOTH_MODELS)
def test_null_attributes_round_trip(contract: Contract, package: ModuleType, pointer: str) -> None:
    body = {"name": "SIM", "attributes": None}
    parsed = check_round_trip(contract, package, pointer, body, validate=False)
    assert parsed.attributes is None
    assert parsed.to_dict() == body


@pytest.mark.parametrize("pointer", BOTH_MODELS)
def test_null_attributes_are_valid_per_fragment(contract: Contract, pointer: str) -> None:
    assert contract.errors(pointer, {"name": "SIM", "attributes": None}) == []


def test_null_name_and_plan_initializer_script_round_trip(contract: Contract, package: ModuleType) -> None:
    body = {"name": None, "provisioningConfig": {"planInitializerScript": None}, "cluster": None}
    parsed = check_round_trip(contract, package, SDID, body)
    assert parsed.name is None
    assert parsed.cluster is None
    assert parsed.provisioning_config.plan_initializer_script is None


def error_body(locale_origin: Any) -> dict[str, Any]:
    return {
        "detailCode": "400.1 Bad Request Content",
        "trackingId": "e7eab60924f64aa284175b9fa3309599",
        "messages": [{"locale": None, "localeOrigin": locale_origin, "text": "Bad request"}],
        "causes": [{"locale": "en-US", "localeOrigin": "REQUEST", "text": "cause"}],
    }


@pytest.mark.parametrize("locale_origin", ["SOMETHING_NEW", "DEFAULT"])
def test_error_bodies_with_unlisted_locale_origin(
    contract: Contract, package: ModuleType, locale_origin: str
) -> None:
    body = error_body(locale_origin)
    parsed = check_round_trip(contract, package, ERROR, body)
    assert isinstance(parsed, ErrorResponseDto)
    assert isinstance(parsed.messages, list)
    assert isinstance(parsed.causes, list)
    origin = parsed.messages[0].locale_origin
    if locale_origin == "DEFAULT":
        assert origin is LocaleOrigin.DEFAULT
    else:
        assert origin == locale_origin
        assert type(origin) is str
    assert parsed.causes[0].locale_origin is LocaleOrigin.REQUEST


def test_error_bodies_with_null_locale_origin(contract: Contract, package: ModuleType) -> None:
    body = error_body(None)
    parsed = check_round_trip(contract, package, ERROR, body, validate=False)
    assert parsed.messages[0].locale_origin is None
    assert parsed.messages[0].locale is None
    assert parsed.to_dict() == body


def test_null_locale_origin_is_valid_per_fragment(contract: Contract) -> None:
    assert contract.errors(ERROR, error_body(None)) == []


# --- unknown fields, top level and nested ---------------------------------------------------------------


def with_unknown_fields(body: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(body)
    body["tenantFeature"] = {"enabled": True, "since": 1.0}
    body["ownerRef"]["email"] = "support@example.com"
    body["provisioningConfig"]["retryPolicy"] = {"attempts": 3}
    body["provisioningConfig"]["managedResourceRefs"][0]["connector"] = "servicenow"
    body["beforeProvisioningRule"]["version"] = 2
    return body


def test_unknown_fields_round_trip_at_every_level(contract: Contract, package: ModuleType) -> None:
    body = with_unknown_fields(integration_example(contract))
    parsed = check_round_trip(contract, package, SDID, body)
    assert parsed.additional_properties == {"tenantFeature": {"enabled": True, "since": 1.0}}
    assert isinstance(parsed.owner_ref, OwnerReference)
    assert parsed.owner_ref.additional_properties == {"email": "support@example.com"}
    assert isinstance(parsed.provisioning_config, ProvisioningConfig)
    assert parsed.provisioning_config.additional_properties == {"retryPolicy": {"attempts": 3}}
    assert isinstance(parsed.provisioning_config.managed_resource_refs, list)
    source = parsed.provisioning_config.managed_resource_refs[0]
    assert isinstance(source, SourceReference)
    assert source.additional_properties == {"connector": "servicenow"}
    assert parsed.before_provisioning_rule.additional_properties == {"version": 2}
    # 1.0 stays a float and True a boolean: compared as JSON text.
    assert canonical(parsed.to_dict()) == canonical(body)


def test_unknown_fields_in_a_request_round_trip(contract: Contract, package: ModuleType) -> None:
    body = load_seed("seed-sim-integration-details.json")
    body["futureField"] = [1, "two", None]
    body["beforeProvisioningRule"]["description"] = "kept"
    parsed = check_round_trip(contract, package, DETAILS, body)
    assert isinstance(parsed, SimIntegrationDetails)
    assert parsed.additional_properties == {"futureField": [1, "two", None]}
    assert isinstance(parsed.before_provisioning_rule, BeforeProvisioningRuleRef)
    assert parsed.before_provisioning_rule.additional_properties == {"description": "kept"}


# --- all of it at once ------------------------------------------------------------------------------------


def everything_at_once(contract: Contract) -> dict[str, Any]:
    body = with_unknown_fields(integration_example(contract))
    body["beforeProvisioningRule"]["type"] = "NEW_KIND"
    body["attributes"] = None
    body["statusMap"] = "{closed_cancelled=Failed, closed_complete=Committed}"
    body["created"] = "2023-01-03T21:16:22.432Z"
    return body


def test_a_response_with_everything_at_once_loses_nothing(contract: Contract, package: ModuleType) -> None:
    body = everything_at_once(contract)
    parsed = check_round_trip(contract, package, SDID, body, validate=False)
    assert isinstance(parsed, ServiceDeskIntegrationDto)
    assert isinstance(parsed.before_provisioning_rule, BeforeProvisioningRuleRef)
    assert parsed.before_provisioning_rule.type_ == "NEW_KIND"
    assert parsed.attributes is None
    assert parsed.to_dict()["created"] == "2023-01-03T21:16:22.432Z"
    assert canonical(parsed.to_dict()) == canonical(body)
    # And in the list the service returns.
    listed = check_round_trip(contract, package, LIST, [body, integration_example(contract)], validate=False)
    assert [type(item) for item in listed] == [ServiceDeskIntegrationDto, ServiceDeskIntegrationDto]


def test_a_response_with_everything_at_once_is_valid_per_fragment(contract: Contract) -> None:
    assert contract.errors(SDID, everything_at_once(contract)) == []
