"""Property: whatever a tenant holds and a file says, apply makes the tenant hold exactly the file.

Random pairs of integrations (declared fields with valid types, the rule, nested settings, undeclared
fields of any JSON) are stored in the fake; the plan is applied through the real client; the result must
equal the definition, and a second plan must find nothing to change.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sailpoint_sim.as_code import Action, WriteKind, compute_plan
from sailpoint_sim.testing import FakeSimService

from .conftest import client_for

text = st.text(max_size=8)
scalars = st.none() | st.booleans() | st.integers(-(2**31), 2**31 - 1) | text
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
rules = st.fixed_dictionaries(
    {}, optional={"type": st.sampled_from(["RULE", "IDENTITY"]), "id": text, "name": text}
)
declared = {
    "description": text,
    "type": text,
    "cluster": text,
    "sources": st.lists(text, max_size=3),
    "attributes": st.none() | st.dictionaries(text, json_values, max_size=3),
    "statusMap": st.dictionaries(text, text, max_size=3),
    "beforeProvisioningRule": rules,
    "ownerRef": st.fixed_dictionaries({"type": st.just("IDENTITY"), "id": text}),
}


@st.composite
def integrations(draw: st.DrawFn) -> dict[str, Any]:
    body = draw(st.fixed_dictionaries({}, optional=declared))
    extra = draw(st.dictionaries(st.sampled_from(["x-a", "x-b", "x/c~d"]), json_values, max_size=2))
    return {"name": "Desk", **body, **extra}


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(current=integrations(), desired=integrations())
def test_apply_makes_the_tenant_hold_exactly_the_definition(
    current: dict[str, Any], desired: dict[str, Any]
) -> None:
    fake = FakeSimService()
    ident = fake.add_integration(current)["id"]
    with client_for(fake) as client:
        plan = client.plan({"Desk": desired})
        [item] = plan.integrations
        report = client.apply(plan)
        assert report.ok, report.error
        held = {k: v for k, v in fake.integrations[ident].items() if k not in ("id", "created", "modified")}
        assert held == desired
        assert not client.plan({"Desk": desired}).has_changes
    if item.action == Action.UNCHANGED:
        assert fake.writes == []
    else:
        # Only what changed is sent, and every changed field that existed is guarded by a test.
        sent = [op for write in item.writes for op in write.operations]
        for change in item.changes:
            field = change.path.split("/")[1]
            if field in current and not (
                field == "beforeProvisioningRule" and isinstance(desired.get(field), dict)
            ):
                assert {"op": "test", "path": "/" + field, "value": current[field]} in sent
        rule_writes = [w for w in item.writes if w.kind == WriteKind.PATCH_RULE]
        assert all(
            not op["path"].startswith("/beforeProvisioningRule") for w in rule_writes for op in w.operations
        )


def test_the_plan_is_pure_and_never_moves_values_across_fields() -> None:
    current = {"name": "Desk", "a": {"k": 1}}
    desired = {"name": "Desk", "b": {"k": 1}}
    plan = compute_plan({"Desk": (None, desired)}, [{"id": "1", **current}])
    [item] = plan.integrations
    assert list(item.operations) == [
        {"op": "remove", "path": "/a"},
        {"op": "add", "path": "/b", "value": {"k": 1}},
    ]


def test_a_diff_the_checks_reject_falls_back_to_whole_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    import jsonpatch

    wrong = SimpleNamespace(patch=[{"op": "replace", "path": "", "value": "not what was asked"}])
    monkeypatch.setattr(jsonpatch, "make_patch", lambda src, dst: wrong)
    fake = FakeSimService()
    current = {
        "name": "Desk",
        "attributes": {"url": "a", "user": "b"},
        "beforeProvisioningRule": {"name": "r"},
    }
    desired = {
        "name": "Desk",
        "attributes": {"url": "c", "user": "b"},
        "beforeProvisioningRule": {"name": "s"},
    }
    ident = fake.add_integration(current)["id"]
    with client_for(fake) as client:
        plan = client.plan({"Desk": desired})
        [item] = plan.integrations
        assert [write.kind for write in item.writes] == [WriteKind.PATCH]
        assert list(item.writes[0].operations) == [
            {"op": "test", "path": "/attributes", "value": current["attributes"]},
            {"op": "test", "path": "/beforeProvisioningRule", "value": current["beforeProvisioningRule"]},
            {"op": "replace", "path": "/attributes", "value": desired["attributes"]},
            {"op": "replace", "path": "/beforeProvisioningRule", "value": desired["beforeProvisioningRule"]},
        ]
        assert client.apply(plan).ok
    assert {k: v for k, v in fake.integrations[ident].items() if k in desired} == desired


def test_names_and_values_cannot_move_the_terminal_cursor() -> None:
    evil = "Desk\x1b[2J\r\nforged line"
    plan = compute_plan({evil: (None, {"name": evil, "description": "\x1b[31mred"})}, [])
    text = plan.render()
    assert "\x1b" not in text and "\r" not in text
    assert text.count("\n") == len(text.splitlines())  # every line break is the renderer's own
    assert '"Desk\\u001b[2J\\r\\nforged line"' in text
