"""Participants: inbox lines, signatures, the board, and the facilitator's merge."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pmtui.core import contrib
from pmtui.core.clock import FakeClock
from pmtui.service.archive import Archive
from pmtui.service.errors import ArchiveError
from pmtui.service.inbox import MAX_INBOX, InboxWriter, check_code, inbox_dir
from pmtui.service.settings import Settings


@pytest.fixture
def meeting(tmp_path: Path):
    archive = Archive(Settings.load(data=tmp_path / "data"), fsync=False)
    clock = FakeClock(1_700_000_000.0)
    meeting_id = archive.create("Outage", 30, clock)
    session = archive.open_session(meeting_id, clock)
    assert session.participation is not None
    session.participation.watch.poll_s = 0
    yield archive, session, archive.meeting_file(meeting_id)
    session.close()


def writer(session, path: Path, name: str, code: str | None = None) -> InboxWriter:
    return InboxWriter(path, session.meeting_id, name, code or session.participation.code)


def all_notes(session) -> list:
    pm = session.live.pm
    return [*pm.went_right, *pm.went_wrong, *pm.got_lucky]


def test_notes_and_votes_merge_and_votes_stop_at_the_limit(meeting) -> None:
    _archive, session, path = meeting
    part = session.participation
    alice, bob = writer(session, path, "Alice"), writer(session, path, "Bob")
    alice.note("went_wrong", "Paging was slow")
    bob.note("went_right", "Rollback worked")
    merged = part.poll()
    assert merged.notes == 2 and not merged.warnings
    target = session.live.pm.went_wrong[0].id
    for _ in range(5):
        alice.vote(target)
    merged = part.poll()
    assert merged.votes == 3 and len(merged.warnings) == 2
    assert session.live.pm.went_wrong[0].votes == 3
    assert part.board.votes_left(alice.who) == 0
    # reading the same inboxes again changes nothing
    part.reader._inboxes.clear()
    assert not part.poll().changed
    assert session.live.pm.went_wrong[0].votes == 3


def test_a_forged_line_is_refused(meeting) -> None:
    _archive, session, path = meeting
    part = session.participation
    mallory = writer(session, path, "Mallory")
    mallory.note("went_wrong", "mine")
    part.poll()
    note = session.live.pm.went_wrong[0].id
    # a line in Mallory's inbox claiming Bob, signed with Bob's key
    bob_key = contrib.participant_key(part.code, session.meeting_id, "Bob")
    forged = contrib.sign(contrib.Entry(2, "Bob", "vote", note=note, step=1), bob_key)
    # a line with extra votes signed with a guessed code
    guessed = contrib.participant_key("AAAAAA", session.meeting_id, "Mallory")
    extra = contrib.sign(contrib.Entry(3, "Mallory", "vote", note=note, step=1), guessed)
    # a validly signed line whose text was changed afterwards
    good = contrib.sign(
        contrib.Entry(4, "Mallory", "note", column="went_wrong", text="a"),
        contrib.participant_key(part.code, session.meeting_id, "Mallory"),
    )
    tampered = good.replace(b'"text":"a"', b'"text":"b"')
    with open(mallory.path, "ab") as f:
        f.write(forged + extra + tampered)
    # a file posing as Bob's inbox written by someone without the code
    fake = inbox_dir(path) / (contrib.pseudonym(part.code, session.meeting_id, "Bob") + ".jsonl")
    fake.write_bytes(contrib.sign(contrib.Entry(1, "Bob", "vote", note=note, step=1), guessed))
    merged = part.poll()
    assert not merged.changed
    assert len(merged.warnings) == 4
    assert session.live.pm.went_wrong[0].votes == 0
    assert [n.text for n in all_notes(session)] == ["mine"]


def test_hostile_inboxes_are_skipped_with_warnings(meeting) -> None:
    _archive, session, path = meeting
    part = session.participation
    alice = writer(session, path, "Alice")
    alice.note("went_wrong", "first")
    key = contrib.participant_key(part.code, session.meeting_id, "Alice")
    escape = contrib.sign(contrib.Entry(2, "Alice", "note", column="went_wrong", text="x"), key)
    with open(alice.path, "ab") as f:
        f.write(b"not json\n\xff\xfe\xfd\n[1,2]\n" + b"x" * 5000 + b"\n{}\n")
        f.write(b"[" * 3000 + b"\n")
        f.write(escape.replace(b'"text":"x"', b'"text":"\\u001b[2J"'))  # bad signature too
    alice.close()
    alice = writer(session, path, "Alice")
    alice.note("got_lucky", "second")
    folder = inbox_dir(path)
    (folder / "p00000000001.jsonl").write_bytes(b"y" * (MAX_INBOX + 10))
    (folder / "p00000000002.jsonl").write_bytes(b"\n\n")
    (folder / "p00000000003.jsonl").symlink_to(path)  # a link to the record: never read
    os.mkfifo(folder / "p00000000004.jsonl")  # a pipe would block a reader: never opened
    (folder / "p00000000005.jsonl").mkdir()
    (folder / "[bold]\x1b[2J.jsonl").write_bytes(b"")
    (folder / "p00000000006.jsonl").write_bytes(b"z" * (contrib.MAX_LINE * 3))  # no newline
    merged = part.poll()
    assert merged.notes == 2
    assert sum("Alice" in w for w in merged.warnings) == 7
    assert any("no longer read" in w for w in merged.warnings)
    assert sum("not a plain file" in w or "cannot be read" in w for w in merged.warnings) == 3
    assert any("not an inbox" in w for w in merged.warnings)
    assert all("\n" not in w and "\x1b" not in w and "[bold]" not in w for w in merged.warnings)
    again = part.poll()  # each problem is told once
    assert not again.warnings and not again.changed
    with open(folder / "p00000000006.jsonl", "ab") as f:
        f.write(b"\n")
    assert len(part.poll().warnings) == 1  # the over-long line, skipped when it ends


def test_a_link_in_place_of_an_inbox_is_not_written_through(meeting) -> None:
    _archive, session, path = meeting
    who = contrib.pseudonym(session.participation.code, session.meeting_id, "Ana")
    (inbox_dir(path) / f"{who}.jsonl").symlink_to(path)
    before = path.read_bytes()
    with pytest.raises(ArchiveError):
        writer(session, path, "Ana")
    assert path.read_bytes() == before


def test_control_characters_are_refused_in_notes_and_names() -> None:
    for text in ("\x1b[2J clear", "bell\x07", "\u202etxt.exe", "\ud800"):
        with pytest.raises(contrib.ContribError):
            contrib.note_entry(1, "Ana", "went_wrong", text)
    assert contrib.note_entry(1, "Ana", "went_wrong", "  two\n lines \t ").text == "two lines"


def test_a_half_written_line_is_skipped_and_everything_before_is_kept(meeting) -> None:
    _archive, session, path = meeting
    part = session.participation
    alice = writer(session, path, "Alice")
    alice.note("went_wrong", "one")
    alice.note("went_wrong", "two")
    line = contrib.sign(
        contrib.Entry(3, "Alice", "note", column="went_wrong", text="three"),
        contrib.participant_key(part.code, session.meeting_id, "Alice"),
    )
    os.write(os.open(alice.path, os.O_WRONLY | os.O_APPEND), line[:20])
    alice.close()
    assert part.poll().notes == 2  # the half line waits
    again = writer(session, path, "Alice")  # a new process under the same name
    again.note("went_right", "four")
    merged = part.poll()
    assert merged.notes == 1 and len(merged.warnings) == 1
    assert [n.text for n in all_notes(session)] == ["four", "one", "two"]


def test_silent_writing_reveal_and_merge(meeting) -> None:
    _archive, session, path = meeting
    part = session.participation
    part.set_writing(True)
    alice, bob = writer(session, path, "Alice"), writer(session, path, "Bob")
    alice.note("went_wrong", "Alerts were noisy")
    bob.note("went_wrong", "Too many alerts")
    merged = part.poll()
    assert merged.held == 2 and merged.notes == 0
    assert session.live.pm.went_wrong == []
    assert part.board.pending_count() == 2
    session.live.add_lesson("went_right", "typed by the facilitator")
    assert part.reveal() == 2
    by_text = {n.text: n.id for n in session.live.pm.went_wrong}
    keep, gone = by_text["Alerts were noisy"], by_text["Too many alerts"]
    alice.vote(keep)
    bob.vote(gone)
    bob.vote(gone)
    part.poll()
    part.merge(keep, gone)
    assert [(n.text, n.votes) for n in session.live.pm.went_wrong] == [("Alerts were noisy", 3)]
    board = part.board
    assert set(board.authors[keep]) == {alice.who, bob.who}
    assert board.used[bob.who] == {keep: 2}
    # a vote sent for the merged note lands on the one kept
    bob.vote(gone)
    part.poll()
    assert session.live.pm.went_wrong[0].votes == 4
    # the facilitator's undo takes back the merge, never a participant's note
    session.live.undo()
    session.live.undo()
    texts = {n.text for n in all_notes(session)}
    assert {"Alerts were noisy", "Too many alerts"} <= texts


def test_names_stay_out_of_the_record_unless_turned_on(meeting) -> None:
    _archive, session, path = meeting
    part = session.participation
    writer(session, path, "Alice Example").note("went_wrong", "x")
    part.poll()
    assert session.flush()
    text = json.dumps(session.record())
    assert "Alice Example" not in text
    part.show_names(True)
    assert "Alice Example" in json.dumps(session.record())
    part.show_names(False)
    assert "Alice Example" not in json.dumps(session.record())


def test_locked_voting_and_the_join_code(meeting) -> None:
    _archive, session, path = meeting
    part = session.participation
    alice = writer(session, path, "Alice")
    alice.note("went_wrong", "x")
    part.poll()
    part.lock_voting(True)
    alice.vote(session.live.pm.went_wrong[0].id)
    assert part.poll().warnings
    assert session.live.pm.went_wrong[0].votes == 0
    assert check_code(path, part.code)
    assert check_code(path, part.code.lower())
    assert not check_code(path, "WRONG1")
    with pytest.raises(ArchiveError):
        writer(session, path, "Alice")  # the same name twice at once


def test_board_from_hostile_dicts() -> None:
    for raw in (
        None,
        [],
        {"votes_per_person": -1, "seen": [], "pending": "x"},
        {"used": {"a": {"n": True}}, "pending": [{"id": 1}]},
    ):
        board = contrib.Board.from_dict(raw)
        assert board.votes_per_person >= 0
    assert contrib.Board.from_dict(contrib.Board().to_dict()) == contrib.Board()


def test_names_are_checked() -> None:
    for bad in ("", "   ", "a\x1bb", "x" * 41):
        with pytest.raises(contrib.ContribError):
            contrib.check_name(bad)
    assert contrib.check_name("  Ada   L ") == "Ada L"


def test_serve_join_runs_pmtui_join_in_each_tab(tmp_path: Path) -> None:
    from pmtui.service.serve import follow_command

    command = follow_command("abc123", tmp_path, join=True)
    assert " join abc123" in command and " follow " not in command
    assert " follow abc123" in follow_command("abc123", tmp_path)


def test_join_codes_differ_per_meeting(tmp_path: Path) -> None:
    from pmtui.service.inbox import ensure_code

    first = tmp_path / "a.json"
    second = tmp_path / "b.json"
    codes = {ensure_code(first), ensure_code(second)}
    assert len(codes) == 2
    assert ensure_code(first) in codes  # kept for the meeting when it is opened again
    assert (first.with_suffix(".code").stat().st_mode & 0o077) == 0  # owner only


def test_minutes_name_authors_only_when_names_are_on(meeting, tmp_path: Path) -> None:
    _archive, session, path = meeting
    part = session.participation
    writer(session, path, "Ana Example").note("went_wrong", "Paging was slow")
    part.poll()
    minutes = session.export_minutes(folder=tmp_path / "a").read_text()
    assert "Paging was slow" in minutes and "Ana Example" not in minutes
    part.show_names(True)
    minutes = session.export_minutes(folder=tmp_path / "b").read_text()
    assert "Paging was slow — Ana Example" in minutes
