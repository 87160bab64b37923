"""Contains all the data models used in inputs/outputs"""

from .attributes_map import AttributesMap
from .before_provisioning_rule_ref import BeforeProvisioningRuleRef
from .cluster_reference import ClusterReference
from .dto_type import DtoType
from .error_message_dto import ErrorMessageDto
from .error_response_dto import ErrorResponseDto
from .json_patch import JsonPatch
from .json_patch_operation import JsonPatchOperation
from .json_patch_operation_op import JsonPatchOperationOp
from .locale_origin import LocaleOrigin
from .owner_reference import OwnerReference
from .plan_initializer_script import PlanInitializerScript
from .provisioning_config import ProvisioningConfig
from .request_template import RequestTemplate
from .service_desk_integration_dto import ServiceDeskIntegrationDto
from .sim_integration_details import SimIntegrationDetails
from .source_reference import SourceReference
from .status_map import StatusMap
from .too_many_requests_error import TooManyRequestsError
from .unauthorized_error import UnauthorizedError

__all__ = (
    "AttributesMap",
    "BeforeProvisioningRuleRef",
    "ClusterReference",
    "DtoType",
    "ErrorMessageDto",
    "ErrorResponseDto",
    "JsonPatch",
    "JsonPatchOperation",
    "JsonPatchOperationOp",
    "LocaleOrigin",
    "OwnerReference",
    "PlanInitializerScript",
    "ProvisioningConfig",
    "RequestTemplate",
    "ServiceDeskIntegrationDto",
    "SimIntegrationDetails",
    "SourceReference",
    "StatusMap",
    "TooManyRequestsError",
    "UnauthorizedError",
)
