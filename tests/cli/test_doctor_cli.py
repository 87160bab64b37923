"""``sailpoint-sim doctor`` run in-process through ``main(argv)`` against the fake over loopback HTTP."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from sailpoint_sim._cli import EXIT_API_ERROR, EXIT_OK, EXIT_TRANSPORT_ERROR, EXIT_USAGE, main
from sailpoint_sim.testing import FakeServer, FakeSimService
from tests.support.cli import Run, run_main
from tests.support.env import clear_sail_env, set_sail_env

CLIENT_ID = "doctor-cli-client"
SECRET = "d0ct0r-cli-s3cret-value"
TOKEN_PREFIX = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"  # every token the fake issues starts so


# `fake` and `server` (the pytest plugin's, tests/conftest.py) with doctor's own credentials and seed.
pytestmark = pytest.mark.sim_fake(seed=2, client_id=CLIENT_ID, client_secret=SECRET)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_sail_env(monkeypatch)


@pytest.fixture
def env(server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    set_sail_env(monkeypatch, server.url, CLIENT_ID, SECRET)


def doctor(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    return run_main(capsys, ["doctor", *argv], secrets=(SECRET, TOKEN_PREFIX))


def test_text_report_on_the_happy_path(
    env: None, server: FakeServer, fake: FakeSimService, capsys: pytest.CaptureFixture[str]
) -> None:
    result = doctor(capsys)

    assert result.code == EXIT_OK
    assert result.err == ""
    lines = result.out.splitlines()
    assert lines[0].startswith("sailpoint-sim doctor ")
    assert any(
        line.split() == ["client_secret", "***", "environment", "SAIL_CLIENT_SECRET"] for line in lines
    )
    assert any(line.split()[:2] == ["skipped", "tls"] and "loopback" in line for line in lines)
    assert any(line.split()[:2] == ["ok", "token"] for line in lines)
    assert any("GET /sim-integrations/v1" in line and " 200 " in line for line in lines)
    assert lines[-1] == "result: ok, the setup can list SIM integrations (exit 0)"
    assert fake.writes == []


def test_json_report_for_tickets(env: None, server: FakeServer, capsys: pytest.CaptureFixture[str]) -> None:
    result = doctor(capsys, "--json")

    assert result.code == EXIT_OK
    report = result.json()
    assert report["ok"] is True and report["exit_code"] == 0 and report["reason"] is None
    checks = {check["name"]: check for check in report["checks"]}
    assert list(checks) == [
        "settings",
        "dns",
        "connect",
        "tls",
        "token",
        "scopes",
        "layouts",
        "header",
        "clock",
        "rate-limit",
    ]
    assert checks["scopes"]["details"]["scopes"] == ["sp:scopes:all"]
    assert checks["header"]["details"]["required"] is True
    assert [probe["status"] for probe in checks["layouts"]["details"]["probes"]] == [200, 200]


def test_bad_secret_exits_3_with_the_reason_on_stderr(
    env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SAIL_CLIENT_SECRET", "not-the-s3cret-at-all")
    result = doctor(capsys, "--json")

    assert result.code == EXIT_API_ERROR
    assert result.json()["exit_code"] == EXIT_API_ERROR
    assert result.err.startswith("error: the client id or secret is wrong: the token endpoint answered 401")
    assert "not-the-s3cret-at-all" not in result.out + result.err


def test_secret_flags_are_masked_too(
    server: FakeServer, clean_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    result = doctor(capsys, "--base-url", server.url, "--client-id", CLIENT_ID, "--client-secret", SECRET)

    assert result.code == EXIT_OK
    assert any(
        line.split() == ["client_secret", "***", "flag", "--client-secret"]
        for line in result.out.splitlines()
    )


def test_connection_refused_exits_4(clean_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = doctor(capsys, "--base-url", f"http://127.0.0.1:{port}", "--access-token", "t0ken")

    assert result.code == EXIT_TRANSPORT_ERROR
    assert "connection refused" in result.err
    assert result.out.splitlines()[-1].startswith("result: FAILED (exit 4)")


def test_missing_settings_exit_2(clean_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    result = doctor(capsys)

    assert result.code == EXIT_USAGE
    assert result.err == "error: SAIL_BASE_URL is not set\n"


def test_config_file(
    server: FakeServer, clean_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"BaseURL": server.url, "ClientId": CLIENT_ID, "ClientSecret": SECRET}))
    result = doctor(capsys, "--config", str(config), "--json")

    assert result.code == EXIT_OK
    sources = {setting["name"]: setting["source"] for setting in result.json()["settings"]}
    assert sources["client_secret"] == "config.json ClientSecret"


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--help"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "nothing is written to the tenant" in out
    assert "--json" in out and "--config FILE" in out
    assert "exit codes:" in out
    assert main(["--help"]) == EXIT_OK
    assert "doctor" in capsys.readouterr().out


def test_layout_flag_is_the_configured_layout(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeSimService(client_id=CLIENT_ID, client_secret=SECRET, layouts=["per-resource"])
    with fake.serve() as server:
        monkeypatch.setenv("SAIL_BASE_URL", server.url)
        monkeypatch.setenv("SAIL_CLIENT_ID", CLIENT_ID)
        monkeypatch.setenv("SAIL_CLIENT_SECRET", SECRET)
        refused = doctor(capsys)
        fixed = doctor(capsys, "--layout", "per-resource", "--json")

    assert refused.code == EXIT_API_ERROR
    assert "use --layout per-resource or SAIL_SIM_LAYOUT=per-resource" in refused.err
    assert fixed.code == EXIT_OK
    settings = {setting["name"]: setting for setting in fixed.json()["settings"]}
    assert (settings["layout"]["value"], settings["layout"]["source"]) == ("per-resource", "flag --layout")
