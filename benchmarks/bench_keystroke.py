"""Keystroke to screen and disk: adding a timeline event in a big meeting, big archive.

Run: python benchmarks/bench_keystroke.py [--adds N] [--archive N] [--events N]

A meeting with 300 timeline events, in an archive of 1,000 meetings, driven by Pilot:
the facilitator types a time and a text. The clock starts when the Enter key reaches the
app (posted as the terminal driver posts it) and stops when a frame showing the new row
has been painted and the record holding it is on disk. Pilot's own `press` is not timed:
it ends by waiting for the process to look idle, in 20 ms sleeps, which costs about 60 ms
even in a bare Textual app. Target: 50 ms median. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
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
from textual.events import Key  # noqa: E402
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
    # The archive was just written: let the kernel finish flushing it, as it has long
    # since done for a real archive, so the saves below do not queue behind it.
    os.sync()
    clock = FakeClock(t0.timestamp() + 86400)
    app = make_app(store, clock, start=Start(meeting_id=meeting_id), cursor_blink=False)
    latencies = []
    painted: list[float] = []
    display = type(app)._display

    def record_paint(self: object, screen: object, renderable: object) -> None:
        painted.append(time.perf_counter())
        display(self, screen, renderable)  # type: ignore[arg-type]

    app._display = record_paint.__get__(app)  # type: ignore[method-assign]
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
            seq = screen._seq
            began = time.perf_counter()
            app.post_message(Key("enter", "\r"))
            while table.row_count == rows:
                await asyncio.sleep(0)
            shown = time.perf_counter()
            assert screen.saver is not None
            while not painted or painted[-1] < shown or screen.saver.saved_version <= seq:
                await asyncio.sleep(0.0005)
            latencies.append((max(painted[-1], time.perf_counter()) - began) * 1000)
            await pilot.pause()
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
