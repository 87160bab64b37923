"""Doctor against fakes that serve one layout only, run a skewed clock, or enforce a rate limit.

These use the fake's knobs agreed for issue 11 (``layouts=``, ``clock_skew=``, ``rate_limit=``); the
fake does the failing, doctor only observes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from sailpoint_sim import RateLimit
from sailpoint_sim._doctor import EXIT_API_ERROR, EXIT_OK, DoctorReport, Status, run_doctor
from sailpoint_sim.testing import FakeServer, FakeSimService

CLIENT_ID = "doctor-client"
SECRET = "d0ct0r-s3cret-value-4242"


@contextmanager
def serving(**knobs: Any) -> Iterator[tuple[FakeSimService, FakeServer]]:
    fake = FakeSimService(client_id=CLIENT_ID, client_secret=SECRET, **knobs)
    fake.seed(2)
    with fake.serve() as server:
        yield fake, server


def doctor(server: FakeServer, **extra: str) -> DoctorReport:
    environ = {
        "SAIL_BASE_URL": server.url,
        "SAIL_CLIENT_ID": CLIENT_ID,
        "SAIL_CLIENT_SECRET": SECRET,
        **extra,
    }
    report = run_doctor(environ=environ)
    assert SECRET not in json.dumps(report.to_dict())
    return report


def test_only_the_per_resource_layout_served_while_v2025_is_configured() -> None:
    with serving(layouts=["per-resource"]) as (fake, server):
        report = doctor(server)
    assert report.exit_code == EXIT_API_ERROR
    assert [(probe.layout, probe.status) for probe in report.layouts] == [
        ("v2025", 404),
        ("per-resource", 200),
    ]
    assert report.check("layouts").status is Status.FAIL
    assert report.reason is not None
    assert "v2025 answers 404" in report.reason
    assert "--layout per-resource" in report.reason and "SAIL_SIM_LAYOUT=per-resource" in report.reason
    # The header probe uses the layout that answers.
    assert report.experimental_header_required is True
    assert fake.writes == []


def test_only_the_per_resource_layout_served_and_configured() -> None:
    with serving(layouts=["per-resource"]) as (_, server):
        report = doctor(server, SAIL_SIM_LAYOUT="per-resource")
    assert report.exit_code == EXIT_OK
    assert [(probe.layout, probe.status) for probe in report.layouts] == [
        ("per-resource", 200),
        ("v2025", 404),
    ]
    assert report.check("layouts").status is Status.INFO


def test_only_the_v2025_layout_served_while_per_resource_is_configured() -> None:
    with serving(layouts=["v2025"]) as (_, server):
        report = doctor(server, SAIL_SIM_LAYOUT="per-resource")
    assert report.exit_code == EXIT_API_ERROR
    assert report.reason is not None and "--layout v2025" in report.reason


def test_server_clock_ahead_is_reported_with_a_warning() -> None:
    with serving(clock_skew=3600) as (_, server):
        report = doctor(server)
    assert report.exit_code == EXIT_OK  # a skewed clock does not stop listing
    assert report.clock_skew is not None and abs(report.clock_skew - 3600) <= 1.5
    clock = report.check("clock")
    assert clock.status is Status.WARN
    assert "3600 s ahead of this machine" in clock.summary


def test_server_clock_slightly_behind_is_fine() -> None:
    with serving(clock_skew=-10) as (_, server):
        report = doctor(server)
    assert report.clock_skew is not None and abs(report.clock_skew + 10) <= 1.5
    clock = report.check("clock")
    assert clock.status is Status.OK and "10 s behind" in clock.summary


def test_rate_limited_calls_are_reported_with_their_headers() -> None:
    # One request per token per minute: the first list call passes, every later one draws a 429.
    with serving(rate_limit=RateLimit(requests=1, per=60.0)) as (fake, server):
        report = doctor(server)
        limited = fake.stats()["rate_limited"]
    assert report.exit_code == EXIT_OK  # the configured layout listed
    assert [(probe.layout, probe.status) for probe in report.layouts] == [
        ("v2025", 200),
        ("per-resource", 429),
    ]
    assert limited >= 1
    rate = report.check("rate-limit")
    assert rate.status is Status.WARN
    assert "429" in rate.summary
    headers = dict(report.rate_limit_headers)
    assert 0 < int(headers["retry-after"]) <= 60
    assert "Rate Limit Exceeded" in (report.layouts[1].message or "")


def test_rate_limited_on_the_first_list_call_cannot_list() -> None:
    with serving(rate_limit=RateLimit(requests=1, per=60.0)) as (fake, server):
        token = fake.issue_token()
        # Use up the token's one request, then hand doctor that token.
        httpx.get(
            server.url + "/v2025/sim-integrations",
            headers={"Authorization": f"Bearer {token}", "X-SailPoint-Experimental": "true"},
        )
        report = doctor(server, SAIL_ACCESS_TOKEN=token, SAIL_CLIENT_ID="", SAIL_CLIENT_SECRET="")
    assert report.exit_code == EXIT_API_ERROR
    assert report.reason is not None and report.reason.startswith("rate limited")
    assert "retry-after" in dict(report.rate_limit_headers)
