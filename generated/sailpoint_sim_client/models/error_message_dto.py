from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.locale_origin import LocaleOrigin
from ..types import UNSET, Unset, wrong_type

T = TypeVar("T", bound="ErrorMessageDto")


@_attrs_define
class ErrorMessageDto:
    """One localized error message.

    Attributes:
        locale (None | str | Unset): BCP 47 language tag of the text.
        locale_origin (LocaleOrigin | None | str | Unset): How the locale was chosen; null, a LocaleOrigin, or a value
            added later.
        text (str | Unset): The message text.
    """

    locale: None | str | Unset = UNSET
    locale_origin: LocaleOrigin | None | str | Unset = UNSET
    text: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        locale: None | str | Unset
        if isinstance(self.locale, Unset):
            locale = UNSET
        else:
            locale = self.locale

        locale_origin: None | str | Unset
        if isinstance(self.locale_origin, Unset):
            locale_origin = UNSET
        elif isinstance(self.locale_origin, LocaleOrigin):
            locale_origin = self.locale_origin.value
        else:
            locale_origin = self.locale_origin

        text = self.text

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if locale is not UNSET:
            field_dict["locale"] = locale
        if locale_origin is not UNSET:
            field_dict["localeOrigin"] = locale_origin
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        locale = _parse_locale(d.pop("locale", UNSET))

        locale_origin = _parse_locale_origin(d.pop("localeOrigin", UNSET))

        text = d.pop("text", UNSET)
        if not isinstance(text, str) and text is not UNSET:
            raise wrong_type("text", "a string", text)

        error_message_dto = cls(
            locale=locale,
            locale_origin=locale_origin,
            text=text,
        )

        error_message_dto.additional_properties = d
        return error_message_dto

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
def _parse_locale(data: object) -> None | str | Unset:
    if data is None:
        return data
    if isinstance(data, Unset):
        return data
    if isinstance(data, str):
        return data
    raise wrong_type("locale", "a string or null", data)


def _parse_locale_origin(data: object) -> LocaleOrigin | None | str | Unset:
    if data is None:
        return data
    if isinstance(data, Unset):
        return data
    if isinstance(data, str):
        locale_origin_type_0 = LocaleOrigin._value2member_map_.get(data)
        if locale_origin_type_0 is not None:
            return cast(LocaleOrigin, locale_origin_type_0)
    if isinstance(data, str):
        return data
    raise wrong_type("localeOrigin", "a string or null", data)
