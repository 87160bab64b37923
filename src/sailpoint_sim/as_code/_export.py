"""Export: the tenant's integrations as definitions (data, or one file each in a folder)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._errors import AsCodeError
from ._files import SERVER_ASSIGNED
from ._plan import tenant_by_name

__all__ = ["definitions_from"]


def definitions_from(integrations: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """``{name: details}`` for the tenant's integrations (models or JSON dicts), sorted by name.

    Details are what a create or update would send: ``id``, ``created`` and ``modified`` left out,
    every other field kept, undeclared ones included.

    Raises:
        DuplicateNameError: two integrations share a name (both ids listed).
        AsCodeError: an integration has no name (null), so no file can be matched to it.
    """
    data = [item.to_dict() if hasattr(item, "to_dict") else dict(item) for item in integrations]
    by_name, nameless = tenant_by_name(data)
    if nameless:
        raise AsCodeError(
            f"integration(s) {', '.join(sorted(nameless))} have no name; the name is the key that matches a "
            "file to an integration, so give each a unique name first"
        )
    return {
        name: {key: value for key, value in by_name[name].items() if key not in SERVER_ASSIGNED}
        for name in sorted(by_name)
    }
