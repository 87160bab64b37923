"""`run_doctor` against the fake over loopback HTTP: the happy path and each way a setup goes wrong.

The failures are real: a fake with another secret, tokens without the scope, a port nobody listens on, a
host that does not resolve. Doctor is never told what to find.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from sailpoint_sim._doctor import (
    EXIT_API_ERROR,
    EXIT_CONFIGURATION,
    EXIT_OK,
    EXIT_TRANSPORT,
    Access,
    DoctorReport,
    Status,
    run_doctor,
)
from sailpoint_sim._doctor._network import ui_host_hint
from sailpoint_sim.testing import SCOPE_READ, FakeServer, FakeSimService

CLIENT_ID = "doctor-client"
SECRET = "d0ct0r-s3cret-value-4242"
TOKEN_PREFIX = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"  # the fake's unsigned JWT header


# `fake` and `server` (tests/conftest.py, from the package's pytest plugin), set up here.
pytestmark = pytest.mark.sim_fake(seed=3, client_id=CLIENT_ID, client_secret=SECRET)


def env_for(url: str, secret: str = SECRET) -> dict[str, str]:
    return {"SAIL_BASE_URL": url, "SAIL_CLIENT_ID": CLIENT_ID, "SAIL_CLIENT_SECRET": secret}


def statuses(report: DoctorReport) -> dict[str, str]:
    return {check.name: str(check.status) for check in report.checks}


def assert_no_secret(report: DoctorReport, *secrets: str) -> None:
    text = json.dumps(report.to_dict()) + repr(report)
    for secret in (SECRET, TOKEN_PREFIX, *secrets):
        assert secret not in text


def assert_read_only(fake: FakeSimService) -> None:
    assert fake.writes == []
    for request in fake.requests:
        assert (request.method, request.operation) in (("POST", "token"), ("GET", "getSIMIntegrations"))


def test_happy_path(fake: FakeSimService, server: FakeServer) -> None:
    report = run_doctor(environ=env_for(server.url))

    assert report.ok and report.exit_code == EXIT_OK and report.reason is None
    assert statuses(report) == {
        "settings": "ok",
        "dns": "ok",
        "connect": "ok",
        "tls": "skipped",  # plain http to a loopback host
        "token": "ok",
        "scopes": "ok",
        "layouts": "ok",
        "header": "ok",
        "clock": "ok",
        "rate-limit": "ok",
    }
    assert "loopback" in report.check("tls").summary
    settings = {setting.name: (setting.value, setting.source) for setting in report.settings}
    assert settings["base_url"] == (server.url, "environment SAIL_BASE_URL")
    assert settings["client_id"] == (CLIENT_ID, "environment SAIL_CLIENT_ID")
    assert settings["client_secret"] == ("***", "environment SAIL_CLIENT_SECRET")
    assert settings["access_token"] == (None, "not set")
    assert settings["layout"] == ("v2025", "default")

    assert report.token is not None and report.token.exchanged
    assert report.token.lifetime == fake.token_ttl
    assert report.token.seconds is not None and report.token.seconds > 0
    assert report.token.scopes == ("sp:scopes:all",)
    assert (report.read, report.write) == (Access.YES, Access.YES)
    assert [(p.layout, p.path, p.status, p.count) for p in report.layouts] == [
        ("v2025", "/v2025/sim-integrations", 200, 3),
        ("per-resource", "/sim-integrations/v1", 200, 3),
    ]
    assert report.experimental_header_required is True
    assert report.clock_skew is not None and abs(report.clock_skew) <= 1.5
    assert report.rate_limit_headers == ()
    assert_no_secret(report)
    assert_read_only(fake)
    # One token request, two layouts, one call without the experimental header: nothing else.
    assert len(fake.requests) == 4


def test_bad_secret_is_an_api_error_and_stops_before_any_list_call(
    fake: FakeSimService, server: FakeServer
) -> None:
    wrong = "wr0ng-secret-value-0000"
    report = run_doctor(environ=env_for(server.url, secret=wrong))

    assert report.exit_code == EXIT_API_ERROR
    assert report.reason is not None and "client id or secret" in report.reason and "401" in report.reason
    assert report.check("token").status is Status.FAIL
    assert "Bad credentials" in report.check("token").summary
    for name in ("scopes", "layouts", "header"):
        assert report.check(name).status is Status.SKIPPED
    assert report.layouts == ()
    assert_no_secret(report, wrong)
    assert [request.operation for request in fake.requests] == ["token"]


def test_token_without_sim_scopes_cannot_list(server: FakeServer, fake: FakeSimService) -> None:
    fake.scopes = frozenset({"idn:sources:read"})
    report = run_doctor(environ=env_for(server.url))

    assert report.exit_code == EXIT_API_ERROR
    assert report.reason is not None and "scope" in report.reason and "403" in report.reason
    scopes = report.check("scopes")
    assert scopes.status is Status.WARN
    assert "idn:sources:read" in scopes.summary
    assert (report.read, report.write) == (Access.NO, Access.NO)
    assert {probe.status for probe in report.layouts} == {403}
    assert report.check("header").status is Status.SKIPPED
    assert_read_only(fake)


def test_read_only_scope_lists_but_says_writing_is_not_allowed(
    server: FakeServer, fake: FakeSimService
) -> None:
    fake.scopes = frozenset({SCOPE_READ})
    report = run_doctor(environ=env_for(server.url))

    assert report.exit_code == EXIT_OK
    assert (report.read, report.write) == (Access.YES, Access.NO)
    assert report.check("scopes").status is Status.WARN
    assert "write no" in report.check("scopes").summary
    assert_read_only(fake)


def test_unresolvable_host_is_a_transport_error() -> None:
    report = run_doctor(environ=env_for("https://acme-doctor-test.invalid"))

    assert report.exit_code == EXIT_TRANSPORT
    assert report.check("dns").status is Status.FAIL
    assert report.reason is not None and "does not resolve" in report.reason
    for name in ("connect", "tls", "token", "layouts"):
        assert report.check(name).status is Status.SKIPPED


def test_ui_host_instead_of_api_host_gets_a_hint() -> None:
    # Unit-level: a report test would have to reach SailPoint's real UI host.
    assert ui_host_hint("acme.identitynow.com") == (
        "this looks like the UI host; the API host is acme.api.identitynow.com"
    )
    assert ui_host_hint("acme.api.identitynow.com") is None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_a_transport_error() -> None:
    port = free_port()  # bound and released: nothing listens there now
    report = run_doctor(environ=env_for(f"http://127.0.0.1:{port}"))

    assert report.exit_code == EXIT_TRANSPORT
    assert report.check("dns").status is Status.OK
    connect = report.check("connect")
    assert connect.status is Status.FAIL and "connection refused" in connect.summary
    assert report.reason == f"cannot connect to 127.0.0.1:{port} connection refused"
    assert report.check("token").status is Status.SKIPPED


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "SAIL_BASE_URL is not set"),
        ({"SAIL_BASE_URL": "https://acme.api.identitynow.com"}, "no credentials"),
        (
            {"SAIL_BASE_URL": "http://acme.api.identitynow.com", "SAIL_ACCESS_TOKEN": "t0ken-value-xyz"},
            "plain http://",
        ),
        (
            {
                "SAIL_BASE_URL": "https://acme.api.identitynow.com",
                "SAIL_CLIENT_ID": "id",
                "SAIL_CLIENT_SECRET": "s3cret-xyz-123",
                "SAIL_SIM_LAYOUT": "v3",
            },
            "SAIL_SIM_LAYOUT must be one of 'v2025', 'per-resource'",
        ),
        (
            # A rule of the clients' own settings check, which doctor runs as is.
            {
                "SAIL_BASE_URL": "https://acme.api.identitynow.com",
                "SAIL_ACCESS_TOKEN": "t0ken-value-xyz",
                "SAIL_SIM_LAYOUT": "per-resource",
                "SAIL_API_VERSION": "v2024",
            },
            "applies only to layout 'v2025'",
        ),
        (
            {"SAIL_BASE_URL": "https://acme.api.identitynow.com", "SAIL_CLIENT_SECRET": "s3cret-xyz-123"},
            "SAIL_CLIENT_ID is not set",
        ),
    ],
)
def test_configuration_errors_exit_2_without_any_request(environ: dict[str, str], message: str) -> None:
    report = run_doctor(environ=environ)

    assert report.exit_code == EXIT_CONFIGURATION
    assert report.reason is not None and message in report.reason
    assert report.check("settings").status is Status.FAIL
    assert all(check.status is Status.SKIPPED for check in report.checks[1:])
    assert_no_secret(report, "t0ken-value-xyz", "s3cret-xyz-123")


def test_flags_win_over_the_environment_and_replace_its_credentials_as_a_set(
    server: FakeServer, fake: FakeSimService
) -> None:
    environ = {"SAIL_BASE_URL": "https://elsewhere.invalid", "SAIL_ACCESS_TOKEN": "env-t0ken-never-used"}
    flags = {
        "base_url": server.url,
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "layout": "per-resource",
    }
    report = run_doctor(flags=flags, environ=environ)

    assert report.ok
    sources = {setting.name: setting.source for setting in report.settings}
    assert sources["base_url"] == "flag --base-url"
    assert sources["client_secret"] == "flag --client-secret"
    assert sources["access_token"] == "not set"  # the variable is not mixed with credential flags
    assert sources["layout"] == "flag --layout"
    assert [probe.layout for probe in report.layouts] == ["per-resource", "v2025"]  # configured first
    assert_no_secret(report, "env-t0ken-never-used")


def test_a_ready_token_is_described_not_exchanged(server: FakeServer, fake: FakeSimService) -> None:
    token = fake.issue_token(scopes=[SCOPE_READ])
    report = run_doctor(environ={"SAIL_BASE_URL": server.url, "SAIL_ACCESS_TOKEN": token})

    assert report.ok
    assert report.token is not None and not report.token.exchanged
    assert report.token.scopes == (SCOPE_READ,)
    assert report.check("token").status is Status.INFO
    assert ("access_token", "***", "environment SAIL_ACCESS_TOKEN") in [
        (setting.name, setting.value, setting.source) for setting in report.settings
    ]
    assert fake.token_requests == 0
    assert_no_secret(report, token)


def test_config_file_replaces_the_environments_url_and_credentials(
    server: FakeServer, fake: FakeSimService, tmp_path: Path
) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"BaseURL": server.url, "ClientId": CLIENT_ID, "ClientSecret": SECRET}))
    environ = {"SAIL_BASE_URL": "https://elsewhere.invalid", "SAIL_SIM_LAYOUT": "per-resource"}
    report = run_doctor(environ=environ, config_file=config)

    assert report.ok
    sources = {setting.name: setting.source for setting in report.settings}
    assert sources["base_url"] == "config.json BaseURL"
    assert sources["client_id"] == "config.json ClientId"
    assert sources["client_secret"] == "config.json ClientSecret"
    assert sources["layout"] == "environment SAIL_SIM_LAYOUT"  # from_config_file reads it too
    assert (
        "SAIL_BASE_URL is set but not used: config.json is read instead"
        in report.check("settings").details["notes"]
    )
    assert_no_secret(report)


def test_unreadable_config_file_is_a_configuration_error(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text('{"BaseURL": ')
    report = run_doctor(environ={}, config_file=config)
    assert report.exit_code == EXIT_CONFIGURATION
    assert report.reason is not None and "is not valid JSON" in report.reason
