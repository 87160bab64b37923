"""The check that a value given for a request body is JSON: used by patch values and integration details."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from ._errors import InvalidRequestError

__all__ = ["check_json_value"]

# Deeper documents are refused before json's recursion limit turns them into a RecursionError.
_MAX_DEPTH: Final = 200


def check_json_value(value: Any, where: str) -> None:
    """Raise InvalidRequestError, saying where, unless ``value`` is a JSON value httpx can send.

    httpx serialises with allow_nan=False and json rejects other types: they are refused here, with a
    message that says where, instead of a ValueError/TypeError from deep inside the send.
    """
    # Every create and update body passes through here. The check builds no strings: the path to the
    # offending value is worked out only when there is one (formatting the paths of values that were
    # fine cost two thirds of validating a typical body).
    if is_json_value(value):
        return
    _raise_where_not_json(value, where, 0)
    # is_json_value and _raise_where_not_json apply the same rules (a property test holds them to it);
    # should they ever disagree, the value is still refused.
    raise InvalidRequestError(f"{where} is not a JSON value")  # pragma: no mutate - unreachable


def is_json_value(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` is a JSON value httpx can send (the rules of :func:`check_json_value`)."""
    if depth > _MAX_DEPTH:
        return False
    kind = type(value)  # pragma: no mutate - only speed: the isinstance rules below decide the same
    # Exact str and dict first (most of a body): their checks need no isinstance against an ABC.
    if kind is str:  # pragma: no mutate - a fast path: the isinstance rules below say the same
        return True
    if kind is dict:  # pragma: no mutate - a fast path: the Mapping rule below says the same
        for key, item in value.items():
            if not isinstance(key, str) or not is_json_value(item, depth + 1):
                return False
        return True
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    # Plain loops, not all() over a generator: one stack frame per level of nesting, as the walk below
    # takes, so a document at the depth limit never meets the interpreter's recursion limit first.
    if isinstance(value, list | tuple):
        for item in value:  # noqa: SIM110 - see above
            if not is_json_value(item, depth + 1):
                return False
        return True
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str) or not is_json_value(item, depth + 1):
                return False
        return True
    return False


def _raise_where_not_json(value: Any, where: str, depth: int) -> None:
    """Walk ``value`` to the first part that is not JSON and raise there, saying where; return if none."""
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
            _raise_where_not_json(item, f"{where}[{i}]", depth + 1)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidRequestError(f"{where} has a non-string key {key!r}")
            _raise_where_not_json(item, f"{where}[{key!r}]", depth + 1)
        return
    raise InvalidRequestError(f"{where} is of type {type(value).__name__}, which is not a JSON value")
