"""What participants see on the screen-share, pinned as snapshots.

The clock is frozen (FakeClock) and cursors do not blink, so these never flake. Update
them deliberately with `pytest tests/ui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from pmtui.core.clock import FakeClock
from pmtui.ui.app import Start
from tests.ui.helpers import T0, app_for, meeting, new_store, sample_meeting, settle

STAGES = ["timeline", "lessons", "whys", "actions", "wrapup"]


@pytest.fixture(autouse=True)
def same_join_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """The join code and the meeting id on the lessons stage are random: fixed here."""
    monkeypatch.setattr("pmtui.core.contrib.new_code", lambda: "K7P2QX")
    monkeypatch.setattr("pmtui.ui.facilitation.join_command", lambda _id: "pmtui join 3f2a9c01")


def sample_app(tmp_path: Path) -> Any:
    store = new_store(tmp_path)
    return app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=sample_meeting(store)))


def at_stage(index: int, elapsed: float = 0.0) -> Any:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        screen = meeting(pilot.app)  # type: ignore[arg-type]
        clock = screen.live.clock
        await pilot.press("f2")  # start the meeting
        for _ in range(index):
            await pilot.press("f5")
        clock.advance(elapsed)  # type: ignore[attr-defined]
        screen.tick()
        await settle(pilot)
        screen.tick()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("index", range(len(STAGES)), ids=STAGES)
def test_every_stage_at_120x40(snap_compare: Any, tmp_path: Path, index: int) -> None:
    assert snap_compare(
        sample_app(tmp_path), terminal_size=(120, 40), run_before=at_stage(index, elapsed=75)
    )


def test_header_at_80x24_last_minute(snap_compare: Any, tmp_path: Path) -> None:
    # 30-minute preset: the timeline has 6 minutes; at 5:20 the countdown turns amber.
    assert snap_compare(
        sample_app(tmp_path), terminal_size=(80, 24), run_before=at_stage(0, elapsed=320)
    )


def test_overrun_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(
        sample_app(tmp_path), terminal_size=(80, 24), run_before=at_stage(1, elapsed=400)
    )
