"""`make demo`: the whole SIM integration lifecycle through the command-line tool, against the fake.

    python scripts/demo.py

Starts the fake SIM service (`python -m sailpoint_sim.testing --port 0`) on a free loopback port,
then runs `python -m sailpoint_sim ...` for every step: create from the documented example, list,
get, update, patch in SailPoint's documented {"operations": [...]} form and as a plain RFC 6902 array,
patch the before-provisioning rule, delete, and finally a get that must fail with 404 (exit code 3).
Then the as-code workflow: two integrations are created, exported to a folder (one JSON file each),
one file is edited, `plan` shows the field-by-field diff, `apply` refuses without a terminal or `--yes`,
applies with `--yes`, and a second `plan` finds nothing left to change.
Each step prints its command and its output. The server is always stopped by its process id, even
when a step fails; the script exits non-zero if any step did not behave as expected.
"""

from __future__ import annotations

import difflib
import json
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = Path("spec/examples/seed-sim-integration-details.json")
PY = sys.executable
STARTUP_TIMEOUT = 30.0  # seconds; importing and binding normally takes well under one
STEP_TIMEOUT = 60.0
# The fake's default credentials: the demo walks the real OAuth2 client-credentials flow with them.
FAKE_CLIENT_ID = "fake-client-id"
FAKE_CLIENT_SECRET = "fake-client-secret"
# The beforeProvisioningRule PATCH applies to the rule object itself, so paths are relative to it.
RULE_NAME_PATH = "/name"


def demo_env(base_url: str | None = None) -> dict[str, str]:
    """The environment of every child: only what the demo sets decides the outcome.

    A developer's own SAIL_* settings (a real tenant's token, say) must neither reach the fake nor
    take over the CLI's configuration.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAIL_")}
    env.update(SAIL_CLIENT_ID=FAKE_CLIENT_ID, SAIL_CLIENT_SECRET=FAKE_CLIENT_SECRET)
    if base_url is not None:
        env["SAIL_BASE_URL"] = base_url
    return env


class DemoFailure(Exception):
    """A step did not behave as the demo expects."""


def banner(text: str) -> None:
    print(f"\n=== {text} ===", flush=True)


@contextmanager
def fake_service() -> Iterator[tuple[str, int]]:
    """Run the fake service as a child process; yield (base URL, pid); always stop it by its pid."""
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            [PY, "-m", "sailpoint_sim.testing", "--port", "0"],
            cwd=ROOT,
            env=demo_env(),
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            url = _read_address(process, log)
            yield url, process.pid
        finally:
            _stop(process)
            print(f"\nfake service (pid {process.pid}) stopped, exit status {process.returncode}", flush=True)


def _read_address(process: subprocess.Popen[str], log: IO[str]) -> str:
    """Wait for the first stdout line (the bound address), then keep draining stdout in the background."""
    assert process.stdout is not None
    stdout = process.stdout
    lines: list[str] = []
    got_line = threading.Event()

    def reader() -> None:
        first = True
        for line in stdout:  # ends when the server closes stdout (exits)
            if first:
                lines.append(line.strip())
                got_line.set()
                first = False
        got_line.set()

    threading.Thread(target=reader, daemon=True, name="fake-stdout").start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not got_line.wait(0.05):
        if process.poll() is not None or time.monotonic() > deadline:
            break
    if not lines or not lines[0].startswith("http://127.0.0.1:"):
        log.seek(0)
        raise DemoFailure(
            f"the fake service did not print its address (got {lines[:1]!r}); its stderr:\n{log.read()}"
        )
    return lines[0]


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Cli:
    """Runs `python -m sailpoint_sim` steps against one service, printing each command and its output."""

    def __init__(self, base_url: str) -> None:
        self.env = demo_env(base_url)
        self.steps = 0

    def run(
        self,
        title: str,
        *args: str,
        stdin: str | None = None,
        expect_exit: int = 0,
        no_terminal: bool = False,
    ) -> str:
        self.steps += 1
        banner(f"step {self.steps}: {title}")
        shown = "sailpoint-sim " + shlex.join(args)
        if stdin is not None:
            shown = f"{shown} <<'EOF'\n{stdin.rstrip()}\nEOF"
        elif no_terminal:  # even when `make demo` runs on a terminal, this step must not have one
            shown = f"{shown} < /dev/null"
        print(f"$ {shown}", flush=True)
        result = subprocess.run(
            [PY, "-m", "sailpoint_sim", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            stdin=subprocess.DEVNULL if no_terminal and stdin is None else None,
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT,
            check=False,
        )
        if result.stdout:
            print(result.stdout.rstrip())
        if result.stderr:
            print(f"[stderr] {result.stderr.rstrip()}")
        print(f"[exit code {result.returncode}]", flush=True)
        if result.returncode != expect_exit:
            raise DemoFailure(f"{title}: exit code {result.returncode}, expected {expect_exit}")
        if expect_exit:
            print(f"EXPECTED: exit code {expect_exit} as documented", flush=True)
        return result.stdout

    def run_json(self, title: str, *args: str, stdin: str | None = None) -> Any:
        output = self.run(title, *args, stdin=stdin)
        try:
            return json.loads(output)
        except ValueError as exc:
            raise DemoFailure(f"{title}: stdout is not JSON: {exc}") from None


def check(condition: bool, message: str) -> None:
    if not condition:
        raise DemoFailure(message)


def lifecycle(cli: Cli) -> None:
    example = json.loads((ROOT / EXAMPLE).read_text(encoding="utf-8"))

    created = cli.run_json("create from the documented example", "create", str(EXAMPLE))
    integration_id = created.get("id")
    check(isinstance(integration_id, str) and bool(integration_id), "create returned no id")
    check(created.get("name") == example["name"], "create did not keep the name")
    check(integration_id != example.get("id"), "the server did not assign its own id")

    table = cli.run("list as a table", "list", "--table")
    check(integration_id in table, "the new integration is missing from the list")

    fetched = cli.run_json("get", "get", integration_id)
    check(fetched.get("id") == integration_id, "get returned another integration")

    details = {k: v for k, v in example.items() if k not in ("id", "created", "modified")}
    details["description"] = "Replaced by update (PUT)"
    updated = cli.run_json(
        "update (PUT) from stdin", "update", integration_id, "-", stdin=json.dumps(details, indent=2)
    )
    check(updated.get("description") == details["description"], "update did not replace the description")

    patched = cli.run_json(
        'patch, documented {"operations": [...]} form, from a flag',
        "patch",
        integration_id,
        "--replace",
        "/description=Patched in the documented object form",
    )
    check(
        patched.get("description") == "Patched in the documented object form",
        "the object-form patch was not applied",
    )

    rfc6902 = [
        {"op": "replace", "path": "/description", "value": "Patched as an RFC 6902 array"},
        {"op": "add", "path": "/sources/-", "value": "2c9180835d191a86015d28455b4a0001"},
    ]
    patched = cli.run_json(
        "patch, plain RFC 6902 array, from stdin",
        "patch",
        integration_id,
        "--patch-format",
        "rfc6902",
        "--file",
        "-",
        stdin=json.dumps(rfc6902, indent=2),
    )
    check(
        patched.get("description") == "Patched as an RFC 6902 array", "the array-form patch was not applied"
    )
    check(
        "2c9180835d191a86015d28455b4a0001" in (patched.get("sources") or []),
        "the array-form add was not applied",
    )

    rule = cli.run_json(
        "patch the before-provisioning rule",
        "patch-rule",
        integration_id,
        "--replace",
        f"{RULE_NAME_PATH}=Demo Before Provisioning Rule",
    )
    check(
        (rule.get("beforeProvisioningRule") or {}).get("name") == "Demo Before Provisioning Rule",
        "the rule patch was not applied",
    )

    cli.run("delete", "delete", integration_id)
    cli.run("get after delete: 404, exit code 3", "get", integration_id, expect_exit=3)


def as_code(cli: Cli, folder: Path) -> None:
    """Export, edit one file, plan, apply, plan again: the integrations-as-code workflow."""
    for name in ("Demo HR desk", "Demo IT desk"):
        details = {
            "name": name,
            "description": f"Tickets for the {name}",
            "type": "ServiceNowSDIM",
            "cluster": "xyzzy999",
            "attributes": {"url": "https://acme.service-now.com"},
            "statusMap": {"closed_complete": "Committed", "closed_cancelled": "Failed"},
        }
        cli.run_json(
            f"as code: create {name!r} to manage", "create", "-", stdin=json.dumps(details, indent=2)
        )

    exported = cli.run("as code: export, one JSON file per integration", "export", str(folder))
    check("Exported 2 integration(s)" in exported, "export did not write both integrations")
    edited = folder / "Demo HR desk.json"
    check(edited.is_file(), f"export did not write {edited.name}")

    banner(f"edit {edited.name}: a new description, as a person would in a pull request")
    before = edited.read_text(encoding="utf-8")
    data = json.loads(before)
    data["description"] = "Tickets for HR, reviewed in git"
    after = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    edited.write_text(after, encoding="utf-8")
    diff = difflib.unified_diff(
        before.splitlines(), after.splitlines(), "a/" + edited.name, "b/" + edited.name, lineterm=""
    )
    print("\n".join(diff), flush=True)

    plan = cli.run(
        "as code: plan, the field-by-field diff (exit code 1: changes)",
        "plan",
        str(folder),
        "--exit-code",
        expect_exit=1,
    )
    check(
        '~ /description: "Tickets for the Demo HR desk" -> "Tickets for HR, reviewed in git"' in plan,
        "plan did not show the change",
    )
    cli.run(
        "as code: apply without a terminal or --yes: refused, exit code 2",
        "apply",
        str(folder),
        no_terminal=True,
        expect_exit=2,
    )
    applied = cli.run("as code: apply --yes", "apply", str(folder), "--yes")
    check("Applied 1 change(s)." in applied, "apply did not report the change")
    again = cli.run("as code: plan again: nothing left to change", "plan", str(folder), "--exit-code")
    check("No changes" in again, "the second plan still found changes")


def main() -> int:
    """Run the demo; return 0 when every step behaved as expected."""
    banner("starting the fake SIM service on loopback")
    try:
        with fake_service() as (url, pid):
            print(f"fake service listening on {url} (pid {pid})", flush=True)
            cli = Cli(url)
            lifecycle(cli)
            with tempfile.TemporaryDirectory(prefix="sailpoint-sim-demo-") as folder:
                as_code(cli, Path(folder) / "integrations")
    except (DemoFailure, subprocess.TimeoutExpired) as exc:
        print(f"\nDEMO FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    banner(f"demo finished: all {cli.steps} steps behaved as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
