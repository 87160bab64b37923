"""Fixtures of the CLI tests: the fake on loopback, SAIL_* pointing at it, and an in-process runner."""

from __future__ import annotations

import io
import sys

import pytest

from sailpoint_sim._cli import main
from sailpoint_sim.testing import FakeServer
from tests.support.env import clear_sail_env

from .support import CLIENT_ID, SECRET, Cli, Run


@pytest.fixture
def sim_fake_options() -> dict[str, object]:
    """The pytest plugin's fake (``sim_fake``, ``sim_server``), with these tests' client credentials."""
    return {"client_id": CLIENT_ID, "client_secret": SECRET}


@pytest.fixture
def no_sail_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No SAIL_* variable from the developer's shell leaks into a test."""
    clear_sail_env(monkeypatch)


@pytest.fixture
def env(server: FakeServer, monkeypatch: pytest.MonkeyPatch, no_sail_env: None) -> None:
    """Configure the CLI through SailPoint's variables, as a user would (client credentials)."""
    monkeypatch.setenv("SAIL_BASE_URL", server.url)
    monkeypatch.setenv("SAIL_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SAIL_CLIENT_SECRET", SECRET)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    def run(*argv: str, stdin: str | None = None) -> Run:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
