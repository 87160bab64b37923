"""SIM integrations as code: export a tenant to files, plan the difference, apply it, promote it.

Needs the ``as-code`` extra (``pip install 'sailpoint-sim[as-code]'``, which adds ``jsonpatch``);
without it, :func:`plan` and :func:`apply` raise :class:`MissingExtraError`. ``import sailpoint_sim``
never imports this package.

::

    from sailpoint_sim import SimIntegrationsClient

    with SimIntegrationsClient.from_env() as sandbox:
        sandbox.export("integrations")                  # one JSON file per integration
    # ... edit, review, commit ...
    with SimIntegrationsClient.from_env() as production:
        plan = production.plan("integrations", id_map="sandbox-to-production.json")
        print(plan.render())
        report = production.apply(plan)                 # stops at the first failure
        assert report.ok, report.render()

The same functions take the client as first argument (:func:`export`, :func:`plan`, :func:`apply`,
and ``*_async`` for :class:`~sailpoint_sim.AsyncSimIntegrationsClient`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._apply import ApplyReport, ConflictError, Outcome, Progress, apply_steps, run_async, run_sync
from ._errors import (
    AsCodeError,
    DefinitionFileError,
    DuplicateNameError,
    IdMapError,
    MissingExtraError,
    UnmappedReferencesError,
)
from ._export import definitions_from
from ._files import ExportResult, dumps_definition, file_names, read_folder, write_folder
from ._plan import (
    Action,
    FieldChange,
    IntegrationPlan,
    Plan,
    Write,
    WriteKind,
    compute_plan,
    jsonpatch_module,
    load_definitions,
    resolve_id_map,
)
from ._refs import REFERENCE_FIELDS, Reference, apply_id_map, load_id_map, references

if TYPE_CHECKING:
    from .._async_client import AsyncSimIntegrationsClient
    from .._client import SimIntegrationsClient

__all__ = [
    "REFERENCE_FIELDS",
    "Action",
    "ApplyReport",
    "AsCodeError",
    "ConflictError",
    "DefinitionFileError",
    "DuplicateNameError",
    "ExportResult",
    "FieldChange",
    "IdMapError",
    "IntegrationPlan",
    "MissingExtraError",
    "Outcome",
    "Plan",
    "Reference",
    "UnmappedReferencesError",
    "Write",
    "WriteKind",
    "apply",
    "apply_async",
    "apply_id_map",
    "compute_plan",
    "dumps_definition",
    "export",
    "export_async",
    "export_data",
    "export_data_async",
    "file_names",
    "load_definitions",
    "load_id_map",
    "plan",
    "plan_async",
    "read_folder",
    "references",
    "require_extra",
    "write_folder",
]

Source = str | os.PathLike[str] | Mapping[str, Mapping[str, Any]]
IdMap = str | os.PathLike[str] | Mapping[str, str] | None


def require_extra() -> None:
    """Raise :class:`MissingExtraError` unless the ``as-code`` extra (``jsonpatch``) is installed."""
    jsonpatch_module()


def export_data(client: SimIntegrationsClient) -> dict[str, dict[str, Any]]:
    """The tenant's integrations as definitions, ``{name: details}``, sorted by name (one GET).

    Raises:
        DuplicateNameError: two integrations share a name. AsCodeError: one has no name.
        SailPointError: the list call failed.
    """
    return definitions_from(client.list())


def export(
    client: SimIntegrationsClient, folder: str | os.PathLike[str], *, prune: bool = False
) -> ExportResult:
    """Write one definition file per integration into ``folder`` (see :func:`write_folder`)."""
    return write_folder(folder, export_data(client), prune=prune)


def plan(client: SimIntegrationsClient, source: Source, *, id_map: IdMap = None, prune: bool = False) -> Plan:
    """Compare definitions (a folder, or ``{name: details}``) with the tenant: a :class:`Plan` (one GET).

    ``id_map`` (a JSON file or a mapping ``{"source id": "target id"}``) rewrites reference ids first
    and makes the plan list those it does not cover. ``prune`` plans deleting integrations that have
    no definition.
    """
    require_extra()
    definitions = load_definitions(source)
    checked = resolve_id_map(id_map)
    return compute_plan(definitions, [item.to_dict() for item in client.list()], id_map=checked, prune=prune)


def apply(
    client: SimIntegrationsClient,
    plan: Plan,
    *,
    keep_unmapped: bool = False,
    progress: Progress | None = None,
) -> ApplyReport:
    """Send a plan's writes in order, stopping at the first failure; ``progress`` gets one line per change.

    Raises:
        UnmappedReferencesError: the plan has reference ids its id map does not cover, and
            ``keep_unmapped`` is false (nothing is sent).
    """
    require_extra()
    report: ApplyReport = run_sync(apply_steps(plan, keep_unmapped=keep_unmapped, progress=progress), client)
    return report


async def export_data_async(client: AsyncSimIntegrationsClient) -> dict[str, dict[str, Any]]:
    """:func:`export_data` with the async client."""
    return definitions_from(await client.list())


async def export_async(
    client: AsyncSimIntegrationsClient, folder: str | os.PathLike[str], *, prune: bool = False
) -> ExportResult:
    """:func:`export` with the async client (the files are written synchronously: they are small)."""
    return write_folder(folder, await export_data_async(client), prune=prune)


async def plan_async(
    client: AsyncSimIntegrationsClient, source: Source, *, id_map: IdMap = None, prune: bool = False
) -> Plan:
    """:func:`plan` with the async client."""
    require_extra()
    definitions = load_definitions(source)
    checked = resolve_id_map(id_map)
    listed = await client.list()
    return compute_plan(definitions, [item.to_dict() for item in listed], id_map=checked, prune=prune)


async def apply_async(
    client: AsyncSimIntegrationsClient,
    plan: Plan,
    *,
    keep_unmapped: bool = False,
    progress: Progress | None = None,
) -> ApplyReport:
    """:func:`apply` with the async client."""
    require_extra()
    report: ApplyReport = await run_async(
        apply_steps(plan, keep_unmapped=keep_unmapped, progress=progress), client
    )
    return report
