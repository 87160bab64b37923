"""`sailpoint-sim export|plan|apply` in-process through main(), against the fake over loopback HTTP."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from sailpoint_sim._cli import EXIT_API_ERROR, EXIT_OK, EXIT_USAGE, main
from sailpoint_sim.testing import FakeServer, FakeSimService
from tests.support.cli import Run, run_main
from tests.support.env import set_sail_env

from .conftest import client_for, integration
from .test_workflow import PRODUCTION_IDS, edit, stored

SECRET = "as-code-cli-secret"


class Terminal(io.StringIO):
    """stdin as a terminal where the person types ``answer``."""

    def isatty(self) -> bool:
        return True


pytestmark = pytest.mark.sim_fake(client_id="iac-client", client_secret=SECRET)


@pytest.fixture
def cli(server: FakeServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    set_sail_env(monkeypatch, server.url, "iac-client", SECRET)

    def run(*argv: str, answer: str | None = None) -> Run:
        # Without a terminal unless an answer is typed on one.
        monkeypatch.setattr(sys, "stdin", io.StringIO("") if answer is None else Terminal(answer))
        return run_main(capsys, argv, secrets=(SECRET,))

    return run


def test_export_edit_plan_apply_through_the_cli(cli: Any, fake: FakeSimService, tmp_path: Path) -> None:
    for name in ("HR desk", "IT desk", "Finance desk"):
        fake.add_integration(integration(name))
    folder = tmp_path / "integrations"
    exported = cli("export", str(folder))
    assert exported.code == EXIT_OK
    assert "written   HR desk.json" in exported.out and "Exported 3 integration(s)" in exported.out
    again = cli("export", str(folder), "--json")
    assert again.json()["unchanged"] == ["Finance desk.json", "HR desk.json", "IT desk.json"]

    no_changes = cli("plan", str(folder), "--exit-code")
    assert (no_changes.code, no_changes.out.splitlines()[-1]) == (EXIT_OK, "No changes: 3 unchanged.")

    edit(folder, "HR desk.json", lambda d: d.update(description="reviewed"))
    edit(folder, "IT desk.json", lambda d: d["beforeProvisioningRule"].update(name="IT rule"))
    plan = cli("plan", str(folder), "--exit-code")
    assert plan.code == 1
    assert '  ~ update "HR desk"' in plan.out
    assert '      ~ /description: "Tickets for HR desk" -> "reviewed"' in plan.out
    assert '      ~ /beforeProvisioningRule/name: "Before Provisioning" -> "IT rule"' in plan.out
    assert "Plan: 0 to create, 2 to update, 0 to delete; 1 unchanged." in plan.out
    data = cli("plan", str(folder), "--json").json()
    assert data["summary"]["update"] == 2
    hr = next(item for item in data["integrations"] if item["name"] == "HR desk")
    assert hr["operations"] == [{"op": "replace", "path": "/description", "value": "reviewed"}]
    assert fake.writes == []

    # No terminal, no --yes: refused before anything is sent.
    refused = cli("apply", str(folder))
    assert refused.code == EXIT_USAGE and "--yes" in refused.err
    assert fake.writes == []

    applied = cli("apply", str(folder), "--yes")
    assert applied.code == EXIT_OK, applied.err
    assert '~ update "HR desk"' in applied.out  # the plan is shown first
    assert [line[:6] for line in applied.err.splitlines()] == ["[1/2] ", "[2/2] "]  # one line per change
    assert "Applied 2 change(s)." in applied.out
    assert stored(fake)["HR desk"]["description"] == "reviewed"
    assert stored(fake)["IT desk"]["beforeProvisioningRule"]["name"] == "IT rule"

    writes = len(fake.writes)
    second = cli("apply", str(folder), "--yes")
    assert second.code == EXIT_OK and "No changes" in second.out
    assert len(fake.writes) == writes


def test_apply_asks_on_a_terminal_and_only_yes_confirms(
    cli: Any, fake: FakeSimService, tmp_path: Path
) -> None:
    fake.add_integration(integration("Kept"))
    gone = fake.add_integration(integration("Gone"))["id"]
    assert cli("export", str(tmp_path)).code == EXIT_OK
    (tmp_path / "Gone.json").unlink()

    without = cli("apply", str(tmp_path), "--yes")  # no --prune: nothing to delete
    assert without.code == EXIT_OK and '? unmanaged "Gone"' in without.out
    assert gone in fake.integrations and fake.writes == []

    for answer in ("no\n", "y\n", "\n", ""):
        declined = cli("apply", str(tmp_path), "--prune", answer=answer)
        assert (
            declined.code == EXIT_USAGE
            and "Only 'yes' confirms" in declined.err
            and "nothing was sent" in declined.err
        )
        assert '- delete "Gone"' in declined.out
        assert gone in fake.integrations and fake.writes == []

    confirmed = cli("apply", str(tmp_path), "--prune", answer="yes\n")
    assert confirmed.code == EXIT_OK, confirmed.err
    assert "1 delete(s)" in confirmed.err
    assert gone not in fake.integrations
    assert [w.operation for w in fake.writes] == ["deleteSIMIntegration"]


def test_an_injected_failure_stops_apply_with_a_report_and_a_rerun_finishes(
    cli: Any, fake: FakeSimService, tmp_path: Path
) -> None:
    ids = {name: fake.add_integration(integration(name))["id"] for name in ("A", "B", "C")}
    cli("export", str(tmp_path))
    for name in ids:
        edit(tmp_path, f"{name}.json", lambda d: d.update(description="reviewed"))
    fake.inject(status=500, method="PATCH", path=f"/v2025/sim-integrations/{ids['B']}")
    failed = cli("apply", str(tmp_path), "--yes")
    assert failed.code == EXIT_API_ERROR
    assert '\n  applied: update "A"' in failed.out
    assert 'failed: update "B"' in failed.out and "HTTP 500" in failed.out
    assert 'not applied: update "C"' in failed.out
    assert "1 applied, 1 failed, 1 not applied" in failed.out
    assert '[2/3] FAILED to update "B"' in failed.err
    rerun = cli("apply", str(tmp_path), "--yes", "--json")
    assert rerun.code == EXIT_OK
    report = rerun.json()["report"]
    assert [o["name"] for o in report["outcomes"]] == ["B", "C"] and report["ok"] is True
    assert {doc["description"] for doc in stored(fake).values()} == {"reviewed"}


def test_a_change_made_while_the_person_reads_the_plan_is_refused(
    cli: Any, fake: FakeSimService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident = fake.add_integration(integration("HR desk"))["id"]
    cli("export", str(tmp_path))
    edit(tmp_path, "HR desk.json", lambda d: d.update(description="mine"))

    class SlowReader(Terminal):
        def readline(self, size: int | None = -1, /) -> str:  # type: ignore[override]  # typeshed: StringIO
            # Someone else changes the integration while the plan is on the screen.
            with client_for(fake) as other:
                other.patch(ident, [{"op": "replace", "path": "/description", "value": "theirs"}])
            return "yes\n"

    monkeypatch.setattr(sys, "stdin", SlowReader())
    code = main(["apply", str(tmp_path)])
    assert code == EXIT_API_ERROR
    assert fake.integrations[ident]["description"] == "theirs"
    assert [w.operation for w in fake.writes] == ["patchSIMAttributes"]  # only theirs


def test_promotion_with_a_map_file_through_the_cli(cli: Any, fake: FakeSimService, tmp_path: Path) -> None:
    sandbox = FakeSimService(client_id="iac-client", client_secret=SECRET)
    sandbox.add_integration(integration("HR desk"))
    folder = tmp_path / "integrations"
    with sandbox.serve() as sandbox_server:
        assert cli("export", str(folder), "--base-url", sandbox_server.url).code == EXIT_OK
    partial = tmp_path / "partial-map.json"
    partial.write_text(
        json.dumps({k: v for k, v in PRODUCTION_IDS.items() if "owner" not in k}), encoding="utf-8"
    )
    full = tmp_path / "map.json"
    full.write_text(json.dumps(PRODUCTION_IDS), encoding="utf-8")

    plan = cli("plan", str(folder), "--map", str(partial))
    assert plan.code == EXIT_OK
    assert '"HR desk" /ownerRef/id: sandbox-owner-0001' in plan.out
    assert "(map) sandbox-cluster-0001 -> prod-cluster-9999: /cluster, /clusterRef/id" in plan.out
    refused = cli("apply", str(folder), "--map", str(partial), "--yes")
    assert refused.code == EXIT_USAGE and "--keep-unmapped" in refused.err and fake.writes == []

    applied = cli("apply", str(folder), "--map", str(full), "--yes")
    assert applied.code == EXIT_OK, applied.err
    [doc] = stored(fake).values()
    assert doc["cluster"] == "prod-cluster-9999" and doc["ownerRef"]["id"] == "prod-owner-7777"
    assert doc["sources"] == ["prod-source-1111", "prod-source-2222"]
    assert cli("plan", str(folder), "--map", str(full), "--exit-code").code == EXIT_OK


def test_bad_input_is_refused_before_any_request(cli: Any, fake: FakeSimService, tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    result = cli("plan", str(tmp_path))
    assert result.code == EXIT_USAGE and "broken.json" in result.err and "not valid JSON" in result.err
    (tmp_path / "broken.json").write_text('{"description": "no name"}', encoding="utf-8")
    assert "name" in cli("plan", str(tmp_path)).err
    (tmp_path / "broken.json").unlink()
    bad_map = tmp_path.parent / "bad-map.json"
    bad_map.write_text('["not", "an", "object"]', encoding="utf-8")
    result = cli("apply", str(tmp_path), "--map", str(bad_map), "--yes")
    assert result.code == EXIT_USAGE and "id map" in result.err
    assert cli("plan", str(tmp_path / "missing")).code == EXIT_USAGE
    assert fake.requests == []


def test_without_the_extra_the_commands_name_it_and_exit_2(
    cli: Any, fake: FakeSimService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "jsonpatch", None)  # import jsonpatch now raises ImportError
    for command in ("export", "plan", "apply"):
        result = cli(command, str(tmp_path))
        assert result.code == EXIT_USAGE
        assert "pip install 'sailpoint-sim[as-code]'" in result.err
    assert fake.requests == []


def test_duplicate_names_on_the_tenant_are_refused_with_both_ids(
    cli: Any, fake: FakeSimService, tmp_path: Path
) -> None:
    first = fake.add_integration(integration("Twin"))["id"]
    second = fake.add_integration(integration("Twin"))["id"]
    result = cli("export", str(tmp_path))
    assert result.code == EXIT_USAGE and first in result.err and second in result.err
