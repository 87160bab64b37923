from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.json_patch_operation_op import JsonPatchOperationOp
from ..types import UNSET, Unset, wrong_type

T = TypeVar("T", bound="JsonPatchOperation")


@_attrs_define
class JsonPatchOperation:
    """One JSON Patch operation (RFC 6902).

    Attributes:
        op (JsonPatchOperationOp): The operation.
        path (str): A JSON Pointer (RFC 6901) to the target location.
        from_ (str | Unset): A JSON Pointer to the source location (move and copy).
        value (Any | Unset): The value for add, replace and test; any JSON value.
    """

    op: JsonPatchOperationOp
    path: str
    from_: str | Unset = UNSET
    value: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        op = self.op.value

        path = self.path

        from_ = self.from_

        value = self.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "op": op,
                "path": path,
            }
        )
        if from_ is not UNSET:
            field_dict["from"] = from_
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        op = JsonPatchOperationOp(d.pop("op"))

        path = d.pop("path")
        if not isinstance(path, str):
            raise wrong_type("path", "a string", path)

        from_ = d.pop("from", UNSET)
        if not isinstance(from_, str) and from_ is not UNSET:
            raise wrong_type("from", "a string", from_)

        value = d.pop("value", UNSET)

        json_patch_operation = cls(
            op=op,
            path=path,
            from_=from_,
            value=value,
        )

        json_patch_operation.additional_properties = d
        return json_patch_operation

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
