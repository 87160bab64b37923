"""Where a single call's time goes, layer by layer: ours against SailPoint's SDK (issue 14).

`make bench ARGS="--profile layers"` (or ``python -m scripts.bench.layers``) starts one loopback fake,
then measures the client CPU time of one GET and one PUT (update) of one integration at each layer a
client adds, in two kinds of process, alternating five times: our venv (httpx's transport alone,
+ JSON, + our typed model, our sync client, ``httpx.Client`` + JSON, the floor) and the SDK 2.1.72 venv
(urllib3 alone, + JSON, the SDK's call). Rounds of each layer are interleaved, so drift on a busy machine
hits all of them alike; each figure is the lowest round mean, the round other work disturbed least (as
``timeit`` advises). Differences between layers say what each adds: what is left between our client
and the SDK's is either ours (the facade row) or the HTTP stack's (transport vs urllib3) and the
model's (ours vs pydantic's).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .config import CREATE_BODY

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 30
PAIRS = 5  # alternating process pairs (ours, SDK) the rounds are spread over
CALLS = 200
HEADERS = {"Accept": "application/json", "X-SailPoint-Experimental": "true"}
# The same body on every PUT of the same integration (its own name stays its own).
UPDATE_BODY: dict[str, Any] = {
    **CREATE_BODY,
    "name": "layers",
    "description": "Updated by the layers profile",
}


def measure(
    layers: dict[str, Callable[[], object]], rounds: int = ROUNDS, calls: int = CALLS
) -> dict[str, float]:
    """The lowest over ``rounds`` of the mean thread CPU µs per call of each layer, layers interleaved."""
    for layer in layers.values():  # warm up: connections, first-use imports, caches
        for _ in range(20):
            layer()
    samples: dict[str, list[float]] = {name: [] for name in layers}
    clock = time.thread_time_ns
    for _ in range(rounds):
        for name, layer in layers.items():
            start = clock()
            for _ in range(calls):
                layer()
            samples[name].append((clock() - start) / calls / 1000)
    return {name: min(values) for name, values in samples.items()}


def ours(url: str, token: str, ident: str, rounds: int, calls: int) -> dict[str, float]:
    """The layers of our stack, in this (the project's) interpreter: a GET and a PUT (update)."""
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

    def raw(method: str = "GET", body: dict[str, Any] | None = None) -> bytes:
        if body is None:
            request = httpx.Request(method, target, headers=headers)
        else:
            request = httpx.Request(method, target, headers=put_headers, content=json.dumps(body).encode())
        response = transport.handle_request(request)
        try:
            return response.read()
        finally:
            response.close()

    layers: dict[str, Callable[[], object]] = {
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
    }
    try:
        return measure(layers, rounds, calls)
    finally:
        client.close()
        http.close()
        transport.close()


def sdk(url: str, token: str, ident: str, rounds: int, calls: int) -> dict[str, float]:
    """The layers of SailPoint's SDK 2.1.72 (per-resource package), in its own venv's interpreter."""
    import warnings

    import urllib3
    from sailpoint.configuration import Configuration, ConfigurationParams
    from sailpoint.sim_integrations.api.sim_integrations_api import SIMIntegrationsApi
    from sailpoint.sim_integrations.api_client import ApiClient
    from sailpoint.sim_integrations.models.sim_integration_details import SimIntegrationDetails

    warnings.simplefilter("ignore")
    target = f"{url}/sim-integrations/v1/{ident}"
    headers = {**HEADERS, "Authorization": f"Bearer {token}"}
    put_headers = {**headers, "Content-Type": "application/json"}
    pool = urllib3.PoolManager()
    params = ConfigurationParams()
    params.base_url = url
    params.access_token = token
    configuration = Configuration(params)
    configuration.experimental = True
    configuration.suppress_experimental_warnings = True
    api = SIMIntegrationsApi(ApiClient(configuration))

    def raw(method: str = "GET", body: dict[str, Any] | None = None) -> bytes:
        if body is None:
            data: bytes = pool.request(method, target, headers=headers).data
        else:
            data = pool.request(method, target, headers=put_headers, body=json.dumps(body).encode()).data
        return data

    layers: dict[str, Callable[[], object]] = {
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
    }
    return measure(layers, rounds, calls)


def main(sdk: bool = True, rounds: int = ROUNDS, calls: int = CALLS) -> int:
    """Start a fake, measure both sides in their own interpreters, print the table (``sdk=False``: ours
    only, no SDK venv needed)."""
    from .config import SDK_CURRENT
    from .envs import ensure_venv
    from .service import fake_service

    sdk_python = ensure_venv(f"sailpoint-{SDK_CURRENT}", [f"sailpoint=={SDK_CURRENT}"]) if sdk else None
    with fake_service() as service:
        ident = service.seed(1)[0]
        args = [service.url, service.token, ident]
        figures: dict[str, float] = {}
        sides = [("ours", Path(sys.executable))] + ([("sdk", sdk_python)] if sdk_python else [])
        # The two sides alternate over several process pairs and each figure is its lowest over all of
        # them: one process of one side run while the machine was busier cannot tilt the comparison.
        pairs = max(1, min(PAIRS, rounds))
        rounds_each = -(-rounds // pairs)
        for side, python in [side for _ in range(pairs) for side in sides]:
            done = subprocess.run(
                [str(python), "-m", "scripts.bench.layers", side, *args, str(rounds_each), str(calls)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                timeout=900,
                check=False,
            )
            if done.returncode != 0:
                print(f"layers: the {side} side failed: {done.stderr.strip()[-500:]}", file=sys.stderr)
                return 1
            measured = json.loads(done.stdout.strip().splitlines()[-1])
            figures |= {name: min(value, figures.get(name, value)) for name, value in measured.items()}
    print(
        f"client CPU per GET / PUT (update) of one integration (lowest of {rounds} rounds x {calls} calls,"
        f" spread over {pairs} alternating processes per side, µs):"
    )
    for name, value in figures.items():
        print(f"  {name:<48} {value:8.1f}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 7:  # one side, run by main() in the right interpreter
        side, url, token, ident, rounds, calls = sys.argv[1:]
        measured: dict[str, Any] = (ours if side == "ours" else sdk)(
            url, token, ident, int(rounds), int(calls)
        )
        print(json.dumps(measured))
        sys.exit(0)
    sys.exit(main())
