"""The asynchronous client: the same constructor and methods as the sync client, as coroutines."""

from __future__ import annotations

import builtins
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx

from ._base import NOT_GIVEN, BaseClient, Prepared, _NotGiven, shared_ssl_context
from ._config import DEFAULT_API_VERSION, DEFAULT_LIMITS, Layout
from ._errors import ConfigurationError, InvalidRequestError, transport_error
from ._patch import PatchFormat
from ._retry import RetryPolicy

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Self

    from sailpoint_sim_client.models.json_patch import JsonPatch
    from sailpoint_sim_client.models.json_patch_operation import JsonPatchOperation
    from sailpoint_sim_client.models.service_desk_integration_dto import ServiceDeskIntegrationDto
    from sailpoint_sim_client.models.sim_integration_details import SimIntegrationDetails

__all__ = ["AsyncSimIntegrationsClient"]


class AsyncSimIntegrationsClient(BaseClient):
    """Client for the v2025 SIM Integrations API (asyncio; safe to share between tasks).

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
        http_client: Your own ``httpx.AsyncClient`` (transport, proxies, TLS, event hooks). It is never
            closed by this client.
        allow_insecure_http: Allow ``http://`` for non-loopback hosts (not recommended).
        user_agent: User-Agent header value.

    Raises:
        ConfigurationError: a setting is missing or malformed.
    """

    _http: httpx.AsyncClient

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
        http_client: httpx.AsyncClient | None = None,
        allow_insecure_http: bool = False,
        user_agent: str | None = None,
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
        )
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise ConfigurationError(
                f"http_client must be an httpx.AsyncClient for AsyncSimIntegrationsClient, got {type(http_client).__name__}"
            )
        owned = http_client or httpx.AsyncClient(
            timeout=self.timeout,
            limits=DEFAULT_LIMITS,
            headers=self._default_headers(),
            follow_redirects=False,
            verify=shared_ssl_context(),
        )
        self._setup_http(http_client, owned)

    # -- lifecycle ----------------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it (a client you passed in stays open)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- sending ------------------------------------------------------------------------------------

    async def _call(self, prepared: Prepared) -> Any:
        if self._http.is_closed:
            raise InvalidRequestError("the client is closed")
        retry = self.retry
        attempt = 1
        while True:
            try:
                response = await self._http.send(prepared.request, auth=self.auth)
            except httpx.TransportError as exc:
                delay = retry.delay_for_exception(prepared.method, exc, attempt)
                if delay is None:
                    raise transport_error(exc, method=prepared.method, url=prepared.url) from exc
                self._log_retry(prepared, type(exc).__name__, attempt, delay)
                await retry.async_sleep(delay)
                attempt += 1
                continue
            except httpx.RequestError as exc:  # decoding errors, too many redirects
                raise transport_error(exc, method=prepared.method, url=prepared.url) from exc
            self._log_attempt(prepared, response, attempt)
            if response.status_code < 300:
                return self._result(prepared, response)
            delay = self._retry_delay(prepared, response, attempt)
            if delay is None:
                return self._result(prepared, response)
            await response.aclose()
            self._log_retry(prepared, f"status {response.status_code}", attempt, delay)
            await retry.async_sleep(delay)
            attempt += 1

    # -- the seven operations -----------------------------------------------------------------------

    async def list(self) -> builtins.list[ServiceDeskIntegrationDto]:
        """List every SIM integration of the tenant (GET /sim-integrations; not paginated).

        Raises:
            APIStatusError: a subclass per status. APIConnectionError: the request did not complete.
            UnreadableResponseError: the body is not a JSON array of integrations.
        """
        result: builtins.list[ServiceDeskIntegrationDto] = await self._call(self._prepare_list())
        return result

    async def get(self, id: str) -> ServiceDeskIntegrationDto:
        """Get one integration (GET /sim-integrations/{id}).

        Raises:
            InvalidRequestError: ``id`` is empty or not a string. NotFoundError: no such integration.
        """
        result: ServiceDeskIntegrationDto = await self._call(self._prepare_get(id))
        return result

    async def create(self, details: SimIntegrationDetails | Mapping[str, Any]) -> ServiceDeskIntegrationDto:
        """Create an integration (POST /sim-integrations). Never retried once it may have been sent.

        ``details`` is a SimIntegrationDetails or a mapping in the API's JSON shape; server-assigned
        ``id``/``created``/``modified`` are left out of the body.
        """
        result: ServiceDeskIntegrationDto = await self._call(self._prepare_create(details))
        return result

    async def update(
        self, id: str, details: SimIntegrationDetails | ServiceDeskIntegrationDto | Mapping[str, Any]
    ) -> ServiceDeskIntegrationDto:
        """Replace an integration (PUT /sim-integrations/{id}); see :func:`details_from`."""
        result: ServiceDeskIntegrationDto = await self._call(self._prepare_update(id, details))
        return result

    async def patch(
        self,
        id: str,
        operations: Sequence[JsonPatchOperation | Mapping[str, Any]] | JsonPatch | Mapping[str, Any],
    ) -> ServiceDeskIntegrationDto:
        """Apply JSON Patch operations (PATCH /sim-integrations/{id}). Never retried once sent.

        Raises:
            InvalidRequestError: an operation has a bad ``op`` or a path that is not a JSON Pointer.
        """
        result: ServiceDeskIntegrationDto = await self._call(self._prepare_patch(id, operations))
        return result

    async def patch_before_provisioning_rule(
        self,
        id: str,
        operations: Sequence[JsonPatchOperation | Mapping[str, Any]] | JsonPatch | Mapping[str, Any],
    ) -> ServiceDeskIntegrationDto:
        """Patch the before-provisioning rule reference (PATCH /sim-integrations/{id}/beforeProvisioningRule)."""
        result: ServiceDeskIntegrationDto = await self._call(self._prepare_patch(id, operations, rule=True))
        return result

    async def delete(self, id: str) -> None:
        """Delete an integration (DELETE /sim-integrations/{id}; 200 and 204 both mean deleted)."""
        await self._call(self._prepare_delete(id))
