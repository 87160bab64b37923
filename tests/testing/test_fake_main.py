"""``python -m sailpoint_sim.testing``: prints its address, serves, and exits cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

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
