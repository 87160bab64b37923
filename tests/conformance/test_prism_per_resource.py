"""Conformance in the per-resource layout (issue 11): Prism serves SailPoint's own per-resource spec
(``upstream/sailpoint-sim-integrations-v1.yaml``, a verbatim copy of the bundle in ../shared/upstream) with
request validation on, and both clients drive all seven operations through it with
``layout=Layout.PER_RESOURCE``.

The spec's paths (``/sim-integrations/v1...``) are served as written: that is the layout's wire format,
so no path is rewritten. Three upstream defects are normalised in the copy Prism serves, none touching
the paths, parameters or schemas' types: the experimental header's ``default: true`` (a YAML boolean on a
string schema) becomes ``'true'``, the undeclared ``userAuth`` security scheme is declared as a bearer
token, and ``nullable`` without ``type`` is dropped (see test_prism.py for why Prism needs that).

Without Node.js the module is skipped with what to install; under CI it fails instead.
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from sailpoint_sim import (
    AsyncSimIntegrationsClient,
    Layout,
    NotFoundError,
    PatchFormat,
    SimIntegrationsClient,
    patch,
)
from tests.conformance.test_prism import (
    DETAILS,
    Exchanges,
    _start_prism,
    _stop,
    prism_binary,
    typeless_nullables,
)
from tests.support.clients import EitherClient

UPSTREAM = Path(__file__).resolve().parent / "upstream" / "sailpoint-sim-integrations-v1.yaml"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "upstream" / UPSTREAM.name
TOKEN = "prism-static-token"
IDENTIFIER = "62945a496ef440189b1f03e3623411c8"
# Operations upstream's JsonPatchOperation allows: it has no `from` (move, copy) and no null or number
# values, and its PATCH bodies are only the {"operations": [...]} wrapper (both settled in the fragment;
# test_prism.py drives the rest against the fragment).
UPSTREAM_OPERATIONS = [
    patch.replace("/description", "New description"),
    patch.add("/sources/-", "2c9180835d191a86015d28455b4a0002"),
    patch.remove("/cluster"),
    patch.test("/name", "Conformance"),
]


def test_the_stored_copy_is_upstreams_bundle_verbatim() -> None:
    if not SHARED.exists():
        pytest.skip(f"{SHARED} is not beside this clone")
    assert UPSTREAM.read_bytes() == SHARED.read_bytes()


def served_spec(destination: Path) -> Path:
    """Write the copy Prism serves (see the module docstring for the three normalisations)."""
    document = yaml.safe_load(UPSTREAM.read_text(encoding="utf-8"))
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if schema.get("default") is True and schema.get("type") == "string":
                    schema["default"] = "true"
    schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes.setdefault("userAuth", {"type": "http", "scheme": "bearer"})
    for _, schema in list(typeless_nullables(document["components"], "/components")):
        del schema["nullable"]
    destination.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return destination


@pytest.fixture(scope="module")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = prism_binary()
    folder = tmp_path_factory.mktemp("prism-per-resource")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec = served_spec(folder / "sim-integrations-v1.prism.yaml")
    process, url = _start_prism(binary, spec, folder / "prism.log")
    try:
        yield url
    finally:
        _stop(process)


@asynccontextmanager
async def open_client(
    kind: str, url: str, exchanges: Exchanges, patch_format: PatchFormat, **extra: Any
) -> AsyncIterator[EitherClient]:
    options: dict[str, Any] = {
        "access_token": TOKEN,
        "patch_format": patch_format,
        "max_retries": 0,
        "layout": Layout.PER_RESOURCE,
    }
    if kind == "sync":
        with (
            httpx.Client(event_hooks={"response": [exchanges.record]}, **extra) as http,
            SimIntegrationsClient(url, http_client=http, **options) as client,
        ):
            yield EitherClient(client)
    else:
        async with (
            httpx.AsyncClient(event_hooks={"response": [exchanges.arecord]}, **extra) as ahttp,
            AsyncSimIntegrationsClient(url, http_client=ahttp, **options) as aclient,
        ):
            yield EitherClient(aclient)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_all_seven_operations_conform_in_the_per_resource_layout(prism_url: str, kind: str) -> None:
    exchanges = Exchanges()
    async with open_client(kind, prism_url, exchanges, PatchFormat.OPERATIONS_OBJECT) as client:
        listed = await client.list()
        assert isinstance(listed, list)
        created = await client.create(DETAILS)
        fetched = await client.get(IDENTIFIER)
        await client.update(IDENTIFIER, fetched)  # read-modify-write
        await client.patch("an id/with a slash", UPSTREAM_OPERATIONS)
        await client.patch_before_provisioning_rule(IDENTIFIER, [patch.replace("/name", "Other rule")])
        assert await client.delete(IDENTIFIER) is None
        for result in (created, fetched):
            assert result.to_dict()  # parsed into the models
    assert exchanges.violations == []
    assert [method for method, _, _ in exchanges.seen] == [
        "GET",
        "POST",
        "GET",
        "PUT",
        "PATCH",
        "PATCH",
        "DELETE",
    ]
    assert all(path.startswith("/sim-integrations/v1") for _, path, _ in exchanges.seen)
    assert not any(path.startswith("/v2025") for _, path, _ in exchanges.seen)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_documented_errors_are_typed_in_the_per_resource_layout(prism_url: str, kind: str) -> None:
    exchanges = Exchanges()
    async with open_client(
        kind, prism_url, exchanges, PatchFormat.OPERATIONS_OBJECT, headers={"Prefer": "code=404"}
    ) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.get(IDENTIFIER)
    assert caught.value.status_code == 404
    assert caught.value.url.endswith(f"/sim-integrations/v1/{IDENTIFIER}")
