"""The Hypothesis profile in force (``ci`` or ``soak``), for figures that scale with it."""

from __future__ import annotations

from hypothesis import settings


def active_settings() -> settings:
    """The loaded profile's settings: the root conftest loads one before any test module is imported."""
    active = settings.default
    assert active is not None, "no Hypothesis profile loaded (tests/conftest.py loads one)"
    return active
