"""Request-body checks of the fake service, written by hand from the spec fragment.

The fake validates what `spec/sim-integrations.v2025.yaml` declares (``SimIntegrationDetails`` for POST and
PUT, ``JsonPatch`` / ``JsonPatchOperations`` for both PATCH endpoints) without a JSON Schema engine, so the
``testing`` extra needs only ``jsonpatch``. Every function returns a list of problems, each naming the
field, so a 400 tells the caller exactly what was wrong; an empty list means valid.

Fields that only the response schema (``ServiceDeskIntegrationDto``) declares are checked too when a
client sends them: the fake returns every field it stored, so storing a wrongly typed ``ownerRef`` would
make its own responses break the spec.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_Check = Callable[[Any, str], list[str]]

PATCH_OPS = frozenset({"add", "remove", "replace", "move", "copy", "test"})


def _string(value: Any, where: str) -> list[str]:
    return [] if isinstance(value, str) else [f"{where}: must be a string"]


def _nullable(check: _Check) -> _Check:
    def run(value: Any, where: str) -> list[str]:
        return [] if value is None else check(value, where)

    return run


def _string_array(value: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        return [f"{where}: must be an array of strings"]
    return [f"{where}[{i}]: must be a string" for i, item in enumerate(value) if not isinstance(item, str)]


def _boolean(value: Any, where: str) -> list[str]:
    return [] if isinstance(value, bool) else [f"{where}: must be a boolean"]


def _int32(value: Any, where: str) -> list[str]:
    # bool is an int in Python but not an integer in JSON Schema.
    if isinstance(value, bool) or not isinstance(value, int):
        return [f"{where}: must be an integer"]
    if not -(2**31) <= value < 2**31:
        return [f"{where}: must fit in 32 bits"]
    return []


def _object_of(fields: dict[str, _Check]) -> _Check:
    """An object whose declared fields have the given checks; undeclared fields are allowed."""

    def run(value: Any, where: str) -> list[str]:
        if not isinstance(value, dict):
            return [f"{where}: must be an object"]
        problems: list[str] = []
        for name, check in fields.items():
            if name in value:
                problems += check(value[name], f"{where}.{name}")
        return problems

    return run


def _object_or_string(values: _Check | None) -> _Check:
    """FlexibleStatusMap / FlexibleRequestTemplate / FlexibleAttributes: an object or a string."""

    def run(value: Any, where: str) -> list[str]:
        if isinstance(value, str):
            return []
        if not isinstance(value, dict):
            return [f"{where}: must be an object or a string"]
        if values is None:
            return []
        problems: list[str] = []
        for key, item in value.items():
            problems += values(item, f"{where}.{key}")
        return problems

    return run


_REFERENCE = _object_of({"type": _string, "id": _string, "name": _string})

_PROVISIONING_CONFIG = _object_of(
    {
        "universalManager": _boolean,
        "managedResourceRefs": lambda v, w: (
            [f"{w}: must be an array"]
            if not isinstance(v, list)
            else [p for i, item in enumerate(v) for p in _REFERENCE(item, f"{w}[{i}]")]
        ),
        "planInitializerScript": _nullable(_object_of({"source": _string})),
        "noProvisioningRequests": _boolean,
        "provisioningRequestExpiration": _int32,
    }
)

# SimIntegrationDetails (request) plus the fields only ServiceDeskIntegrationDto declares.
_INTEGRATION_FIELDS: dict[str, _Check] = {
    "id": _string,
    "name": _nullable(_string),
    "created": _string,
    "modified": _string,
    "description": _string,
    "type": _string,
    "attributes": _nullable(_object_or_string(None)),
    "sources": _string_array,
    "cluster": _string,
    "statusMap": _object_or_string(_string),
    "request": _object_or_string(None),
    "beforeProvisioningRule": _REFERENCE,
    "ownerRef": _REFERENCE,
    "clusterRef": _REFERENCE,
    "managedSources": _string_array,
    "provisioningConfig": _PROVISIONING_CONFIG,
}

_INTEGRATION = _object_of(_INTEGRATION_FIELDS)


def integration_problems(body: Any) -> list[str]:
    """Problems of a SimIntegrationDetails body (POST, PUT, or the result of a PATCH)."""
    if not isinstance(body, dict):
        return ["body: must be a JSON object (SimIntegrationDetails)"]
    problems = [] if "name" in body else ["name: is required"]
    # Stored documents carry server-assigned id/created/modified; they are checked but never trusted.
    return problems + [p.removeprefix("body.") for p in _INTEGRATION(body, "body")]


def rule_problems(rule: Any) -> list[str]:
    """Problems of a beforeProvisioningRule object after a rule PATCH."""
    return _REFERENCE(rule, "beforeProvisioningRule")


def is_json_pointer(value: Any) -> bool:
    """Whether value is an RFC 6901 JSON Pointer: empty, or "/" segments with only ~0 and ~1 escapes."""
    if not isinstance(value, str):
        return False
    if value == "":
        return True
    if not value.startswith("/"):
        return False
    # Every "~" must start "~0" or "~1".
    rest = value
    while (i := rest.find("~")) != -1:
        if rest[i + 1 : i + 2] not in ("0", "1"):
            return False
        rest = rest[i + 2 :]
    return True


def patch_operations(body: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The operations of a JSON Patch body in either accepted form, and the problems the schema finds.

    Accepts SailPoint's ``{"operations": [...]}`` wrapper (``operations`` may be absent, as the schema does
    not require it, which means no operation) and a bare RFC 6902 array. Only what the fragment's schema
    says is checked here (op and path present, op one of the six, path and from strings); the rules the
    schema cannot express are in :func:`patch_semantic_problems`.
    """
    if isinstance(body, dict):
        ops = body.get("operations", [])
        where = "operations"
        if not isinstance(ops, list):
            return [], ["operations: must be an array of JSON Patch operations"]
    elif isinstance(body, list):
        ops = body
        where = "body"
    else:
        return [], ['body: must be a JSON Patch array or an {"operations": [...]} object']
    problems: list[str] = []
    for i, op in enumerate(ops):
        at = f"{where}[{i}]"
        if not isinstance(op, dict):
            problems.append(f"{at}: must be an object")
            continue
        name = op.get("op")
        if "op" not in op:
            problems.append(f"{at}.op: is required")
        elif not isinstance(name, str) or name not in PATCH_OPS:
            problems.append(f"{at}.op: must be one of add, remove, replace, move, copy, test")
        if "path" not in op:
            problems.append(f"{at}.path: is required")
        elif not isinstance(op["path"], str):
            problems.append(f"{at}.path: must be a string (a JSON Pointer)")
        if "from" in op and not isinstance(op["from"], str):
            problems.append(f"{at}.from: must be a string (a JSON Pointer)")
    return ops, problems


def patch_semantic_problems(ops: list[dict[str, Any]], where: str) -> list[str]:
    """RFC 6902 rules the fragment's schema does not express: pointers must be RFC 6901 JSON Pointers,
    move and copy need ``from``, add, replace and test need ``value``. Run on schema-valid operations."""
    problems: list[str] = []
    for i, op in enumerate(ops):
        at = f"{where}[{i}]"
        name = op["op"]
        if not is_json_pointer(op["path"]):
            problems.append(f"{at}.path: must be a JSON Pointer (RFC 6901) such as /description")
        if name in ("move", "copy") and not is_json_pointer(op.get("from")):
            problems.append(f"{at}.from: must be a JSON Pointer for {name}")
        if name in ("add", "replace", "test") and "value" not in op:
            problems.append(f"{at}.value: is required for {name}")
    return problems
