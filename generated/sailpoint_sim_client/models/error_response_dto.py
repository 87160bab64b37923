from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.error_message_dto import ErrorMessageDto
from ..types import UNSET, Unset, wrong_type

T = TypeVar("T", bound="ErrorResponseDto")


@_attrs_define
class ErrorResponseDto:
    """SailPoint's error body.

    Attributes:
        detail_code (str | Unset): Fine-grained error code, for example "400.1 Bad Request Content".
        tracking_id (str | Unset): Tracking id to quote to SailPoint support.
        messages (list[ErrorMessageDto] | Unset):
        causes (list[ErrorMessageDto] | Unset):
    """

    detail_code: str | Unset = UNSET
    tracking_id: str | Unset = UNSET
    messages: list[ErrorMessageDto] | Unset = UNSET
    causes: list[ErrorMessageDto] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        detail_code = self.detail_code

        tracking_id = self.tracking_id

        messages: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.messages, Unset):
            messages = []
            for messages_item_data in self.messages:
                messages_item = messages_item_data.to_dict()
                messages.append(messages_item)

        causes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.causes, Unset):
            causes = []
            for causes_item_data in self.causes:
                causes_item = causes_item_data.to_dict()
                causes.append(causes_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if detail_code is not UNSET:
            field_dict["detailCode"] = detail_code
        if tracking_id is not UNSET:
            field_dict["trackingId"] = tracking_id
        if messages is not UNSET:
            field_dict["messages"] = messages
        if causes is not UNSET:
            field_dict["causes"] = causes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        detail_code = d.pop("detailCode", UNSET)
        if not isinstance(detail_code, str) and detail_code is not UNSET:
            raise wrong_type("detailCode", "a string", detail_code)

        tracking_id = d.pop("trackingId", UNSET)
        if not isinstance(tracking_id, str) and tracking_id is not UNSET:
            raise wrong_type("trackingId", "a string", tracking_id)

        _messages = d.pop("messages", UNSET)
        messages: list[ErrorMessageDto] | Unset = UNSET
        if _messages is not UNSET:
            messages = []
            for messages_item_data in _messages:
                messages_item = ErrorMessageDto.from_dict(messages_item_data)

                messages.append(messages_item)

        _causes = d.pop("causes", UNSET)
        causes: list[ErrorMessageDto] | Unset = UNSET
        if _causes is not UNSET:
            causes = []
            for causes_item_data in _causes:
                causes_item = ErrorMessageDto.from_dict(causes_item_data)

                causes.append(causes_item)

        error_response_dto = cls(
            detail_code=detail_code,
            tracking_id=tracking_id,
            messages=messages,
            causes=causes,
        )

        error_response_dto.additional_properties = d
        return error_response_dto

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
