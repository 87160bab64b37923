"""``python -m sailpoint_sim.testing``: prints its address, serves, and exits cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import email.utils
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sailpoint_sim.testing import _extra, add_server_options, run_server

SECRET = "main-test-secret-value"
FORM = {"grant_type": "client_credentials", "client_id": "main-id", "client_secret": SECRET}


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sailpoint_sim.testing", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def process() -> Iterator[subprocess.Popen[str]]:
    proc = start("--seed", "3", "--client-id", "main-id", "--client-secret", SECRET, "--delete-status", "200")
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def read_url(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+\n", line), line
    return line.strip()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serves_then_exits_cleanly_on_signal(process: subprocess.Popen[str], signum: int) -> None:
    url = read_url(process)
    token = httpx.post(f"{url}/oauth/token", data=FORM, timeout=10).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "X-SailPoint-Experimental": "true"}
    listed = httpx.get(f"{url}/v2025/sim-integrations", headers=headers, timeout=10).json()
    assert len(listed) == 3
    assert httpx.delete(f"{url}/v2025/sim-integrations/{listed[0]['id']}", headers=headers).status_code == 200
    process.send_signal(signum)
    out, err = process.communicate(timeout=15)
    assert process.returncode == 0
    assert SECRET not in out + err
    assert token not in out + err
    port = int(url.rsplit(":", 1)[1])
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_latency_option_and_stdout_is_only_the_url() -> None:
    proc = start("--latency", "0.01", "--token", "fixed")
    try:
        url = read_url(proc)
        headers = {"Authorization": "Bearer fixed", "X-SailPoint-Experimental": "true"}
        assert httpx.get(f"{url}/v2025/sim-integrations", headers=headers, timeout=10).json() == []
        proc.terminate()
        out, _ = proc.communicate(timeout=15)
        assert out == ""  # the URL line was already read; nothing else is printed
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_busy_port_exits_1() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        proc = subprocess.run(
            [sys.executable, "-m", "sailpoint_sim.testing", "--port", str(busy.getsockname()[1])],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert proc.returncode == 1
    assert "cannot bind" in proc.stderr
    assert proc.stdout == ""


def test_help() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sailpoint_sim.testing", "--help"], capture_output=True, text=True, timeout=30
    )
    assert proc.returncode == 0
    assert "--latency" in proc.stdout and "--seed" in proc.stdout


def test_scope_flag_sets_the_scopes_of_issued_tokens() -> None:
    proc = start(
        *("--client-id", "main-id", "--client-secret", SECRET),
        *("--scope", "idn:service-desk-integration:read", "--scope", "sp:scopes:default"),
    )
    try:
        url = read_url(proc)
        granted = httpx.post(f"{url}/oauth/token", data=FORM, timeout=10).json()
        assert granted["scope"] == "idn:service-desk-integration:read sp:scopes:default"
        headers = {"Authorization": f"Bearer {granted['access_token']}", "X-SailPoint-Experimental": "true"}
        assert httpx.get(f"{url}/v2025/sim-integrations", headers=headers, timeout=10).status_code == 200
        refused = httpx.post(f"{url}/v2025/sim-integrations", headers=headers, json={"name": "x"}, timeout=10)
        assert refused.status_code == 403
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_layout_rate_limit_clock_skew_and_delete_status_flags() -> None:
    proc = start(
        *("--token", "fixed", "--seed", "1", "--layout", "per-resource"),
        *("--rate-limit", "3/60", "--clock-skew", "-7200", "--delete-status", "204"),
    )
    try:
        url = read_url(proc)
        headers = {"Authorization": "Bearer fixed", "X-SailPoint-Experimental": "true"}
        with httpx.Client(base_url=url, headers=headers, timeout=10) as client:
            assert client.get("/v2025/sim-integrations").status_code == 404  # layout not served
            listed = client.get("/sim-integrations/v1")
            assert listed.status_code == 200
            date = email.utils.parsedate_to_datetime(listed.headers["Date"]).timestamp()
            assert abs(date - (time.time() - 7200)) < 60
            assert client.delete(f"/sim-integrations/v1/{listed.json()[0]['id']}").status_code == 204
            assert client.get("/sim-integrations/v1").status_code == 200  # the 404 was not counted
            refused = client.get("/sim-integrations/v1")
            assert refused.status_code == 429
            assert refused.json() == {"message": " Rate Limit Exceeded "}
            assert 1 <= int(refused.headers["Retry-After"]) <= 60
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_the_options_are_one_set_any_command_can_add() -> None:
    parser = add_server_options(argparse.ArgumentParser(prog="sailpoint-sim fake-server"))
    args = parser.parse_args(["--layout", "v2025", "--rate-limit", "100/10", "--clock-skew", "2.5"])
    assert args.layouts == ["v2025"]
    assert args.rate_limit == (100, 10.0)
    assert args.clock_skew == 2.5
    assert args.delete_status == 200
    defaults = parser.parse_args([])
    assert (defaults.layouts, defaults.rate_limit, defaults.scopes, defaults.port) == (None, None, None, 0)
    assert callable(run_server)


@pytest.mark.parametrize("value", ["100", "0/10", "10/0", "x/y", "5/-1"])
def test_a_bad_rate_limit_is_a_usage_error(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    parser = add_server_options(argparse.ArgumentParser(prog="fake"))
    with pytest.raises(SystemExit) as exited:
        parser.parse_args(["--rate-limit", value])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"rate limit {value!r}" in err
    assert "Traceback" not in err


def test_help_lists_every_option() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sailpoint_sim.testing", "--help"], capture_output=True, text=True, timeout=30
    )
    for option in ("--layout", "--rate-limit", "--clock-skew", "--scope", "--host", "--token-ttl"):
        assert option in proc.stdout


def test_without_the_extra_one_line_names_the_install_path(tmp_path: Path) -> None:
    # A jsonpatch that cannot be imported, first on the path: as if the extra were not installed.
    (tmp_path / "jsonpatch.py").write_text("raise ImportError(\"No module named 'jsonpatch'\")\n")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "sailpoint_sim.testing", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "error: the fake service needs the 'testing' extra: pip install '/path/to/sailpoint-sim[testing]' "
        "(your clone or wheel; make venv includes it)"
    ]
    # ... and the package, its options and its plugin still import without it
    check = subprocess.run(
        [sys.executable, "-c", "import sailpoint_sim.testing, sailpoint_sim.testing._options"],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    assert check.returncode == 0, check.stderr


def test_in_a_vendored_copy_the_hint_says_to_install_jsonpatch(tmp_path: Path) -> None:
    (tmp_path / "VENDORED.md").write_text("vendored\n")
    assert _extra.hint(tmp_path) == (
        "the fake service (sailpoint_sim.testing) needs jsonpatch, which vendoring does not install: "
        "pip install 'jsonpatch>=1.33'"
    )
