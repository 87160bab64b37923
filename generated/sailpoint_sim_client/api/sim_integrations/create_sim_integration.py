from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response_dto import ErrorResponseDto
from ...models.service_desk_integration_dto import ServiceDeskIntegrationDto
from ...models.sim_integration_details import SimIntegrationDetails
from ...models.too_many_requests_error import TooManyRequestsError
from ...models.unauthorized_error import UnauthorizedError
from ...types import Response


def _get_kwargs(
    *,
    body: SimIntegrationDetails,
    x_sail_point_experimental: str = "true",
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["X-SailPoint-Experimental"] = x_sail_point_experimental

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/sim-integrations",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponseDto | ServiceDeskIntegrationDto | TooManyRequestsError | UnauthorizedError | None:
    if response.status_code == 200:
        response_200 = ServiceDeskIntegrationDto.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponseDto.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = UnauthorizedError.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponseDto.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponseDto.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = TooManyRequestsError.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorResponseDto.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponseDto | ServiceDeskIntegrationDto | TooManyRequestsError | UnauthorizedError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SimIntegrationDetails,
    x_sail_point_experimental: str = "true",
) -> Response[ErrorResponseDto | ServiceDeskIntegrationDto | TooManyRequestsError | UnauthorizedError]:
    """Create a new SIM integration.

     Scope: idn:service-desk-integration:manage.

    Args:
        x_sail_point_experimental (str):  Default: 'true'.
        body (SimIntegrationDetails): A SIM integration as sent to create or replace one. Fields
            the schema does not declare are kept and sent back unchanged.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponseDto | ServiceDeskIntegrationDto | TooManyRequestsError | UnauthorizedError]
    """

    kwargs = _get_kwargs(
        body=body,
        x_sail_point_experimental=x_sail_point_experimental,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: SimIntegrationDetails,
    x_sail_point_experimental: str = "true",
) -> ErrorResponseDto | ServiceDeskIntegrationDto | TooManyRequestsError | UnauthorizedError | None:
    """Create a new SIM integration.

     Scope: idn:service-desk-integration:manage.

    Args:
        x_sail_point_experimental (str):  Default: 'true'.
        body (SimIntegrationDetails): A SIM integration as sent to create or replace one. Fields
            the schema does not declare are kept and sent back unchanged.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponseDto | ServiceDeskIntegrationDto | TooManyRequestsError | UnauthorizedError
    """

    return sync_detailed(
        client=client,
        body=body,
        x_sail_point_experimental=x_sail_point_experimental,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SimIntegrationDetails,
    x_sail_point_experimental: str = "true",
) -> Response[ErrorResponseDto | ServiceDeskIntegrationDto | TooManyRequestsError | UnauthorizedError]:
    """Create a new SIM integration.

     Scope: idn:service-desk-integration:manage.

    Args:
        x_sail_point_experimental (str):  Default: 'true'.
        body (SimIntegrationDetails): A SIM integration as sent to create or replace one. Fields
            the schema does not declare are kept and sent back unchanged.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponseDto | ServiceDeskIntegrationDto | TooManyRequestsError | UnauthorizedError]
    """

    kwargs = _get_kwargs(
        body=body,
        x_sail_point_experimental=x_sail_point_experimental,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SimIntegrationDetails,
    x_sail_point_experimental: str = "true",
) -> ErrorResponseDto | ServiceDeskIntegrationDto | TooManyRequestsError | UnauthorizedError | None:
    """Create a new SIM integration.

     Scope: idn:service-desk-integration:manage.

    Args:
        x_sail_point_experimental (str):  Default: 'true'.
        body (SimIntegrationDetails): A SIM integration as sent to create or replace one. Fields
            the schema does not declare are kept and sent back unchanged.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponseDto | ServiceDeskIntegrationDto | TooManyRequestsError | UnauthorizedError
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_sail_point_experimental=x_sail_point_experimental,
        )
    ).parsed
