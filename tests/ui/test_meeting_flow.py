"""A whole meeting driven by keystrokes, then the stored record checked field by field."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from textual.widgets import ContentSwitcher, DataTable, Input, TextArea

from pmtui.core import sessionfile
from pmtui.core import whys as whytree
from pmtui.core.clock import FakeClock
from pmtui.core.models import ActionStatus, EventKind, Priority, Status
from pmtui.ui import meeting as meeting_screen
from pmtui.ui.app import Start
from pmtui.ui.meeting import MeetingScreen
from tests.ui.helpers import (
    T0,
    app_for,
    burst,
    keys_of,
    meeting,
    new_store,
    past_setup,
    sample_meeting,
    settle,
    type_text,
)


async def test_a_whole_meeting_by_keystrokes(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    clock = FakeClock(T0.timestamp())
    app = app_for(store, clock, Start(new_title="Checkout errors after deploy", minutes=15))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        # 0. Set-up (untimed): what the minutes need, before any time is typed.
        assert app.focused is not None and app.focused.id == "field-title"
        await pilot.press("tab", "tab")  # incident id, severity
        await type_text(pilot, "SEV-2")
        await pilot.press("tab", "tab")  # time zone, facilitator
        await type_text(pilot, "Ada")
        await pilot.press("f5")  # on to the timeline
        await pilot.press("f2")  # start the clock
        assert screen.live.engine.view(clock.now()).running

        # 1. Timeline: time, Enter, text, Enter; the next event right away.
        assert isinstance(app.focused, Input) and app.focused.id == "event-time"
        await type_text(pilot, "09:15")
        await pilot.press("enter")
        await type_text(pilot, "Deploy 4812 reaches all regions")
        await pilot.press("enter")
        await type_text(pilot, "+7m")
        await pilot.press("enter")
        await type_text(pilot, "Checkout error alert fires")
        await pilot.press("enter")
        await type_text(pilot, "09:31")
        await pilot.press("enter")
        await type_text(pilot, "Deploy rolled back")
        await pilot.press("enter")
        # Kinds are set from the table: Ctrl+K cycles the highlighted event's kind.
        table = screen.query_one("#events", DataTable)
        table.focus()
        await pilot.pause()
        table.move_cursor(row=0)
        await pilot.press("ctrl+k")  # event -> start
        table.move_cursor(row=1)
        await pilot.press("ctrl+k", "ctrl+k")  # event -> start -> detection
        table.move_cursor(row=2)
        await pilot.press("ctrl+k", "ctrl+k", "ctrl+k")  # -> mitigation
        clock.advance(200)
        screen.tick()
        await pilot.press("f5")

        # 2. Right / wrong / lucky: quick capture, one after another.
        assert app.focused is not None and app.focused.id == "input-went_right"
        await type_text(pilot, "Rollback took two minutes")
        await pilot.press("enter")
        await type_text(pilot, "Alert fired before customers wrote in")
        await pilot.press("enter")
        screen.query_one("#input-went_wrong", Input).focus()
        await pilot.pause()
        await type_text(pilot, "Canary covered one region only")
        await pilot.press("enter")
        screen.query_one("#list-went_wrong").focus()
        await pilot.pause()
        await pilot.press("ctrl+w")  # start a Five Whys chain from this note
        screen.query_one("#input-got_lucky", Input).focus()
        await pilot.pause()
        await type_text(pilot, "Low traffic on a Sunday")
        await pilot.press("enter")
        clock.advance(150)
        await pilot.press("f5")

        # 3. Five Whys: the chain started from 'went wrong' is there; answer it.
        assert app.focused is not None and app.focused.id == "answer-input"
        for answer in (
            "The bad build reached every region at once",
            "The canary stage checked one region",
            "Canary scope was set by hand per service",
        ):
            await type_text(pilot, answer)
            await pilot.press("enter")
        clock.advance(100)
        await pilot.press("f5")

        # 4. Action items: fill the form and press Enter.
        assert app.focused is not None and app.focused.id == "action-title"
        await type_text(pilot, "Canary every deploy in three regions")
        await pilot.press("tab")
        await type_text(pilot, "Ana")
        await pilot.press("tab")
        await type_text(pilot, "2026-12-04")
        await pilot.press("enter")
        clock.advance(60)
        await pilot.press("f5")

        # 5. Wrap-up: free text, saved half a second after the last key.
        assert app.focused is not None and app.focused.id == "field-summary"
        await type_text(pilot, "A bad build reached all regions; rollback fixed it.")
        screen.query_one("#field-owner", Input).focus()
        await pilot.pause()
        await type_text(pilot, "Ana")
        await pilot.press("enter")
        await pilot.pause(0.7)
        clock.advance(30)
        await pilot.press("f5")  # finish
        await settle(pilot)
        meeting_id = screen.live.pm.id
        assert "✓ saved" in str(screen._save_state())
        await app.action_quit()

    pm = sessionfile.from_record(store.load(meeting_id))
    assert pm.title == "Checkout errors after deploy"
    assert (pm.severity, pm.meeting.facilitator, pm.owner) == ("SEV-2", "Ada", "Ana")
    assert [(e.at, e.kind, e.text) for e in pm.sorted_timeline()] == [
        (
            datetime(2026, 11, 20, 9, 15, tzinfo=UTC),
            EventKind.START,
            "Deploy 4812 reaches all regions",
        ),
        (
            datetime(2026, 11, 20, 9, 22, tzinfo=UTC),
            EventKind.DETECTION,
            "Checkout error alert fires",
        ),
        (datetime(2026, 11, 20, 9, 31, tzinfo=UTC), EventKind.MITIGATION, "Deploy rolled back"),
    ]
    assert [n.text for n in pm.went_right] == [
        "Rollback took two minutes",
        "Alert fired before customers wrote in",
    ]
    assert [n.text for n in pm.went_wrong] == ["Canary covered one region only"]
    assert [n.text for n in pm.got_lucky] == ["Low traffic on a Sunday"]
    assert len(pm.whys) == 1
    assert pm.whys[0].problem == "Canary covered one region only"
    answers = [row.why.text for row in whytree.rows(pm.whys[0])]
    assert answers[-1] == "Canary scope was set by hand per service"
    assert len(answers) == 3 and whytree.depth(pm.whys[0]) == 3
    (item,) = pm.action_items
    assert item.title == "Canary every deploy in three regions"
    assert (item.owner, item.due, item.priority) == ("Ana", date(2026, 12, 4), Priority.P2)
    assert item.status is ActionStatus.OPEN
    assert pm.summary == "A bad build reached all regions; rollback fixed it."
    assert pm.severity == "SEV-2"
    assert pm.status is Status.DRAFT
    spent = {s.stage: s.spent_s for s in pm.meeting.agenda}
    assert spent == {
        "setup": 0,
        "timeline": 200,
        "lessons": 150,
        "whys": 100,
        "actions": 60,
        "wrapup": 30,
    }
    assert pm.meeting.held_at == T0
    assert store.list()[0]["open_actions"] == 1


async def test_reopening_resumes_paused_where_it_was(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    clock = FakeClock(T0.timestamp())
    app = app_for(store, clock, Start(new_title="Reopen me", minutes=20))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        await past_setup(pilot)
        await pilot.press("f2")
        clock.advance(90)
        await pilot.press("f5")
        clock.advance(40)
        await type_text(pilot, "Pager reached the right team")
        await pilot.press("enter")
        await settle(pilot)
        meeting_id = screen.live.pm.id
        # No quit through the screen: the session ends here (as when the process dies
        # right after its last save) and the lock is released.
        assert screen.session.close()

    clock.advance(3600)
    again = app_for(store, clock, Start(meeting_id=meeting_id))
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(again)
        view = screen.live.engine.view(clock.now())
        assert not view.running and view.stage.key == "lessons"
        assert int(view.meeting_elapsed_s) == 130
        assert [n.text for n in screen.live.pm.went_right] == ["Pager reached the right team"]
        assert "paused" in str(screen.query_one("#header-meeting").render())
        await again.action_quit()


async def test_back_undoes_an_accidental_next_and_undo_restores_a_deleted_event(
    tmp_path: Path,
) -> None:
    from tests.ui.helpers import sample_meeting

    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    clock = FakeClock(T0.timestamp())
    app = app_for(store, clock, Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        events = len(screen.live.pm.timeline)
        table = screen.query_one("#events", DataTable)
        table.focus()
        await pilot.pause()
        await pilot.press("delete")
        assert len(screen.live.pm.timeline) == events - 1
        await pilot.press("ctrl+z")
        assert len(screen.live.pm.timeline) == events
        await pilot.press("f5", "f4")
        assert screen.live.engine.view(clock.now()).stage.key == "timeline"
        await settle(pilot)
        await app.action_quit()
    assert len(store.load(meeting_id)["timeline"]) == events


async def test_a_second_app_on_the_same_meeting_is_read_only(tmp_path: Path) -> None:
    from tests.ui.helpers import sample_meeting

    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    holder = store.open(meeting_id)
    before = store.meeting_path(meeting_id).read_bytes()
    clock = FakeClock(T0.timestamp())
    app = app_for(store, clock, Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        assert screen.read_only
        assert "READ-ONLY" in str(screen.query_one("#header-title").render())
        await type_text(pilot, "10:00")
        await pilot.press("enter")
        await type_text(pilot, "should not be saved")
        await pilot.press("enter")
        assert all(e.text != "should not be saved" for e in screen.live.pm.timeline)
        await app.action_quit()
    holder.close()
    assert store.meeting_path(meeting_id).read_bytes() == before


def built(screen: MeetingScreen) -> list[str]:
    """The stages whose panes exist, in the order they were built."""
    return [pane.id or "" for pane in screen.query(".stage-pane")]


async def test_keys_typed_right_after_a_stage_key_land_in_that_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fast typist: a stage key and the first words at once, while the stage's pane is
    still being built (it never was). Every character lands in the new stage, in order;
    only the stages visited are built; going back finds the pane it left."""
    monkeypatch.setattr(meeting_screen, "PREBUILD_IDLE_S", 3600)  # none built while idle
    store = new_store(tmp_path)
    clock = FakeClock(T0.timestamp())
    app = app_for(store, clock, Start(new_title="Quick", minutes=15))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        assert built(screen) == ["setup"]
        await burst(pilot, "f5", *keys_of("1402"), "f5", *keys_of("Failover worked"))
        assert screen.query_one("#event-time", Input).value == "1402"
        assert screen.query_one("#input-went_right", Input).value == "Failover worked"
        lessons = screen.query_one("#lessons")
        # F4 back to a built stage, F7 4 to one never built, F6 skips another never built.
        await burst(pilot, "f4", *keys_of("05"), "f7", "4", *keys_of("Add a runbook"), "f6")
        assert screen.query_one("#event-time", Input).value == "140205"
        assert screen.query_one("#action-title", Input).value == "Add a runbook"
        assert screen._stage_key() == "wrapup"
        assert screen.query_one(ContentSwitcher).current == "wrapup"
        assert app.focused is screen.query_one("#field-summary", TextArea)
        assert built(screen) == ["setup", "timeline", "lessons", "actions", "wrapup"]
        # F7's arrows and Enter, in the order sent: Enter never overtakes the arrows.
        await burst(pilot, "f7", "up", "up", "up", "enter", *keys_of(" again"))
        assert screen.query_one("#lessons") is lessons  # kept, not built again
        assert app.focused is screen.query_one("#input-went_right", Input)
        assert app.focused.value == "Failover worked again"
        await app.action_quit()
    assert store.load(store.list()[0]["id"])["drafts"]["action-title"] == "Add a runbook"


async def test_the_next_stage_is_built_while_nobody_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a second with no key, the next stage's pane (one pane, only the next); a key
    within that second postpones it."""
    monkeypatch.setattr(meeting_screen, "PREBUILD_IDLE_S", 3600)  # the timer, by hand
    store = new_store(tmp_path)
    clock = FakeClock(T0.timestamp())
    app = app_for(store, clock, Start(new_title="Quick", minutes=15))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        assert built(screen) == ["setup"]
        app.last_key_at = time.monotonic()  # a key just now
        await screen._prebuild_next()
        assert built(screen) == ["setup"]
        assert screen._prebuild is not None  # tried again when the second is up
        app.last_key_at = time.monotonic() - 3600
        await screen._prebuild_next()
        assert built(screen) == ["setup", "timeline"]
        await screen._prebuild_next()  # the next stage is there: nothing further
        assert built(screen) == ["setup", "timeline"]
        monkeypatch.setattr(meeting_screen, "PREBUILD_IDLE_S", 0.1)
        await pilot.press("f5")  # shown at once, the one built while idle
        assert screen.query_one(ContentSwitcher).current == "timeline"
        assert app.focused is screen.query_one("#event-time", Input)
        # The timer itself, armed by F5: the stage after the timeline, once idle.
        for _ in range(100):
            if "lessons" in built(screen):
                break
            await pilot.pause(0.05)
        assert built(screen) == ["setup", "timeline", "lessons"]
        await app.action_quit()


@pytest.mark.parametrize("status", ["published", "in review"])
async def test_opening_and_quitting_keeps_the_status(tmp_path: Path, status: str) -> None:
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    with store.open(meeting_id) as handle:
        handle.save({**handle.record, "status": status})
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # Every stage is built (the wrap-up's status box among them) before quitting.
        await pilot.press("f7", "5")
        await settle(pilot)
        await app.action_quit()
    assert store.load(meeting_id)["status"] == status


async def test_undoing_an_edit_of_the_incident_id_puts_the_header_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pmtui.ui.stages.fields.DEBOUNCE_S", 0.01)
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store, at_setup=True)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        before = screen.live.pm.incident_id
        field = screen.query_one("#field-incident_id", Input)
        field.focus()
        await pilot.press("end")
        await type_text(pilot, " X")
        await pilot.pause(0.05)  # the pause after typing commits it
        await settle(pilot)
        assert f"{before} X" in str(screen.query_one("#header-title").render())
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert screen.live.pm.incident_id == before
        assert field.value == before
        title = str(screen.query_one("#header-title").render())
        assert before in title and f"{before} X" not in title


async def test_a_pane_whose_mount_comes_after_the_meeting_closed_mounts_nothing(
    tmp_path: Path,
) -> None:
    """A stage pane built while nobody types can have its mount run after the meeting
    screen is gone (quitting just then): it must not try to mount its coach line."""
    from pmtui.ui.stages.base import StagePane

    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        pane = meeting_screen.new_pane(app, "lessons", screen.live, read_only=False)
        assert not pane.is_attached
        StagePane.on_mount(pane)  # as Textual runs it for a pane removed before its mount
        assert pane._coach_line is None and not pane.children
