"""scripts/mutation.py: the per-module score table read from mutmut's result files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]


mutation = load_script("mutation.py", "mutation_report")


def _meta(tmp_path: Path, module: str, exit_codes: dict[str, int | None]) -> None:
    path = tmp_path / "src" / "sailpoint_sim" / f"{module}.py.meta"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"exit_code_by_key": exit_codes}), encoding="utf-8")


def test_scores_count_each_status_per_module(tmp_path: Path) -> None:
    _meta(tmp_path, "_retry", {"a__mutmut_1": 1, "a__mutmut_2": 3, "a__mutmut_3": 0, "a__mutmut_4": 36})
    _meta(tmp_path, "_config", {"b__mutmut_1": 1, "b__mutmut_2": 33, "b__mutmut_3": None})
    scores, survivors = mutation.read_scores(tmp_path)
    by_module = {score.module: score for score in scores}
    retry = by_module["src/sailpoint_sim/_retry.py"]
    assert (retry.killed, retry.survived, retry.no_tests, retry.timeout) == (2, 1, 0, 1)
    assert retry.score == pytest.approx(3 / 4)
    config = by_module["src/sailpoint_sim/_config.py"]
    assert (config.killed, config.no_tests, config.other) == (1, 1, 1)
    assert config.score == pytest.approx(1 / 2)  # untested mutants count against the score; unrun do not
    assert survivors == ["b__mutmut_2", "a__mutmut_3"]


def test_table_has_a_row_per_module_and_a_total(tmp_path: Path) -> None:
    _meta(tmp_path, "_retry", {"a__mutmut_1": 1, "a__mutmut_2": 0})
    _meta(tmp_path, "_errors", {"c__mutmut_1": 1})
    scores, _ = mutation.read_scores(tmp_path)
    table = mutation.format_table(scores).splitlines()
    assert table[0].split()[:2] == ["module", "killed"]
    rows = {line.split()[0]: line.split() for line in table[2:]}
    assert rows["src/sailpoint_sim/_retry.py"][1:3] == ["1", "1"]
    assert rows["src/sailpoint_sim/_retry.py"][-1] == "50.0%"
    assert rows["total"][1:3] == ["2", "1"]
    assert rows["total"][-1] == "66.7%"


def test_report_fails_below_the_targets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _meta(tmp_path, "_retry", {"a__mutmut_1": 1, "a__mutmut_2": 0})
    monkeypatch.setattr(mutation, "MUTANTS", tmp_path)
    assert mutation.main(["--report-only"]) == 0
    assert mutation.main(["--report-only", "--min-total", "0.5"]) == 0
    assert mutation.main(["--report-only", "--min-total", "0.95"]) == 1
    assert mutation.main(["--report-only", "--min-module", "0.9"]) == 1


def test_no_results_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mutation, "MUTANTS", tmp_path)
    assert mutation.main(["--report-only"]) == 2


def test_module_names_map_to_mutmut_patterns_and_back() -> None:
    assert mutation.mutant_pattern("_retry") == "sailpoint_sim._retry.*"
    assert mutation.module_name("src/sailpoint_sim/as_code/_plan.py") == "as_code._plan"
    assert mutation.module_name_of_mutant("sailpoint_sim._ratelimit.xǁPacerǁhold__mutmut_2") == "_ratelimit"
    assert mutation.module_name_of_mutant("sailpoint_sim.as_code._plan.x_f__mutmut_1") == "as_code._plan"


def test_report_only_of_one_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _meta(tmp_path, "_retry", {"sailpoint_sim._retry.x_a__mutmut_1": 0})
    _meta(tmp_path, "_config", {"sailpoint_sim._config.x_b__mutmut_1": 0})
    monkeypatch.setattr(mutation, "MUTANTS", tmp_path)
    assert mutation.main(["--report-only", "--survivors", "--module", "_retry"]) == 0
    out = capsys.readouterr().out
    assert "src/sailpoint_sim/_retry.py" in out and "sailpoint_sim._retry.x_a__mutmut_1" in out
    assert "_config" not in out


def test_a_module_not_run_yet_has_no_score_and_fails_a_module_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _meta(tmp_path, "_retry", {"a__mutmut_1": 1})
    _meta(tmp_path, "_send", {"b__mutmut_1": None, "b__mutmut_2": None})
    monkeypatch.setattr(mutation, "MUTANTS", tmp_path)
    assert mutation.main(["--report-only"]) == 0
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[2:]}
    assert rows["src/sailpoint_sim/_send.py"][1:6] == ["0", "0", "0", "0", "-"]
    assert rows["total"][1:6] == ["1", "0", "0", "0", "100.0%"]
    assert mutation.main(["--report-only", "--min-module", "0.9"]) == 1


def test_mutmut_runs_with_the_mutation_hypothesis_profile(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: dict[str, object] = {}

    def fake_run(command: list[str], **kwargs: object) -> object:
        seen.update(kwargs, command=command)
        return type("Done", (), {"returncode": 0})()

    _meta(tmp_path, "_retry", {"a__mutmut_1": 1})
    monkeypatch.setattr(mutation, "MUTANTS", tmp_path)
    monkeypatch.setattr(mutation.subprocess, "run", fake_run)
    monkeypatch.delenv("HYPOTHESIS_PROFILE", raising=False)
    assert mutation.main(["--module", "_retry"]) == 0
    assert seen["command"][1:] == ["run", "--max-children", "2", "sailpoint_sim._retry.*"]  # type: ignore[index]
    assert seen["env"]["HYPOTHESIS_PROFILE"] == "mutation"  # type: ignore[index]
