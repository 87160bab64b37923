"""What the tool prints on stdout: JSON results, or a table for people."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

__all__ = ["print_json", "print_table"]

TABLE_COLUMNS = ("id", "name", "type", "modified")


def print_json(value: Any, out: TextIO) -> None:
    """Write one JSON document (indented, non-ASCII kept readable)."""
    out.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def print_table(rows: list[dict[str, Any]], out: TextIO) -> None:
    """Write integrations as aligned columns (id, name, type, modified) and a count."""
    cells = [[_cell(row.get(column)) for column in TABLE_COLUMNS] for row in rows]
    widths = [max([len(column), *(len(line[i]) for line in cells)]) for i, column in enumerate(TABLE_COLUMNS)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(value.ljust(width) for value, width in zip(values, widths, strict=True)).rstrip()

    out.write(line([c.upper() for c in TABLE_COLUMNS]) + "\n")
    for values in cells:
        out.write(line(values) + "\n")
    out.write(f"({len(rows)} integration{'s' if len(rows) != 1 else ''})\n")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    # One line per row, whatever the server put in a name.
    return " ".join(str(value).split())
