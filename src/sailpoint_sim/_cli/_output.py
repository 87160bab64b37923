"""What the tool prints: JSON results on stdout, a table for people, one-line messages on stderr.

Two promises hold whatever a server sends:

- **stdout is JSON (RFC 8259).** Python's json reads ``NaN``, ``Infinity`` and ``1e999`` (a float
  overflowing to infinity) and would print them back as ``NaN``/``Infinity``, which JSON does not have.
  Here an infinite number is printed as ``1e999`` (``-1e999``), a number every JSON parser accepts and
  reads as the same overflowing value, and a NaN as ``null`` (JSON has no such number). A string holding
  a lone surrogate (``"\\ud800"`` in the server's JSON) is printed as that same escape, not as the
  unencodable character; so are C1 control characters and DEL.
- **Nothing from a server reaches the terminal as a control sequence.** Table cells and error lines
  show control characters (ESC, C1, DEL, bidirectional overrides) and lone surrogates as ``\\xNN`` /
  ``\\uNNNN`` escapes.

main() hands every command its stdout and stderr wrapped in ``TerminalStream``, so these hold for every
command, whatever it writes: what slips through is escaped as ``\\uXXXX`` (valid inside a JSON string
too, and JSON text has no such character outside strings), and a character the stream cannot encode
(``LANG=C``, ``PYTHONIOENCODING=ascii``) is written the same way instead of failing.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Sequence
from typing import Any, TextIO

__all__ = ["TerminalStream", "json_text", "print_json", "print_table", "terminal_safe", "write_line"]

TABLE_COLUMNS = ("id", "name", "type", "modified")

# Characters a terminal may act on, or cannot encode: C0/C1 controls and DEL, the bidirectional
# overrides and isolates (which reorder what is shown), and lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# In JSON text the C0 controls are already escaped by json.dumps; these may still appear raw.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control character and lone surrogate shown as an escape."""
    if keep_newlines:
        return "\n".join(_UNSAFE.sub(_escape, line) for line in text.split("\n"))
    return _UNSAFE.sub(_escape, text)


def write_line(stream: TextIO, text: str) -> None:
    """Write one line for a person (an error, a note): escaped, and encodable on any stream."""
    _write(stream, terminal_safe(text) + "\n")


def _write(stream: TextIO, text: str) -> None:
    try:
        stream.write(text)
    except UnicodeEncodeError:
        # A stream that cannot encode everything (LANG=C, a Windows console): escape what it cannot.
        stream.write(_encodable(text, getattr(stream, "encoding", None) or "ascii"))


def _u_escape(char: str) -> str:
    """``char`` as JSON's ``\\uXXXX`` escape (a UTF-16 surrogate pair beyond the BMP)."""
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _encodable(text: str, encoding: str) -> str:
    out = []
    for char in text:
        try:
            char.encode(encoding)
        except UnicodeEncodeError:
            char = _u_escape(char)
        out.append(char)
    return "".join(out)


# What a stream passes on to a terminal: everything but C0 controls other than newline and tab, DEL, C1,
# the bidirectional overrides and isolates, and lone surrogates.
_STREAM_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


class TerminalStream:
    """A text stream for a command's output: no control sequence passes, no character fails to encode.

    Escapes are JSON's (``\\uXXXX``), so JSON text written through it stays the same JSON document.
    Everything else (``flush``, ``fileno``, ``isatty``, ``encoding``) is the wrapped stream's.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        _write(self._stream, _STREAM_UNSAFE.sub(lambda m: _u_escape(m.group()), text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def json_text(value: Any, *, ensure_ascii: bool = False) -> str:
    """``value`` as indented RFC 8259 JSON, non-ASCII kept readable (see the module docstring)."""
    marker = f"\x00infinity-{uuid.uuid4().hex}"  # unique per call: no server string can equal it
    text = json.dumps(_finite(value, marker), indent=2, ensure_ascii=ensure_ascii, allow_nan=False)
    text = text.replace(json.dumps(marker + "+"), "1e999").replace(json.dumps(marker + "-"), "-1e999")
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _finite(value: Any, marker: str) -> Any:
    """``value`` with NaN as None and each infinity as a marker string that json_text then replaces."""
    if isinstance(value, float) and not math.isfinite(value):
        if math.isnan(value):
            return None
        return marker + ("+" if value > 0 else "-")
    if isinstance(value, dict):
        return {key: _finite(item, marker) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item, marker) for item in value]
    return value


def print_json(value: Any, out: TextIO) -> None:
    """Write one JSON document (indented, non-ASCII kept readable), valid JSON whatever the value."""
    try:
        out.write(json_text(value) + "\n")
    except UnicodeEncodeError:
        # The stream cannot encode some character: the ASCII form is the same JSON document. (A text
        # stream encodes the whole string before writing any of it, so nothing was written yet.)
        out.write(json_text(value, ensure_ascii=True) + "\n")


def print_table(rows: list[dict[str, Any]], out: TextIO) -> None:
    """Write integrations as aligned columns (id, name, type, modified) and a count."""
    cells = [[_cell(row.get(column)) for column in TABLE_COLUMNS] for row in rows]
    widths = [max([len(column), *(len(line[i]) for line in cells)]) for i, column in enumerate(TABLE_COLUMNS)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(value.ljust(width) for value, width in zip(values, widths, strict=True)).rstrip()

    _write(out, line([c.upper() for c in TABLE_COLUMNS]) + "\n")
    for values in cells:
        _write(out, line(values) + "\n")
    _write(out, f"({len(rows)} integration{'s' if len(rows) != 1 else ''})\n")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    # One line per row, whatever the server put in a name; no control sequence reaches the terminal.
    return terminal_safe(" ".join(str(value).split()))
