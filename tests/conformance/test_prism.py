"""Conformance against a real OpenAPI mock server: Prism serves the spec fragment with request
validation on, and both facade clients drive all seven endpoints through it.

Any request Prism finds in violation of the spec (it answers 4xx with an ``sl-violations`` header under
``--errors``) fails the test, and every 2xx that Prism builds from the spec's examples must parse into
the generated models, back to the example itself.

Prism serves the paths exactly as the fragment writes them (``/sim-integrations``), ignoring the path
of ``servers`` (``https://{tenant}.api.identitynow.com/v2025``). The facade always puts the API version
in the path, as the real service needs, so the test gives Prism a copy of the fragment whose path keys
carry that ``/v2025`` prefix; nothing else in the copy changes.

Without Node.js the module is skipped with what to install; under CI (the ``CI`` variable set) it fails
instead, so the check cannot silently disappear.
"""

from __future__ import annotations

import copy
import os
import shutil
import signal
import socket
import subprocess
import time
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest
import yaml
from sailpoint_sim_client.models.service_desk_integration_dto import ServiceDeskIntegrationDto

from sailpoint_sim import (
    APIStatusError,
    AsyncSimIntegrationsClient,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PatchFormat,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    SimIntegrationsClient,
    patch,
)
from tests.support.clients import EitherClient
from tests.support.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "sim-integrations.v2025.yaml"
API_VERSION = "v2025"
TOKEN = "prism-static-token"  # Prism checks that a bearer token is present, not its value
STARTUP_TIMEOUT = 45.0

install_prism = load_script("install_prism.py", "install_prism")


def _unavailable(reason: str) -> NoReturn:
    """Skip (developer machine) or fail (CI): the conformance check must run in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"Prism conformance cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def prism_binary() -> Path:
    """The project-local Prism, installed when missing; without Node.js or npm, skipped (failed in CI)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        _unavailable(install_prism.INSTALL_HINT)
    try:
        binary: Path = install_prism.install()
    except RuntimeError as exc:
        _unavailable(f"Prism could not be installed: {exc}")
    return binary


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def typeless_nullables(node: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Schemas that say ``nullable`` without a ``type`` (JSON Pointer, schema), depth first."""
    if isinstance(node, dict):
        if "nullable" in node and "type" not in node:
            yield pointer, node
        for key, value in node.items():
            yield from typeless_nullables(
                value, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"
            )
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from typeless_nullables(value, f"{pointer}/{index}")


def versioned_spec(destination: Path) -> tuple[Path, list[str]]:
    """Write the copy of the fragment that Prism serves; return its path and the pointers normalised.

    Two changes, neither altering the contract:
    - the path keys carry the /v2025 prefix the facade sends (the servers URL's path);
    - ``nullable`` is dropped where a schema has no ``type``. OAS 3.0.3 says nullable "adds null to the
      allowed types specified by the type keyword, only if type is explicitly defined within the same
      Schema Object", so there it means nothing; but Prism 5 mistranslates it and then silently stops
      validating every request body that uses the schema (a create with ``{"name": 5}`` passed).
    """
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    served = copy.deepcopy(document)
    served["paths"] = {f"/{API_VERSION}{path}": item for path, item in document["paths"].items()}
    normalised = []
    for pointer, schema in list(typeless_nullables(served["components"], "/components")):
        del schema["nullable"]
        normalised.append(pointer)
    destination.write_text(yaml.safe_dump(served, sort_keys=False), encoding="utf-8")
    return destination, normalised


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    # Prism was started in its own session: end that process group (ours alone) by its id.
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = prism_binary()
    folder = tmp_path_factory.mktemp("prism")
    spec, normalised = versioned_spec(folder / "sim-integrations.v2025.prism.yaml")
    if normalised:
        # Visible in the summary (-ra) until the fragment puts nullable on a typed schema instead.
        warnings.warn(
            "spec fragment: `nullable` without `type` has no effect in OAS 3.0.3 and disables Prism's "
            f"body validation; dropped for Prism at {', '.join(normalised)}",
            stacklevel=1,
        )
    process, url = _start_prism(binary, spec, folder / "prism.log")
    try:
        yield url
    finally:
        _stop(process)


def _start_prism(binary: Path, spec: Path, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start Prism on a free loopback port and wait until it answers; retry if the port was taken."""
    for _ in range(3):
        port = _free_port()  # free now; another process may still take it before Prism binds
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [str(binary), "mock", str(spec), "--host", "127.0.0.1", "--port", str(port), "--errors"],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        taken = False
        while process.poll() is None:
            try:
                probe = httpx.get(f"{url}/__ready__", timeout=1.0)
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    _stop(process)
                    pytest.fail(f"Prism did not start in {STARTUP_TIMEOUT:.0f}s:\n{log_path.read_text()}")
                time.sleep(0.2)
                continue
            # Prism's own answer for an unknown path, not another server's that holds the port.
            if "NO_PATH_MATCHED_ERROR" in probe.text and process.poll() is None:
                return process, url
            taken = True
            break
        _stop(process)
        if not taken and "EADDRINUSE" not in log_path.read_text(errors="replace"):
            pytest.fail(f"Prism exited ({process.returncode}):\n{log_path.read_text(errors='replace')}")
    pytest.fail("Prism could not bind a free loopback port in 3 attempts")


# --------------------------------------------------------------------------- the spec's examples


def spec_example(name: str) -> Any:
    document = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return document["components"]["examples"][name]["value"]


# --------------------------------------------------------------------------- both clients


class Exchanges:
    """Every response the facade received from Prism, checked for violations as it arrives."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, int]] = []
        self.violations: list[str] = []  # flagged by Prism, or not a 2xx
        self.flagged: list[str] = []  # flagged by Prism (the sl-violations header)

    def record(self, response: httpx.Response) -> None:
        request = response.request
        self.seen.append((request.method, request.url.path, response.status_code))
        flagged = response.headers.get("sl-violations")
        if flagged:
            self.flagged.append(f"{request.method} {request.url.path}: {flagged}")
        if flagged or not 200 <= response.status_code < 300:
            self.violations.append(
                f"{request.method} {request.url.path} -> {response.status_code}: {flagged or '(no header)'}"
            )

    async def arecord(self, response: httpx.Response) -> None:
        self.record(response)


@asynccontextmanager
async def open_client(
    kind: str, url: str, exchanges: Exchanges, patch_format: PatchFormat
) -> AsyncIterator[EitherClient]:
    options: dict[str, Any] = {"access_token": TOKEN, "patch_format": patch_format, "max_retries": 0}
    if kind == "sync":
        with (
            httpx.Client(event_hooks={"response": [exchanges.record]}) as http,
            SimIntegrationsClient(url, http_client=http, **options) as client,
        ):
            yield EitherClient(client)
    else:
        async with (
            httpx.AsyncClient(event_hooks={"response": [exchanges.arecord]}) as ahttp,
            AsyncSimIntegrationsClient(url, http_client=ahttp, **options) as aclient,
        ):
            yield EitherClient(aclient)


DETAILS = {
    "name": "Conformance",
    "description": "Created through Prism",
    "type": "ServiceNowSDIM",
    "attributes": {"url": "https://example.service-now.com", "username": "sailpoint"},
    "sources": ["2c9180835d191a86015d28455b4a2329"],
    "cluster": "xyzzy999",
    "statusMap": {"closed_complete": "Committed"},
    "request": {"short_description": "SailPoint Access Request"},
    "beforeProvisioningRule": {"type": "RULE", "id": "048eb3d55c5a4758bd07dccb87741c78", "name": "Rule"},
}
OPERATIONS = [
    patch.replace("/description", "New description"),
    patch.add("/sources/-", "2c9180835d191a86015d28455b4a0002"),
    patch.remove("/cluster"),
    patch.move("/sources/0", "/sources/1"),
    patch.copy("/name", "/description"),
    patch.test("/name", "Conformance"),
    patch.replace("/attributes", None),
]


@pytest.mark.parametrize("patch_format", list(PatchFormat), ids=lambda f: f.name.lower())
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_all_seven_endpoints_conform(prism_url: str, kind: str, patch_format: PatchFormat) -> None:
    example = ServiceDeskIntegrationDto.from_dict(spec_example("Integration")).to_dict()
    assert example == spec_example("Integration")  # the model keeps the example whole
    exchanges = Exchanges()
    async with open_client(kind, prism_url, exchanges, patch_format) as client:
        listed = await client.list()
        assert [item.to_dict() for item in listed] == spec_example("IntegrationList")
        created = await client.create(DETAILS)
        assert created.to_dict() == example
        fetched = await client.get("62945a496ef440189b1f03e3623411c8")
        assert fetched.to_dict() == example
        updated = await client.update("62945a496ef440189b1f03e3623411c8", fetched)  # read-modify-write
        assert updated.to_dict() == example
        patched = await client.patch("an id/with a slash", OPERATIONS)
        assert patched.to_dict() == example
        ruled = await client.patch_before_provisioning_rule(
            "62945a496ef440189b1f03e3623411c8", [patch.replace("/name", "Other rule")]
        )
        assert ruled.to_dict() == example
        assert await client.delete("62945a496ef440189b1f03e3623411c8") is None
    assert exchanges.violations == []
    assert [(method, status) for method, _, status in exchanges.seen] == [
        ("GET", 200),
        ("POST", 200),
        ("GET", 200),
        ("PUT", 200),
        ("PATCH", 200),
        ("PATCH", 200),
        ("DELETE", 200),
    ]
    assert all(path.startswith(f"/{API_VERSION}/sim-integrations") for _, path, _ in exchanges.seen)


DOCUMENTED_ERRORS = [
    (400, BadRequestError, "400.1 Bad Request Content", "e7eab60924f64aa284175b9fa3309599"),
    (401, AuthenticationError, None, None),
    (403, PermissionDeniedError, "403 Forbidden", "b21b1f7ce4da4d639f2c62a57171b427"),
    (404, NotFoundError, "404 Not found", "b21b1f7ce4da4d639f2c62a57171b427"),
    (429, RateLimitError, None, None),
    (500, ServerError, "500.0 Internal Fault", "b21b1f7ce4da4d639f2c62a57171b427"),
]


@pytest.mark.parametrize(("status", "error_class", "detail_code", "tracking_id"), DOCUMENTED_ERRORS)
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_documented_error_examples_become_typed_errors(
    prism_url: str,
    kind: str,
    status: int,
    error_class: type[APIStatusError],
    detail_code: str | None,
    tracking_id: str | None,
) -> None:
    """Prism answers with the spec's error examples on request (``Prefer: code=N``); each one maps to
    its typed error, carrying SailPoint's detailCode, trackingId and message text."""
    exchanges = Exchanges()
    headers = {"Prefer": f"code={status}"}
    if kind == "sync":
        with (
            httpx.Client(headers=headers, event_hooks={"response": [exchanges.record]}) as http,
            SimIntegrationsClient(prism_url, access_token=TOKEN, http_client=http, max_retries=0) as client,
            pytest.raises(error_class) as caught,
        ):
            client.get("62945a496ef440189b1f03e3623411c8")
    else:
        async with (
            httpx.AsyncClient(headers=headers, event_hooks={"response": [exchanges.arecord]}) as ahttp,
            AsyncSimIntegrationsClient(
                prism_url, access_token=TOKEN, http_client=ahttp, max_retries=0
            ) as aclient,
        ):
            with pytest.raises(error_class) as caught:
                await aclient.get("62945a496ef440189b1f03e3623411c8")
    error = caught.value
    assert error.status_code == status
    assert error.detail_code == detail_code
    assert error.tracking_id == tracking_id
    example_text = {
        401: "JWT validation failed: JWT is expired",
        429: "Rate Limit Exceeded",
    }
    assert error.messages, error
    if status in example_text:
        assert example_text[status] in error.messages[0]
    # Only the status was chosen: the request itself still conformed.
    assert exchanges.seen == [
        ("GET", f"/{API_VERSION}/sim-integrations/62945a496ef440189b1f03e3623411c8", status)
    ]
    assert exchanges.flagged == []


def test_prism_does_flag_violations(prism_url: str) -> None:
    """Negative control: the requests the facade never makes are flagged, so a clean run means something."""
    base = f"{prism_url}/{API_VERSION}/sim-integrations"
    good = {"Authorization": f"Bearer {TOKEN}", "X-SailPoint-Experimental": "true"}
    exchanges = Exchanges()  # the same detector the conformance test relies on
    with httpx.Client(event_hooks={"response": [exchanges.record]}) as raw:
        no_header = raw.get(base, headers={"Authorization": f"Bearer {TOKEN}"})
        wrong_header = raw.get(base, headers={**good, "X-SailPoint-Experimental": "True"})
        no_token = raw.get(base, headers={"X-SailPoint-Experimental": "true"})
        bad_body = raw.post(base, headers=good, json={"name": 5})
        no_name = raw.put(f"{base}/x", headers=good, json={"description": "no name"})
        bad_sources = raw.put(f"{base}/x", headers=good, json={"name": "n", "sources": "not-a-list"})
        bad_patch = raw.patch(
            f"{base}/x",
            headers={**good, "Content-Type": "application/json-patch+json"},
            content=b'{"operations": [{"op": "frobnicate", "path": "/a"}]}',
        )
        fine = raw.get(base, headers=good)
    for response in (no_header, wrong_header, no_token, bad_body, no_name, bad_sources, bad_patch):
        assert response.status_code >= 400, response.request
        assert response.headers.get("sl-violations"), response.request
    assert fine.status_code == 200
    assert "sl-violations" not in fine.headers
    assert len(exchanges.violations) == 7
    assert len(exchanges.seen) == 8


def test_the_served_copy_changes_only_path_keys_and_typeless_nullables(tmp_path: Path) -> None:
    """The spec Prism serves is the fragment itself but for the two documented normalisations."""
    path, normalised = versioned_spec(tmp_path / "served.yaml")
    served = yaml.safe_load(path.read_text(encoding="utf-8"))
    original = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    assert list(served["paths"]) == [f"/{API_VERSION}{key}" for key in original["paths"]]
    assert list(served["paths"].values()) == list(original["paths"].values())
    for pointer in normalised:
        node = served
        for part in pointer.strip("/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        assert "type" not in node and "nullable" not in node
        node["nullable"] = True
    assert served["components"] == original["components"]
    assert {k: v for k, v in served.items() if k != "paths"} == {
        k: v for k, v in original.items() if k != "paths"
    }
