"""The check that a value given for a request body is JSON: used by patch values and integration details."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from ._errors import InvalidRequestError

__all__ = ["check_json_value"]

# Deeper documents are refused before json's recursion limit turns them into a RecursionError.
_MAX_DEPTH: Final = 200


def check_json_value(value: Any, where: str, depth: int = 0) -> None:
    """Raise InvalidRequestError, saying where, unless ``value`` is a JSON value httpx can send.

    httpx serialises with allow_nan=False and json rejects other types: they are refused here, with a
    message that says where, instead of a ValueError/TypeError from deep inside the send.
    """
    if depth > _MAX_DEPTH:
        raise InvalidRequestError(f"{where} is nested too deeply")
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidRequestError(f"{where} is {value!r}, which JSON cannot represent")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_json_value(item, f"{where}[{i}]", depth + 1)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidRequestError(f"{where} has a non-string key {key!r}")
            check_json_value(item, f"{where}[{key!r}]", depth + 1)
        return
    raise InvalidRequestError(f"{where} is of type {type(value).__name__}, which is not a JSON value")
