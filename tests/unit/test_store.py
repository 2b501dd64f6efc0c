"""The archive: durable saves, one writer per meeting, damaged files left alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pmtui.core import sessionfile as sf
from pmtui.core.models import EventKind, Postmortem, TimelineEvent
from pmtui.store.lock import MeetingLock
from pmtui.store.store import (
    AmbiguousId,
    CorruptFileError,
    MeetingNotFound,
    ReadOnlyError,
    Store,
    StoreError,
)

ROOT = Path(__file__).resolve().parents[2]


def make_store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data", summarize=sf.summarize)


def record(title: str = "Outage", meeting_id: str | None = None) -> dict[str, Any]:
    pm = Postmortem(title=title)
    if meeting_id:
        pm.id = meeting_id
    return sf.to_record(pm)


def test_create_load_list_and_resolve(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    first = store.create(record("Checkout errors", "aaaa1111" + "0" * 24))
    store.create(record("Login outage", "aaaa2222" + "0" * 24))
    assert store.load(first)["title"] == "Checkout errors"
    assert {row["title"] for row in store.list()} == {"Checkout errors", "Login outage"}
    assert store.resolve("aaaa1") == first
    with pytest.raises(AmbiguousId, match="matches 2 meetings"):
        store.resolve("aaaa")
    with pytest.raises(MeetingNotFound, match="no meeting with an id starting"):
        store.resolve("zzz")
    with pytest.raises(StoreError, match="exists already"):
        store.create(record("again", first))


def test_save_rewrites_only_that_meeting(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    ids = [store.create(record(f"meeting {i}")) for i in range(5)]
    before = {i: store.meeting_path(i).stat().st_mtime_ns for i in ids}
    summaries = {i: (store.index / f"{i}.json").read_bytes() for i in ids}
    with store.open(ids[2]) as handle:
        changed = dict(handle.record, summary="a new summary")
        handle.save(changed)
        size = store.meeting_path(ids[2]).stat().st_size
        assert handle.bytes_written <= 2 * size
    assert store.load(ids[2])["summary"] == "a new summary"
    for i in ids:
        if i != ids[2]:
            assert store.meeting_path(i).stat().st_mtime_ns == before[i]
        # The summary did not change, so no summary file was rewritten.
        assert (store.index / f"{i}.json").read_bytes() == summaries[i]


def test_summary_follows_the_title(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    meeting_id = store.create(record("old title"))
    with store.open(meeting_id) as handle:
        handle.save(dict(handle.record, title="new title"))
    assert [row["title"] for row in store.list()] == ["new title"]


def test_a_stale_summary_is_rebuilt(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    meeting_id = store.create(record("right title"))
    summary = store.index / f"{meeting_id}.json"
    summary.write_text(json.dumps({"id": meeting_id, "title": "stale"}))
    old = store.meeting_path(meeting_id).stat().st_mtime - 10
    os.utime(summary, (old, old))  # older than the meeting: a crash between the two writes
    assert [row["title"] for row in store.list()] == ["right title"]
    summary.write_text("{ damaged")
    assert [row["title"] for row in store.list()] == ["right title"]


def test_damaged_meeting_is_named_left_untouched_and_the_rest_still_opens(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    good = store.create(record("good"))
    bad = store.create(record("bad"))
    path = store.meeting_path(bad)
    path.write_bytes(b'{"meeting": {"1": {"id": "x", "ti')  # torn by some other tool
    damaged = path.read_bytes()
    (store.index / f"{bad}.json").unlink()
    rows = store.list()
    assert [row["id"] for row in rows] == [good]
    assert any(str(path) in problem and "damaged" in problem for problem in store.problems())
    with pytest.raises(CorruptFileError, match=str(path)):
        store.load(bad)
    with pytest.raises(CorruptFileError):
        store.open(bad)
    assert path.read_bytes() == damaged
    assert not MeetingLock(store.meetings / f"{bad}.lock").is_held_elsewhere()
    with store.open(good) as handle:
        handle.save(dict(handle.record, summary="still works"))


def test_leftover_temp_files_from_dead_writers_are_removed(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    leftover = store.meetings / f".abc.json.{dead_pid}.deadbeef.tmp"
    live = store.meetings / f".abc.json.{os.getpid()}.cafebabe.tmp"
    leftover.write_text("half")
    live.write_text("mine, in progress")
    make_store(tmp_path)
    assert not leftover.exists()
    assert live.exists()


def test_saves_from_many_threads_leave_a_whole_file(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    meeting_id = store.create(record("threads"))
    handle = store.open(meeting_id)
    base = handle.record

    def worker(n: int) -> None:
        for i in range(20):
            handle.save(dict(base, summary=f"{n}-{i}"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handle.close()
    assert store.load(meeting_id)["summary"].endswith("-19")


def test_read_only_handle_refuses_to_save(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    meeting_id = store.create(record())
    with store.open(meeting_id, write=True) as writer:
        reader = store.open(meeting_id, write=True)
        assert not writer.read_only
        assert reader.read_only
        assert reader.lock_message and "opened read-only" in reader.lock_message
        with pytest.raises(ReadOnlyError):
            reader.save(reader.record)
        with pytest.raises(StoreError, match="open in another pmtui"):
            store.delete(meeting_id)
    store.delete(meeting_id)
    assert store.list() == []


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pmtui.store.store import Store
    handle = Store(sys.argv[1]).open(sys.argv[2])
    print("read-only" if handle.read_only else "holding", flush=True)
    time.sleep(60)
    """
)


def test_second_process_gets_read_only_until_the_holder_dies(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    meeting_id = store.create(record())
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store.root), meeting_id],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        handle = store.open(meeting_id)
        assert handle.read_only
        assert f"pid {holder.pid}" in (handle.lock_message or "")
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # The holder died without cleaning up: its lock is stale and is taken over.
    with store.open(meeting_id) as handle:
        assert not handle.read_only
        handle.save(dict(handle.record, summary="after the crash"))


WRITER = textwrap.dedent(
    """
    import sys
    from pmtui.store.store import Store
    store = Store(sys.argv[1])
    handle = store.open(sys.argv[2])
    base = handle.record
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        handle.save(dict(base, summary=str(n) * 2000, title=f"version {n}"))
    """
)


def test_a_writer_killed_at_random_moments_never_leaves_a_torn_file(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    meeting_id = store.create(record("version 0"))
    path = store.meeting_path(meeting_id)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    seen = set()
    for round_ in range(12):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(store.root), meeting_id],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(0.01 + (round_ % 5) * 0.013)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        data = json.loads(path.read_text(encoding="utf-8"))  # never torn
        saved = data["meeting"]["1"]
        assert saved["id"] == meeting_id
        assert saved["title"].startswith("version ")
        if saved["summary"]:
            n = saved["title"].removeprefix("version ")
            assert saved["summary"] == n * 2000
        seen.add(saved["title"])
    assert len(seen) > 1  # the writers really did write between kills
    make_store(tmp_path)  # cleans the killed writers' temporary files
    assert not list(store.meetings.glob(".*.tmp"))


def test_a_meeting_file_is_tinydb_pretty_printed_with_sorted_keys(tmp_path: Path) -> None:
    from tinydb import TinyDB
    from tinydb.storages import JSONStorage

    store = make_store(tmp_path)
    pm = Postmortem(title="Pretty")
    pm.timeline = [
        TimelineEvent(datetime(2026, 11, 20, 9, i, tzinfo=UTC), f"event {i}", EventKind.EVENT)
        for i in range(3)
    ]
    meeting_id = store.create(sf.to_record(pm))
    with store.open(meeting_id) as handle:
        handle.save(dict(handle.record, summary="edited"))
    path = store.meeting_path(meeting_id)
    text = path.read_text(encoding="utf-8")

    def sorted_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [key for key, _ in pairs]
        assert keys == sorted(keys), keys
        return dict(pairs)

    json.loads(text, object_pairs_hook=sorted_keys)
    assert text.endswith("}\n") and text.startswith('{\n "_store": {\n')
    lines = text.splitlines()
    # Indented a space a level; each event is one line of its own.
    events = [line for line in lines if '"kind": ' in line]
    assert len(events) == len(handle.record["timeline"]) and events
    assert all(line.startswith("    {") and line.rstrip(",").endswith("}") for line in events)
    # Editing one event changes one line of the file: it diffs line by line.
    with store.open(meeting_id) as handle:
        changed = dict(handle.record)
        changed["timeline"] = [
            dict(event, text="rewritten") if i == 1 else event
            for i, event in enumerate(changed["timeline"])
        ]
        handle.save(changed)
    after = path.read_text(encoding="utf-8").splitlines()
    differ = [i for i, (a, b) in enumerate(zip(lines, after, strict=True)) if a != b]
    assert len(differ) == 1 and "rewritten" in after[differ[0]]
    db = TinyDB(path, storage=JSONStorage, access_mode="r")
    assert db.table("meeting").get(doc_id=1) == store.load(meeting_id)
    assert set(db.tables()) == {"meeting", "_store"}
    db.close()


def test_an_old_compact_file_still_reads_and_is_rewritten_pretty(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    old = record("Written by an older pmtui")
    path = store.meeting_path(old["id"])
    path.write_text(json.dumps({"meeting": {"1": old}}, separators=(",", ":")))
    assert store.load(old["id"]) == old
    assert [row["title"] for row in store.list()] == [old["title"]]
    with store.open(old["id"]) as handle:
        handle.save(dict(handle.record, title="saved again"))
    assert path.read_text(encoding="utf-8").startswith('{\n "_store": {\n  "1": {"summary_')
    assert [row["title"] for row in store.list()] == ["saved again"]


def test_a_save_does_not_read_the_file_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmtui.store import storage

    store = make_store(tmp_path)
    meeting_id = store.create(record("cached"))
    handle = store.open(meeting_id)

    def no_reading(path: Path) -> None:
        raise AssertionError(f"{path} read during a save")

    monkeypatch.setattr(storage, "read_json_object", no_reading)
    for i in range(3):
        handle.save(dict(handle.record, summary=f"edit {i}", title=f"title {i}"))
    monkeypatch.undo()
    handle.close()
    assert store.load(meeting_id)["title"] == "title 2"


def test_a_failed_write_leaves_the_cache_holding_what_the_disk_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tinydb import TinyDB

    from pmtui.store import storage

    path = tmp_path / "db.json"
    cache = storage.KeepLastDocument(storage.AtomicJSONStorage)
    db = TinyDB(path, storage=cache, fsync=False)
    db.table("t").insert({"n": 1, "keep": "yes"})

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage, "write_atomic", disk_full)
    with pytest.raises(OSError):
        db.table("t").update({"n": 2}, doc_ids=[1])
    with pytest.raises(OSError), cache.batch():
        db.table("t").update({"n": 3}, doc_ids=[1])
        db.table("u").insert({"x": 1})
    monkeypatch.undo()
    assert db.table("t").get(doc_id=1) == {"n": 1, "keep": "yes"}
    assert db.tables() == {"t"}
    db.table("t").update({"n": 4}, doc_ids=[1])
    assert json.loads(path.read_text())["t"]["1"] == {"n": 4, "keep": "yes"}


def test_a_failed_save_leaves_the_file_and_the_next_save_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmtui.store import storage

    store = make_store(tmp_path)
    meeting_id = store.create(record("before"))
    handle = store.open(meeting_id)
    real = storage.write_atomic
    monkeypatch.setattr(
        storage, "write_atomic", lambda *a, **k: (_ for _ in ()).throw(OSError(28, "full"))
    )
    with pytest.raises(OSError):
        handle.save(dict(handle.record, title="lost", severity="SEV-1"))
    assert store.load(meeting_id)["title"] == "before"
    monkeypatch.setattr(storage, "write_atomic", real)
    handle.save(dict(store.load(meeting_id), summary="kept"))
    handle.close()
    saved = store.load(meeting_id)
    assert (saved["title"], saved["summary"]) == ("before", "kept")
    assert [(row["title"], row["severity"]) for row in store.list()] == [("before", "")]


def test_bytes_per_save_stay_under_twice_the_compact_json(tmp_path: Path) -> None:
    from pmtui.service.files import read_session_file
    from tests.conftest import SAMPLES

    store = make_store(tmp_path)
    for sample in SAMPLES:
        rec = sf.to_record(read_session_file(sample))
        compact = len(json.dumps({"meeting": {"1": rec}}, separators=(",", ":")).encode())
        with store.open(store.create(rec)) as handle:
            handle.save(dict(rec, summary=rec["summary"] + "."))
            assert handle.bytes_written <= 2 * compact, sample.name


def test_a_summary_built_from_an_older_read_is_not_trusted(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    meeting_id = store.create(record("Race"))
    older = store.load(meeting_id)
    with store.open(meeting_id) as handle:
        handle.save(dict(older, severity="SEV-1"))
    # `pmtui list` in another process read the meeting before that save, and wrote its
    # summary after it: the summary file is newer than the meeting file, yet stale.
    store.write_summary_file(meeting_id, store.summary_of(older))
    future = time.time() + 60
    os.utime(store.summary_path(meeting_id), (future, future))
    assert [row["severity"] for row in store.list()] == ["SEV-1"]
    assert json.loads(store.summary_path(meeting_id).read_text())["summary"]["severity"] == "SEV-1"


def test_delete_keeps_the_lock_file_so_two_processes_never_lock_two_files(
    tmp_path: Path,
) -> None:
    import fcntl

    store = make_store(tmp_path)
    meeting_id = store.create(record("to delete"))
    lock_path = store.meetings / f"{meeting_id}.lock"
    with store.open(meeting_id):
        pass
    # Another process opened the lock file and is about to flock it when delete runs.
    late = os.open(lock_path, os.O_RDWR)
    try:
        store.delete(meeting_id)
        assert lock_path.exists()
        fcntl.flock(late, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert MeetingLock(lock_path).is_held_elsewhere()  # the same file, the same lock
    finally:
        os.close(late)
    assert store.ids() == []


def test_a_lock_that_cannot_be_made_gives_a_read_only_handle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from pmtui.store import lock as lock_module

    store = make_store(tmp_path)
    meeting_id = store.create(record("Locks"))
    short = meeting_id[:8]
    lock_path = store.meetings / f"{meeting_id}.lock"

    lock_path.mkdir()
    handle = store.open(meeting_id)
    assert handle.read_only
    assert (
        handle.lock_message
        == f"cannot lock meeting {short} (a folder is in the way): opened read-only"
    )
    with pytest.raises(StoreError, match=f"^cannot delete meeting {short}: cannot lock it") as info:
        store.delete(meeting_id)
    assert "\n" not in str(info.value)
    lock_path.rmdir()

    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(lock_module.os, "pwrite", full)
    monkeypatch.setattr(lock_module.os, "write", full)
    handle = store.open(meeting_id)
    assert handle.read_only
    assert (
        handle.lock_message == f"cannot lock meeting {short} (the disk is full): opened read-only"
    )
    with pytest.raises(StoreError, match="the disk is full"):
        store.delete(meeting_id)
    monkeypatch.undo()

    real_open = os.open

    def read_only_lock(path: object, flags: int, *args: object) -> int:
        if str(path).endswith(".lock"):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(lock_module.os, "open", read_only_lock)
    handle = store.open(meeting_id)
    assert handle.lock_message and "the data folder is read-only" in handle.lock_message
    with pytest.raises(StoreError, match="read-only"):
        store.delete(meeting_id)
    monkeypatch.undo()

    with store.open(meeting_id) as handle:  # nothing was left locked by the failures
        assert not handle.read_only
        handle.save(dict(handle.record, summary="locked at last"))


def test_the_written_form_of_an_item_or_a_long_list_is_reused_only_while_unchanged() -> None:
    """dump_pretty finds an item handed in again by identity, and a long list by its place,
    but an item changed in place since (same object, new value) is written afresh."""
    from pmtui.store.storage import dump_pretty

    events = [{"id": f"e{i}", "text": f"event {i}", "kind": "event"} for i in range(100)]
    short = [{"id": "a1", "title": "Add an alert"}]
    data = {"meeting": {"1": {"timeline": events, "actions": short}}}
    first = json.loads(dump_pretty(data))
    assert first == data
    events[40]["text"] = "rewritten in place"
    short[0]["title"] = "Add a runbook"
    second = json.loads(dump_pretty(data))["meeting"]["1"]
    assert second["timeline"][40]["text"] == "rewritten in place"
    assert second["actions"][0]["title"] == "Add a runbook"
    # An equal list of other objects in the same place reads the same; a longer one too.
    again = [dict(e) for e in events] + [{"id": "e100", "text": "new", "kind": "event"}]
    third = json.loads(dump_pretty({"meeting": {"1": {"timeline": again}}}))
    assert third["meeting"]["1"]["timeline"] == again
    # One that differs only in a value's type (1 == 1.0 == True) is not taken for the
    # one written before, in the same place or changed in place.
    typed = [{"id": "x", "n": 1} for _ in range(70)]
    assert b'"n": 1}' in dump_pretty({"t": typed})
    flipped = [{"id": "x", "n": 1.0} for _ in range(70)]
    assert b'"n": 1.0' in dump_pretty({"t": flipped})
    typed[0]["n"] = True
    assert b'"n": true' in dump_pretty({"t": typed})


class _Unchanging(dict):  # type: ignore[type-arg]
    """A dict that says, by being hashable, that its value never changes."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))


def test_items_of_a_hashable_type_are_trusted_by_identity_and_written_alike() -> None:
    from pmtui.store.storage import dump_pretty

    plain = [{"id": f"e{i}", "text": f"event {i}", "kind": "event"} for i in range(100)]
    frozen = [_Unchanging(e) for e in plain]
    expected = dump_pretty({"t": plain, "one": plain[0]})
    # The same text as plain dicts: never a whole list or a nested object on one line.
    assert dump_pretty({"t": frozen, "one": frozen[0]}) == expected
    assert dump_pretty({"t": list(frozen), "one": frozen[0]}) == expected  # reused
    # A new object in the list (even an equal one) is not one written before: the list
    # is written afresh, with the new value.
    frozen[40] = _Unchanging(plain[40], text="replaced")
    again = json.loads(dump_pretty({"t": frozen}))["t"]
    assert again[40]["text"] == "replaced" and again[39] == plain[39]
    # A list of the same length whose items are other objects of plain type is compared
    # by value, as before.
    assert json.loads(dump_pretty({"t": plain}))["t"][40]["text"] == "event 40"


def test_the_combined_summary_cache_is_used_only_for_the_file_it_was_made_from(
    tmp_path: Path,
) -> None:
    import sqlite3

    from pmtui.store.summarycache import FILE

    store = make_store(tmp_path)
    first = store.create(record("first"))
    second = store.create(record("second"))
    assert sorted(row["title"] for row in store.list()) == ["first", "second"]
    cache = store.index / FILE
    db = sqlite3.connect(cache)
    assert {row[0] for row in db.execute("select id from summary")} == {first, second}
    # Listing again reads the cache alone: the per-meeting summary files are not needed.
    for meeting_id in (first, second):
        store.summary_path(meeting_id).unlink()
    db.execute("update summary set summary = replace(summary, 'first', 'from the cache')")
    db.commit()
    assert sorted(row["title"] for row in store.list()) == ["from the cache", "second"]
    # A save replaces the meeting's file: its entry no longer matches and is rebuilt.
    with store.open(first) as handle:
        handle.save(dict(handle.record, title="renamed"))
    assert sorted(row["title"] for row in store.list()) == ["renamed", "second"]
    # A row that does not check out (a title that is a number) is not used.
    db.execute("update summary set summary = replace(summary, '\"second\"', '5')")
    db.commit()
    assert sorted(row["title"] for row in store.list()) == ["renamed", "second"]
    # A deleted meeting leaves the cache.
    store.delete(second)
    assert [row["title"] for row in store.list()] == ["renamed"]
    assert [row[0] for row in db.execute("select id from summary")] == [first]
    db.close()
    # A damaged cache is ignored and built again.
    cache.write_bytes(b"not a database at all" * 100)
    assert [row["title"] for row in store.list()] == ["renamed"]
    db = sqlite3.connect(cache)
    assert [row[0] for row in db.execute("select id from summary")] == [first]
    db.close()


def test_a_cache_row_that_smuggles_two_summaries_is_not_trusted(tmp_path: Path) -> None:
    import sqlite3

    from pmtui.store.summarycache import FILE

    store = make_store(tmp_path)
    ids = [store.create(record(f"m{n}")) for n in range(3)]
    store.list()
    db = sqlite3.connect(store.index / FILE)
    fake = json.dumps({"id": ids[1], "title": "smuggled"})
    db.execute("update summary set summary = summary || ',' || ? where id = ?", (fake, ids[0]))
    db.commit()
    db.close()
    assert sorted(row["title"] for row in store.list()) == ["m0", "m1", "m2"]


def test_checking_a_whole_list_of_summaries_agrees_with_checking_each() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from pmtui.store.index import summaries_usable, summary_problem

    types = {"id": str, "title": str, "open_actions": int, "held_at": (str, type(None))}
    scalar = st.one_of(st.text(max_size=3), st.integers(), st.none(), st.booleans())
    anything = st.one_of(scalar, st.lists(scalar, max_size=2), st.dictionaries(st.text(), scalar))
    good = st.fixed_dictionaries(
        {
            "title": st.text(max_size=3),
            "open_actions": st.integers(),
            "held_at": st.one_of(st.none(), st.text(max_size=3)),
        },
        optional={"extra": scalar},
    )
    # Most lists are all good; some have one summary spoilt in one way.
    spoil = st.one_of(
        st.just(None),
        st.tuples(st.sampled_from(["id", "title", "open_actions", "held_at", "extra"]), anything),
        st.just("not an object"),
        st.just("drop a field"),
        st.just("another meeting's"),
    )

    @settings(max_examples=400, deadline=None)
    @given(st.lists(good, max_size=4), spoil, st.integers(min_value=0, max_value=3))
    def agree(summaries: list[dict[str, Any]], spoilt: Any, where: int) -> None:
        ids = [f"m{n}" for n in range(len(summaries))]
        rows: list[Any] = [dict(s, id=i) for s, i in zip(summaries, ids, strict=True)]
        if rows and spoilt is not None:
            where %= len(rows)
            if spoilt == "not an object":
                rows[where] = ["a", "list"]
            elif spoilt == "drop a field":
                rows[where].pop("title")
            elif spoilt == "another meeting's":
                rows[where]["id"] = "m9"
            else:
                rows[where][spoilt[0]] = spoilt[1]
        rows = json.loads(json.dumps(rows))  # as the cache's JSON text gives them
        each = all(summary_problem(s, i, types) is None for s, i in zip(rows, ids, strict=True))
        assert summaries_usable(rows, ids, types) is each

    agree()
