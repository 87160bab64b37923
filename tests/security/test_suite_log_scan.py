"""The suite-wide log scan in tests/conftest.py must recognise the secrets it looks for."""

from __future__ import annotations

import logging

import pytest

from sailpoint_sim.testing import DEFAULT_CLIENT_SECRET, FakeSimService
from tests.suite_log_scan import FAKE_TOKEN_PREFIX, SecretScanHandler


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("sailpoint_sim", logging.DEBUG, __file__, 1, message, args, None)


def test_the_scan_looks_for_what_the_fake_really_uses() -> None:
    assert FakeSimService().issue_token().startswith(FAKE_TOKEN_PREFIX)
    handler = SecretScanHandler()
    handler.emit(_record("GET /x -> 200"))
    assert handler.leaks == []
    handler.emit(_record("sent %s", "Bearer " + FakeSimService().issue_token()))
    handler.emit(_record("secret was %s", DEFAULT_CLIENT_SECRET))
    assert handler.records == 3
    assert len(handler.leaks) == 2


def test_only_tests_marked_on_purpose_are_exempt(monkeypatch: pytest.MonkeyPatch) -> None:
    handler = SecretScanHandler()
    handler.exempt_tests.add("tests/x.py::test_on_purpose")
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "tests/x.py::test_on_purpose (call)")
    handler.emit(_record("secret was %s", DEFAULT_CLIENT_SECRET))
    assert handler.leaks == []
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "tests/x.py::test_other (call)")
    handler.emit(_record("secret was %s", DEFAULT_CLIENT_SECRET))
    assert len(handler.leaks) == 1
