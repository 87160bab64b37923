"""A vendored copy, renamed, works on its own: the lifecycle against the fake service over loopback.

The fake service runs from the project's environment as a separate process (`python -m
sailpoint_sim.testing --port 0`); the vendored client runs in the clean interpreter (see conftest),
where sailpoint_sim, sailpoint_sim_client and jsonpatch cannot be imported, and which reports every
top-level module the copy loaded.
"""

from __future__ import annotations

import json
import selectors
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import CleanPython, RunVendor

PROBE = Path(__file__).with_name("clean_probe.py")
PACKAGE = "acme_sim"
CLIENT_ID = "vendoring-client"
CLIENT_SECRET = "vendoring-secret-do-not-print"


def _read_line(process: subprocess.Popen[str], patience: float) -> str:
    """The first stdout line of `process`, or a failure if it exits or stays silent too long."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + patience
        while time.monotonic() < deadline:
            if selector.select(timeout=0.2):
                line = process.stdout.readline()
                if line:
                    return line.strip()
            if process.poll() is not None:
                break
    process.kill()
    _, err = process.communicate()
    pytest.fail(f"the fake service did not print its URL (exit {process.returncode}): {err}")


@pytest.fixture
def fake_url() -> Iterator[str]:
    """The fake SIM service in its own process, from the project's environment."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sailpoint_sim.testing",
            "--port",
            "0",
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = _read_line(process, patience=60)
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        process.terminate()
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


@pytest.fixture
def vendored(run_vendor: RunVendor, host: Path) -> Path:
    result = run_vendor("--dest", str(host), "--package", PACKAGE)
    assert result.returncode == 0, result.stderr
    return host


@pytest.mark.parametrize(
    ("where", "module"),
    [
        pytest.param("", PACKAGE, id="top-level"),
        # Inside a package of the host (myproj/_vendor/sim): the rewritten imports are relative.
        pytest.param("myproj/_vendor", "myproj._vendor.sim", id="nested-in-host-package"),
    ],
)
def test_vendored_copy_runs_the_lifecycle_without_the_original_packages(
    run_vendor: RunVendor, host: Path, clean_python: CleanPython, fake_url: str, where: str, module: str
) -> None:
    dest = host / where
    for folder in [dest, *dest.parents][: len(Path(where).parts)]:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "__init__.py").touch()
    vendored = run_vendor("--dest", str(dest), "--package", module.rsplit(".", 1)[-1])
    assert vendored.returncode == 0, vendored.stderr

    result = clean_python(PROBE, host, module, "lifecycle", fake_url, CLIENT_ID, CLIENT_SECRET)
    assert result.returncode == 0, result.stderr
    observed = json.loads(result.stdout)

    # The environment really lacked the originals (and the testing extra).
    assert observed["isolated"] == 1 and observed["no_site"] == 1
    assert observed["unreachable"] == dict.fromkeys(
        ("sailpoint_sim", "sailpoint_sim_client", "jsonpatch", "jsonpointer"), True
    )
    # It was the copy that ran, with the generated models nested inside it.
    assert observed["package_file"] == module.replace(".", "/") + "/__init__.py"
    namespace: dict[str, object] = {}
    exec((Path(__file__).parents[2] / "src/sailpoint_sim/_version.py").read_text(), namespace)
    assert observed["version"] == namespace["__version__"]
    assert observed["created_type"].startswith(f"{module}._generated.models.")

    # The lifecycle itself.
    assert observed["created"]["name"] == "vendored-lifecycle" and observed["created"]["id"]
    assert observed["got_name"] == "vendored-lifecycle"
    assert observed["patched_description"] == "patched"
    assert observed["got_description"] == "patched"
    assert observed["after_delete"] == f"{module}._errors.NotFoundError"
    # Nothing but the standard library, httpx, attrs (and what they need) and the copy was loaded.
    assert observed["foreign_modules"] == []
    assert CLIENT_SECRET not in result.stdout + result.stderr
    # It logs under its own package name, inside the host's logger tree.
    assert observed["loggers"] == [module]

    # The service saw the writes: create, patch and delete of that one integration.
    writes = httpx.get(f"{fake_url}/__fake__/writes", timeout=30).json()
    assert [(w["operation"], w["id"]) for w in writes] == [
        (operation, observed["created"]["id"])
        for operation in ("createSIMIntegration", "patchSIMAttributes", "deleteSIMIntegration")
    ]


def test_copy_with_testing_serves_its_own_fake_with_only_the_testing_extra_added(
    run_vendor: RunVendor, host: Path, clean_python: CleanPython, testing_site: Path
) -> None:
    result = run_vendor("--dest", str(host), "--package", PACKAGE, "--with-testing")
    assert result.returncode == 0, result.stderr
    run = clean_python(PROBE, host, PACKAGE, "with-testing", site=testing_site)
    assert run.returncode == 0, run.stderr
    observed = json.loads(run.stdout)
    assert observed["unreachable"] == {
        "sailpoint_sim": True,
        "sailpoint_sim_client": True,
        "jsonpatch": False,  # the extra is there, and the copy's fake service uses it
        "jsonpointer": False,
    }
    assert observed["got_description"] == "patched"
    assert observed["after_delete"] == f"{PACKAGE}._errors.NotFoundError"
    assert observed["foreign_modules"] == []


def test_vendored_cli_reports_the_source_version_and_runs_the_lifecycle(
    vendored: Path, clean_python: CleanPython, fake_url: str, tmp_path: Path
) -> None:
    """`python -m acme_sim` in the host project: --version comes from _version.py, not metadata."""
    namespace: dict[str, object] = {}
    exec((Path(__file__).parents[2] / "src/sailpoint_sim/_version.py").read_text(), namespace)

    version = clean_python(PROBE, vendored, PACKAGE, "cli", "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.split() == ["python", "-m", PACKAGE, namespace["__version__"]]
    isolation = json.loads(version.stderr.splitlines()[0].removeprefix("ISOLATION "))
    assert all(isolation["unreachable"].values()), isolation

    env = {
        "SAIL_BASE_URL": fake_url,
        "SAIL_CLIENT_ID": CLIENT_ID,
        "SAIL_CLIENT_SECRET": CLIENT_SECRET,
    }
    details = tmp_path / "details.json"
    details.write_text(
        json.dumps({"name": "from-the-cli", "description": "before", "type": "ServiceNow Service Desk"})
    )

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return clean_python(PROBE, vendored, PACKAGE, "cli", *args, env=env)

    created = cli("create", str(details))
    assert created.returncode == 0, created.stderr
    integration = json.loads(created.stdout)
    assert integration["name"] == "from-the-cli"
    patched = cli("patch", integration["id"], "--replace", "/description=via cli")
    assert patched.returncode == 0, patched.stderr
    assert json.loads(patched.stdout)["description"] == "via cli"
    assert cli("delete", integration["id"]).returncode == 0
    missing = cli("get", integration["id"], "-v")
    assert missing.returncode != 0
    assert "404" in missing.stderr and "Traceback" not in missing.stderr
    # -v turns on the copy's own logger (its name, not the original's).
    logs = missing.stderr.partition("\n")[2]  # after the probe's ISOLATION line
    assert f"DEBUG {PACKAGE}: " in logs and "sailpoint_sim" not in logs
    for run in (created, patched, missing):
        assert CLIENT_SECRET not in run.stdout + run.stderr


def test_vendored_cli_without_the_fake_says_to_vendor_again(
    vendored: Path, clean_python: CleanPython
) -> None:
    # The copy was made without --with-testing: `fake-server` says how to get the fake, in one line.
    result = clean_python(PROBE, vendored, PACKAGE, "cli", "fake-server", "--port", "0")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()[1:]  # after the probe's ISOLATION line
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: this vendored copy has no fake service")
    assert "WITH_TESTING=1" in lines[0] and "--with-testing" in lines[0]
    assert "pip install" not in lines[0]  # a copy has no extras to install
    assert result.stdout == ""
