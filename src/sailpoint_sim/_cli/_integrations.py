"""The seven SIM integration commands: each maps to one client call and prints its result as JSON."""

from __future__ import annotations

import argparse

from .._patch import PatchFormat
from ._command import Command, Context
from ._connection import client_from_args
from ._exit import EXIT_OK
from ._input import PatchOperationAction, patch_operations, read_details
from ._output import print_json, print_table, write_line

__all__ = ["COMMANDS"]

PATCH_EPILOG = """\
operations:
  Operations come from --file (a JSON Patch document: either SailPoint's {"operations": [...]}
  object or a plain RFC 6902 array; "-" reads stdin), then from the flags, in the order given.
  Flag values are parsed as JSON when they are valid JSON, otherwise taken as a plain string:
    --replace /description="New text"   -> the string New text
    --replace /sources='["a", "b"]'     -> a list
    --replace /enabled=true             -> the boolean true (write '"true"' for the string)
  PATH is a JSON Pointer such as /description; the first "=" ends it.

  --patch-format chooses the wire format: "operations" (default) sends SailPoint's documented
  {"operations": [...]} object, "rfc6902" sends a plain array.
"""

_PATCH_FORMATS = {"operations": PatchFormat.OPERATIONS_OBJECT, "rfc6902": PatchFormat.RFC6902_ARRAY}


def _id_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")


def _file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help='JSON object with the integration details ("-" = stdin)')


def _list_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--table", action="store_true", help="print a readable table (id, name, type, modified) instead"
    )


def _list(args: argparse.Namespace, ctx: Context) -> int:
    with client_from_args(args) as client:
        rows = [item.to_dict() for item in client.list()]
    if args.table:
        print_table(rows, ctx.out)
    else:
        print_json(rows, ctx.out)
    return EXIT_OK


def _get(args: argparse.Namespace, ctx: Context) -> int:
    with client_from_args(args) as client:
        print_json(client.get(args.id).to_dict(), ctx.out)
    return EXIT_OK


def _create(args: argparse.Namespace, ctx: Context) -> int:
    details = read_details(args.file)  # local input is refused (exit 2) before any request
    with client_from_args(args) as client:
        print_json(client.create(details).to_dict(), ctx.out)
    return EXIT_OK


def _update_arguments(parser: argparse.ArgumentParser) -> None:
    _id_argument(parser)
    _file_argument(parser)


def _update(args: argparse.Namespace, ctx: Context) -> int:
    details = read_details(args.file)
    with client_from_args(args) as client:
        print_json(client.update(args.id, details).to_dict(), ctx.out)
    return EXIT_OK


def _patch_arguments(parser: argparse.ArgumentParser) -> None:
    _id_argument(parser)
    parser.add_argument("--file", metavar="FILE", help='JSON Patch document (object or array; "-" = stdin)')
    ops = parser.add_argument_group("operations (repeatable, applied in the order given)")
    for op, metavar, op_help in (
        ("add", "PATH=VALUE", "add VALUE at PATH"),
        ("replace", "PATH=VALUE", "replace the value at PATH"),
        ("remove", "PATH", "remove the value at PATH"),
        ("move", ("FROM", "PATH"), "move the value at FROM to PATH"),
        ("copy", ("FROM", "PATH"), "copy the value at FROM to PATH"),
        ("test", "PATH=VALUE", "fail unless the value at PATH equals VALUE"),
    ):
        ops.add_argument(
            f"--{op}",
            dest="operations",
            action=PatchOperationAction,
            const=op,
            nargs=2 if isinstance(metavar, tuple) else None,
            metavar=metavar,
            help=op_help,
        )
    parser.add_argument(
        "--patch-format",
        choices=tuple(_PATCH_FORMATS),
        default="operations",
        help='wire format: SailPoint\'s {"operations": [...]} object (default) or an RFC 6902 array',
    )


def _patch(args: argparse.Namespace, ctx: Context) -> int:
    operations = patch_operations(args)
    with client_from_args(args, patch_format=_PATCH_FORMATS[args.patch_format]) as client:
        print_json(client.patch(args.id, operations).to_dict(), ctx.out)
    return EXIT_OK


def _patch_rule(args: argparse.Namespace, ctx: Context) -> int:
    operations = patch_operations(args)
    with client_from_args(args, patch_format=_PATCH_FORMATS[args.patch_format]) as client:
        print_json(client.patch_before_provisioning_rule(args.id, operations).to_dict(), ctx.out)
    return EXIT_OK


def _delete(args: argparse.Namespace, ctx: Context) -> int:
    with client_from_args(args) as client:
        client.delete(args.id)
    # Nothing on stdout (there is no body); the confirmation is for the person at the terminal.
    write_line(ctx.err, f"deleted {args.id}")
    return EXIT_OK


COMMANDS = (
    Command("list", "List every SIM integration (a JSON array).", _list, _list_arguments),
    Command("get", "Show one SIM integration.", _get, _id_argument),
    Command("create", "Create a SIM integration from a JSON file.", _create, _file_argument),
    Command(
        "update",
        "Replace a SIM integration with the details in a JSON file (PUT).",
        _update,
        _update_arguments,
    ),
    Command(
        "patch", "Apply JSON Patch operations to a SIM integration.", _patch, _patch_arguments, PATCH_EPILOG
    ),
    Command(
        "patch-rule",
        "Apply JSON Patch operations to a SIM integration's beforeProvisioningRule.",
        _patch_rule,
        _patch_arguments,
        PATCH_EPILOG,
    ),
    Command("delete", "Delete a SIM integration.", _delete, _id_argument),
)
