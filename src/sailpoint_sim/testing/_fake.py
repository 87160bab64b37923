"""``FakeSimService``: the service core with its two carriers, the in-process transport and the loopback server.

This is the only module that knows both the service and the carriers; the carriers know the service only
through the small ``_model.Service`` interface, and the service knows no carrier.
"""

from __future__ import annotations

from ._server import FakeServer
from ._service import SimService
from ._transport import FakeTransport


class FakeSimService(SimService):
    """An in-memory, stateful stand-in for the SIM Integrations API of Identity Security Cloud.

    It answers the seven operations under ``/v2025/sim-integrations`` (and the same handlers under
    SailPoint's per-resource paths ``/sim-integrations/v1``) plus ``POST /oauth/token``, as the spec
    fragment and SailPoint's documentation describe them: it assigns ``id`` (32 hex digits), ``created``
    and ``modified`` (UTC, milliseconds, ``Z``; no fraction on a whole second), ignores those fields in
    request bodies, keeps every other field a client sends (undeclared ones too), requires a bearer token
    it issued and the header ``X-SailPoint-Experimental: true``, validates bodies (400 with SailPoint's
    error body), applies JSON Patch per RFC 6902 in both the ``{"operations": [...]}`` and the bare-array
    form, and answers 404 for unknown ids.

    Use it in your own tests in-process, with no sockets::

        fake = FakeSimService()
        token = fake.issue_token()
        with httpx.Client(transport=fake.transport(), base_url="https://tenant.api.identitynow.com") as c:
            c.get("/v2025/sim-integrations",
                  headers={"Authorization": f"Bearer {token}", "X-SailPoint-Experimental": "true"})

    or over real HTTP on loopback::

        with FakeSimService().serve() as server:
            print(server.url)          # http://127.0.0.1:PORT

    The client credentials it accepts at ``/oauth/token`` are ``client_id`` / ``client_secret``
    (``fake-client-id`` / ``fake-client-secret`` by default). Tokens live ``token_ttl`` seconds and carry
    ``scopes`` (``sp:scopes:all`` by default): a token without the operation's scope is answered 403, as
    SailPoint answers a client whose API grant lacks ``idn:service-desk-integration:read`` / ``:manage``.

    The beforeProvisioningRule PATCH applies its operations to the rule object itself: paths are relative
    to it (``/id``, ``/name``, ``/type``); an integration without a rule starts from ``{}``.

    DELETE answers ``delete_status`` (200 by default, as SailPoint documents, or 204), with an empty body.

    Knobs for checks of a client's setup (``sailpoint-sim doctor``): ``layouts`` serves only some path
    layouts (``sailpoint_sim.Layout`` members or ``"v2025"`` / ``"per-resource"``; the other answers 404
    with SailPoint's error body); ``rate_limit=RateLimit(requests, per)`` (or a ``(requests, per)`` pair)
    answers 429 with SailPoint's body and ``Retry-After`` beyond that many requests per access token in
    any ``per`` seconds, counted in ``stats()["rate_limited"]``; ``clock_skew`` (seconds) shifts the
    ``Date`` header every answer carries.
    ``latency`` (seconds) is added before every API and token request, as a slow network or service
    would. Faults (:meth:`inject`) make the next matching requests fail in chosen ways; every request is
    recorded (:attr:`requests`, secrets redacted) and every applied write is logged (:attr:`writes`).
    """

    def transport(self) -> FakeTransport:
        """An in-process transport for ``httpx.Client(transport=...)`` and ``httpx.AsyncClient``.

        No socket is opened; any base URL works (the host is ignored).
        """
        return FakeTransport(self)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> FakeServer:
        """Start a real HTTP/1.1 server (keep-alive, many concurrent connections) in a background thread.

        Use it as a context manager; ``server.url`` is ``http://HOST:PORT`` (port 0 picks a free one).
        """
        server = FakeServer(self, host, port)
        server.start()
        return server
