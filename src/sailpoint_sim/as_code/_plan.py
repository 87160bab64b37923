"""The plan: what applying a folder of definitions to a tenant would do, down to each request.

Definitions and tenant integrations are matched by name. A definition without a tenant counterpart is
created; one whose details differ is updated; with ``prune``, a tenant integration without a definition
is deleted (without it, it is listed as unmanaged and left alone).

An update is computed field by field with the ``jsonpatch`` library (RFC 6902 ``make_patch``), so
operations never move a value from one top-level field to another, and it is sent as JSON Patch with a
``test`` operation first for each field it changes, holding that field's value as the plan saw it: if
anyone changed the field on the tenant since the plan, the service refuses the whole PATCH (RFC 6902
applies a patch atomically) instead of overwriting their change. RFC 6902 cannot test that a field is
absent, so a field the plan *adds* is not guarded this way.

``beforeProvisioningRule`` has its own endpoint (``PATCH .../{id}/beforeProvisioningRule``, paths
relative to the rule), and SailPoint's contract does not say that the main PATCH may change it; so a
change to the rule's members goes through that endpoint, guarded by ``test`` operations on the rule's
members. Removing the rule altogether, or replacing it with something that is not an object, can only
be expressed on the main PATCH and is sent there. Every plan is checked before it is returned: its
writes, applied to the tenant's view, must give exactly the definition.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from ._errors import AsCodeError, DuplicateNameError, MissingExtraError
from ._files import SERVER_ASSIGNED, read_folder
from ._refs import Reference, apply_id_map, load_id_map

__all__ = [
    "RULE",
    "Action",
    "FieldChange",
    "IntegrationPlan",
    "Plan",
    "Write",
    "WriteKind",
    "compute_plan",
    "load_definitions",
    "tenant_by_name",
]

RULE = "beforeProvisioningRule"
_LEADING_FIELDS = ("name", "description", "type")


def jsonpatch_module() -> Any:
    """The ``jsonpatch`` module, or MissingExtraError naming the extra that provides it."""
    try:
        import jsonpatch
    except ImportError:
        raise MissingExtraError() from None
    return jsonpatch


class Action(StrEnum):
    """What a plan does with one integration."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    UNCHANGED = "unchanged"
    UNMANAGED = "unmanaged"
    """On the tenant, not in the definitions, and no ``prune``: left alone."""


_CHANGING = (Action.CREATE, Action.UPDATE, Action.DELETE)


class WriteKind(StrEnum):
    """The request a write sends."""

    CREATE = "create"  # POST /sim-integrations
    PATCH = "patch"  # PATCH /sim-integrations/{id}
    PATCH_RULE = "patch-rule"  # PATCH /sim-integrations/{id}/beforeProvisioningRule
    DELETE = "delete"  # DELETE /sim-integrations/{id} (after a GET showing it unchanged)


_REQUESTS = {
    WriteKind.CREATE: "POST /sim-integrations",
    WriteKind.PATCH: "PATCH /sim-integrations/{id}",
    WriteKind.PATCH_RULE: "PATCH /sim-integrations/{id}/beforeProvisioningRule",
    WriteKind.DELETE: "DELETE /sim-integrations/{id}",
}


@dataclass(frozen=True)
class Write:
    """One request apply will send. ``operations`` (PATCH only) start with the ``test`` guards."""

    kind: WriteKind
    operations: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        data: dict[str, Any] = {"kind": str(self.kind), "request": _REQUESTS[self.kind]}
        if self.kind in (WriteKind.PATCH, WriteKind.PATCH_RULE):
            data["operations"] = [dict(op) for op in self.operations]
        return data


@dataclass(frozen=True)
class FieldChange:
    """One line of the readable diff: a JSON Pointer and its value before and after.

    ``kind`` is ``added`` (no ``before``), ``removed`` (no ``after``) or ``changed``. Objects are
    compared member by member; any other value (lists included) is shown whole.
    """

    path: str
    kind: Literal["added", "removed", "changed"]
    before: Any = None
    after: Any = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (``before``/``after`` only where they exist)."""
        data: dict[str, Any] = {"path": self.path, "kind": self.kind}
        if self.kind != "added":
            data["before"] = self.before
        if self.kind != "removed":
            data["after"] = self.after
        return data


@dataclass(frozen=True)
class IntegrationPlan:
    """The plan for one integration (by name).

    Attributes:
        name: The key matching a definition to a tenant integration.
        action: What apply does.
        id: The tenant integration's id (None for a create).
        file: The definition's file name (None when planned from data, or for a delete).
        details: The definition after the id map (what the tenant should hold); None for a delete.
        current: The tenant integration as the plan saw it, without id/created/modified.
        operations: For an update, the JSON Patch (RFC 6902) from ``current`` to ``details``.
        writes: The requests apply sends, in order.
        changes: The readable field-by-field diff.
        references: The definition's reference ids and what the id map made of them (with a map).
    """

    name: str
    action: Action
    id: str | None = None
    file: str | None = None
    details: dict[str, Any] | None = None
    current: dict[str, Any] | None = None
    operations: tuple[dict[str, Any], ...] = ()
    writes: tuple[Write, ...] = ()
    changes: tuple[FieldChange, ...] = ()
    references: tuple[Reference, ...] = ()

    @property
    def unmapped(self) -> tuple[Reference, ...]:
        """References the id map does not cover."""
        return tuple(ref for ref in self.references if ref.mapped_to is None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        data: dict[str, Any] = {
            "name": self.name,
            "action": str(self.action),
            "id": self.id,
            "file": self.file,
        }
        if self.action == Action.CREATE:
            data["details"] = self.details
        if self.action == Action.UPDATE:
            data["operations"] = [dict(op) for op in self.operations]
        if self.action in _CHANGING:
            data["writes"] = [write.to_dict() for write in self.writes]
            data["changes"] = [change.to_dict() for change in self.changes]
        if self.references:
            data["references"] = [ref.to_dict() for ref in self.references]
        return data


@dataclass(frozen=True)
class Plan:
    """What apply would do, integration by integration, in the order apply does it.

    Creates come first, then updates, then deletes (so a failure stops before anything is deleted);
    unchanged and unmanaged integrations follow. Within each group, by name.
    """

    integrations: tuple[IntegrationPlan, ...]
    prune: bool = False
    id_map: bool = False
    """Whether an id map rewrote the definitions' reference ids."""
    nameless: tuple[str, ...] = ()
    """Ids of tenant integrations without a name: they cannot be matched, and are never touched."""

    @property
    def changes(self) -> tuple[IntegrationPlan, ...]:
        """The integrations apply writes to."""
        return tuple(item for item in self.integrations if item.action in _CHANGING)

    @property
    def has_changes(self) -> bool:
        """Whether apply would write anything."""
        return bool(self.changes)

    @property
    def unmapped(self) -> tuple[tuple[str, Reference], ...]:
        """(integration name, reference) for every reference id the id map does not cover."""
        return tuple(
            (item.name, ref)
            for item in self.integrations
            if item.action in _CHANGING
            for ref in item.unmapped
        )

    def summary(self) -> dict[str, int]:
        """How many integrations per action."""
        return {str(action): sum(item.action == action for item in self.integrations) for action in Action}

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data (``sailpoint-sim plan --json``)."""
        return {
            "summary": self.summary(),
            "hasChanges": self.has_changes,
            "prune": self.prune,
            "idMap": self.id_map,
            "integrations": [item.to_dict() for item in self.integrations],
            "unmapped": [{"name": name, **ref.to_dict()} for name, ref in self.unmapped],
            "nameless": list(self.nameless),
        }

    def render(self) -> str:
        """The plan as text for people: one block per integration, a field-by-field diff per update."""
        from ._render import render_plan

        return render_plan(self)


# -- inputs ----------------------------------------------------------------------------------------


Definitions = Mapping[str, tuple[str | None, dict[str, Any]]]


def load_definitions(
    source: str | os.PathLike[str] | Mapping[str, Mapping[str, Any]],
) -> dict[str, tuple[str | None, dict[str, Any]]]:
    """Definitions by name, ``{name: (file name or None, details)}``, from a folder or from data.

    Data is ``{name: details}`` (what :func:`export_data` returns); each details' ``name`` must be its
    key. Server-assigned fields are dropped.
    """
    if isinstance(source, str | os.PathLike):
        return dict(read_folder(source))
    if not isinstance(source, Mapping):
        raise AsCodeError(
            f"definitions must be a folder or a mapping of name to details, got {type(source).__name__}"
        )
    result: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for name in sorted(source):
        details = source[name]
        if not isinstance(details, Mapping) or details.get("name") != name:
            raise AsCodeError(f'the definition under {name!r} must be an object whose "name" is {name!r}')
        result[name] = (
            None,
            {key: copy.deepcopy(value) for key, value in details.items() if key not in SERVER_ASSIGNED},
        )
    return result


def tenant_by_name(integrations: Iterable[Mapping[str, Any]]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The tenant's integrations by name, and the ids of those without a name (which cannot be matched).

    Raises:
        DuplicateNameError: two integrations share a name (both ids listed).
    """
    by_name: dict[str, list[dict[str, Any]]] = {}
    nameless: list[str] = []
    for integration in integrations:
        name = integration.get("name")
        if not isinstance(name, str):
            nameless.append(str(integration.get("id")))
            continue
        by_name.setdefault(name, []).append(dict(integration))
    for name, found in by_name.items():
        if len(found) > 1:
            raise DuplicateNameError("tenant", name, [str(item.get("id")) for item in found])
    return {name: found[0] for name, found in by_name.items()}, nameless


# -- diffing ---------------------------------------------------------------------------------------


def canonical(value: Any) -> str:
    """A JSON text equal for equal JSON values only (1, 1.0 and true differ; key order does not)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))


def _same(a: Any, b: Any) -> bool:
    return canonical(a) == canonical(b)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _field_order(keys: Iterable[str]) -> list[str]:
    keys = set(keys)
    return [key for key in _LEADING_FIELDS if key in keys] + sorted(keys - set(_LEADING_FIELDS))


def _field_changes(before: Any, after: Any, path: str) -> list[FieldChange]:
    if isinstance(before, dict) and isinstance(after, dict):
        found: list[FieldChange] = []
        order = _field_order(set(before) | set(after)) if path == "" else sorted(set(before) | set(after))
        for key in order:
            at = f"{path}/{_escape(key)}"
            if key not in after:
                found.append(FieldChange(at, "removed", before=before[key]))
            elif key not in before:
                found.append(FieldChange(at, "added", after=after[key]))
            else:
                found += _field_changes(before[key], after[key], at)
        return found
    if _same(before, after):
        return []
    return [FieldChange(path, "changed", before=before, after=after)]


def _prefixed(operations: Sequence[Mapping[str, Any]], prefix: str) -> list[dict[str, Any]]:
    result = []
    for op in operations:
        op = dict(op)
        op["path"] = prefix + op["path"]
        if "from" in op:
            op["from"] = prefix + op["from"]
        result.append(op)
    return result


def _member(pointer: str) -> str:
    """The top-level member a JSON Pointer starts in (unescaped)."""
    first = pointer[1:].split("/", 1)[0]
    return first.replace("~1", "/").replace("~0", "~")


def _field_ops(
    jsonpatch: Any, current: dict[str, Any], desired: dict[str, Any], key: str
) -> list[dict[str, Any]]:
    pointer = "/" + _escape(key)
    if key not in desired:
        return [{"op": "remove", "path": pointer}]
    if key not in current:
        return [{"op": "add", "path": pointer, "value": copy.deepcopy(desired[key])}]
    return _prefixed(jsonpatch.make_patch(current[key], desired[key]).patch, pointer)


def _simulate(jsonpatch: Any, current: dict[str, Any], writes: Sequence[Write]) -> Any:
    """What the tenant holds after the writes, computed as the fake service (and RFC 6902) applies them."""
    doc = copy.deepcopy(current)
    for write in writes:
        if write.kind == WriteKind.PATCH:
            doc = jsonpatch.apply_patch(doc, list(write.operations))
        else:
            doc[RULE] = jsonpatch.apply_patch(doc.get(RULE) or {}, list(write.operations))
    return doc


def _update(
    jsonpatch: Any, current: dict[str, Any], desired: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[Write]]:
    """The whole-document JSON Patch and the guarded writes that turn ``current`` into ``desired``."""
    operations: list[dict[str, Any]] = []
    main_tests: list[dict[str, Any]] = []
    main_ops: list[dict[str, Any]] = []
    rule_tests: list[dict[str, Any]] = []
    rule_ops: list[dict[str, Any]] = []
    for key in _field_order(set(current) | set(desired)):
        if key in current and key in desired and _same(current[key], desired[key]):
            continue
        ops = _field_ops(jsonpatch, current, desired, key)
        operations += ops
        old_rule = current.get(RULE)
        if (
            key == RULE
            and isinstance(desired.get(RULE), dict)
            and (old_rule is None or isinstance(old_rule, dict))
        ):
            old_rule = old_rule or {}
            relative = jsonpatch.make_patch(old_rule, desired[RULE]).patch
            if relative:
                touched = {_member(op[name]) for op in relative for name in ("path", "from") if name in op}
                rule_tests += [
                    {"op": "test", "path": "/" + _escape(member), "value": copy.deepcopy(old_rule[member])}
                    for member in sorted(touched)
                    if member in old_rule
                ]
                rule_ops += relative
                continue
        if key in current:
            main_tests.append(
                {"op": "test", "path": "/" + _escape(key), "value": copy.deepcopy(current[key])}
            )
        main_ops += ops
    writes = []
    if main_ops:
        writes.append(Write(WriteKind.PATCH, tuple(main_tests + main_ops)))
    if rule_ops:
        writes.append(Write(WriteKind.PATCH_RULE, tuple(rule_tests + rule_ops)))
    if _checks(jsonpatch, current, desired, operations, writes):
        return operations, writes
    # Not expected to happen; if jsonpatch ever diffs in a way the checks reject, fall back to
    # replacing whole fields on the main PATCH, which is always exact.
    operations, tests = [], []
    for key in _field_order(set(current) | set(desired)):
        if key in current and key in desired and _same(current[key], desired[key]):
            continue
        pointer = "/" + _escape(key)
        if key in current:
            tests.append({"op": "test", "path": pointer, "value": copy.deepcopy(current[key])})
        if key not in desired:
            operations.append({"op": "remove", "path": pointer})
        else:
            op = "replace" if key in current else "add"
            operations.append({"op": op, "path": pointer, "value": copy.deepcopy(desired[key])})
    return operations, [Write(WriteKind.PATCH, tuple(tests + operations))]


def _checks(
    jsonpatch: Any,
    current: dict[str, Any],
    desired: dict[str, Any],
    operations: list[dict[str, Any]],
    writes: list[Write],
) -> bool:
    try:
        whole = jsonpatch.apply_patch(copy.deepcopy(current), operations)
        sent = _simulate(jsonpatch, current, writes)
    except Exception:  # any failure of the library's own patch means: do not trust this diff
        return False
    return _same(whole, desired) and _same(sent, desired)


def compute_plan(
    definitions: Definitions,
    tenant: Iterable[Mapping[str, Any]],
    *,
    id_map: Mapping[str, str] | None = None,
    prune: bool = False,
) -> Plan:
    """The plan from definitions (``{name: (file, details)}``) and the tenant's integrations (as JSON).

    Pure: no request is sent. ``id_map`` rewrites the definitions' reference ids first (see
    :mod:`sailpoint_sim.as_code._refs` for which fields are references).

    Raises:
        DuplicateNameError: two tenant integrations share a name.
        AsCodeError: ``prune`` with no definitions at all (it would delete every integration).
    """
    jsonpatch = jsonpatch_module()
    by_name, nameless = tenant_by_name(tenant)
    if prune and not definitions and by_name:
        # An empty folder is far more often a wrong path than a wish to delete everything.
        raise AsCodeError(
            f"no definitions, so prune would delete all {len(by_name)} integrations of the tenant; refused "
            "(check the folder; delete integrations one by one if that is really meant)"
        )
    creates: list[IntegrationPlan] = []
    updates: list[IntegrationPlan] = []
    deletes: list[IntegrationPlan] = []
    rest: list[IntegrationPlan] = []
    for name in sorted(set(definitions) | set(by_name)):
        integration = by_name.get(name)
        ident = None if integration is None else str(integration.get("id"))
        current = None
        if integration is not None:
            current = {key: value for key, value in integration.items() if key not in SERVER_ASSIGNED}
        if name not in definitions:
            assert current is not None
            if prune:
                deletes.append(
                    IntegrationPlan(
                        name, Action.DELETE, ident, current=current, writes=(Write(WriteKind.DELETE),)
                    )
                )
            else:
                rest.append(IntegrationPlan(name, Action.UNMANAGED, ident, current=current))
            continue
        file, details = definitions[name]
        refs: tuple[Reference, ...] = ()
        if id_map is not None:
            details, found = apply_id_map(details, id_map)
            refs = tuple(found)
        if current is None:
            creates.append(
                IntegrationPlan(
                    name,
                    Action.CREATE,
                    None,
                    file,
                    details,
                    writes=(Write(WriteKind.CREATE),),
                    changes=tuple(_field_changes({}, details, "")),
                    references=refs,
                )
            )
        elif _same(current, details):
            rest.append(
                IntegrationPlan(name, Action.UNCHANGED, ident, file, details, current, references=refs)
            )
        else:
            operations, writes = _update(jsonpatch, current, details)
            updates.append(
                IntegrationPlan(
                    name,
                    Action.UPDATE,
                    ident,
                    file,
                    details,
                    current,
                    tuple(operations),
                    tuple(writes),
                    tuple(_field_changes(current, details, "")),
                    refs,
                )
            )
    return Plan(
        tuple(creates + updates + deletes + rest),
        prune=prune,
        id_map=id_map is not None,
        nameless=tuple(sorted(nameless)),
    )


def resolve_id_map(id_map: str | os.PathLike[str] | Mapping[str, str] | None) -> dict[str, str] | None:
    """A checked id map from a file, a mapping, or None."""
    return None if id_map is None else load_id_map(id_map)
