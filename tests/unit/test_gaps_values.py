"""JSON values and patch operations: limits found untested by mutation testing (issue 15)."""

from __future__ import annotations

import enum
import json
import math
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sailpoint_sim_client.models import JsonPatchOperation
from sailpoint_sim_client.models.json_patch_operation_op import JsonPatchOperationOp

from sailpoint_sim import InvalidRequestError
from sailpoint_sim._json_values import check_json_value, is_json_value
from sailpoint_sim._patch import coerce_operations, validate_pointer


def _nested(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


# -- the nesting limit ---------------------------------------------------------------------------------
def test_two_hundred_levels_of_nesting_are_accepted() -> None:
    check_json_value(_nested(200), "value")


def test_two_hundred_and_one_levels_are_refused_saying_where() -> None:
    with pytest.raises(InvalidRequestError, match=r"^value" + r"\[0\]" * 201 + r" is nested too deeply$"):
        check_json_value(_nested(201), "value")


def _nested_mappings(levels: int, mapping: type = dict) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = mapping(k=value)
    return value


@pytest.mark.parametrize("mapping", [dict, OrderedDict], ids=["dict", "other-mapping"])
def test_mapping_nesting_counts_too_saying_where(mapping: type) -> None:
    # dicts take a fast path and other mappings the general one: both count every level.
    check_json_value(_nested_mappings(200, mapping), "details")
    with pytest.raises(InvalidRequestError, match=r"^details" + r"\['k'\]" * 201 + r" is nested too deeply$"):
        check_json_value(_nested_mappings(201, mapping), "details")


def test_a_bad_value_at_the_bottom_of_deep_nesting_is_named_not_the_depth() -> None:
    deep = _nested_mappings(199, OrderedDict)
    inner = deep
    for _ in range(198):
        inner = inner["k"]
    inner["k"] = {"x": math.nan}
    with pytest.raises(InvalidRequestError, match=r"^d" + r"\['k'\]" * 199 + r"\['x'\] is nan, which JSON"):
        check_json_value(deep, "d")


def test_a_non_string_key_is_refused_naming_the_key() -> None:
    with pytest.raises(InvalidRequestError, match=r"^details\['a'\] has a non-string key 3$"):
        check_json_value({"a": {3: "x"}}, "details")


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_floats_are_refused(bad: float) -> None:
    with pytest.raises(InvalidRequestError, match=rf"^v\[1\] is {bad!r}, which JSON cannot represent$"):
        check_json_value([1.5, bad], "v")


def test_other_types_are_refused_by_type_name() -> None:
    with pytest.raises(InvalidRequestError, match=r"^v\['s'\] is of type set, which is not a JSON value$"):
        check_json_value({"s": {1}}, "v")
    check_json_value({"t": (1, "a", None, True, 2.5)}, "v")


# -- the fast check and the walk that says where agree (issue 14 split them) ---------------------------
class _Colour(enum.StrEnum):
    RED = "red"


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # nan and the infinities included: not JSON
    st.text(max_size=5),
    st.just(_Colour.RED),  # a str subclass: JSON
    st.binary(max_size=3),  # not JSON
    st.sets(st.integers(), max_size=2),  # not JSON
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=3), inner, max_size=3),
        st.dictionaries(st.text(max_size=3), inner, max_size=3).map(OrderedDict),  # a Mapping, not a dict
        st.dictionaries(st.integers(), inner, min_size=1, max_size=2),  # non-string keys: not JSON
    ),
    max_leaves=12,
)


@given(_VALUES)
def test_the_fast_check_and_the_explaining_walk_agree(value: Any) -> None:
    """is_json_value decides; only on False is the path worked out: both must apply the same rules."""
    if is_json_value(value):
        check_json_value(value, "v")
        json.dumps(value, allow_nan=False)  # and what passes really is JSON
    else:
        with pytest.raises(
            InvalidRequestError,
            match=r"^v.* (is nested too deeply|which JSON cannot represent|"
            r"has a non-string key .*|which is not a JSON value)$",
        ):
            check_json_value(value, "v")


def test_subclasses_of_str_and_of_mappings_pass_and_bad_values_inside_them_are_found() -> None:
    assert is_json_value({"c": _Colour.RED, "o": OrderedDict(a=[1, 2.5, None, True])})
    with pytest.raises(
        InvalidRequestError, match=r"^v\['o'\]\['a'\]\[1\] is nan, which JSON cannot represent$"
    ):
        check_json_value({"o": OrderedDict(a=[1, math.nan])}, "v")
    with pytest.raises(InvalidRequestError, match=r"^v\['o'\] has a non-string key 1$"):
        check_json_value({"o": OrderedDict({1: "x"})}, "v")


# -- JSON Pointer escapes ------------------------------------------------------------------------------
@pytest.mark.parametrize("pointer", ["/a~0b/~1c", "", "/", "/~01", "/a~1b~0"])
def test_good_pointers_pass_unchanged(pointer: str) -> None:
    assert validate_pointer(pointer) == pointer


@pytest.mark.parametrize("pointer", ["/a~0b~", "/a~1b~2", "/~0~x", "/~1/~", "/ok~0/bad~~1"])
def test_a_bad_escape_after_a_good_one_is_refused(pointer: str) -> None:
    with pytest.raises(
        InvalidRequestError, match=r"^path '.*' is not a JSON Pointer: '~' must be written '~0'"
    ):
        validate_pointer(pointer)


def test_the_refusal_names_what_was_checked() -> None:
    with pytest.raises(InvalidRequestError, match=r"^from 'x' is not a JSON Pointer: it must be '' or start"):
        validate_pointer("x", what="from")


# -- extra members on an operation ---------------------------------------------------------------------
def test_extra_members_of_a_mapping_operation_are_kept() -> None:
    [operation] = coerce_operations([{"op": "remove", "path": "/a", "comment": {"why": [1, None]}}])
    assert operation.additional_properties == {"comment": {"why": [1, None]}}
    assert operation.to_dict() == {"op": "remove", "path": "/a", "comment": {"why": [1, None]}}


def test_an_operation_without_extra_members_gets_no_extras() -> None:
    [operation] = coerce_operations([{"op": "add", "path": "/a", "value": 1}])
    assert operation.additional_properties == {}


def test_nan_inside_an_extra_member_is_refused_naming_the_operation() -> None:
    with pytest.raises(
        InvalidRequestError, match=r"^operation 1\['note'\]\[0\] is nan, which JSON cannot represent$"
    ):
        coerce_operations(
            [{"op": "remove", "path": "/a"}, {"op": "remove", "path": "/b", "note": [math.nan]}]
        )


def test_extra_members_of_a_model_operation_are_checked_and_copied() -> None:
    model = JsonPatchOperation(op=JsonPatchOperationOp.REMOVE, path="/a")
    model.additional_properties = {"note": "kept"}
    [operation] = coerce_operations([model])
    assert operation.additional_properties == {"note": "kept"}
    assert operation.additional_properties is not model.additional_properties
    model.additional_properties = {"note": math.inf}
    with pytest.raises(InvalidRequestError, match=r"^operation 0\['note'\] is inf"):
        coerce_operations([model])
