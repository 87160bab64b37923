"""scripts/vendor.py: layout, rewritten imports, VENDORED.md, refusals and whole replacement.

These run the script as `make vendor` does (a subprocess from the project root) and inspect the
files it writes; the rewriting itself is also checked function by function and, for the `import`
forms, by importing rewritten modules for real in the clean interpreter.
"""

from __future__ import annotations

import ast
import hashlib
import json
import shlex
import shutil
import subprocess
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import ROOT, CleanPython, RunVendor

FACADE = ROOT / "src" / "sailpoint_sim"
GENERATED = ROOT / "generated" / "sailpoint_sim_client"
SPEC = ROOT / "spec" / "sim-integrations.v2025.yaml"
IGNORED = {"__pycache__"}


def _sources(folder: Path, skip_top: frozenset[str] = frozenset()) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file()
        and not IGNORED & set(p.relative_to(folder).parts)
        and p.suffix != ".pyc"
        and p.relative_to(folder).parts[0] not in skip_top
    }


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _absolute_imports_of_ours(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found += [n for n in names if n.split(".")[0] in {"sailpoint_sim", "sailpoint_sim_client"}]
    return found


def _version() -> str:
    namespace: dict[str, object] = {}
    exec((FACADE / "_version.py").read_text(encoding="utf-8"), namespace)
    return str(namespace["__version__"])


# ---------------------------------------------------------------------------------------------
# The copy


def test_copy_is_one_package_with_the_generated_client_nested(run_vendor: RunVendor, host: Path) -> None:
    result = run_vendor("--dest", str(host), "--package", "acme_sim")
    assert result.returncode == 0, result.stderr
    copy = host / "acme_sim"
    assert str(copy) in result.stdout
    assert [p.name for p in host.iterdir()] == ["acme_sim"]  # no staging folder left behind

    expected = (
        _sources(FACADE, skip_top=frozenset({"testing"}))
        | {f"_generated/{name}" for name in _sources(GENERATED)}
        | {"VENDORED.md"}
    )
    assert _files(copy) == expected
    assert not any(p.name == "__pycache__" or p.suffix == ".pyc" for p in copy.rglob("*"))
    assert not (copy / "testing").exists()
    assert (copy / "py.typed").is_file() and (copy / "_generated" / "py.typed").is_file()
    assert (copy / "__main__.py").is_file() and (copy / "_cli" / "__init__.py").is_file()


def test_no_absolute_import_of_the_original_packages_survives(run_vendor: RunVendor, host: Path) -> None:
    assert run_vendor("--dest", str(host), "--package", "acme_sim").returncode == 0
    copy = host / "acme_sim"
    leftovers = {
        path.relative_to(copy).as_posix(): found
        for path in copy.rglob("*.py")
        if (found := _absolute_imports_of_ours(path))
    }
    assert leftovers == {}
    # The generated package only uses relative imports: it is copied byte for byte.
    for name in _sources(GENERATED):
        assert (copy / "_generated" / name).read_bytes() == (GENERATED / name).read_bytes(), name


def test_facade_imports_of_the_generated_client_are_rewritten(run_vendor: RunVendor, host: Path) -> None:
    """Every facade module that imported sailpoint_sim_client now imports ._generated instead."""
    assert run_vendor("--dest", str(host), "--package", "acme_sim").returncode == 0
    copy = host / "acme_sim"
    for source in sorted(FACADE.rglob("*.py")):
        relative = source.relative_to(FACADE)
        if relative.parts[0] == "testing" or "__pycache__" in relative.parts:
            continue
        original = _absolute_imports_of_ours(source)
        copied = (copy / relative).read_text(encoding="utf-8")
        if not original:
            assert copied == source.read_text(encoding="utf-8"), relative
            continue
        relative_modules = {
            node.module
            for node in ast.walk(ast.parse(copied))
            if isinstance(node, ast.ImportFrom) and node.level > 0 and node.module
        }
        assert any(m == "_generated" or m.startswith("_generated.") for m in relative_modules), relative


def test_default_package_name_is_sailpoint_sim(run_vendor: RunVendor, host: Path) -> None:
    result = run_vendor("--dest", str(host))
    assert result.returncode == 0, result.stderr
    assert (host / "sailpoint_sim" / "_generated" / "client.py").is_file()
    assert "`sailpoint_sim`" in (host / "sailpoint_sim" / "VENDORED.md").read_text(encoding="utf-8")


def test_with_testing_copies_the_fake_service_and_names_its_dependency(
    run_vendor: RunVendor, host: Path
) -> None:
    result = run_vendor("--dest", str(host), "--package", "acme_sim", "--with-testing")
    assert result.returncode == 0, result.stderr
    copy = host / "acme_sim"
    # every module of the fake but its pytest plugin (registered only by an installed package's entry point)
    fake_modules = {f"testing/{n}" for n in _sources(FACADE / "testing")}
    assert fake_modules - {"testing/pytest_plugin.py"} <= _files(copy)
    assert "testing/pytest_plugin.py" not in _files(copy)
    assert "jsonpatch" in result.stdout
    text = (copy / "VENDORED.md").read_text(encoding="utf-8")
    assert "--with-testing" in text and "jsonpatch" in text
    for path in (copy / "testing").rglob("*.py"):
        assert _absolute_imports_of_ours(path) == [], path


# ---------------------------------------------------------------------------------------------
# VENDORED.md


def test_vendored_md_records_provenance_and_a_true_manifest(run_vendor: RunVendor, host: Path) -> None:
    assert run_vendor("--dest", str(host), "--package", "acme_sim").returncode == 0
    copy = host / "acme_sim"
    text = (copy / "VENDORED.md").read_text(encoding="utf-8")

    assert f"sailpoint-sim {_version()}" in text
    assert hashlib.sha256(SPEC.read_bytes()).hexdigest() in text
    made_by = shlex.join(["python", "scripts/vendor.py", "--dest", str(host), "--package", "acme_sim"])
    assert f"`cd {shlex.quote(str(ROOT))} && {made_by}`" in text
    assert "--force" in text  # how to update over local edits
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if head.returncode == 0:
        assert head.stdout.strip() in text

    manifest = text.split("```sha256\n", 1)[1].split("```", 1)[0].splitlines()
    listed = {name: digest for digest, name in (line.split("  ", 1) for line in manifest)}
    assert set(listed) == _files(copy) - {"VENDORED.md"}
    for name, digest in listed.items():
        assert hashlib.sha256((copy / name).read_bytes()).hexdigest() == digest, name


# ---------------------------------------------------------------------------------------------
# Refusals and replacement


@pytest.mark.parametrize("name", ["acme-sim", "1acme", "class", "acme.sim", "json", "httpx", ""])
def test_refuses_a_package_name_that_is_not_a_usable_identifier(
    run_vendor: RunVendor, host: Path, name: str
) -> None:
    result = run_vendor("--dest", str(host), "--package", name)
    assert result.returncode == 1
    assert "--package" in result.stderr and "Traceback" not in result.stderr
    assert list(host.iterdir()) == []


def test_an_empty_dest_is_a_usage_error_not_the_current_folder(run_vendor: RunVendor, host: Path) -> None:
    # `make vendor` without DEST passes --dest "": that must not vendor into the working folder.
    result = run_vendor("--dest", "", "--package", "acme_sim", cwd=host)
    assert result.returncode == 2
    assert "--dest must not be empty" in result.stderr
    assert list(host.iterdir()) == []


def test_refuses_a_folder_it_did_not_write_unless_forced(run_vendor: RunVendor, host: Path) -> None:
    theirs = host / "acme_sim"
    theirs.mkdir()
    (theirs / "their_code.py").write_text("VALUE = 1\n")

    refused = run_vendor("--dest", str(host), "--package", "acme_sim")
    assert refused.returncode == 1
    assert "not written by this script" in refused.stderr and "--force" in refused.stderr
    assert "FORCE=1" in refused.stderr  # the Makefile's spelling too: `make vendor` takes no --force
    assert _files(theirs) == {"their_code.py"}

    # A VENDORED.md that lacks the marker does not count as ours either.
    (theirs / "VENDORED.md").write_text("# notes about our vendored stuff\n")
    assert run_vendor("--dest", str(host), "--package", "acme_sim").returncode == 1
    assert (theirs / "their_code.py").is_file()

    forced = run_vendor("--dest", str(host), "--package", "acme_sim", "--force")
    assert forced.returncode == 0, forced.stderr
    assert not (theirs / "their_code.py").exists()
    assert (theirs / "_generated" / "client.py").is_file()


def test_refuses_a_file_in_the_way_unless_forced(run_vendor: RunVendor, host: Path) -> None:
    (host / "acme_sim").write_text("not a folder\n")
    assert run_vendor("--dest", str(host), "--package", "acme_sim").returncode == 1
    assert (host / "acme_sim").read_text() == "not a folder\n"
    assert run_vendor("--dest", str(host), "--package", "acme_sim", "--force").returncode == 0
    assert (host / "acme_sim" / "VENDORED.md").is_file()


def test_rerun_replaces_its_own_copy_whole(run_vendor: RunVendor, host: Path) -> None:
    assert run_vendor("--dest", str(host), "--package", "acme_sim").returncode == 0
    copy = host / "acme_sim"
    first = _files(copy)
    # Simulate a copy made by an older version that still had a module since removed upstream:
    # it is listed in the manifest (so it is ours, not an edit) and must not survive the update.
    stale = copy / "_generated" / "models" / "removed_model.py"
    stale.write_text("class RemovedModel: ...\n")
    marker = copy / "VENDORED.md"
    digest = hashlib.sha256(stale.read_bytes()).hexdigest()
    marker.write_text(
        marker.read_text().replace(
            "```sha256\n", f"```sha256\n{digest}  _generated/models/removed_model.py\n"
        )
    )
    # Bytecode from using the copy is not an edit either.
    (copy / "__pycache__").mkdir()
    (copy / "__pycache__" / "_cli.cpython-311.pyc").write_bytes(b"\0")

    again = run_vendor("--dest", str(host), "--package", "acme_sim")
    assert again.returncode == 0, again.stderr
    assert not stale.exists()
    assert not (copy / "__pycache__").exists()
    assert _files(copy) == first
    assert sorted(p.name for p in host.iterdir()) == ["acme_sim"]


def test_refuses_to_discard_local_edits_unless_forced(run_vendor: RunVendor, host: Path) -> None:
    assert run_vendor("--dest", str(host), "--package", "acme_sim").returncode == 0
    copy = host / "acme_sim"
    edited = copy / "_generated" / "types.py"
    original = edited.read_text()
    edited.write_text(original + "\n# local patch\n")
    (copy / "extra.py").write_text("X = 1\n")

    refused = run_vendor("--dest", str(host), "--package", "acme_sim")
    assert refused.returncode == 1
    assert "_generated/types.py" in refused.stderr and "extra.py" in refused.stderr
    assert "--force (make vendor: FORCE=1)" in refused.stderr
    assert edited.read_text().endswith("# local patch\n")

    forced = run_vendor("--dest", str(host), "--package", "acme_sim", "--force")
    assert forced.returncode == 0, forced.stderr
    assert edited.read_text() == original
    assert not (copy / "extra.py").exists()


def test_refuses_to_write_over_the_projects_own_sources(run_vendor: RunVendor) -> None:
    before = {p: p.read_bytes() for p in FACADE.rglob("*.py")}
    for args in (("--dest", "src", "--package", "sailpoint_sim"), ("--dest", "src/sailpoint_sim")):
        result = run_vendor(*args, "--force")
        assert result.returncode == 1
        assert "overlaps the project's own sources" in result.stderr
    assert {p: p.read_bytes() for p in FACADE.rglob("*.py")} == before
    assert not (FACADE / "sailpoint_sim").exists()


def test_relative_dest_is_recorded_absolute_for_updates(run_vendor: RunVendor, host: Path) -> None:
    result = run_vendor("--dest", "host project", "--package", "acme_sim", cwd=host.parent)
    assert result.returncode == 0, result.stderr
    text = (host / "acme_sim" / "VENDORED.md").read_text(encoding="utf-8")
    # The update command works from the sailpoint-sim root, whatever folder the first run was in.
    assert shlex.join(["python", "scripts/vendor.py", "--dest", str(host), "--package", "acme_sim"]) in text


# ---------------------------------------------------------------------------------------------
# The rewriting, function by function


def test_from_imports_keep_names_comments_and_layout(vendor_module: ModuleType) -> None:
    source = textwrap.dedent(
        """\
        from __future__ import annotations

        from sailpoint_sim_client import AuthenticatedClient
        from sailpoint_sim_client.models import (  # the models we need
            JsonPatchOperation,  # patch bodies
            SimIntegrationDetails as Details,
        )
        from sailpoint_sim_client.api.sim_integrations import create_sim_integration
        from sailpoint_sim._errors import SimError
        from sailpoint_sim import _version
        from sailpoint_sim_clientele import thing  # not ours: a different name
        from .local import x
        text = "from sailpoint_sim_client import nothing"  # strings stay as they are
        """
    )
    top = vendor_module.rewrite_imports(source, (), "acme_sim")
    assert top == textwrap.dedent(
        """\
        from __future__ import annotations

        from ._generated import AuthenticatedClient
        from ._generated.models import (  # the models we need
            JsonPatchOperation,  # patch bodies
            SimIntegrationDetails as Details,
        )
        from ._generated.api.sim_integrations import create_sim_integration
        from ._errors import SimError
        from . import _version
        from sailpoint_sim_clientele import thing  # not ours: a different name
        from .local import x
        text = "from sailpoint_sim_client import nothing"  # strings stay as they are
        """
    )
    nested = vendor_module.rewrite_imports(source, ("testing",), "acme_sim")
    assert "from .._generated.models import (  # the models we need\n" in nested
    assert "from .._errors import SimError\n" in nested
    assert "from .. import _version\n" in nested
    # Inside the generated package the shortest relative spelling is used.
    deep = vendor_module.rewrite_imports(
        "from sailpoint_sim_client.models import X\n", ("_generated", "api", "sim_integrations"), "acme_sim"
    )
    assert deep == "from ...models import X\n"


def test_non_ascii_text_before_an_import_does_not_shift_the_edit(vendor_module: ModuleType) -> None:
    # ast columns count UTF-8 bytes, tokenize columns count characters: both must agree here.
    source = 'x = "é→"; from sailpoint_sim_client import types\n'
    assert (
        vendor_module.rewrite_imports(source, (), "acme_sim") == 'x = "é→"; from ._generated import types\n'
    )


def test_line_separators_inside_strings_do_not_shift_the_edit(vendor_module: ModuleType) -> None:
    # Form feed and U+2028 split lines for str.splitlines() but not for ast and tokenize.
    source = 'DOC = "a\x0cb\u2028c"\r\nfrom sailpoint_sim_client import types  # keep\r\n'
    assert (
        vendor_module.rewrite_imports(source, (), "acme_sim")
        == 'DOC = "a\x0cb\u2028c"\r\nfrom ._generated import types  # keep\r\n'
    )


def test_unparsable_source_is_a_vendor_error(vendor_module: ModuleType) -> None:
    with pytest.raises(vendor_module.VendorError, match="cannot parse"):
        vendor_module.rewrite_imports("def broken(:\n", (), "acme_sim")


IMPORT_FORMS = textwrap.dedent(
    """\
    import os, sailpoint_sim_client.models as models_alias, sys
    import sailpoint_sim_client
    import sailpoint_sim_client.api.sim_integrations
    import sailpoint_sim._version as version_module
    import sailpoint_sim as root_alias
    if True: import sailpoint_sim_client.types as one_liner


    def lazy():
        import sailpoint_sim_client.errors as errors_alias

        return errors_alias


    RESULT = {
        "models": models_alias is importlib.import_module(__package__.split(".")[0] + "._generated.models"),
        "client": sailpoint_sim_client is importlib.import_module(__package__.split(".")[0] + "._generated"),
        "api": sailpoint_sim_client.api.sim_integrations.__name__.endswith("._generated.api.sim_integrations"),
        "version": version_module.__version__ == root_alias.__version__,
        "one_liner": one_liner.__name__.endswith("._generated.types"),
        "lazy": lazy().__name__.endswith("._generated.errors"),
        "os": os.sep == "/" and sys.maxsize > 0,
        "leaks": sorted(n for n in dir() if n.startswith("_vendored")),
    }
    """
)


def test_import_statements_bind_the_same_names_to_the_nested_modules(
    vendor_module: ModuleType, run_vendor: RunVendor, clean_python: CleanPython, host: Path, tmp_path: Path
) -> None:
    """Rewritten `import ...` forms, imported for real from inside a vendored copy."""
    assert run_vendor("--dest", str(host), "--package", "acme_sim").returncode == 0
    header = "import importlib\n"
    (host / "acme_sim" / "_probe_top.py").write_text(
        header + vendor_module.rewrite_imports(IMPORT_FORMS, (), "acme_sim")
    )
    (host / "acme_sim" / "_generated" / "models" / "_probe_deep.py").write_text(
        header + vendor_module.rewrite_imports(IMPORT_FORMS, ("_generated", "models"), "acme_sim")
    )
    # The probe runs in a fresh interpreter and puts the host project and the runtime dependencies first
    # on its sys.path: importing the vendored copy from a temporary folder is what is under test.
    probe = tmp_path / "probe.py"
    probe.write_text(
        textwrap.dedent(
            """\
            import json, sys
            sys.path[:0] = sys.argv[1:3]
            import acme_sim._probe_top as top
            import acme_sim._generated.models._probe_deep as deep
            print(json.dumps([top.RESULT, deep.RESULT]))
            """
        )
    )
    result = clean_python(probe, host)
    assert result.returncode == 0, result.stderr
    expected: dict[str, object] = dict.fromkeys(
        ("models", "client", "api", "version", "one_liner", "lazy", "os"), True
    )
    expected["leaks"] = []
    assert json.loads(result.stdout) == [expected, expected]


def test_dependency_check_names_foreign_imports_and_metadata_lookups(
    vendor_module: ModuleType, tmp_path: Path
) -> None:
    copy = tmp_path / "acme_sim"
    copy.mkdir()
    (copy / "a.py").write_text(
        textwrap.dedent(
            """\
            import json
            import httpx
            from attrs import define
            import acme_sim
            try:
                import h2  # optional: the module copes without it
            except ImportError:
                h2 = None
            import requests
            from sailpoint_sim_client import models
            try:
                import json
            except ImportError:
                import simplejson as json  # the fallback is a real dependency
            """
        )
    )
    (copy / "b.py").write_text(
        "import importlib.metadata\n"
        "V = importlib.metadata.version('sailpoint-sim')\n"
        "M = importlib.import_module('sailpoint_sim_client.models')\n"
        "OK = importlib.import_module('json')\n"
    )
    problems = vendor_module.dependency_problems(copy, "acme_sim", {"httpx", "attrs"})
    assert problems == [
        "acme_sim/a.py:9: imports requests",
        "acme_sim/a.py:10: imports sailpoint_sim_client",
        "acme_sim/a.py:14: imports simplejson",
        "acme_sim/b.py:2: version('sailpoint-sim') looks up the original package, not the copy "
        "(a vendored copy is not an installed distribution)",
        "acme_sim/b.py:3: import_module('sailpoint_sim_client.models') looks up the original package, "
        "not the copy (a vendored copy is not an installed distribution)",
    ]


def test_copy_tree_leaves_out_caches_and_skipped_folders(vendor_module: ModuleType, tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "__pycache__").mkdir(parents=True)
    (source / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"\0")
    (source / "testing").mkdir()
    (source / "testing" / "fake.py").write_text("")
    (source / "sub").mkdir()
    (source / "sub" / "stray.pyc").write_bytes(b"\0")
    (source / "sub" / "m.py").write_text("")
    (source / "py.typed").write_text("")
    vendor_module._copy_tree(source, tmp_path / "out", skip_top={"testing"})
    assert _files(tmp_path / "out") == {"sub/m.py", "py.typed"}
    shutil.rmtree(tmp_path / "out")
    vendor_module._copy_tree(source, tmp_path / "out", skip_top=set())
    assert _files(tmp_path / "out") == {"sub/m.py", "py.typed", "testing/fake.py"}


def test_a_failed_swap_keeps_the_previous_copy(
    vendor_module: ModuleType, host: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert vendor_module.main(["--dest", str(host), "--package", "acme_sim"]) == 0
    before = {name: (host / "acme_sim" / name).read_bytes() for name in _files(host / "acme_sim")}
    real_rename = Path.rename

    def rename(self: Path, target: Path) -> Path:
        # Moving the new copy into place fails (say, the disk filled up); other moves work.
        if Path(target) == host / "acme_sim" and self.name == "acme_sim":
            raise OSError("no space left on device")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError, match="no space left"):
        vendor_module.vendor(host, "acme_sim", with_testing=False, force=False, commands=("made", "update"))
    assert {name: (host / "acme_sim" / name).read_bytes() for name in _files(host / "acme_sim")} == before
    assert [p.name for p in host.iterdir()] == ["acme_sim"]
