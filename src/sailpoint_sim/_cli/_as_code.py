"""``export``, ``plan`` and ``apply``: SIM integrations as code, a thin layer over ``sailpoint_sim.as_code``.

Local input (the folder, the id map) is read and checked before the tenant is contacted, so bad input
ends with exit code 2 and no request. Plans and reports are text on stdout (``--json``: data); apply's
progress is one line per change on stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ._command import Command, Context
from ._connection import client_from_args
from ._exit import EXIT_API_ERROR, EXIT_OK, EXIT_USAGE, UsageError, exit_code_for
from ._output import print_json

__all__ = ["COMMANDS", "EXIT_CANCELLED", "EXIT_CHANGES"]

EXIT_CHANGES = 1  # plan --exit-code: there are changes (as `git diff --exit-code`; only with that flag)
# apply: the person answered anything but "yes"; nothing was sent. Like the refusal without a terminal
# (a UsageError), not 1, which the tool reserves for its own bugs.
EXIT_CANCELLED = EXIT_USAGE

AS_CODE_EPILOG = """\
definitions:
  One JSON file per integration, named after it; the "name" inside the file is the key that matches
  it to the tenant's integration of that name. Files hold what a create or update sends: no id,
  created or modified, every other field kept. Only *.json files directly in DIR are read.

id map (--map FILE):
  {"sandbox id": "production id", ...}. Rewrites the reference ids of every definition before it
  is compared: cluster, sources[], managedSources[], the id of ownerRef, clusterRef,
  beforeProvisioningRule, provisioningConfig.managedResourceRefs[], and of any other object with an
  id and a type (never inside attributes, statusMap or request). Ids that are neither a key nor a
  value of the map are listed by plan; apply refuses them unless --keep-unmapped.

exit codes of plan and apply (besides those below):
  1  plan --exit-code: there are changes (without --exit-code, 0)
  2  apply: not confirmed on the terminal, or no terminal and no --yes; nothing was sent
  3  apply stopped: the service refused a change (a test operation failed because the tenant
     changed since the plan, or any other API error) or the tenant changed since the plan
  needs the as-code extra: pip install 'sailpoint-sim[as-code]' (exit code 2 without it)
"""


def _require_extra() -> Any:
    """The as_code package, after checking the extra is installed (MissingExtraError: exit 2)."""
    from .. import as_code

    as_code.require_extra()
    return as_code


def _folder_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder", metavar="DIR", help="folder of definition files (one JSON file per integration)"
    )


def _json_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON data instead of text")


def _plan_arguments(parser: argparse.ArgumentParser, *, applying: bool = False) -> None:
    _folder_argument(parser)
    parser.add_argument(
        "--map",
        metavar="FILE",
        dest="id_map",
        help='id map for promotion: {"sandbox id": "production id", ...}',
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help=("also delete" if applying else "plan deleting")
        + " the tenant's integrations that have no file",
    )
    _json_argument(parser, "the plan and the report" if applying else "the plan")


# -- export ----------------------------------------------------------------------------------------


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", help="folder to write into (created if missing)")
    parser.add_argument(
        "--prune",
        action="store_true",
        help="delete other *.json files of DIR (integrations gone from the tenant)",
    )
    _json_argument(parser, "the result")


def _export(args: argparse.Namespace, ctx: Context) -> int:
    as_code = _require_extra()
    from ..as_code._render import shown

    with client_from_args(args) as client:
        result = as_code.export(client, args.folder, prune=args.prune)
    if args.json:
        print_json(result.to_dict(), ctx.out)
        return EXIT_OK
    written = set(result.written)
    for name, file in result.files.items():
        state = "written  " if file in written else "unchanged"
        ctx.out.write(f"  {state} {file}  ({shown(name)})\n")
    for file in result.replaced:
        ctx.out.write(f"  replaced  {file}  (held an integration now written to its own file)\n")
    for file in result.stale:
        verb = "removed" if file in result.removed else "stale  "
        ctx.out.write(f"  {verb}   {file}  (no integration of the tenant; --prune removes it)\n")
    ctx.out.write(
        f"Exported {len(result.files)} integration(s) to {result.folder}: {len(result.written)} written, "
        f"{len(result.unchanged)} unchanged, {len(result.removed)} removed.\n"
    )
    return EXIT_OK


# -- plan ------------------------------------------------------------------------------------------


def _load(as_code: Any, args: argparse.Namespace) -> tuple[Any, Any]:
    """The definitions and the id map, read before any request (bad input: exit 2)."""
    definitions = as_code.load_definitions(args.folder)
    id_map = None if args.id_map is None else as_code.load_id_map(args.id_map)
    return definitions, id_map


def _compute(as_code: Any, args: argparse.Namespace, client: Any, definitions: Any, id_map: Any) -> Any:
    tenant = [item.to_dict() for item in client.list()]
    return as_code.compute_plan(definitions, tenant, id_map=id_map, prune=args.prune)


def _plan_more_arguments(parser: argparse.ArgumentParser) -> None:
    _plan_arguments(parser)
    parser.add_argument(
        "--exit-code", action="store_true", help="exit 1 when there are changes, 0 when there are none"
    )


def _plan(args: argparse.Namespace, ctx: Context) -> int:
    as_code = _require_extra()
    definitions, id_map = _load(as_code, args)
    with client_from_args(args) as client:
        plan = _compute(as_code, args, client, definitions, id_map)
    if args.json:
        print_json(plan.to_dict(), ctx.out)
    else:
        ctx.out.write(plan.render())
    return EXIT_CHANGES if args.exit_code and plan.has_changes else EXIT_OK


# -- apply -----------------------------------------------------------------------------------------


def _apply_arguments(parser: argparse.ArgumentParser) -> None:
    _plan_arguments(parser, applying=True)
    parser.add_argument(
        "--yes", "-y", action="store_true", help="apply without asking (needed without a terminal)"
    )
    parser.add_argument(
        "--keep-unmapped",
        action="store_true",
        help="with --map: send reference ids the map does not cover as they are",
    )


def _confirm(ctx: Context, question: str) -> bool:
    """Ask on the terminal; only "yes" confirms (as terraform: a stray Enter or "y" must not delete)."""
    ctx.err.write(f"{question} Only 'yes' confirms: ")
    ctx.err.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() == "yes"


def _apply(args: argparse.Namespace, ctx: Context) -> int:
    as_code = _require_extra()
    definitions, id_map = _load(as_code, args)
    with client_from_args(args) as client:
        plan = _compute(as_code, args, client, definitions, id_map)
        # The person reads the plan before answering; with --json the plan data goes to stdout at the end.
        (ctx.err if args.json else ctx.out).write(plan.render())
        if not plan.has_changes:
            if args.json:
                print_json({"plan": plan.to_dict(), "report": None}, ctx.out)
            return EXIT_OK
        if plan.unmapped and not args.keep_unmapped:
            raise as_code.UnmappedReferencesError(
                len(plan.unmapped), ", ".join(f"{ref.path}={ref.id}" for _, ref in plan.unmapped[:10])
            )
        if not args.yes:
            if sys.stdin is None or not sys.stdin.isatty():
                raise UsageError(
                    "apply changes the tenant: confirm on a terminal, or pass --yes (nothing was sent)"
                )
            counts = plan.summary()
            question = (
                f"Apply {counts['create']} create(s), {counts['update']} update(s) and "
                f"{counts['delete']} delete(s) to {client.base_url}?"
            )
            if not _confirm(ctx, question):
                ctx.err.write("Not applied: nothing was sent.\n")
                return EXIT_CANCELLED

        def progress(line: str) -> None:
            ctx.err.write(line + "\n")
            ctx.err.flush()

        report = as_code.apply(client, plan, keep_unmapped=args.keep_unmapped, progress=progress)
    if args.json:
        print_json({"plan": plan.to_dict(), "report": report.to_dict()}, ctx.out)
    else:
        ctx.out.write(report.render())
    if report.ok:
        return EXIT_OK
    if isinstance(report.error, as_code.ConflictError):
        return EXIT_API_ERROR
    return exit_code_for(report.error) or EXIT_API_ERROR


COMMANDS = (
    Command(
        "export",
        "Write one JSON definition file per integration into a folder.",
        _export,
        _export_arguments,
        epilog=AS_CODE_EPILOG,
    ),
    Command(
        "plan",
        "Compare a folder of definitions with the tenant: what apply would create, update, delete.",
        _plan,
        _plan_more_arguments,
        epilog=AS_CODE_EPILOG,
    ),
    Command(
        "apply",
        "Show the plan, then apply it after confirmation (--yes without a terminal).",
        _apply,
        _apply_arguments,
        epilog=AS_CODE_EPILOG,
    ),
)
