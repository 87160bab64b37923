"""The synchronous client."""

from __future__ import annotations

import builtins
import math
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from ._base import NOT_GIVEN, BaseClient, Prepared, _NotGiven, logger, shared_ssl_context
from ._config import DEFAULT_API_VERSION, DEFAULT_LIMITS, Layout
from ._errors import ConfigurationError, InvalidRequestError, SailPointError, transport_error
from ._patch import PatchFormat
from ._ratelimit import DEFAULT_RATE_LIMIT, RateLimit, Slot
from ._retry import RetryPolicy
from ._send import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES,
    NO_AUTH,
    TRACE,
    Call,
    base_timeouts,
    direct_transport,
    log_like_httpx,
    note_attempts,
    read_body,
    rebuilt,
    trace_request,
    trace_response,
    tracking_id,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Self

    from sailpoint_sim_client.models.json_patch import JsonPatch
    from sailpoint_sim_client.models.json_patch_operation import JsonPatchOperation
    from sailpoint_sim_client.models.service_desk_integration_dto import ServiceDeskIntegrationDto
    from sailpoint_sim_client.models.sim_integration_details import SimIntegrationDetails

__all__ = ["SimIntegrationsClient"]


class SimIntegrationsClient(BaseClient):
    """Client for the v2025 SIM Integrations API (blocking; thread-safe).

    Args:
        base_url: The tenant API host, e.g. ``https://acme.api.identitynow.com`` (the client adds
            ``/{api_version}``; a URL already ending in it is accepted).
        client_id: Client id of a personal access token (with ``client_secret``).
        client_secret: Its secret.
        access_token: A ready bearer token instead of client credentials.
        api_version: The version path segment of the v2025 layout, default ``"v2025"``.
        layout: ``Layout.V2025`` (default, ``/v2025/sim-integrations``) or ``Layout.PER_RESOURCE``
            (``/sim-integrations/v1``), or its string value.
        token_url: OAuth2 token endpoint, default ``{base_url}/oauth/token``.
        timeout: An ``httpx.Timeout`` or seconds; default 10 s connect, 30 s read/write/pool. With your
            own ``http_client``, its timeout is kept unless this is given.
        retry: A :class:`RetryPolicy`; ``max_retries=n`` is a shortcut for ``RetryPolicy(max_retries=n)``.
        patch_format: PATCH body form: ``PatchFormat.OPERATIONS_OBJECT`` (default) or ``RFC6902_ARRAY``.
        http_client: Your own ``httpx.Client`` (transport, proxies, TLS, event hooks). It is never
            closed by this client.
        allow_insecure_http: Allow ``http://`` for non-loopback hosts (not recommended).
        user_agent: User-Agent header value.
        deadline: Seconds for a whole call: every attempt (token request included), every wait
            between attempts, pacing and reading (default 300; None: no deadline). Past it:
            APITimeoutError.
        max_response_bytes: Cap on the bytes read of any response, after decompression (default
            64 MiB). A success or token answer past it: ResponseTooLargeError.
        rate_limit: Pacing per access token, shared by every thread and task using this client
            (default ``DEFAULT_RATE_LIMIT``, SailPoint's 100 requests per 10 s; None: no pacing). A 429
            holds every call of the client until its Retry-After.

    Raises:
        ConfigurationError: a setting is missing or malformed.
    """

    _http: httpx.Client

    def __init__(
        self,
        base_url: str,
        client_id: str | None = None,
        client_secret: str | None = None,
        access_token: str | None = None,
        *,
        api_version: str = DEFAULT_API_VERSION,
        layout: Layout | str = Layout.V2025,
        token_url: str | None = None,
        timeout: httpx.Timeout | float | _NotGiven | None = NOT_GIVEN,
        retry: RetryPolicy | None = None,
        max_retries: int | None = None,
        patch_format: PatchFormat = PatchFormat.OPERATIONS_OBJECT,
        http_client: httpx.Client | None = None,
        allow_insecure_http: bool = False,
        user_agent: str | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        rate_limit: RateLimit | None = DEFAULT_RATE_LIMIT,
    ) -> None:
        super().__init__(
            base_url,
            client_id,
            client_secret,
            access_token,
            api_version=api_version,
            layout=layout,
            token_url=token_url,
            timeout=timeout,
            retry=retry,
            max_retries=max_retries,
            patch_format=patch_format,
            allow_insecure_http=allow_insecure_http,
            user_agent=user_agent,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            rate_limit=rate_limit,
        )
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise ConfigurationError(
                f"http_client must be an httpx.Client for SimIntegrationsClient, got {type(http_client).__name__}"
            )
        # With our own httpx client and no proxy in the environment, requests go straight to the
        # transport (see _send.direct_transport); a client you pass keeps going through its send().
        self._transport: httpx.HTTPTransport | None = None
        if http_client is None and direct_transport():
            self._transport = httpx.HTTPTransport(verify=shared_ssl_context(), limits=DEFAULT_LIMITS)
        owned = http_client or httpx.Client(
            timeout=self.timeout,
            limits=DEFAULT_LIMITS,
            headers=self._default_headers(),
            # _send passes follow_redirects=False on every send, and the direct path never follows.
            follow_redirects=False,  # pragma: no mutate - overridden on every send (above)
            verify=shared_ssl_context(),
            # Given a transport, httpx reads no proxy from the environment (none is set: direct_transport
            # checked); without one, it mounts the proxies the environment names.
            transport=self._transport,
        )
        self._setup_http(http_client, owned)

    # -- lifecycle ----------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP client if this object created it (a client you passed in stays open).

        Calls in flight end in APIConnectionError and are not retried; later calls raise
        InvalidRequestError.
        """
        self._closed = True
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- sending ----------------------------------------------------------------------------------
    # One loop per call: before each attempt, pacing; the attempt drives the auth flow and sends each
    # request it yields (the token request retried on its own); RetryPolicy.decide says wait or stop.

    def _call(self, prepared: Prepared) -> Any:
        if self._closed or self._http.is_closed:
            raise InvalidRequestError("the client is closed")
        call = Call(prepared.method, prepared.url, self.deadline)
        base = base_timeouts(
            prepared.request,
            # Every prepared request has a timeout extension (build_request's, or the direct
            # path's): this fallback is never read.
            self.timeout,  # pragma: no mutate - never read (above)
        )
        retry = self.retry
        resumed_at = -math.inf  # when the last wait between attempts ended (for pacing)
        while True:
            try:
                response, body = self._attempt(prepared, call, base, resumed_at)
            except httpx.TransportError as exc:
                if self._closed:
                    raise self._closed_error(call) from exc
                verdict = retry.decide(call.attempt, prepared.method, exc, time_left=call.remaining())
                if verdict.delay is None:
                    raise note_attempts(transport_error(exc, method=call.method, url=call.url), call) from exc
                self._log_retry(call, verdict.reason, verdict.delay)
                call.retried(verdict.reason, verdict.reached)
                resumed_at = self._resume_at(verdict.delay)
                self._wait(verdict.delay, call)
                continue
            except httpx.RequestError as exc:  # a body that cannot be decoded, an unsupported protocol
                raise note_attempts(transport_error(exc, method=call.method, url=call.url), call) from exc
            except SailPointError as exc:
                note_attempts(exc, call)
                raise
            except RuntimeError as exc:  # httpx: "Cannot send a request, as the client has been closed."
                if self._closed or self._http.is_closed:
                    raise self._closed_error(call) from exc
                raise
            verdict = retry.decide(call.attempt, prepared.method, response, time_left=call.remaining())
            if response.status_code == 429:
                # Before anything else: every other call of this client holds from now on.
                self._hold_after_429(verdict)
            if verdict.delay is None:
                return self._final(prepared, call, response, body, verdict)
            self._log_retry(call, verdict.reason, verdict.delay, tracking_id(response, body))
            call.retried(verdict.reason, verdict.reached)
            resumed_at = self._resume_at(verdict.delay)
            self._wait(verdict.delay, call)

    def _pace(self, call: Call, resumed_at: float = -math.inf) -> Slot | None:
        """Before each API request: wait for its turn under the rate limit, and for any hold after a 429.

        The place it returns must be reported done (``_paced``) once the request is answered or fails.
        """
        slot = self._pacing_slot(resumed_at)
        if slot is None:
            return None
        try:
            # Asked again after each wait: the request N places before may still wait for its answer, or
            # another call may have drawn a 429 meanwhile (its hold applies to this one too).
            while (wait := self._pacing_wait(call, slot, resumed_at)) > 0:
                resumed_at = self._resume_at(wait)
                self._wait(wait, call)
        except BaseException:
            self._paced(slot)  # never sent: its place frees at once
            raise
        return slot

    def _wait(self, delay: float, call: Call) -> None:
        if delay > 0:
            self.retry.sleep(delay)
        if self._closed:
            raise self._closed_error(call)

    def _send(self, request: httpx.Request) -> httpx.Response:
        # Never follow a redirect, whatever the user's client says: a 3xx becomes a typed error and
        # nothing (neither a token nor a client secret) goes to the Location host.
        transport = self._transport
        if transport is not None:
            # The lean path (issue 14): httpx's public transport API, without httpx.Client's per-call
            # machinery (auth driver, redirects, cookies, hooks, timers) that this client does not use:
            # headers and the timeout extension come from build_request, auth from our own driver.
            response = transport.handle_request(request)
            response.request = request
            log_like_httpx(request, response)
            return response
        return self._http.send(
            request,
            stream=True,
            auth=NO_AUTH,  # pragma: no mutate - httpx takes auth=None as no auth too (URLs never hold credentials)
            follow_redirects=False,  # pragma: no mutate - None is as false as False to httpx
        )

    def _attempt(
        self, prepared: Prepared, call: Call, base: dict[str, float | None], resumed_at: float
    ) -> tuple[httpx.Response, bytes]:
        """One attempt: drive the auth flow; send what it yields; the last API response and its body."""
        request = prepared.request
        secrets = self._secret_values()
        tracing = logger.isEnabledFor(TRACE)
        flow = self.auth.sync_auth_flow(request)
        try:
            outgoing = next(flow)
            while True:
                if outgoing is not request:
                    # The flow asks for a token: a request of its own, retried like a GET.
                    outgoing = flow.send(self._token_exchange(outgoing, call))
                    continue
                # Paced here, once the flow has chosen the token: the resend after a 401 takes a turn too.
                slot = self._pace(call, resumed_at)
                try:
                    call.clamp(request, base)
                    if tracing:
                        trace_request(logger, request, secrets)
                    response = self._send(request)
                finally:
                    # Answered (its headers are in) or failed: the gateway has counted it, or never will.
                    self._paced(slot)
                body: bytes | None = None
                given = response
                if response.status_code == 401 or self.auth.requires_response_body:
                    # The flow may read this one: read it here, within the cap, and hand it a copy.
                    body = read_body(response, self.max_response_bytes, call, secrets)
                    given = rebuilt(response, body)
                try:
                    outgoing = flow.send(given)
                except StopIteration:
                    if body is None:
                        body = read_body(response, self.max_response_bytes, call, secrets)
                    if tracing:
                        trace_response(logger, response, body, self._secret_values())
                    self._log_attempt(call, response, body)
                    return response, body
                response.close()
        finally:
            flow.close()

    def _token_exchange(self, request: httpx.Request, call: Call) -> httpx.Response:
        """Send the auth flow's token request, retried like a GET; its (read) final response."""
        sub = call.sub(request.method, str(request.url))
        # Our auth copies the API request's timeouts onto its token request; a request an auth of
        # yours builds may have none: the client's timeout then.
        base = base_timeouts(request, self.timeout)
        secrets = self._secret_values()
        tracing = logger.isEnabledFor(TRACE)
        while True:
            try:
                sub.clamp(request, base)
                if tracing:
                    trace_request(logger, request, secrets)
                response = self._send(request)
                body = read_body(response, self.max_response_bytes, sub, secrets)
            except httpx.TransportError as exc:
                if self._closed:
                    raise self._closed_error(sub) from exc
                verdict = self.retry.decide(
                    sub.attempt,
                    sub.method,  # pragma: no mutate - not read: repeatable=True decides instead of the method
                    exc,
                    repeatable=True,
                    time_left=sub.remaining(),
                )
                if verdict.delay is None:
                    raise transport_error(exc, method=sub.method, url=sub.url) from exc
                self._log_retry(sub, verdict.reason, verdict.delay)
                sub.retried(
                    f"token request {verdict.reason}",
                    verdict.reached,  # pragma: no mutate - a token request's Call.reached is never read
                )
                self._wait(verdict.delay, sub)
                continue
            if tracing:
                trace_response(logger, response, body, secrets, token_answer=True)
            self._log_attempt(sub, response, body)
            verdict = self.retry.decide(
                sub.attempt,
                sub.method,  # pragma: no mutate - not read: repeatable=True decides instead of the method
                response,
                repeatable=True,
                time_left=sub.remaining(),
            )
            if verdict.delay is None:
                return rebuilt(response, body)
            self._log_retry(sub, verdict.reason, verdict.delay, tracking_id(response, body))
            sub.retried(
                f"token request {verdict.reason}",
                verdict.reached,  # pragma: no mutate - a token request's Call.reached is never read
            )
            self._wait(verdict.delay, sub)

    # -- the seven operations -----------------------------------------------------------------------

    def list(self) -> builtins.list[ServiceDeskIntegrationDto]:
        """List every SIM integration of the tenant (GET /sim-integrations; not paginated).

        Raises:
            APIStatusError: a subclass per status. APIConnectionError: the request did not complete.
            UnreadableResponseError: the body is not a JSON array of integrations.
        """
        result: builtins.list[ServiceDeskIntegrationDto] = self._call(self._prepare_list())
        return result

    def get(self, id: str) -> ServiceDeskIntegrationDto:
        """Get one integration (GET /sim-integrations/{id}).

        Raises:
            InvalidRequestError: ``id`` is empty or not a string. NotFoundError: no such integration.
        """
        result: ServiceDeskIntegrationDto = self._call(self._prepare_get(id))
        return result

    def create(self, details: SimIntegrationDetails | Mapping[str, Any]) -> ServiceDeskIntegrationDto:
        """Create an integration (POST /sim-integrations). Never retried once it may have been sent.

        ``details`` is a SimIntegrationDetails or a mapping in the API's JSON shape; server-assigned
        ``id``/``created``/``modified`` are left out of the body.
        """
        result: ServiceDeskIntegrationDto = self._call(self._prepare_create(details))
        return result

    def update(
        self, id: str, details: SimIntegrationDetails | ServiceDeskIntegrationDto | Mapping[str, Any]
    ) -> ServiceDeskIntegrationDto:
        """Replace an integration (PUT /sim-integrations/{id}); see :func:`details_from`."""
        result: ServiceDeskIntegrationDto = self._call(self._prepare_update(id, details))
        return result

    def patch(
        self,
        id: str,
        operations: Sequence[JsonPatchOperation | Mapping[str, Any]] | JsonPatch | Mapping[str, Any],
    ) -> ServiceDeskIntegrationDto:
        """Apply JSON Patch operations (PATCH /sim-integrations/{id}). Never retried once sent.

        Raises:
            InvalidRequestError: an operation has a bad ``op`` or a path that is not a JSON Pointer.
        """
        result: ServiceDeskIntegrationDto = self._call(self._prepare_patch(id, operations))
        return result

    def patch_before_provisioning_rule(
        self,
        id: str,
        operations: Sequence[JsonPatchOperation | Mapping[str, Any]] | JsonPatch | Mapping[str, Any],
    ) -> ServiceDeskIntegrationDto:
        """Patch the before-provisioning rule reference (PATCH /sim-integrations/{id}/beforeProvisioningRule)."""
        result: ServiceDeskIntegrationDto = self._call(self._prepare_patch(id, operations, rule=True))
        return result

    def delete(self, id: str) -> None:
        """Delete an integration (DELETE /sim-integrations/{id}; 200 and 204 both mean deleted)."""
        self._call(self._prepare_delete(id))

    # -- as code (sailpoint_sim.as_code; the as-code extra) ------------------------------------------

    def export(self, folder: str | os.PathLike[str], *, prune: bool = False) -> ExportResult:
        """Write one JSON definition file per integration into ``folder``; see :mod:`sailpoint_sim.as_code`."""
        from .as_code import export

        return export(self, folder, prune=prune)

    def export_data(self) -> dict[str, dict[str, Any]]:
        """The integrations as definitions, ``{name: details}``; see :mod:`sailpoint_sim.as_code`."""
        from .as_code import export_data

        return export_data(self)

    def plan(
        self,
        source: str | os.PathLike[str] | Mapping[str, Mapping[str, Any]],
        *,
        id_map: str | os.PathLike[str] | Mapping[str, str] | None = None,
        prune: bool = False,
    ) -> Plan:
        """Compare definitions (a folder or ``{name: details}``) with the tenant; see :mod:`sailpoint_sim.as_code`."""
        from .as_code import plan

        return plan(self, source, id_map=id_map, prune=prune)

    def apply(
        self, plan: Plan, *, keep_unmapped: bool = False, progress: Callable[[str], None] | None = None
    ) -> ApplyReport:
        """Apply a plan, stopping at the first failure; see :mod:`sailpoint_sim.as_code`."""
        from .as_code import apply

        return apply(self, plan, keep_unmapped=keep_unmapped, progress=progress)


if TYPE_CHECKING:
    import os
    from collections.abc import Callable

    from .as_code import ApplyReport, ExportResult, Plan
