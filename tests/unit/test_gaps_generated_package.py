"""The generated package's lazy import (mutation testing, issue 15).

Every other test finds the package already imported and cached, so the first call's path runs here,
with an empty cache.
"""

from __future__ import annotations

import pytest
from sailpoint_sim_client import types
from sailpoint_sim_client.api.sim_integrations import (
    create_sim_integration,
    delete_sim_integration,
    get_sim_integration,
    get_sim_integrations,
    patch_before_provisioning_rule,
    patch_sim_attributes,
    put_sim_integration,
)
from sailpoint_sim_client.models import (
    JsonPatch,
    JsonPatchOperation,
    ServiceDeskIntegrationDto,
    SimIntegrationDetails,
)
from sailpoint_sim_client.models.json_patch_operation_op import JsonPatchOperationOp

from sailpoint_sim import _generated_package
from sailpoint_sim._generated_package import generated_package


def test_the_first_call_imports_the_package_and_later_calls_reuse_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_generated_package, "_CACHE", [])
    first = generated_package()
    assert generated_package() is first
    assert [first] == _generated_package._CACHE


def test_each_name_is_the_generated_model_or_operation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_generated_package, "_CACHE", [])
    g = generated_package()
    models = (g.JsonPatch, g.JsonPatchOperation, g.JsonPatchOperationOp, g.ServiceDeskIntegrationDto)
    assert models == (JsonPatch, JsonPatchOperation, JsonPatchOperationOp, ServiceDeskIntegrationDto)
    assert g.SimIntegrationDetails is SimIntegrationDetails
    assert g.UNSET is types.UNSET and g.Unset is types.Unset
    operations = (g.op_list, g.op_get, g.op_create, g.op_put, g.op_patch, g.op_patch_rule, g.op_delete)
    assert operations == (
        get_sim_integrations,
        get_sim_integration,
        create_sim_integration,
        put_sim_integration,
        patch_sim_attributes,
        patch_before_provisioning_rule,
        delete_sim_integration,
    )
