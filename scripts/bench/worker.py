"""One measurement process of the benchmark (``python -m scripts.bench`` starts many of them).

Run as ``python -m scripts.bench.worker '<json spec>'`` from the checkout; prints one JSON object on its
last stdout line.
The same file runs in the project venv (raw httpx, the generated package, our facades) and in the
SailPoint SDK venvs, so it imports only the standard library at module level and each client's
packages inside that client's driver: a worker never pays for, or needs, another client's imports.

Every driver checks what it gets back (list length, ids), so a client that answers fast but wrong
fails the run instead of producing a flattering number.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the worker imports a client's packages only inside that client's driver
    from sailpoint_sim import RateLimit

OPS = ("list", "get", "create", "update", "patch", "patch_bpr", "delete")
"""The per-call workload, in the order one iteration runs it (list is timed in its own loop)."""

ASYNC_CLIENTS = frozenset({"async", "floor-async"})


class BenchFailure(Exception):
    """A client answered something other than what the workload expects."""


def _id_of(obj: Any) -> str:
    """The ``id`` of a dict or a model object (generated attrs, pydantic, or our facade's type)."""
    value = obj.get("id") if isinstance(obj, dict) else getattr(obj, "id", None)
    if not isinstance(value, str) or not value:
        raise BenchFailure(f"expected an integration with an id, got {type(obj).__name__}")
    return value


def _check_list(items: Any, expected: int) -> None:
    try:
        count = len(items)
    except TypeError:
        raise BenchFailure(f"list returned {type(items).__name__}, not a sequence") from None
    if count != expected:
        raise BenchFailure(f"list returned {count} integrations, expected {expected}")


# --- drivers: one per client, each a dict of op name -> callable with the same arguments -----------
# Signatures: list() -> seq; get(id) -> obj; create(body) -> obj; update(id, body) -> obj;
# patch(id, ops) -> obj; patch_bpr(id, ops) -> obj; delete(id) -> None.

Driver = dict[str, Callable[..., Any]]


def _floor_routes(call: Callable[..., Any], spec: dict[str, Any]) -> Driver:
    """The seven operations as raw HTTP calls, for both floors (``call`` is sync or async)."""
    json_h = {"Content-Type": "application/json"}
    patch_h = {"Content-Type": "application/json-patch+json"}
    return {
        "list": lambda: call("GET", "/sim-integrations"),
        "get": lambda i: call("GET", f"/sim-integrations/{i}"),
        "create": lambda b: call("POST", "/sim-integrations", b, json_h),
        "update": lambda i, b: call("PUT", f"/sim-integrations/{i}", b, json_h),
        "patch": lambda i, o: call("PATCH", f"/sim-integrations/{i}", spec["patch_wire"](o), patch_h),
        "patch_bpr": lambda i, o: call(
            "PATCH", f"/sim-integrations/{i}/beforeProvisioningRule", spec["patch_wire"](o), patch_h
        ),
        "delete": lambda i: call("DELETE", f"/sim-integrations/{i}"),
    }


def _floor(spec: dict[str, Any]) -> tuple[Driver, Callable[[], None]]:
    """The floor: a bare httpx.Client, the same requests, ``json.loads`` and nothing else."""
    import httpx

    client = httpx.Client(
        base_url=spec["base_url"] + "/v2025",
        headers={"Authorization": "Bearer " + spec["token"], "X-SailPoint-Experimental": "true"},
    )

    def call(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        content = None if body is None else json.dumps(body).encode()
        response = client.request(method, url, content=content, headers=headers)
        if response.status_code not in (200, 204):
            raise BenchFailure(f"{method} {url}: HTTP {response.status_code}")
        return json.loads(response.content) if response.content else None

    return _floor_routes(call, spec), client.close


def _floor_async(spec: dict[str, Any]) -> tuple[Driver, Callable[[], Coroutine[Any, Any, None]]]:
    """The async floor: a bare httpx.AsyncClient (shows what httpx's async stack itself costs)."""
    import httpx

    client = httpx.AsyncClient(
        base_url=spec["base_url"] + "/v2025",
        headers={"Authorization": "Bearer " + spec["token"], "X-SailPoint-Experimental": "true"},
    )

    async def call(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        content = None if body is None else json.dumps(body).encode()
        response = await client.request(method, url, content=content, headers=headers)
        if response.status_code not in (200, 204):
            raise BenchFailure(f"{method} {url}: HTTP {response.status_code}")
        return json.loads(response.content) if response.content else None

    return _floor_routes(call, spec), client.aclose


def _generated(spec: dict[str, Any]) -> tuple[Driver, Callable[[], None]]:
    """The generated package called directly, models built from the same dicts (``from_dict``)."""
    from sailpoint_sim_client import AuthenticatedClient
    from sailpoint_sim_client.api.sim_integrations import (
        create_sim_integration,
        delete_sim_integration,
        get_sim_integration,
        get_sim_integrations,
        patch_before_provisioning_rule,
        patch_sim_attributes,
        put_sim_integration,
    )
    from sailpoint_sim_client.models import JsonPatch, ServiceDeskIntegrationDto, SimIntegrationDetails

    client = AuthenticatedClient(base_url=spec["base_url"] + "/v2025", token=spec["token"])
    http = client.get_httpx_client()  # built lazily otherwise: build it now, like the other clients

    def ok(result: Any) -> Any:
        # Documented error codes come back as models, not exceptions: count them as failures.
        if isinstance(result, list | ServiceDeskIntegrationDto):
            return result
        raise BenchFailure(f"generated client returned {type(result).__name__}")

    def delete(i: str) -> None:
        response = delete_sim_integration.sync_detailed(i, client=client)
        if response.status_code not in (200, 204):
            raise BenchFailure(f"delete: HTTP {response.status_code}")

    driver: Driver = {
        "list": lambda: ok(get_sim_integrations.sync(client=client)),
        "get": lambda i: ok(get_sim_integration.sync(i, client=client)),
        "create": lambda b: ok(
            create_sim_integration.sync(client=client, body=SimIntegrationDetails.from_dict(b))
        ),
        "update": lambda i, b: ok(
            put_sim_integration.sync(i, client=client, body=SimIntegrationDetails.from_dict(b))
        ),
        "patch": lambda i, o: ok(
            patch_sim_attributes.sync(i, client=client, body=JsonPatch.from_dict({"operations": o}))
        ),
        "patch_bpr": lambda i, o: ok(
            patch_before_provisioning_rule.sync(i, client=client, body=JsonPatch.from_dict({"operations": o}))
        ),
        "delete": delete,
    }
    return driver, http.close


def _pacing(spec: dict[str, Any]) -> RateLimit | None:
    """Our clients' ``rate_limit``: the spec's limit for the bulk row, otherwise none at all (per-call
    rows measure what a call costs, not how a client waits its turn)."""
    from sailpoint_sim import RateLimit

    limit = spec.get("rate_limit")
    return None if limit is None else RateLimit(*limit)


def _facade(spec: dict[str, Any]) -> tuple[Driver, Callable[[], None]]:
    """Our sync facade, ``SimIntegrationsClient``."""
    from sailpoint_sim import SimIntegrationsClient

    client = SimIntegrationsClient(spec["base_url"], access_token=spec["token"], rate_limit=_pacing(spec))
    driver: Driver = {
        "list": client.list,
        "get": client.get,
        "create": client.create,
        "update": client.update,
        "patch": client.patch,
        "patch_bpr": client.patch_before_provisioning_rule,
        "delete": client.delete,
    }
    return driver, client.close


def _facade_async(spec: dict[str, Any]) -> tuple[Driver, Callable[[], Coroutine[Any, Any, None]]]:
    """Our async facade, ``AsyncSimIntegrationsClient``."""
    from sailpoint_sim import AsyncSimIntegrationsClient

    client = AsyncSimIntegrationsClient(
        spec["base_url"], access_token=spec["token"], rate_limit=_pacing(spec)
    )
    driver: Driver = {
        "list": client.list,
        "get": client.get,
        "create": client.create,
        "update": client.update,
        "patch": client.patch,
        "patch_bpr": client.patch_before_provisioning_rule,
        "delete": client.delete,
    }
    return driver, client.aclose


def _sdk(spec: dict[str, Any], flavour: str) -> tuple[Driver, Callable[[], None]]:
    """SailPoint's SDK: ``v2`` (flat imports, as its docs recommend), ``v2-partition`` (the
    per-resource package imported directly) or ``v1`` (1.4.2, ``sailpoint.v2025``)."""
    warnings.simplefilter("ignore")  # lenient-enum and experimental warnings would flood stderr
    token = spec["token"]
    if flavour == "v1":
        from sailpoint.configuration import Configuration, ConfigurationParams
        from sailpoint.v2025.api.sim_integrations_api import SIMIntegrationsApi
        from sailpoint.v2025.api_client import ApiClient
        from sailpoint.v2025.models.json_patch import JsonPatch
        from sailpoint.v2025.models.sim_integration_details import SimIntegrationDetails

        experimental: dict[str, str] = {}  # v1 sends the header itself once experimental is on
    elif flavour == "v2":
        from sailpoint import ApiClient, Configuration, ConfigurationParams, SIMIntegrationsApi
        from sailpoint.sim_integrations.models.json_patch import JsonPatch
        from sailpoint.sim_integrations.models.sim_integration_details import SimIntegrationDetails

        experimental = {"x_sail_point_experimental": "true"}  # v2 made the header optional
    else:
        from sailpoint.configuration import Configuration, ConfigurationParams
        from sailpoint.sim_integrations.api.sim_integrations_api import SIMIntegrationsApi
        from sailpoint.sim_integrations.api_client import ApiClient
        from sailpoint.sim_integrations.models.json_patch import JsonPatch
        from sailpoint.sim_integrations.models.sim_integration_details import SimIntegrationDetails

        experimental = {"x_sail_point_experimental": "true"}

    params = ConfigurationParams()
    params.base_url = spec["base_url"]
    params.access_token = token  # a ready token: no fetch at construction
    configuration = Configuration(params)
    configuration.experimental = True
    configuration.suppress_experimental_warnings = True
    api_client = ApiClient(configuration)
    api = SIMIntegrationsApi(api_client)
    if flavour == "v1":
        m = {
            "list": api.get_sim_integrations,
            "get": api.get_sim_integration,
            "create": api.create_sim_integration,
            "update": api.put_sim_integration,
            "patch": api.patch_sim_attributes,
            "patch_bpr": api.patch_before_provisioning_rule,
            "delete": api.delete_sim_integration,
        }
    else:
        m = {
            "list": api.get_sim_integrations_v1,
            "get": api.get_sim_integration_v1,
            "create": api.create_sim_integration_v1,
            "update": api.put_sim_integration_v1,
            "patch": api.patch_sim_attributes_v1,
            "patch_bpr": api.patch_before_provisioning_rule_v1,
            "delete": api.delete_sim_integration_v1,
        }
    driver: Driver = {
        "list": lambda: m["list"](**experimental),
        "get": lambda i: m["get"](i, **experimental),
        "create": lambda b: m["create"](SimIntegrationDetails.from_dict(b), **experimental),
        "update": lambda i, b: m["update"](i, SimIntegrationDetails.from_dict(b), **experimental),
        "patch": lambda i, o: m["patch"](i, JsonPatch.from_dict({"operations": o}), **experimental),
        "patch_bpr": lambda i, o: m["patch_bpr"](i, JsonPatch.from_dict({"operations": o}), **experimental),
        "delete": lambda i: m["delete"](i, **experimental),
    }

    def close() -> None:
        api_client.rest_client.pool_manager.clear()

    return driver, close


SYNC_FACTORIES: dict[str, Callable[[dict[str, Any]], tuple[Driver, Callable[[], None]]]] = {
    "floor": _floor,
    "generated": _generated,
    "sync": _facade,
    "sdk-v2": lambda s: _sdk(s, "v2"),
    "sdk-v2-partition": lambda s: _sdk(s, "v2-partition"),
    "sdk-v1": lambda s: _sdk(s, "v1"),
}
ASYNC_FACTORIES: dict[
    str, Callable[[dict[str, Any]], tuple[Driver, Callable[[], Coroutine[Any, Any, None]]]]
] = {
    "floor-async": _floor_async,
    "async": _facade_async,
}


# --- measurement modes --------------------------------------------------------------------------


def _body(spec: dict[str, Any], n: int) -> dict[str, Any]:
    # A fresh name per call: the service requires unique names.
    body = dict(spec["create_body"])
    body["name"] = f"{body['name']}-{os.getpid()}-{n}"
    return body


def _median(samples: list[int]) -> float:
    return float(statistics.median(samples))


class Stopwatch:
    """Per-op samples of wall time and of this thread's CPU time.

    Wall time is what a user waits for (server and network included). CPU time is what the client
    itself spent in this thread: other processes on a busy machine barely move it, so it shows a
    client's own overhead when wall-time ranges are wide.
    """

    def __init__(self, ops: list[str]) -> None:
        self.wall: dict[str, list[int]] = {op: [] for op in ops}
        self.cpu: dict[str, list[int]] = {op: [] for op in ops}
        self._t0 = 0
        self._c0 = 0

    def start(self) -> None:
        """Mark the start of one call."""
        self._c0 = time.thread_time_ns()
        self._t0 = time.perf_counter_ns()

    def stop(self, op: str, keep: bool) -> None:
        """Record the call since :meth:`start` under ``op`` (unless it is a warm-up call)."""
        wall = time.perf_counter_ns() - self._t0
        cpu = time.thread_time_ns() - self._c0
        if keep:
            self.wall[op].append(wall)
            self.cpu[op].append(cpu)

    def medians(self) -> dict[str, float]:
        """``op`` -> median wall ns, and ``cpu:op`` -> median CPU ns."""
        out = {op: _median(v) for op, v in self.wall.items() if v}
        out |= {f"cpu:{op}": _median(v) for op, v in self.cpu.items() if v}
        return out


def calls_sync(spec: dict[str, Any]) -> dict[str, float]:
    """Median ns per call of each op, after a warm-up (connection opened, code paths warm)."""
    driver, close = SYNC_FACTORIES[spec["client"]](spec)
    ops: list[str] = spec["ops"]
    watch = Stopwatch(ops)
    try:
        if "list" in ops:
            for n in range(spec["warmup"] + spec["list_iterations"]):
                watch.start()
                items = driver["list"]()
                watch.stop("list", n >= spec["warmup"])
                _check_list(items, spec["expected_list"])
                # Free the result outside the timed window: otherwise the next call's timing would
                # include deallocating this one (9 objects per integration for model-based clients).
                del items
        if any(op != "list" for op in ops):
            for n in range(spec["warmup"] + spec["iterations"]):
                _cycle_sync(driver, spec, n, watch, n >= spec["warmup"])
    finally:
        close()
    return watch.medians()


def _cycle_sync(driver: Driver, spec: dict[str, Any], n: int, watch: Stopwatch, keep: bool) -> None:
    """One create -> get -> update -> patch -> patch_bpr -> delete round, each call timed alone."""
    body = _body(spec, n)
    watch.start()
    created = driver["create"](body)
    watch.stop("create", keep)
    new_id = _id_of(created)
    watch.start()
    got = driver["get"](spec["get_id"])
    watch.stop("get", keep)
    if _id_of(got) != spec["get_id"]:
        raise BenchFailure("get returned another integration")
    body["description"] = "updated by the benchmark"
    watch.start()
    driver["update"](new_id, body)
    watch.stop("update", keep)
    watch.start()
    driver["patch"](new_id, spec["patch_ops"])
    watch.stop("patch", keep)
    watch.start()
    driver["patch_bpr"](new_id, spec["bpr_ops"])
    watch.stop("patch_bpr", keep)
    watch.start()
    driver["delete"](new_id)
    watch.stop("delete", keep)


async def calls_async(spec: dict[str, Any]) -> dict[str, float]:
    """The same as :func:`calls_sync`, one awaited call at a time (per-call cost of the async path)."""
    driver, close = ASYNC_FACTORIES[spec["client"]](spec)
    ops: list[str] = spec["ops"]
    watch = Stopwatch(ops)
    try:
        if "list" in ops:
            for n in range(spec["warmup"] + spec["list_iterations"]):
                watch.start()
                items = await driver["list"]()
                watch.stop("list", n >= spec["warmup"])
                _check_list(items, spec["expected_list"])
                del items  # freed outside the timed window, as in calls_sync
        for n in range(spec["warmup"] + spec["iterations"] if any(op != "list" for op in ops) else 0):
            keep = n >= spec["warmup"]
            body = _body(spec, n)
            watch.start()
            created = await driver["create"](body)
            watch.stop("create", keep)
            new_id = _id_of(created)
            watch.start()
            got = await driver["get"](spec["get_id"])
            watch.stop("get", keep)
            if _id_of(got) != spec["get_id"]:
                raise BenchFailure("get returned another integration")
            body["description"] = "updated by the benchmark"
            watch.start()
            await driver["update"](new_id, body)
            watch.stop("update", keep)
            watch.start()
            await driver["patch"](new_id, spec["patch_ops"])
            watch.stop("patch", keep)
            watch.start()
            await driver["patch_bpr"](new_id, spec["bpr_ops"])
            watch.stop("patch_bpr", keep)
            watch.start()
            await driver["delete"](new_id)
            watch.stop("delete", keep)
            del created, got  # freed outside the timed window, as in _cycle_sync's frame
    finally:
        await close()
    return watch.medians()


def construct(spec: dict[str, Any]) -> dict[str, float]:
    """Median ns to construct a ready client (after one unmeasured construction, so imports are paid)."""
    kind = spec["client"]
    clock = time.perf_counter_ns
    samples: list[int] = []
    for n in range(1 + spec["iterations"]):
        if kind in ASYNC_FACTORIES:
            t0 = clock()
            _, aclose = ASYNC_FACTORIES[kind](spec)
            dt = clock() - t0
            asyncio.run(aclose())
        else:
            t0 = clock()
            _, close = SYNC_FACTORIES[kind](spec)
            dt = clock() - t0
            close()
        if n:
            samples.append(dt)
    return {"construct": _median(samples)}


def concurrency(spec: dict[str, Any]) -> dict[str, float]:
    """Wall ns (and this thread's CPU ns) for ``requests`` gets: async clients with at most
    ``concurrency`` in flight, sync ones one after another."""
    kind, requests, limit = spec["client"], spec["requests"], spec["concurrency"]
    get_id = spec["get_id"]
    watch = Stopwatch(["run"])
    if kind in ASYNC_FACTORIES:

        async def run() -> None:
            driver, aclose = ASYNC_FACTORIES[kind](spec)
            gate = asyncio.Semaphore(limit)

            async def one() -> None:
                async with gate:
                    if _id_of(await driver["get"](get_id)) != get_id:
                        raise BenchFailure("get returned another integration")

            try:
                # Warm-up: open the `limit` connections the measured run will reuse.
                await asyncio.gather(*(one() for _ in range(limit)))
                watch.start()
                await asyncio.gather(*(one() for _ in range(requests)))
                watch.stop("run", True)
            finally:
                await aclose()

        asyncio.run(run())
    else:
        driver, close = SYNC_FACTORIES[kind](spec)
        try:
            driver["get"](get_id)
            watch.start()
            for _ in range(requests):
                if _id_of(driver["get"](get_id)) != get_id:
                    raise BenchFailure("get returned another integration")
            watch.stop("run", True)
        finally:
            close()
    figures = watch.medians()
    return {"wall": figures["run"], "cpu": figures["cpu:run"]}


def _status_of(exc: Exception) -> int | None:
    """The HTTP status an error carries: ours (``status_code``), the SDK's ``ApiException``
    (``status``), or urllib3's ``MaxRetryError`` once its own retries of a status ran out (the SDK
    lets that through: "too many 429 error responses")."""
    for name in ("status_code", "status"):
        value = getattr(exc, name, None)
        if isinstance(value, int):
            return value
    found = re.search(r"too many (\d{3}) error responses", str(getattr(exc, "reason", "")))
    return int(found.group(1)) if found else None


class _Tally:
    """Bulk outcomes: updates that succeeded, and failures by HTTP status."""

    def __init__(self) -> None:
        self.ok = 0
        self.failed: dict[int, int] = {}

    def fail(self, exc: Exception) -> None:
        """Count an update the client gave up on; anything but an HTTP answer (a bug, a broken
        connection) is raised again and fails the run."""
        status = _status_of(exc)
        if status is None:
            raise exc
        self.failed[status] = self.failed.get(status, 0) + 1

    def check(self, result: Any, expected_id: str) -> None:
        if _id_of(result) != expected_id:
            raise BenchFailure("update returned another integration")
        self.ok += 1

    def figures(self, wall: int, cpu: int) -> dict[str, float]:
        out = {
            "wall": float(wall),
            "cpu": float(cpu),
            "ok": float(self.ok),
            "failed": float(sum(self.failed.values())),
        }
        out |= {f"failed:{status}": float(count) for status, count in sorted(self.failed.items())}
        return out


def bulk(spec: dict[str, Any]) -> dict[str, float]:
    """Wall ns for ``updates`` PUTs spread over ``ids``, as a user would send them: sync clients one
    after another, async ones at most ``concurrency`` in flight. An update the client gives up on counts
    as failed (by status) instead of ending the run, so a client that draws 429s still gets a row; the
    harness reads the 429s themselves from the fake."""
    kind, ids, count = spec["client"], spec["ids"], spec["updates"]
    bodies = [(ids[n % len(ids)], _body(spec, n)) for n in range(count)]
    tally = _Tally()
    clock, cpu_clock = time.perf_counter_ns, time.thread_time_ns
    if kind in ASYNC_FACTORIES:

        async def run() -> tuple[int, int]:
            driver, aclose = ASYNC_FACTORIES[kind](spec)
            gate = asyncio.Semaphore(spec["concurrency"])

            async def one(target: str, body: dict[str, Any]) -> None:
                async with gate:
                    try:
                        result = await driver["update"](target, body)
                    except Exception as exc:
                        tally.fail(exc)
                    else:
                        tally.check(result, target)

            try:
                t0, c0 = clock(), cpu_clock()
                await asyncio.gather(*(one(target, body) for target, body in bodies))
                return clock() - t0, cpu_clock() - c0
            finally:
                await aclose()

        wall, cpu = asyncio.run(run())
    else:
        driver, close = SYNC_FACTORIES[kind](spec)
        try:
            t0, c0 = clock(), cpu_clock()
            for target, body in bodies:
                try:
                    result = driver["update"](target, body)
                except Exception as exc:
                    tally.fail(exc)
                else:
                    tally.check(result, target)
            wall, cpu = clock() - t0, cpu_clock() - c0
        finally:
            close()
    return tally.figures(wall, cpu)


def _patch_wire(form: str) -> Callable[[list[dict[str, Any]]], Any]:
    if form == "array":
        return lambda ops: ops
    return lambda ops: {"operations": ops}


def main(argv: list[str]) -> int:
    """Run the measurement the JSON spec in ``argv[1]`` describes and print its result as JSON."""
    spec: dict[str, Any] = json.loads(argv[1])
    spec["patch_wire"] = _patch_wire(spec.get("patch_form", "wrapper"))
    mode = spec["mode"]
    try:
        if mode == "calls":
            is_async = spec["client"] in ASYNC_FACTORIES
            result = asyncio.run(calls_async(spec)) if is_async else calls_sync(spec)
        elif mode == "construct":
            result = construct(spec)
        elif mode == "concurrency":
            result = concurrency(spec)
        elif mode == "bulk":
            result = bulk(spec)
        else:
            raise BenchFailure(f"unknown mode {mode!r}")
    except BenchFailure as exc:
        print(f"bench worker ({spec['client']}, {mode}): {exc}", file=sys.stderr)
        return 3
    print(json.dumps({"client": spec["client"], "mode": mode, "ns": result}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
