"""Hypothesis profiles for the whole suite (and nothing else).

``ci`` (the default) is derandomized: every run of ``make test`` draws the same examples, so a failure
in CI reproduces locally, and the example counts are high enough to mean something (thousands per
schema in total) while the suite stays within a few minutes on two cores.

``soak`` is random and much longer; select it with ``--hypothesis-profile=soak`` (``make soak``). The
``HYPOTHESIS_PROFILE`` environment variable can also choose a profile, so a soak can run over the whole
suite without editing anything.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

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
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
