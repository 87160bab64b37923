"""Print the security figures (auth under load, secret scan) in pytest's terminal summary."""

from __future__ import annotations

import pytest

from .security_figures import OTHER_FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report what the security tests measured; silent when none ran."""
    if not OTHER_FIGURES:
        return
    terminalreporter.write_sep("-", "security figures")
    for _, line in sorted(OTHER_FIGURES.items()):
        terminalreporter.write_line(line)
