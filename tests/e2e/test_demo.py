"""`make demo` (scripts/demo.py): the whole lifecycle through the CLI, and nothing left running."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sailpoint_sim.testing import FakeSimService

ROOT = Path(__file__).resolve().parents[2]

STEPS = (
    "create from the documented example",
    "list as a table",
    "get",
    "update (PUT) from stdin",
    'patch, documented {"operations": [...]} form, from a flag',
    "patch, plain RFC 6902 array, from stdin",
    "patch the before-provisioning rule",
    "delete",
    "get after delete: 404, exit code 3",
    "as code: create 'Demo HR desk' to manage",
    "as code: create 'Demo IT desk' to manage",
    "as code: export, one JSON file per integration",
    "as code: plan, the field-by-field diff (exit code 1: changes)",
    "as code: apply without a terminal or --yes: refused, exit code 2",
    "as code: apply --yes",
    "as code: plan again: nothing left to change",
)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - exists but belongs to someone else
        return True
    # A zombie (exited, not yet reaped by its parent) is not running either.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state != "Z"


def test_demo_walks_every_step_and_stops_the_server() -> None:
    # The developer's own SAIL_* settings must not influence the demo (it sets its own).
    env = {**os.environ, "SAIL_ACCESS_TOKEN": "a-token-the-fake-never-issued"}
    result = subprocess.run(
        [sys.executable, "scripts/demo.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    output = result.stdout
    assert result.returncode == 0, output + result.stderr
    for number, title in enumerate(STEPS, start=1):
        assert f"=== step {number}: {title} ===" in output
    assert f"all {len(STEPS)} steps behaved as expected" in output
    # The 404 after delete is shown with its exit code.
    assert "HTTP 404 Not Found" in output
    assert "[exit code 3]" in output
    assert "EXPECTED: exit code 3" in output
    # Each step shows the command it ran.
    assert "$ sailpoint-sim create spec/examples/seed-sim-integration-details.json" in output
    assert "--patch-format rfc6902" in output
    # The as-code steps: the edit is shown as a diff, the plan field by field, apply's progress line.
    assert '+  "description": "Tickets for HR, reviewed in git",' in output
    assert '~ /description: "Tickets for the Demo HR desk" -> "Tickets for HR, reviewed in git"' in output
    assert "< /dev/null" in output and "--yes" in output
    assert '[stderr] [1/1] updated "Demo HR desk"' in output
    assert "No changes: 2 unchanged." in output
    # The client secret is never shown.
    assert "fake-client-secret" not in output + result.stderr

    match = re.search(r"fake service listening on (http://127\.0\.0\.1:\d+) \(pid (\d+)\)", output)
    assert match, output
    pid = int(match.group(2))
    assert f"fake service (pid {pid}) stopped" in output
    assert not pid_alive(pid)


def load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_script", ROOT / "scripts" / "demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_misbehaving_step_fails_the_demo() -> None:
    demo = load_demo()
    fake = FakeSimService()
    fake.inject(status=500, operation="patchBeforeProvisioningRule", times=None)
    with fake.serve() as server:
        with pytest.raises(demo.DemoFailure, match="patch the before-provisioning rule: exit code 3"):
            demo.lifecycle(demo.Cli(server.url))
        # Every step before it did run.
        assert [r.operation for r in fake.requests if r.operation == "patchSIMAttributes"] == [
            "patchSIMAttributes",
            "patchSIMAttributes",
        ]


def test_the_server_is_stopped_even_when_a_step_fails() -> None:
    demo = load_demo()
    seen: list[int] = []
    with pytest.raises(demo.DemoFailure, match="boom"), demo.fake_service() as (url, pid):
        assert url.startswith("http://127.0.0.1:")
        assert pid_alive(pid)
        seen.append(pid)
        raise demo.DemoFailure("boom")
    assert len(seen) == 1
    assert not pid_alive(seen[0])


def test_the_as_code_steps_fail_the_demo_when_apply_does_not_apply(tmp_path: Path) -> None:
    demo = load_demo()
    fake = FakeSimService()
    fake.inject(status=500, operation="patchSIMAttributes", times=None)
    with fake.serve() as server, pytest.raises(demo.DemoFailure, match=r"as code: apply --yes: exit code 3"):
        demo.as_code(demo.Cli(server.url), tmp_path / "integrations")
    assert [name for name in (tmp_path / "integrations").iterdir()] != []
