"""Run inside the clean interpreter (`python -I -S`) by the vendoring tests; not a test module.

    python -I -S clean_probe.py CLEAN_SITE HOST PACKAGE lifecycle BASE_URL CLIENT_ID CLIENT_SECRET
    python -I -S clean_probe.py CLEAN_SITE HOST PACKAGE with-testing
    python -I -S clean_probe.py CLEAN_SITE HOST PACKAGE cli ARG...

Only the standard library may be imported at the top: the point is to see what the vendored copy
pulls in by itself. `lifecycle` prints one JSON object of observations (`with-testing` too, against
the copy's own fake service, served on loopback from this process); `cli` runs the vendored
package's `__main__` (what `python -m PACKAGE ARG...` does in a host project).
"""

from __future__ import annotations

import importlib
import json
import logging
import runpy
import sys
from pathlib import Path
from typing import Any

FORBIDDEN = ("sailpoint_sim", "sailpoint_sim_client", "jsonpatch", "jsonpointer")


def _isolation() -> dict[str, Any]:
    """Proof that the originals cannot be reached from here."""
    unreachable = {}
    for name in FORBIDDEN:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError:
            unreachable[name] = True
        else:
            unreachable[name] = False
    return {"isolated": sys.flags.isolated, "no_site": sys.flags.no_site, "unreachable": unreachable}


def _foreign_modules(package: str, clean_site: Path) -> list[str]:
    """Loaded top-level modules that are not stdlib, the copy, or in the clean site."""
    allowed = set(sys.stdlib_module_names) | {package.split(".")[0], "__main__", "__mp_main__"}
    allowed |= {p.name.split(".")[0] for p in clean_site.iterdir()}
    return sorted({name.split(".")[0] for name in sys.modules} - allowed)


def lifecycle(
    package: str, clean_site: Path, host: Path, url: str, client_id: str, secret: str
) -> dict[str, Any]:
    """create / get / patch / get / delete / get-404 through the vendored facade."""
    observed = _isolation()
    # Which loggers the copy writes to: its own package's, never the original's name.
    seen: set[str] = set()

    class Names(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.add(record.name)

    logging.getLogger().addHandler(Names(logging.DEBUG))
    logging.getLogger().setLevel(logging.DEBUG)
    sim = importlib.import_module(package)
    observed["package_file"] = str(Path(sim.__file__ or "").resolve().relative_to(host.resolve()))
    observed["version"] = sim.__version__
    details = {
        "name": "vendored-lifecycle",
        "description": "made by the vendored copy",
        "type": "ServiceNow Service Desk",
        "cluster": "xyzzy999",
        "sources": ["2c9180835d191a86015d28455b4a2329"],
        "attributes": {"uid": "Walter White"},
    }
    with sim.SimIntegrationsClient(base_url=url, client_id=client_id, client_secret=secret) as client:
        created = client.create(details)
        observed["created_type"] = f"{type(created).__module__}.{type(created).__qualname__}"
        observed["created"] = {"id": created.id, "name": created.name}
        observed["got_name"] = client.get(created.id).name
        patched = client.patch(created.id, [{"op": "replace", "path": "/description", "value": "patched"}])
        observed["patched_description"] = patched.description
        observed["got_description"] = client.get(created.id).description
        client.delete(created.id)
        try:
            client.get(created.id)
        except sim.NotFoundError as exc:
            observed["after_delete"] = f"{type(exc).__module__}.{type(exc).__qualname__}"
        else:
            observed["after_delete"] = "found"
    observed["foreign_modules"] = _foreign_modules(package, clean_site)
    observed["loggers"] = sorted(name for name in seen if not name.startswith(("httpx", "httpcore")))
    return observed


def main() -> int:
    clean_site, host, package, mode, *rest = sys.argv[1:]
    # The host project's source root and the runtime dependencies, nothing else.
    sys.path[:0] = [clean_site, host]
    if mode == "lifecycle":
        print(json.dumps(lifecycle(package, Path(clean_site), Path(host), *rest)))
        return 0
    if mode == "with-testing":
        fake = importlib.import_module(f"{package}.testing")
        with fake.FakeSimService(client_id="id", client_secret="secret").serve() as server:
            print(json.dumps(lifecycle(package, Path(clean_site), Path(host), server.url, "id", "secret")))
        return 0
    if mode == "cli":
        print("ISOLATION " + json.dumps(_isolation()), file=sys.stderr, flush=True)
        sys.argv = [package, *rest]
        try:
            runpy.run_module(package, run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 1
        return 0
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    raise SystemExit(main())
