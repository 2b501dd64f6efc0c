"""The sync-conflict banner and dialog in the meeting (pmtui.ui.conflicts)."""

from __future__ import annotations

from pathlib import Path

from pmtui.core import merge
from pmtui.core.clock import FakeClock
from pmtui.ui.app import Start
from pmtui.ui.conflicts import ConflictBanner, ConflictDialog
from tests.ui.helpers import T0, app_for, meeting, new_store, sample_meeting, settle


def conflicted(folder: Path) -> tuple[object, str]:
    store = new_store(folder)
    meeting_id = sample_meeting(store)
    base = store.load(meeting_id)
    ours = dict(base, title="Ours", updated_at="2030-01-01T00:00:02Z")
    theirs = dict(base, title="Theirs", updated_at="2030-01-01T00:00:01Z")
    record = merge.merge_records(base, ours, theirs).record
    with store.open(meeting_id) as handle:
        handle.save(record)
    return store, meeting_id


async def test_the_banner_and_taking_the_other_value(tmp_path: Path) -> None:
    store, meeting_id = conflicted(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        banner = app.screen.query_one(ConflictBanner)
        assert banner.display and "1 sync conflict" in str(banner.render())
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        await pilot.press("o")
        await settle(pilot)
        screen = meeting(app)
        assert screen.live.pm.title == "Theirs" and screen.live.pm.conflicts == []
        assert not screen.query_one(ConflictBanner).display
        await pilot.press("ctrl+z")  # undoable like any edit
        await settle(pilot)
        assert screen.live.pm.title == "Ours" and len(screen.live.pm.conflicts) == 1
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press("k")
        await settle(pilot)
    assert store.load(meeting_id)["title"] == "Ours"  # type: ignore[attr-defined]
    assert "conflicts" not in store.load(meeting_id)  # type: ignore[attr-defined]


async def test_no_banner_without_conflicts(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one(ConflictBanner).display
        await pilot.press("f12")
        await pilot.pause()
        assert not isinstance(app.screen, ConflictDialog)
