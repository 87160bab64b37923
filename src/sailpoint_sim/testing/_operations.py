"""The seven SIM Integrations operations of the fake service, one handler each, and the table naming them.

A handler gets a :class:`Call` (the request, its id, a tracking id and the store) once the service has
routed, authenticated and authorized it, and returns the reply or raises
:class:`~._replies.Refusal`. For bodies, the order of checks mirrors a Spring service: the body is
required (400), then its content type (415), then its content against the schema (400); then the id is
looked up (404); then, for PATCH, the RFC 6902 rules the schema cannot express and the application of
the patch (400).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import _replies, _validate
from ._model import Reply, Request
from ._replies import Refusal
from ._store import Store, Write

PATCH_MEDIA = "application/json-patch+json"


@dataclass(frozen=True)
class Call:
    """One routed, authorized API request, as its handler sees it."""

    request: Request
    path: str
    operation: str
    ident: str
    tracking: str
    store: Store
    delete_status: int

    @property
    def write(self) -> Write:
        """How the write log names this request."""
        return Write(self.request.method.upper(), self.path, self.operation)

    def refuse(self, status: int, *texts: str) -> Refusal:
        """A refusal with SailPoint's error body; control characters a client sent (in an id, a field
        name) are shown escaped, so each message stays one readable line."""
        return Refusal(_replies.error(status, self.tracking, *map(printable, texts)))

    def not_found(self) -> Refusal:
        """The 404 for this request's id."""
        return self.refuse(404, f"The SIM integration with id {self.ident} was not found.")


Handler = Callable[[Call], Reply]


def printable(text: str) -> str:
    """``text`` with control and other unprintable characters escaped (``\\x00``, ``\\n``), so that a
    message stays one readable line whatever id a client sent."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def list_integrations(call: Call) -> Reply:
    """``getSIMIntegrations``."""
    return _replies.ok(call.store.listing(), call.tracking)


def get_integration(call: Call) -> Reply:
    """``getSIMIntegration``."""
    entry = call.store.get(call.ident)
    if entry is None:
        raise call.not_found()
    return _replies.ok(entry.raw, call.tracking)


def create_integration(call: Call) -> Reply:
    """``createSIMIntegration``."""
    body = _integration_body(call)
    entry = call.store.create(body, call.write)
    return _replies.ok(entry.raw, call.tracking)


def put_integration(call: Call) -> Reply:
    """``putSIMIntegration``."""
    body = _integration_body(call)
    entry = call.store.update(call.ident, lambda old: body, call.write, body)
    if entry is None:
        raise call.not_found()
    return _replies.ok(entry.raw, call.tracking)


def delete_integration(call: Call) -> Reply:
    """``deleteSIMIntegration``: ``delete_status`` with an empty body."""
    if not call.store.delete(call.ident, call.write):
        raise call.not_found()
    return Reply(call.delete_status, [("SLPT-Request-ID", call.tracking)], b"")


def patch_attributes(call: Call) -> Reply:
    """``patchSIMAttributes``: JSON Patch on the whole integration; ``id`` and ``created`` stay."""

    def change(old: dict[str, Any]) -> dict[str, Any]:
        new = _apply(call, old, ops, where)
        if not isinstance(new, dict):
            raise call.refuse(400, "body: the patched SIM integration must be a JSON object")
        for field in ("id", "created"):
            if new.get(field) != old[field]:
                raise call.refuse(400, f"{field}: is read-only")
        _refuse_problems(call, _validate.integration_problems(new))
        return new

    body, ops, where = _patch_body(call)
    entry = call.store.update(call.ident, change, call.write, body)
    if entry is None:
        raise call.not_found()
    return _replies.ok(entry.raw, call.tracking)


def patch_rule(call: Call) -> Reply:
    """``patchBeforeProvisioningRule``: JSON Patch on the rule object (paths such as ``/id``, ``/name``)."""

    def change(old: dict[str, Any]) -> dict[str, Any]:
        rule = _apply(call, old.get("beforeProvisioningRule") or {}, ops, where)
        _refuse_problems(call, _validate.rule_problems(rule))
        return {**old, "beforeProvisioningRule": rule}

    body, ops, where = _patch_body(call)
    entry = call.store.update(call.ident, change, call.write, body)
    if entry is None:
        raise call.not_found()
    return _replies.ok(entry.raw, call.tracking)


HANDLERS: dict[str, Handler] = {
    "getSIMIntegrations": list_integrations,
    "getSIMIntegration": get_integration,
    "createSIMIntegration": create_integration,
    "putSIMIntegration": put_integration,
    "deleteSIMIntegration": delete_integration,
    "patchSIMAttributes": patch_attributes,
    "patchBeforeProvisioningRule": patch_rule,
}
"""operationId -> handler: the dispatch table."""


# ---------------------------------------------------------------------- bodies


def _refuse_problems(call: Call, problems: list[str]) -> None:
    if problems:
        raise call.refuse(400, *problems)


def _integration_body(call: Call) -> dict[str, Any]:
    body = _json_body(call, patch=False)
    _refuse_problems(call, _validate.integration_problems(body))
    return body  # type: ignore[no-any-return]  # integration_problems checked it is an object


def _patch_body(call: Call) -> tuple[Any, list[dict[str, Any]], str]:
    """The body, its operations (schema-valid) and how messages name them."""
    body = _json_body(call, patch=True)
    ops, problems = _validate.patch_operations(body)
    _refuse_problems(call, problems)
    return body, ops, "operations" if isinstance(body, dict) else "body"


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON (and SailPoint's Jackson) does not.
    raise ValueError(f"{name} is not valid JSON")


def _json_body(call: Call, *, patch: bool) -> Any:
    request = call.request
    if not request.body.strip():
        # Checked before the content type: a missing body is what a client most likely got wrong.
        raise call.refuse(400, "body: is required")
    content_type = request.headers.get("content-type", "")
    media = content_type.partition(";")[0].strip().lower()
    if patch:
        ok = media == PATCH_MEDIA
        wanted = PATCH_MEDIA
    else:
        ok = media == _replies.JSON or (media.startswith("application/") and media.endswith("+json"))
        wanted = _replies.JSON
    if not ok:
        raise call.refuse(415, f"Content-Type {content_type or '(none)'} is not supported; use {wanted}.")
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise call.refuse(400, "body: is not UTF-8 text") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        # json.JSONDecodeError's message names line and column but not the data.
        raise call.refuse(400, f"body: is not valid JSON ({exc})") from None


# ---------------------------------------------------------------------- JSON Patch


def _apply(call: Call, doc: Any, ops: list[dict[str, Any]], where: str) -> Any:
    """``doc`` with ``ops`` applied (a new object), or a 400 naming the operation that cannot apply.

    Like a real service, what the schema cannot say (pointer syntax, ``from`` and ``value`` present) is
    found here, after the id was looked up.
    """
    import jsonpatch

    _refuse_problems(call, _validate.patch_semantic_problems(ops, where))
    for index, op in enumerate(ops):
        try:
            doc = jsonpatch.apply_patch(doc, [op], in_place=False)
        except jsonpatch.JsonPatchTestFailed:
            at = f"the value at {op['path']}" if op["path"] else "the document"
            raise call.refuse(400, f"{where}[{index}]: test failed: {at} is not the tested value") from None
        except Exception:
            # jsonpatch's own messages hold Python reprs of the document; say what failed instead.
            raise call.refuse(400, f"{where}[{index}]: {_why_not(doc, op)}") from None
    return doc


def _why_not(doc: Any, op: dict[str, Any]) -> str:
    """Why ``op`` cannot apply to ``doc``, in the words of the operation."""
    import jsonpointer

    name = op["op"]
    missing = object()

    def exists(pointer: str) -> bool:
        try:
            return jsonpointer.resolve_pointer(doc, pointer, missing) is not missing
        except Exception:  # a pointer through a scalar, a bad array index
            return False

    if name in ("move", "copy") and not exists(op["from"]):
        return f"cannot {name} from {op['from']}: there is no value there"
    path = op["path"]
    if name in ("remove", "replace") and not exists(path):
        return f"cannot {name} {path}: there is no value there"
    if name == "move" and (path + "/").startswith(op["from"] + "/"):
        return f"cannot move {op['from']} into itself ({path})"
    parent = path.rpartition("/")[0]
    return f"cannot {name} {path}: {parent or 'the document'} cannot hold it"
