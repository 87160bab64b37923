"""Python client for SailPoint Identity Security Cloud's v2025 SIM Integrations API.

Quick start::

    from sailpoint_sim import SimIntegrationsClient, patch

    with SimIntegrationsClient.from_env() as client:      # SAIL_BASE_URL, SAIL_CLIENT_ID, SAIL_CLIENT_SECRET
        for integration in client.list():
            print(integration.id, integration.name)
        client.patch(integration.id, [patch.replace("/description", "New")])

Results are the generated models of ``sailpoint_sim_client.models``.
"""

from . import patch
from ._async_client import AsyncSimIntegrationsClient
from ._auth import ClientCredentialsAuth, StaticTokenAuth
from ._client import SimIntegrationsClient
from ._config import DEFAULT_API_VERSION, DEFAULT_TIMEOUT, Layout
from ._convert import details_from
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    SailPointError,
    ServerError,
    UnexpectedStatusError,
    UnreadableResponseError,
)
from ._patch import PatchFormat
from ._ratelimit import DEFAULT_RATE_LIMIT, RateLimit
from ._retry import RetryPolicy
from ._version import __version__

__all__ = [
    "DEFAULT_API_VERSION",
    "DEFAULT_RATE_LIMIT",
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncSimIntegrationsClient",
    "AuthenticationError",
    "BadRequestError",
    "ClientCredentialsAuth",
    "ConfigurationError",
    "InvalidRequestError",
    "Layout",
    "NotFoundError",
    "PatchFormat",
    "PermissionDeniedError",
    "RateLimit",
    "RateLimitError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "SailPointError",
    "ServerError",
    "SimIntegrationsClient",
    "StaticTokenAuth",
    "UnexpectedStatusError",
    "UnreadableResponseError",
    "__version__",
    "details_from",
    "patch",
]
