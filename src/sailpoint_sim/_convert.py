"""Input coercion for create/update bodies, and read-modify-write (``details_from``).

The service assigns ``id``, ``created`` and ``modified``; they are left out of every body we send.
Everything else is kept, fields the fragment does not declare included (they ride in the models'
``additional_properties`` and are written back unchanged).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._errors import InvalidRequestError
from ._generated_package import generated_package
from ._json_values import check_json_value

if TYPE_CHECKING:
    from sailpoint_sim_client.models.service_desk_integration_dto import ServiceDeskIntegrationDto
    from sailpoint_sim_client.models.sim_integration_details import SimIntegrationDetails

__all__ = ["SERVER_ASSIGNED", "coerce_details", "details_from"]

SERVER_ASSIGNED = ("id", "created", "modified")


def _strip(data: dict[str, Any]) -> dict[str, Any]:
    for key in SERVER_ASSIGNED:
        data.pop(key, None)
    return data


def _details_from_dict(data: dict[str, Any], what: str) -> SimIntegrationDetails:
    if "name" not in data:
        raise InvalidRequestError(f"{what} has no 'name' (the API requires it; it may be null)")
    for key in data:
        if not isinstance(key, str):
            raise InvalidRequestError(f"{what} has a non-string key {key!r}")
    check_json_value(data, what)
    try:
        return generated_package().SimIntegrationDetails.from_dict(data)
    except Exception as exc:  # any shape the model cannot take: KeyError, TypeError, ValueError...
        raise InvalidRequestError(
            f"{what} does not fit SimIntegrationDetails: {type(exc).__name__}: {exc}"
        ) from None


def details_from(
    integration: ServiceDeskIntegrationDto | SimIntegrationDetails | Mapping[str, Any],
) -> SimIntegrationDetails:
    """The details to PUT back for a fetched integration (read-modify-write).

    Drops only the server-assigned ``id``, ``created`` and ``modified``; every other field is kept,
    including the ones only the service knows (owner, cluster and provisioning references, and any
    field added later), so a PUT does not erase them.
    """
    g = generated_package()
    if isinstance(integration, g.ServiceDeskIntegrationDto | g.SimIntegrationDetails):
        try:
            data = integration.to_dict()
        except Exception as exc:
            raise InvalidRequestError(
                f"integration cannot be serialised: {type(exc).__name__}: {exc}"
            ) from None
        return _details_from_dict(_strip(data), "integration")
    if isinstance(integration, Mapping):
        return _details_from_dict(_strip(dict(integration)), "integration")
    raise InvalidRequestError(
        f"details_from() takes a ServiceDeskIntegrationDto or a mapping, got {type(integration).__name__}"
    )


def coerce_details(details: object) -> SimIntegrationDetails:
    """Validate a create/update body and return it as SimIntegrationDetails without server fields."""
    g = generated_package()
    if isinstance(details, g.SimIntegrationDetails | g.ServiceDeskIntegrationDto):
        return details_from(details)
    if isinstance(details, Mapping):
        return _details_from_dict(_strip(dict(details)), "details")
    raise InvalidRequestError(
        f"details must be a SimIntegrationDetails or a mapping, got {type(details).__name__}"
    )
