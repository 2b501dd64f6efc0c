"""Keystroke to screen and disk: adding a timeline event in a big meeting, big archive.

Run: python benchmarks/bench_keystroke.py [--adds N] [--archive N] [--events N]

A meeting with 300 timeline events, in an archive of 1,000 meetings, driven by Pilot:
the facilitator types a time and a text; the clock starts when Enter is pressed and stops
when the new row is in the table and the record holding it is on disk. Target: 50 ms
median. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_store import build_archive, meeting  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from pmtui.core import sessionfile  # noqa: E402
from pmtui.core.clock import FakeClock  # noqa: E402
from pmtui.core.models import EventKind, TimelineEvent  # noqa: E402
from pmtui.ui.app import Start, make_app  # noqa: E402
from pmtui.ui.meeting import MeetingScreen  # noqa: E402


async def measure(folder: Path, archive: int, events: int, adds: int) -> list[float]:
    store = build_archive(folder, archive)
    pm = meeting(archive + 1)
    t0 = datetime(2026, 11, 20, 8, tzinfo=UTC)
    pm.timeline = [
        TimelineEvent(
            t0 + timedelta(seconds=20 * i), f"Event {i} as the scribe wrote it", EventKind.EVENT
        )
        for i in range(events)
    ]
    meeting_id = store.create(sessionfile.to_record(pm))
    clock = FakeClock(t0.timestamp() + 86400)
    app = make_app(store, clock, start=Start(meeting_id=meeting_id), cursor_blink=False)
    latencies = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        table = screen.query_one("#events", DataTable)
        path = store.meeting_path(meeting_id)
        for i in range(adds):
            await pilot.press(*"+1m", "enter")
            await pilot.press(*f"added {i}")
            rows = table.row_count
            began = time.perf_counter()
            await pilot.press("enter")
            while table.row_count == rows:
                await asyncio.sleep(0.0005)
            assert screen.saver is not None
            while screen.saver.saved_version < screen._seq:
                await asyncio.sleep(0.0005)
            latencies.append((time.perf_counter() - began) * 1000)
            assert f"added {i}" in path.read_text(encoding="utf-8")
        await app.action_quit()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--adds", type=int, default=30)
    parser.add_argument("--archive", type=int, default=1000)
    parser.add_argument("--events", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        latencies = asyncio.run(measure(Path(folder), args.archive, args.events, args.adds))
    latencies.sort()
    print(
        f"add a timeline event: {args.events} events in the meeting, "
        f"{args.archive} meetings archived, {args.adds} adds"
    )
    print(
        f"  Enter -> row on screen and on disk: median {statistics.median(latencies):.1f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1]:.1f} ms, max {latencies[-1]:.1f} ms "
        "(target: median <= 50 ms)"
    )


if __name__ == "__main__":
    main()
