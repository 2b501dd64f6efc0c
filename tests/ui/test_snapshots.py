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
SIZES = [(80, 24), (120, 40), (200, 50)]
# Long texts, as people really write them, so the screens pin how they wrap.
LONG_EVENT = (
    "Database load alert fires for db1 and db2; replication lag on the secondary reaches "
    "4 GB and the on-call engineer begins to compare pg_basebackup output with the runbook"
)
LONG_NOTE = (
    "Five backup and replication mechanisms were configured, and none of them was verified "
    "end to end before the day it was needed"
)
LONG_ACTION = (
    "Restore the latest production backup into staging every week and page the database "
    "team when the restore or its checksum comparison fails"
)


@pytest.fixture(autouse=True)
def same_join_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """The join code and the meeting id on the lessons stage are random: fixed here."""
    monkeypatch.setattr("pmtui.core.contrib.new_code", lambda: "K7P2QX")
    monkeypatch.setattr("pmtui.ui.facilitation.join_command", lambda _id: "pmtui join 3f2a9c01")


def sample_app(tmp_path: Path, *, at_setup: bool = False) -> Any:
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store, at_setup=at_setup)
    with store.open(meeting_id) as handle:
        record = dict(handle.record)
        first = record["timeline"][0]
        record["timeline"] = [*record["timeline"], {**first, "id": "long", "text": LONG_EVENT}]
        record["went_wrong"] = [LONG_NOTE, *record.get("went_wrong", [])]
        action = {"title": LONG_ACTION, "owner": "Database on-call", "due": "2026-12-04"}
        record["action_items"] = [action, *record.get("action_items", [])]
        handle.save(record)
    return app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))


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


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("index", range(len(STAGES)), ids=STAGES)
def test_every_stage_at_every_size(
    snap_compare: Any, tmp_path: Path, index: int, size: tuple[int, int]
) -> None:
    assert snap_compare(
        sample_app(tmp_path), terminal_size=size, run_before=at_stage(index, elapsed=75)
    )


def test_setup_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(
        sample_app(tmp_path, at_setup=True), terminal_size=(80, 24), run_before=run_before
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
