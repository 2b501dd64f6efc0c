"""The ledger from home: the overdue count, the screen, a decision through the lock."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from pmtui.core.clock import FakeClock
from pmtui.core.models import ActionStatus
from pmtui.ui.ledger import LedgerScreen
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


async def test_home_counts_overdue_items_and_the_ledger_marks_one_done(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        hint = str(app.screen.query_one("#home-hint", Static).render())
        assert "2 overdue action items" in hint
        await pilot.press("a")
        await loaded(pilot)
        assert isinstance(app.screen, LedgerScreen)
        table = app.screen.query_one("#ledger", DataTable)
        assert table.row_count == 2
        first = app.screen._rows[0]
        await pilot.press("d")
        await loaded(pilot)
        item = next(a for a in archive_for(store).load(meeting_id).action_items if a.id == first.id)
        assert item.status is ActionStatus.DONE
        assert table.row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        live = meeting(app).live
        assert live.engine.view(live.clock.now()).stage.key == "actions"
