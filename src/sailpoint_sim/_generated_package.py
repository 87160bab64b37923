"""The generated package's models and operation modules, imported on first use.

(Not named ``_generated``: vendoring puts the generated code itself there.) They (and attrs under them)
are imported on the first call, not at ``import sailpoint_sim``, and looked up once: per-request code
reads attributes of one cached object instead of running import statements.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sailpoint_sim_client.models.json_patch import JsonPatch
    from sailpoint_sim_client.models.json_patch_operation import JsonPatchOperation
    from sailpoint_sim_client.models.json_patch_operation_op import JsonPatchOperationOp
    from sailpoint_sim_client.models.service_desk_integration_dto import ServiceDeskIntegrationDto
    from sailpoint_sim_client.models.sim_integration_details import SimIntegrationDetails
    from sailpoint_sim_client.types import Unset

__all__ = ["GeneratedPackage", "generated_package"]


class GeneratedPackage:
    """The generated models and operation modules (``op_*``) the facade uses."""

    __slots__ = (
        "JsonPatch",
        "JsonPatchOperation",
        "JsonPatchOperationOp",
        "ServiceDeskIntegrationDto",
        "SimIntegrationDetails",
        "UNSET",
        "Unset",
        "op_create",
        "op_delete",
        "op_get",
        "op_list",
        "op_patch",
        "op_patch_rule",
        "op_put",
    )

    def __init__(self) -> None:
        from sailpoint_sim_client.api.sim_integrations import (
            create_sim_integration,
            delete_sim_integration,
            get_sim_integration,
            get_sim_integrations,
            patch_before_provisioning_rule,
            patch_sim_attributes,
            put_sim_integration,
        )
        from sailpoint_sim_client.models.json_patch import JsonPatch
        from sailpoint_sim_client.models.json_patch_operation import JsonPatchOperation
        from sailpoint_sim_client.models.json_patch_operation_op import JsonPatchOperationOp
        from sailpoint_sim_client.models.service_desk_integration_dto import ServiceDeskIntegrationDto
        from sailpoint_sim_client.models.sim_integration_details import SimIntegrationDetails
        from sailpoint_sim_client.types import UNSET, Unset

        self.JsonPatch: type[JsonPatch] = JsonPatch
        self.JsonPatchOperation: type[JsonPatchOperation] = JsonPatchOperation
        self.JsonPatchOperationOp: type[JsonPatchOperationOp] = JsonPatchOperationOp
        self.ServiceDeskIntegrationDto: type[ServiceDeskIntegrationDto] = ServiceDeskIntegrationDto
        self.SimIntegrationDetails: type[SimIntegrationDetails] = SimIntegrationDetails
        self.UNSET: Unset = UNSET
        self.Unset: type[Unset] = Unset
        self.op_list: ModuleType = get_sim_integrations
        self.op_get: ModuleType = get_sim_integration
        self.op_create: ModuleType = create_sim_integration
        self.op_put: ModuleType = put_sim_integration
        self.op_patch: ModuleType = patch_sim_attributes
        self.op_patch_rule: ModuleType = patch_before_provisioning_rule
        self.op_delete: ModuleType = delete_sim_integration


_CACHE: list[GeneratedPackage] = []


def generated_package() -> GeneratedPackage:
    """The generated models and operation modules, imported on the first call."""
    if not _CACHE:
        _CACHE.append(GeneratedPackage())
    return _CACHE[0]
