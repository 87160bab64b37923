"""Contains some shared types for properties"""

import datetime
from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, BinaryIO, Generic, Literal, TypeVar

from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


def format_datetime(value: datetime.datetime) -> str:
    """Write a timestamp the way SailPoint does: UTC with a `Z` suffix, and a fraction only when there
    is one (milliseconds when it is whole milliseconds), so `2023-01-03T21:16:22.432Z` and
    `2015-05-28T14:07:17Z` come back character for character. A naive datetime is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    elif value.utcoffset():
        value = value.astimezone(datetime.UTC)
    if value.microsecond == 0:
        timespec = "seconds"
    elif value.microsecond % 1000 == 0:
        timespec = "milliseconds"
    else:
        timespec = "microseconds"
    return value.replace(tzinfo=None).isoformat(timespec=timespec) + "Z"


_JSON_TYPES = {
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    list: "an array",
    dict: "an object",
    type(None): "null",
}


def wrong_type(field: str, expected: str, value: object) -> TypeError:
    """The error for a field whose JSON type is not the declared one (raised while parsing a response).

    The message names the field and both JSON types, never the value (it may be long or sensitive)."""
    got = _JSON_TYPES.get(type(value), type(value).__name__)
    if isinstance(value, list):  # an array of strings holding something else
        item = next((item for item in value if not isinstance(item, str)), None)
        got = f"an array holding {_JSON_TYPES.get(type(item), type(item).__name__)}"
    return TypeError(f"field '{field}' must be {expected}, got {got}")


__all__ = ["UNSET", "File", "FileTypes", "RequestFiles", "Response", "Unset", "format_datetime", "wrong_type"]
