"""JSON Patch (RFC 6902) operations for ``client.patch`` and ``client.patch_before_provisioning_rule``::

    from sailpoint_sim import patch
    client.patch(id, [patch.replace("/description", "New"), patch.remove("/cluster")])

Each builder checks its paths to be JSON Pointers (RFC 6901: "" or a string starting with "/", where "~"
appears only as "~0" or "~1") and its value to be JSON (``None`` is sent as ``null``) at once, raising
``InvalidRequestError``. ``PatchFormat`` chooses the body form on the wire (a client setting).
"""

from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from ._patch import PatchFormat
from ._patch import build_operation as _build

if _TYPE_CHECKING:
    from sailpoint_sim_client.models.json_patch_operation import JsonPatchOperation

__all__ = ["PatchFormat", "add", "copy", "move", "remove", "replace", "test"]


def add(path: str, value: _Any) -> "JsonPatchOperation":
    """``{"op": "add", "path": path, "value": value}``."""
    return _build("add", path, value=value)


def remove(path: str) -> "JsonPatchOperation":
    """``{"op": "remove", "path": path}``."""
    return _build("remove", path)


def replace(path: str, value: _Any) -> "JsonPatchOperation":
    """``{"op": "replace", "path": path, "value": value}``."""
    return _build("replace", path, value=value)


def move(from_: str, path: str) -> "JsonPatchOperation":
    """``{"op": "move", "from": from_, "path": path}``."""
    return _build("move", path, from_=from_)


def copy(from_: str, path: str) -> "JsonPatchOperation":
    """``{"op": "copy", "from": from_, "path": path}``."""
    return _build("copy", path, from_=from_)


def test(path: str, value: _Any) -> "JsonPatchOperation":
    """``{"op": "test", "path": path, "value": value}``."""
    return _build("test", path, value=value)


# pytest would otherwise try to collect `test` from modules that import it.
test.__test__ = False  # type: ignore[attr-defined]
