"""Running the command-line tool in process, its output captured."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest

from sailpoint_sim._cli import main


class Run:
    """One in-process run of the CLI: exit code, stdout and stderr."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> Any:
        return json.loads(self.out)


def run_main(capsys: pytest.CaptureFixture[str], argv: Iterable[str], secrets: Iterable[str] = ()) -> Run:
    """``main(argv)`` with its output captured; none of ``secrets`` may appear on stdout or stderr."""
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    for secret in secrets:
        assert secret not in captured.out and secret not in captured.err, "a secret reached the output"
    return Run(code, captured.out, captured.err)
