"""Plans and apply reports as text for people (the CLI prints these; ``--json`` prints the data).

Names and values are written as JSON (quoted, control characters escaped), so nothing a tenant or a
file holds can break a line or move the terminal's cursor.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._apply import ApplyReport
    from ._plan import FieldChange, IntegrationPlan, Plan

__all__ = ["render_plan", "render_report", "shown"]

_MARKS = {"create": "+", "update": "~", "delete": "-", "unchanged": "=", "unmanaged": "?"}


def shown(value: Any) -> str:
    """A value as one line of JSON."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _where(item: IntegrationPlan) -> str:
    parts = []
    if item.id is not None:
        parts.append(f"id {item.id}")
    if item.file is not None:
        parts.append(f"file {item.file}")
    return f" ({', '.join(parts)})" if parts else ""


def _change_line(change: FieldChange) -> str:
    if change.kind == "added":
        return f"      + {change.path}: {shown(change.after)}"
    if change.kind == "removed":
        return f"      - {change.path}: {shown(change.before)}"
    return f"      ~ {change.path}: {shown(change.before)} -> {shown(change.after)}"


def render_plan(plan: Plan) -> str:
    """The plan as text: one block per integration that changes, one line per one that does not."""
    lines: list[str] = []
    for item in plan.integrations:
        action = str(item.action)
        head = f"  {_MARKS[action]} {action} {shown(item.name)}{_where(item)}"
        if item.action == "unmanaged":
            head += ": not in the definitions; left alone (--prune deletes it)"
        lines.append(head)
        if item.action in ("create", "update"):
            lines += [_change_line(change) for change in item.changes]
            rewritten: dict[tuple[str, str], list[str]] = {}
            for ref in item.references:
                if ref.mapped_to is not None and ref.mapped_to != ref.id:
                    rewritten.setdefault((ref.id, ref.mapped_to), []).append(ref.path)
            lines += [
                f"      (map) {old} -> {new}: {', '.join(paths)}" for (old, new), paths in rewritten.items()
            ]
    for ident in plan.nameless:
        lines.append(f"  ! integration {ident} has no name: it cannot be matched and is left alone")
    if plan.unmapped:
        lines.append("")
        lines.append("Reference ids the id map does not cover (apply refuses them without --keep-unmapped):")
        lines += [f"  {shown(name)} {ref.path}: {ref.id}" for name, ref in plan.unmapped]
    counts = plan.summary()
    lines.append("")
    if plan.has_changes:
        lines.append(
            f"Plan: {counts['create']} to create, {counts['update']} to update, {counts['delete']} to delete; "
            f"{counts['unchanged']} unchanged."
        )
    else:
        lines.append(f"No changes: {counts['unchanged']} unchanged.")
    if counts["unmanaged"]:
        lines.append(
            f"{counts['unmanaged']} on the tenant but not in the definitions (--prune deletes them)."
        )
    return "\n".join(lines) + "\n"


def render_report(report: ApplyReport) -> str:
    """The apply report as text: what was applied, what failed and why, what was not applied."""
    lines = []
    for outcome in report.outcomes:
        item = outcome.integration
        line = f"  {outcome.status.replace('_', ' ')}: {item.action} {shown(item.name)}"
        if outcome.id is not None:
            line += f" (id {outcome.id})"
        if outcome.status == "failed":
            if outcome.writes_done:
                line += (
                    f" after {outcome.writes_done} of {len(item.writes)} requests (run apply again to finish)"
                )
            line += f": {outcome.error}"
        lines.append(line)
    applied = len(report.applied)
    if report.ok:
        lines.append(f"Applied {applied} change(s).")
    else:
        lines.append(
            f"Stopped at the first failure: {applied} applied, 1 failed, {len(report.not_applied)} not applied. "
            "Run plan and apply again to finish."
        )
    return "\n".join(lines) + "\n"
