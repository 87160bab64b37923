"""Print the fuzzing figures (examples per schema and outcome counts) in pytest's terminal summary."""

from __future__ import annotations

import pytest
from hypothesis import settings

from .fuzz_figures import EXAMPLES, OUTCOMES, SCHEMA_BODIES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report what the fuzz tests ran, grouped by test family; silent when none ran."""
    if not EXAMPLES:
        return
    profile = settings.get_current_profile_name()
    terminalreporter.write_sep("-", f"fuzz figures (hypothesis profile {profile!r})")
    families = sorted({family for family, _ in EXAMPLES})
    for family in families:
        rows = {subject: n for (fam, subject), n in EXAMPLES.items() if fam == family}
        total = sum(rows.values())
        detail = ", ".join(f"{subject} {n}" for subject, n in sorted(rows.items()))
        terminalreporter.write_line(f"fuzz {family}: {total} examples ({detail})")
        outcomes = {name: n for (fam, name), n in OUTCOMES.items() if fam == family}
        if outcomes:
            ends = ", ".join(f"{name} {n}" for name, n in sorted(outcomes.items(), key=lambda kv: -kv[1]))
            terminalreporter.write_line(f"    outcomes: {ends}")
    if SCHEMA_BODIES:
        total = sum(SCHEMA_BODIES.values())
        detail = ", ".join(f"{name} {n}" for name, n in SCHEMA_BODIES.most_common())
        terminalreporter.write_line(f"fuzz schema-valid bodies checked, all tests: {total} ({detail})")
