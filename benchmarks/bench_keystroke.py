"""Keystroke to screen and disk: adding a timeline event in a big meeting, big archive.

Run: python benchmarks/bench_keystroke.py [--adds N] [--archive N] [--events N]

A meeting with 300 timeline events, in an archive of 1,000 meetings, driven by Pilot:
the facilitator types a time and a text. The clock starts when the Enter key reaches the
app (posted as the terminal driver posts it) and stops when a frame showing the new row
has been painted and the record holding it is on disk. Pilot's own `press` is not timed:
it ends by waiting for the process to look idle, in 20 ms sleeps, which costs about 60 ms
even in a bare Textual app. Target: 50 ms median. Prints figures, asserts nothing; a
bare Textual app adding a row to a table of the same size is timed the same way in the
same run, so a figure from a busy machine can be read against it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_store import build_archive, meeting  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.events import Key  # noqa: E402
from textual.widgets import DataTable, Footer, Header, Input  # noqa: E402

from pmtui.core.clock import FakeClock  # noqa: E402
from pmtui.core.models import EventKind, TimelineEvent  # noqa: E402
from pmtui.service.archive import Archive  # noqa: E402
from pmtui.service.settings import Settings  # noqa: E402
from pmtui.ui.app import Start, make_app  # noqa: E402
from pmtui.ui.meeting import MeetingScreen  # noqa: E402


def record_paints(app: App[None]) -> list[float]:
    """The times at which the app hands a frame to the terminal, appended as they happen."""
    painted: list[float] = []
    display = type(app)._display

    def record_paint(self: object, screen: object, renderable: object) -> None:
        painted.append(time.perf_counter())
        display(self, screen, renderable)  # type: ignore[arg-type]

    app._display = record_paint.__get__(app)  # type: ignore[method-assign]
    return painted


async def time_enter(
    app: App[None], table: DataTable, painted: list[float], done: Callable[[], bool]
) -> float:
    """Milliseconds from Enter reaching the app to a painted frame holding the new row
    (and `done()`, for pmtui the save, being true)."""
    rows = table.row_count
    began = time.perf_counter()
    app.post_message(Key("enter", "\r"))
    while table.row_count == rows:
        await asyncio.sleep(0)
    shown = time.perf_counter()
    done_at: float | None = None
    while True:
        if done_at is None and done():
            done_at = time.perf_counter()
        if done_at is not None and painted and painted[-1] >= shown:
            return (max(painted[-1], done_at) - began) * 1000
        await asyncio.sleep(0.0005)


async def measure(folder: Path, archive: int, events: int, adds: int) -> list[float]:
    build_archive(folder, archive)
    archive_ = Archive(Settings.load(data=folder, environ={}))
    pm = meeting(archive + 1)
    t0 = datetime(2026, 11, 20, 8, tzinfo=UTC)
    pm.timeline = [
        TimelineEvent(
            t0 + timedelta(seconds=20 * i), f"Event {i} as the scribe wrote it", EventKind.EVENT
        )
        for i in range(events)
    ]
    meeting_id = archive_.add(pm)
    # The archive was just written: let the kernel finish flushing it, as it has long
    # since done for a real archive, so the saves below do not queue behind it.
    os.sync()
    clock = FakeClock(t0.timestamp() + 86400)
    app = make_app(archive_, clock, start=Start(meeting_id=meeting_id), cursor_blink=False)
    latencies = []
    painted = record_paints(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        if screen.live.engine.view(clock.now()).stage.key != "timeline":
            await pilot.press("f5")  # past the set-up, to the timeline
            await pilot.pause()
        table = screen.query_one("#events", DataTable)
        path = folder / "meetings" / f"{meeting_id}.json"
        for i in range(adds):
            await pilot.press(*"+1m", "enter")
            await pilot.press(*f"added {i}")
            session = screen.session
            seq = session.save_state().handed
            latencies.append(
                await time_enter(
                    app, table, painted, lambda s=session, q=seq: s.save_state().landed > q
                )
            )
            await pilot.pause()
            assert f"added {i}" in path.read_text(encoding="utf-8")
        await app.action_quit()
    return latencies


class BareTable(App[None]):
    """The reference: a bare Textual app where Enter adds a row to a 300-row table."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="events")
        yield Input(id="entry")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("time", "kind", "text")
        for i in range(self.rows):
            table.add_row(f"08:{i // 60:02}:{i % 60:02}", "event", f"Event {i} as written")
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).add_row("09:00:00", "event", event.value)
        event.input.value = ""


async def measure_bare(events: int, adds: int) -> list[float]:
    """The same timing, Enter to a painted frame with the new row, in the bare app."""
    app = BareTable(events)
    latencies = []
    painted = record_paints(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.query_one(DataTable)
        for i in range(adds):
            await pilot.press(*f"added {i}")
            latencies.append(await time_enter(app, table, painted, lambda: True))
            await pilot.pause()
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
    bare = sorted(asyncio.run(measure_bare(args.events, args.adds)))
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
    print(
        f"  reference, bare Textual app adding a row to a {args.events}-row table (no disk), "
        f"same run: median {statistics.median(bare):.1f} ms; "
        f"ratio {statistics.median(latencies) / statistics.median(bare):.2f}x"
    )


if __name__ == "__main__":
    main()
