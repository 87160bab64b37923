"""What one run measured, in nanoseconds, bytes and counts; serialised to results.json."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Results:
    """Per-process figures of every phase, plus what the report needs to describe the run."""

    meta: dict[str, Any] = field(default_factory=dict)
    # section -> workload -> client key -> per-process values
    samples: dict[str, dict[str, dict[str, list[float]]]] = field(default_factory=dict)
    clients: dict[str, str] = field(default_factory=dict)  # key -> label, in column order
    notes: list[str] = field(default_factory=list)
    imports: list[dict[str, Any]] = field(default_factory=list)

    def add(self, section: str, workload: str, client: str, value: float) -> None:
        """Record one process's figure."""
        self.samples.setdefault(section, {}).setdefault(workload, {}).setdefault(client, []).append(value)

    def note(self, text: str) -> None:
        """Add a note to the report once."""
        if text not in self.notes:
            self.notes.append(text)

    def to_json(self) -> dict[str, Any]:
        """The document results.json holds and report.render reads."""
        return {
            "meta": self.meta,
            "clients": self.clients,
            "samples": self.samples,
            "imports": self.imports,
            "notes": self.notes,
        }


def progress(text: str) -> None:
    """One line of progress on stderr (stdout carries the report)."""
    print(f"bench: {text}", file=sys.stderr, flush=True)
