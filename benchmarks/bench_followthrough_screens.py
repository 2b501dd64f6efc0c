"""The follow-through screens on a big archive: from the key on home to the screen's
"loading…" line, to its rows, and the longest stall of the UI's event loop meanwhile
(a 10 ms timer that arrives late). The same read made on the UI thread, as the ledger
did before, is the baseline: its stall is the whole read.

Run: python benchmarks/bench_followthrough_screens.py [--meetings N] [--data DIR]

Prints figures and asserts nothing (machines here are shared: compare within a run).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_followthrough import generate  # noqa: E402
from textual import events  # noqa: E402

from pmtui.core.clock import FakeClock  # noqa: E402
from pmtui.core.ledger import Filters  # noqa: E402
from pmtui.service.archive import Archive  # noqa: E402
from pmtui.service.ledger import FollowThrough  # noqa: E402
from pmtui.service.settings import Settings  # noqa: E402
from pmtui.ui.app import make_app  # noqa: E402


class Stalls:
    """The longest gap between ticks of a 10 ms timer: how long the UI could not answer."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0

    def tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def reset(self) -> None:
        self.last, self.worst = time.perf_counter(), 0.0


async def screen(
    data: Path, keys: list[str], paste: str, text: str, shown: tuple[str, ...]
) -> tuple[float, ...]:
    """Press `keys` on home (then paste `paste` and press Enter, if given); time until
    one of `shown` is in the widget `text` (the loading line, or a quick answer), until
    the workers are done, and the worst stall."""
    app = make_app(Archive(Settings.load(data=data)), FakeClock(0), cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        stalls = Stalls()
        app.set_interval(0.01, stalls.tick)
        await pilot.pause(0.05)
        if paste:
            await pilot.press(*keys)
            keys = ["enter"]
            app.post_message(events.Paste(paste))
            await pilot.pause()
        stalls.reset()
        t0 = time.perf_counter()
        pressing = asyncio.create_task(pilot.press(*keys))  # it waits for idle: poll meanwhile
        loading = None
        while loading is None and time.perf_counter() - t0 < 60:
            await asyncio.sleep(0.002)
            widgets = app.screen.query(text)
            if widgets and any(word in str(widgets.first().render()) for word in shown):
                loading = time.perf_counter() - t0
        await pressing
        await app.workers.wait_for_complete()
        await pilot.pause()
        return loading or float("nan"), time.perf_counter() - t0, stalls.worst


async def on_ui_thread(data: Path) -> tuple[float, float]:
    """The baseline: the ledger read in the event loop itself."""
    app = make_app(Archive(Settings.load(data=data)), FakeClock(0), cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        stalls = Stalls()
        app.set_interval(0.01, stalls.tick)
        await pilot.pause(0.05)
        stalls.reset()
        t0 = time.perf_counter()
        FollowThrough(app.archive).ledger(Filters())
        await pilot.pause(0.05)
        return time.perf_counter() - t0, stalls.worst


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--data", metavar="DIR", help="an archive to use instead")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(options.data) if options.data else Path(folder)
        if not options.data:
            t0 = time.perf_counter()
            generate(data, options.meetings)
            print(f"generated {options.meetings} meetings in {time.perf_counter() - t0:.1f} s")
        answered = ("searching", "hits", "Nothing")
        cases = [
            ("ledger (a)", ["a"], "", "#ledger-title", ("loading",)),
            ("search (/ zebrafish, first)", ["slash"], "zebrafish", "#search-status", answered),
            ("search (/ zebrafish, again)", ["slash"], "zebrafish", "#search-status", answered),
            ("trends (s)", ["s"], "", "#stats-title", ("loading",)),
        ]
        print(f"{'screen':30} {'loading line':>13} {'filled':>9} {'worst UI stall':>15}")
        for name, keys, paste, text, shown in cases:
            loading, done, stall = asyncio.run(screen(data, keys, paste, text, shown))
            print(f"{name:30} {loading * 1000:10.0f} ms {done:7.2f} s {stall * 1000:12.0f} ms")
        read, stall = asyncio.run(on_ui_thread(data))
        print(
            f"{'baseline: ledger on UI thread':30} {'':>13} {read:7.2f} s {stall * 1000:12.0f} ms"
        )


if __name__ == "__main__":
    main()
