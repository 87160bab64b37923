"""The command-line tool, run in-process through ``main(argv)`` against the fake over loopback HTTP."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sailpoint_sim import __version__
from sailpoint_sim._cli import EXIT_API_ERROR, EXIT_OK, EXIT_TRANSPORT_ERROR, EXIT_USAGE, main
from sailpoint_sim.testing import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, FakeSimService
from tests.support.env import clear_sail_env

from .support import EXAMPLE, SECRET, create

# --------------------------------------------------------------------------- help, version, usage


def test_version_comes_from_the_package(cli: Any) -> None:
    result = cli("--version")
    assert result.code == EXIT_OK
    assert result.out.strip() == f"sailpoint-sim {__version__}"


@pytest.mark.parametrize(
    "command",
    [[], ["list"], ["get"], ["create"], ["update"], ["patch"], ["patch-rule"], ["delete"], ["fake-server"]],
)
def test_every_command_has_help(cli: Any, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.code == EXIT_OK
    assert "usage: sailpoint-sim" in result.out
    # The exit codes and the advice on secrets are documented on every page.
    assert "exit codes:" in result.out
    assert "3  API error" in result.out
    assert "visible to other users in `ps`" in result.out


def test_patch_help_documents_value_parsing(cli: Any) -> None:
    result = cli("patch", "--help")
    assert "parsed as JSON when they are valid JSON, otherwise taken as a plain string" in result.out


@pytest.mark.parametrize(
    "argv",
    [
        [],  # no command
        ["frobnicate"],
        ["get"],  # missing ID
        ["list", "--timeout", "soon"],
        ["patch", "x", "--patch-format", "xml"],
    ],
)
def test_bad_command_lines_exit_2(cli: Any, argv: list[str]) -> None:
    result = cli(*argv)
    assert result.code == EXIT_USAGE
    assert result.out == ""
    assert "error:" in result.err


def test_missing_configuration_names_the_setting(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    clear_sail_env(monkeypatch)
    result = cli("list")
    assert result.code == EXIT_USAGE
    assert "SAIL_BASE_URL" in result.err


def test_flags_override_the_environment(cli: Any, env: None, fake: FakeSimService) -> None:
    token = fake.issue_token()
    # A static token from the flag wins over the client credentials in the environment.
    result = cli("--access-token", token, "list")
    assert result.code == EXIT_OK, result.err
    assert fake.token_requests == 0
    assert fake.requests[-1].header("Authorization") == "***"


def test_credential_flags_replace_the_credential_variables_as_a_set(cli: Any, env: None) -> None:
    # --client-secret alone does not borrow SAIL_CLIENT_ID: mixing sources is refused, naming the setting.
    result = cli("--client-secret", "x", "list")
    assert result.code == EXIT_USAGE
    assert "client_id" in result.err


def test_global_options_also_work_after_the_command(cli: Any, env: None, fake: FakeSimService) -> None:
    token = fake.issue_token()
    result = cli("list", "--access-token", token, "--max-retries", "0")
    assert result.code == EXIT_OK, result.err
    assert fake.token_requests == 0


# --------------------------------------------------------------------------- the seven operations


def test_create_list_get_update_delete(cli: Any, env: None, fake: FakeSimService, tmp_path: Path) -> None:
    result = cli("create", str(EXAMPLE))
    assert result.code == EXIT_OK, result.err
    created = result.json()
    example = json.loads(EXAMPLE.read_text())
    assert created["name"] == example["name"]
    assert created["id"] != example["id"]  # the server assigns it
    integration_id = created["id"]
    # JSON on stdout: indented, one document.
    assert result.out.startswith("{\n  ")

    listed = cli("list")
    assert listed.code == EXIT_OK
    assert [item["id"] for item in listed.json()] == [integration_id]

    got = cli("get", integration_id)
    assert got.code == EXIT_OK
    assert got.json() == created

    details = tmp_path / "details.json"
    details.write_text(json.dumps({"name": "renamed", "description": "replaced", "x-extra": {"kept": True}}))
    updated = cli("update", integration_id, str(details))
    assert updated.code == EXIT_OK, updated.err
    assert updated.json()["name"] == "renamed"
    assert updated.json()["x-extra"] == {"kept": True}
    assert fake.integrations[integration_id]["description"] == "replaced"

    deleted = cli("delete", integration_id)
    assert deleted.code == EXIT_OK
    assert deleted.out == ""
    assert integration_id in deleted.err
    assert fake.integrations == {}


def test_update_reads_stdin(cli: Any, env: None, fake: FakeSimService) -> None:
    integration_id = create(cli)["id"]
    result = cli("update", integration_id, "-", stdin='{"name": "from stdin"}')
    assert result.code == EXIT_OK, result.err
    assert fake.integrations[integration_id]["name"] == "from stdin"


def test_list_table(cli: Any, env: None, fake: FakeSimService) -> None:
    fake.seed(2)
    create(cli, name="Multi\nline name", type="ServiceNowSDIM")
    result = cli("list", "--table")
    assert result.code == EXIT_OK
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "TYPE", "MODIFIED"]
    assert lines[-1] == "(3 integrations)"
    rows = lines[1:-1]
    assert len(rows) == 3
    for integration_id, doc in fake.integrations.items():
        row = next(r for r in rows if r.startswith(integration_id))
        assert " ".join(str(doc["name"]).split()) in row
        assert doc["modified"] in row
    # A name with a newline stays on its row.
    assert any("Multi line name" in row and "ServiceNowSDIM" in row for row in rows)


def test_patch_flags_apply_in_order_with_json_or_text_values(
    cli: Any, env: None, fake: FakeSimService
) -> None:
    integration_id = create(cli)["id"]
    result = cli(
        "patch",
        integration_id,
        "--replace",
        "/description=New text",  # not JSON: a plain string
        "--add",
        '/attributes={"url": "https://x.service-now.com", "retries": 3}',  # JSON object
        "--add",
        "/x-number=42",  # JSON number
        "--add",
        '/sources/-="43"',  # JSON string (quoted, else it would be the number 43)
        "--copy",
        "/description",
        "/name",
        "--move",
        "/sources/0",
        "/cluster",
        "--test",
        "/name=New text",
        "--add",
        "/x-flag=true",
        "--add",
        "/x-nan=NaN",  # not JSON (Python's json would say float nan): the text NaN
        "--add",
        "/x-null=null",
        "--remove",
        "/x-null",
    )
    assert result.code == EXIT_OK, result.err
    stored = fake.integrations[integration_id]
    assert stored["description"] == "New text"
    assert stored["name"] == "New text"
    assert stored["attributes"] == {"url": "https://x.service-now.com", "retries": 3}
    assert stored["x-number"] == 42
    assert stored["sources"] == ["43"]  # "a" moved out, "43" added as a string
    assert stored["cluster"] == "a"
    assert stored["x-flag"] is True
    assert stored["x-nan"] == "NaN"
    assert "x-null" not in stored
    # The wire carries the operations in the order given, in the documented object form by default.
    sent = fake.requests[-1].json()
    assert list(sent) == ["operations"]
    assert [op["op"] for op in sent["operations"]] == [
        "replace",
        "add",
        "add",
        "add",
        "copy",
        "move",
        "test",
        "add",
        "add",
        "add",
        "remove",
    ]
    assert sent["operations"][2]["value"] == 42
    assert sent["operations"][3]["value"] == "43"
    assert sent["operations"][4] == {"op": "copy", "from": "/description", "path": "/name"}
    assert sent["operations"][9] == {"op": "add", "path": "/x-null", "value": None}


def test_patch_format_rfc6902_sends_an_array(cli: Any, env: None, fake: FakeSimService) -> None:
    integration_id = create(cli)["id"]
    result = cli("patch", integration_id, "--patch-format", "rfc6902", "--replace", "/description=arr")
    assert result.code == EXIT_OK, result.err
    request = fake.requests[-1]
    assert request.json() == [{"op": "replace", "path": "/description", "value": "arr"}]
    assert request.header("Content-Type") == "application/json-patch+json"
    assert result.json()["description"] == "arr"


@pytest.mark.parametrize("form", ["object", "array"])
def test_patch_from_a_file_then_flags(
    cli: Any, env: None, fake: FakeSimService, tmp_path: Path, form: str
) -> None:
    integration_id = create(cli)["id"]
    operations = [{"op": "replace", "path": "/description", "value": "from file"}]
    document: Any = {"operations": operations} if form == "object" else operations
    path = tmp_path / "patch.json"
    path.write_text(json.dumps(document))
    result = cli("patch", integration_id, "--file", str(path), "--add", "/x-after=1")
    assert result.code == EXIT_OK, result.err
    sent = fake.requests[-1].json()["operations"]
    assert [op["path"] for op in sent] == ["/description", "/x-after"]
    assert fake.integrations[integration_id]["description"] == "from file"


def test_patch_rule(cli: Any, env: None, fake: FakeSimService) -> None:
    integration_id = create(cli)["id"]
    result = cli(
        "patch-rule",
        integration_id,
        "--add",
        "/id=048eb3d55c5a4758bd07dccb87741c78",
        "--add",
        "/type=RULE",
        "--add",
        "/name=My rule",
    )
    assert result.code == EXIT_OK, result.err
    assert result.json()["beforeProvisioningRule"] == {
        "id": "048eb3d55c5a4758bd07dccb87741c78",
        "type": "RULE",
        "name": "My rule",
    }
    assert fake.requests[-1].path.endswith(f"/{integration_id}/beforeProvisioningRule")


# --------------------------------------------------------------------------- bad input: exit 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('["a list"]', "must hold a JSON object"),
    ],
)
def test_bad_integration_files_exit_2(
    cli: Any, env: None, fake: FakeSimService, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = cli("create", str(path))
    assert result.code == EXIT_USAGE
    assert message in result.err
    assert fake.requests == []  # refused before anything was sent


def test_missing_file_exits_2(cli: Any, env: None, tmp_path: Path) -> None:
    result = cli("create", str(tmp_path / "nope.json"))
    assert result.code == EXIT_USAGE
    assert "cannot read" in result.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["patch", "id1"], "no operations"),
        (["patch", "id1", "--add", "/no-equals-sign"], "PATH=VALUE"),
        (["patch", "id1", "--replace", "description=x"], "JSON Pointer"),
        (["patch-rule", "id1", "--file", "-"], "patch file stdin is not valid JSON"),
    ],
)
def test_bad_patch_input_exits_2(
    cli: Any, env: None, fake: FakeSimService, argv: list[str], message: str
) -> None:
    result = cli(*argv, stdin="nope")
    assert result.code == EXIT_USAGE
    assert message in result.err
    assert fake.requests == []


def test_bad_patch_file_shape_exits_2(cli: Any, env: None, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"ops": []}')
    assert cli("patch", "id1", "--file", str(path)).code == EXIT_USAGE
    path.write_text('["not an object"]')
    assert cli("patch", "id1", "--file", str(path)).code == EXIT_USAGE


def test_empty_id_exits_2(cli: Any, env: None, fake: FakeSimService) -> None:
    result = cli("get", "")
    assert result.code == EXIT_USAGE
    assert fake.requests == []


# --------------------------------------------------------------------------- API errors: exit 3


def test_not_found_exits_3_with_tracking_id(cli: Any, env: None) -> None:
    result = cli("get", "no-such-id")
    assert result.code == EXIT_API_ERROR
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert "404" in lines[0]
    assert "trackingId" in lines[0]
    assert "was not found" in lines[0]


def test_wrong_typed_body_is_refused_before_sending_exit_2(cli: Any, env: None) -> None:
    # The models check declared types (issue 10.10): the server's 400 is not needed to find this one.
    result = cli("create", "-", stdin='{"name": "x", "sources": "not-a-list"}')
    assert result.code == EXIT_USAGE
    assert "field 'sources' must be an array of strings, got a string" in result.err


def test_failed_json_patch_test_exits_3(cli: Any, env: None) -> None:
    integration_id = create(cli)["id"]
    result = cli("patch", integration_id, "--test", "/description=something else")
    assert result.code == EXIT_API_ERROR
    assert "400" in result.err


def test_bad_credentials_exit_3_without_the_secret(
    cli: Any, env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "wrong-secret-0123456789"
    result = cli("--client-id", "cli-client", "--client-secret", wrong, "list")
    assert result.code == EXIT_API_ERROR
    assert "401" in result.err
    assert wrong not in result.err + result.out
    assert SECRET not in result.err + result.out


def test_bad_static_token_exits_3_without_the_token(
    cli: Any, env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SAIL_CLIENT_ID")
    monkeypatch.delenv("SAIL_CLIENT_SECRET")
    monkeypatch.setenv("SAIL_ACCESS_TOKEN", "not-a-token-the-fake-issued")
    result = cli("list")
    assert result.code == EXIT_API_ERROR
    assert "401" in result.err
    assert "not-a-token-the-fake-issued" not in result.err


def test_injected_429_is_retried(cli: Any, env: None, fake: FakeSimService) -> None:
    fake.inject(status=429, retry_after=0, operation="getSIMIntegrations")
    result = cli("list")
    assert result.code == EXIT_OK, result.err
    assert [r.operation for r in fake.requests].count("getSIMIntegrations") == 2


def test_max_retries_zero_disables_retries(cli: Any, env: None, fake: FakeSimService) -> None:
    fake.inject(status=503, operation="getSIMIntegrations")
    result = cli("--max-retries", "0", "list")
    assert result.code == EXIT_API_ERROR
    assert "503" in result.err
    assert [r.operation for r in fake.requests].count("getSIMIntegrations") == 1


# --------------------------------------------------------------------------- transport errors: exit 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_connection_refused_exits_4(cli: Any, env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAIL_BASE_URL", f"http://127.0.0.1:{free_port()}")
    result = cli("--max-retries", "0", "list")
    assert result.code == EXIT_TRANSPORT_ERROR
    assert result.err.startswith("error: ")


def test_unreadable_response_exits_4(cli: Any, env: None, fake: FakeSimService) -> None:
    fake.inject("html", operation="getSIMIntegrations")
    result = cli("list")
    assert result.code == EXIT_TRANSPORT_ERROR
    assert "unreadable 200 response" in result.err


def test_read_timeout_exits_4(cli: Any, env: None, fake: FakeSimService) -> None:
    fake.inject("delay", delay=2.0, operation="getSIMIntegration")
    result = cli("--timeout", "0.2", "--max-retries", "0", "get", "some-id")
    assert result.code == EXIT_TRANSPORT_ERROR
    assert "Timeout" in result.err


# --------------------------------------------------------------------------- logging and secrets


def test_quiet_without_verbose(cli: Any, env: None, fake: FakeSimService) -> None:
    fake.inject(status=429, retry_after=0, operation="getSIMIntegrations")
    result = cli("list")
    assert result.code == EXIT_OK
    assert result.err == ""  # the retry happened, silently
    assert [r.operation for r in fake.requests].count("getSIMIntegrations") == 2


@pytest.mark.parametrize("flag", ["-v", "-vv"])
def test_verbose_logs_requests_but_never_secrets(
    cli: Any, env: None, fake: FakeSimService, flag: str
) -> None:
    create(cli)
    fake.inject(status=429, retry_after=0, operation="getSIMIntegrations")
    result = cli(flag, "list")
    assert result.code == EXIT_OK
    assert "GET " in result.err and "/v2025/sim-integrations" in result.err  # the request is logged
    assert "429" in result.err  # and the retry
    if flag == "-vv":
        assert "httpx" in result.err  # the HTTP library's own log joins in
    assert SECRET not in result.err
    assert "Bearer" not in result.err
    assert "access_token" not in result.err


def test_secret_in_a_usage_error_is_redacted(cli: Any, env: None) -> None:
    # A secret pasted where the command belongs is echoed by argparse ("invalid choice: ..."): redacted.
    result = cli(SECRET)
    assert result.code == EXIT_USAGE
    assert SECRET not in result.err
    flag_secret = "flag-secret-9876543210"
    result = cli("--client-secret", flag_secret, flag_secret + "x")
    assert result.code == EXIT_USAGE
    assert flag_secret not in result.err


@pytest.mark.parametrize(
    "argv",
    [
        ["--client-s", "typo-secret-1", "list"],  # abbreviated: refused (no abbreviations)
        ["--client-secrt", "typo-secret-1", "list"],  # misspelt
        ["--acess-token=typo-secret-1", "typo-secret-1"],
        ["list", "--access-token", "typo-secret-1", "typo-secret-1"],
    ],
)
def test_secrets_after_misspelt_flags_are_redacted(cli: Any, env: None, argv: list[str]) -> None:
    result = cli(*argv)
    assert result.code == EXIT_USAGE
    assert "typo-secret-1" not in result.err


# --------------------------------------------------------------------------- python -m and fake-server


def test_python_m_and_fake_server_subcommand(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAIL_")}
    # The fake's own options pass through: one layout only, tokens that may read but not write.
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sailpoint_sim",
            "fake-server",
            "--port",
            "0",
            "--seed",
            "2",
            "--layout",
            "per-resource",
            "--scope",
            "idn:service-desk-integration:read",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        env.update(
            SAIL_BASE_URL=url, SAIL_CLIENT_ID=DEFAULT_CLIENT_ID, SAIL_CLIENT_SECRET=DEFAULT_CLIENT_SECRET
        )
        result = subprocess.run(
            [sys.executable, "-m", "sailpoint_sim", "list"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 3 and "404" in result.stderr  # v2025 is not served
        listing = subprocess.run(
            [sys.executable, "-m", "sailpoint_sim", "--layout", "per-resource", "list"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert listing.returncode == EXIT_OK, listing.stderr
        assert len(json.loads(listing.stdout)) == 2
        write = subprocess.run(
            [sys.executable, "-m", "sailpoint_sim", "--layout", "per-resource", "create", "-"],
            env=env,
            input='{"name": "x"}',
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert write.returncode == 3 and "403" in write.stderr  # the read-only scope
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert server.returncode == 0


def option_strings(help_text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", help_text))


def test_fake_server_has_the_fakes_options_and_no_connection_options(cli: Any) -> None:
    ours = cli("fake-server", "--help")
    assert ours.code == EXIT_OK
    theirs = subprocess.run(
        [sys.executable, "-m", "sailpoint_sim.testing", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert option_strings(ours.out.partition("\nconfiguration:")[0]) == option_strings(theirs.stdout)
    assert {"--scope", "--host", "--latency", "--token-ttl", "--layout", "--rate-limit"} <= option_strings(
        ours.out
    )
    for connection_only in ("--base-url", "--access-token", "--timeout", "--max-retries", "--api-version"):
        assert connection_only not in ours.out.partition("\nconfiguration:")[0]


def test_fake_server_on_a_port_in_use_exits_2(tmp_path: Path) -> None:
    # Exit 1 is this tool's "bug" code: an address that cannot be bound is a usage error (a bad --port).
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "sailpoint_sim", "fake-server", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == EXIT_USAGE, result.stderr
    assert "cannot bind" in result.stderr and result.stdout == ""


def test_fake_server_without_the_extra_gives_the_install_hint_once() -> None:
    # jsonpatch (the testing extra) made unimportable: the fake cannot start, and says so in one line.
    code = (
        "import sys; sys.modules['jsonpatch'] = sys.modules['jsonpointer'] = None\n"
        "from sailpoint_sim._cli import main\n"
        "sys.exit(main(['fake-server', '--port', '0']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == EXIT_USAGE
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert result.stderr.count("pip install") == 1
    assert "'/path/to/sailpoint-sim[testing]'" in result.stderr  # how the README installs it
    assert "Traceback" not in result.stderr


class ClosedPipe(io.StringIO):
    """A stdout whose reader went away, as in `sailpoint-sim list | head -1`."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_closed_stdout_pipe_is_not_an_error(
    env: None, fake: FakeSimService, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.seed(3)
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["list"]) == EXIT_OK
    assert capsys.readouterr().err == ""


def test_interrupt_exits_130(
    env: None, fake: FakeSimService, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Interrupted(io.StringIO):
        def write(self, text: str) -> int:
            raise KeyboardInterrupt

    monkeypatch.setattr(sys, "stdout", Interrupted())
    assert main(["list"]) == 130
    assert capsys.readouterr().err == "interrupted\n"
