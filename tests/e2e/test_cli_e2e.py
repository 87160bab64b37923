"""The command-line tool as a user runs it (`python -m sailpoint_sim` in a child process) against the
fake over real loopback HTTP: all seven endpoints and the error paths, with their exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from sailpoint_sim.testing import SCOPE_READ, FakeServer, FakeSimService

from .conftest import CLIENT_ID, CLIENT_SECRET


class Cli:
    def __init__(self, server: FakeServer) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SAIL_")}
        self.env.update(SAIL_BASE_URL=server.url, SAIL_CLIENT_ID=CLIENT_ID, SAIL_CLIENT_SECRET=CLIENT_SECRET)

    def __call__(self, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "sailpoint_sim", *args],
            env={**self.env, **env},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        # Whatever happened, the client secret never reaches the terminal.
        assert CLIENT_SECRET not in result.stdout + result.stderr
        return result

    def json(self, *args: str, stdin: str | None = None) -> Any:
        result = self(*args, stdin=stdin)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli(server: FakeServer) -> Cli:
    return Cli(server)


def api_operations(fake: FakeSimService) -> list[str | None]:
    return [r.operation for r in fake.requests if r.operation != "token"]


@pytest.mark.parametrize(
    ("layout", "collection"), [("v2025", "/v2025/sim-integrations"), ("per-resource", "/sim-integrations/v1")]
)
def test_all_seven_endpoints(cli: Cli, fake: FakeSimService, layout: str, collection: str) -> None:
    cli.env["SAIL_SIM_LAYOUT"] = layout  # the variable; --layout is the same setting (tests/cli)
    created = cli.json("create", "-", stdin=json.dumps({"name": "CLI e2e", "sources": ["s1"]}))
    integration_id = created["id"]
    assert [item["id"] for item in cli.json("list")] == [integration_id]
    assert cli.json("get", integration_id)["name"] == "CLI e2e"
    updated = cli.json(
        "update", integration_id, "-", stdin=json.dumps({"name": "renamed", "sources": ["s1"]})
    )
    assert updated["name"] == "renamed"
    patched = cli.json("patch", integration_id, "--add", "/sources/-=s2", "--replace", "/name=patched")
    assert (patched["name"], patched["sources"]) == ("patched", ["s1", "s2"])
    patched = cli.json("patch", integration_id, "--patch-format", "rfc6902", "--remove", "/sources/0")
    assert patched["sources"] == ["s2"]
    ruled = cli.json("patch-rule", integration_id, "--add", "/name=R", "--add", "/type=RULE")
    assert ruled["beforeProvisioningRule"] == {"name": "R", "type": "RULE"}
    deleted = cli("delete", integration_id)
    assert deleted.returncode == 0, deleted.stderr
    assert fake.integrations == {}

    assert api_operations(fake) == [
        "createSIMIntegration",
        "getSIMIntegrations",
        "getSIMIntegration",
        "putSIMIntegration",
        "patchSIMAttributes",
        "patchSIMAttributes",
        "patchBeforeProvisioningRule",
        "deleteSIMIntegration",
    ]
    api = [r for r in fake.requests if r.operation != "token"]
    # The experimental header is on every request the CLI makes.
    assert all(r.header("X-SailPoint-Experimental") == "true" for r in api)
    patches = [r.json() for r in api if r.operation == "patchSIMAttributes"]
    assert isinstance(patches[0], dict) and isinstance(patches[1], list)
    # Every request went to the layout's paths.
    assert {r.path.removesuffix(f"/{integration_id}").removesuffix(f"/{integration_id}/beforeProvisioningRule")
            for r in api} == {collection}  # fmt: skip


HOSTILE = (
    r'[{"id": "2c91", "name": "caf\u00e9 \u001b[2J\u009b31m\ud800", "type": "ServiceNowSDIM",'
    ' "attributes": {"big": 1e999, "odd": NaN}}]'
)


@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
def test_hostile_answers_reach_the_terminal_as_json_and_escapes(
    cli: Cli, fake: FakeSimService, encoding: str
) -> None:
    # A real stdout of a child process, also one that cannot encode "é" (PYTHONIOENCODING=ascii).
    fake.inject(
        status=200, body=HOSTILE.encode(), content_type="application/json", operation="getSIMIntegrations"
    )
    result = cli("list", PYTHONIOENCODING=encoding)
    assert result.returncode == 0, result.stderr

    def refuse(name: str) -> Any:
        raise ValueError(name)

    [item] = json.loads(result.stdout, parse_constant=refuse)
    assert item["name"] == "caf\u00e9 \x1b[2J\x9b31m\ud800"
    assert item["attributes"] == {"big": float("inf"), "odd": None}
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout

    fake.inject(
        status=200, body=HOSTILE.encode(), content_type="application/json", operation="getSIMIntegrations"
    )
    table = cli("list", "--table", PYTHONIOENCODING=encoding)
    assert table.returncode == 0, table.stderr
    assert "\\x1b[2J\\x9b31m\\ud800" in table.stdout
    assert "\x1b" not in table.stdout


def test_not_found_exits_3(cli: Cli) -> None:
    result = cli("get", "no-such-integration")
    assert result.returncode == 3
    assert result.stdout == ""
    assert "404" in result.stderr
    assert "trackingId" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_token_exits_3(cli: Cli) -> None:
    result = cli("list", SAIL_CLIENT_ID="", SAIL_CLIENT_SECRET="", SAIL_ACCESS_TOKEN="forged-token-xyz")
    assert result.returncode == 3
    assert "401" in result.stderr
    assert "forged-token-xyz" not in result.stderr


def test_bad_client_secret_exits_3(cli: Cli) -> None:
    result = cli("list", SAIL_CLIENT_SECRET="not-the-secret-555")
    assert result.returncode == 3
    assert "not-the-secret-555" not in result.stderr


def test_missing_scope_exits_3(cli: Cli, fake: FakeSimService) -> None:
    fake.scopes = frozenset({SCOPE_READ})
    assert cli.json("list") == []
    result = cli("create", "-", stdin='{"name": "x"}')
    assert result.returncode == 3
    assert "403" in result.stderr and "trackingId" in result.stderr
    assert fake.writes == []


def test_body_of_the_wrong_shape_is_refused_before_sending(cli: Cli, fake: FakeSimService) -> None:
    # A declared field of the wrong JSON type is caught by the models: exit 2, no request at all.
    result = cli("create", "-", stdin='{"name": "x", "sources": 5}')
    assert result.returncode == 2
    assert "sources" in result.stderr
    assert api_operations(fake) == []


def test_body_the_service_refuses_exits_3(cli: Cli, fake: FakeSimService) -> None:
    fake.inject(status=400, operation="createSIMIntegration")
    result = cli("create", "-", stdin='{"name": "x"}')
    assert result.returncode == 3
    assert "400" in result.stderr
    assert fake.writes == []


def test_injected_429_is_retried(cli: Cli, fake: FakeSimService) -> None:
    fake.inject(status=429, retry_after=0, operation="createSIMIntegration")
    result = cli("create", "-", stdin='{"name": "after 429"}')
    assert result.returncode == 0, result.stderr
    assert api_operations(fake) == ["createSIMIntegration", "createSIMIntegration"]
    assert len(fake.writes) == 1


def test_injected_503_get_is_retried_post_is_not(cli: Cli, fake: FakeSimService) -> None:
    fake.inject(status=503, operation="getSIMIntegrations")
    result = cli("list")
    assert result.returncode == 0, result.stderr
    assert api_operations(fake) == ["getSIMIntegrations", "getSIMIntegrations"]

    fake.clear_records()
    fake.inject(status=503, operation="createSIMIntegration")
    result = cli("create", "-", stdin='{"name": "once"}')
    assert result.returncode == 3
    assert "503" in result.stderr
    assert api_operations(fake) == ["createSIMIntegration"]
    assert fake.writes == []


def test_unreachable_service_exits_4(cli: Cli, server: FakeServer) -> None:
    url = server.url
    server.close()  # nothing listens on that port any more
    result = cli("--max-retries", "0", "list", SAIL_BASE_URL=url)
    assert result.returncode == 4
    assert result.stderr.startswith("error: ")
