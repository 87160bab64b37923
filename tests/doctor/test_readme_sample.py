"""The README's sample doctor report is what doctor prints today (numbers aside)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sailpoint_sim._cli import EXIT_OK, main
from sailpoint_sim.testing import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, FakeSimService

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def normalized(text: str) -> list[str]:
    """Lines with every number and hex id made equal and runs of spaces collapsed (ports and timings vary)."""
    text = re.sub(r"[0-9a-f]{32}", "ID", text)
    text = re.sub(r"\d+(\.\d+)?", "0", text)
    return [" ".join(line.split()) for line in text.strip().splitlines()]


def test_readme_sample_matches_a_fresh_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    match = re.search(r"<!-- readme-doctor-sample -->\n```text\n(.*?)```", README, re.S)
    assert match, "README has no doctor sample marked readme-doctor-sample"
    fake = FakeSimService()
    fake.seed(3)
    with fake.serve() as server:
        monkeypatch.setenv("SAIL_BASE_URL", server.url)
        monkeypatch.setenv("SAIL_CLIENT_ID", DEFAULT_CLIENT_ID)
        monkeypatch.setenv("SAIL_CLIENT_SECRET", DEFAULT_CLIENT_SECRET)
        for name in ("SAIL_ACCESS_TOKEN", "SAIL_API_VERSION", "SAIL_SIM_LAYOUT"):
            monkeypatch.delenv(name, raising=False)
        capsys.readouterr()
        assert main(["doctor"]) == EXIT_OK
    assert normalized(capsys.readouterr().out) == normalized(match.group(1))
