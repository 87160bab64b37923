"""File names from integration names: safe on every common file system, distinct, stable."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sailpoint_sim.as_code import dumps_definition, file_names, read_folder, write_folder
from sailpoint_sim.as_code._files import _stem, fold

WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$"} | {
    f"{d}{n}" for d in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")
}


def assert_portable(file: str) -> None:
    """What Windows, macOS and Linux all accept, and what no tool misreads."""
    assert file.endswith(".json")
    stem = file[: -len(".json")]
    assert stem and stem not in (".", "..") and not file.startswith(".")
    assert not set(file) & WINDOWS_FORBIDDEN, file
    assert all(unicodedata.category(ch)[0] != "C" for ch in file), file
    assert stem == stem.rstrip(". ") and stem == stem.lstrip(" ")
    assert file.partition(".")[0].rstrip(" ").upper() not in DEVICES, file
    assert len(file.encode("utf-8")) <= 255 and len(file.encode("utf-16-le")) // 2 <= 255
    assert unicodedata.is_normalized("NFC", file)


def test_hostile_names_become_safe_distinct_names() -> None:
    names = [
        "a/b",
        "a\\b",
        "..",
        ".",
        ".hidden",
        "../../etc/passwd",
        "CON",
        "nul",
        "Com1.txt",
        "LPT¹",
        "trailing. ",
        "tab\there",
        "new\nline",
        "",
        "   ",
        "Zürich",  # NFC
        "Zu\u0308rich",  # the same word, NFD: one file on macOS
        "HR Desk",
        "hr desk",  # case only: one file on Windows and macOS
        "x" * 300,
        "x" * 299 + "y",
        "é" * 200,
        "\u202eevil",
    ]
    files = file_names(names)
    assert set(files) == set(names)
    for file in files.values():
        assert_portable(file)
    assert len({fold(file) for file in files.values()}) == len(names)
    assert files["a/b"] == "a_b.json"
    assert (
        files["CON"] == "CON_.json" and files["nul"] == "nul_.json" and files["Com1.txt"] == "Com1_.txt.json"
    )
    assert files[".."] == "_.json" or files[".."].startswith("_~")
    assert files["Zürich"] == "Zürich.json" and files["Zu\u0308rich"].startswith("Zürich~")
    assert files["HR Desk"] == "HR Desk.json" and files["hr desk"].startswith("hr desk~")


def test_the_name_spelt_exactly_keeps_the_plain_file_name() -> None:
    files = file_names(["a/b", "a_b"])
    assert files == {"a_b": "a_b.json", "a/b": files["a/b"]} and files["a/b"].startswith("a_b~")


def test_names_written_to_disk_are_distinct_files_and_read_back(tmp_path: Path) -> None:
    names = ["HR", "hr", "Hr", "a/b", "a\\b", "..", "Zürich", "Zu\u0308rich", "CON"]
    result = write_folder(tmp_path, {name: {"name": name, "description": name} for name in names})
    assert len(list(tmp_path.iterdir())) == len(names)  # on any file system, case-insensitive too
    assert {name: file for name, (file, _) in read_folder(tmp_path).items()} == dict(result.files)


@settings(max_examples=200)
@given(st.lists(st.text(max_size=120), max_size=12, unique=True))
def test_any_names_give_portable_distinct_names_whatever_the_order(names: list[str]) -> None:
    files = file_names(names)
    assert set(files) == set(names)
    for file in files.values():
        assert_portable(file)
    assert len({fold(file) for file in files.values()}) == len(names)
    assert file_names(reversed(names)) == files


@settings(max_examples=200)
@given(st.text(min_size=1, max_size=60))
def test_a_lone_name_keeps_its_text_when_that_is_already_safe(name: str) -> None:
    [file] = file_names([name]).values()
    stem, truncated = _stem(name)
    assert not truncated
    assert file == stem + ".json"  # no collision, so no suffix
    if stem == name:
        assert file == name + ".json"


def test_definition_bytes_are_stable_and_canonical() -> None:
    details = {"type": "t", "b": {"z": 1, "a": [3, {"y": 2, "x": 1}]}, "name": "n", "id": "dropped", "é": "ü"}
    text = dumps_definition(details)
    assert text == dumps_definition(dict(reversed(list(details.items()))))
    assert text.startswith('{\n  "name": "n",\n  "type": "t",\n  "b": {\n    "a": [')
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert '"id"' not in text and '"é": "ü"' in text
    assert json.loads(text) == {k: v for k, v in details.items() if k != "id"}


def test_export_prune_removes_only_stale_definition_files(tmp_path: Path) -> None:
    (tmp_path / "Gone.json").write_text("{}", encoding="utf-8")
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    kept = write_folder(tmp_path, {"Kept": {"name": "Kept"}})
    assert kept.stale == ("Gone.json",) and kept.removed == ()
    assert (tmp_path / "Gone.json").exists()
    pruned = write_folder(tmp_path, {"Kept": {"name": "Kept"}}, prune=True)
    assert pruned.removed == ("Gone.json",) and pruned.unchanged == ("Kept.json",)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["Kept.json", "README.md"]


def test_the_core_import_loads_neither_this_package_nor_jsonpatch() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sailpoint_sim, sailpoint_sim._cli; "
        "print(sorted(m for m in sys.modules if m in ('jsonpatch', 'sailpoint_sim.as_code')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_every_public_name_of_the_package_is_documented() -> None:
    import inspect

    import sailpoint_sim.as_code as as_code

    assert as_code.__doc__
    for name in as_code.__all__:
        obj = getattr(as_code, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, name


def test_export_keeps_a_file_a_person_renamed(tmp_path: Path) -> None:
    definitions = {"HR desk": {"name": "HR desk", "description": "x"}}
    write_folder(tmp_path, definitions)
    (tmp_path / "HR desk.json").rename(tmp_path / "hr.json")
    again = write_folder(tmp_path, definitions)
    assert again.files == {"HR desk": "hr.json"} and again.unchanged == ("hr.json",)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["hr.json"]


def test_a_new_name_differing_in_case_does_not_rename_an_exported_file(tmp_path: Path) -> None:
    write_folder(tmp_path, {"hr desk": {"name": "hr desk"}})
    both = write_folder(tmp_path, {"hr desk": {"name": "hr desk"}, "HR desk": {"name": "HR desk"}})
    assert both.files["hr desk"] == "hr desk.json" and both.unchanged == ("hr desk.json",)
    assert both.files["HR desk"].startswith("HR desk~")
    # Without the folder's history, the exact-case winner would be the other one.
    assert file_names(["hr desk", "HR desk"])["HR desk"] == "HR desk.json"


def test_a_file_with_an_unportable_name_is_replaced_not_duplicated(tmp_path: Path) -> None:
    (tmp_path / "HR: desk.json").write_text('{"name": "HR: desk"}', encoding="utf-8")  # fine on Linux only
    (tmp_path / "copy.json").write_text('{"name": "Other"}', encoding="utf-8")
    (tmp_path / "copy 2.json").write_text('{"name": "Other"}', encoding="utf-8")
    result = write_folder(tmp_path, {"HR: desk": {"name": "HR: desk"}, "Other": {"name": "Other"}})
    assert result.files == {"HR: desk": "HR_ desk.json", "Other": "Other.json"}
    assert result.replaced == ("HR: desk.json", "copy 2.json", "copy.json")
    assert {name: file for name, (file, _) in read_folder(tmp_path).items()} == dict(result.files)
