"""The benchmark's columns (clients) and the interpreters they run in.

Ours run in the project venv; SailPoint's SDK releases each in a venv of their own under
``.tools/bench-venvs/``, installed on first use; the chart's matplotlib and the runtime-only import
measurements likewise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import ROOT, SDK_CURRENT, SDK_V2025
from .results import Results

VENVS = ROOT / ".tools" / "bench-venvs"
REQUIREMENTS_BENCH = ROOT / "requirements-bench.txt"


@dataclass(frozen=True)
class Client:
    """One column of the benchmark: a worker ``key`` run by a given interpreter."""

    key: str
    label: str
    python: Path
    ours: bool = False


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(name: str, requirements: Sequence[str]) -> Path | None:
    """A venv under .tools/bench-venvs/NAME with exactly ``requirements`` installed; None if pip fails.

    Idempotent: a marker file records what was installed, so later runs cost nothing.
    """
    venv = VENVS / name
    marker = venv / ".bench-installed"
    wanted = "\n".join(requirements)
    python = _venv_python(venv)
    if marker.is_file() and marker.read_text() == wanted and python.exists():
        return python
    print(f"bench: installing {' '.join(requirements)} into {venv.relative_to(ROOT)} (once) ...", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements],
            check=True,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc)
        lines = [line for line in str(detail).splitlines() if line.startswith("ERROR")] or [str(exc)]
        print(f"bench: could not install {' '.join(requirements)}: {lines[-1]}", file=sys.stderr)
        shutil.rmtree(venv, ignore_errors=True)
        return None
    marker.write_text(wanted)
    return python


def bench_requirements() -> list[str]:
    """The pinned lines of requirements-bench.txt (the plotting venv's packages)."""
    lines = REQUIREMENTS_BENCH.read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def select_clients(sdk: bool, results: Results) -> list[Client]:
    """The columns of this run: ours always; SailPoint's SDK releases when asked and installable."""
    here = Path(sys.executable)
    clients = [
        Client("floor", "raw httpx (floor)", here),
        Client("generated", "generated package", here),
        Client("sync", "sailpoint_sim sync", here, ours=True),
        Client("async", "sailpoint_sim async", here, ours=True),
        Client("floor-async", "raw httpx async", here),
    ]
    if sdk:
        current = ensure_venv(f"sailpoint-{SDK_CURRENT}", [f"sailpoint=={SDK_CURRENT}"])
        if current is None:
            results.note(f"SailPoint SDK {SDK_CURRENT} could not be installed: not benchmarked.")
        else:
            clients.append(Client("sdk-v2", f"SDK {SDK_CURRENT} (flat imports)", current))
            clients.append(Client("sdk-v2-partition", f"SDK {SDK_CURRENT} (sim_integrations pkg)", current))
        old = ensure_venv(f"sailpoint-{SDK_V2025}", [f"sailpoint=={SDK_V2025}"])
        if old is None:
            results.note(f"SailPoint SDK {SDK_V2025} could not be installed: not benchmarked.")
        else:
            clients.append(Client("sdk-v1", f"SDK {SDK_V2025} (sailpoint.v2025)", old))
    else:
        results.note("SailPoint's SDK not benchmarked in this run (--no-sdk or --quick).")
    for client in clients:
        results.clients[client.key] = client.label
    return clients


def runtime_python(results: Results) -> Path:
    """An interpreter that sees only sailpoint-sim's runtime dependencies: a venv with this tree
    installed from source (not editable, as users get it), reinstalled on every run.

    The project venv also holds the dev tools, and with ``rich`` and ``click`` present ``import httpx``
    loads its command-line module too (about half its import time there), which would flatter the ratio
    of ``import sailpoint_sim`` to ``import httpx``. Falls back to the project venv if pip fails.
    """
    python = ensure_venv("runtime", [str(ROOT)])
    if python is not None:
        try:
            subprocess.run(
                [
                    *(str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"),
                    *("--no-deps", "--force-reinstall", str(ROOT)),
                ],
                check=True,
                capture_output=True,
                timeout=600,
            )
            results.meta["imports_env"] = "runtime"
            return python
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            pass
    results.note("Imports of ours measured in the project venv (the runtime-only venv failed).")
    results.meta["imports_env"] = "project"
    return Path(sys.executable)
