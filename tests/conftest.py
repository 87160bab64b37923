"""Suite-wide set-up: Hypothesis profiles, and a secret scan of everything logged during the run.

``ci`` (the default) is derandomized: every run of ``make test`` draws the same examples, so a failure
in CI reproduces locally, and the example counts are high enough to mean something (thousands per
schema in total) while the suite stays within a few minutes on two cores.

``soak`` is random and much longer; select it with ``--hypothesis-profile=soak`` (``make soak``). The
``HYPOTHESIS_PROFILE`` environment variable can also choose a profile, so a soak can run over the whole
suite without editing anything.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

from tests.suite_log_scan import SCANNED_LOGGERS, SecretScanHandler

if TYPE_CHECKING:
    from sailpoint_sim.testing import FakeServer, FakeSimService

# Generating whole integration documents from JSON Schema is slow per example; the health checks that
# guard against slow data generation would flag that, although it is the point of these tests.
_SLOW_GENERATION = [HealthCheck.too_slow, HealthCheck.data_too_large]

settings.register_profile(
    "ci",
    derandomize=True,
    # No example database either: a run replays nothing from earlier runs, so the figures repeat.
    database=None,
    max_examples=500,
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW_GENERATION,
)
settings.register_profile(
    "soak",
    derandomize=False,
    max_examples=10_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW_GENERATION,
)
# `make mutation` runs the unit tests once per mutant (thousands of times): fewer examples, same seed.
# A mutant that only a rare example would expose is still counted as a survivor and looked at.
settings.register_profile(
    "mutation",
    derandomize=True,
    database=None,
    max_examples=50,
    deadline=None,
    suppress_health_check=_SLOW_GENERATION,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# -- secret scan over the whole suite ---------------------------------------------------------------
#
# tests/security/test_secret_scan.py scans one long scenario with known secrets in depth (reprs,
# exceptions, CLI output). This guard adds breadth: every record that the client, the fake service,
# httpx or httpcore logs at DEBUG, in every test of the run, is checked for the secrets the suite uses
# everywhere — the fake service's client secret and any token it issued (all of them start with the same
# unsigned JWT header). httpcore logs raw response headers: a server that echoed a token in a header
# would leak there, which this scan would report.

SUITE_SCAN = SecretScanHandler()


@pytest.fixture(scope="session", autouse=True)
def _scan_every_log_record_for_secrets() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in SCANNED_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(SUITE_SCAN)
        logger.setLevel(logging.DEBUG)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(SUITE_SCAN)
        logger.setLevel(level)
    assert not SUITE_SCAN.leaks, f"secrets reached the logs: {SUITE_SCAN.leaks[:5]}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    SUITE_SCAN.exempt_tests.update(
        item.nodeid for item in items if item.get_closest_marker("secrets_in_logs_on_purpose")
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SUITE_SCAN.records:
        terminalreporter.write_sep("-", "suite-wide log scan")
        terminalreporter.write_line(
            f"log scan: {SUITE_SCAN.records} records from {', '.join(SCANNED_LOGGERS)} at DEBUG across the "
            f"whole run; {len(SUITE_SCAN.leaks)} contained the fake service's client secret or a token"
        )


# -- both send paths (issue 14) ---------------------------------------------------------------------
#
# A client that builds its own httpx client sends straight through the transport; one given an
# `http_client` goes through that client's send(). Every end-to-end and reliability test runs through
# both: once as shipped, once with the direct path switched off (`_send.DIRECT_TRANSPORT`). Modules
# that only drive the CLI in a subprocess cannot be switched and run once.

_BOTH_PATHS_DIRS = ("e2e", "reliability")
_SUBPROCESS_ONLY = {"test_cli_e2e", "test_demo"}
SEND_PATHS = ("transport", "httpx-send")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    folder = os.path.basename(os.path.dirname(str(metafunc.definition.fspath)))
    # A test that parametrizes send_path itself (with the combinations that exist for it) keeps its own.
    chosen = any("send_path" in str(mark.args[0]) for mark in metafunc.definition.iter_markers("parametrize"))
    if (
        "send_path" in metafunc.fixturenames
        and not chosen
        and folder in _BOTH_PATHS_DIRS
        and module not in _SUBPROCESS_ONLY
    ):
        metafunc.parametrize("send_path", SEND_PATHS, indirect=True)


@pytest.fixture(autouse=True)
def send_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which send path clients built in this test use ("transport" unless parametrized)."""
    import sailpoint_sim._send

    path = str(getattr(request, "param", "transport"))
    monkeypatch.setattr(sailpoint_sim._send, "DIRECT_TRANSPORT", path == "transport")
    return path


# -- the fake, from the package's own pytest plugin (issue 13) -------------------------------------
#
# `fake` and `server` are the plugin's `sim_fake` and `sim_server` under the names the suites use; a
# module sets the fake up with `pytestmark = pytest.mark.sim_fake(seed=..., client_id=..., ...)`. A
# folder or module that needs something else defines its own fixture of the same name.


@pytest.fixture
def fake(sim_fake: FakeSimService) -> FakeSimService:
    """A fresh fake SIM service (the plugin's ``sim_fake``)."""
    return sim_fake


@pytest.fixture
def server(sim_server: FakeServer) -> FakeServer:
    """``fake`` served on loopback HTTP (the plugin's ``sim_server``)."""
    return sim_server
