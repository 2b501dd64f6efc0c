"""The live meeting: edits, undo/redo, and the record it hands to the store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pmtui.core import sessionfile
from pmtui.core import whys as whytree
from pmtui.core.clock import FakeClock
from pmtui.core.live import EditError, LiveMeeting
from pmtui.core.models import ActionItem, ActionStatus, Cause, EventKind, Participant

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


@pytest.fixture
def live() -> LiveMeeting:
    return LiveMeeting.new("Checkout errors", 30, FakeClock(T0.timestamp() + 86400))


def test_events_stay_in_time_order_and_equal_times_keep_entry_order(live: LiveMeeting) -> None:
    live.add_event(T0 + timedelta(minutes=5), "second", EventKind.EVENT)
    live.add_event(T0, "first", EventKind.START)
    live.add_event(T0 + timedelta(minutes=5), "third, same time as second", EventKind.EVENT)
    assert [e.text for e in live.events()] == ["first", "second", "third, same time as second"]
    moved = live.move_event(2, -1)
    assert moved == 1
    assert [e.text for e in live.events()][1:] == ["third, same time as second", "second"]
    with pytest.raises(EditError, match="time order"):
        live.move_event(0, 1)


def test_update_event_resorts(live: LiveMeeting) -> None:
    live.add_event(T0, "a", EventKind.START)
    live.add_event(T0 + timedelta(minutes=1), "b", EventKind.EVENT)
    index = live.update_event(0, T0 + timedelta(minutes=2), "a later", EventKind.DETECTION)
    assert index == 1
    assert [(e.text, e.kind) for e in live.events()] == [
        ("b", EventKind.EVENT),
        ("a later", EventKind.DETECTION),
    ]


def test_undo_and_redo_are_exact(live: LiveMeeting) -> None:
    live.add_lesson("went_wrong", "Backups were never restored in a drill")
    live.add_lesson("went_right", "Replication caught up quickly")
    live.delete_lesson("went_wrong", 0)
    assert live.pm.went_wrong == []
    assert live.undo() == "delete note"
    assert live.pm.went_wrong == ["Backups were never restored in a drill"]
    assert live.undo() == "add note"
    assert live.pm.went_right == []
    assert live.redo() == "add note"
    assert live.pm.went_right == ["Replication caught up quickly"]
    live.add_lesson("got_lucky", "It happened in office hours")
    assert live.redo() is None  # a new edit clears what could be redone


def test_refused_edit_changes_nothing(live: LiveMeeting) -> None:
    version = live.version
    with pytest.raises(EditError):
        live.add_lesson("went_right", "   ")
    with pytest.raises(EditError):
        live.set_field("title", "")
    with pytest.raises(EditError, match="not a known IANA"):
        live.set_field("timezone", "Mars/Base")
    assert live.version == version
    assert live.undo() is None


def test_lessons_move_between_columns(live: LiveMeeting) -> None:
    live.add_lesson("went_right", "Paging worked")
    index = live.move_lesson("went_right", 0, "got_lucky")
    assert index == 0
    assert live.pm.went_right == [] and live.pm.got_lucky == ["Paging worked"]


def test_whys_chains_and_actions(live: LiveMeeting) -> None:
    chain = live.add_chain("The database was deleted")
    live.add_answer(chain, "A cleanup command ran against the primary")
    live.add_answer(chain, "Both hosts had the same prompt")
    live.update_answer(chain, (0, 0), "Both hosts looked the same in the shell prompt")
    assert [r.why.text for r in whytree.rows(live.pm.whys[0])] == [
        "A cleanup command ran against the primary",
        "Both hosts looked the same in the shell prompt",
    ]
    item = ActionItem(title="Colour-code production prompts", owner="Dana", due=date(2026, 12, 1))
    live.add_action(item)
    live.update_action(0, ActionItem(title=item.title, status=ActionStatus.DONE))
    assert live.pm.action_items[0].status is ActionStatus.DONE
    with pytest.raises(EditError):
        live.add_action(ActionItem(title=" "))


def test_participants_and_fields(live: LiveMeeting) -> None:
    assert live.set_participants([Participant("Ada", "Facilitator"), Participant(" ", "x")])
    assert live.pm.participants == [Participant("Ada", "Facilitator")]
    assert not live.set_participants([Participant("Ada", "Facilitator")])
    assert live.set_field("timezone", "Europe/Amsterdam")
    assert not live.set_field("timezone", "Europe/Amsterdam")


def test_record_keeps_clock_and_time_spent_and_reopens_paused() -> None:
    clock = FakeClock(T0.timestamp())
    live = LiveMeeting.new("Outage", 15, clock)
    live.control("start")
    clock.advance(125)
    live.control("next")
    clock.advance(30)
    record = live.record()
    assert record["meeting"]["clock"]
    spent = {s["stage"]: s["spent_s"] for s in record["meeting"]["agenda"]}
    assert spent["timeline"] == 125
    assert spent["lessons"] == 30
    assert sum(s["planned_s"] for s in record["meeting"]["agenda"]) == 15 * 60
    assert record["meeting"]["held_at"] == "2026-11-20T14:00:00Z"  # when it started

    clock.advance(600)  # the process was killed; ten minutes pass before reopening
    reopened = LiveMeeting.from_record(record, clock)
    view = reopened.engine.view(clock.now())
    assert not view.running
    assert view.stage.key == "lessons"
    assert int(view.meeting_elapsed_s) == 155


def test_damaged_clock_state_is_a_clear_error() -> None:
    clock = FakeClock(T0.timestamp())
    record = LiveMeeting.new("Outage", 15, clock).record()
    record["meeting"]["clock"] = {"nonsense": True}
    with pytest.raises(sessionfile.SessionFileError, match=r"meeting\.clock"):
        LiveMeeting.from_record(record, clock)


def test_undo_snapshots_are_not_changed_by_later_edits(live: LiveMeeting) -> None:
    """Undo keeps shallow snapshots; every kind of edit must leave them alone."""
    live.add_event(T0, "first", EventKind.START)
    live.add_lesson("went_wrong", "note")
    chain = live.add_chain("problem")
    live.add_answer(chain, "answer")
    live.add_action(ActionItem(title="action"))
    live.set_participants([Participant("Ada", "Scribe")])
    live.set_field("summary", "before")
    before = sessionfile.to_record(live.pm)
    edits = [
        lambda: live.update_event(0, T0, "first, edited", EventKind.DETECTION),
        lambda: live.add_event(T0, "second", EventKind.EVENT),
        lambda: live.move_event(1, -1),
        lambda: live.update_lesson("went_wrong", 0, "note, edited"),
        lambda: live.move_lesson("went_wrong", 0, "got_lucky"),
        lambda: live.update_chain(chain, "problem, edited"),
        lambda: live.add_answer(chain, "another answer"),
        lambda: live.update_answer(chain, (0,), "answer, edited"),
        lambda: live.mark_cause(chain, (0,), Cause.ROOT),
        lambda: live.link_action(0, "answer, edited"),
        lambda: live.add_answer(chain, "a branch", ()),
        lambda: live.delete_answer(chain, (0, 0)),
        lambda: live.update_action(0, ActionItem(title="action, edited")),
        lambda: live.set_participants([Participant("Ada", "Facilitator")]),
        lambda: live.set_field("summary", "after"),
        lambda: live.delete_event(0),
        lambda: live.delete_chain(chain),
        lambda: live.delete_action(0),
    ]
    for edit in edits:
        edit()
    for _ in edits:
        assert live.undo() is not None
    assert sessionfile.to_record(live.pm) | {"updated_at": ""} == before | {"updated_at": ""}


def test_dot_votes_follow_their_note_and_sort(live: LiveMeeting) -> None:
    for note in ("Paging was slow", "Runbook was stale", "Dashboards lagged"):
        live.add_lesson("went_wrong", note)
    assert live.vote("went_wrong", 1, +1) == 1
    assert live.vote("went_wrong", 1, +1) == 2
    assert live.vote("went_wrong", 2, +1) == 1
    assert live.vote("went_wrong", 0, -1) == 0  # never below zero
    live.sort_by_votes("went_wrong")
    assert live.pm.went_wrong == ["Runbook was stale", "Dashboards lagged", "Paging was slow"]
    live.update_lesson("went_wrong", 0, "The runbook was stale")
    assert live.pm.votes_for("went_wrong", "The runbook was stale") == 2
    live.move_lesson("went_wrong", 1, "got_lucky")
    assert live.pm.votes_for("got_lucky", "Dashboards lagged") == 1
    assert live.pm.votes_for("went_wrong", "Dashboards lagged") == 0
    live.delete_lesson("went_wrong", 0)
    assert "The runbook was stale" not in live.pm.votes.get("went_wrong", {})
    live.undo()
    assert live.pm.votes_for("went_wrong", "The runbook was stale") == 2
    record = live.record()
    assert {"text": "The runbook was stale", "votes": 2} in record["went_wrong"]
    assert "Paging was slow" in record["went_wrong"]  # no votes: still a plain string
    again = sessionfile.from_record(record)
    assert again.votes == live.pm.votes


def test_every_change_is_announced_once_and_refused_edits_are_not(live: LiveMeeting) -> None:
    seen: list[int] = []
    live.on_change = lambda: seen.append(live.version)
    live.add_event(T0, "a", EventKind.START)
    with pytest.raises(EditError):
        live.add_event(T0, "   ", EventKind.EVENT)
    live.set_field("summary", "s")
    live.undo()
    live.redo()
    assert seen == [1, 2, 3, 4]
    live.control("start")  # the clock is saved by the meeting screen itself
    assert seen == [1, 2, 3, 4]
