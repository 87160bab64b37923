"""Copy the client (facade + generated package) into another code base as one package.

    python scripts/vendor.py --dest PATH [--package NAME] [--with-testing] [--force]
    make vendor DEST=PATH [PACKAGE=NAME]

Layout of the copy, for the default package name `sailpoint_sim`:

    PATH/sailpoint_sim/              the facade (src/sailpoint_sim), CLI included
    PATH/sailpoint_sim/_generated/   the generated client (generated/sailpoint_sim_client)
    PATH/sailpoint_sim/VENDORED.md   provenance, update instructions and a file manifest

Absolute imports of `sailpoint_sim_client` and of `sailpoint_sim` in the copied modules are rewritten
to relative imports of their new place, so the copy works under any name and at any depth of the host
project, and needs only httpx and attrs (the script checks this after rewriting and fails otherwise).
The fake service (`sailpoint_sim/testing/`) is left out unless --with-testing, as it needs jsonpatch.

The copy is built next to the target and swapped in whole, so no stale file survives an update. An
existing target is replaced only if VENDORED.md marks it as written by this script and none of the
files listed in its manifest were edited since; --force overrides both refusals.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import io
import keyword
import shlex
import shutil
import subprocess
import sys
import tempfile
import tokenize
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FACADE = ROOT / "src" / "sailpoint_sim"
GENERATED = ROOT / "generated" / "sailpoint_sim_client"
SPEC = ROOT / "spec" / "sim-integrations.v2025.yaml"
GENERATED_STAMP = ROOT / "generated" / "GENERATED.md"
PYPROJECT = ROOT / "pyproject.toml"

DEFAULT_PACKAGE = "sailpoint_sim"
# Where the generated package goes inside the copy. Private (leading underscore) because the facade is
# the supported surface; the models stay reachable as `<package>._generated.models` for type hints.
GENERATED_SUBPACKAGE = "_generated"
TESTING_SUBPACKAGE = "testing"
# Top-level import names of the original layout -> path inside the vendored package.
# Longest names first is not needed: matching is on whole dotted components.
IMPORT_MAP: dict[str, tuple[str, ...]] = {
    "sailpoint_sim_client": (GENERATED_SUBPACKAGE,),
    "sailpoint_sim": (),
}
DISTRIBUTION = "sailpoint-sim"
MARKER_FILE = "VENDORED.md"
# First line of VENDORED.md. Its presence is how the script knows a folder is its own: keep it
# unchanged, or copies made by earlier versions are no longer recognized.
MARKER = "<!-- written by sailpoint-sim scripts/vendor.py: replaced whole by the next update -->"
MANIFEST_FENCE = "```sha256"
IGNORED_NAMES = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
# Left out of every copy: the fake's pytest plugin is registered only through the installed package's
# `pytest11` entry point, which a vendored copy does not have, and it imports pytest.
NOT_VENDORED = {Path(TESTING_SUBPACKAGE, "pytest_plugin.py")}
IGNORED_SUFFIXES = {".pyc", ".pyo"}
# What the copy may import besides the standard library and itself.
RUNTIME_IMPORTS = {"httpx", "attrs", "attr"}
TESTING_IMPORTS = {"jsonpatch", "jsonpointer"}
# Calls whose string argument names a module or a distribution: left as they are, they would reach
# the original packages (or an installed sailpoint-sim) instead of the copy.
DYNAMIC_LOOKUPS = {"import_module", "__import__", "find_spec", "version", "metadata", "distribution"}


# How to override a refusal, for both ways of running this script (the Makefile takes FORCE=1).
FORCE_HINT = "--force (make vendor: FORCE=1)"


class VendorError(Exception):
    """A refusal or a failure, reported as one line without a traceback."""


# --------------------------------------------------------------------------------------------------
# Import rewriting


@dataclass(frozen=True)
class _Edit:
    start: int  # character offsets into the source text
    end: int
    text: str


def _mapped(module: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(target path inside the copy, remaining dotted parts) if `module` is one of ours."""
    parts = tuple(module.split("."))
    for name, target in IMPORT_MAP.items():
        if parts[0] == name:
            return target, parts[1:]
    return None


def _relative(package: tuple[str, ...], target: tuple[str, ...]) -> tuple[int, str]:
    """Relative-import level and module text to reach `target` from inside `package`.

    Both are paths from the root of the vendored package; the shortest spelling is used
    (`from ..models import X` inside `_generated/api/`, not a climb to the root and back).
    """
    common = 0
    while common < min(len(package), len(target)) and package[common] == target[common]:
        common += 1
    return len(package) - common + 1, ".".join(target[common:])


def _from_text(package: tuple[str, ...], target: tuple[str, ...]) -> str:
    level, module = _relative(package, target)
    return "." * level + module


class _Source:
    """Source text with conversions from ast/tokenize positions to character offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Lines as ast and tokenize count them (at "\n"); str.splitlines would also split at form
        # feeds and other separators that may sit inside strings and comments, shifting every offset.
        self.lines = io.StringIO(text).readlines()
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, row: int, col: int) -> int:
        """Offset of a tokenize position (1-based row, column in characters)."""
        return self.starts[row - 1] + col

    def ast_offset(self, row: int, byte_col: int) -> int:
        """Offset of an ast position, whose column counts UTF-8 bytes, not characters."""
        line = self.lines[row - 1] if row - 1 < len(self.lines) else ""
        return self.starts[row - 1] + len(line.encode("utf-8")[:byte_col].decode("utf-8", "replace"))


def _import_replacement(
    node: ast.Import, package: tuple[str, ...], root_name: str, separator: str
) -> str | None:
    """Statements replacing `import a.b [as c], ...`, or None if no alias is one of ours."""
    if not any(_mapped(alias.name) for alias in node.names):
        return None
    statements: list[str] = []
    others: list[str] = []

    def flush() -> None:
        if others:
            statements.append("import " + ", ".join(others))
            others.clear()

    for alias in node.names:
        mapped = _mapped(alias.name)
        if mapped is None:
            others.append(alias.name + (f" as {alias.asname}" if alias.asname else ""))
            continue
        flush()
        target, rest = mapped
        full = target + rest
        if alias.asname:
            # `import a.b.c as x` binds x to the submodule a.b.c itself.
            bound, name = alias.asname, full
        else:
            # `import a.b.c` binds the top name `a` (the rest only has to be loaded).
            bound, name = alias.name.split(".")[0], target
            if rest:
                # Load the submodule under a throwaway name, then bind the top name as before.
                loaded = "_vendored_" + "_".join(full)
                statements.append(f"from {_from_text(package, full[:-1])} import {full[-1]} as {loaded}")
                statements.append(f"{_bind(package, name, bound, root_name)}")
                statements.append(f"del {loaded}")
                continue
        statements.append(_bind(package, name, bound, root_name))
    flush()
    return separator.join(statements)


def _bind(package: tuple[str, ...], target: tuple[str, ...], bound: str, root_name: str) -> str:
    """A statement binding `bound` to the module at `target` (a path inside the copy)."""
    if not target:
        # The vendored package itself has no relative spelling from inside it; fall back to its
        # absolute name (works whenever DEST is on sys.path, the usual case).
        return f"import {root_name} as {bound}"
    return f"from {_from_text(package, target[:-1])} import {target[-1]} as {bound}"


def rewrite_imports(text: str, package: tuple[str, ...], root_name: str) -> str:
    """Rewrite absolute imports of `sailpoint_sim_client` / `sailpoint_sim` in one module's source.

    `package` is the module's package as a path inside the vendored package (`()` for a module at
    its top, `("testing",)` for `testing/_fake.py` or `testing/__init__.py`). Only the module name of
    a `from ... import` is replaced, so the imported names, their comments and their layout are kept;
    an `import ...` statement is replaced whole by equivalent `from . import` statements.
    """
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise VendorError(f"cannot parse: {exc}") from exc
    source = _Source(text)
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    edits: list[_Edit] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            mapped = _mapped(node.module)
            if mapped is None:
                continue
            target, rest = mapped
            start = source.ast_offset(node.lineno, node.col_offset)
            span = _module_tokens(tokens, source, start)
            edits.append(_Edit(span[0], span[1], _from_text(package, target + rest)))
        elif isinstance(node, ast.Import):
            assert node.end_lineno is not None and node.end_col_offset is not None
            start = source.ast_offset(node.lineno, node.col_offset)
            end = source.ast_offset(node.end_lineno, node.end_col_offset)
            line_start = source.starts[node.lineno - 1]
            before = text[line_start:start]
            # On its own line the new statements go on lines of the same indentation; after other
            # code on the line (`if x: import a` or `a = 1; import b`) they are joined with `;`.
            separator = "\n" + before if not before.strip() else "; "
            replacement = _import_replacement(node, package, root_name, separator)
            if replacement is not None:
                edits.append(_Edit(start, end, replacement))
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def _module_tokens(tokens: Sequence[tokenize.TokenInfo], source: _Source, start: int) -> tuple[int, int]:
    """Character span of the dotted module name in the `from X import ...` starting at `start`."""
    index = 0
    for index, token in enumerate(tokens):  # noqa: B007 - the loop finds `index`
        if token.type == tokenize.NAME and token.string == "from" and source.offset(*token.start) == start:
            break
    else:  # pragma: no cover - ast and tokenize disagreeing would be a Python bug
        raise VendorError(f"no `from` token at offset {start}")
    first: tokenize.TokenInfo | None = None
    last: tokenize.TokenInfo | None = None
    for token in tokens[index + 1 :]:
        if token.type == tokenize.NAME and token.string == "import":
            break
        if token.type in (tokenize.NAME, tokenize.OP):
            first = first or token
            last = token
    if first is None or last is None:  # pragma: no cover - see above
        raise VendorError(f"no module name after `from` at offset {start}")
    return source.offset(*first.start), source.offset(*last.end)


# --------------------------------------------------------------------------------------------------
# Checks on the finished copy


def _optional_import(node: ast.AST, parents: list[ast.AST]) -> bool:
    """True in the body of `try: ... except ImportError` (an import the module can live without)."""
    path = [*parents, node]
    for depth, parent in enumerate(parents):
        if isinstance(parent, ast.Try) and any(child is path[depth + 1] for child in parent.body):
            for handler in parent.handlers:
                names = [handler.type] if not isinstance(handler.type, ast.Tuple) else handler.type.elts
                if any(
                    isinstance(n, ast.Name) and n.id in {"ImportError", "ModuleNotFoundError"} for n in names
                ):
                    return True
    return False


def _walk_with_parents(tree: ast.AST) -> Iterator[tuple[ast.AST, list[ast.AST]]]:
    stack: list[tuple[ast.AST, list[ast.AST]]] = [(tree, [])]
    while stack:
        node, parents = stack.pop()
        yield node, parents
        for child in ast.iter_child_nodes(node):
            stack.append((child, [*parents, node]))


def dependency_problems(copy: Path, root_name: str, allowed: set[str]) -> list[str]:
    """Imports and lookups in the copy that would reach beyond stdlib, itself and `allowed`."""
    permitted = set(sys.stdlib_module_names) | allowed | {root_name, "__future__"}
    problems: list[tuple[str, int, str]] = []
    for path in sorted(copy.rglob("*.py")):
        relative = path.relative_to(copy.parent).as_posix()
        tree = ast.parse(path.read_bytes())
        for node, parents in _walk_with_parents(tree):
            names: list[str] = []
            line = getattr(node, "lineno", 0)
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] not in permitted and not _optional_import(node, parents):
                    problems.append((relative, line, f"imports {name}"))
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                arg = node.args[0]
                if (
                    called in DYNAMIC_LOOKUPS
                    and isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and (
                        arg.value.split(".")[0] in IMPORT_MAP
                        or arg.value.replace("_", "-").lower() == DISTRIBUTION
                    )
                ):
                    problems.append(
                        (
                            relative,
                            line,
                            f"{called}({arg.value!r}) looks up the original package, not the copy "
                            "(a vendored copy is not an installed distribution)",
                        )
                    )
    return [f"{path}:{line}: {what}" for path, line, what in sorted(problems)]


# --------------------------------------------------------------------------------------------------
# Provenance


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_version() -> str:
    """The version written in src/sailpoint_sim/_version.py (read, not imported)."""
    tree = ast.parse((FACADE / "_version.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    raise VendorError("src/sailpoint_sim/_version.py does not set __version__ to a string")


def source_commit() -> str:
    """HEAD of the checkout, marked when the copied inputs have uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src/sailpoint_sim", "generated", "spec"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head} (plus uncommitted changes)" if dirty else head


def generator_version() -> str:
    """The generator line of generated/GENERATED.md, if the stamp is there."""
    if GENERATED_STAMP.is_file():
        for line in GENERATED_STAMP.read_text(encoding="utf-8").splitlines():
            if line.startswith("| generator |"):
                return line.split("|")[2].strip()
    return "unknown"


def dependencies(with_testing: bool) -> list[str]:
    """Runtime requirements from pyproject.toml (plus the `testing` extra if copied)."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    required = list(project.get("dependencies", []))
    if with_testing:
        required += project.get("optional-dependencies", {}).get("testing", [])
    return [str(r) for r in required]


def manifest(copy: Path) -> dict[str, str]:
    """sha256 of every file of the copy except VENDORED.md and caches, by relative path."""
    return {
        path.relative_to(copy).as_posix(): _sha256(path)
        for path in sorted(_files(copy))
        if path.relative_to(copy).as_posix() != MARKER_FILE
    }


def vendored_text(package: str, with_testing: bool, commands: tuple[str, str], files: dict[str, str]) -> str:
    made_by, update = commands
    deps = ", ".join(f"`{d}`" for d in dependencies(with_testing))
    testing = (
        f"included as `{package}.{TESTING_SUBPACKAGE}` (needs the `jsonpatch` extra dependency)"
        if with_testing
        else "not included (re-run with `--with-testing` to add it; it needs `jsonpatch`)"
    )
    listing = "\n".join(f"{digest}  {name}" for name, digest in files.items())
    return f"""{MARKER}
# Vendored SailPoint SIM client: `{package}`

This folder is a copy of the sailpoint-sim client (SailPoint Identity Security Cloud v2025 SIM
Integrations API), made by `scripts/vendor.py` of the sailpoint-sim project. It is one package:

- `{package}`: the facade (`SimIntegrationsClient`, typed errors, auth, retries) and its CLI
  (`python -m {package}`);
- `{package}.{GENERATED_SUBPACKAGE}`: the client generated from the OpenAPI fragment (originally the
  `sailpoint_sim_client` package), with its attrs models in `{package}.{GENERATED_SUBPACKAGE}.models`.

Imports between the two were rewritten to relative ones, so the copy needs only: {deps}.

Do not edit these files: an update replaces the folder whole. Fix problems upstream and update.

| | |
|---|---|
| source version | sailpoint-sim {source_version()} |
| source commit | {source_commit()} |
| spec | `spec/{SPEC.name}`, sha256 `{_sha256(SPEC)}` |
| generator | {generator_version()} |
| fake service | {testing} |
| made by | `{made_by}` |

## Updating

From a checkout of sailpoint-sim at the version you want (its root as working folder), run:

    {update}

It replaces this folder whole (no stale files). It refuses if files listed below were changed here
since; add `--force` to discard such edits.

## Files

`sha256sum -c` format, relative to this folder; checked before an update.

{MANIFEST_FENCE}
{listing}
```
"""


def read_manifest(marker: Path) -> dict[str, str] | None:
    """The manifest of an earlier copy, or None if the folder is not one of ours."""
    try:
        text = marker.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    lines = text.splitlines()
    if not lines or lines[0] != MARKER:
        return None
    files: dict[str, str] = {}
    inside = False
    for line in lines:
        if line == MANIFEST_FENCE:
            inside = True
        elif inside and line == "```":
            break
        elif inside and "  " in line:
            digest, name = line.split("  ", 1)
            files[name] = digest
    return files


# --------------------------------------------------------------------------------------------------
# Copying


def _files(folder: Path) -> Iterator[Path]:
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if any(part in IGNORED_NAMES for part in relative.parts) or path.suffix in IGNORED_SUFFIXES:
            continue
        if path.is_file():
            yield path


def _copy_tree(source: Path, destination: Path, skip_top: set[str]) -> None:
    for path in sorted(_files(source)):
        relative = path.relative_to(source)
        if relative.parts[0] in skip_top or relative in NOT_VENDORED:
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _rewrite_tree(copy: Path, root_name: str) -> None:
    for path in sorted(copy.rglob("*.py")):
        relative = path.relative_to(copy)
        package = relative.parts[:-1]
        raw = path.read_bytes()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        text = raw.decode(encoding)
        try:
            new = rewrite_imports(text, package, root_name)
        except VendorError as exc:
            raise VendorError(f"{relative.as_posix()}: {exc}") from exc
        if new != text:
            compile(new, str(relative), "exec")  # never write a module that no longer parses
            path.write_bytes(new.encode(encoding))


def changed_files(target: Path, recorded: dict[str, str]) -> list[str]:
    """Files of an earlier copy that were edited, removed or added since it was written."""
    current = manifest(target)
    changed = [name for name, digest in recorded.items() if current.get(name) != digest]
    changed += [name for name in current if name not in recorded]
    return sorted(changed)


def check_target(target: Path, force: bool) -> None:
    """Refuse to replace what this script did not write, or what was edited since."""
    if not (target.exists() or target.is_symlink()):
        return
    if force:
        return
    if target.is_symlink() or not target.is_dir():
        raise VendorError(
            f"{target} exists and is not a folder written by this script; use {FORCE_HINT} to replace it"
        )
    recorded = read_manifest(target / MARKER_FILE)
    if recorded is None:
        raise VendorError(
            f"{target} exists and was not written by this script (no {MARKER_FILE} marker); "
            f"use {FORCE_HINT} to replace it"
        )
    changed = changed_files(target, recorded)
    if changed:
        shown = ", ".join(changed[:10]) + (f" and {len(changed) - 10} more" if len(changed) > 10 else "")
        raise VendorError(
            f"{target} was edited since it was vendored ({shown}); use {FORCE_HINT} to discard the edits"
        )


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def validate_package(name: str) -> None:
    if not name.isidentifier() or keyword.iskeyword(name):
        raise VendorError(f"--package {name!r} is not a valid Python identifier")
    if name in sys.stdlib_module_names or name in RUNTIME_IMPORTS | TESTING_IMPORTS:
        raise VendorError(f"--package {name!r} would shadow the module of the same name")


def vendor(dest: Path, package: str, *, with_testing: bool, force: bool, commands: tuple[str, str]) -> Path:
    """Write the copy to dest/package and return that path."""
    validate_package(package)
    dest = dest.resolve()
    target = dest / package
    for source in (FACADE, GENERATED, ROOT / "src", ROOT / "generated"):
        if _inside(target, source.resolve()) or _inside(source.resolve(), target):
            raise VendorError(
                f"{target} overlaps the project's own sources ({source}); choose another --dest"
            )
    if dest.exists() and not dest.is_dir():
        raise VendorError(f"--dest {dest} is not a folder")
    check_target(target, force)
    dest.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{package}.vendor-new-", dir=dest))
    try:
        copy = staging / package
        _copy_tree(FACADE, copy, skip_top=set() if with_testing else {TESTING_SUBPACKAGE})
        if (copy / GENERATED_SUBPACKAGE).exists():
            raise VendorError(
                f"src/sailpoint_sim already has a {GENERATED_SUBPACKAGE} entry; cannot nest the client"
            )
        _copy_tree(GENERATED, copy / GENERATED_SUBPACKAGE, skip_top=set())
        _rewrite_tree(copy, package)
        allowed = RUNTIME_IMPORTS | (TESTING_IMPORTS if with_testing else set())
        problems = dependency_problems(copy, package, allowed)
        if problems:
            raise VendorError(
                "the copy would depend on more than httpx and attrs:\n  " + "\n  ".join(problems)
            )
        (copy / MARKER_FILE).write_text(
            vendored_text(package, with_testing, commands, manifest(copy)), encoding="utf-8"
        )
        # Swap in whole: the old copy moves aside first, so a failure leaves one complete copy.
        retired = staging / "previous"
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.exists():
            target.rename(retired)
        try:
            copy.rename(target)
        except BaseException:
            if retired.exists():  # put the previous copy back rather than delete it with the staging
                retired.rename(target)
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="vendor.py",
        description=(__doc__ or "").splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # A string, not a Path: Path("") is ".", and an empty DEST (a bare `make vendor`) must not mean
    # "here", which would drop a package into the sailpoint-sim checkout itself.
    parser.add_argument("--dest", required=True, help="folder of the host project to copy into")
    parser.add_argument(
        "--package",
        default=DEFAULT_PACKAGE,
        help=f"name of the package to create (default {DEFAULT_PACKAGE})",
    )
    parser.add_argument(
        "--with-testing", action="store_true", help="also copy the fake service (needs jsonpatch)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the target even if this script did not write it, or it was edited",
    )
    args = parser.parse_args(argv)
    if not args.dest.strip():
        parser.error("--dest must not be empty (make vendor DEST=path)")
    dest = Path(args.dest)
    # As run (relative to the working folder it ran in), and in a form that works from the root.
    script = Path(__file__).resolve()
    if script.is_relative_to(Path.cwd()):
        script = script.relative_to(Path.cwd())
    made_by = f"cd {shlex.quote(str(Path.cwd()))} && " + shlex.join(
        ["python", str(script), *(sys.argv[1:] if argv is None else argv)]
    )
    options = ["--dest", str(dest.resolve()), "--package", args.package]
    if args.with_testing:
        options.append("--with-testing")
    update = shlex.join(["python", "scripts/vendor.py", *options])
    try:
        target = vendor(
            dest,
            args.package,
            with_testing=args.with_testing,
            force=args.force,
            commands=(made_by, update),
        )
    except VendorError as exc:
        print(f"vendor.py: error: {exc}", file=sys.stderr)
        return 1
    deps = ", ".join(dependencies(args.with_testing))
    print(f"vendored sailpoint-sim {source_version()} into {target} (needs {deps})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
