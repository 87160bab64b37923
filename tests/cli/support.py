"""What the CLI tests share: the secret the fake accepts, a captured run, and a quick create."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

from sailpoint_sim._cli import EXIT_OK
from tests.support.cli import Run

__all__ = ["CLIENT_ID", "EXAMPLE", "ROOT", "SECRET", "Cli", "Run", "create"]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "spec" / "examples" / "seed-sim-integration-details.json"
CLIENT_ID = "cli-client"
SECRET = "s3cr3t-client-secret-value"


class Cli(Protocol):
    def __call__(self, *argv: str, stdin: str | None = None) -> Run: ...


def create(cli: Any, **fields: Any) -> dict[str, Any]:
    """Create an integration through the CLI and return what it printed."""
    body = {"name": "CLI test", "description": "before", "sources": ["a"], **fields}
    result = cli("create", "-", stdin=json.dumps(body))
    assert result.code == EXIT_OK, result.err
    created: dict[str, Any] = result.json()
    return created
