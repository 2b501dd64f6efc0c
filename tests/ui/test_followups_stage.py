"""The Follow-ups stage: a new meeting reviews earlier meetings' open items, and a
decision there changes the other meeting's record (through its lock)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from pmtui.core.agenda import scaled
from pmtui.core.clock import FakeClock
from pmtui.core.models import ActionStatus
from pmtui.ui.app import Start
from tests.ui.helpers import (
    T0,
    app_for,
    archive_for,
    loaded,
    meeting,
    new_store,
    sample_meeting,
    settle,
)


def test_presets_give_the_review_one_or_two_minutes() -> None:
    for minutes, review in ((15, 60), (20, 60), (30, 120)):
        agenda = scaled(minutes, follow_ups=True)
        # After the untimed set-up, before the timeline.
        assert [s.key for s in agenda.stages[:3]] == ["setup", "followups", "timeline"]
        assert agenda.stages[1].timebox_s == review
        assert agenda.total_s == minutes * 60 and len(agenda.stages) == 7
    assert "followups" not in [s.key for s in scaled(30).stages]


async def test_a_decision_is_written_to_the_other_meeting(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    earlier = sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()), Start(new_title="New outage", minutes=15))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        assert screen.live.engine.agenda.stages[1].key == "followups"
        await pilot.press("f5")  # from the set-up to the follow-ups
        await settle(pilot)
        await loaded(pilot)
        table = screen.query_one("#followups-table", DataTable)
        assert table.row_count == 2  # the sample's open items
        # One coach line, as every pane has (its mount once ran StagePane's twice).
        assert len(screen.query_one("#followups").query(".coach-line")) == 1
        table.focus()
        await pilot.press("ctrl+x")
        await settle(pilot)
        decided = screen.live.pm.follow_ups
        assert len(decided) == 1 and decided[0].decision == "done"
        other = archive_for(store).load(earlier)
        item = next(a for a in other.action_items if a.id == decided[0].action_id)
        assert item.status is ActionStatus.DONE
