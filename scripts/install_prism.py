"""Install Prism (Stoplight's OpenAPI mock server) into the project-local folder .tools/prism.

    python scripts/install_prism.py            # install (make prism); fails without Node.js/npm
    python scripts/install_prism.py --if-node  # install when Node.js/npm exist, else explain and exit 0

The conformance tests (tests/conformance/) serve spec/sim-integrations.v2025.yaml with Prism and drive
the facade against it. Prism is pinned to one exact version so that a new release cannot change what
"conforms" means under us; the install is skipped when that version is already in place, so running
this before every `make test` costs nothing.

Nothing is installed globally: npm writes only under .tools/prism (ignored by git, removed by
`make clean`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRISM_PACKAGE = "@stoplight/prism-cli"
# The newest release when this was pinned (`npm view @stoplight/prism-cli version`). Its package.json
# asks for Node.js >= 24.18, but it installs and runs correctly on Node.js 20 (npm only warns), which
# the conformance tests exercise; 5.14.2 is the newest release that declares Node.js 18 support, should
# an older Node.js ever misbehave with this one.
PRISM_VERSION = "5.16.0"
PREFIX = ROOT / ".tools" / "prism"
PRISM_BIN = PREFIX / "node_modules" / ".bin" / "prism"
INSTALL_HINT = (
    "Node.js (with npm) is needed for the Prism conformance tests: install Node.js 20 or newer "
    "(https://nodejs.org/ or your package manager, e.g. `apt-get install nodejs npm`), then run `make prism`."
)


def installed_version(prefix: Path = PREFIX) -> str | None:
    """Return the Prism version installed under ``prefix``, or None when there is none (or it is broken)."""
    manifest = prefix / "node_modules" / "@stoplight" / "prism-cli" / "package.json"
    binary = prefix / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        return None
    try:
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError):
        return None
    return version if isinstance(version, str) else None


def node_tools_available() -> bool:
    """True when both ``node`` and ``npm`` are on PATH."""
    return shutil.which("node") is not None and shutil.which("npm") is not None


def install(prefix: Path = PREFIX, version: str = PRISM_VERSION) -> Path:
    """Install the pinned Prism under ``prefix`` unless it is already there; return the binary's path.

    Raises RuntimeError (with npm's output) when npm is missing or the install fails.
    """
    binary = prefix / "node_modules" / ".bin" / "prism"
    if installed_version(prefix) == version:
        return binary
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise RuntimeError(INSTALL_HINT)
    prefix.mkdir(parents=True, exist_ok=True)
    command = [
        npm,
        "install",
        "--prefix",
        str(prefix),
        "--no-audit",
        "--no-fund",
        f"{PRISM_PACKAGE}@{version}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or installed_version(prefix) != version:
        raise RuntimeError(
            f"`{' '.join(command[1:])}` failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
        )
    return binary


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--if-node",
        action="store_true",
        help="when Node.js or npm is missing, say what to install and exit 0 instead of failing",
    )
    args = parser.parse_args(argv)
    if not node_tools_available():
        print(INSTALL_HINT, file=sys.stderr)
        return 0 if args.if_node else 1
    current = installed_version()
    if current == PRISM_VERSION:
        print(f"Prism {PRISM_VERSION} already installed in {PREFIX.relative_to(ROOT)}")
        return 0
    print(f"Installing {PRISM_PACKAGE}@{PRISM_VERSION} into {PREFIX.relative_to(ROOT)} ...")
    try:
        install()
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"Prism {PRISM_VERSION} installed: {PRISM_BIN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
