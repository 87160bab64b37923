from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response_dto import ErrorResponseDto
from ...models.service_desk_integration_dto import ServiceDeskIntegrationDto
from ...models.too_many_requests_error import TooManyRequestsError
from ...models.unauthorized_error import UnauthorizedError
from ...types import Response


def _get_kwargs(
    *,
    x_sail_point_experimental: str = "true",
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["X-SailPoint-Experimental"] = x_sail_point_experimental

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/sim-integrations",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponseDto | TooManyRequestsError | UnauthorizedError | list[ServiceDeskIntegrationDto] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = ServiceDeskIntegrationDto.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[ErrorResponseDto | TooManyRequestsError | UnauthorizedError | list[ServiceDeskIntegrationDto]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    x_sail_point_experimental: str = "true",
) -> Response[ErrorResponseDto | TooManyRequestsError | UnauthorizedError | list[ServiceDeskIntegrationDto]]:
    """List the existing SIM integrations.

     Returns every SIM integration of the tenant as one array (the service does not paginate this list).
    Scope: idn:service-desk-integration:read or idn:service-desk-integration:manage.

    Args:
        x_sail_point_experimental (str):  Default: 'true'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponseDto | TooManyRequestsError | UnauthorizedError | list[ServiceDeskIntegrationDto]]
    """

    kwargs = _get_kwargs(
        x_sail_point_experimental=x_sail_point_experimental,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    x_sail_point_experimental: str = "true",
) -> ErrorResponseDto | TooManyRequestsError | UnauthorizedError | list[ServiceDeskIntegrationDto] | None:
    """List the existing SIM integrations.

     Returns every SIM integration of the tenant as one array (the service does not paginate this list).
    Scope: idn:service-desk-integration:read or idn:service-desk-integration:manage.

    Args:
        x_sail_point_experimental (str):  Default: 'true'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponseDto | TooManyRequestsError | UnauthorizedError | list[ServiceDeskIntegrationDto]
    """

    return sync_detailed(
        client=client,
        x_sail_point_experimental=x_sail_point_experimental,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    x_sail_point_experimental: str = "true",
) -> Response[ErrorResponseDto | TooManyRequestsError | UnauthorizedError | list[ServiceDeskIntegrationDto]]:
    """List the existing SIM integrations.

     Returns every SIM integration of the tenant as one array (the service does not paginate this list).
    Scope: idn:service-desk-integration:read or idn:service-desk-integration:manage.

    Args:
        x_sail_point_experimental (str):  Default: 'true'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponseDto | TooManyRequestsError | UnauthorizedError | list[ServiceDeskIntegrationDto]]
    """

    kwargs = _get_kwargs(
        x_sail_point_experimental=x_sail_point_experimental,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    x_sail_point_experimental: str = "true",
) -> ErrorResponseDto | TooManyRequestsError | UnauthorizedError | list[ServiceDeskIntegrationDto] | None:
    """List the existing SIM integrations.

     Returns every SIM integration of the tenant as one array (the service does not paginate this list).
    Scope: idn:service-desk-integration:read or idn:service-desk-integration:manage.

    Args:
        x_sail_point_experimental (str):  Default: 'true'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponseDto | TooManyRequestsError | UnauthorizedError | list[ServiceDeskIntegrationDto]
    """

    return (
        await asyncio_detailed(
            client=client,
            x_sail_point_experimental=x_sail_point_experimental,
        )
    ).parsed
