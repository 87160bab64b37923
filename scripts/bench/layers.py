"""Where a single call's time goes, layer by layer: ours against SailPoint's SDK (issue 14).

`make bench ARGS="--profile layers"` (or ``python -m scripts.bench.layers``) starts one loopback fake,
then measures the client CPU time of one GET and one PUT (update) of one integration at each layer a
client adds, in two kinds of process, alternating five times: our venv (httpx's transport alone,
+ JSON, + our typed model, our sync client, ``httpx.Client`` + JSON, the floor) and the SDK 2.1.72 venv
(urllib3 alone, + JSON, the SDK's call). Then the PUT again with a different integration on every
call, as the benchmark's update row sends it (the first call to an id it just created), and what that
costs each HTTP stack: parsing a URL it has not seen (``httpx.URL`` against urllib3's ``parse_url``;
our client keeps the URLs of recently used ids, so only a new id pays it). Then a DELETE on each side,
every call removing an integration seeded for it (a new URL on both sides). Then a list of 100
integrations, from a second fake that holds exactly that many (issue 14's "list 100" row: the HTTP layer,
+ JSON, + typed models, the client's call). Rounds of each layer are
interleaved, so drift on a busy machine hits all of them alike; each figure is the lowest round mean,
the round other work disturbed least (as ``timeit`` advises). Differences between layers say what each
adds: what is left between our client and the SDK's is either ours (the facade row) or the HTTP stack's
(transport vs urllib3) and the model's (ours vs pydantic's).

`make bench ARGS="--profile layers:instructions"` counts the same layers' instructions per call under
valgrind's callgrind instead, one process per layer: a figure the machine's load does not move, where
timings of layers 10 to 50 µs apart change order from run to run.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .config import CREATE_BODY

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 30
PAIRS = 5  # alternating process pairs (ours, SDK) the rounds are spread over
CALLS = 200
# Integrations the "new integration each call" layers cycle through: more than our client's URL cache
# holds (256), so an id comes round again only after the cache has been emptied.
FRESH = 300
HEADERS = {"Accept": "application/json", "X-SailPoint-Experimental": "true"}
LIST_SIZE = 100  # integrations on the second fake, which the list layers read (the benchmark's list 100)
# A list of 100 costs about what 15 single calls do: its layers make a tenth of the calls (at least one),
# which keeps `--profile layers:instructions` near its 10 minutes under callgrind.
LIST_PREFIX = "LIST "
LIST_CALLS_DIVISOR = 10


def calls_for(name: str, calls: int) -> int:
    """How many calls layer ``name`` makes where the single-call layers make ``calls``."""
    return max(1, calls // LIST_CALLS_DIVISOR) if name.startswith(LIST_PREFIX) else calls


# The same body on every PUT of the same integration (its own name stays its own).
UPDATE_BODY: dict[str, Any] = {
    **CREATE_BODY,
    "name": "layers",
    "description": "Updated by the layers profile",
}


Layers = dict[str, Callable[[], object]]
Run = Callable[[Layers], dict[str, float]]  # what a side does with its layers: time them, or count one
DOOMED_LAYERS = {"ours": 3, "sdk": 2}  # layers per side that delete an integration on every call
WARM_UP = 20


def measure(layers: Layers, rounds: int = ROUNDS, calls: int = CALLS) -> dict[str, float]:
    """The lowest over ``rounds`` of the mean thread CPU µs per call of each layer, layers interleaved."""
    for layer in layers.values():  # warm up: connections, first-use imports, caches
        for _ in range(WARM_UP):
            layer()
    samples: dict[str, list[float]] = {name: [] for name in layers}
    clock = time.thread_time_ns
    for _ in range(rounds):
        for name, layer in layers.items():
            layer_calls = calls_for(name, calls)
            start = clock()
            for _ in range(layer_calls):
                layer()
            samples[name].append((clock() - start) / layer_calls / 1000)
    return {name: min(values) for name, values in samples.items()}


def count_in_reduce(layer: Callable[[], object], calls: int) -> None:
    """Warm ``layer`` up, then call it ``calls`` times inside ``functools.reduce``: the one region a
    ``valgrind --tool=callgrind --toggle-collect=functools_reduce`` run counts (nothing on either side
    calls reduce while a call is made: the count grows in proportion to ``calls``, which a test checks)."""
    for _ in range(WARM_UP):
        layer()
    functools.reduce(lambda _, __: layer(), range(calls), None)


def _counted(items: Any) -> Any:
    """``items``, if it is the whole list (a client answering fast but short would flatter itself)."""
    if len(items) != LIST_SIZE:
        raise RuntimeError(f"layers: the list held {len(items)} integrations, not {LIST_SIZE}")
    return items


def _ok(status: int, method: str, body: bytes) -> bytes:
    """``body``, if the status says the call did what the layer measures (a DELETE of an integration
    already gone would be a cheaper 404)."""
    if not 200 <= status < 300:
        raise RuntimeError(f"layers: {method} answered {status}")
    return body


def ours(
    url: str,
    token: str,
    ident: str,
    fresh: list[str],
    doomed: Callable[[], str],
    lists: tuple[str, str],
    run: Run,
) -> dict[str, float]:
    """The layers of our stack, in this (the project's) interpreter, handed to ``run``; ``doomed`` gives
    an integration no call has seen yet, one for each DELETE; ``lists`` is the (URL, token) of the fake
    holding LIST_SIZE integrations."""
    import httpx

    from sailpoint_sim import SimIntegrationsClient
    from sailpoint_sim._generated_package import generated_package

    dto = generated_package().ServiceDeskIntegrationDto
    target = f"{url}/v2025/sim-integrations/{ident}"
    headers = {**HEADERS, "Authorization": f"Bearer {token}"}
    put_headers = {**headers, "Content-Type": "application/json"}
    transport = httpx.HTTPTransport()
    http = httpx.Client(headers=headers)
    client = SimIntegrationsClient(url, access_token=token, rate_limit=None)
    next_id, next_url_id = itertools.cycle(fresh).__next__, itertools.cycle(fresh).__next__
    list_url, list_token = lists
    list_target = f"{list_url}/v2025/sim-integrations"
    list_headers = {**HEADERS, "Authorization": f"Bearer {list_token}"}
    list_http = httpx.Client(headers=list_headers)
    list_client = SimIntegrationsClient(list_url, access_token=list_token, rate_limit=None)

    def raw(
        method: str = "GET",
        body: dict[str, Any] | None = None,
        at: str = target,
        bare: dict[str, str] = headers,
    ) -> bytes:
        """One request through the transport alone (``bare``: the headers of a request without a body)."""
        if body is None:
            request = httpx.Request(method, at, headers=bare)
        else:
            request = httpx.Request(method, at, headers=put_headers, content=json.dumps(body).encode())
        response = transport.handle_request(request)
        try:
            answer = response.read()
        finally:
            response.close()
        return _ok(response.status_code, method, answer)

    raw_list = functools.partial(raw, at=list_target, bare=list_headers)
    layers: Layers = {
        "GET transport": raw,
        "GET transport + json.loads": lambda: json.loads(raw()),
        "GET transport + json.loads + typed model": lambda: dto.from_dict(json.loads(raw())),
        "GET sailpoint_sim sync client.get": lambda: client.get(ident),
        "GET httpx.Client.get + json.loads (the floor)": lambda: http.get(target).json(),
        "PUT transport": lambda: raw("PUT", UPDATE_BODY),
        "PUT transport + json dumps/loads": lambda: json.loads(raw("PUT", UPDATE_BODY)),
        "PUT transport + json + typed model": lambda: dto.from_dict(json.loads(raw("PUT", UPDATE_BODY))),
        "PUT sailpoint_sim sync client.update": lambda: client.update(ident, UPDATE_BODY),
        "PUT httpx.Client.put + json (the floor)": lambda: http.put(target, json=UPDATE_BODY).json(),
        "PUT client.update, a new integration each call": lambda: client.update(next_id(), UPDATE_BODY),
        "new URL: httpx.URL(str)": lambda: httpx.URL(f"{url}/v2025/sim-integrations/{next_url_id()}"),
        # Each DELETE removes an integration nothing has addressed before (a new URL on every side).
        "DELETE transport": lambda: raw("DELETE", at=f"{url}/v2025/sim-integrations/{doomed()}"),
        "DELETE sailpoint_sim sync client.delete": lambda: client.delete(doomed()),
        "DELETE httpx.Client.delete (the floor)": lambda: http.delete(
            f"{url}/v2025/sim-integrations/{doomed()}"
        ).raise_for_status(),
        "LIST 100 transport": raw_list,
        "LIST 100 transport + json.loads": lambda: json.loads(raw_list()),
        "LIST 100 transport + json.loads + typed models": lambda: [
            dto.from_dict(item) for item in json.loads(raw_list())
        ],
        "LIST 100 sailpoint_sim sync client.list": lambda: _counted(list_client.list()),
        "LIST 100 httpx.Client.get + json.loads (the floor)": lambda: _counted(
            list_http.get(list_target).json()
        ),
    }
    try:
        return run(layers)
    finally:
        client.close()
        list_client.close()
        http.close()
        list_http.close()
        transport.close()


def sdk(
    url: str,
    token: str,
    ident: str,
    fresh: list[str],
    doomed: Callable[[], str],
    lists: tuple[str, str],
    run: Run,
) -> dict[str, float]:
    """The layers of SailPoint's SDK 2.1.72 (per-resource package), in its own venv's interpreter."""
    import warnings

    import urllib3
    from sailpoint.configuration import Configuration, ConfigurationParams
    from sailpoint.sim_integrations.api.sim_integrations_api import SIMIntegrationsApi
    from sailpoint.sim_integrations.api_client import ApiClient
    from sailpoint.sim_integrations.models.sim_integration_details import SimIntegrationDetails
    from urllib3.util import parse_url

    warnings.simplefilter("ignore")
    target = f"{url}/sim-integrations/v1/{ident}"
    headers = {**HEADERS, "Authorization": f"Bearer {token}"}
    put_headers = {**headers, "Content-Type": "application/json"}
    pool = urllib3.PoolManager()

    def api_for(base_url: str, access_token: str) -> SIMIntegrationsApi:
        params = ConfigurationParams()
        params.base_url = base_url
        params.access_token = access_token
        configuration = Configuration(params)
        configuration.experimental = True
        configuration.suppress_experimental_warnings = True
        return SIMIntegrationsApi(ApiClient(configuration))

    api = api_for(url, token)
    next_id, next_url_id = itertools.cycle(fresh).__next__, itertools.cycle(fresh).__next__
    list_url, list_token = lists
    list_api = api_for(list_url, list_token)
    list_target = f"{list_url}/sim-integrations/v1"
    list_headers = {**HEADERS, "Authorization": f"Bearer {list_token}"}

    def raw(
        method: str = "GET",
        body: dict[str, Any] | None = None,
        at: str = target,
        bare: dict[str, str] = headers,
    ) -> bytes:
        """One request through urllib3 alone (``bare``: the headers of a request without a body)."""
        if body is None:
            response = pool.request(method, at, headers=bare)
        else:
            response = pool.request(method, at, headers=put_headers, body=json.dumps(body).encode())
        return _ok(response.status, method, response.data)

    raw_list = functools.partial(raw, at=list_target, bare=list_headers)
    layers: Layers = {
        "GET urllib3": raw,
        "GET urllib3 + json.loads": lambda: json.loads(raw()),
        "GET SDK 2.1.72 get_sim_integration_v1": lambda: api.get_sim_integration_v1(
            ident, x_sail_point_experimental="true"
        ),
        "PUT urllib3": lambda: raw("PUT", UPDATE_BODY),
        "PUT urllib3 + json dumps/loads": lambda: json.loads(raw("PUT", UPDATE_BODY)),
        # As users call it (and as the benchmark's update row does): the model built from the dict.
        "PUT SDK 2.1.72 put_sim_integration_v1": lambda: api.put_sim_integration_v1(
            ident, SimIntegrationDetails.from_dict(UPDATE_BODY), x_sail_point_experimental="true"
        ),
        "PUT SDK 2.1.72, a new integration each call": lambda: api.put_sim_integration_v1(
            next_id(), SimIntegrationDetails.from_dict(UPDATE_BODY), x_sail_point_experimental="true"
        ),
        "new URL: urllib3 parse_url(str)": lambda: parse_url(f"{url}/sim-integrations/v1/{next_url_id()}"),
        "DELETE urllib3": lambda: raw("DELETE", at=f"{url}/sim-integrations/v1/{doomed()}"),
        "DELETE SDK 2.1.72 delete_sim_integration_v1": lambda: api.delete_sim_integration_v1(
            doomed(), x_sail_point_experimental="true"
        ),
        "LIST 100 urllib3": raw_list,
        "LIST 100 urllib3 + json.loads": lambda: json.loads(raw_list()),
        "LIST 100 SDK 2.1.72 get_sim_integrations_v1": lambda: _counted(
            list_api.get_sim_integrations_v1(x_sail_point_experimental="true")
        ),
    }
    return run(layers)


def main(
    sdk: bool = True,
    rounds: int = ROUNDS,
    calls: int = CALLS,
    *,
    instructions: bool = False,
    only: Sequence[str] = (),
) -> int:
    """Start a fake, measure both sides in their own interpreters, print the table (``sdk=False``: ours
    only, no SDK venv needed). ``instructions``: count each layer's instructions per call under
    callgrind instead of timing it (``only``: just the layers named)."""
    from .config import SDK_CURRENT
    from .envs import ensure_venv
    from .service import fake_service

    sdk_python = ensure_venv(f"sailpoint-{SDK_CURRENT}", [f"sailpoint=={SDK_CURRENT}"]) if sdk else None
    with fake_service() as service, fake_service() as lists, tempfile.TemporaryDirectory() as tmp:
        ident, *fresh = service.seed(1 + FRESH)
        lists.seed(LIST_SIZE)
        fresh_file = Path(tmp) / "fresh-ids.json"
        fresh_file.write_text(json.dumps(fresh))
        args = [service.url, service.token, ident, str(fresh_file), lists.url, lists.token]
        sides = [("ours", Path(sys.executable))] + ([("sdk", sdk_python)] if sdk_python else [])
        if instructions:
            return _count_instructions(sides, args, calls, Path(tmp), only)
        figures: dict[str, float] = {}
        # The two sides alternate over several process pairs and each figure is its lowest over all of
        # them: one process of one side run while the machine was busier cannot tilt the comparison.
        pairs = max(1, min(PAIRS, rounds))
        rounds_each = -(-rounds // pairs)
        for side, python in [side for _ in range(pairs) for side in sides]:
            measured = _side(python, side, args, ["time", str(rounds_each), str(calls)])
            if measured is None:
                return 1
            figures |= {name: min(value, figures.get(name, value)) for name, value in measured.items()}
    print(
        f"client CPU per call or URL (lowest of {rounds} rounds x {calls} calls, lists"
        f" {calls_for(LIST_PREFIX, calls)},"
        f" spread over {pairs} alternating processes per side, µs):"
    )
    for name, value in figures.items():
        print(f"  {name:<48} {value:8.1f}")
    return 0


# Counts only what runs inside functools.reduce (see count_in_reduce): imports, the connection and the
# warm-up are left out. Instructions are not time (a cache miss or a system call costs more than its
# count says), but the count does not move with whatever else the machine is doing.
CALLGRIND = ("valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=functools_reduce")


def _count_instructions(
    sides: list[tuple[str, Path]], args: list[str], calls: int, tmp: Path, only: Sequence[str]
) -> int:
    if shutil.which(CALLGRIND[0]) is None:
        print("layers: valgrind is not on PATH (the instruction counts need callgrind)", file=sys.stderr)
        return 1
    figures: dict[str, float] = {}
    for side, python in sides:
        names = _side(python, side, args, ["names"])
        if names is None:
            return 1
        for name in names:
            if only and name not in only:
                continue
            out = tmp / f"callgrind-{len(figures)}.out"
            prefix = [*CALLGRIND, f"--callgrind-out-file={out}"]
            layer_calls = calls_for(name, calls)
            if _side(python, side, args, ["count", str(layer_calls), name], prefix=prefix) is None:
                return 1
            total = callgrind_total(out.read_text())
            if not total:
                print(
                    f"layers: callgrind counted nothing for {name!r} (no functools_reduce?)", file=sys.stderr
                )
                return 1
            figures[name] = total / layer_calls
    print(
        f"instructions per call or URL (callgrind, {calls} calls after a warm-up, lists"
        f" {calls_for(LIST_PREFIX, calls)}; thousands):"
    )
    for name, value in figures.items():
        print(f"  {name:<48} {value / 1000:8.1f}")
    return 0


def callgrind_total(report: str) -> int:
    """The instruction total of a callgrind output file (its ``totals:`` line; 0 if none)."""
    found = re.search(r"^totals:\s+(\d+)", report, re.MULTILINE)
    return int(found.group(1)) if found else 0


def _side(python: Path, side: str, args: list[str], mode: list[str], prefix: Sequence[str] = ()) -> Any:
    """Run one side's process (in its own interpreter) and return what it printed last, as JSON."""
    done = subprocess.run(
        [*prefix, str(python), "-m", "scripts.bench.layers", side, *args, *mode],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        print(f"layers: the {side} side failed: {done.stderr.strip()[-500:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def _seed(url: str, count: int) -> list[str]:
    """``count`` new integrations on the fake service (admin endpoint, stdlib only: the SDK's venv runs
    this too); their ids."""
    import urllib.request

    if count == 0:
        return []
    request = urllib.request.Request(
        f"{url}/__fake__/seed",
        data=json.dumps({"count": count}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        ids: list[str] = json.loads(response.read())["ids"]
    return ids


def _side_main(argv: list[str]) -> int:
    """One side, run by main() in the right interpreter: SIDE URL TOKEN ID FRESH_FILE LIST_URL LIST_TOKEN
    then ``time ROUNDS CALLS`` (times every layer), ``names`` (lists them) or ``count CALLS NAME`` (one
    layer, for callgrind)."""
    side, url, token, ident, fresh_file, list_url, list_token, mode, *rest = argv
    fresh_ids = json.loads(Path(fresh_file).read_text())
    build = ours if side == "ours" else sdk
    # Every DELETE layer's calls, warm-up included, each take an integration of their own.
    calls = {"time": lambda: int(rest[0]) * int(rest[1]), "count": lambda: int(rest[0])}.get(mode)
    deletes = (WARM_UP + calls()) * DOOMED_LAYERS[side] if calls else 0
    doomed = iter(_seed(url, deletes)).__next__
    printed: Any = {}

    def run(layers: Layers) -> dict[str, float]:
        nonlocal printed
        if mode == "time":
            printed = measure(layers, int(rest[0]), int(rest[1]))
        elif mode == "names":
            printed = list(layers)
        else:  # count CALLS NAME
            count_in_reduce(layers[rest[1]], int(rest[0]))
        return {}

    build(url, token, ident, fresh_ids, doomed, (list_url, list_token), run)
    print(json.dumps(printed))
    return 0


if __name__ == "__main__":
    sys.exit(_side_main(sys.argv[1:]) if len(sys.argv) > 1 else main())
