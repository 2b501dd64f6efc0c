"""Damaged, hostile and read-only archives: reported by name, left untouched, never fatal."""

from __future__ import annotations

import ast
import builtins
import errno
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import pmtui.store
from pmtui.core import sessionfile as sf
from pmtui.core.models import Postmortem
from pmtui.store.index import summary_hash
from pmtui.store.store import CorruptFileError, Store, StoreError

SUMMARY_TYPES = sf.SUMMARY_TYPES


def make_store(root: Path) -> Store:
    return Store(root, summarize=sf.summarize, summary_types=SUMMARY_TYPES)


def record(title: str, severity: str = "SEV-2") -> dict[str, Any]:
    return sf.to_record(Postmortem(title=title, severity=severity))


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Store, str]:
    store = make_store(tmp_path / "data")
    return store, store.create(record("the good one"))


def plant(store: Store, text: str) -> tuple[str, Path]:
    """A meeting file with `text` in it, as another tool or a person might leave one."""
    meeting_id = "bad00000" + os.urandom(4).hex()
    path = store.meeting_path(meeting_id)
    path.write_text(text, encoding="utf-8")
    return meeting_id, path


def assert_reported_and_the_rest_works(store: Store, good: str, bad: str, path: Path) -> None:
    before = path.read_bytes() if path.is_file() else None
    assert [row["id"] for row in store.list()] == [good]
    assert any(str(path) in problem for problem in store.problems())
    with pytest.raises(CorruptFileError, match=bad):
        store.load(bad)
    with pytest.raises(CorruptFileError):
        store.open(bad)
    if before is not None:
        assert path.read_bytes() == before
    with store.open(good) as handle:
        handle.save(dict(handle.record, summary="still works"))
    assert store.load(good)["summary"] == "still works"


WRONG_SHAPES = {
    "a string": '"x"',
    "a list": "[1, 2]",
    "a number": "7",
    "meeting is a string": '{"meeting": "x"}',
    "record is a list": '{"meeting": {"1": []}}',
    "document id not a number": '{"meeting": {"x": {}}}',
    "no record": '{"meeting": {}}',
    "empty object": "{}",
    "empty file": "",
    "meta table is a number": '{"_store": 5, "meeting": {"1": {"id": "x"}}}',
    "record of another meeting": '{"meeting": {"1": {"id": "someone-else"}}}',
}


@pytest.mark.parametrize("text", WRONG_SHAPES.values(), ids=WRONG_SHAPES.keys())
def test_valid_json_of_the_wrong_shape_is_reported(archive: tuple[Store, str], text: str) -> None:
    store, good = archive
    bad, path = plant(store, text)
    assert_reported_and_the_rest_works(store, good, bad, path)


@pytest.mark.parametrize("inside", ["", '{"meeting": {"1": '], ids=["bare", "in a record"])
def test_a_deeply_nested_file_is_reported_as_damaged(
    archive: tuple[Store, str], inside: str
) -> None:
    store, good = archive
    bad, path = plant(store, inside + "[" * 200_000 + "]" * 200_000 + ("}}" if inside else ""))
    assert_reported_and_the_rest_works(store, good, bad, path)
    assert any("nested too deeply" in problem for problem in store.problems())


def test_a_record_the_summary_cannot_be_made_of_is_reported(archive: tuple[Store, str]) -> None:
    store, good = archive
    bad, path = plant(store, "")
    path.write_text(json.dumps({"meeting": {"1": {"id": bad, "timeline": [5]}}}))
    assert_reported_and_the_rest_works_for_listing(store, good, path)
    path.write_text(json.dumps({"meeting": {"1": {"id": bad, "title": 12}}}))
    assert_reported_and_the_rest_works_for_listing(store, good, path)
    assert any("'title' has the wrong type" in problem for problem in store.problems())


def assert_reported_and_the_rest_works_for_listing(store: Store, good: str, path: Path) -> None:
    before = path.read_bytes()
    assert [row["id"] for row in store.list()] == [good]
    assert any(str(path) in problem for problem in store.problems())
    assert path.read_bytes() == before


HOSTILE_SUMMARIES: dict[str, Any] = {
    "title a number": {"title": 5},
    "severity a list": {"severity": ["SEV-1"]},
    "open actions text": {"open_actions": "many"},
    "a nested value": {"status": {"x": 1}},
}


@pytest.mark.parametrize("change", HOSTILE_SUMMARIES.values(), ids=HOSTILE_SUMMARIES.keys())
def test_a_summary_with_wrong_types_is_rebuilt_even_if_its_hash_matches(
    archive: tuple[Store, str], change: dict[str, Any]
) -> None:
    store, good = archive
    summary = {**store.summary_of(store.load(good)), **change}
    forged = {"id": good, "summary_hash": summary_hash(summary), "summary": summary}
    store.summary_path(good).write_text(json.dumps(forged))
    (row,) = store.list()
    assert row["title"] == "the good one" and isinstance(row["open_actions"], int)
    assert json.loads(store.summary_path(good).read_text())["summary"] == row


@pytest.mark.parametrize("text", ['"x"', "[1]", "5", '{"id": 5}', "{ torn", '{"summary": []}'])
def test_a_summary_file_of_any_shape_is_rebuilt(archive: tuple[Store, str], text: str) -> None:
    store, good = archive
    store.summary_path(good).write_text(text)
    assert [row["title"] for row in store.list()] == ["the good one"]
    assert store.problems() == []


def test_any_text_in_a_summary_is_kept_as_text(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    title = "\x1b[31m[bold]red[/bold]\x1b]8;;http://x\x07 ✓ \u202e"
    store.create(record(title))
    assert [row["title"] for row in store.list()] == [title]
    assert [row["title"] for row in store.list()] == [title]  # and from the summary file


def test_a_folder_in_place_of_a_meeting_or_a_summary(archive: tuple[Store, str]) -> None:
    store, good = archive
    other = store.create(record("second"))
    folder = store.meeting_path("bad0000000")
    folder.mkdir()
    (folder / "inside.txt").write_text("keep me")
    store.summary_path(other).unlink()
    store.summary_path(other).mkdir()
    rows = store.list()
    assert sorted(row["id"] for row in rows) == sorted([good, other])
    problems = store.problems()
    assert any(str(folder) in p and "folder" in p for p in problems)
    assert any(str(store.summary_path(other)) in p for p in problems)
    with pytest.raises(CorruptFileError, match="folder"):
        store.load("bad0000000")
    with pytest.raises(StoreError, match="cannot delete"):
        store.delete("bad0000000")
    moved = store.quarantine("bad0000000")
    assert (moved / "inside.txt").read_text() == "keep me"
    with store.open(other) as handle:  # a save still works; its summary cannot be written
        handle.save(dict(handle.record, title="renamed"))
    assert {row["title"] for row in store.list()} == {"the good one", "renamed"}


def test_quarantine_moves_a_damaged_meeting_aside_and_never_destroys_it(
    archive: tuple[Store, str],
) -> None:
    store, good = archive
    moved = []
    for _ in range(3):  # the same id damaged again: no name collides
        path = store.meeting_path("bad0000000")
        path.write_text("{ torn")
        store.summary_path("bad0000000").write_text("{}")
        target = store.quarantine("bad0000000")
        assert target.parent == store.root / "damaged"
        assert target.read_text() == "{ torn"
        assert not path.exists() and not store.summary_path("bad0000000").exists()
        moved.append(target)
    assert len(set(moved)) == 3
    assert store.ids() == [good]
    assert store.list() and store.problems() == []


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Make a folder read-only: by its mode, and (as root ignores modes) by refusing writes."""
    roots: list[Path] = []

    def under(path: Any) -> bool:
        try:
            text = os.fsdecode(path)
        except TypeError:
            return False
        return any(text.startswith(str(root)) for root in roots)

    def refuse(path: Any) -> None:
        raise OSError(errno.EROFS, "Read-only file system", os.fsdecode(path))

    real_open, real_os_open, real_access = builtins.open, os.open, os.access
    real_replace, real_unlink, real_mkdir = os.replace, os.unlink, os.mkdir

    def fake_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if under(file) and any(c in mode for c in "wax+"):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def fake_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if under(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            refuse(path)
        return real_os_open(path, flags, *args, **kwargs)

    def fake_access(path: Any, mode: int, *args: Any, **kwargs: Any) -> bool:
        if under(path) and mode & os.W_OK:
            return False
        return real_access(path, mode, *args, **kwargs)

    def refusing(real: Any) -> Any:
        def fake(path: Any, *args: Any, **kwargs: Any) -> Any:
            if under(path):
                refuse(path)
            return real(path, *args, **kwargs)

        return fake

    def make_read_only(root: Path) -> None:
        roots.append(root)
        for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
            folder.chmod(0o555)
        if os.geteuid() == 0:
            monkeypatch.setattr(builtins, "open", fake_open)
            monkeypatch.setattr(os, "open", fake_os_open)
            monkeypatch.setattr(os, "access", fake_access)
            monkeypatch.setattr(os, "replace", refusing(real_replace))
            monkeypatch.setattr(os, "unlink", refusing(real_unlink))
            monkeypatch.setattr(os, "mkdir", refusing(real_mkdir))

    yield make_read_only
    for root in roots:
        for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
            folder.chmod(0o755)


def test_a_read_only_data_folder_is_read_without_writing(tmp_path: Path, read_only: Any) -> None:
    root = tmp_path / "data"
    store = make_store(root)
    first = store.create(record("first", "SEV-3"))
    second = store.create(record("second"))
    with store.open(first) as handle:
        handle.save(dict(handle.record, severity="SEV-1"))
    # A stale summary (built from an older read) and a crashed writer's temporary file.
    stale = store.summary_of(dict(store.load(first), severity="SEV-3"))
    store.write_summary_file(first, stale)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    leftover = store.meetings / f".{first}.json.{int(dead.stdout)}.deadbeef.tmp"
    leftover.write_text("half")
    files = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    read_only(root)

    store = make_store(root)
    assert store.read_only
    rows = {row["id"]: row for row in store.list()}
    assert rows[first]["severity"] == "SEV-1" and set(rows) == {first, second}
    assert store.problems() == []
    assert store.load(second)["title"] == "second"
    handle = store.open(first, write=True)
    assert handle.read_only
    assert handle.lock_message == (
        f"cannot lock meeting {first[:8]} (the data folder is read-only): opened read-only"
    )
    handle.close()
    with pytest.raises(StoreError, match="read-only"):
        store.delete(first)
    with pytest.raises(StoreError, match="read-only"):
        store.quarantine(first)
    with pytest.raises(StoreError, match="read-only"):
        store.create(record("third"))
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == files


def test_a_read_only_folder_without_an_archive_lists_nothing(
    tmp_path: Path, read_only: Any
) -> None:
    root = tmp_path / "empty"
    root.mkdir()
    read_only(root)
    store = make_store(root)
    assert store.read_only
    assert store.list() == [] and store.ids() == []


def test_the_store_imports_nothing_of_pmtui_outside_itself() -> None:
    for path in Path(pmtui.store.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else ["pmtui.store"]
            for name in names:
                if name == "pmtui" or name.startswith("pmtui."):
                    assert name.startswith("pmtui.store"), f"{path.name} imports {name}"
