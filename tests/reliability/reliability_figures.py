"""Outcome counters the fault-matrix tests fill in and ``conftest.py`` prints in the terminal summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class MatrixFigures:
    """What the fault matrix ran and how each case ended (filled while the tests run)."""

    endpoints: set[str] = field(default_factory=set)
    clients: set[str] = field(default_factory=set)
    faults: set[str] = field(default_factory=set)
    carriers: set[str] = field(default_factory=set)
    cases: int = 0
    as_expected: int = 0
    untyped_errors: int = 0
    duplicate_writes: int = 0
    forbidden_retries: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    def summary(self) -> list[str]:
        """The lines printed at the end of the run."""
        shape = (
            f"{len(self.endpoints)} endpoints x {len(self.clients)} clients x {len(self.faults)} faults"
            f" x {len(self.carriers)} carriers"
        )
        ends = ", ".join(f"{name} {n}" for name, n in sorted(self.outcomes.items(), key=lambda kv: -kv[1]))
        return [
            f"fault matrix: {shape} = {self.cases} cases, {self.as_expected} as expected, "
            f"{self.untyped_errors} untyped errors, {self.duplicate_writes} duplicate writes, "
            f"{self.forbidden_retries} forbidden retries",
            f"    outcomes: {ends}",
        ]


MATRIX = MatrixFigures()
# Free-form figures of the other reliability tests: name -> line.
OTHER: dict[str, str] = {}
