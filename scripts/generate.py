"""Generate (or check) the client package under generated/ from the spec fragment.

    python scripts/generate.py            # rebuild generated/ (make generate)
    python scripts/generate.py --check    # regenerate elsewhere and compare byte for byte (make check-generated)

The generator writes into a fresh temporary folder that is then swapped in whole, so no stale file
can survive a regeneration. A provenance stamp (generated/GENERATED.md) records the spec's sha256,
the generator and ruff versions and the command; it holds no path or time, so the whole tree is
reproducible byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = Path("spec/sim-integrations.v2025.yaml")
CONFIG = Path("spec/generator-config.yaml")
TEMPLATES = Path("spec/templates")
GENERATED = Path("generated")
PACKAGE = "sailpoint_sim_client"
IGNORED = {"__pycache__", ".ruff_cache", ".mypy_cache"}


def generator_command(output: Path) -> list[str]:
    return [
        "openapi-python-client",
        "generate",
        "--path",
        str(SPEC),
        "--config",
        str(CONFIG),
        "--custom-template-path",
        str(TEMPLATES),
        "--meta",
        "none",
        "--fail-on-warning",
        "--output-path",
        str(output),
    ]


def stamp_text() -> str:
    spec_sha = hashlib.sha256((ROOT / SPEC).read_bytes()).hexdigest()
    command = " ".join(generator_command(GENERATED / PACKAGE))
    return f"""# Generated code: do not edit

Everything under `generated/` is written by `make generate` and checked byte for byte by
`make check-generated` (part of `make test`). A hand edit here is lost at the next regeneration and
fails the check. Fix generated code in `spec/sim-integrations.v2025.yaml`, in
`spec/generator-config.yaml`, or (last resort) in a template under `spec/templates/`.

| input | value |
|---|---|
| spec | `{SPEC.as_posix()}` |
| spec sha256 | `{spec_sha}` |
| generator | openapi-python-client {version("openapi-python-client")} |
| formatter | ruff {version("ruff")} (isolated post-hooks, see `{CONFIG.as_posix()}`) |
| templates | `{TEMPLATES.as_posix()}/` |
| command | `{command}` |
"""


def generate_into(destination: Path) -> None:
    """Build the full generated/ tree (package, py.typed, stamp) at `destination`."""
    env = dict(os.environ)
    # The post-hooks call `ruff` by name; without the venv on PATH the generator skips them with a
    # warning (fatal here thanks to --fail-on-warning), so put the interpreter's bin folder first.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    package = destination / PACKAGE
    destination.mkdir(parents=True)
    result = subprocess.run(
        generator_command(package.resolve()), cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"generation failed (exit {result.returncode})")
    (package / "py.typed").write_text("")
    (destination / "GENERATED.md").write_text(stamp_text())


def differences(left: Path, right: Path) -> list[str]:
    """Relative paths that differ between two trees (missing on either side, or other bytes)."""
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: Path) -> None:
        for name in sorted(cmp.left_only + cmp.right_only):
            if name not in IGNORED:
                found.append((prefix / name).as_posix())
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        found.extend((prefix / name).as_posix() for name in sorted(mismatch + errors))
        for name, sub in sorted(cmp.subdirs.items()):
            if name not in IGNORED:
                walk(sub, prefix / name)

    walk(filecmp.dircmp(left, right, ignore=sorted(IGNORED)), Path())
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sailpoint-sim-gen-") as tmp:
        fresh = Path(tmp) / "generated"
        generate_into(fresh)
        target = ROOT / GENERATED
        if args.check:
            if not target.is_dir():
                print("generated/ is missing: run `make generate`", file=sys.stderr)
                return 1
            diff = differences(target, fresh)
            if diff:
                print("generated/ differs from what the spec generates:", file=sys.stderr)
                for name in diff:
                    print(f"  generated/{name}", file=sys.stderr)
                print(
                    "Run `make generate` (never edit generated/ by hand) and review the diff.",
                    file=sys.stderr,
                )
                return 1
            print("generated/ is up to date with the spec")
            return 0
        staging = ROOT / ".generated.new"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(fresh, staging)
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        print(f"generated/ rebuilt from {SPEC.as_posix()}")
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
