"""The fragment itself: valid OpenAPI, exactly the seven operations, and the header sent as `true`."""

from __future__ import annotations

import copy
import importlib
import inspect
import pkgutil
from types import ModuleType
from typing import Any

import httpx
import pytest
import sailpoint_sim_client.api.sim_integrations as operations_package
from openapi_spec_validator import OpenAPIV30SpecValidator, validate
from sailpoint_sim_client import Client
from sailpoint_sim_client.models import (
    JsonPatch,
    JsonPatchOperation,
    JsonPatchOperationOp,
    SimIntegrationDetails,
)

from .sim_contract import SPEC_PATH, UPSTREAM_SPEC, Contract, load_seed, load_yaml

# operationId -> (method, path, generated module), as SailPoint names them (issue 2, section 1).
OPERATIONS = {
    "createSIMIntegration": ("post", "/sim-integrations", "create_sim_integration"),
    "getSIMIntegrations": ("get", "/sim-integrations", "get_sim_integrations"),
    "getSIMIntegration": ("get", "/sim-integrations/{id}", "get_sim_integration"),
    "putSIMIntegration": ("put", "/sim-integrations/{id}", "put_sim_integration"),
    "deleteSIMIntegration": ("delete", "/sim-integrations/{id}", "delete_sim_integration"),
    "patchSIMAttributes": ("patch", "/sim-integrations/{id}", "patch_sim_attributes"),
    "patchBeforeProvisioningRule": (
        "patch",
        "/sim-integrations/{id}/beforeProvisioningRule",
        "patch_before_provisioning_rule",
    ),
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
ERROR_STATUSES = {"400", "401", "403", "404", "429", "500"}
HEADER = "X-SailPoint-Experimental"
PATCH_MEDIA_TYPE = "application/json-patch+json"


def deref(contract: Contract, node: Any) -> Any:
    """Follow `$ref`s until a real object is reached."""
    while isinstance(node, dict) and "$ref" in node:
        node = contract.resolve(node["$ref"])
    return node


def operations(contract: Contract) -> dict[str, tuple[str, str, dict[str, Any], list[Any]]]:
    """operationId -> (method, path, operation object, parameters incl. path-level ones)."""
    found = {}
    for path, item in contract.spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                parameters = [
                    deref(contract, p) for p in item.get("parameters", []) + operation.get("parameters", [])
                ]
                found[operation["operationId"]] = (method, path, operation, parameters)
    return found


def body_for(module_name: str) -> dict[str, Any]:
    """Minimal arguments for an operation's `_get_kwargs` / `sync_detailed`."""
    arguments: dict[str, Any] = {}
    if "{id}" in OPERATIONS_BY_MODULE[module_name][1]:
        arguments["id"] = "12345"
    if module_name in ("create_sim_integration", "put_sim_integration"):
        arguments["body"] = SimIntegrationDetails(name="n")
    if module_name.startswith("patch_"):
        arguments["body"] = JsonPatch(
            operations=[JsonPatchOperation(op=JsonPatchOperationOp.REPLACE, path="/description", value="d")]
        )
    return arguments


OPERATIONS_BY_MODULE = {module: (method, path) for method, path, module in OPERATIONS.values()}


def generated_modules() -> dict[str, ModuleType]:
    names = [info.name for info in pkgutil.iter_modules(operations_package.__path__)]
    return {name: importlib.import_module(f"{operations_package.__name__}.{name}") for name in names}


# --- section 1: validity and the experimental header --------------------------------------------------


def test_fragment_passes_openapi_spec_validator() -> None:
    validate(load_yaml(SPEC_PATH))


def test_upstream_fails_validation_only_for_its_boolean_header_default() -> None:
    if not UPSTREAM_SPEC.is_file():
        pytest.skip(f"SailPoint's published file is not beside the clone ({UPSTREAM_SPEC})")
    upstream = load_yaml(UPSTREAM_SPEC)
    errors = list(OpenAPIV30SpecValidator(upstream).iter_errors())
    assert len(errors) == 7  # one per operation
    assert {error.message for error in errors} == {"True is not of type 'string'"}

    # Quoting exactly those defaults makes it valid: nothing else in it is wrong in this respect.
    fixed = copy.deepcopy(upstream)
    headers = [
        parameter
        for item in fixed["paths"].values()
        for method, operation in item.items()
        if method in HTTP_METHODS
        for parameter in operation.get("parameters", [])
        if parameter.get("name") == HEADER
    ]
    assert len(headers) == 7
    for parameter in headers:
        assert parameter["schema"] == {"type": "string", "default": True}
        parameter["schema"]["default"] = "true"
    validate(fixed)


def test_our_header_default_is_the_string_true(contract: Contract) -> None:
    parameter = contract.spec["components"]["parameters"]["XSailPointExperimental"]
    assert parameter["name"] == HEADER
    assert parameter["in"] == "header"
    assert parameter["required"] is True
    schema = parameter["schema"]
    assert schema["type"] == "string"
    assert schema["default"] == "true"
    assert type(schema["default"]) is str
    assert schema["pattern"] == "^true$"
    pointer = "/components/parameters/XSailPointExperimental/schema"
    assert contract.errors(pointer, "true") == []
    for wrong in ("True", "TRUE", "true ", True):
        assert contract.errors(pointer, wrong) != []


def test_generated_functions_default_the_header_to_lowercase_true() -> None:
    modules = generated_modules()
    assert sorted(modules) == sorted(OPERATIONS_BY_MODULE)
    for name, module in modules.items():
        for function in ("_get_kwargs", "sync", "sync_detailed", "asyncio", "asyncio_detailed"):
            parameter = inspect.signature(getattr(module, function)).parameters["x_sail_point_experimental"]
            assert parameter.default == "true", f"{name}.{function}"
            assert type(parameter.default) is str
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("module_name", sorted(OPERATIONS_BY_MODULE))
def test_get_kwargs_sends_the_header_as_lowercase_true(module_name: str) -> None:
    module = generated_modules()[module_name]
    method, path = OPERATIONS_BY_MODULE[module_name]
    kwargs = module._get_kwargs(**body_for(module_name))
    assert kwargs["headers"][HEADER] == "true"
    assert kwargs["method"] == method
    assert kwargs["url"] == path.replace("{id}", "12345")


@pytest.mark.parametrize("module_name", sorted(OPERATIONS_BY_MODULE))
def test_the_header_reaches_the_wire(module_name: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    client = Client(
        base_url="https://tenant.api.identitynow.com/v2025",
        httpx_args={"transport": httpx.MockTransport(handler)},
    )
    with client:
        module = generated_modules()[module_name]
        module.sync_detailed(client=client, **body_for(module_name))
    assert len(seen) == 1
    assert seen[0].headers.get_list(HEADER) == ["true"]
    method, path = OPERATIONS_BY_MODULE[module_name]
    assert seen[0].method == method.upper()
    assert seen[0].url.path == "/v2025" + path.replace("{id}", "12345")


# --- section 2: the shape of the fragment -------------------------------------------------------------


def test_exactly_the_seven_operations(contract: Contract) -> None:
    found = {op_id: (method, path) for op_id, (method, path, _, _) in operations(contract).items()}
    assert found == {op_id: (method, path) for op_id, (method, path, _) in OPERATIONS.items()}


def test_server_and_oauth2_client_credentials(contract: Contract) -> None:
    assert [server["url"] for server in contract.spec["servers"]] == [
        "https://{tenant}.api.identitynow.com/v2025"
    ]
    schemes = contract.spec["components"]["securitySchemes"]
    oauth = [(name, scheme) for name, scheme in schemes.items() if scheme["type"] == "oauth2"]
    assert len(oauth) == 1
    name, scheme = oauth[0]
    assert (
        scheme["flows"]["clientCredentials"]["tokenUrl"] == "https://{tenant}.api.identitynow.com/oauth/token"
    )
    assert any(name in requirement for requirement in contract.spec["security"])


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_each_operation_has_the_header_and_the_error_responses(contract: Contract, operation_id: str) -> None:
    _, path, operation, parameters = operations(contract)[operation_id]
    headers = [p for p in parameters if p["in"] == "header" and p["name"] == HEADER]
    assert len(headers) == 1
    assert headers[0]["required"] is True
    assert headers[0]["schema"]["default"] == "true"
    if "{id}" in path:
        assert any(p["in"] == "path" and p["name"] == "id" and p["required"] for p in parameters)

    responses = operation["responses"]
    assert set(responses) >= ERROR_STATUSES
    for status in ERROR_STATUSES:
        content = deref(contract, responses[status])["content"]["application/json"]
        assert "schema" in content
    too_many = deref(contract, responses["429"])
    assert "Retry-After" in too_many["headers"]
    assert deref(contract, too_many["headers"]["Retry-After"])["schema"]["type"] == "string"


def test_delete_documents_200_and_204_without_a_body(contract: Contract) -> None:
    _, _, operation, _ = operations(contract)["deleteSIMIntegration"]
    responses = operation["responses"]
    assert set(responses) == ERROR_STATUSES | {"200", "204"}
    assert "content" not in responses["200"]
    assert "content" not in responses["204"]


@pytest.mark.parametrize("operation_id", ["createSIMIntegration", "putSIMIntegration"])
def test_create_and_put_send_details_and_read_the_integration(contract: Contract, operation_id: str) -> None:
    _, _, operation, _ = operations(contract)[operation_id]
    body = deref(contract, operation["requestBody"])
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SimIntegrationDetails"
    }
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ServiceDeskIntegrationDto"}


@pytest.mark.parametrize("operation_id", ["patchSIMAttributes", "patchBeforeProvisioningRule"])
def test_patch_bodies_accept_the_wrapper_and_a_bare_array(contract: Contract, operation_id: str) -> None:
    method, path, operation, _ = operations(contract)[operation_id]
    body = deref(contract, operation["requestBody"])
    assert body["required"] is True
    assert list(body["content"]) == [PATCH_MEDIA_TYPE]
    schema = body["content"][PATCH_MEDIA_TYPE]["schema"]
    branches = [deref(contract, branch) for branch in schema["oneOf"]]
    wrapper = load_seed("seed-json-patch.json")
    bare = wrapper["operations"]
    # oneOf: each form matches exactly one branch, so both are valid and never ambiguous.
    assert [contract.is_valid_inline(branch, wrapper) for branch in branches] == [True, False]
    assert [contract.is_valid_inline(branch, bare) for branch in branches] == [False, True]
    pointer = f"/paths/{path.replace('/', '~1')}/{method}/requestBody"
    if "$ref" in operation["requestBody"]:
        pointer = operation["requestBody"]["$ref"][1:]
    pointer += f"/content/{PATCH_MEDIA_TYPE.replace('/', '~1')}/schema"
    assert contract.errors(pointer, wrapper) == []
    assert contract.errors(pointer, bare) == []
    assert contract.errors(pointer, [{"op": "replace"}]) != []  # `path` is required

    # And the generated function takes both forms, sending each as it is.
    module = generated_modules()[OPERATIONS[operation_id][2]]
    as_wrapper = module._get_kwargs("12345", body=JsonPatch.from_dict(wrapper))
    as_array = module._get_kwargs("12345", body=[JsonPatchOperation.from_dict(item) for item in bare])
    assert as_wrapper["json"] == wrapper
    assert as_array["json"] == bare
    for kwargs in (as_wrapper, as_array):
        assert kwargs["headers"]["Content-Type"] == PATCH_MEDIA_TYPE
