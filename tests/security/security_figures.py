"""Figures the security tests record and ``conftest.py`` prints in pytest's terminal summary."""

from __future__ import annotations

# name -> one line of figures (filled while the tests run)
OTHER_FIGURES: dict[str, str] = {}
