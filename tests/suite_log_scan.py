"""The secret scan that tests/conftest.py runs over every log record of the suite (see there)."""

from __future__ import annotations

import logging
import os

FAKE_CLIENT_SECRET = "fake-client-secret"
FAKE_TOKEN_PREFIX = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."  # base64url of {"alg":"none","typ":"JWT"}
SCANNED_LOGGERS = ("sailpoint_sim", "httpx", "httpcore")


class SecretScanHandler(logging.Handler):
    """Counts the records it sees and keeps those that contain a secret of the fake service."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records = 0
        self.leaks: list[str] = []
        # Tests marked `secrets_in_logs_on_purpose` send a secret where httpx logs it (for example a
        # token request with the credentials in the query string, to test the fake service itself).
        self.exempt_tests: set[str] = set()
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1
        text = self.format(record)  # message, arguments and any traceback
        if FAKE_CLIENT_SECRET in text or FAKE_TOKEN_PREFIX in text:
            test = os.environ.get("PYTEST_CURRENT_TEST", "outside a test")
            if test.rsplit(" (", 1)[0] in self.exempt_tests:
                return
            self.leaks.append(f"{test}: {text[:300]}")
