"""Routing of the fake service: which operation a method and path name, in which path layout.

SailPoint serves the same seven operations under two path layouts: the year-versioned
``/v2025/sim-integrations[/{id}[/beforeProvisioningRule]]`` and the per-resource
``/sim-integrations/v1[/{id}[/beforeProvisioningRule]]``. The layout names are the values of
``sailpoint_sim.Layout`` (``"v2025"``, ``"per-resource"``); plain strings are accepted so that this
module needs nothing from the client side.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

LAYOUT_V2025 = "v2025"
LAYOUT_PER_RESOURCE = "per-resource"

# layout -> the two path segments in front of the collection
LAYOUT_PREFIXES: dict[str, tuple[str, str]] = {
    LAYOUT_V2025: ("v2025", "sim-integrations"),
    LAYOUT_PER_RESOURCE: ("sim-integrations", "v1"),
}
ALL_LAYOUTS: frozenset[str] = frozenset(LAYOUT_PREFIXES)

TOKEN = "token"
"""The operation name of ``POST /oauth/token`` (faults and recordings use it beside the operationIds)."""

# (method, route shape) -> operationId. Shapes: "collection", "item", "rule".
_OPERATIONS = {
    ("GET", "collection"): "getSIMIntegrations",
    ("POST", "collection"): "createSIMIntegration",
    ("GET", "item"): "getSIMIntegration",
    ("PUT", "item"): "putSIMIntegration",
    ("DELETE", "item"): "deleteSIMIntegration",
    ("PATCH", "item"): "patchSIMAttributes",
    ("PATCH", "rule"): "patchBeforeProvisioningRule",
}
_ALLOWED = {"collection": "GET, POST", "item": "GET, PUT, DELETE, PATCH", "rule": "PATCH"}

API_OPERATIONS: frozenset[str] = frozenset(_OPERATIONS.values())
READ_OPERATIONS: frozenset[str] = frozenset({"getSIMIntegrations", "getSIMIntegration"})

RouteKind = Literal["operation", "admin", "unknown", "wrong_method"]


@dataclass(frozen=True)
class Route:
    """Where a request goes.

    ``kind`` is ``"operation"`` (``operation`` is an operationId or ``"token"``), ``"admin"`` (``admin`` is
    the path after ``/__fake__/``), ``"unknown"`` (404) or ``"wrong_method"`` (405; ``allow`` lists the
    methods the path takes). ``ident`` is the integration id, percent-decoded; ``layout`` the path layout.
    """

    kind: RouteKind
    operation: str | None = None
    ident: str = ""
    layout: str | None = None
    allow: str = ""
    admin: str = ""


UNKNOWN = Route("unknown")


def layouts_from(values: Iterable[str]) -> frozenset[str]:
    """The layout names in ``values`` (``sailpoint_sim.Layout`` members or their string values)."""
    if isinstance(values, str):
        values = (values,)
    chosen = frozenset(str(getattr(value, "value", value)) for value in values)
    unknown = sorted(chosen - ALL_LAYOUTS)
    if unknown:
        raise ValueError(f"unknown layout {unknown[0]!r}; expected some of {sorted(ALL_LAYOUTS)}")
    if not chosen:
        raise ValueError(f"layouts must name at least one of {sorted(ALL_LAYOUTS)}")
    return chosen


def route(method: str, path: str, layouts: frozenset[str] = ALL_LAYOUTS) -> Route:
    """The route of ``method`` (upper case) on ``path`` (no query). A layout not in ``layouts`` is unknown.

    Segments are split before percent-decoding, so an id holding ``%2F`` stays one segment.
    """
    parts = path.split("/")[1:]
    if parts[:1] == ["__fake__"]:
        return Route("admin", admin="/".join(parts[1:]))
    if parts == ["oauth", "token"]:
        if method != "POST":
            return Route("wrong_method", allow="POST")
        return Route("operation", TOKEN)
    for layout, prefix in LAYOUT_PREFIXES.items():
        if tuple(parts[:2]) != prefix:
            continue
        if layout not in layouts:
            return UNKNOWN
        rest = parts[2:]
        if not rest:
            shape, ident = "collection", ""
        elif len(rest) == 1 and rest[0]:
            shape, ident = "item", unquote(rest[0], errors="replace")
        elif len(rest) == 2 and rest[0] and rest[1] == "beforeProvisioningRule":
            shape, ident = "rule", unquote(rest[0], errors="replace")
        else:
            return UNKNOWN
        operation = _OPERATIONS.get((method, shape))
        if operation is None:
            return Route("wrong_method", ident=ident, layout=layout, allow=_ALLOWED[shape])
        return Route("operation", operation, ident, layout)
    return UNKNOWN
