"""`make check-generated` (scripts/generate.py --check): passes on the committed tree, and fails,
naming the files, on any drift. Determinism and the provenance stamp.

Drift is always produced in a temporary copy of spec/, scripts/ and generated/, never in the real
tree: generate.py finds its root from its own location, so the copy checks itself.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.support.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "sailpoint_sim_client"
SPEC = Path("spec/sim-integrations.v2025.yaml")
MODEL = f"generated/{PACKAGE}/models/service_desk_integration_dto.py"


def check_command(root: Path) -> list[str]:
    """`generate.py --check` of the tree at `root`, as `make check-generated` runs it."""
    return [sys.executable, str(root / "scripts" / "generate.py"), "--check"]


def reported(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The files the check names as different."""
    return re.findall(r"^  (generated/\S+)$", result.stderr, flags=re.MULTILINE)


def copy_tree(root: Path) -> Path:
    """A throwaway copy of what the check reads: spec/, scripts/generate.py and generated/."""
    (root / "scripts").mkdir(parents=True)
    shutil.copytree(ROOT / "spec", root / "spec")
    shutil.copy2(ROOT / "scripts" / "generate.py", root / "scripts" / "generate.py")
    shutil.copytree(ROOT / "generated", root / "generated", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def flip_one_byte(path: Path, offset: int) -> None:
    """Change exactly one byte (an ASCII letter's case) at or after `offset`."""
    data = bytearray(path.read_bytes())
    index = next(i for i in range(offset, len(data)) if chr(data[i]).isalpha() and data[i] < 128)
    data[index] ^= 0x20  # 'a' <-> 'A'
    path.write_bytes(bytes(data))


def unchanged(root: Path) -> None:
    """Nothing: the copy itself must check clean."""


def byte_in_generated(root: Path) -> None:
    model = root / MODEL
    flip_one_byte(model, model.read_bytes().index(b'"""') + 3)  # inside the class docstring


def byte_in_fragment(root: Path) -> None:
    # A letter of ServiceDeskIntegrationDto's description, which lands in the model's docstring.
    spec_file = root / SPEC
    data = spec_file.read_bytes()
    description = yaml.safe_load(data)["components"]["schemas"]["ServiceDeskIntegrationDto"]["description"]
    schema_start = data.index(b"\n    ServiceDeskIntegrationDto:")
    flip_one_byte(spec_file, data.index(description[:40].encode(), schema_start))


def newline_in_fragment(root: Path) -> None:
    # Changes no generated code at all: only the stamp's spec sha256 can notice.
    spec_file = root / SPEC
    spec_file.write_bytes(spec_file.read_bytes() + b"\n")


def stale_file(root: Path) -> None:
    (root / "generated" / PACKAGE / "models" / "stale_model.py").write_text(
        "# left over from an older spec\n"
    )


def missing_file(root: Path) -> None:
    (root / MODEL).unlink()


SCENARIOS: dict[str, Callable[[Path], None]] = {
    "committed": unchanged,  # the real tree, not a copy (see below)
    "unchanged": unchanged,
    "byte_in_generated": byte_in_generated,
    "byte_in_fragment": byte_in_fragment,
    "newline_in_fragment": newline_in_fragment,
    "stale_file": stale_file,
    "missing_file": missing_file,
}


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    """The check's outcome for every scenario; the runs are independent, so they share the cores."""
    base = tmp_path_factory.mktemp("drift")

    def run(name: str) -> subprocess.CompletedProcess[str]:
        if name == "committed":
            root = ROOT  # read only: the check regenerates into a temporary folder of its own
        else:
            root = copy_tree(base / name)
            SCENARIOS[name](root)
        return subprocess.run(check_command(root), cwd=root, capture_output=True, text=True, timeout=300)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return dict(zip(SCENARIOS, pool.map(run, SCENARIOS), strict=True))


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    """scripts/generate.py, loaded as a module under a private name."""
    return load_script("generate.py", "sim_generate_under_test")


def test_committed_tree_is_up_to_date(checks: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = checks["committed"]
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_an_unchanged_copy_passes(checks: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = checks["unchanged"]
    assert result.returncode == 0, result.stderr


def test_one_byte_changed_under_generated_fails_naming_the_file(
    checks: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = checks["byte_in_generated"]
    assert result.returncode == 1
    assert reported(result) == [MODEL]
    assert "make generate" in result.stderr


def test_one_byte_changed_in_the_fragment_without_regenerating_fails(
    checks: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = checks["byte_in_fragment"]
    assert result.returncode == 1
    names = reported(result)
    assert MODEL in names
    assert "generated/GENERATED.md" in names  # the stamp's spec sha256 no longer matches


def test_a_change_invisible_in_code_is_still_caught_by_the_stamp(
    checks: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = checks["newline_in_fragment"]
    assert result.returncode == 1
    assert reported(result) == ["generated/GENERATED.md"]


def test_a_stale_file_under_generated_is_reported(
    checks: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    result = checks["stale_file"]
    assert result.returncode == 1
    assert reported(result) == [f"generated/{PACKAGE}/models/stale_model.py"]


def test_a_missing_generated_file_is_reported(checks: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = checks["missing_file"]
    assert result.returncode == 1
    assert reported(result) == [MODEL]


def test_two_generations_are_byte_identical(
    generate: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Different hash seeds: set iteration order must not leak into the output.
    monkeypatch.setenv("PYTHONHASHSEED", "1")
    generate.generate_into(tmp_path / "first")
    monkeypatch.setenv("PYTHONHASHSEED", "2")
    generate.generate_into(tmp_path / "second")
    assert generate.differences(tmp_path / "first", tmp_path / "second") == []
    files = sorted(p.relative_to(tmp_path / "first") for p in (tmp_path / "first").rglob("*") if p.is_file())
    assert Path("GENERATED.md") in files
    assert Path(PACKAGE) / "py.typed" in files
    assert len(files) > 20
    for name in files:
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()


def stamp_table() -> dict[str, str]:
    text = (ROOT / "generated" / "GENERATED.md").read_text(encoding="utf-8")
    return {key: value for key, value in re.findall(r"^\| ([^|]+?) \| (.+?) \|$", text, flags=re.MULTILINE)}


def test_stamp_records_the_spec_sha256_and_pinned_tools() -> None:
    stamp = (ROOT / "generated" / "GENERATED.md").read_text(encoding="utf-8")
    assert stamp.startswith("# Generated code: do not edit")
    table = stamp_table()
    assert table["spec"] == f"`{SPEC.as_posix()}`"
    assert table["spec sha256"] == f"`{hashlib.sha256((ROOT / SPEC).read_bytes()).hexdigest()}`"
    pins = dict(
        line.split("==", 1)
        for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    assert table["generator"] == f"openapi-python-client {pins['openapi-python-client']}"
    assert pins["openapi-python-client"] == version("openapi-python-client") == "0.29.1"
    assert table["formatter"].startswith(f"ruff {pins['ruff']} ")
    assert pins["ruff"] == version("ruff")
    command = table["command"].strip("`")
    assert "--fail-on-warning" in command
    assert "--meta none" in command
    assert f"--path {SPEC.as_posix()}" in command


def test_post_hooks_run_ruff_in_isolated_mode() -> None:
    config = yaml.safe_load((ROOT / "spec" / "generator-config.yaml").read_text(encoding="utf-8"))
    hooks = config["post_hooks"]
    assert hooks, "explicit post-hooks are required: the default ones read the project's ruff settings"
    for hook in hooks:
        assert hook.startswith("ruff ")
        assert "--isolated" in hook.split()
