"""scripts/spec_diff.py: each kind of difference, `x-settled` markers, matching across layouts, exit codes.

Most tests start from the two fixtures (which agree apart from one settled field), change one thing in a
copy, and check the one line that must appear and the exit status.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "spec_diff.py"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_UPSTREAM = ROOT.parent / "shared" / "upstream" / "sailpoint-v2025-sim-integrations.yaml"
REAL_FRAGMENT = ROOT / "spec" / "sim-integrations.v2025.yaml"

GET = "/v2025/sim-integrations/{integrationId}"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("spec_diff", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["spec_diff"] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


spec_diff = _load_script()

Doc = dict[str, Any]


def fixture(name: str) -> Doc:
    data = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def run(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change_upstream: Callable[[Doc], None] | None = None,
    change_fragment: Callable[[Doc], None] | None = None,
) -> tuple[int, str]:
    """Run the script in-process on (changed copies of) the fixtures; return exit status and stdout."""
    upstream, fragment = fixture("upstream.yaml"), fixture("fragment.yaml")
    if change_upstream:
        change_upstream(upstream)
    if change_fragment:
        change_fragment(fragment)
    up_path, frag_path = tmp_path / "upstream.yaml", tmp_path / "fragment.yaml"
    up_path.write_text(yaml.safe_dump(upstream, sort_keys=False), encoding="utf-8")
    frag_path.write_text(yaml.safe_dump(fragment, sort_keys=False), encoding="utf-8")
    status = spec_diff.main([str(up_path), "--fragment", str(frag_path)])
    return status, unwrap(capsys.readouterr().out)


def unwrap(out: str) -> str:
    """Undo the report's line wrapping (continuation lines are indented by six spaces or more)."""
    lines: list[str] = []
    for line in out.splitlines():
        if line.startswith("      ") and lines:
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    return "\n".join(lines)


def integration(upstream: Doc) -> Doc:
    """The second allOf part of upstream's IntegrationDto (the part with the integration's own fields)."""
    part = upstream["components"]["schemas"]["IntegrationDto"]["allOf"][1]
    assert isinstance(part, dict)
    return part


def unsettled_block(out: str) -> str:
    """The lines of the NOT SETTLED block(s) only."""
    lines, inside = [], False
    for line in out.splitlines():
        if line.startswith("  NOT SETTLED:"):
            inside = True
        elif not line.startswith("    "):
            inside = False
        elif inside:
            lines.append(line)
    return "\n".join(lines)


# --- the baseline -------------------------------------------------------------------------------------


def test_equivalent_specs_differ_only_in_the_settled_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Different paths (/v2025, {integrationId}), parameter placement, component names, allOf and an inline
    # item schema: none of that is a difference. The one real difference is settled, so exit 0.
    status, out = run(tmp_path, capsys)
    assert status == spec_diff.EXIT_OK
    assert "- Integration.note: field (string)" in out
    assert "x-settled at Integration.note): Kept although upstream does not declare it." in out
    assert "1 difference(s): 1 settled on purpose, 0 not settled." in out
    assert "NOT SETTLED" not in out
    # The unrelated upstream operation of a full bundle is neither matched nor reported.
    assert "accounts" not in out


# --- each kind of schema difference ---------------------------------------------------------------------


def test_field_added_upstream(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        integration(up)["properties"]["cluster"] = {"type": "string"}
        integration(up)["required"] = ["cluster"]

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    assert "+ Integration.cluster: field (string, required)" in unsettled_block(out)


def test_field_removed_upstream(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(tmp_path, capsys, lambda up: integration(up)["properties"].pop("sources"))
    assert status == spec_diff.EXIT_UNSETTLED
    assert "- Integration.sources: field (array)" in unsettled_block(out)


def test_type_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        integration(up)["properties"]["created"] = {"type": "integer", "format": "int64"}

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    block = unsettled_block(out)
    assert "~ Integration.created: type: fragment string, upstream integer" in block
    assert '~ Integration.created: format: fragment "date-time", upstream "int64"' in block


def test_type_change_inside_array_items(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        integration(up)["properties"]["sources"]["items"] = {"type": "integer"}

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    assert "~ Integration.sources[]: type: fragment string, upstream integer" in unsettled_block(out)


def test_required_change_through_all_of(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `required` of upstream's allOf parts are merged: dropping name from BaseDto makes it optional.
    status, out = run(tmp_path, capsys, lambda up: up["components"]["schemas"]["BaseDto"].pop("required"))
    assert status == spec_diff.EXIT_UNSETTLED
    assert "~ Integration.name: required: fragment yes, upstream no" in unsettled_block(out)


def test_nullable_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        up["components"]["schemas"]["BaseDto"]["properties"]["name"].pop("nullable")

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    assert "~ Integration.name: nullable: fragment true, upstream false" in unsettled_block(out)


def test_read_only_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        up["components"]["schemas"]["BaseDto"]["properties"]["id"]["readOnly"] = False

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    assert "~ Integration.id: readOnly: fragment true, upstream false" in unsettled_block(out)


def test_deprecated_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        integration(up)["properties"]["state"]["deprecated"] = True

    status, out = run(tmp_path, capsys, change)
    assert "~ Integration.state: deprecated: fragment false, upstream true" in unsettled_block(out)
    assert status == spec_diff.EXIT_UNSETTLED


def test_enum_value_added_in_a_nested_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        up["components"]["schemas"]["OwnerDto"]["properties"]["type"]["enum"].append("GOVERNANCE_GROUP")

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    # The readable path goes through the referenced schema (upstream names it OwnerDto, via allOf).
    assert '+ Integration.owner.type: enum values "GOVERNANCE_GROUP"' in unsettled_block(out)


def test_enum_value_removed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        integration(up)["properties"]["state"]["enum"] = ["ACTIVE"]

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    assert '- Integration.state: enum values "DISABLED"' in unsettled_block(out)


def test_enum_change_in_request_body_array_items(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        body = up["paths"][GET]["patch"]["requestBody"]["content"]["application/json-patch+json"]
        body["schema"]["items"]["properties"]["op"]["enum"] += ["move", "copy"]

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    assert '+ PatchOperation.op: enum values "move", "copy"' in unsettled_block(out)


def test_one_of_alternatives_are_summarized(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        integration(up)["properties"]["state"] = {"oneOf": [{"type": "string"}, {"type": "integer"}]}

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    assert "~ Integration.state: type: fragment string, upstream oneOf[integer | string]" in unsettled_block(
        out
    )


# --- operations, parameters, bodies, responses ----------------------------------------------------------


def test_content_type_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        content = up["paths"][GET]["get"]["responses"]["200"]["content"]
        content["application/hal+json"] = content.pop("application/json")

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    block = unsettled_block(out)
    assert "+ GET /sim-integrations/{id} response 200 application/hal+json: content type" in block
    assert "- GET /sim-integrations/{id} response 200 application/json: content type" in block


def test_request_content_type_and_required_change(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        body = up["paths"][GET]["patch"]["requestBody"]
        body["required"] = False
        body["content"]["application/json"] = body["content"].pop("application/json-patch+json")

    status, out = run(tmp_path, capsys, change)
    block = unsettled_block(out)
    assert "~ PATCH /sim-integrations/{id} request: required: fragment yes, upstream no" in block
    assert "+ PATCH /sim-integrations/{id} request application/json: content type" in block
    assert "- PATCH /sim-integrations/{id} request application/json-patch+json: content type" in block
    assert status == spec_diff.EXIT_UNSETTLED


def test_new_response_code_and_header(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        up["paths"][GET]["get"]["responses"]["429"] = {"description": "Rate limited."}
        up["components"]["responses"]["NotFound"]["headers"] = {"X-Trace": {"schema": {"type": "string"}}}

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    block = unsettled_block(out)
    assert "+ GET /sim-integrations/{id} response 429: response" in block
    assert "+ GET /sim-integrations/{id} response 404 header X-Trace: header" in block


def test_parameter_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        header = up["paths"][GET]["get"]["parameters"][1]
        header["schema"]["default"] = True  # the YAML boolean SailPoint really writes
        up["paths"][GET]["get"]["parameters"].append(
            {"name": "limit", "in": "query", "schema": {"type": "integer"}}
        )

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    block = unsettled_block(out)
    assert (
        '~ GET /sim-integrations/{id} header parameter X-SailPoint-Experimental: default: fragment "true", upstream true'
        in block
    )
    assert "+ GET /sim-integrations/{id} query parameter limit: parameter" in block


def test_operation_added_and_removed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        item = up["paths"][GET]
        item["delete"] = {
            "tags": ["SIM Integrations"],
            "operationId": "deleteSIMIntegration",
            "responses": {},
        }
        del item["patch"]

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    block = unsettled_block(out)
    assert f"+ DELETE {GET}: operation deleteSIMIntegration" in block
    assert "- PATCH /sim-integrations/{id}: operation (upstream does not have it)" in block
    assert "PATCH /sim-integrations/{id}                       not found upstream" in out


# --- matching across layouts ----------------------------------------------------------------------------


def test_per_resource_v1_paths_and_operation_ids_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def change(up: Doc) -> None:
        # A per-resource spec: /sim-integrations/v1/... paths, V1 operationIds, no /v2025 anywhere.
        up["paths"] = {"/sim-integrations/v1/{id}": up["paths"][GET]}
        for method in ("get", "patch"):
            op = up["paths"]["/sim-integrations/v1/{id}"][method]
            op["operationId"] += "V1"
            op["parameters"][0]["name"] = "id"

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_OK
    assert (
        "GET /sim-integrations/{id}                         = GET /sim-integrations/v1/{id} (matched by path)"
        in out
    )
    assert "not found upstream" not in out


def test_operation_id_fallback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        item = up["paths"].pop(GET)
        item["get"]["operationId"] = "getSIMIntegrationV1"
        del item["patch"]
        up["paths"]["/sim/integration/{integrationId}"] = item

    status, out = run(tmp_path, capsys, change)
    assert "= GET /sim/integration/{integrationId} (matched by operationId)" in out
    # PATCH really is gone: the fallback must not pair it with something else.
    assert "- PATCH /sim-integrations/{id}: operation (upstream does not have it)" in unsettled_block(out)
    assert status == spec_diff.EXIT_UNSETTLED


# --- x-settled markers ----------------------------------------------------------------------------------


def _owner_enum_grows(up: Doc) -> None:
    up["components"]["schemas"]["OwnerDto"]["properties"]["type"]["enum"].append("SOURCE")


def test_marker_on_an_ancestor_settles_nested_differences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def settle(frag: Doc) -> None:
        frag["components"]["schemas"]["Owner"]["x-settled"] = (
            "Owner types stay closed until the service says otherwise."
        )

    status, out = run(tmp_path, capsys, _owner_enum_grows, settle)
    assert status == spec_diff.EXIT_OK
    assert "NOT SETTLED" not in out
    assert (
        "settled on purpose (x-settled at schema Owner): Owner types stay closed until the service says otherwise."
        in out
    )
    assert '+ Integration.owner.type: enum values "SOURCE"' in out


def test_same_difference_without_marker_is_unsettled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run(tmp_path, capsys, _owner_enum_grows)
    assert status == spec_diff.EXIT_UNSETTLED
    assert '+ Integration.owner.type: enum values "SOURCE"' in unsettled_block(out)
    assert "1 not settled" in out


def test_marker_on_a_sibling_does_not_settle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The marker on Integration.note must not leak to Integration.state.
    def change(up: Doc) -> None:
        integration(up)["properties"]["state"]["enum"] = ["ACTIVE"]

    status, out = run(tmp_path, capsys, change)
    assert status == spec_diff.EXIT_UNSETTLED
    assert '- Integration.state: enum values "DISABLED"' in unsettled_block(out)


def test_marker_on_a_response_settles_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        del up["paths"][GET]["get"]["responses"]["404"]

    def settle(frag: Doc) -> None:
        frag["paths"]["/sim-integrations/{id}"]["get"]["responses"]["404"]["x-settled"] = (
            "Documented on purpose."
        )

    status, out = run(tmp_path, capsys, change, settle)
    assert status == spec_diff.EXIT_OK
    assert "Documented on purpose." in out
    assert "- GET /sim-integrations/{id} response 404: response" in out


def test_marker_on_a_path_item_settles_an_added_operation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def change(up: Doc) -> None:
        up["paths"][GET]["delete"] = {"tags": ["SIM Integrations"], "operationId": "deleteSIMIntegration"}

    def settle(frag: Doc) -> None:
        frag["paths"]["/sim-integrations/{id}"]["x-settled"] = "DELETE is left out on purpose."

    status, out = run(tmp_path, capsys, change, settle)
    assert f"+ DELETE {GET}: operation deleteSIMIntegration" in out
    assert "(x-settled at /sim-integrations/{id}): DELETE is left out on purpose." in out
    assert status == spec_diff.EXIT_OK


def test_root_marker_settles_security_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        up["paths"][GET]["get"]["security"] = [{"userAuth": ["idn:service-desk-integration:read"]}]
        integration(up)["properties"]["state"]["enum"] = ["ACTIVE"]

    status, out = run(tmp_path, capsys, change)
    assert (
        "~ GET /sim-integrations/{id} security: fragment userAuth[sp:scopes:all], upstream "
        "userAuth[idn:service-desk-integration:read]" in out
    )
    assert "x-settled at document root): Security is declared once at the root on purpose." in out
    # The root marker is not an ancestor of the schemas: the enum change stays unsettled.
    assert "security" not in unsettled_block(out)
    assert '- Integration.state: enum values "DISABLED"' in unsettled_block(out)
    assert status == spec_diff.EXIT_UNSETTLED


def test_only_unsettled_leaves_settled_differences_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def change(up: Doc) -> None:
        integration(up)["properties"]["state"]["enum"] = ["ACTIVE"]

    status, full = run(tmp_path, capsys, change)
    assert "- Integration.note: field (string)" in full
    status_short = spec_diff.main(
        [str(tmp_path / "upstream.yaml"), "--fragment", str(tmp_path / "fragment.yaml"), "--only-unsettled"]
    )
    short = unwrap(capsys.readouterr().out)
    assert "- Integration.note" not in short
    assert '- Integration.state: enum values "DISABLED"' in unsettled_block(short)
    assert "2 difference(s): 1 settled on purpose, 1 not settled." in short
    assert status == status_short == spec_diff.EXIT_UNSETTLED


def test_no_list_of_exceptions_in_the_script() -> None:
    # Settling is read from the fragment: the script must not know any schema or field by name.
    source = SCRIPT.read_text(encoding="utf-8")
    for name in (
        "ServiceDeskIntegrationDto",
        "SimIntegrationDetails",
        "JsonPatch",
        "Retry-After",
        "LocaleOrigin",
    ):
        assert name not in source


# --- usage and unreadable input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("paths: [unclosed", "is not valid YAML/JSON"),
        ("just a string", "is not an OpenAPI document"),
        ("openapi: 3.0.1\ninfo: {}\n", "is not an OpenAPI document"),
    ],
)
def test_unreadable_upstream_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content, encoding="utf-8")
    assert spec_diff.main([str(bad), "--fragment", str(FIXTURES / "fragment.yaml")]) == spec_diff.EXIT_USAGE
    captured = capsys.readouterr()
    assert message in captured.err
    assert "Traceback" not in captured.err


def test_missing_file_and_missing_argument_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert spec_diff.main([str(tmp_path / "nope.yaml")]) == spec_diff.EXIT_USAGE
    assert "cannot read upstream spec" in capsys.readouterr().err
    assert spec_diff.main([""]) == spec_diff.EXIT_USAGE  # `make spec-diff` without UPSTREAM=
    assert "make spec-diff UPSTREAM=" in capsys.readouterr().err
    assert spec_diff.main([]) == spec_diff.EXIT_USAGE
    assert "usage:" in capsys.readouterr().err


def test_unresolvable_ref_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(up: Doc) -> None:
        integration(up)["properties"]["owner"] = {"$ref": "#/components/schemas/Nowhere"}

    up_path = tmp_path / "upstream.yaml"
    upstream = fixture("upstream.yaml")
    change(upstream)
    up_path.write_text(yaml.safe_dump(upstream), encoding="utf-8")
    assert (
        spec_diff.main([str(up_path), "--fragment", str(FIXTURES / "fragment.yaml")]) == spec_diff.EXIT_USAGE
    )
    assert "unresolvable $ref #/components/schemas/Nowhere" in capsys.readouterr().err


def test_command_line_exit_status(tmp_path: Path) -> None:
    # The real entry point (what `make spec-diff` runs), in a subprocess.
    upstream = fixture("upstream.yaml")
    integration(upstream)["properties"]["state"]["enum"] = ["ACTIVE"]
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(upstream), encoding="utf-8")
    fragment = ["--fragment", str(FIXTURES / "fragment.yaml")]
    for path, expected in ((FIXTURES / "upstream.yaml", 0), (changed, 1), (tmp_path / "absent.yaml", 2)):
        result = subprocess.run(
            [sys.executable, str(SCRIPT), str(path), *fragment], capture_output=True, text=True, check=False
        )
        assert result.returncode == expected, result.stdout + result.stderr


# --- the real fragment against the real upstream subset -------------------------------------------------


@pytest.mark.skipif(
    not SHARED_UPSTREAM.exists(), reason=f"upstream reference data not present: {SHARED_UPSTREAM}"
)
def test_real_fragment_against_upstream_subset(capsys: pytest.CaptureFixture[str]) -> None:
    status = spec_diff.main([str(SHARED_UPSTREAM), "--fragment", str(REAL_FRAGMENT)])
    out = unwrap(capsys.readouterr().out)
    # All seven operations are found, by path.
    assert out.count("(matched by path)") == 7
    assert "not found upstream" not in out
    # Known upstream differences are detected (with YAML booleans read as booleans) and settled by the
    # fragment's own markers.
    assert (
        '~ GET /sim-integrations header parameter X-SailPoint-Experimental: default: fragment "true", upstream true'
        in out
    )
    assert "- DELETE /sim-integrations/{id} response 204: response" in out
    assert "~ ServiceDeskIntegrationDto.description: required: fragment no, upstream yes" in out
    assert "- JsonPatch.operations[].from: field (string)" in out
    assert "x-settled at document root" in out
    # The root marker settles a difference in every operation; its reason is printed once, then referred to.
    assert out.count("settled on purpose (x-settled at document root): Upstream puts `security`") == 1
    assert out.count("settled on purpose (x-settled at document root; reason given above)") == 6
    # Every difference with the published contract is deliberate: a new one must get a marker (or a fix).
    assert status == spec_diff.EXIT_OK, unsettled_block(out)


@pytest.mark.skipif(
    not SHARED_UPSTREAM.exists(), reason=f"upstream reference data not present: {SHARED_UPSTREAM}"
)
def test_real_fragment_against_a_per_resource_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same upstream text in the per-resource layout (/sim-integrations/v1..., operationIds ending in
    # V1, as JSON): the same seven matches and the same verdict.
    upstream = yaml.safe_load(SHARED_UPSTREAM.read_text(encoding="utf-8"))
    upstream["paths"] = {
        path.replace("/sim-integrations", "/sim-integrations/v1", 1): item
        for path, item in upstream["paths"].items()
    }
    for item in upstream["paths"].values():
        for operation in item.values():
            operation["operationId"] += "V1"
    per_resource = tmp_path / "sim-integrations-v1.json"
    per_resource.write_text(json.dumps(upstream), encoding="utf-8")
    status = spec_diff.main([str(per_resource), "--fragment", str(REAL_FRAGMENT)])
    out = unwrap(capsys.readouterr().out)
    assert "= PATCH /sim-integrations/v1/{id}/beforeProvisioningRule (matched by path)" in out
    assert out.count("(matched by path)") == 7
    assert "- DELETE /sim-integrations/{id} response 204: response" in out
    assert status == spec_diff.EXIT_OK, unsettled_block(out)


def test_json_upstream_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    as_json = tmp_path / "upstream.json"
    as_json.write_text(json.dumps(fixture("upstream.yaml"), indent=2), encoding="utf-8")
    status = spec_diff.main([str(as_json), "--fragment", str(FIXTURES / "fragment.yaml")])
    assert "1 difference(s): 1 settled on purpose, 0 not settled." in capsys.readouterr().out
    assert status == spec_diff.EXIT_OK


def test_fragment_against_itself_has_no_differences(capsys: pytest.CaptureFixture[str]) -> None:
    status = spec_diff.main([str(REAL_FRAGMENT), "--fragment", str(REAL_FRAGMENT)])
    assert status == spec_diff.EXIT_OK
    assert "No differences." in capsys.readouterr().out


PER_RESOURCE_UPSTREAM = ROOT / "tests" / "conformance" / "upstream" / "sailpoint-sim-integrations-v1.yaml"


def test_make_spec_diff_settles_upstreams_per_resource_spec() -> None:
    """`make spec-diff` against SailPoint's own per-resource spec (issue 11; a verbatim copy stored in the
    repository) finds the seven operations by path and only differences the fragment settled."""
    result = subprocess.run(
        ["make", "--no-print-directory", "spec-diff", f"UPSTREAM={PER_RESOURCE_UPSTREAM}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = unwrap(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert out.count("(matched by path)") == 7
    assert "not found upstream" not in out
    assert " 0 not settled." in out
