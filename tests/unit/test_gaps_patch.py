"""JSON Patch operations: rules found untested by mutation testing (issue 15); each pins one behaviour."""

from __future__ import annotations

from typing import Any

import pytest
from sailpoint_sim_client.models import JsonPatch, JsonPatchOperation
from sailpoint_sim_client.models.json_patch_operation_op import JsonPatchOperationOp

from sailpoint_sim import InvalidRequestError, PatchFormat, patch
from sailpoint_sim._patch import coerce_operations, wire_body


def test_an_unknown_op_is_refused_listing_the_six_rfc_6902_ops() -> None:
    with pytest.raises(
        InvalidRequestError,
        match=r"^operation 0: op 'delete' is not one of add, remove, replace, move, copy, test$",
    ):
        coerce_operations([{"op": "delete", "path": "/a"}])


def test_a_builder_s_refusal_says_operation_without_an_index() -> None:
    with pytest.raises(InvalidRequestError, match=r"^operation: path 'a' is not a JSON Pointer"):
        patch.replace("a", 1)


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        # RFC 6902 gives 'from' and 'value' no meaning on these ops: they are not sent.
        ({"op": "add", "path": "/a", "value": 1, "from": "/b"}, {"op": "add", "path": "/a", "value": 1}),
        ({"op": "remove", "path": "/a", "value": 1}, {"op": "remove", "path": "/a"}),
        ({"op": "move", "from": "/b", "path": "/a"}, {"op": "move", "from": "/b", "path": "/a"}),
        ({"op": "copy", "from": "/b", "path": "/a", "value": 2}, {"op": "copy", "from": "/b", "path": "/a"}),
    ],
)
def test_only_the_members_an_op_uses_are_sent_and_none_become_extras(
    given: dict[str, Any], sent: dict[str, Any]
) -> None:
    [operation] = coerce_operations([given])
    assert operation.to_dict() == sent
    assert operation.additional_properties == {}


def test_a_model_move_without_from_is_refused_naming_the_op_as_written() -> None:
    model = JsonPatchOperation(op=JsonPatchOperationOp.MOVE, path="/a")
    with pytest.raises(InvalidRequestError, match=r"^operation 0: op 'move' needs 'from'$"):
        coerce_operations([model])


def test_a_model_with_a_non_string_op_is_refused() -> None:
    model = JsonPatchOperation(op=5, path="/a")  # type: ignore[arg-type]  # what the check is for
    with pytest.raises(InvalidRequestError, match=r"^operation 0: op '5' is not one of"):
        coerce_operations([model])


def test_a_model_operation_is_rebuilt_with_its_from_and_value() -> None:
    move = JsonPatchOperation(op=JsonPatchOperationOp.MOVE, path="/a", from_="/b")
    test = JsonPatchOperation(op=JsonPatchOperationOp.TEST, path="/a", value=None)
    assert [op.to_dict() for op in coerce_operations([move, test])] == [
        {"op": "move", "from": "/b", "path": "/a"},
        {"op": "test", "path": "/a", "value": None},
    ]


def test_a_json_patch_model_without_operations_is_empty() -> None:
    with pytest.raises(
        InvalidRequestError, match=r"^operations is empty: give at least one JSON Patch operation$"
    ):
        coerce_operations(JsonPatch())


def test_a_mapping_with_an_operations_list_is_read() -> None:
    [operation] = coerce_operations({"operations": [{"op": "remove", "path": "/a"}]})
    assert operation.to_dict() == {"op": "remove", "path": "/a"}


@pytest.mark.parametrize(("given", "kind"), [(bytearray(b"[]"), "bytearray"), (None, "NoneType"), (3, "int")])
def test_what_is_not_a_list_of_operations_is_refused_by_type_name(given: object, kind: str) -> None:
    with pytest.raises(
        InvalidRequestError, match=rf"^operations must be a list of JSON Patch operations, got {kind}$"
    ):
        coerce_operations(given)


def test_a_mapping_without_an_operations_list_is_refused() -> None:
    with pytest.raises(
        InvalidRequestError,
        match=r"^operations must be a list of operations or a mapping with an 'operations' list$",
    ):
        coerce_operations({"op": "remove", "path": "/a"})


def test_an_item_of_the_wrong_type_is_refused_by_position_and_type() -> None:
    with pytest.raises(
        InvalidRequestError, match=r"^operation 1 must be a mapping or JsonPatchOperation, got tuple$"
    ):
        coerce_operations([{"op": "remove", "path": "/a"}, ("remove", "/b")])


def test_the_wire_formats() -> None:
    operations = [patch.remove("/a")]
    assert wire_body(operations, PatchFormat.RFC6902_ARRAY) is operations
    body = wire_body(operations, PatchFormat.OPERATIONS_OBJECT)
    assert isinstance(body, JsonPatch)
    assert body.to_dict() == {"operations": [{"op": "remove", "path": "/a"}]}


def test_patch_format_values_are_the_agreed_ones() -> None:
    # The values are public: a user may store one and rebuild the setting with PatchFormat(value).
    assert [(member.name, member.value) for member in PatchFormat] == [
        ("OPERATIONS_OBJECT", "operations-object"),
        ("RFC6902_ARRAY", "rfc6902-array"),
    ]


def test_a_non_string_op_in_a_mapping_is_refused_by_type_name() -> None:
    with pytest.raises(InvalidRequestError, match=r"^operation 0: op must be a string, got int$"):
        coerce_operations([{"op": 3, "path": "/a"}])


def test_a_non_string_path_is_refused_by_type_name() -> None:
    with pytest.raises(
        InvalidRequestError, match=r"^operation: path must be a JSON Pointer string, got bytes$"
    ):
        patch.remove(b"/a")  # type: ignore[arg-type]  # what the check is for
