"""Import time and memory: each sample a fresh interpreter that imports one statement (.pyc warm)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .config import SDK_CURRENT, SDK_V2025, Config
from .envs import Client, runtime_python
from .results import Results, progress


class ImportFailed(Exception):
    """Importing sailpoint_sim or httpx failed: there is nothing to compare."""


# Measured inside a fresh interpreter that has imported nothing of its own: `time` is built in and
# /proc is read with the builtin open(), so the statement pays for everything it pulls in.
_IMPORT_PROBE = """\
import time
def rss():
    try:
        with open('/proc/self/statm') as f:
            return int(f.read().split()[1]) * {page}
    except OSError:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
before = rss()
t0 = time.perf_counter_ns()
{statement}
t1 = time.perf_counter_ns()
print(t1 - t0, before, rss())
"""


def import_statements(clients: list[Client], here: Path) -> list[tuple[str, str, Path, str]]:
    """(key, label, interpreter, statement) for every import measured; ours run with ``here``."""
    ops = ", ".join(
        [
            "create_sim_integration",
            "delete_sim_integration",
            "get_sim_integration",
            "get_sim_integrations",
            "patch_before_provisioning_rule",
            "patch_sim_attributes",
            "put_sim_integration",
        ]
    )
    rows = [
        ("floor", "import httpx", here, "import httpx"),
        ("sync", "import sailpoint_sim", here, "import sailpoint_sim"),
        (
            "sync-class",
            "from sailpoint_sim import SimIntegrationsClient",
            here,
            "from sailpoint_sim import SimIntegrationsClient",
        ),
        (
            # The facade defers the generated package (and attrs) to its first call; this row shows
            # that cost too. It names a private module, so a failure here is noted, not fatal.
            "sync-ready",
            "sailpoint_sim + what its first call loads",
            here,
            "import sailpoint_sim; from sailpoint_sim._generated_package import generated_package; generated_package()",
        ),
        (
            "generated",
            "generated: the 7 operation modules",
            here,
            f"from sailpoint_sim_client.api.sim_integrations import {ops}",
        ),
    ]
    by_key = {client.key: client for client in clients}
    if "sdk-v2" in by_key:
        py = by_key["sdk-v2"].python
        rows.append(("sdk-v2-bare", f"SDK {SDK_CURRENT}: import sailpoint", py, "import sailpoint"))
        rows.append(
            (
                "sdk-v2",
                f"SDK {SDK_CURRENT}: from sailpoint import SIMIntegrationsApi",
                py,
                "from sailpoint import SIMIntegrationsApi",
            )
        )
        rows.append(
            (
                "sdk-v2-partition",
                f"SDK {SDK_CURRENT}: from sailpoint.sim_integrations... import SIMIntegrationsApi",
                py,
                "from sailpoint.sim_integrations.api.sim_integrations_api import SIMIntegrationsApi",
            )
        )
    if "sdk-v1" in by_key:
        rows.append(
            (
                "sdk-v1",
                f"SDK {SDK_V2025}: from sailpoint.v2025.api... import SIMIntegrationsApi",
                by_key["sdk-v1"].python,
                "from sailpoint.v2025.api.sim_integrations_api import SIMIntegrationsApi",
            )
        )
    return rows


def measure_imports(config: Config, clients: list[Client], results: Results, *, runtime: bool) -> None:
    """Import time and memory of each statement, each sample a fresh interpreter (.pyc already warm).

    ``runtime``: measure ours in a venv with only the runtime dependencies (see :func:`runtime_python`).
    """
    page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
    if runtime:
        ours = runtime_python(results)
    else:
        ours = Path(sys.executable)
        results.meta["imports_env"] = "project"
    rows = import_statements(clients, ours)
    # Run from a neutral folder so nothing in the checkout can shadow an installed package.
    neutral = tempfile.gettempdir()
    for _key, _label, python, statement in rows:  # one warm-up each: compile and cache the .pyc files
        subprocess.run([str(python), "-c", statement], capture_output=True, cwd=neutral, check=False)
    for r in range(config.import_repeats):
        progress(f"imports: repeat {r + 1}/{config.import_repeats}")
        for key, label, python, statement in rows:
            probe = _IMPORT_PROBE.format(page=page, statement=statement)
            done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, cwd=neutral)
            if done.returncode != 0:
                if key in ("floor", "sync"):
                    raise ImportFailed(f"{statement!r} failed: {done.stderr.strip().splitlines()[-1:]}")
                results.note(f"{statement!r} failed; left out")
                continue
            ns, before, after = (int(x) for x in done.stdout.split()[-3:])
            results.add("import", label, "time", float(ns))
            results.add("import", label, "rss", float(after))
            results.add("import", label, "rss_delta", float(after - before))
    results.imports = [{"key": k, "label": label, "statement": s} for k, label, _, s in rows]
