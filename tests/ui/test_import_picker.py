"""The import picker on the timeline: read an export, choose messages, Enter adds them
as one undo step; Esc adds nothing."""

from __future__ import annotations

from pathlib import Path

from pmtui.core.clock import FakeClock
from pmtui.ui.app import Start
from pmtui.ui.picker import ImportScreen, PickList
from pmtui.ui.stages.timeline import EventTable
from pmtui.ui.widgets.line import Line
from tests.ui.helpers import T0, app_for, meeting, new_store, sample_meeting, type_text

EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "imports" / "slack-s3-2017"


def shown(line: Line) -> str:
    return str(line._shown)  # what the line was last told to show


async def test_pick_search_mark_and_add_as_one_undo_step(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = meeting(app)
        live = screen.live
        before = len(live.pm.timeline)
        screen.set_focus(screen.query_one(EventTable))
        await pilot.press("ctrl+o")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ImportScreen)
        await type_text(pilot, str(EXPORT))
        await pilot.press("tab")
        await type_text(pilot, "#inc-s3-outage")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "8 messages" in shown(picker.query_one("#import-status", Line))
        assert isinstance(app.focused, PickList)
        await pilot.press("space", "space", "down", "2")  # two selected, the fourth a marker
        await pilot.press("slash")
        await type_text(pilot, "clear")
        await pilot.press("enter", "a")
        await pilot.pause()
        count = shown(picker.query_one("#import-count", Line))
        assert count.startswith("4 selected · 1 of 8 shown · marked: detection")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert len(live.pm.timeline) == before + 4
        marked = [e for e in live.pm.timeline if e.text.startswith("Delphine Ruiz")]
        assert marked[0].kind.value == "detection" and marked[0].source
        assert {"Avery Quill", "Brenna Okafor", "Delphine Ruiz", "Casimir Vale"} <= {
            p.name for p in live.pm.participants
        }
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(live.pm.timeline) == before
        await app.action_quit()


async def test_escape_adds_nothing_and_a_bad_path_is_a_message(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = meeting(app)
        before = len(screen.live.pm.timeline)
        screen.set_focus(screen.query_one(EventTable))
        await pilot.press("ctrl+o")
        await pilot.pause()
        picker = app.screen
        await type_text(pilot, str(tmp_path / "nothing.json"))
        await pilot.press("enter")
        await pilot.pause()
        assert "no such file" in shown(picker.query_one("#import-status", Line))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and len(screen.live.pm.timeline) == before
        await app.action_quit()
