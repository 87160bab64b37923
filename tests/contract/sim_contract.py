"""The contract check shared by the contract tests and the mutation test.

`check_round_trip(contract, package, schema_pointer, raw)` is the single definition of "the generated
models honour the fragment for this body":

1. `raw` validates against the schema at `schema_pointer` in the fragment (OpenAPI 3.0 semantics, so
   `nullable`, `readOnly` and `format` are understood; `#/components/...` refs resolve through a
   `referencing` registry holding the whole fragment);
2. the generated models parse it (`from_dict`);
3. every property the schema declares was read into a typed attribute of the right kind (a
   `datetime` for `date-time`, a list for arrays, a model instance for a `$ref` to a model, an enum
   member for a listed enum value, ...), and only undeclared keys land in `additional_properties`;
4. `to_dict()` gives back exactly `raw` (compared as sorted JSON text, so 1, 1.0, "1" and true differ).

Step 3 is what makes the check fail when the generator drops a field or changes its type: a dropped
field still round-trips through `additional_properties`, and a timestamp typed as a plain string
still round-trips as text, so step 4 alone would not notice either.

The check always reads the schema from the fragment it is given, and the models from the package it
is given, so the mutation test can point it at a package generated from a damaged copy of the spec.
"""

from __future__ import annotations

import datetime
import enum
import importlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote

import attrs
import referencing
import referencing.jsonschema
import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker

ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = ROOT / "spec" / "sim-integrations.v2025.yaml"
EXAMPLES_DIR = ROOT / "spec" / "examples"
# CI puts a copy of the shared material beside the clone, so it is found relative to the repo root.
SHARED_DIR = ROOT.parent / "shared"
UPSTREAM_SPEC = SHARED_DIR / "upstream" / "sailpoint-v2025-sim-integrations.yaml"

# The base URI under which the whole fragment is registered; `#/components/...` refs inside it resolve
# against this resource.
FRAGMENT_URI = "urn:sailpoint-sim:fragment"
SCHEMA_PREFIX = "#/components/schemas/"


class ContractViolation(AssertionError):
    """A documented body is not read or written the way the fragment says."""


def load_yaml(path: Path) -> Any:
    """Load a YAML document (anchors and aliases resolved by PyYAML)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def pointer_escape(token: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer_join(pointer: str, *tokens: str | int) -> str:
    """Append reference tokens to a JSON Pointer."""
    return pointer + "".join("/" + pointer_escape(str(token)) for token in tokens)


def pointer_get(document: Any, pointer: str) -> Any:
    """The node of `document` at a JSON Pointer ("" is the whole document)."""
    node = document
    for raw_token in pointer.split("/")[1:]:
        token = unquote(raw_token).replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


class Contract:
    """The fragment plus what is needed to validate against it and walk its schemas."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        resource = referencing.Resource.from_contents(
            spec, default_specification=referencing.jsonschema.DRAFT4
        )
        self.registry: referencing.Registry[Any] = referencing.Registry().with_resource(
            FRAGMENT_URI, resource
        )

    def schema_at(self, pointer: str) -> Any:
        """The schema node at a JSON Pointer into the fragment."""
        return pointer_get(self.spec, pointer)

    def schema_for(self, pointer: str) -> Any:
        """The schema at `pointer`, as a `$ref` when it is a named component (so its model is used)."""
        if ("#" + pointer).startswith(SCHEMA_PREFIX):
            return {"$ref": "#" + pointer}
        return self.schema_at(pointer)

    def resolve(self, ref: str) -> Any:
        """The node a local `$ref` ("#/...") points at."""
        if not ref.startswith("#"):
            raise ContractViolation(f"only local refs are expected in the fragment, got {ref!r}")
        return pointer_get(self.spec, ref[1:])

    def validator(self, pointer: str) -> Any:
        """An OpenAPI 3.0 schema validator for the schema at `pointer`."""
        return OAS30Validator(
            {"$ref": f"{FRAGMENT_URI}#{pointer}"},
            registry=self.registry,
            format_checker=oas30_format_checker,
        )

    def errors(self, pointer: str, instance: Any) -> list[str]:
        """Validation messages (with the failing location) for `instance` against the schema at `pointer`."""
        return [
            f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
            for error in self.validator(pointer).iter_errors(instance)
        ]

    def validate(self, pointer: str, instance: Any) -> None:
        """Raise ContractViolation unless `instance` is valid against the schema at `pointer`."""
        problems = self.errors(pointer, instance)
        if problems:
            raise ContractViolation(f"invalid against {pointer}: " + "; ".join(problems))

    def is_valid_inline(self, schema: Mapping[str, Any], instance: Any) -> bool:
        """Whether `instance` is valid against an (unregistered) schema node of the fragment.

        Local refs inside the node still resolve, because the validator's base URI is the fragment's.
        """
        validator = OAS30Validator(
            {"$ref": f"{FRAGMENT_URI}#/x-inline"},
            registry=self.registry.with_resource(
                f"{FRAGMENT_URI}",
                referencing.Resource.from_contents(
                    {**self.spec, "x-inline": schema}, default_specification=referencing.jsonschema.DRAFT4
                ),
            ),
            format_checker=oas30_format_checker,
        )
        return bool(validator.is_valid(instance))


def load_contract(path: Path = SPEC_PATH) -> Contract:
    """The contract of the fragment at `path`."""
    return Contract(load_yaml(path))


# --- documented examples ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentedExample:
    """One documented body and the schema it is documented for."""

    name: str  # a stable, readable id for test output
    value: Any
    schema_pointer: str


def _example_values(contract: Contract, node: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    if "example" in node:
        yield "example", node["example"]
    for key, entry in (node.get("examples") or {}).items():
        if "$ref" in entry:
            target = contract.resolve(entry["$ref"])
            yield f"{key}={entry['$ref'].rsplit('/', 1)[-1]}", target["value"]
        else:
            yield key, entry["value"]


def fragment_examples(contract: Contract) -> list[DocumentedExample]:
    """Every `example` / `examples` in the fragment, each paired with the schema it illustrates.

    A media type or parameter object carries its examples next to its `schema`; a schema object may
    carry an `example` of itself. Entries of components/examples are reached through the `$ref`s that
    use them (tests check that none is unused). Keys inside `properties` are property names, not
    keywords, so they are not mistaken for examples.
    """
    found: list[DocumentedExample] = []

    def walk(node: Any, pointer: str, parent_key: str | None) -> None:
        if isinstance(node, dict):
            if parent_key != "properties" and not pointer.startswith("/components/examples"):
                has_examples = "example" in node or "examples" in node
                if has_examples and "schema" in node:
                    for key, value in _example_values(contract, node):
                        found.append(
                            DocumentedExample(f"{pointer}:{key}", value, pointer_join(pointer, "schema"))
                        )
                elif "example" in node:
                    found.append(DocumentedExample(f"{pointer}:example", node["example"], pointer))
            for key, child in node.items():
                walk(child, pointer_join(pointer, key), key)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, pointer_join(pointer, index), None)

    walk(contract.spec, "", None)
    return found


# The seed's documented bodies (spec/examples/*.json, extracted verbatim from the SDK documentation) and
# the schemas they are documented for. The SimIntegrationDetails body is shown as the request of create
# and put; a SIM integration read back has the same shape, so it must also be readable as a response.
SEED_EXAMPLES: dict[str, list[str]] = {
    "seed-sim-integration-details.json": [
        "/components/schemas/SimIntegrationDetails",
        "/components/schemas/ServiceDeskIntegrationDto",
    ],
    "seed-json-patch.json": [
        "/components/requestBodies/JsonPatchBody/content/application~1json-patch+json/schema",
    ],
}


def seed_examples() -> list[DocumentedExample]:
    """The seed's documented bodies, each paired with every schema it is documented for."""
    return [
        DocumentedExample(f"{name}->{pointer.rsplit('/', 1)[-1]}", load_seed(name), pointer)
        for name, pointers in SEED_EXAMPLES.items()
        for pointer in pointers
    ]


def load_seed(name: str) -> Any:
    """A seed example body as JSON."""
    return json.loads((EXAMPLES_DIR / name).read_text(encoding="utf-8"))


# --- parsing, writing and the typed check -------------------------------------------------------------


def models_of(package: ModuleType) -> ModuleType:
    """The `models` subpackage of a generated package."""
    return importlib.import_module(f"{package.__name__}.models")


def unset_type(package: ModuleType) -> type:
    """The generated package's `Unset` class."""
    return importlib.import_module(f"{package.__name__}.types").Unset  # type: ignore[no-any-return]


def model_class(package: ModuleType, ref: str) -> type | None:
    """The generated class for a `#/components/schemas/<Name>` ref, if the generator made one."""
    if not ref.startswith(SCHEMA_PREFIX):
        return None
    found = getattr(models_of(package), ref[len(SCHEMA_PREFIX) :], None)
    return found if isinstance(found, type) else None


def parse(contract: Contract, package: ModuleType, schema: Mapping[str, Any], raw: Any) -> Any:
    """Read `raw` with the generated code for `schema` (top-level bodies: models, lists, unions)."""
    if "$ref" in schema:
        cls = model_class(package, schema["$ref"])
        if cls is None:
            return parse(contract, package, contract.resolve(schema["$ref"]), raw)
        if issubclass(cls, enum.Enum):
            return cls(raw)
        return cls.from_dict(raw)  # type: ignore[attr-defined]
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return parse(contract, package, _matching_branch(contract, schema[key], raw, "<body>"), raw)
    if schema.get("type") == "array" and isinstance(raw, list):
        return [parse(contract, package, schema["items"], item) for item in raw]
    return raw


def dump(parsed: Any) -> Any:
    """Write what `parse` read back to JSON data, the way the generated code does."""
    if hasattr(parsed, "to_dict"):
        return parsed.to_dict()
    if isinstance(parsed, list):
        return [dump(item) for item in parsed]
    if isinstance(parsed, enum.Enum):
        return parsed.value
    return parsed


def canonical(data: Any) -> str:
    """JSON text in which key order does not matter but every type and character does."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False)


def _matching_branch(contract: Contract, branches: list[Any], raw: Any, where: str) -> Any:
    # The generated union parsers try the branches in order and keep the first that reads the value,
    # so the first branch the value is valid against is the one the typed value must match.
    for branch in branches:
        if contract.is_valid_inline(branch, raw):
            return branch
    raise ContractViolation(f"{where}: {raw!r} matches no branch of the union")


def python_attribute(json_name: str, fields: set[str]) -> str | None:
    """The generated attribute for a JSON property: snake_case, with a trailing `_` for reserved names."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", json_name).lower()
    for candidate in (snake, snake + "_"):
        if candidate in fields:
            return candidate
    return None


def check_typed(
    contract: Contract, package: ModuleType, schema: Mapping[str, Any], raw: Any, parsed: Any, where: str
) -> None:
    """Raise ContractViolation unless `parsed` is `raw` read into the types `schema` declares."""
    if "$ref" in schema:
        target = contract.resolve(schema["$ref"])
        cls = model_class(package, schema["$ref"])
        if cls is None:
            check_typed(contract, package, target, raw, parsed, where)
            return
        if raw is None:
            if not target.get("nullable") or parsed is not None:
                raise ContractViolation(f"{where}: null read as {parsed!r}")
            return
        if issubclass(cls, enum.Enum):
            if not isinstance(parsed, cls) or parsed.value != raw:
                raise ContractViolation(f"{where}: expected {cls.__name__}({raw!r}), got {parsed!r}")
            return
        if not isinstance(parsed, cls):
            raise ContractViolation(f"{where}: expected a {cls.__name__}, got {type(parsed).__name__}")
        _check_model(contract, package, target, cls, raw, parsed, where)
        return
    if raw is None:
        if parsed is not None:
            raise ContractViolation(f"{where}: null read as {parsed!r}")
        return
    for key in ("oneOf", "anyOf"):
        if key in schema:
            branch = _matching_branch(contract, schema[key], raw, where)
            check_typed(contract, package, branch, raw, parsed, where)
            return
    if "enum" in schema:
        if not isinstance(parsed, enum.Enum) or parsed.value != raw:
            raise ContractViolation(f"{where}: expected an enum member for {raw!r}, got {parsed!r}")
        return
    kind = schema.get("type")
    if kind == "string" and schema.get("format") == "date-time":
        if not isinstance(parsed, datetime.datetime) or parsed.tzinfo is None:
            raise ContractViolation(f"{where}: expected a timezone-aware datetime, got {parsed!r}")
        return
    expected: dict[str, tuple[type, ...]] = {
        "string": (str,),
        "integer": (int,),
        "number": (int, float),
        "boolean": (bool,),
        "array": (list,),
        "object": (dict,),
    }
    if kind in expected:
        wrong_bool = isinstance(parsed, bool) and kind in ("integer", "number")
        if not isinstance(parsed, expected[kind]) or wrong_bool or isinstance(parsed, enum.Enum):
            raise ContractViolation(f"{where}: expected {kind}, got {type(parsed).__name__} {parsed!r}")
    if kind == "object" and schema.get("properties"):
        # Declared properties are only typed when a model reads them.
        raise ContractViolation(f"{where}: an object with declared properties was read without a model")
    if kind == "array":
        if len(parsed) != len(raw):
            raise ContractViolation(f"{where}: {len(raw)} items read as {len(parsed)}")
        for index, (raw_item, parsed_item) in enumerate(zip(raw, parsed, strict=True)):
            check_typed(
                contract, package, schema.get("items", {}), raw_item, parsed_item, f"{where}[{index}]"
            )
        return
    # Scalars, free-form objects and untyped values (JSON Patch `value`): kept as they were read.
    if canonical(parsed) != canonical(raw):
        raise ContractViolation(f"{where}: {raw!r} read as {parsed!r}")


def _check_model(
    contract: Contract,
    package: ModuleType,
    schema: Mapping[str, Any],
    cls: type,
    raw: Any,
    parsed: Any,
    where: str,
) -> None:
    declared: Mapping[str, Any] = schema.get("properties", {})
    fields = {field.name for field in attrs.fields(cls)} - {"additional_properties"}
    attribute_of: dict[str, str] = {}
    for json_name in declared:
        attribute = python_attribute(json_name, fields)
        if attribute is None:
            raise ContractViolation(
                f"{where}: {cls.__name__} has no typed attribute for the declared property {json_name!r}"
            )
        attribute_of[json_name] = attribute
    undeclared_fields = fields - set(attribute_of.values())
    if undeclared_fields:
        raise ContractViolation(
            f"{where}: {cls.__name__} has attributes the schema does not declare: {undeclared_fields}"
        )

    # The declared type, as the generator wrote it into the annotation. Scalars and lists of scalars are
    # only `cast` at run time, so a retyped `list[str]` -> `list[int]` is visible here and nowhere else.
    annotations = {field.name: str(field.type) for field in attrs.fields(cls)}
    for json_name, attribute in attribute_of.items():
        token = expected_annotation(contract, package, declared[json_name])
        if token is not None and not re.search(
            rf"(?<![\w.]){re.escape(token)}(?![\w.\[])", annotations[attribute]
        ):
            raise ContractViolation(
                f"{where}.{json_name}: {cls.__name__}.{attribute} is annotated {annotations[attribute]!r}, "
                f"the schema needs {token!r}"
            )

    unset = unset_type(package)
    extra: dict[str, Any] = dict(parsed.additional_properties)
    for json_name, attribute in attribute_of.items():
        value = getattr(parsed, attribute)
        if json_name not in raw:
            if not isinstance(value, unset):
                raise ContractViolation(f"{where}.{json_name}: absent, but read as {value!r}")
            continue
        if json_name in extra:
            raise ContractViolation(f"{where}.{json_name}: declared, but kept only as an additional property")
        check_typed(contract, package, declared[json_name], raw[json_name], value, f"{where}.{json_name}")

    undeclared_raw = {key: value for key, value in raw.items() if key not in declared}
    if canonical(extra) != canonical(undeclared_raw):
        raise ContractViolation(f"{where}: undeclared fields {undeclared_raw!r} kept as {extra!r}")
    additional = schema.get("additionalProperties")
    if isinstance(additional, dict):
        for key, value in extra.items():
            check_typed(contract, package, additional, undeclared_raw[key], value, f"{where}.{key}")


_SCALAR_ANNOTATIONS = {"string": "str", "integer": "int", "boolean": "bool", "number": "float"}


def expected_annotation(contract: Contract, package: ModuleType, schema: Mapping[str, Any]) -> str | None:
    """The type the generated annotation of a property must name, or None when it is not predictable.

    Unions (oneOf/anyOf) and inline enums get generator-chosen names, so only their parsed values are
    checked.
    """
    if "$ref" in schema:
        cls = model_class(package, schema["$ref"])
        if cls is not None:
            return cls.__name__
        return expected_annotation(contract, package, contract.resolve(schema["$ref"]))
    if "oneOf" in schema or "anyOf" in schema or "enum" in schema:
        return None
    kind = schema.get("type")
    if kind == "string" and schema.get("format") == "date-time":
        return "datetime.datetime"
    if kind in _SCALAR_ANNOTATIONS:
        return _SCALAR_ANNOTATIONS[kind]
    if kind == "array":
        item = expected_annotation(contract, package, schema.get("items", {}))
        return None if item is None else f"list[{item}]"
    return None


def check_round_trip(
    contract: Contract, package: ModuleType, schema_pointer: str, raw: Any, *, validate: bool = True
) -> Any:
    """Validate, parse, type-check and write back `raw`; return what was parsed.

    Raises ContractViolation on the first difference from the fragment. `validate=False` skips step 1,
    for bodies the tests check for validity separately.
    """
    if validate:
        contract.validate(schema_pointer, raw)
    schema = contract.schema_for(schema_pointer)
    parsed = parse(contract, package, schema, raw)
    check_typed(contract, package, schema, raw, parsed, "$")
    written = dump(parsed)
    if canonical(written) != canonical(raw):
        raise ContractViolation(
            f"to_dict() differs from the documented body:\n{canonical(written)}\n!=\n{canonical(raw)}"
        )
    return parsed
