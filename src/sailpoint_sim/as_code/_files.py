"""Definition files: their names, their exact bytes, reading a folder of them and writing one.

A definition file holds what a create or update would send for one integration, as JSON: server-assigned
``id``, ``created`` and ``modified`` left out, every other field kept. Its bytes are a function of the
details alone (keys in a fixed order, 2-space indent, UTF-8, one trailing newline), so exporting twice
gives identical files and ``git diff`` shows only real changes.

File names come from the integration's name. They must work on every common file system (Linux, macOS,
Windows; local disks, network shares, archives) and stay distinct where names differ only in letter
case or Unicode normalisation (macOS and Windows fold case; macOS normalises Unicode). The name inside
the file, not the file name, is what matches a file to an integration.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._errors import AsCodeError, DefinitionFileError, DuplicateNameError

__all__ = [
    "SERVER_ASSIGNED",
    "SUFFIX",
    "ExportResult",
    "dumps_definition",
    "file_names",
    "fold",
    "portable",
    "read_folder",
    "write_folder",
]

SUFFIX = ".json"
SERVER_ASSIGNED = ("id", "created", "modified")
# Top-level fields first in this order (what a reader looks for), then the others alphabetically;
# nested objects are sorted alphabetically.
_LEADING_FIELDS = ("name", "description", "type")

# Characters Windows forbids in file names (and "/" everywhere); control and other invisible
# characters are replaced too: they cannot be typed, and some file systems and archives refuse them.
_FORBIDDEN = frozenset('<>:"/\\|?*')
_REPLACED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Windows device names: reserved with any extension ("nul.json" too), whatever the letter case.
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"}
    | {f"{device}{n}" for device in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")}
)
# File systems allow 255 bytes (ext4, btrfs) or 255 UTF-16 units (NTFS, APFS) per name; eCryptfs
# about 143 bytes. 100 bytes of stem, plus at most "~" and 64 hex digits and ".json", stays under all.
MAX_STEM_BYTES = 100
_HASH_LENGTHS = (8, 16, 64)


def fold(file_name: str) -> str:
    """The form under which two file names are the same file on some common file system.

    Case folding (Windows, macOS) and Unicode normalisation (macOS) are both applied, with compatibility
    normalisation on top: it folds more than any file system does, which can only add a suffix, never
    let two files collide.
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", file_name).casefold())


def _digest(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()


def _truncate(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8", "surrogatepass")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", "ignore")


def _clean(text: str) -> str:
    # Trailing dots and spaces are dropped by Windows; leading dots hide files (and "." and ".." are
    # the folder itself and its parent).
    text = text.strip(" ").rstrip(". ")
    if text.startswith("."):
        text = "_" + text[1:]
    return text


def _stem(name: str) -> tuple[str, bool]:
    """The safe file-name stem for a name, and whether it was cut short (then it always gets a hash)."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(
        "_" if ch in _FORBIDDEN or unicodedata.category(ch) in _REPLACED_CATEGORIES else ch for ch in text
    )
    text = _clean(text)
    truncated = len(text.encode("utf-8")) > MAX_STEM_BYTES
    if truncated:
        text = _clean(_truncate(text, MAX_STEM_BYTES))
    if not text:
        text = "_"
    device, dot, rest = text.partition(".")
    if device.rstrip(" ").upper() in _RESERVED:  # Windows ignores what follows the first dot
        text = f"{device}_{dot}{rest}"
    return text, truncated


def portable(file_name: str) -> bool:
    """Whether a file name is one :func:`file_names` could have given (safe on every common file system)."""
    if not file_name.endswith(SUFFIX):
        return False
    stem = file_name[: -len(SUFFIX)]
    clean, truncated = _stem(stem)
    return clean == stem and not truncated and len(file_name.encode("utf-8")) <= 255


def file_names(names: Iterable[str], keep: Mapping[str, str] | None = None) -> dict[str, str]:
    """The file name (with ``.json``) for each integration name, safe on every common file system.

    Each name's file name is its text with Unicode NFC normalisation, ``< > : " / \\ | ? *`` and
    control or invisible characters replaced by ``_``, leading and trailing spaces, trailing dots and a
    leading dot made harmless, Windows device names (``CON``, ``nul``, ``COM1``...) given a ``_``, and at
    most 100 UTF-8 bytes. When two names would share a file name, even differing only in letter case or
    Unicode normalisation, the one spelt exactly like it (else the first in code-point order) keeps it
    and the others get ``~`` and the first 8 hex digits of the SHA-256 of their exact name; a name cut
    short always gets them. The result depends only on the set of names, not on their order.

    ``keep`` maps names to the file names that already hold them (an earlier export, a file a person
    renamed): each is kept when it is :func:`portable` and no other name keeps the same file.
    """
    unique = sorted(set(names))
    stems = {name: _stem(name) for name in unique}
    result: dict[str, str] = {}
    taken: set[str] = set()
    for name in unique:
        file = (keep or {}).get(name)
        if file is not None and portable(file) and fold(file) not in taken:
            result[name] = file
            taken.add(fold(file))
    by_key: dict[str, list[str]] = defaultdict(list)
    for name in unique:
        stem, truncated = stems[name]
        if not truncated and name not in result:
            by_key[fold(stem + SUFFIX)].append(name)
    for key, group in by_key.items():
        if key in taken:
            continue  # a kept file holds it: every name of the group gets a suffix
        # A name whose file name is exactly itself wins over one made to look like it ("a_b" over "a/b").
        group.sort(key=lambda name: (stems[name][0] != name, name))
        result[group[0]] = stems[group[0]][0] + SUFFIX
        taken.add(key)
    for name in unique:
        if name in result:
            continue
        stem = stems[name][0]
        digest = _digest(name)
        for length in _HASH_LENGTHS:
            candidate = f"{stem}~{digest[:length]}{SUFFIX}"
            if fold(candidate) not in taken:
                break
        else:  # pragma: no cover - a SHA-256 collision
            raise AsCodeError(f"no distinct file name for {name!r}")
        result[name] = candidate
        taken.add(fold(candidate))
    return result


def _ordered(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _ordered(value[key]) for key in sorted(value)}
    if isinstance(value, list | tuple):
        return [_ordered(item) for item in value]
    return value


def dumps_definition(details: Mapping[str, Any]) -> str:
    """The exact text of a definition file: fixed key order, 2-space indent, trailing newline.

    Server-assigned fields are left out. Text is written as UTF-8 characters, not ``\\u`` escapes,
    except when a string holds a lone surrogate (not encodable as UTF-8): then the whole file is ASCII.
    """
    top = [key for key in _LEADING_FIELDS if key in details]
    top += sorted(key for key in details if key not in _LEADING_FIELDS and key not in SERVER_ASSIGNED)
    ordered = {key: _ordered(details[key]) for key in top}
    try:
        text = json.dumps(ordered, indent=2, ensure_ascii=False, allow_nan=False)
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(ordered, indent=2, ensure_ascii=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise AsCodeError(f"integration {details.get('name')!r} cannot be written as JSON: {exc}") from None
    return text + "\n"


# -- reading -------------------------------------------------------------------------------------


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def load_json(path: Path, shown: str) -> Any:
    """A JSON file's value; unreadable files, bad JSON and duplicate keys raise DefinitionFileError."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DefinitionFileError(shown, f"cannot be read: {reason}") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant)
    except ValueError as exc:
        raise DefinitionFileError(shown, f"is not valid JSON: {exc}") from None


def definition_files(folder: Path) -> list[Path]:
    """The definition files of a folder: its ``*.json`` files, not hidden ones, not in sub-folders."""
    if not folder.is_dir():
        raise AsCodeError(f"{folder} is not a folder")
    return sorted(
        path
        for path in folder.iterdir()
        if path.name.lower().endswith(SUFFIX) and not path.name.startswith(".") and path.is_file()
    )


def read_folder(folder: str | os.PathLike[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every definition in a folder: ``{name: (file name, details)}``, sorted by name.

    ``id``, ``created`` and ``modified`` in a file are ignored (the name is the key, never an id).

    Raises:
        DefinitionFileError: a file is unreadable, not JSON, not an object, or has no string ``name``.
        DuplicateNameError: two files hold the same name.
    """
    path = Path(folder)
    found: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for file in definition_files(path):
        value = load_json(file, str(file))
        if not isinstance(value, dict):
            raise DefinitionFileError(str(file), f"must hold a JSON object, not {type(value).__name__}")
        name = value.get("name")
        if not isinstance(name, str):
            raise DefinitionFileError(str(file), 'has no "name" string (the name is the key)')
        details = {key: item for key, item in value.items() if key not in SERVER_ASSIGNED}
        found[name].append((file.name, details))
    for name, entries in found.items():
        if len(entries) > 1:
            raise DuplicateNameError("folder", name, [file for file, _ in entries])
    return {name: found[name][0] for name in sorted(found)}


# -- writing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    """What an export to a folder did.

    ``files`` maps each integration name to its file name. ``written`` files are new or changed,
    ``unchanged`` ones already held exactly these bytes. ``stale`` are other ``*.json`` files of the
    folder (an integration deleted or renamed on the tenant, or not a definition at all); they are
    ``removed`` only when the export was asked to prune. ``replaced`` files held the definition of an
    integration that was written to another file (a file name that is not portable, or a second file
    with the same name), and were removed so that the folder holds each name once.
    """

    folder: Path
    files: Mapping[str, str]
    written: tuple[str, ...]
    unchanged: tuple[str, ...]
    stale: tuple[str, ...]
    removed: tuple[str, ...]
    replaced: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return {
            "folder": str(self.folder),
            "files": dict(self.files),
            "written": list(self.written),
            "unchanged": list(self.unchanged),
            "stale": list(self.stale),
            "removed": list(self.removed),
            "replaced": list(self.replaced),
        }


def _write_atomically(target: Path, data: bytes) -> None:
    # A crash or Ctrl-C mid-export leaves each file either old or new, never cut short.
    handle, temporary = tempfile.mkstemp(prefix=".sailpoint-sim-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _existing(folder: Path) -> dict[str, list[str]]:
    """The files of the folder that already hold each name (files that are not definitions are ignored)."""
    found: dict[str, list[str]] = defaultdict(list)
    for file in definition_files(folder):
        try:
            value = load_json(file, file.name)
        except DefinitionFileError:
            continue
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            found[value["name"]].append(file.name)
    return found


def write_folder(
    folder: str | os.PathLike[str], definitions: Mapping[str, Mapping[str, Any]], *, prune: bool = False
) -> ExportResult:
    """Write one file per definition (``{name: details}``) into ``folder`` (created if missing).

    A name already held by one file of the folder keeps that file when its name is portable (see
    :func:`file_names`). Files whose bytes would not change are not touched. With ``prune``, other ``*.json`` files of the
    folder are deleted; without it they are only reported as ``stale``.
    """
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AsCodeError(f"cannot create the folder {path}: {exc.strerror or exc}") from None
    existing = _existing(path)
    # Keeping the file that already holds a name means a renamed file stays where the person put it, and
    # a new integration whose name differs only in letter case does not rename an exported one's file.
    # A name held by two files is ambiguous: neither is kept.
    names = file_names(
        definitions, keep={name: files[0] for name, files in existing.items() if len(files) == 1}
    )
    written: list[str] = []
    unchanged: list[str] = []
    for name in sorted(definitions):
        file = names[name]
        data = dumps_definition(definitions[name]).encode("utf-8")
        target = path / file
        try:
            if target.is_file() and target.read_bytes() == data:
                unchanged.append(file)
                continue
            _write_atomically(target, data)
        except OSError as exc:
            raise AsCodeError(f"cannot write {target}: {exc.strerror or exc}") from None
        written.append(file)
    # Compared folded: on a case-insensitive file system, "Foo.json" on disk *is* the "foo.json" just
    # written, and must not be reported, let alone deleted.
    ours = {fold(file) for file in names.values()}
    # Another file holding a name just written (one whose file name is not portable, or a second copy)
    # would make the folder hold that name twice, which plan refuses: it is replaced, so removed.
    replaced = sorted(
        file for name, files in existing.items() if name in names for file in files if fold(file) not in ours
    )
    for file in replaced:
        try:
            (path / file).unlink()
        except OSError as exc:
            raise AsCodeError(f"cannot remove {path / file}: {exc.strerror or exc}") from None
    stale = [file.name for file in definition_files(path) if fold(file.name) not in ours]
    removed: list[str] = []
    if prune:
        for file in stale:
            try:
                (path / file).unlink()
            except OSError as exc:
                raise AsCodeError(f"cannot remove {path / file}: {exc.strerror or exc}") from None
            removed.append(file)
    return ExportResult(
        folder=path,
        files={name: names[name] for name in sorted(names)},
        written=tuple(written),
        unchanged=tuple(unchanged),
        stale=tuple(stale),
        removed=tuple(removed),
        replaced=tuple(replaced),
    )
