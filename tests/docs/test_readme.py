"""The README's commands and code must work as written.

Python blocks preceded by a ``<!-- readme-test: NAME -->`` marker are run here against the fake SIM
service over loopback, with only the tenant URL and credentials swapped for the fake's.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sailpoint_sim import Layout
from sailpoint_sim.testing import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, FakeSimService

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
TENANT = "https://acme.api.identitynow.com"


def readme_block(name: str) -> str:
    match = re.search(rf"<!-- readme-test: {re.escape(name)} -->\n```python\n(.*?)```", README, re.S)
    assert match, f"README has no python block marked readme-test: {name}"
    return match.group(1)


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", text, re.M))


def test_every_make_command_in_the_readme_is_a_makefile_target() -> None:
    mentioned = set(re.findall(r"\bmake ([a-z][a-z-]*)", README))
    assert {"test", "demo", "generate", "check-generated", "vendor", "spec-diff", "dist"} <= mentioned
    missing = mentioned - makefile_targets()
    assert not missing, f"README mentions make targets the Makefile lacks: {sorted(missing)}"


def test_make_dry_run_of_each_readme_target_parses() -> None:
    """`make -n` proves each named target resolves (recipes are not run)."""
    for target in sorted(set(re.findall(r"\bmake ([a-z][a-z-]*)", README))):
        result = subprocess.run(
            ["make", "-n", target, "DEST=/tmp/x", "UPSTREAM=/tmp/y"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, f"make -n {target}: {result.stderr}"


def test_direct_use_of_the_generated_package_runs(capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeSimService()
    ids = fake.seed(2)
    code = readme_block("direct-use").replace(TENANT, "{base}")
    assert "{base}/v2025" in code, "the example should show the tenant URL with /v2025"
    with fake.serve() as server:
        namespace: dict[str, Any] = {"ACCESS_TOKEN": fake.issue_token()}
        exec(compile(code.replace("{base}", server.url), "README:direct-use", "exec"), namespace)
    printed = capsys.readouterr().out
    expected = [fake.integrations[integration_id]["name"] for integration_id in ids]
    assert printed.strip() == repr(expected)


def test_layout_example_runs_against_a_fake_serving_only_that_layout(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake = FakeSimService(layouts=[Layout.PER_RESOURCE])  # the v2025 paths answer 404 here
    ids = fake.seed(2)
    code = readme_block("layout")
    assert TENANT in code
    with fake.serve() as server:
        namespace: dict[str, Any] = {"ACCESS_TOKEN": fake.issue_token()}
        exec(compile(code.replace(TENANT, server.url), "README:layout", "exec"), namespace)
    expected = [fake.integrations[integration_id]["name"] for integration_id in ids]
    assert capsys.readouterr().out.strip() == repr(expected)


def test_quick_start_runs_against_the_fake(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sailpoint_sim.testing import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

    fake = FakeSimService()
    with fake.serve() as server:
        monkeypatch.setenv("SAIL_BASE_URL", server.url)
        monkeypatch.setenv("SAIL_CLIENT_ID", DEFAULT_CLIENT_ID)
        monkeypatch.setenv("SAIL_CLIENT_SECRET", DEFAULT_CLIENT_SECRET)
        monkeypatch.delenv("SAIL_ACCESS_TOKEN", raising=False)
        exec(compile(readme_block("quick-start"), "README:quick-start", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert [write.method for write in fake.writes] == ["POST", "PATCH", "PUT", "DELETE"]
    put_body = fake.writes[2].body
    # The read-modify-write kept what the create sent, applied the patch and the edit.
    assert put_body["description"] == "Rewritten"
    assert put_body["statusMap"] == {"closed_complete": "Committed", "closed_cancelled": "Failed"}
    assert "cluster" not in put_body
    assert any(line.endswith(" ServiceNow SIM") for line in printed), printed
    assert printed[-1].startswith("gone: 404 "), printed
    assert fake.integrations == {}


def test_fake_service_example_runs() -> None:
    namespace: dict[str, Any] = {}
    exec(compile(readme_block("fake-service"), "README:fake-service", "exec"), namespace)
    namespace["test_my_job"]()


def test_as_code_promotion_example_runs_between_two_fakes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sandbox-to-production example, with the README's own map file, between two fake tenants."""
    sandbox, production = FakeSimService(client_id="sb-id", client_secret="sb-secret"), FakeSimService()
    script = README.split("### Worked example: from the sandbox to production", 1)[1]
    map_text = re.search(r"cat > sandbox-to-production\.json <<'END'\n(.*?)\nEND\n", script, re.S)
    assert map_text, "the worked example writes the id map with a here-document"
    id_map: dict[str, str] = json.loads(map_text.group(1))
    cluster, source, owner, rule = id_map
    for name in ("HR desk", "IT desk"):
        sandbox.add_integration(
            {
                "name": name,
                "description": f"Tickets for {name}",
                "cluster": cluster,
                "sources": [source],
                "ownerRef": {"type": "IDENTITY", "id": owner, "name": "Support"},
                "beforeProvisioningRule": {"type": "RULE", "id": rule, "name": "Before Provisioning"},
            }
        )
    production.add_integration({"name": "HR desk", "description": "Old text", "cluster": id_map[cluster]})
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sandbox-to-production.json").write_text(map_text.group(1), encoding="utf-8")
    with sandbox.serve() as sandbox_server, production.serve() as production_server:
        code = readme_block("as-code")
        code = code.replace("https://acme-sb.api.identitynow.com", sandbox_server.url)
        code = code.replace("https://acme.api.identitynow.com", production_server.url)
        namespace = {
            "SANDBOX_CLIENT_ID": "sb-id",
            "SANDBOX_CLIENT_SECRET": "sb-secret",
            "PROD_CLIENT_ID": DEFAULT_CLIENT_ID,
            "PROD_CLIENT_SECRET": DEFAULT_CLIENT_SECRET,
        }
        exec(compile(code, "README:as-code", "exec"), namespace)
    printed = capsys.readouterr().out
    assert '~ update "HR desk"' in printed and '+ create "IT desk"' in printed
    assert "not in the map" not in printed and "Applied 2 change(s)." in printed
    held = {doc["name"]: doc for doc in production.integrations.values()}
    for name in ("HR desk", "IT desk"):
        assert held[name]["description"] == f"Tickets for {name}"
        assert held[name]["cluster"] == id_map[cluster] and held[name]["sources"] == [id_map[source]]
        assert held[name]["ownerRef"]["id"] == id_map[owner]
        assert held[name]["beforeProvisioningRule"]["id"] == id_map[rule]
