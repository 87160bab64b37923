"""The README's sample doctor reports are what doctor prints today (numbers and ids aside)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from sailpoint_sim._cli import EXIT_API_ERROR, EXIT_OK, main
from sailpoint_sim.testing import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, FakeSimService

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def readme_sample(marker: str) -> list[str]:
    match = re.search(rf"<!-- {re.escape(marker)} -->\n```text\n(.*?)```", README, re.S)
    assert match, f"README has no doctor sample marked {marker}"
    return normalized(match.group(1))


def normalized(text: str) -> list[str]:
    """Lines with every number and hex id made equal and runs of spaces collapsed (ports and timings vary)."""
    text = re.sub(r"[0-9a-f]{32}", "ID", text)
    text = re.sub(r"\d+(\.\d+)?", "0", text)
    return [" ".join(line.split()) for line in text.strip().splitlines()]


def run_doctor_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, **fake_options: Any
) -> tuple[int, list[str]]:
    fake = FakeSimService(**fake_options)
    fake.seed(3)
    with fake.serve() as server:
        monkeypatch.setenv("SAIL_BASE_URL", server.url)
        monkeypatch.setenv("SAIL_CLIENT_ID", DEFAULT_CLIENT_ID)
        monkeypatch.setenv("SAIL_CLIENT_SECRET", DEFAULT_CLIENT_SECRET)
        for name in ("SAIL_ACCESS_TOKEN", "SAIL_API_VERSION", "SAIL_SIM_LAYOUT"):
            monkeypatch.delenv(name, raising=False)
        capsys.readouterr()
        code = main(["doctor"])
    return code, normalized(capsys.readouterr().out)


def test_readme_sample_matches_a_fresh_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, lines = run_doctor_cli(capsys, monkeypatch)
    assert code == EXIT_OK
    assert lines == readme_sample("readme-doctor-sample")


def test_readme_layout_sample_matches_a_fresh_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, lines = run_doctor_cli(capsys, monkeypatch, layouts=["per-resource"])
    assert code == EXIT_API_ERROR
    sample = readme_sample("readme-doctor-sample-layout")
    assert lines[-len(sample) :] == sample  # the sample shows the checks and the result
