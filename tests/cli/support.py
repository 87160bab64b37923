"""What the CLI tests share: the secret the fake accepts, a captured run, and a quick create."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

from sailpoint_sim._cli import EXIT_OK

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "spec" / "examples" / "seed-sim-integration-details.json"
CLIENT_ID = "cli-client"
SECRET = "s3cr3t-client-secret-value"


class Run:
    """One in-process run of the CLI: exit code, stdout and stderr."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> Any:
        return json.loads(self.out)


class Cli(Protocol):
    def __call__(self, *argv: str, stdin: str | None = None) -> Run: ...


def create(cli: Any, **fields: Any) -> dict[str, Any]:
    """Create an integration through the CLI and return what it printed."""
    body = {"name": "CLI test", "description": "before", "sources": ["a"], **fields}
    result = cli("create", "-", stdin=json.dumps(body))
    assert result.code == EXIT_OK, result.err
    created: dict[str, Any] = result.json()
    return created
