"""Reference ids in a definition, and rewriting them with an id map for promotion between tenants.

A definition refers to other objects of its tenant by id: the virtual-appliance cluster, sources, the
owner, the before-provisioning rule. Those ids differ between a sandbox and a production tenant, so
promoting a definition means replacing each of them with its counterpart. These are the reference ids
(``REFERENCE_FIELDS`` says the same for the documentation):

- ``cluster`` (a string);
- every item of ``sources`` and ``managedSources`` (lists of strings);
- the ``id`` of every reference object: ``ownerRef``, ``clusterRef``, ``beforeProvisioningRule``, each
  item of ``provisioningConfig.managedResourceRefs``, and any other object that has both a string
  ``id`` and a ``type`` (SailPoint's reference shape ``{"type", "id", "name"}``), at any depth, so a
  reference SailPoint adds later is covered too;
- never anything inside ``attributes``, ``statusMap`` or ``request``: they are ServiceNow settings,
  free-form, and their values are not SailPoint ids.

A reference's ``name`` is left as it is: SailPoint resolves references by id.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._errors import DefinitionFileError, IdMapError

__all__ = ["REFERENCE_FIELDS", "Reference", "apply_id_map", "load_id_map", "references"]

REFERENCE_FIELDS = (
    "cluster",
    "sources[]",
    "managedSources[]",
    "ownerRef.id",
    "clusterRef.id",
    "beforeProvisioningRule.id",
    "provisioningConfig.managedResourceRefs[].id",
    "any other object with a string id and a type: its id (outside attributes, statusMap, request)",
)
_STRING_FIELDS = ("cluster",)
_STRING_LIST_FIELDS = ("sources", "managedSources")
_REFERENCE_OBJECTS = ("ownerRef", "clusterRef", "beforeProvisioningRule")
_SETTINGS = frozenset({"attributes", "statusMap", "request"})


@dataclass(frozen=True)
class Reference:
    """One reference id of a definition: where (a JSON Pointer), the id, and what the map made of it.

    ``mapped_to`` is the id it was rewritten to, or None when the map does not cover it.
    """

    path: str
    id: str
    mapped_to: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {"path": self.path, "id": self.id, "mappedTo": self.mapped_to}


def _pointer(*parts: str | int) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _object_refs(
    value: Any, parts: tuple[str | int, ...], known: bool
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(path of the id, container) for the reference objects at or below value."""
    if isinstance(value, dict):
        if isinstance(value.get("id"), str) and (known or "type" in value):
            yield (*parts, "id"), value
        for key, item in value.items():
            if key == "id":
                continue
            yield from _object_refs(item, (*parts, key), False)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _object_refs(item, (*parts, index), False)


def _locations(details: Mapping[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any, str | int]]:
    """(path, container, key) of every reference id in a definition."""
    for field in _STRING_FIELDS:
        if isinstance(details.get(field), str):
            yield (field,), details, field
    for field in _STRING_LIST_FIELDS:
        items = details.get(field)
        if isinstance(items, list):
            for index, item in enumerate(items):
                if isinstance(item, str):
                    yield (field, index), items, index
    for field, value in details.items():
        if field in _SETTINGS or field in _STRING_FIELDS or field in _STRING_LIST_FIELDS:
            continue
        known = field in _REFERENCE_OBJECTS
        if field == "provisioningConfig" and isinstance(value, dict):
            refs = value.get("managedResourceRefs")
            for index, item in enumerate(refs if isinstance(refs, list) else []):
                for parts, container in _object_refs(item, (field, "managedResourceRefs", index), True):
                    yield parts, container, "id"
            for key, item in value.items():
                if key != "managedResourceRefs":
                    for parts, container in _object_refs(item, (field, key), False):
                        yield parts, container, "id"
            continue
        for parts, container in _object_refs(value, (field,), known):
            yield parts, container, "id"


def references(details: Mapping[str, Any]) -> list[Reference]:
    """Every reference id of a definition, in a fixed order."""
    return [Reference(_pointer(*parts), container[key]) for parts, container, key in _locations(details)]


def apply_id_map(
    details: Mapping[str, Any], id_map: Mapping[str, str]
) -> tuple[dict[str, Any], list[Reference]]:
    """A copy of ``details`` with every reference id rewritten by ``id_map``, and the references.

    An id that is a key of the map is replaced by its value; an id that is already one of the map's
    values (a target-tenant id) is left alone and counts as covered; any other id is left alone and
    reported with ``mapped_to=None``.
    """
    result = copy.deepcopy(dict(details))
    targets = set(id_map.values())
    found: list[Reference] = []
    for parts, container, key in list(_locations(result)):
        old = container[key]
        if old in id_map:
            container[key] = id_map[old]
            found.append(Reference(_pointer(*parts), old, id_map[old]))
        elif old in targets:
            found.append(Reference(_pointer(*parts), old, old))
        else:
            found.append(Reference(_pointer(*parts), old, None))
    return result, found


def load_id_map(source: str | os.PathLike[str] | Mapping[str, str]) -> dict[str, str]:
    """An id map from a JSON file (``{"sandbox id": "production id", ...}``) or a mapping, checked.

    Raises:
        IdMapError: not an object of non-empty strings, or a key given twice.
    """
    from ._files import load_json

    if isinstance(source, Mapping):
        value: Any = dict(source)
        where = "the id map"
    else:
        where = f"id map {source}"
        try:
            value = load_json(Path(source), str(source))
        except DefinitionFileError as exc:
            raise IdMapError(f"{where} {exc.problem}") from None
    if not isinstance(value, dict):
        raise IdMapError(f'{where} must be a JSON object {{"sandbox id": "production id", ...}}')
    for key, target in value.items():
        if not isinstance(key, str) or not key or not isinstance(target, str) or not target:
            raise IdMapError(f"{where}: {key!r} -> {target!r} is not a pair of non-empty id strings")
    return dict(value)
