"""Create/update bodies and read-modify-write: refusals found unpinned by mutation testing (issue 15).

The messages are the behaviour here: they say which argument was refused (``details`` given to
create/update, ``integration`` given to ``details_from``), where in it, and why.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from sailpoint_sim_client.models import ServiceDeskIntegrationDto, SimIntegrationDetails

from sailpoint_sim import InvalidRequestError, details_from
from sailpoint_sim._convert import coerce_details

from .helpers import INTEGRATION


def test_details_without_a_name_are_refused_naming_the_argument() -> None:
    with pytest.raises(
        InvalidRequestError, match=r"^details has no 'name' \(the API requires it; it may be null\)$"
    ):
        coerce_details({"description": "d"})
    with pytest.raises(InvalidRequestError, match=r"^integration has no 'name' "):
        details_from({"id": "x"})


def test_a_null_name_is_accepted() -> None:
    assert coerce_details({"name": None}).to_dict() == {"name": None}


def test_a_non_string_key_is_refused_naming_it() -> None:
    with pytest.raises(InvalidRequestError, match=r"^details has a non-string key 5$"):
        coerce_details({"name": "n", 5: "x"})


def test_a_value_json_cannot_carry_is_refused_saying_where() -> None:
    with pytest.raises(InvalidRequestError, match=r"^details\['x'\] is nan, which JSON cannot represent$"):
        coerce_details({"name": "n", "x": math.nan})
    with pytest.raises(InvalidRequestError, match=r"^integration\['x'\]\[0\] is inf"):
        details_from({**INTEGRATION, "x": [math.inf]})


def test_a_model_with_a_bad_extra_field_is_refused_as_the_integration_it_came_from() -> None:
    model = SimIntegrationDetails(name="n")
    model.additional_properties["when"] = math.nan
    for convert in (details_from, coerce_details):
        with pytest.raises(InvalidRequestError, match=r"^integration\['when'\] is nan"):
            convert(model)


def test_a_body_the_model_cannot_take_is_refused_naming_the_exception() -> None:
    with pytest.raises(
        InvalidRequestError, match=r"^details does not fit SimIntegrationDetails: ValueError: "
    ):
        coerce_details({"name": "n", "beforeProvisioningRule": "not an object"})


def test_a_model_that_cannot_serialise_itself_is_refused_naming_the_exception() -> None:
    model = SimIntegrationDetails(name="n")
    model.before_provisioning_rule = "not a reference"  # type: ignore[assignment]
    with pytest.raises(InvalidRequestError, match=r"^integration cannot be serialised: AttributeError: "):
        details_from(model)


def test_other_types_are_refused_naming_their_type() -> None:
    with pytest.raises(
        InvalidRequestError,
        match=r"^details_from\(\) takes a ServiceDeskIntegrationDto or a mapping, got str$",
    ):
        details_from("not an integration")  # type: ignore[arg-type]
    with pytest.raises(
        InvalidRequestError, match=r"^details must be a SimIntegrationDetails or a mapping, got str$"
    ):
        coerce_details("name=n")


@pytest.mark.parametrize("given", ["mapping", "dto", "details"])
def test_server_assigned_fields_are_dropped_and_the_rest_kept(given: str) -> None:
    expected = {k: v for k, v in INTEGRATION.items() if k not in ("id", "created", "modified")}
    source: Any = {
        "mapping": dict(INTEGRATION),
        "dto": ServiceDeskIntegrationDto.from_dict(INTEGRATION),
        "details": SimIntegrationDetails.from_dict(INTEGRATION),
    }[given]
    assert coerce_details(source).to_dict() == expected
    assert details_from(source).to_dict() == expected
    # A body without server fields is fine too (nothing to drop).
    assert coerce_details(expected).to_dict() == expected
