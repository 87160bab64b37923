"""Release packaging: what `make dist` builds, installed into a clean virtual environment.

One module-scoped build (sdist, then the wheel built *from that sdist*, as `python -m build` does) of a
copy of the project, and one fresh venv (no system site-packages) with the wheel installed by pip, which
fetches httpx, attrs and sniffio from the package index: so the wheel's declared dependencies are all it needs.
Takes 30-60 s; it runs as part of `make test`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VERSION_FILE = ROOT / "src" / "sailpoint_sim" / "_version.py"
PACKAGES = ("sailpoint_sim", "sailpoint_sim_client")

# Everything that is not source: caches, environments, earlier builds. Copying the rest (tests/,
# scripts/, spec/ included) makes the "nothing of that in the wheel" check mean something.
_NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".tools",
    "dist",
    "build",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
    ".generated.new",
    "node_modules",
    "bench-results",
)


def source_version() -> str:
    match = re.search(r'^__version__ = "([^"]+)"$', VERSION_FILE.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"no __version__ in {VERSION_FILE}"
    return match.group(1)


def clean_env() -> dict[str, str]:
    # Nothing of the project's own environment may leak into the clean one.
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run(*cmd: str | Path, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{result.stdout}\n{result.stderr}"
    return result


@dataclass
class Built:
    source: Path  # the copied project the artifacts were built from
    wheel: Path
    sdist: Path
    venv: Path  # a fresh venv with the wheel installed

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    work = tmp_path_factory.mktemp("dist")
    source = work / "project"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE, symlinks=True)
    out = work / "dist"
    # The same command as `make dist`; without flags, build makes the sdist first and the wheel from it.
    run(sys.executable, "-m", "build", "--outdir", out, source, cwd=work)
    wheels, sdists = sorted(out.glob("*.whl")), sorted(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    venv = work / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=work)
    run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheels[0], cwd=work)
    return Built(source, wheels[0], sdists[0], venv)


# --- the artifacts --------------------------------------------------------------------------------------


def test_version_has_one_source(built: Built) -> None:
    version = source_version()
    assert built.wheel.name == f"sailpoint_sim-{version}-py3-none-any.whl"
    assert built.sdist.name == f"sailpoint_sim-{version}.tar.gz"
    metadata = zipfile.ZipFile(built.wheel).read(f"sailpoint_sim-{version}.dist-info/METADATA").decode()
    assert f"\nVersion: {version}\n" in metadata


def test_metadata_names_the_authors_and_the_documentation(built: Built) -> None:
    # What `pip show sailpoint-sim` prints as Author and what indexes show as project links. There is no
    # public address yet: the links name the documentation files that ship in the sdist.
    dist_info = f"sailpoint_sim-{source_version()}.dist-info"
    metadata = zipfile.ZipFile(built.wheel).read(f"{dist_info}/METADATA").decode().splitlines()
    assert "Author: sailpoint-sim contributors" in metadata
    links = {line.split(": ", 1)[1] for line in metadata if line.startswith("Project-URL:")}
    assert links == {"Homepage, README.md", "Documentation, README.md"}
    with tarfile.open(built.sdist) as sdist:
        shipped = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert "README.md" in shipped


def test_wheel_holds_the_two_packages_and_nothing_else(built: Built) -> None:
    names = zipfile.ZipFile(built.wheel).namelist()
    dist_info = f"sailpoint_sim-{source_version()}.dist-info/"
    strays = [n for n in names if not n.startswith((*(f"{p}/" for p in PACKAGES), dist_info))]
    assert strays == []
    # Nothing from tests/, scripts/ or spec/ (examples included), at any depth.
    for forbidden in ("tests/", "scripts/", "spec/", "examples/", "conftest.py", ".yaml"):
        assert not [n for n in names if forbidden in n], forbidden
    for package in PACKAGES:
        assert f"{package}/py.typed" in names
        assert f"{package}/__init__.py" in names
    assert "sailpoint_sim_client/api/sim_integrations/patch_sim_attributes.py" in names


def test_wheel_declares_only_httpx_attrs_and_sniffio_at_runtime(built: Built) -> None:
    wheel = zipfile.ZipFile(built.wheel)
    dist_info = f"sailpoint_sim-{source_version()}.dist-info"
    requires = [
        line.split(":", 1)[1].strip()
        for line in wheel.read(f"{dist_info}/METADATA").decode().splitlines()
        if line.startswith("Requires-Dist:")
    ]
    runtime = sorted(re.split(r"[<>=!~ ;\[]", r, maxsplit=1)[0] for r in requires if "extra ==" not in r)
    assert runtime == ["attrs", "httpx", "sniffio"]  # sniffio: see pyproject.toml and the README
    entry_points = wheel.read(f"{dist_info}/entry_points.txt").decode()
    assert "sailpoint-sim = sailpoint_sim._cli:main" in entry_points


def test_sdist_has_what_building_needs(built: Built) -> None:
    # The wheel above was built from this sdist, which proves it suffices; these are the reasons why.
    top = f"sailpoint_sim-{source_version()}/"
    with tarfile.open(built.sdist) as sdist:
        names = set(sdist.getnames())
    for needed in (
        "pyproject.toml",
        "README.md",
        "src/sailpoint_sim/_version.py",
        "src/sailpoint_sim/py.typed",
        "generated/sailpoint_sim_client/__init__.py",
        "generated/sailpoint_sim_client/py.typed",
    ):
        assert top + needed in names, needed
    for license_file in built.source.glob("LICEN[CS]E*"):
        assert top + license_file.name in names


# --- the clean environment ------------------------------------------------------------------------------


def test_clean_venv_has_only_the_runtime_dependencies(built: Built) -> None:
    listed = run(built.python, "-m", "pip", "list", "--format=json", cwd=built.venv).stdout
    installed = {entry["name"].lower() for entry in json.loads(listed)}
    assert {"sailpoint-sim", "httpx", "attrs"} <= installed
    # Dev and test tools of the project venv are absent: the environment really is clean.
    assert not installed & {"pytest", "pyyaml", "jsonpatch", "openapi-python-client", "ruff", "mypy"}


def test_both_packages_import_from_the_installed_wheel(built: Built) -> None:
    code = (
        "import json, importlib, importlib.resources\n"
        "out = {}\n"
        f"for name in {PACKAGES!r}:\n"
        "    module = importlib.import_module(name)\n"
        "    out[name] = {'file': module.__file__,\n"
        "                 'typed': importlib.resources.files(name).joinpath('py.typed').is_file()}\n"
        "import sailpoint_sim\n"
        "out['version'] = sailpoint_sim.__version__\n"
        "print(json.dumps(out))\n"
    )
    # -I: isolated mode, so neither the current directory nor PYTHON* variables add to sys.path.
    found = json.loads(run(built.python, "-I", "-c", code, cwd=built.venv).stdout)
    site_packages = str(built.venv / "lib")
    for package in PACKAGES:
        assert found[package]["file"].startswith(site_packages), found[package]["file"]
        assert str(ROOT) not in found[package]["file"]
        assert found[package]["typed"] is True
    assert found["version"] == source_version()


def test_console_script_prints_the_version(built: Built) -> None:
    script = built.venv / "bin" / "sailpoint-sim"
    assert script.is_file()
    result = run(script, "--version", cwd=built.venv)
    assert result.stdout.strip() == f"sailpoint-sim {source_version()}"
