"""Fixtures for the vendoring tests: the script as a module, a runner, and a clean interpreter.

The "clean" interpreter is the project's own Python started with `-I -S`: no site-packages (so
neither the editable install of sailpoint_sim / sailpoint_sim_client nor jsonpatch), no user site,
no PYTHONPATH. The probe it runs puts two folders first on sys.path: the host project the copy was
vendored into, and a folder of links to exactly httpx, attrs and what they require. That is the
environment a host project promises the copy, built offline from the packages already installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest
from packaging.requirements import Requirement

from tests.support.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "vendor.py"
RUNTIME_DISTRIBUTIONS = ("httpx", "attrs")

RunVendor = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def vendor_module() -> ModuleType:
    """scripts/vendor.py imported as a module (it is a script, not part of a package)."""
    return load_script(SCRIPT.name, "vendor_script")


@pytest.fixture
def run_vendor() -> RunVendor:
    """Run scripts/vendor.py as `make vendor` does: the project's Python, from the project root."""

    def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, timeout=120
        )

    return run


def _closure(names: tuple[str, ...]) -> set[str]:
    """Distributions `names` need on this interpreter, themselves included (extras left out)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = metadata.distribution(todo.pop()).metadata["Name"]
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return seen


def _top_level(distribution: str) -> set[Path]:
    """Installed top-level modules and packages of one distribution."""
    dist = metadata.distribution(distribution)
    found: set[Path] = set()
    for file in dist.files or []:
        parts = Path(str(file)).parts
        if not parts or parts[0] == ".." or parts[0].endswith((".dist-info", ".egg-info")):
            continue
        if parts[0] == "__pycache__" or parts[0].endswith(".pth"):
            continue
        location = Path(str(dist.locate_file(parts[0])))
        if len(parts) > 1 or location.suffix in {".py", ".so", ".pyd"}:
            found.add(location)
    return found


def _site(folder: Path, distributions: tuple[str, ...]) -> Path:
    """Fill `folder` with links to `distributions` and their requirements, and nothing else."""
    for distribution in sorted(_closure(distributions)):
        for location in _top_level(distribution):
            (folder / location.name).symlink_to(location, target_is_directory=location.is_dir())
    names = {p.name for p in folder.iterdir()}
    # Guard the guard: the folder must not leak the packages the copy must do without.
    assert not names & {"sailpoint_sim", "sailpoint_sim_client"}, names
    assert {"httpx", "attrs", "attr"} <= names, names
    return folder


@pytest.fixture(scope="session")
def clean_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding links to httpx, attrs and their requirements, and nothing else."""
    site = _site(tmp_path_factory.mktemp("clean-site"), RUNTIME_DISTRIBUTIONS)
    assert not {"jsonpatch.py", "jsonpointer.py"} & {p.name for p in site.iterdir()}
    return site


@pytest.fixture(scope="session")
def testing_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clean site plus the `testing` extra (jsonpatch), for a copy made with --with-testing."""
    site = _site(tmp_path_factory.mktemp("testing-site"), (*RUNTIME_DISTRIBUTIONS, "jsonpatch"))
    assert {"jsonpatch.py", "jsonpointer.py"} <= {p.name for p in site.iterdir()}
    return site


CleanPython = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def clean_python(clean_site: Path) -> CleanPython:
    """Run a probe script in the clean interpreter with `host` (the vendoring DEST) importable.

    `site=` swaps the folder of dependencies (e.g. for the testing_site fixture).
    """

    def run(
        probe: Path,
        host: Path,
        *args: str,
        env: dict[str, str] | None = None,
        site: Path = clean_site,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        # -I ignores PYTHON* variables but not others (the CLI reads SAIL_*), so extra ones are added.
        return subprocess.run(
            [sys.executable, "-I", "-S", str(probe), str(site), str(host), *args],
            cwd=host,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture
def host(tmp_path: Path) -> Iterator[Path]:
    """An empty folder standing for the host project's source root."""
    folder = tmp_path / "host project"  # a space, because real paths have them
    folder.mkdir()
    yield folder
