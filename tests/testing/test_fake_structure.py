"""The fake is split by concern with imports that only go down: carriers hand requests to the service,
the service knows no carrier, and operations are dispatched from a table."""

from __future__ import annotations

import ast
from pathlib import Path

import httpx

import sailpoint_sim.testing
from sailpoint_sim.testing import FakeSimService
from sailpoint_sim.testing._operations import HANDLERS
from sailpoint_sim.testing._routes import API_OPERATIONS

PACKAGE = Path(sailpoint_sim.testing.__file__).parent
CARRIERS = {"_server", "_transport"}


def _sibling_imports(module: Path) -> set[str]:
    """Modules of the package that ``module`` imports, at any level (TYPE_CHECKING and local imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    return {path.stem: _sibling_imports(path) for path in PACKAGE.glob("*.py")}


def test_imports_only_go_down() -> None:
    graph = _graph()
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in visiting, f"import cycle: {' -> '.join((*trail, name))}"
        if name in order:
            return
        visiting.add(name)
        for child in sorted(graph.get(name, ())):
            visit(child, (*trail, name))
        visiting.discard(name)
        order.append(name)

    for name in sorted(graph):
        visit(name, ())


def test_the_service_knows_no_carrier_and_carriers_know_no_service_class() -> None:
    graph = _graph()
    below_carriers = {
        name
        for name in graph
        if name not in {"__init__", "__main__", "_options", "_fake", "pytest_plugin", *CARRIERS}
    }

    def reach(name: str, seen: set[str]) -> set[str]:
        for child in graph.get(name, ()):
            if child not in seen:
                seen.add(child)
                reach(child, seen)
        return seen

    for name in below_carriers:
        assert not reach(name, set()) & (CARRIERS | {"_fake"}), name
    for carrier in CARRIERS:
        assert "_service" not in reach(carrier, set()), carrier


def test_every_api_operation_has_a_handler_and_nothing_else_does() -> None:
    assert set(HANDLERS) == API_OPERATIONS


def test_only_operations_are_recorded_as_operations() -> None:
    fake = FakeSimService()
    headers = {"Authorization": f"Bearer {fake.issue_token()}", "X-SailPoint-Experimental": "true"}
    with httpx.Client(transport=fake.transport(), base_url="https://tenant.api.identitynow.com") as client:
        assert client.post("/v2025/sim-integrations/abc", headers=headers, json={}).status_code == 405
        assert client.get("/oauth/token").status_code == 405
        assert client.get("/v2025/nothing", headers=headers).status_code == 404
        assert client.get("/v2025/sim-integrations", headers=headers).status_code == 200
    assert [r.operation for r in fake.requests] == [None, None, None, "getSIMIntegrations"]
