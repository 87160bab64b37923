from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.plan_initializer_script import PlanInitializerScript
from ..models.source_reference import SourceReference
from ..types import UNSET, Unset, wrong_type

T = TypeVar("T", bound="ProvisioningConfig")


@_attrs_define
class ProvisioningConfig:
    """How the integration provisions.

    Attributes:
        universal_manager (bool | Unset): Whether this configuration handles provisioning for every source of the
            tenant.
        managed_resource_refs (list[SourceReference] | Unset): The sources this integration handles (only when
            universalManager is false).
        plan_initializer_script (None | PlanInitializerScript | Unset): A plan initializer script, or null.
        no_provisioning_requests (bool | Unset): When true, no ProvisioningRequest objects are saved for plans sent
            through it.
        provisioning_request_expiration (int | Unset): Hours a pending request lives before it expires.
    """

    universal_manager: bool | Unset = UNSET
    managed_resource_refs: list[SourceReference] | Unset = UNSET
    plan_initializer_script: None | PlanInitializerScript | Unset = UNSET
    no_provisioning_requests: bool | Unset = UNSET
    provisioning_request_expiration: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        universal_manager = self.universal_manager

        managed_resource_refs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.managed_resource_refs, Unset):
            managed_resource_refs = []
            for managed_resource_refs_item_data in self.managed_resource_refs:
                managed_resource_refs_item = managed_resource_refs_item_data.to_dict()
                managed_resource_refs.append(managed_resource_refs_item)

        plan_initializer_script: dict[str, Any] | None | Unset
        if isinstance(self.plan_initializer_script, Unset):
            plan_initializer_script = UNSET
        elif isinstance(self.plan_initializer_script, PlanInitializerScript):
            plan_initializer_script = self.plan_initializer_script.to_dict()
        else:
            plan_initializer_script = self.plan_initializer_script

        no_provisioning_requests = self.no_provisioning_requests

        provisioning_request_expiration = self.provisioning_request_expiration

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if universal_manager is not UNSET:
            field_dict["universalManager"] = universal_manager
        if managed_resource_refs is not UNSET:
            field_dict["managedResourceRefs"] = managed_resource_refs
        if plan_initializer_script is not UNSET:
            field_dict["planInitializerScript"] = plan_initializer_script
        if no_provisioning_requests is not UNSET:
            field_dict["noProvisioningRequests"] = no_provisioning_requests
        if provisioning_request_expiration is not UNSET:
            field_dict["provisioningRequestExpiration"] = provisioning_request_expiration

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        universal_manager = d.pop("universalManager", UNSET)
        if not isinstance(universal_manager, bool) and universal_manager is not UNSET:
            raise wrong_type("universalManager", "a boolean", universal_manager)

        _managed_resource_refs = d.pop("managedResourceRefs", UNSET)
        managed_resource_refs: list[SourceReference] | Unset = UNSET
        if _managed_resource_refs is not UNSET:
            managed_resource_refs = []
            for managed_resource_refs_item_data in _managed_resource_refs:
                managed_resource_refs_item = SourceReference.from_dict(managed_resource_refs_item_data)

                managed_resource_refs.append(managed_resource_refs_item)

        plan_initializer_script = _parse_plan_initializer_script(d.pop("planInitializerScript", UNSET))

        no_provisioning_requests = d.pop("noProvisioningRequests", UNSET)
        if not isinstance(no_provisioning_requests, bool) and no_provisioning_requests is not UNSET:
            raise wrong_type("noProvisioningRequests", "a boolean", no_provisioning_requests)

        provisioning_request_expiration = d.pop("provisioningRequestExpiration", UNSET)
        if (
            not isinstance(provisioning_request_expiration, int) or isinstance(provisioning_request_expiration, bool)
        ) and provisioning_request_expiration is not UNSET:
            raise wrong_type("provisioningRequestExpiration", "an integer", provisioning_request_expiration)

        provisioning_config = cls(
            universal_manager=universal_manager,
            managed_resource_refs=managed_resource_refs,
            plan_initializer_script=plan_initializer_script,
            no_provisioning_requests=no_provisioning_requests,
            provisioning_request_expiration=provisioning_request_expiration,
        )

        provisioning_config.additional_properties = d
        return provisioning_config

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


# Parsers of the union-typed fields, at module level so that from_dict does not define them again on
# every call (spec/templates/model.py.jinja).
def _parse_plan_initializer_script(data: object) -> None | PlanInitializerScript | Unset:
    if data is None:
        return data
    if isinstance(data, Unset):
        return data
    try:
        if not isinstance(data, dict):
            raise TypeError()
        componentsschemas_plan_initializer_script_type_0 = PlanInitializerScript.from_dict(data)

        return componentsschemas_plan_initializer_script_type_0
    except (TypeError, ValueError, AttributeError, KeyError):
        pass
    raise wrong_type("planInitializerScript", "an object or null", data)
