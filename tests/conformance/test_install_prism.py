"""The Prism installer: explains what to install when Node.js is missing, and is idempotent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "install_prism.py"


def run_without_node(*args: str) -> subprocess.CompletedProcess[str]:
    # An empty directory as the whole PATH: neither node nor npm can be found.
    env = {**os.environ, "PATH": str(ROOT / "tests" / "conformance" / "__no_such_dir__")}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env, check=False
    )


def test_if_node_without_node_explains_and_succeeds() -> None:
    result = run_without_node("--if-node")
    assert result.returncode == 0
    assert "Node.js" in result.stderr
    assert "make prism" in result.stderr


def test_without_node_and_without_if_node_fails() -> None:
    result = run_without_node()
    assert result.returncode == 1
    assert "Node.js" in result.stderr


def test_installed_version_reads_the_manifest(tmp_path: Path) -> None:
    install_prism = load_script("install_prism.py", "install_prism")
    assert install_prism.installed_version(tmp_path) is None
    package = tmp_path / "node_modules" / "@stoplight" / "prism-cli"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"version": "1.2.3"}', encoding="utf-8")
    # The manifest alone is not an installation: the binary must be there too.
    assert install_prism.installed_version(tmp_path) is None
    (tmp_path / "node_modules" / ".bin").mkdir()
    (tmp_path / "node_modules" / ".bin" / "prism").write_text("", encoding="utf-8")
    assert install_prism.installed_version(tmp_path) == "1.2.3"
    # Already at the pinned version: install() returns at once without calling npm.
    assert install_prism.install(tmp_path, "1.2.3") == tmp_path / "node_modules" / ".bin" / "prism"
    (package / "package.json").write_text("not json", encoding="utf-8")
    assert install_prism.installed_version(tmp_path) is None
