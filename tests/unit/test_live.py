"""The live meeting: edits, undo/redo, and the record it hands to the store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pmtui.core import sessionfile
from pmtui.core import whys as whytree
from pmtui.core.clock import FakeClock
from pmtui.core.live import EditError, LiveMeeting
from pmtui.core.models import ActionItem, ActionStatus, Cause, EventKind, Note, Participant

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


@pytest.fixture
def live() -> LiveMeeting:
    return LiveMeeting.new("Checkout errors", 30, FakeClock(T0.timestamp() + 86400))


def test_events_stay_in_time_order_and_equal_times_keep_entry_order(live: LiveMeeting) -> None:
    live.add_event(T0 + timedelta(minutes=5), "second", EventKind.EVENT)
    live.add_event(T0, "first", EventKind.START)
    live.add_event(T0 + timedelta(minutes=5), "third, same time as second", EventKind.EVENT)
    assert [e.text for e in live.events()] == ["first", "second", "third, same time as second"]
    third = live.events()[2].id
    moved = live.move_event(third, -1)
    assert moved == 1
    assert [e.text for e in live.events()][1:] == ["third, same time as second", "second"]
    assert live.events()[1].id == third
    with pytest.raises(EditError, match="time order"):
        live.move_event(live.events()[0].id, 1)
    with pytest.raises(EditError, match="no longer there"):
        live.move_event("gone", 1)


def test_update_event_resorts(live: LiveMeeting) -> None:
    live.add_event(T0, "a", EventKind.START)
    live.add_event(T0 + timedelta(minutes=1), "b", EventKind.EVENT)
    first = live.events()[0].id
    index = live.update_event(first, T0 + timedelta(minutes=2), "a later", EventKind.DETECTION)
    assert index == 1
    assert [(e.text, e.kind) for e in live.events()] == [
        ("b", EventKind.EVENT),
        ("a later", EventKind.DETECTION),
    ]
    assert live.events()[1].id == first  # an edit keeps the id


def test_undo_and_redo_are_exact(live: LiveMeeting) -> None:
    wrong = live.add_lesson("went_wrong", "Backups were never restored in a drill")
    right = live.add_lesson("went_right", "Replication caught up quickly")
    live.delete_lesson(wrong)
    assert live.pm.went_wrong == []
    assert live.undo() == "delete note"
    assert live.pm.went_wrong == [Note("Backups were never restored in a drill", id=wrong)]
    assert live.undo() == "add note"
    assert live.pm.went_right == []
    assert live.redo() == "add note"
    assert live.pm.went_right == [Note("Replication caught up quickly", id=right)]
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
    note = live.add_lesson("went_right", "Paging worked")
    live.vote(note, +1)
    index = live.move_lesson(note, "got_lucky")
    assert index == 0
    assert live.pm.went_right == [] and live.pm.got_lucky == [Note("Paging worked", 1, note)]
    assert live.find_note(note) == ("got_lucky", 0)


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
    live.update_action(item.id, ActionItem(title=item.title, status=ActionStatus.DONE))
    assert live.pm.action_items[0].status is ActionStatus.DONE
    assert live.pm.action_items[0].id == item.id  # the edit kept the item's id
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
    assert live.engine.view(clock.now()).stage.key == "setup"
    live.control("next")  # past the set-up, before the clock starts
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

    def event(i: int) -> str:
        return live.events()[i].id

    note = live.pm.went_wrong[0].id
    action = live.pm.action_items[0].id
    edits = [
        lambda: live.update_event(event(0), T0, "first, edited", EventKind.DETECTION),
        lambda: live.add_event(T0, "second", EventKind.EVENT),
        lambda: live.move_event(event(1), -1),
        lambda: live.update_lesson(note, "note, edited"),
        lambda: live.vote(note, +1),
        lambda: live.add_lesson("went_wrong", "another note"),
        lambda: live.vote(live.pm.went_wrong[-1].id, +2),
        lambda: live.sort_by_votes("went_wrong"),
        lambda: live.move_lesson(note, "got_lucky"),
        lambda: live.update_chain(chain, "problem, edited"),
        lambda: live.add_answer(chain, "another answer"),
        lambda: live.update_answer(chain, (0,), "answer, edited"),
        lambda: live.mark_cause(chain, (0,), Cause.ROOT),
        lambda: live.link_action(action, live.pm.whys[chain].answers[0].id),
        lambda: live.add_answer(chain, "a branch", ()),
        lambda: live.delete_answer(chain, (0, 0)),
        lambda: live.update_action(action, ActionItem(title="action, edited")),
        lambda: live.set_participants([Participant("Ada", "Facilitator")]),
        lambda: live.set_field("summary", "after"),
        lambda: live.delete_event(event(0)),
        lambda: live.delete_lesson(note),
        lambda: live.delete_chain(chain),
        lambda: live.delete_action(action),
    ]
    for edit in edits:
        version = live.version
        edit()
        assert live.version == version + 1  # each is one undo step
    for _ in edits:
        assert live.undo() is not None
    assert sessionfile.to_record(live.pm) | {"updated_at": ""} == before | {"updated_at": ""}


def test_dot_votes_follow_their_note_and_sort(live: LiveMeeting) -> None:
    paging, runbook, dashboards = (
        live.add_lesson("went_wrong", note)
        for note in ("Paging was slow", "Runbook was stale", "Dashboards lagged")
    )
    assert live.vote(runbook, +1) == 1
    assert live.vote(runbook, +1) == 2
    assert live.vote(dashboards, +1) == 1
    assert live.vote(paging, -1) == 0  # never below zero
    live.sort_by_votes("went_wrong")
    assert [n.text for n in live.pm.went_wrong] == [
        "Runbook was stale",
        "Dashboards lagged",
        "Paging was slow",
    ]
    assert [n.id for n in live.pm.went_wrong] == [runbook, dashboards, paging]
    live.update_lesson(runbook, "The runbook was stale")
    assert live.pm.went_wrong[0] == Note("The runbook was stale", 2, runbook)
    live.move_lesson(dashboards, "got_lucky")
    assert live.pm.got_lucky == [Note("Dashboards lagged", 1, dashboards)]
    assert [n.id for n in live.pm.went_wrong] == [runbook, paging]
    live.delete_lesson(runbook)
    assert [n.id for n in live.pm.went_wrong] == [paging]
    live.undo()
    assert live.pm.went_wrong[0] == Note("The runbook was stale", 2, runbook)
    record = live.record()
    assert {"id": runbook, "text": "The runbook was stale", "votes": 2} in record["went_wrong"]
    assert {"id": paging, "text": "Paging was slow"} in record["went_wrong"]  # no votes
    again = sessionfile.from_record(record)
    assert again.went_wrong == live.pm.went_wrong
    assert again.got_lucky == live.pm.got_lucky


def test_a_vote_counts_for_one_note_even_when_another_reads_the_same(
    live: LiveMeeting,
) -> None:
    """Votes belonged to a note's text: a + on one note showed on both."""
    first = live.add_lesson("went_wrong", "Alerts were noisy")
    second = live.add_lesson("went_wrong", "Alerts were noisy")
    live.vote(second, +1)
    assert [(n.id, n.votes) for n in live.pm.went_wrong] == [(first, 0), (second, 1)]
    live.delete_lesson(second)
    assert live.pm.went_wrong == [Note("Alerts were noisy", 0, first)]


def test_ids_are_fresh_for_new_items_and_survive_undo_and_redo(live: LiveMeeting) -> None:
    live.add_event(T0, "deploy", EventKind.START)
    live.add_event(T0, "deploy", EventKind.START)
    chain = live.add_chain("problem")
    live.add_answer(chain, "answer")
    live.add_action(ActionItem(title="a"))
    live.add_action(ActionItem(title="a"))
    ids = [e.id for e in live.events()]
    ids += [live.pm.whys[0].id, live.pm.whys[0].answers[0].id]
    ids += [a.id for a in live.pm.action_items]
    assert len(set(ids)) == len(ids)
    before = sessionfile.to_record(live.pm)
    live.update_event(ids[0], T0, "deploy, edited", EventKind.EVENT)
    live.update_answer(chain, (0,), "answer, edited")
    live.delete_action(ids[-1])
    for _ in range(3):
        live.undo()
    assert sessionfile.to_record(live.pm) | {"updated_at": ""} == before | {"updated_at": ""}
    for _ in range(3):
        live.redo()
    assert [e.id for e in live.events()] == ids[:2]
    assert live.pm.whys[0].answers[0].id == ids[3]
    assert [a.id for a in live.pm.action_items] == [ids[4]]


def test_the_agenda_is_stored_once_and_old_records_with_their_own_still_open() -> None:
    clock = FakeClock(T0.timestamp())
    live = LiveMeeting.new("Outage", 15, clock)
    live.control("next")  # past the (untimed) set-up
    live.control("start")
    live.engine.set_timebox("lessons", 240, clock.now())
    clock.advance(90)
    record = live.record()
    assert "agenda" not in record["meeting"]["clock"]
    assert record["meeting"]["agenda"][2]["planned_s"] == 240
    reopened = LiveMeeting.from_record(record, clock)
    assert reopened.engine.agenda == live.engine.agenda

    # A record saved before: the clock state (version 1) carried its own agenda.
    old = record["meeting"]["clock"] | {"version": 1, "agenda": live.engine.agenda.to_list()}
    older = record | {"meeting": record["meeting"] | {"clock": old, "agenda": []}}
    again = LiveMeeting.from_record(older, clock)
    assert again.engine.agenda == live.engine.agenda
    assert int(again.engine.view(clock.now()).meeting_elapsed_s) == 90


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


def test_drafts_are_kept_with_the_record_outside_undo_and_exports() -> None:
    clock = FakeClock(T0.timestamp())
    live = LiveMeeting.new("Outage", 15, clock)
    seen: list[int] = []
    live.on_change = lambda: seen.append(live.version)
    assert live.set_draft("event-text", "Fastly config push at 09:47")
    assert not live.set_draft("event-text", "Fastly config push at 09:47")
    assert live.drafts_version == 1 and seen == []  # not an edit: saved on the screen's beat
    live.set_field("summary", "s")
    live.undo()
    assert live.pm.drafts == {"event-text": "Fastly config push at 09:47"}  # undo leaves it
    record = live.record()
    assert record["drafts"] == {"event-text": "Fastly config push at 09:47"}
    assert "drafts" not in sessionfile.to_document(live.pm)  # exports leave drafts out
    reopened = LiveMeeting.from_record(record, clock)
    assert reopened.pm.drafts == live.pm.drafts
    live.set_draft("event-text", "")
    assert "drafts" not in live.record()
    with pytest.raises(EditError):
        live.set_draft("no spaces allowed", "x")


def test_bad_drafts_in_a_file_are_named() -> None:
    doc = {"pmtui": 3, "title": "x", "drafts": {"event-text": 3}}
    with pytest.raises(sessionfile.SessionFileError, match=r"drafts\.event-text"):
        sessionfile.from_document(doc)


def test_the_facilitator_is_a_fact_of_the_meeting_saved_at_once() -> None:
    live = LiveMeeting.new("Outage", 15, FakeClock(T0.timestamp()))
    seen: list[int] = []
    live.on_change = lambda: seen.append(live.version)
    assert live.set_facilitator("  Ada  ")
    assert live.pm.meeting.facilitator == "Ada" and seen == [1]
    assert not live.set_facilitator("Ada")
    assert live.undo() is None  # like the clock, not an undo step
    assert live.record()["meeting"]["facilitator"] == "Ada"
