"""Export, edit, plan, apply against the fake service, through the library (sync and async clients)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from sailpoint_sim import AsyncSimIntegrationsClient, BadRequestError, ServerError, SimIntegrationsClient
from sailpoint_sim.as_code import (
    Action,
    AsCodeError,
    ConflictError,
    DuplicateNameError,
    UnmappedReferencesError,
    WriteKind,
    dumps_definition,
)
from sailpoint_sim.testing import FakeSimService

from .conftest import client_for, integration


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def edit(folder: Path, file: str, change: Any) -> dict[str, Any]:
    path = folder / file
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    # Written the way a person's editor might: other key order, other indent, no trailing newline.
    path.write_text(json.dumps(data, indent=4, sort_keys=True), encoding="utf-8")
    return data


def stored(fake: FakeSimService) -> dict[str, dict[str, Any]]:
    """The fake's integrations by name, without server-assigned fields."""
    return {
        doc["name"]: {k: v for k, v in doc.items() if k not in ("id", "created", "modified")}
        for doc in fake.integrations.values()
    }


def test_export_edit_plan_apply_and_export_again(
    fake: FakeSimService, client: SimIntegrationsClient, tmp_path: Path
) -> None:
    for name in ("HR desk", "IT desk", "Finance desk"):
        fake.add_integration(integration(name))
    first, second = tmp_path / "first", tmp_path / "second"
    result = client.export(first)
    assert sorted(result.files.values()) == ["Finance desk.json", "HR desk.json", "IT desk.json"]
    assert client.export(second).written == result.written
    assert files_of(first) == files_of(second)  # byte-identical
    text = (first / "HR desk.json").read_text(encoding="utf-8")
    assert text.startswith('{\n  "name": "HR desk",\n  "description"') and text.endswith("}\n")
    assert '"id"' not in text.split('"attributes"')[0]  # no server-assigned id (only attributes.id)
    assert '"created"' not in text and '"modified"' not in text
    assert '"x-undeclared"' in text  # undeclared fields are kept

    edited = {
        "HR desk.json": edit(
            first, "HR desk.json", lambda d: d.update(description="Tickets for HR, reviewed")
        ),
        "IT desk.json": edit(
            first,
            "IT desk.json",
            lambda d: (
                d["attributes"].update(url="https://it.service-now.com"),
                d["beforeProvisioningRule"].update(name="IT rule"),
                d.pop("cluster"),
                d["sources"].append("another-source"),
            ),
        ),
    }
    (first / "New desk.json").write_text(json.dumps(integration("New desk")), encoding="utf-8")
    edited["New desk.json"] = integration("New desk")

    plan = client.plan(first)
    actions = {item.name: item.action for item in plan.integrations}
    assert actions == {
        "New desk": Action.CREATE,
        "HR desk": Action.UPDATE,
        "IT desk": Action.UPDATE,
        "Finance desk": Action.UNCHANGED,
    }
    assert [item.name for item in plan.changes] == ["New desk", "HR desk", "IT desk"]  # creates first
    it = next(item for item in plan.integrations if item.name == "IT desk")
    assert {change.path: change.kind for change in it.changes} == {
        "/attributes/url": "changed",
        "/beforeProvisioningRule/name": "changed",
        "/cluster": "removed",
        "/sources": "changed",
    }
    # The rule goes through its own endpoint, paths relative to the rule, guarded by a test.
    assert [write.kind for write in it.writes] == [WriteKind.PATCH, WriteKind.PATCH_RULE]
    assert list(it.writes[1].operations) == [
        {"op": "test", "path": "/name", "value": "Before Provisioning"},
        {"op": "replace", "path": "/name", "value": "IT rule"},
    ]
    main_ops = list(it.writes[0].operations)
    assert [op["op"] for op in main_ops[:3]] == ["test", "test", "test"]
    assert {op["path"] for op in main_ops if op["op"] != "test"} == {
        "/attributes/url",
        "/cluster",
        "/sources/2",
    }

    before = len(fake.writes)
    lines: list[str] = []
    report = client.apply(plan, progress=lines.append)
    assert report.ok and len(report.applied) == 3 and report.writes == 4
    assert [w.operation for w in fake.writes[before:]] == [
        "createSIMIntegration",
        "patchSIMAttributes",
        "patchSIMAttributes",
        "patchBeforeProvisioningRule",
    ]
    assert len(lines) == 3 and lines[0].startswith('[1/3] created "New desk" (id ')

    third = tmp_path / "third"
    client.export(third)
    assert {file: json.loads(data) for file, data in files_of(third).items()} == {
        **edited,
        "Finance desk.json": json.loads((second / "Finance desk.json").read_bytes()),
    }
    # Exporting over the edited folder rewrites the files in the canonical form, nothing else.
    rewritten = client.export(first)
    assert sorted(rewritten.written) == ["HR desk.json", "IT desk.json", "New desk.json"]
    assert files_of(first) == files_of(third)
    assert (first / "New desk.json").read_text(encoding="utf-8") == dumps_definition(integration("New desk"))

    # A second apply with nothing changed sends no write at all.
    writes = len(fake.writes)
    again = client.plan(first)
    assert not again.has_changes
    assert client.apply(again).ok
    assert len(fake.writes) == writes


def test_a_change_on_the_tenant_since_the_plan_is_refused_not_overwritten(
    fake: FakeSimService, client: SimIntegrationsClient, tmp_path: Path
) -> None:
    ident = fake.add_integration(integration("HR desk"))["id"]
    client.export(tmp_path)
    edit(tmp_path, "HR desk.json", lambda d: d.update(description="mine"))
    plan = client.plan(tmp_path)
    client.patch(ident, [{"op": "replace", "path": "/description", "value": "theirs"}])  # someone else
    writes = len(fake.writes)
    report = client.apply(plan)
    assert not report.ok and report.failed is not None and report.failed.integration.name == "HR desk"
    assert isinstance(report.error, BadRequestError)
    assert "test failed: the value at /description is not the tested value" in str(report.error)
    assert len(fake.writes) == writes
    assert fake.integrations[ident]["description"] == "theirs"
    # The request the server refused did carry the guard.
    body = json.loads(fake.requests[-1].body)
    assert body["operations"][0] == {"op": "test", "path": "/description", "value": "Tickets for HR desk"}


def test_a_rule_changed_since_the_plan_is_refused_on_the_rule_endpoint(
    fake: FakeSimService, client: SimIntegrationsClient, tmp_path: Path
) -> None:
    ident = fake.add_integration(integration("HR desk"))["id"]
    client.export(tmp_path)
    edit(tmp_path, "HR desk.json", lambda d: d["beforeProvisioningRule"].update(name="mine"))
    plan = client.plan(tmp_path)
    client.patch_before_provisioning_rule(ident, [{"op": "replace", "path": "/name", "value": "theirs"}])
    report = client.apply(plan)
    assert isinstance(report.error, BadRequestError)
    assert fake.integrations[ident]["beforeProvisioningRule"]["name"] == "theirs"


def test_a_failure_on_the_second_of_three_writes_is_reported_and_a_rerun_finishes(
    fake: FakeSimService, client: SimIntegrationsClient, tmp_path: Path
) -> None:
    ids = {name: fake.add_integration(integration(name))["id"] for name in ("A", "B", "C")}
    client.export(tmp_path)
    for name in ids:
        edit(tmp_path, f"{name}.json", lambda d: d.update(description="reviewed"))
    plan = client.plan(tmp_path)
    assert [item.name for item in plan.changes] == ["A", "B", "C"]
    fake.inject(status=500, method="PATCH", path=f"/v2025/sim-integrations/{ids['B']}")
    lines: list[str] = []
    report = client.apply(plan, progress=lines.append)
    assert [o.integration.name for o in report.applied] == ["A"]
    assert report.failed is not None and report.failed.integration.name == "B"
    assert isinstance(report.error, ServerError)
    assert [o.integration.name for o in report.not_applied] == ["C"]
    assert report.to_dict()["outcomes"][1]["status"] == "failed"
    statuses = [line.split(": update ")[0].strip() for line in report.render().splitlines()[:3]]
    assert statuses == ["applied", "failed", "not applied"]
    assert lines[1].startswith('[2/3] FAILED to update "B"') and len(lines) == 2
    assert {name: doc["description"] for name, doc in stored(fake).items()} == {
        "A": "reviewed",
        "B": "Tickets for B",
        "C": "Tickets for C",
    }

    rerun = client.plan(tmp_path)
    assert [item.name for item in rerun.changes] == ["B", "C"]
    assert client.apply(rerun).ok
    assert {doc["description"] for doc in stored(fake).values()} == {"reviewed"}


def test_prune_plans_deletes_only_when_asked(
    fake: FakeSimService, client: SimIntegrationsClient, tmp_path: Path
) -> None:
    fake.add_integration(integration("Kept"))
    gone = fake.add_integration(integration("Gone"))["id"]
    client.export(tmp_path)
    (tmp_path / "Gone.json").unlink()

    plan = client.plan(tmp_path)
    assert {item.name: item.action for item in plan.integrations} == {
        "Kept": Action.UNCHANGED,
        "Gone": Action.UNMANAGED,
    }
    assert not plan.has_changes
    client.apply(plan)
    assert gone in fake.integrations

    pruned = client.plan(tmp_path, prune=True)
    assert [(item.name, item.action) for item in pruned.changes] == [("Gone", Action.DELETE)]
    assert client.apply(pruned).ok
    assert gone not in fake.integrations and len(fake.integrations) == 1


def test_delete_refuses_an_integration_changed_since_the_plan(
    fake: FakeSimService, client: SimIntegrationsClient, tmp_path: Path
) -> None:
    gone = fake.add_integration(integration("Gone"))["id"]
    (tmp_path / "Kept.json").write_text(json.dumps(integration("Kept")), encoding="utf-8")
    plan = client.plan(tmp_path, prune=True)
    assert [item.action for item in plan.changes] == [Action.CREATE, Action.DELETE]
    client.patch(gone, [{"op": "replace", "path": "/description", "value": "still needed"}])
    report = client.apply(plan)
    assert isinstance(report.error, ConflictError)
    assert [o.integration.name for o in report.applied] == ["Kept"]
    assert gone in fake.integrations


def test_prune_from_an_empty_folder_is_refused(
    fake: FakeSimService, client: SimIntegrationsClient, tmp_path: Path
) -> None:
    fake.add_integration(integration("Kept"))
    with pytest.raises(AsCodeError, match="would delete all 1 integrations"):
        client.plan(tmp_path, prune=True)
    assert not client.plan(tmp_path).has_changes  # without prune: nothing to do


def test_create_refuses_a_name_that_appeared_since_the_plan(
    fake: FakeSimService, client: SimIntegrationsClient, tmp_path: Path
) -> None:
    (tmp_path / "New.json").write_text(json.dumps(integration("New")), encoding="utf-8")
    plan = client.plan(tmp_path)
    other = client.create(integration("New", description="created elsewhere"))
    report = client.apply(plan)
    assert isinstance(other.id, str)
    assert isinstance(report.error, ConflictError) and other.id in str(report.error)
    assert len(fake.integrations) == 1


def test_duplicate_names_on_the_tenant_are_refused_with_both_ids(
    fake: FakeSimService, client: SimIntegrationsClient, tmp_path: Path
) -> None:
    first = fake.add_integration(integration("Twin"))["id"]
    second = fake.add_integration(integration("Twin"))["id"]
    for action in (lambda: client.export(tmp_path), lambda: client.plan(tmp_path)):
        with pytest.raises(DuplicateNameError) as caught:
            action()
        assert first in str(caught.value) and second in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_duplicate_names_in_the_folder_are_refused_with_both_files(
    client: SimIntegrationsClient, tmp_path: Path
) -> None:
    (tmp_path / "one.json").write_text(json.dumps(integration("Twin")), encoding="utf-8")
    (tmp_path / "two.json").write_text(json.dumps(integration("Twin")), encoding="utf-8")
    with pytest.raises(DuplicateNameError, match=r"one\.json, two\.json"):
        client.plan(tmp_path)


# -- promotion -------------------------------------------------------------------------------------

PRODUCTION_IDS = {
    "sandbox-cluster-0001": "prod-cluster-9999",
    "sandbox-source-aaaa": "prod-source-1111",
    "sandbox-source-bbbb": "prod-source-2222",
    "sandbox-owner-0001": "prod-owner-7777",
    "sandbox-rule-0001": "prod-rule-5555",
}


def test_promotion_between_two_tenants_with_a_map(tmp_path: Path) -> None:
    sandbox, production = FakeSimService(), FakeSimService()
    for name in ("HR desk", "IT desk"):
        sandbox.add_integration(integration(name))
    # Production already has an older HR desk, with production ids.
    production.add_integration(
        integration(
            "HR desk",
            description="old",
            cluster="prod-cluster-9999",
            sources=["prod-source-1111", "prod-source-2222"],
        )
    )
    folder = tmp_path / "integrations"
    map_file = tmp_path / "sandbox-to-production.json"
    map_file.write_text(json.dumps(PRODUCTION_IDS), encoding="utf-8")
    with client_for(sandbox) as client:
        client.export(folder)
    with client_for(production) as client:
        plan = client.plan(folder, id_map=map_file)
        assert plan.unmapped == ()
        assert {item.name: item.action for item in plan.integrations} == {
            "IT desk": Action.CREATE,
            "HR desk": Action.UPDATE,
        }
        report = client.apply(plan)
        assert report.ok
        assert not client.plan(folder, id_map=map_file).has_changes

    expected = {}
    for name, doc in stored(sandbox).items():
        text = json.dumps(doc)
        for old, new in PRODUCTION_IDS.items():
            text = text.replace(old, new)
        expected[name] = json.loads(text)
    assert stored(production) == expected
    it = stored(production)["IT desk"]
    assert it["cluster"] == "prod-cluster-9999" and it["clusterRef"]["id"] == "prod-cluster-9999"
    assert it["sources"] == ["prod-source-1111", "prod-source-2222"]
    assert it["provisioningConfig"]["managedResourceRefs"][0]["id"] == "prod-source-1111"
    assert it["ownerRef"]["id"] == "prod-owner-7777"
    assert it["beforeProvisioningRule"]["id"] == "prod-rule-5555"
    assert it["attributes"]["id"] == "not-a-ref"  # settings are never rewritten


def test_references_the_map_does_not_cover_are_listed_and_refused(tmp_path: Path) -> None:
    sandbox, production = FakeSimService(), FakeSimService()
    sandbox.add_integration(integration("HR desk"))
    partial = {k: v for k, v in PRODUCTION_IDS.items() if k != "sandbox-owner-0001"}
    with client_for(sandbox) as client:
        client.export(tmp_path)
    with client_for(production) as client:
        plan = client.plan(tmp_path, id_map=partial)
        assert [(name, ref.path, ref.id) for name, ref in plan.unmapped] == [
            ("HR desk", "/ownerRef/id", "sandbox-owner-0001")
        ]
        assert "sandbox-owner-0001" in plan.render() and "--keep-unmapped" in plan.render()
        with pytest.raises(UnmappedReferencesError, match="/ownerRef/id"):
            client.apply(plan)
        assert production.writes == []
        assert client.apply(plan, keep_unmapped=True).ok
    assert stored(production)["HR desk"]["ownerRef"]["id"] == "sandbox-owner-0001"


async def test_the_async_client_exports_plans_and_applies(fake: FakeSimService, tmp_path: Path) -> None:
    fake.add_integration(integration("HR desk"))
    async with AsyncSimIntegrationsClient(
        "https://tenant.api.identitynow.com",
        access_token=fake.issue_token(),
        http_client=httpx.AsyncClient(transport=fake.transport()),
    ) as client:
        data = await client.export_data()
        assert list(data) == ["HR desk"] and "id" not in data["HR desk"]
        await client.export(tmp_path)
        edit(tmp_path, "HR desk.json", lambda d: d.update(description="async"))
        plan = await client.plan(tmp_path)
        report = await client.apply(plan)
        assert report.ok and report.writes == 1
        assert not (await client.plan(tmp_path)).has_changes
    assert stored(fake)["HR desk"]["description"] == "async"


def test_plans_from_data_and_the_plan_as_json(fake: FakeSimService, client: SimIntegrationsClient) -> None:
    fake.add_integration(integration("HR desk"))
    data = client.export_data()
    data["HR desk"]["statusMap"]["closed_skipped"] = "Failed"
    plan = client.plan(data)
    as_json = json.loads(json.dumps(plan.to_dict()))
    assert as_json["summary"]["update"] == 1 and as_json["hasChanges"] is True
    [item] = as_json["integrations"]
    assert item["operations"] == [{"op": "add", "path": "/statusMap/closed_skipped", "value": "Failed"}]
    assert item["writes"][0]["operations"][0]["op"] == "test"
    assert item["changes"] == [{"path": "/statusMap/closed_skipped", "kind": "added", "after": "Failed"}]


def test_apply_keeps_to_the_rate_limit(tmp_path: Path) -> None:
    """Against a tenant allowing 3 requests per 10 s, apply's 6 requests wait their turn: no 429."""
    from sailpoint_sim import RateLimit, RetryPolicy

    now = [0.0]  # the fake's clock; the client's waits advance it, so no real time passes

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    waits: list[float] = []
    limit = RateLimit(3, 10.0)
    fake = FakeSimService(rate_limit=limit, clock=lambda: now[0])
    for name in ("A", "B", "C", "D", "E"):
        fake.add_integration(integration(name))
    definitions = {
        name: {**integration(name), "description": "reviewed"} for name in ("A", "B", "C", "D", "E")
    }
    with SimIntegrationsClient(
        "https://tenant.api.identitynow.com",
        access_token=fake.issue_token(),
        http_client=httpx.Client(transport=fake.transport()),
        rate_limit=limit,
        retry=RetryPolicy(sleep=sleep),
    ) as client:
        report = client.apply(client.plan(definitions))
    assert report.ok and report.writes == 5
    assert fake.stats()["rate_limited"] == 0
    assert sum(waits) >= 10.0  # the 4th request waited for the window
    assert {doc["description"] for doc in stored(fake).values()} == {"reviewed"}
