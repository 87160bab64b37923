"""Counters the fuzz tests fill in and ``conftest.py`` prints in pytest's terminal summary.

The figures are counted while the tests run (every example Hypothesis feeds a test adds one), so the
printed numbers are what actually ran, whatever profile was selected.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import settings

from tests.support.profiles import active_settings

# (test family, subject) -> examples run
EXAMPLES: Counter[tuple[str, str]] = Counter()
# (test family, outcome) -> count, e.g. ("arbitrary JSON", "NotFoundError")
OUTCOMES: Counter[tuple[str, str]] = Counter()
# schema name -> bodies generated valid for it from the fragment, across every fuzz test
SCHEMA_BODIES: Counter[str] = Counter()


def count(family: str, subject: str, n: int = 1) -> None:
    """Record ``n`` examples of ``family`` for ``subject``."""
    EXAMPLES[(family, subject)] += n


def schema_bodies(schema: str, n: int = 1) -> None:
    """Record ``n`` schema-valid bodies of ``schema`` (generated from the fragment) that a test checked."""
    SCHEMA_BODIES[schema] += n


def outcome(family: str, name: str) -> None:
    """Record how one example of ``family`` ended (a result type or an exception type name)."""
    OUTCOMES[(family, name)] += 1


def scaled(weight: float, **overrides: Any) -> settings:
    """Settings whose example budget is ``weight`` x the active profile's (ci or soak).

    Applied at import time, i.e. after pytest's ``--hypothesis-profile`` loaded the profile, so the soak
    profile scales every test up by the same factor.
    """
    return settings(max_examples=max(1, int(active_settings().max_examples * weight)), **overrides)
