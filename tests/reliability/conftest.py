"""Print the fault-matrix figures in pytest's terminal summary (so they show in ``make test`` output)."""

from __future__ import annotations

import pytest

from .reliability_figures import MATRIX, OTHER


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report the matrix size and outcomes, computed from the cases that ran; silent when none ran."""
    if not MATRIX.cases and not OTHER:
        return
    terminalreporter.write_sep("-", "reliability figures")
    if MATRIX.cases:
        for line in MATRIX.summary():
            terminalreporter.write_line(line)
    for _, line in sorted(OTHER.items()):
        terminalreporter.write_line(line)
