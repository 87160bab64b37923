from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.dto_type import DtoType
from ..types import UNSET, Unset, wrong_type

T = TypeVar("T", bound="ClusterReference")


@_attrs_define
class ClusterReference:
    """The cluster (virtual appliance) of the integration (type CLUSTER).

    Attributes:
        type_ (DtoType | str | Unset): A DTO type. Known values are typed as DtoType; any other string is kept as it is,
            so a value the service adds later never makes a response unreadable and is written back unchanged.
        id (str | Unset):
        name (str | Unset):
    """

    type_: DtoType | str | Unset = UNSET
    id: str | Unset = UNSET
    name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        elif isinstance(self.type_, DtoType):
            type_ = self.type_.value
        else:
            type_ = self.type_

        id = self.id

        name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = _parse_type_(d.pop("type", UNSET))

        id = d.pop("id", UNSET)
        if not isinstance(id, str) and id is not UNSET:
            raise wrong_type("id", "a string", id)

        name = d.pop("name", UNSET)
        if not isinstance(name, str) and name is not UNSET:
            raise wrong_type("name", "a string", name)

        cluster_reference = cls(
            type_=type_,
            id=id,
            name=name,
        )

        cluster_reference.additional_properties = d
        return cluster_reference

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


# Parsers of the union-typed fields, at module level so that from_dict does not define them again on
# every call (spec/templates/model.py.jinja).
def _parse_type_(data: object) -> DtoType | str | Unset:
    if isinstance(data, Unset):
        return data
    if isinstance(data, str):
        componentsschemas_dto_type_value_type_0 = DtoType._value2member_map_.get(data)
        if componentsschemas_dto_type_value_type_0 is not None:
            return cast(DtoType, componentsschemas_dto_type_value_type_0)
    if isinstance(data, str):
        return data
    raise wrong_type("type", "a string", data)
