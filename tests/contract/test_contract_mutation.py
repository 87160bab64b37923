"""The contract check fails when the generated models drop a field or change its type.

Each mutation damages a copy of the fragment, regenerates a package from it with the pinned generator
(the project's own scripts/generate.py, run in a temporary copy), imports that package under another
name, and runs the very check the contract tests run, over the very same documented examples, against
the committed fragment. The check must now fail, naming the damaged field; examples that do not touch
the damaged model must still pass, which shows the failures come from the mutation and nothing else.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

from .sim_contract import (
    ROOT,
    Contract,
    ContractViolation,
    check_round_trip,
    fragment_examples,
    load_yaml,
    seed_examples,
)

SDID = "ServiceDeskIntegrationDto"


def _properties(spec: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = spec["components"]["schemas"][SDID]["properties"]
    return properties


def drop_created(spec: dict[str, Any]) -> None:
    del _properties(spec)["created"]


def created_as_plain_string(spec: dict[str, Any]) -> None:
    del _properties(spec)["created"]["format"]


def sources_items_as_integers(spec: dict[str, Any]) -> None:
    _properties(spec)["sources"]["items"] = {"type": "integer"}


# name -> (how the copy of the fragment is damaged, the field every failure must name)
MUTATIONS: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "drop_created": (drop_created, "created"),
    "created_as_plain_string": (created_as_plain_string, "created"),
    "sources_items_as_integers": (sources_items_as_integers, "sources"),
}


@pytest.fixture(scope="module")
def mutants(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ModuleType]]:
    """One generated package per mutation, importable under its own name."""
    base = tmp_path_factory.mktemp("mutants")
    processes: dict[str, tuple[Path, subprocess.Popen[str]]] = {}
    for name, (mutate, _) in MUTATIONS.items():
        root = base / name
        (root / "scripts").mkdir(parents=True)
        shutil.copytree(ROOT / "spec", root / "spec")
        shutil.copy2(ROOT / "scripts" / "generate.py", root / "scripts" / "generate.py")
        spec_file = root / "spec" / "sim-integrations.v2025.yaml"
        spec = load_yaml(spec_file)
        mutate(spec)
        spec_file.write_text(json.dumps(spec, indent=1), encoding="utf-8")  # JSON is YAML
        # generate.py finds its root from its own location, so this rebuilds root/generated only.
        command = [sys.executable, str(root / "scripts" / "generate.py")]
        processes[name] = (
            root,
            subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True),
        )

    packages_dir = base / "packages"
    packages_dir.mkdir()
    for name, (root, process) in processes.items():
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, f"generating the {name} mutant failed:\n{output}"
        shutil.copytree(root / "generated" / "sailpoint_sim_client", packages_dir / f"sim_mutant_{name}")

    # The mutants are generated packages in a temporary folder: sys.path is how they become importable.
    sys.path.insert(0, str(packages_dir))
    try:
        yield {name: importlib.import_module(f"sim_mutant_{name}") for name in MUTATIONS}
    finally:
        sys.path.remove(str(packages_dir))
        for module in [module for module in sys.modules if module.startswith("sim_mutant_")]:
            del sys.modules[module]


def run_check(contract: Contract, package: ModuleType) -> dict[str, str]:
    """Run the contract check over every documented example; example name -> failure message."""
    failures: dict[str, str] = {}
    for example in fragment_examples(contract) + seed_examples():
        try:
            check_round_trip(contract, package, example.schema_pointer, example.value)
        except ContractViolation as violation:
            failures[example.name] = str(violation)
    return failures


def test_the_committed_package_passes_the_same_check(contract: Contract, package: ModuleType) -> None:
    assert run_check(contract, package) == {}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_the_check_fails_for_a_mutated_package(
    contract: Contract, mutants: dict[str, ModuleType], name: str
) -> None:
    mutant = mutants[name]
    field = MUTATIONS[name][1]
    mutant_class = getattr(importlib.import_module(f"{mutant.__name__}.models"), SDID)
    fields = attrs.fields_dict(mutant_class)
    # The mutation really reached the generated code.
    if name == "drop_created":
        assert "created" not in fields
    else:
        assert str(fields[field].type) in ("str | Unset", "list[int] | Unset")

    failures = run_check(contract, mutant)
    # Exactly the examples read as a ServiceDeskIntegrationDto that carry the field fail, each naming it.
    carrying = {
        example.name
        for example in fragment_examples(contract) + seed_examples()
        if _is_integration_response(example.schema_pointer) and _carries(example.value, field)
    }
    assert carrying, "no documented example carries the mutated field"
    assert set(failures) == carrying
    for message in failures.values():
        assert f".{field}" in message or f"'{field}'" in message, message


def _is_integration_response(pointer: str) -> bool:
    return pointer.endswith(SDID) or "/responses/200/" in pointer


def _carries(value: Any, field: str) -> bool:
    if isinstance(value, list):
        return any(_carries(item, field) for item in value)
    return isinstance(value, dict) and field in value


# Cheap companions: each step of the check rejects what it is there to reject, on the real package.


def test_the_check_rejects_a_body_the_fragment_does_not_allow(
    contract: Contract, package: ModuleType
) -> None:
    with pytest.raises(ContractViolation, match="invalid against"):
        check_round_trip(contract, package, "/components/schemas/ServiceDeskIntegrationDto", {"sources": [1]})


def test_the_check_rejects_a_body_that_is_not_written_back_exactly(
    contract: Contract, package: ModuleType
) -> None:
    # Valid, parsed and typed, but written back as `...Z`: the text differs from what was read.
    body = {"name": "n", "created": "2015-05-28T14:07:17+00:00"}
    with pytest.raises(ContractViolation, match="to_dict"):
        check_round_trip(contract, package, "/components/schemas/ServiceDeskIntegrationDto", body)
