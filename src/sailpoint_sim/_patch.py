"""JSON Patch (RFC 6902) checks and wire formats: every operation is validated before anything is sent.

The builders users call live in the public module ``sailpoint_sim.patch``; this module holds what they
and ``client.patch`` share. Paths are checked to be JSON Pointers (RFC 6901): "" or a string starting with "/", where "~" appears
only as "~0" or "~1". Values may be any JSON value, ``None`` (sent as ``null``) included.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._errors import InvalidRequestError
from ._generated_package import generated_package
from ._json_values import check_json_value

if TYPE_CHECKING:
    from sailpoint_sim_client.models.json_patch import JsonPatch
    from sailpoint_sim_client.models.json_patch_operation import JsonPatchOperation

__all__ = ["OPS", "PatchFormat", "build_operation", "coerce_operations", "validate_pointer", "wire_body"]

OPS = ("add", "remove", "replace", "move", "copy", "test")
_NEEDS_VALUE = frozenset({"add", "replace", "test"})
_NEEDS_FROM = frozenset({"move", "copy"})


class PatchFormat(enum.Enum):
    """How PATCH bodies are written on the wire.

    OPERATIONS_OBJECT: ``{"operations": [...]}``, the form SailPoint documents for these two endpoints
    (the default). RFC6902_ARRAY: a plain ``[...]`` array, as RFC 6902 and most v2025 endpoints use.
    """

    OPERATIONS_OBJECT = "operations-object"
    RFC6902_ARRAY = "rfc6902-array"


def validate_pointer(pointer: object, *, what: str = "path") -> str:
    """Return ``pointer`` if it is an RFC 6901 JSON Pointer, else raise InvalidRequestError."""
    if not isinstance(pointer, str):
        raise InvalidRequestError(f"{what} must be a JSON Pointer string, got {type(pointer).__name__}")
    if pointer and not pointer.startswith("/"):
        raise InvalidRequestError(
            f"{what} {pointer!r} is not a JSON Pointer: it must be '' or start with '/'"
        )
    index = pointer.find("~")
    while index != -1:
        if pointer[index + 1 : index + 2] not in ("0", "1"):
            raise InvalidRequestError(
                f"{what} {pointer!r} is not a JSON Pointer: '~' must be written '~0' (and '/' as '~1')"
            )
        index = pointer.find("~", index + 2)
    return pointer


def build_operation(
    op: str, path: str, *, from_: str | None = None, value: Any = ..., where: str = "operation"
) -> JsonPatchOperation:
    """One validated operation (``value=...`` means none given), or InvalidRequestError naming ``where``."""
    g = generated_package()
    if op not in OPS:
        raise InvalidRequestError(f"{where}: op {op!r} is not one of {', '.join(OPS)}")
    validate_pointer(path, what=f"{where}: path")
    if op in _NEEDS_FROM:
        if from_ is None:
            raise InvalidRequestError(f"{where}: op {op!r} needs 'from'")
        validate_pointer(from_, what=f"{where}: from")
    if op in _NEEDS_VALUE:
        if value is ...:
            raise InvalidRequestError(f"{where}: op {op!r} needs 'value' (use None for null)")
        check_json_value(value, f"{where}: value")
    return g.JsonPatchOperation(
        op=g.JsonPatchOperationOp(op),
        path=path,
        from_=from_ if op in _NEEDS_FROM and from_ is not None else g.UNSET,
        value=value if op in _NEEDS_VALUE else g.UNSET,
    )


def _from_mapping(item: Mapping[Any, Any], where: str) -> JsonPatchOperation:
    for key in item:
        if not isinstance(key, str):
            raise InvalidRequestError(f"{where} has a non-string key {key!r}")
    if "op" not in item:
        raise InvalidRequestError(f"{where} has no 'op'")
    if "path" not in item:
        raise InvalidRequestError(f"{where} has no 'path'")
    op = item["op"]
    if not isinstance(op, str):
        raise InvalidRequestError(f"{where}: op must be a string, got {type(op).__name__}")
    operation = build_operation(
        op,
        item["path"],
        from_=item.get("from"),
        value=item.get("value", ...),
        where=where,
    )
    # RFC 6902 says members it does not define are ignored by the server; keep them as given.
    extra = {k: v for k, v in item.items() if k not in ("op", "path", "from", "value")}
    if extra:
        check_json_value(extra, f"{where}")
        operation.additional_properties = extra
    return operation


def _revalidate(item: JsonPatchOperation, where: str) -> JsonPatchOperation:
    unset = generated_package().Unset
    op = getattr(item.op, "value", item.op)
    from_: Any = item.from_
    value: Any = item.value
    operation = build_operation(
        op if isinstance(op, str) else repr(op),
        item.path,
        from_=None if isinstance(from_, unset) else from_,
        value=... if isinstance(value, unset) else value,
        where=where,
    )
    if item.additional_properties:
        check_json_value(item.additional_properties, where)
        operation.additional_properties = dict(item.additional_properties)
    return operation


def coerce_operations(operations: object) -> list[JsonPatchOperation]:
    """Turn what a user passes to ``client.patch`` into validated JsonPatchOperation models.

    Accepts a sequence of JsonPatchOperation or mappings, a JsonPatch model, or a mapping with an
    ``"operations"`` list. Raises InvalidRequestError naming the first bad operation.
    """
    g = generated_package()
    items: object
    if isinstance(operations, g.JsonPatch):
        items = [] if isinstance(operations.operations, g.Unset) else operations.operations
    elif isinstance(operations, Mapping):
        if "operations" not in operations:
            raise InvalidRequestError(
                "operations must be a list of operations or a mapping with an 'operations' list"
            )
        items = operations["operations"]
    else:
        items = operations
    if isinstance(items, str | bytes | bytearray | Mapping) or not isinstance(items, Sequence):
        raise InvalidRequestError(
            f"operations must be a list of JSON Patch operations, got {type(items).__name__}"
        )
    if not items:
        raise InvalidRequestError("operations is empty: give at least one JSON Patch operation")
    result: list[JsonPatchOperation] = []
    for index, item in enumerate(items):
        where = f"operation {index}"
        if isinstance(item, g.JsonPatchOperation):
            result.append(_revalidate(item, where))
        elif isinstance(item, Mapping):
            result.append(_from_mapping(item, where))
        else:
            raise InvalidRequestError(
                f"{where} must be a mapping or JsonPatchOperation, got {type(item).__name__}"
            )
    return result


def wire_body(
    operations: list[JsonPatchOperation], patch_format: PatchFormat
) -> JsonPatch | list[JsonPatchOperation]:
    """The body argument for the generated ``_get_kwargs`` in the chosen wire format."""
    if patch_format is PatchFormat.RFC6902_ARRAY:
        return operations
    return generated_package().JsonPatch(operations=operations)
