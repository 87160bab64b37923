from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.attributes_map import AttributesMap
from ..models.before_provisioning_rule_ref import BeforeProvisioningRuleRef
from ..models.request_template import RequestTemplate
from ..models.status_map import StatusMap
from ..types import UNSET, Unset, format_datetime, wrong_type

T = TypeVar("T", bound="SimIntegrationDetails")


@_attrs_define
class SimIntegrationDetails:
    """A SIM integration as sent to create or replace one. Fields the schema does not declare are kept and sent back
    unchanged.

        Attributes:
            name (None | str): Name of the integration.
            id (str | Unset): Assigned by the server. It appears in the documented request example; the service ignores it
                on input, and the facade leaves it out of request bodies.
            created (datetime.datetime | Unset): When the integration was created (assigned by the server).
            modified (datetime.datetime | Unset): When the integration was last modified (assigned by the server).
            description (str | Unset): The description of the integration.
            type_ (str | Unset): The integration type, for example `ServiceNowSDIM`.
            attributes (AttributesMap | None | str | Unset): The integration's configuration and credentials map, or null.
                SailPoint's documented examples show it as a JSON-encoded string; the service returns an object. Both shapes are
                accepted and kept.
            sources (list[str] | Unset): Ids of the sources (managed resources) the integration handles.
            cluster (str | Unset): Id of the cluster (virtual appliance) the integration runs on.
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
    attributes: AttributesMap | None | str | Unset = UNSET
    sources: list[str] | Unset = UNSET
    cluster: str | Unset = UNSET
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

        cluster = self.cluster

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
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if sources is not UNSET:
            field_dict["sources"] = sources
        if cluster is not UNSET:
            field_dict["cluster"] = cluster
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

        cluster = d.pop("cluster", UNSET)
        if not isinstance(cluster, str) and cluster is not UNSET:
            raise wrong_type("cluster", "a string", cluster)

        status_map = _parse_status_map(d.pop("statusMap", UNSET))

        request = _parse_request(d.pop("request", UNSET))

        _before_provisioning_rule = d.pop("beforeProvisioningRule", UNSET)
        before_provisioning_rule: BeforeProvisioningRuleRef | Unset
        if isinstance(_before_provisioning_rule, Unset):
            before_provisioning_rule = UNSET
        else:
            before_provisioning_rule = BeforeProvisioningRuleRef.from_dict(_before_provisioning_rule)

        sim_integration_details = cls(
            name=name,
            id=id,
            created=created,
            modified=modified,
            description=description,
            type_=type_,
            attributes=attributes,
            sources=sources,
            cluster=cluster,
            status_map=status_map,
            request=request,
            before_provisioning_rule=before_provisioning_rule,
        )

        sim_integration_details.additional_properties = d
        return sim_integration_details

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
