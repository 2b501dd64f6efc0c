"""Participants writing at once: how fast a note reaches the facilitator's screen, and
whether participants slow the facilitator.

Run: python benchmarks/bench_participants.py [--participants N] [--seconds S] [--rounds N]

1. Enter to the facilitator's screen. The facilitator (the meeting screen under Pilot, on
   the lessons stage) runs a meeting; N participant processes (12 by default, each at
   nice 10 as `pmtui join` runs) each send a note every 0.3-1.2 s at random, through
   their own inbox (signed, fsync'd per line). Latency: from the participant's write
   (the time is in the note) to the facilitator's next painted frame after merging it:
   the note in its column, or, in silent writing (the second half of the run), the
   count of hidden notes on the participants' line. Target p95 <= 500 ms.
2. The facilitator's keystroke (Enter in the timeline to the row painted and saved), with
   N participants writing against none, alternating rounds in the same run. Target
   within 1.2x.

Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_follow import T0, big_meeting, percentile  # noqa: E402
from bench_keystroke import record_paints, time_enter  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from pmtui.core.clock import FakeClock  # noqa: E402
from pmtui.service.archive import Archive  # noqa: E402
from pmtui.ui.app import Start, make_app  # noqa: E402
from pmtui.ui.facilitation import ParticipantsBar  # noqa: E402
from pmtui.ui.meeting import MeetingScreen  # noqa: E402

PARTICIPANT = """
import os, random, sys, time
from pathlib import Path
from pmtui.service.follow import yield_to_the_facilitator
from pmtui.service.inbox import InboxWriter
path, meeting, name, code, seconds = sys.argv[1:6]
yield_to_the_facilitator()
w = InboxWriter(Path(path), meeting, name, code)
rng = random.Random(name)
end = time.time() + float(seconds)
i = 0
while time.time() < end:
    time.sleep(rng.uniform(0.3, 1.2))
    w.note(rng.choice(["went_right", "went_wrong", "got_lucky"]), f"{name} {i} @{time.time():.6f}")
    i += 1
"""


def start_participants(
    archive: Archive, meeting_id: str, code: str, n: int, seconds: float
) -> list[subprocess.Popen[bytes]]:
    path = archive.meeting_file(meeting_id)
    return [
        subprocess.Popen(
            [sys.executable, "-c", PARTICIPANT, str(path), meeting_id, f"P{k}", code, str(seconds)]
        )
        for k in range(n)
    ]


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait()


async def note_latency(
    archive: Archive, meeting_id: str, n: int, seconds: float
) -> tuple[list[float], list[float]]:
    """(visible note latencies, hidden-count latencies) in ms."""
    clock = FakeClock(T0.timestamp() + 86400)
    app = make_app(archive, clock, start=Start(meeting_id=meeting_id), cursor_blink=False)
    painted_at = record_paints(app)
    shown: list[float] = []
    counted: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        await pilot.press("f2", "f5")  # start, and on to right / wrong / lucky
        part = screen.session.participation
        assert part is not None
        bar = screen.query_one(ParticipantsBar)
        merge = bar.merge
        waiting: list[tuple[float, bool]] = []

        def traced() -> None:
            seen = {
                n.id
                for c in ("went_right", "went_wrong", "got_lucky")
                for n in getattr(part.live.pm, c)
            }
            held = {p.id for p in part.board.pending}
            merge()
            pm = part.live.pm
            for column in ("went_right", "went_wrong", "got_lucky"):
                for note in getattr(pm, column):
                    if note.id not in seen and "@" in note.text:
                        waiting.append((float(note.text.rsplit("@", 1)[1]), True))
            for p in part.board.pending:
                if p.id not in held:
                    waiting.append((float(p.text.rsplit("@", 1)[1]), False))

        bar.merge = traced  # type: ignore[method-assign]
        procs = start_participants(archive, meeting_id, part.code, n, seconds + 6)
        try:
            await asyncio.sleep(6.0)  # the processes start (Python and pmtui load)
            waiting.clear()
            shown.clear()
            began = time.time()
            silent = False
            while time.time() - began < seconds:
                if not silent and time.time() - began > seconds / 2:
                    await pilot.press("f11")  # silent writing for the second half
                    silent = True
                frames = len(painted_at)
                await asyncio.sleep(0.01)
                if waiting and len(painted_at) > frames:
                    now = time.time()
                    for sent, visible in waiting:
                        (shown if visible else counted).append((now - sent) * 1000)
                    waiting.clear()
        finally:
            stop(procs)
        await app.action_quit()
    return shown, counted


async def keystrokes(archive: Archive, meeting_id: str, n: int, adds: int) -> list[float]:
    clock = FakeClock(T0.timestamp() + 86400)
    app = make_app(archive, clock, start=Start(meeting_id=meeting_id), cursor_blink=False)
    painted = record_paints(app)
    out: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MeetingScreen)
        part = screen.session.participation
        assert part is not None
        procs = start_participants(archive, meeting_id, part.code, n, 600) if n else []
        try:
            await asyncio.sleep(6.0)  # everyone has started, joined and is writing
            table = screen.query_one("#events", DataTable)
            session = screen.session
            for i in range(adds):
                await pilot.press(*"+1m", "enter")
                await pilot.press(*f"added {i}")
                seq = session.save_state().handed
                out.append(
                    await time_enter(
                        app, table, painted, lambda s=session, q=seq: s.save_state().landed > q
                    )
                )
                await pilot.pause()
        finally:
            stop(procs)
        await app.action_quit()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--adds", type=int, default=20)
    args = parser.parse_args()
    n = args.participants
    with tempfile.TemporaryDirectory() as folder:
        archive, meeting_id = big_meeting(Path(folder), 200, 100)
        shown, counted = asyncio.run(note_latency(archive, meeting_id, n, args.seconds))
        both = shown + counted
        print(f"participants: {n} processes writing notes for {args.seconds:.0f} s")
        for label, values in (("note shown", shown), ("hidden count", counted), ("all", both)):
            if values:
                print(
                    f"  participant's Enter -> facilitator's frame ({label}, {len(values)} notes): "
                    f"median {statistics.median(values):.0f} ms, "
                    f"p95 {percentile(values, 0.95):.0f} ms, max {max(values):.0f} ms "
                    "(target: p95 <= 500 ms)"
                )
    by: dict[int, list[float]] = {0: [], n: []}
    for _ in range(args.rounds):
        for k in (0, n):
            with tempfile.TemporaryDirectory() as folder:
                archive, meeting_id = big_meeting(Path(folder), 200, 300)
                by[k] += asyncio.run(keystrokes(archive, meeting_id, k, args.adds))
    none, many = by[0], by[n]
    print(
        "  keystroke, Enter -> row painted and saved: none median "
        f"{statistics.median(none):.1f} ms (p95 {percentile(none, 0.95):.1f}); "
        f"{n} participants writing median "
        f"{statistics.median(many):.1f} ms (p95 {percentile(many, 0.95):.1f}); ratio "
        f"{statistics.median(many) / statistics.median(none):.2f}x (target <= 1.2x)"
    )


if __name__ == "__main__":
    main()
