"""The follow view and the presenter screen, pinned as snapshots (nobody runs the
meeting, so the follower is waiting and its clock is still)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from pmtui.core.clock import FakeClock
from pmtui.ui.app import Start
from tests.ui.helpers import T0, app_for, new_store, sample_meeting


def follow_app(tmp_path: Path, *, presenter: bool = False) -> Any:
    store = new_store(tmp_path)
    start = Start(meeting_id=sample_meeting(store), follow=True, presenter=presenter)
    return app_for(store, FakeClock(T0.timestamp()), start)


async def settled(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.pause()


def test_follow_view_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(follow_app(tmp_path), terminal_size=(80, 24), run_before=settled)


def test_presenter_at_200x50(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(
        follow_app(tmp_path, presenter=True), terminal_size=(200, 50), run_before=settled
    )
