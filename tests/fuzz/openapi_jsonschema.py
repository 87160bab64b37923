"""Turn the OpenAPI 3.0 schemas of the fragment into self-contained JSON Schemas for hypothesis-jsonschema.

OpenAPI 3.0 schema objects are *almost* JSON Schema. The differences that matter for generation:

- ``$ref: '#/components/schemas/X'`` points into the OpenAPI document: refs are inlined (the fragment
  has no recursive schema; a cycle would raise rather than loop).
- ``nullable: true`` is OpenAPI's way of saying "or null": it becomes ``"null"`` in ``type`` when the
  schema has a type, or ``anyOf: [<schema>, {"type": "null"}]`` when it is a composition (oneOf/anyOf).
- ``readOnly``/``writeOnly``, ``deprecated``, ``example`` and every ``x-*`` extension are annotations
  with no JSON Schema meaning here: dropped.
- ``format: int32``/``int64`` become bounds, so generated integers fit what the service stores.
- ``format: date-time`` becomes the custom format ``sailpoint-date-time`` (see ``sailpoint_datetimes``):
  the models parse timestamps into ``datetime`` and write them back the way SailPoint does (UTC, ``Z``,
  no fraction / milliseconds / microseconds, whichever is the shortest exact form). Generating exactly
  that canonical form makes the round trip byte-exact, so the comparison stays a plain equality.
  ``test_fuzz_roundtrip`` separately checks arbitrary RFC 3339 timestamps *semantically*.
"""

from __future__ import annotations

import datetime
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import hypothesis_jsonschema._from_schema as _hjs_from_schema
import yaml
from hypothesis import strategies as st
from hypothesis.internal.conjecture import utils as _conjecture_utils
from hypothesis_jsonschema import from_schema

SPEC = Path(__file__).resolve().parents[2] / "spec" / "sim-integrations.v2025.yaml"
SAILPOINT_DATE_TIME = "sailpoint-date-time"

_DROPPED_KEYS = frozenset(
    {"readOnly", "writeOnly", "deprecated", "example", "examples", "xml", "externalDocs"}
)
_INT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


class SchemaConversionError(ValueError):
    """The OpenAPI schema uses something this converter does not handle (a cycle, a foreign $ref)."""


@cache
def load_spec() -> dict[str, Any]:
    """The parsed fragment (cached: it is read once per session)."""
    with SPEC.open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.safe_load(handle)
    return document


def to_json_schema(schema: Any, components: dict[str, Any], _seen: tuple[str, ...] = ()) -> Any:
    """Convert one OpenAPI 3.0 schema object (and everything it references) to plain JSON Schema."""
    if isinstance(schema, list):
        return [to_json_schema(item, components, _seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        ref = schema["$ref"]
        prefix = "#/components/schemas/"
        if not isinstance(ref, str) or not ref.startswith(prefix):
            raise SchemaConversionError(f"unsupported $ref {ref!r}")
        name = ref[len(prefix) :]
        if name in _seen:
            raise SchemaConversionError(f"recursive schema {' -> '.join((*_seen, name))}")
        if name not in components:
            raise SchemaConversionError(f"$ref to unknown schema {name!r}")
        return to_json_schema(components[name], components, (*_seen, name))

    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROPPED_KEYS or key.startswith("x-") or key == "nullable":
            continue
        if key == "properties":
            out[key] = {prop: to_json_schema(sub, components, _seen) for prop, sub in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = to_json_schema(value, components, _seen)
        elif key in ("oneOf", "anyOf", "allOf"):
            out[key] = [to_json_schema(sub, components, _seen) for sub in value]
        else:
            out[key] = value

    fmt = out.get("format")
    if fmt in _INT_BOUNDS and out.get("type") == "integer":
        low, high = _INT_BOUNDS[fmt]
        out.setdefault("minimum", low)
        out.setdefault("maximum", high)
        del out["format"]
    elif fmt == "date-time":
        out["format"] = SAILPOINT_DATE_TIME

    if schema.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = [*out["enum"], None]
        elif isinstance(kind, list):
            if "null" not in kind:
                out["type"] = [*kind, "null"]
        else:
            # A composition (oneOf/anyOf) without a type: "null" goes beside it, not inside it, or a
            # oneOf whose branches both accept null would reject null.
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def component_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of ``#/components/schemas/<name>``."""
    components = load_spec()["components"]["schemas"]
    converted: dict[str, Any] = to_json_schema({"$ref": f"#/components/schemas/{name}"}, components)
    return converted


def response_schema(path: str, method: str, status: str = "200") -> dict[str, Any]:
    """The JSON Schema of one documented JSON response body of the fragment."""
    spec = load_spec()
    response = spec["paths"][path][method]["responses"][status]
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    schema = response["content"]["application/json"]["schema"]
    converted: dict[str, Any] = to_json_schema(schema, spec["components"]["schemas"])
    return converted


def _canonical(moment: datetime.datetime) -> str:
    # The exact form the generated models write (generated/sailpoint_sim_client/types.py:format_datetime).
    if moment.microsecond == 0:
        spec = "seconds"
    elif moment.microsecond % 1000 == 0:
        spec = "milliseconds"
    else:
        spec = "microseconds"
    return moment.isoformat(timespec=spec) + "Z"


def sailpoint_datetimes() -> st.SearchStrategy[str]:
    """SailPoint-style timestamps: UTC, ``Z`` suffix, 0, 3 or 6 fraction digits (shortest exact form)."""
    micro = st.one_of(
        st.just(0),
        st.integers(1, 999).map(lambda ms: ms * 1000),
        st.integers(1, 999_999).filter(lambda us: us % 1000 != 0),
    )
    moments = st.builds(
        lambda base, us: base.replace(microsecond=us),
        st.datetimes(min_value=datetime.datetime(1970, 1, 1), max_value=datetime.datetime(2200, 1, 1)),
        micro,
    )
    return moments.map(_canonical)


def rfc3339_datetimes() -> st.SearchStrategy[str]:
    """Any RFC 3339 timestamp (any offset, any fraction length): for the semantic comparison."""
    offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: datetime.timezone(datetime.timedelta(minutes=m)))
    moments = st.datetimes(
        min_value=datetime.datetime(1970, 1, 2), max_value=datetime.datetime(2200, 1, 1), timezones=offsets
    )
    return moments.map(lambda d: d.isoformat().replace("+00:00", "Z"))


CUSTOM_FORMATS: dict[str, st.SearchStrategy[str]] = {SAILPOINT_DATE_TIME: sailpoint_datetimes()}


class _CompatMany:
    """The ``many(...).more()`` protocol that hypothesis-jsonschema 0.23.1 uses, on Hypothesis >= 6.150.

    hypothesis-jsonschema draws object properties with Hypothesis's private ``cu.many`` helper through
    its old ``more()``/``reject()`` methods. The pinned Hypothesis replaced them with a context manager
    that is iterated (``with many(...) as elements: for _ in elements``), so every object schema fails
    with ``AttributeError: 'many' object has no attribute 'more'``. This adapter drives the new protocol
    from the old calls; it is installed only when the running Hypothesis lacks ``more()``.
    """

    def __init__(self, data: Any, *args: Any, **kwargs: Any) -> None:
        self._many = _ORIGINAL_MANY(data, *args, **kwargs)
        self._many.__enter__()
        self._steps = iter(self._many)

    def more(self) -> bool:
        """Whether to draw another element (the old protocol); closes the collection when done."""
        try:
            next(self._steps)
        except StopIteration:
            self._many.__exit__(None, None, None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        """Do not count the current element (it will not be in the collection)."""
        self._many.reject(why)


_ORIGINAL_MANY: Any = _conjecture_utils.many
if not hasattr(_ORIGINAL_MANY, "more"):
    _hjs_from_schema.cu = SimpleNamespace(many=_CompatMany)  # type: ignore[attr-defined,assignment]  # shim, see above


def strategy_for(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """hypothesis-jsonschema's strategy for a converted schema, with SailPoint timestamps."""
    return from_schema(schema, custom_formats=CUSTOM_FORMATS)
