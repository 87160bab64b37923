"""The README's command-line block works as written: each `sailpoint-sim` line runs against the fake
(with a real id for ID and the files it names), and `fake-server`'s line parses with its own options."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from sailpoint_sim._cli import EXIT_OK
from sailpoint_sim._cli._commands import COMMANDS
from sailpoint_sim._cli._parser import build_parser
from sailpoint_sim.testing import FakeSimService

from .support import EXAMPLE, ROOT, Cli


def readme_cli_lines() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- readme-cli -->\n```sh\n(.*?)```", readme, re.S)
    assert match, "README has no sh block marked readme-cli"
    lines = []
    for line in match.group(1).splitlines():
        for command in line.split("#", 1)[0].split(";"):  # `a; b` runs a, then b
            words = shlex.split(command)
            if words and words[0] == "sailpoint-sim":
                lines.append(words[1:])
    return lines


def test_the_block_shows_every_command() -> None:
    shown = {words[next(i for i, w in enumerate(words) if not w.startswith("-") and w not in ("per-resource",))]
             for words in readme_cli_lines()}  # fmt: skip
    assert {
        "list",
        "get",
        "create",
        "update",
        "patch",
        "patch-rule",
        "delete",
        "fake-server",
        "export",
    } <= shown


def test_every_readme_command_runs(
    cli: Cli, env: None, fake: FakeSimService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "integration.json").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    ops = [{"op": "replace", "path": "/description", "value": "From ops.json"}]
    (tmp_path / "ops.json").write_text(json.dumps(ops), encoding="utf-8")
    created = cli("create", "integration.json")
    assert created.code == EXIT_OK, created.err
    ident = created.json()["id"]
    parser = build_parser(COMMANDS)
    for words in readme_cli_lines():
        argv = [
            ident if word == "ID" else str(tmp_path / "as-code") if word == "DIR" else word for word in words
        ]
        if argv[0] in ("fake-server", "apply"):
            # The options exist. Running the server is test_python_m_and_fake_server_subcommand's job;
            # apply asks on a terminal (its section's example, with --yes, is run by tests/docs).
            parser.parse(argv)
            continue
        result = cli(*argv)
        assert result.code == EXIT_OK, (argv, result.err)
    assert ident not in fake.integrations  # the last line deleted it
