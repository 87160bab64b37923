from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.attributes_map import AttributesMap
from ..models.before_provisioning_rule_ref import BeforeProvisioningRuleRef
from ..models.cluster_reference import ClusterReference
from ..models.owner_reference import OwnerReference
from ..models.provisioning_config import ProvisioningConfig
from ..models.request_template import RequestTemplate
from ..models.status_map import StatusMap
from ..types import UNSET, Unset, format_datetime, wrong_type

T = TypeVar("T", bound="ServiceDeskIntegrationDto")


@_attrs_define
class ServiceDeskIntegrationDto:
    """A SIM integration as the service returns it. Fields the schema does not declare are kept.

    Attributes:
        name (None | str): Name of the integration; unique within the tenant.
        id (str | Unset): Unique identifier of the integration.
        created (datetime.datetime | Unset): When the integration was created.
        modified (datetime.datetime | Unset): When the integration was last modified.
        description (str | Unset): Description of the integration.
        type_ (str | Unset): Integration type: `ServiceNowSDIM` or `ServiceNow`.
        owner_ref (OwnerReference | Unset): The identity that owns the integration (type IDENTITY).
        cluster_ref (ClusterReference | Unset): The cluster (virtual appliance) of the integration (type CLUSTER).
        cluster (None | str | Unset): Cluster id (replaced by clusterRef).
        managed_sources (list[str] | Unset): Source ids (replaced by provisioningConfig.managedResourceRefs).
        provisioning_config (ProvisioningConfig | Unset): How the integration provisions.
        attributes (AttributesMap | None | str | Unset): The integration's configuration and credentials map, or null.
            SailPoint's documented examples show it as a JSON-encoded string; the service returns an object. Both shapes are
            accepted and kept.
        sources (list[str] | Unset): Ids of the sources (managed resources) the integration handles.
        status_map (StatusMap | str | Unset): Maps ServiceNow ticket states to provisioning results. SailPoint's
            documented examples show it as a string such as "{closed_cancelled=Failed, ...}"; the service returns an object.
            Both are kept.
        request (RequestTemplate | str | Unset): Texts used to build the ServiceNow ticket. SailPoint's documented
            examples show it as a string such as "{description=..., ...}"; the service returns an object. Both are kept.
        before_provisioning_rule (BeforeProvisioningRuleRef | Unset): Reference to the BeforeProvisioning rule run
            before a ticket is created.
    """

    name: None | str
    id: str | Unset = UNSET
    created: datetime.datetime | Unset = UNSET
    modified: datetime.datetime | Unset = UNSET
    description: str | Unset = UNSET
    type_: str | Unset = UNSET
    owner_ref: OwnerReference | Unset = UNSET
    cluster_ref: ClusterReference | Unset = UNSET
    cluster: None | str | Unset = UNSET
    managed_sources: list[str] | Unset = UNSET
    provisioning_config: ProvisioningConfig | Unset = UNSET
    attributes: AttributesMap | None | str | Unset = UNSET
    sources: list[str] | Unset = UNSET
    status_map: StatusMap | str | Unset = UNSET
    request: RequestTemplate | str | Unset = UNSET
    before_provisioning_rule: BeforeProvisioningRuleRef | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name: None | str
        name = self.name

        id = self.id

        created: str | Unset = UNSET
        if not isinstance(self.created, Unset):
            created = format_datetime(self.created)

        modified: str | Unset = UNSET
        if not isinstance(self.modified, Unset):
            modified = format_datetime(self.modified)

        description = self.description

        type_ = self.type_

        owner_ref: dict[str, Any] | Unset = UNSET
        if not isinstance(self.owner_ref, Unset):
            owner_ref = self.owner_ref.to_dict()

        cluster_ref: dict[str, Any] | Unset = UNSET
        if not isinstance(self.cluster_ref, Unset):
            cluster_ref = self.cluster_ref.to_dict()

        cluster: None | str | Unset
        if isinstance(self.cluster, Unset):
            cluster = UNSET
        else:
            cluster = self.cluster

        managed_sources: list[str] | Unset = UNSET
        if not isinstance(self.managed_sources, Unset):
            managed_sources = self.managed_sources

        provisioning_config: dict[str, Any] | Unset = UNSET
        if not isinstance(self.provisioning_config, Unset):
            provisioning_config = self.provisioning_config.to_dict()

        attributes: dict[str, Any] | None | str | Unset
        if isinstance(self.attributes, Unset):
            attributes = UNSET
        elif isinstance(self.attributes, AttributesMap):
            attributes = self.attributes.to_dict()
        else:
            attributes = self.attributes

        sources: list[str] | Unset = UNSET
        if not isinstance(self.sources, Unset):
            sources = self.sources

        status_map: dict[str, Any] | str | Unset
        if isinstance(self.status_map, Unset):
            status_map = UNSET
        elif isinstance(self.status_map, StatusMap):
            status_map = self.status_map.to_dict()
        else:
            status_map = self.status_map

        request: dict[str, Any] | str | Unset
        if isinstance(self.request, Unset):
            request = UNSET
        elif isinstance(self.request, RequestTemplate):
            request = self.request.to_dict()
        else:
            request = self.request

        before_provisioning_rule: dict[str, Any] | Unset = UNSET
        if not isinstance(self.before_provisioning_rule, Unset):
            before_provisioning_rule = self.before_provisioning_rule.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if created is not UNSET:
            field_dict["created"] = created
        if modified is not UNSET:
            field_dict["modified"] = modified
        if description is not UNSET:
            field_dict["description"] = description
        if type_ is not UNSET:
            field_dict["type"] = type_
        if owner_ref is not UNSET:
            field_dict["ownerRef"] = owner_ref
        if cluster_ref is not UNSET:
            field_dict["clusterRef"] = cluster_ref
        if cluster is not UNSET:
            field_dict["cluster"] = cluster
        if managed_sources is not UNSET:
            field_dict["managedSources"] = managed_sources
        if provisioning_config is not UNSET:
            field_dict["provisioningConfig"] = provisioning_config
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if sources is not UNSET:
            field_dict["sources"] = sources
        if status_map is not UNSET:
            field_dict["statusMap"] = status_map
        if request is not UNSET:
            field_dict["request"] = request
        if before_provisioning_rule is not UNSET:
            field_dict["beforeProvisioningRule"] = before_provisioning_rule

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = _parse_name(d.pop("name"))

        id = d.pop("id", UNSET)
        if not isinstance(id, str) and id is not UNSET:
            raise wrong_type("id", "a string", id)

        _created = d.pop("created", UNSET)
        created: datetime.datetime | Unset
        if isinstance(_created, Unset):
            created = UNSET
        else:
            created = datetime.datetime.fromisoformat(_created)

        _modified = d.pop("modified", UNSET)
        modified: datetime.datetime | Unset
        if isinstance(_modified, Unset):
            modified = UNSET
        else:
            modified = datetime.datetime.fromisoformat(_modified)

        description = d.pop("description", UNSET)
        if not isinstance(description, str) and description is not UNSET:
            raise wrong_type("description", "a string", description)

        type_ = d.pop("type", UNSET)
        if not isinstance(type_, str) and type_ is not UNSET:
            raise wrong_type("type", "a string", type_)

        _owner_ref = d.pop("ownerRef", UNSET)
        owner_ref: OwnerReference | Unset
        if isinstance(_owner_ref, Unset):
            owner_ref = UNSET
        else:
            owner_ref = OwnerReference.from_dict(_owner_ref)

        _cluster_ref = d.pop("clusterRef", UNSET)
        cluster_ref: ClusterReference | Unset
        if isinstance(_cluster_ref, Unset):
            cluster_ref = UNSET
        else:
            cluster_ref = ClusterReference.from_dict(_cluster_ref)

        cluster = _parse_cluster(d.pop("cluster", UNSET))

        _managed_sources = d.pop("managedSources", UNSET)
        if _managed_sources is not UNSET:
            if not isinstance(_managed_sources, list):
                raise wrong_type("managedSources", "an array of strings", _managed_sources)
            try:
                "".join(_managed_sources)
            except TypeError:
                raise wrong_type("managedSources", "an array of strings", _managed_sources) from None

        managed_sources = cast(list[str], _managed_sources)

        _provisioning_config = d.pop("provisioningConfig", UNSET)
        provisioning_config: ProvisioningConfig | Unset
        if isinstance(_provisioning_config, Unset):
            provisioning_config = UNSET
        else:
            provisioning_config = ProvisioningConfig.from_dict(_provisioning_config)

        attributes = _parse_attributes(d.pop("attributes", UNSET))

        _sources = d.pop("sources", UNSET)
        if _sources is not UNSET:
            if not isinstance(_sources, list):
                raise wrong_type("sources", "an array of strings", _sources)
            try:
                "".join(_sources)
            except TypeError:
                raise wrong_type("sources", "an array of strings", _sources) from None

        sources = cast(list[str], _sources)

        status_map = _parse_status_map(d.pop("statusMap", UNSET))

        request = _parse_request(d.pop("request", UNSET))

        _before_provisioning_rule = d.pop("beforeProvisioningRule", UNSET)
        before_provisioning_rule: BeforeProvisioningRuleRef | Unset
        if isinstance(_before_provisioning_rule, Unset):
            before_provisioning_rule = UNSET
        else:
            before_provisioning_rule = BeforeProvisioningRuleRef.from_dict(_before_provisioning_rule)

        service_desk_integration_dto = cls(
            name=name,
            id=id,
            created=created,
            modified=modified,
            description=description,
            type_=type_,
            owner_ref=owner_ref,
            cluster_ref=cluster_ref,
            cluster=cluster,
            managed_sources=managed_sources,
            provisioning_config=provisioning_config,
            attributes=attributes,
            sources=sources,
            status_map=status_map,
            request=request,
            before_provisioning_rule=before_provisioning_rule,
        )

        service_desk_integration_dto.additional_properties = d
        return service_desk_integration_dto

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
def _parse_name(data: object) -> None | str:
    if data is None:
        return data
    if isinstance(data, str):
        return data
    raise wrong_type("name", "a string or null", data)


def _parse_cluster(data: object) -> None | str | Unset:
    if data is None:
        return data
    if isinstance(data, Unset):
        return data
    if isinstance(data, str):
        return data
    raise wrong_type("cluster", "a string or null", data)


def _parse_attributes(data: object) -> AttributesMap | None | str | Unset:
    if data is None:
        return data
    if isinstance(data, Unset):
        return data
    try:
        if not isinstance(data, dict):
            raise TypeError()
        componentsschemas_flexible_attributes_type_0 = AttributesMap.from_dict(data)

        return componentsschemas_flexible_attributes_type_0
    except (TypeError, ValueError, AttributeError, KeyError):
        pass
    if isinstance(data, str):
        return data
    raise wrong_type("attributes", "a string or an object or null", data)


def _parse_status_map(data: object) -> StatusMap | str | Unset:
    if isinstance(data, Unset):
        return data
    try:
        if not isinstance(data, dict):
            raise TypeError()
        componentsschemas_flexible_status_map_type_0 = StatusMap.from_dict(data)

        return componentsschemas_flexible_status_map_type_0
    except (TypeError, ValueError, AttributeError, KeyError):
        pass
    if isinstance(data, str):
        return data
    raise wrong_type("statusMap", "a string or an object", data)


def _parse_request(data: object) -> RequestTemplate | str | Unset:
    if isinstance(data, Unset):
        return data
    try:
        if not isinstance(data, dict):
            raise TypeError()
        componentsschemas_flexible_request_template_type_0 = RequestTemplate.from_dict(data)

        return componentsschemas_flexible_request_template_type_0
    except (TypeError, ValueError, AttributeError, KeyError):
        pass
    if isinstance(data, str):
        return data
    raise wrong_type("request", "a string or an object", data)
