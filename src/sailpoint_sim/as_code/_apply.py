"""Applying a plan: the writes it lists, in order, stopping at the first failure, with a typed report.

The steps are written once, as a generator that yields the client calls it needs (sans I/O); a small
driver runs them on the sync client and another on the async one.

Guards against changes made on the tenant since the plan:

- updates carry JSON Patch ``test`` operations (see :mod:`._plan`): the service refuses them;
- creates: one list of the tenant right before the first create; a name taken since the plan is not
  created again (the API has no conditional create, so a create racing this check can still duplicate);
- deletes: a GET right before each DELETE; an integration that changed since the plan is not deleted
  (the API has no conditional delete either) and one already gone counts as deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, Literal

from .._errors import (
    APIConnectionError,
    BadRequestError,
    NotFoundError,
    SailPointError,
    UnreadableResponseError,
)
from ._errors import AsCodeError, UnmappedReferencesError
from ._files import SERVER_ASSIGNED
from ._plan import Action, IntegrationPlan, Plan, WriteKind, canonical
from ._render import shown

__all__ = ["ApplyReport", "Call", "ConflictError", "Outcome", "apply_steps", "run_async", "run_sync"]

Progress = Callable[[str], None]


class ConflictError(AsCodeError):
    """The tenant changed since the plan in a way apply would overwrite: that change was not made."""


@dataclass(frozen=True)
class Call:
    """One client call the apply steps need: the method's name and its arguments."""

    method: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Outcome:
    """What happened to one planned change.

    ``status`` is ``applied``, ``failed`` (``error`` says why; ``writes_done`` of the change's requests
    had succeeded before, e.g. 1 when the main PATCH went through and the rule PATCH failed) or
    ``not_applied`` (after a failure, nothing more is sent). ``id`` is the integration's id (a new one
    for a create that succeeded).
    """

    integration: IntegrationPlan
    status: Literal["applied", "failed", "not_applied"]
    id: str | None = None
    writes_done: int = 0
    error: SailPointError | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "name": self.integration.name,
            "action": str(self.integration.action),
            "status": self.status,
            "id": self.id,
            "writesDone": self.writes_done,
            "error": None if self.error is None else str(self.error),
        }


@dataclass(frozen=True)
class ApplyReport:
    """The result of apply: one outcome per planned change, in the plan's order."""

    outcomes: tuple[Outcome, ...]

    @property
    def applied(self) -> tuple[Outcome, ...]:
        """Changes fully applied."""
        return tuple(o for o in self.outcomes if o.status == "applied")

    @property
    def failed(self) -> Outcome | None:
        """The change that failed (apply stops there), or None."""
        return next((o for o in self.outcomes if o.status == "failed"), None)

    @property
    def not_applied(self) -> tuple[Outcome, ...]:
        """Changes not attempted because an earlier one failed."""
        return tuple(o for o in self.outcomes if o.status == "not_applied")

    @property
    def ok(self) -> bool:
        """Whether every planned change was applied."""
        return self.failed is None

    @property
    def error(self) -> SailPointError | None:
        """The failure's error, or None."""
        failed = self.failed
        return None if failed is None else failed.error

    @property
    def writes(self) -> int:
        """How many write requests succeeded."""
        return sum(o.writes_done for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "ok": self.ok,
            "applied": len(self.applied),
            "failed": 0 if self.ok else 1,
            "notApplied": len(self.not_applied),
            "writes": self.writes,
            "outcomes": [o.to_dict() for o in self.outcomes],
        }

    def render(self) -> str:
        """The report as text for people."""
        from ._render import render_report

        return render_report(self)


def _as_dict(integration: Any) -> dict[str, Any]:
    data: dict[str, Any] = integration.to_dict() if hasattr(integration, "to_dict") else dict(integration)
    return data


_DONE = {Action.CREATE: "created", Action.UPDATE: "updated", Action.DELETE: "deleted"}


def apply_steps(
    plan: Plan, *, keep_unmapped: bool = False, progress: Progress | None = None
) -> Generator[Call, Any, ApplyReport]:
    """The apply procedure, yielding each client call; client errors are thrown back into it."""
    if not isinstance(plan, Plan):
        raise AsCodeError(f"apply takes a Plan (from plan()), got {type(plan).__name__}")
    unmapped = plan.unmapped
    if unmapped and not keep_unmapped:
        listed = ", ".join(f"{shown(name)} {ref.path}={ref.id}" for name, ref in unmapped[:10])
        if len(unmapped) > 10:
            listed += f", and {len(unmapped) - 10} more"
        raise UnmappedReferencesError(len(unmapped), listed)
    say = progress or (lambda line: None)
    changes = plan.changes
    total = len(changes)
    outcomes: list[Outcome] = []
    stopped = False
    names_now: dict[str, str] | None = None
    for number, item in enumerate(changes, start=1):
        if stopped:
            outcomes.append(Outcome(item, "not_applied", item.id))
            continue
        ident = item.id
        done = 0
        try:
            if item.action == Action.CREATE:
                if names_now is None:
                    listed_now = yield Call("list", ())
                    names_now = {}
                    for found in map(_as_dict, listed_now):
                        if isinstance(found.get("name"), str):
                            names_now[found["name"]] = str(found.get("id"))
                if item.name in names_now:
                    raise ConflictError(
                        f"an integration named {shown(item.name)} (id {names_now[item.name]}) appeared on the "
                        "tenant since the plan; not created"
                    )
                created = yield Call("create", (item.details,))
                ident = str(_as_dict(created).get("id"))
                done = 1
            elif item.action == Action.UPDATE:
                assert ident is not None
                for write in item.writes:
                    method = "patch" if write.kind == WriteKind.PATCH else "patch_before_provisioning_rule"
                    yield Call(method, (ident, [dict(op) for op in write.operations]))
                    done += 1
            else:
                assert ident is not None
                try:
                    now = _as_dict((yield Call("get", (ident,))))
                except NotFoundError:
                    now = None
                if now is not None:
                    seen = {key: value for key, value in now.items() if key not in SERVER_ASSIGNED}
                    if canonical(seen) != canonical(item.current):
                        raise ConflictError(
                            f"{shown(item.name)} (id {ident}) changed on the tenant since the plan; not deleted"
                        )
                    yield Call("delete", (ident,))
                done = 1
        except SailPointError as exc:
            outcomes.append(Outcome(item, "failed", ident, done, exc))
            stopped = True
            hint = ""
            if isinstance(exc, BadRequestError) and item.action == Action.UPDATE:
                hint = " (if the tenant changed since the plan, its test operations refused the patch: plan again)"
            say(f"[{number}/{total}] FAILED to {item.action} {shown(item.name)}: {exc}{hint}")
            continue
        outcomes.append(Outcome(item, "applied", ident, done))
        detail = f": {len(item.changes)} field(s)" if item.action == Action.UPDATE else ""
        say(f"[{number}/{total}] {_DONE[item.action]} {shown(item.name)} (id {ident}){detail}")
    return ApplyReport(tuple(outcomes))


def run_sync(steps: Generator[Call, Any, Any], client: Any) -> Any:
    """Drive steps with a sync client; its typed errors are thrown back into the steps."""
    value: Any = None
    error: SailPointError | None = None
    while True:
        try:
            call = steps.throw(error) if error is not None else steps.send(value)
        except StopIteration as stop:
            return stop.value
        try:
            value, error = getattr(client, call.method)(*call.args), None
        except SailPointError as exc:
            value, error = None, exc


async def run_async(steps: Generator[Call, Any, Any], client: Any) -> Any:
    """Drive steps with an async client (same steps, the calls awaited)."""
    value: Any = None
    error: SailPointError | None = None
    while True:
        try:
            call = steps.throw(error) if error is not None else steps.send(value)
        except StopIteration as stop:
            return stop.value
        try:
            value, error = await getattr(client, call.method)(*call.args), None
        except SailPointError as exc:
            value, error = None, exc


def exit_code_for(error: SailPointError | None) -> int:
    """The CLI exit code for an apply that stopped at ``error`` (0 when it did not stop)."""
    if error is None:
        return 0
    if isinstance(error, APIConnectionError | UnreadableResponseError):
        return 4
    if isinstance(error, ConflictError):
        return 3
    if isinstance(error, AsCodeError):
        return 2
    return 3
