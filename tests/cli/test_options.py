"""Connection options added for issues 11 and 13: the path layout and the verbosity levels."""

from __future__ import annotations

import logging

import pytest

from sailpoint_sim._cli import EXIT_USAGE
from sailpoint_sim._cli._log import TRACE, levels_for
from sailpoint_sim._cli._main import error_line
from sailpoint_sim._errors import APIConnectionError
from sailpoint_sim.testing import FakeSimService

from .support import SECRET, Cli


def api_paths(fake: FakeSimService) -> list[str]:
    return [r.path for r in fake.requests if r.operation != "token"]


@pytest.mark.parametrize(
    ("argv", "path"),
    [
        (["--layout", "per-resource", "list"], "/sim-integrations/v1"),
        (["list", "--layout", "v2025"], "/v2025/sim-integrations"),
        (["get", "abc", "--layout", "per-resource"], "/sim-integrations/v1/abc"),
    ],
)
def test_layout_flag_chooses_the_paths(
    cli: Cli, env: None, fake: FakeSimService, argv: list[str], path: str
) -> None:
    cli("--max-retries", "0", *argv)
    assert api_paths(fake) == [path]


def test_layout_from_the_environment(
    cli: Cli, env: None, fake: FakeSimService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAIL_SIM_LAYOUT", "per-resource")
    cli("--max-retries", "0", "list")
    assert api_paths(fake) == ["/sim-integrations/v1"]
    fake.clear_records()
    cli("--max-retries", "0", "--layout", "v2025", "list")  # the flag wins
    assert api_paths(fake) == ["/v2025/sim-integrations"]


def test_an_unknown_layout_is_a_usage_error_listing_both(cli: Cli, env: None, fake: FakeSimService) -> None:
    result = cli("--layout", "v1", "list")
    assert result.code == EXIT_USAGE
    assert "--layout" in result.err and "per-resource" in result.err and "v2025" in result.err
    assert fake.requests == []


def test_layout_is_documented_in_help(cli: Cli) -> None:
    out = cli("list", "--help").out
    assert "--layout {v2025,per-resource}" in out and "SAIL_SIM_LAYOUT" in out


@pytest.mark.parametrize(
    ("verbosity", "package", "httpx"),
    [
        (0, logging.CRITICAL + 1, None),
        (1, logging.DEBUG, None),
        (2, logging.DEBUG, logging.DEBUG),
        (3, TRACE, logging.DEBUG),
    ],
)
def test_verbosity_levels(verbosity: int, package: int, httpx: int | None) -> None:
    levels = levels_for(verbosity)
    assert levels["sailpoint_sim"] == package
    assert levels.get("httpx") == httpx
    assert TRACE == 5 and logging.getLevelName(TRACE) == "TRACE"


def test_error_line_says_what_the_retries_were() -> None:
    error = APIConnectionError("ConnectError during GET https://x/v2025/sim-integrations")
    # The send path sets these on the error a call ends with.
    setattr(error, "attempts", 3)  # noqa: B010
    setattr(error, "retried_for", ("503 Service Unavailable", "ConnectError"))  # noqa: B010
    assert error_line(error) == (
        "error: ConnectError during GET https://x/v2025/sim-integrations "
        "(after 3 attempts; retried for 503 Service Unavailable, ConnectError)"
    )
    assert error_line(APIConnectionError("refused")) == "error: refused"


def test_vvv_shows_headers_and_bodies_with_secrets_masked(cli: Cli, env: None, fake: FakeSimService) -> None:
    result = cli("-vvv", "create", "-", stdin='{"name": "traced", "description": "body text"}')
    assert result.code == 0, result.err
    assert "TRACE sailpoint_sim" in result.err
    assert "body text" in result.err  # the request body
    assert "x-sailpoint-experimental: true" in result.err.lower()  # a request header
    assert "authorization: ***" in result.err.lower()  # the header is shown, its token masked
    assert "client_secret=***" in result.err  # the token request's form too
    assert SECRET not in result.err and "eyJ" not in result.err  # no secret, no token (a JWT)


def test_retries_are_in_the_error_line(cli: Cli, env: None, fake: FakeSimService) -> None:
    fake.inject(status=503, retry_after=0, operation="getSIMIntegrations", times=2)
    result = cli("--max-retries", "1", "list")
    assert result.code == 3
    assert result.err.count("\n") == 1
    assert "after 2 attempts" in result.err and "503" in result.err
