"""A fake SailPoint SIM Integrations service for tests: ``pip install 'sailpoint-sim[testing]'``.

:class:`FakeSimService` is an in-memory, stateful, thread-safe stand-in for the seven
``/v2025/sim-integrations`` operations (also answered under SailPoint's per-resource paths
``/sim-integrations/v1``) and ``POST /oauth/token``. It behaves as the spec fragment and SailPoint's
documentation say the real service does: server-assigned ``id``/``created``/``modified``, bearer tokens
that expire and carry scopes (403 without the operation's), the ``X-SailPoint-Experimental: true``
header, 400/404 with SailPoint's error body, and JSON Patch (RFC 6902) in both the
``{"operations": [...]}`` and bare-array forms.

In-process, for unit tests (no sockets; works with ``httpx.Client`` and ``httpx.AsyncClient``)::

    from sailpoint_sim.testing import FakeSimService

    fake = FakeSimService()
    fake.seed(3)
    transport = fake.transport()
    # token via the OAuth endpoint (client_id / client_secret default to fake-client-id /
    # fake-client-secret), or directly: token = fake.issue_token()

Over real HTTP on loopback::

    with FakeSimService().serve() as server:        # or: python -m sailpoint_sim.testing --port 0
        base_url = server.url + "/v2025"

Faults for reliability tests: ``fake.inject(status=429, retry_after=3)``, ``fake.inject("reset",
operation="createSIMIntegration", when="after")``, ``fake.inject("html", status=502, times=2)``; see
:class:`Fault`. ``fake.requests`` records what arrived (secrets redacted) and ``fake.writes`` every write
that was applied, so a test can prove no POST or PATCH was applied twice.

Out of process, the test-only admin endpoints under ``/__fake__/`` (no auth) do the same: ``POST
/__fake__/faults`` (a Fault as JSON), ``GET /__fake__/requests``, ``GET /__fake__/writes``, ``GET
/__fake__/integrations``, ``GET /__fake__/stats``, ``POST /__fake__/seed {"count": N}``, ``POST
/__fake__/config {"latency": S, "delete_status": 200, "token_ttl": S, "scopes": [...]}``, ``POST
/__fake__/tokens {"token": T}``, ``POST /__fake__/tokens/expire``, ``POST /__fake__/tokens/revoke``,
``POST /__fake__/reset``.
Never expose this server beyond loopback.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._fake import FakeSimService
    from ._model import AppliedWrite, Fault, FaultKind, RecordedRequest
    from ._options import add_server_options, run_server
    from ._server import FakeServer
    from ._tokens import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SCOPE_ALL, SCOPE_MANAGE, SCOPE_READ
    from ._transport import FakeTransport

# Public name -> the module defining it. Imported on first use (PEP 562), so that importing the package
# (for its server options or its pytest plugin) costs nothing and works without the extra installed;
# the fake itself then says in one line how to install what it needs.
_EXPORTS = {
    "DEFAULT_CLIENT_ID": "_tokens",
    "DEFAULT_CLIENT_SECRET": "_tokens",
    "SCOPE_ALL": "_tokens",
    "SCOPE_MANAGE": "_tokens",
    "SCOPE_READ": "_tokens",
    "AppliedWrite": "_model",
    "FakeServer": "_server",
    "FakeSimService": "_fake",
    "FakeTransport": "_transport",
    "Fault": "_model",
    "FaultKind": "_model",
    "RecordedRequest": "_model",
    "add_server_options": "_options",
    "run_server": "_options",
}

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "SCOPE_ALL",
    "SCOPE_MANAGE",
    "SCOPE_READ",
    "AppliedWrite",
    "FakeServer",
    "FakeSimService",
    "FakeTransport",
    "Fault",
    "FaultKind",
    "RecordedRequest",
    "add_server_options",
    "run_server",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
