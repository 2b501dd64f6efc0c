"""The ledger from home: the overdue count, the screen, a decision through the lock."""

from __future__ import annotations

from pathlib import Path

import pytest
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


async def test_home_shows_the_rows_before_the_overdue_counts_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from pmtui.service.ledger import FollowThrough

    store = new_store(tmp_path)
    sample_meeting(store)
    go = threading.Event()
    real = FollowThrough.overdue_counts

    def slow(self: FollowThrough, summaries: list[dict[str, object]]) -> object:
        go.wait(10)
        return real(self, summaries)

    monkeypatch.setattr(FollowThrough, "overdue_counts", slow)
    app = app_for(store, FakeClock(T0.timestamp()))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(50):  # the rows, while the counts are still being read
            await pilot.pause(0.02)
            if app.screen.query_one("#meetings", DataTable).row_count:
                break
        assert app.screen.query_one("#meetings", DataTable).row_count == 1
        hint = str(app.screen.query_one("#home-hint", Static).render())
        assert "Enter opens" in hint and "overdue" not in hint
        go.set()
        await loaded(pilot)
        hint = str(app.screen.query_one("#home-hint", Static).render())
        assert "Enter opens" in hint and "2 overdue action items" in hint
