"""Local input of the commands: JSON files (or stdin) and the patch operation flags.

Everything here runs before a client is built, so bad input is refused (exit 2) before any request.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .. import patch
from ._exit import UsageError

__all__ = ["PatchOperationAction", "patch_operations", "read_details"]


class PatchOperationAction(argparse.Action):
    """Collects --add/--replace/--remove/--move/--copy/--test into one list, keeping their order."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        collected: list[tuple[str, list[str]]] = list(getattr(namespace, self.dest, None) or [])
        args = [values] if isinstance(values, str) else [str(v) for v in values or []]
        collected.append((self.const, args))
        setattr(namespace, self.dest, collected)


def _parse_value(text: str) -> Any:
    """JSON when the text is valid JSON, otherwise the text itself as a string (documented in --help)."""
    try:
        return json.loads(text, parse_constant=_not_json)
    except ValueError:
        return text
    except RecursionError:
        raise UsageError("a patch flag value is nested too deeply to be read as JSON") from None


def _not_json(name: str) -> Any:
    # Python's json reads NaN and Infinity, which JSON does not have: such a value is plain text.
    raise ValueError(name)


def _split_assignment(op: str, text: str) -> tuple[str, Any]:
    path, sep, value = text.partition("=")
    if not sep:
        raise UsageError(f'--{op} expects PATH=VALUE, for example --{op} /description="New text"')
    return path, _parse_value(value)


def _flag_operations(collected: list[tuple[str, list[str]]]) -> list[Any]:
    operations: list[Any] = []
    for op, args in collected:
        if op in ("add", "replace", "test"):
            path, value = _split_assignment(op, args[0])
            builder: Callable[[str, Any], Any] = getattr(patch, op)
            operations.append(builder(path, value))
        elif op == "remove":
            operations.append(patch.remove(args[0]))
        else:  # move, copy: FROM PATH
            from_path, path = args
            operations.append(getattr(patch, op)(from_path, path))
    return operations


def _read_json(source: str, what: str) -> Any:
    """Read JSON from a file path, or from stdin when the source is "-"."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {what} {source!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{what} {source!r} is not UTF-8 text: {exc.reason}") from None
    label = "stdin" if source == "-" else repr(source)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{what} {label} is not valid JSON: {exc}") from None
    except RecursionError:
        raise UsageError(f"{what} {label} is nested too deeply to be read") from None


def read_details(source: str) -> dict[str, Any]:
    """The integration details in a JSON file ("-": stdin), which must hold an object."""
    details = _read_json(source, "integration file")
    label = "stdin" if source == "-" else repr(source)
    if not isinstance(details, dict):
        raise UsageError(f"the integration file {label} must hold a JSON object, not {_json_kind(details)}")
    if "name" not in details:
        # The library would say "details has no 'name'": here the user wrote a file, not a call.
        raise UsageError(
            f'the integration file {label} has no "name" field; the API requires one '
            '(add "name": "..." to the JSON object; null is accepted)'
        )
    return details


def _json_kind(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages about files."""
    kinds = {list: "an array", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)


def _file_operations(source: str) -> list[Any]:
    document = _read_json(source, "patch file")
    if isinstance(document, dict) and isinstance(document.get("operations"), list):
        operations = document["operations"]
    elif isinstance(document, list):
        operations = document
    else:
        raise UsageError(
            'the patch file must hold {"operations": [...]} or a JSON array of operations: ' + repr(source)
        )
    for index, item in enumerate(operations):
        if not isinstance(item, dict):
            raise UsageError(f"operation {index} in {source!r} is not a JSON object")
    return list(operations)


def patch_operations(args: argparse.Namespace) -> list[Any]:
    """The operations of a patch command: those of --file first, then the flags in the order given."""
    operations: list[Any] = []
    if args.file is not None:
        operations.extend(_file_operations(args.file))
    operations.extend(_flag_operations(args.operations or []))
    if not operations:
        raise UsageError("no operations: give --file or at least one of --add/--replace/--remove/...")
    return operations
