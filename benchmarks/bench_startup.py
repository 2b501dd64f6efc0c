"""Time to first frame: `pmtui demo` against a bare Textual app with a Header and Footer.

Run: python benchmarks/bench_startup.py [--runs N]

Each run is a fresh Python process, measured from interpreter start (before any import)
to the first frame painted (headless). pmtui goes through the real `pmtui demo` command:
CLI, sample import into a throw-away archive, meeting screen. The two are alternated in
one run and the ratio of medians printed: the target is at most 1.3x. Nothing is
asserted: machines here are shared and noisy. A third program, a bare app showing the same
kinds of widget as pmtui's first frame, splits the gap into Textual's share and pmtui's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Both programs print the seconds from interpreter start to the first frame painted of
# the screen people look at (App._display is where Textual hands a frame to the terminal).
PRELUDE = """
import time
t0 = time.perf_counter()
from textual.app import App
painted = []
_display = App._display
def display(self, screen, renderable):
    if not painted and renderable is not None and type(screen).__name__ in WANTED:
        painted.append(time.perf_counter() - t0)
    return _display(self, screen, renderable)
App._display = display
"""

# Run a bare app until its first frame is painted and print when that was.
RUN_BARE = """
async def first_frame(pilot):
    await pilot.pause()
    print(painted[0])
    pilot.app.exit()

{app}().run(headless=True, size=(120, 40), auto_pilot=first_frame)
"""

BARE = (
    "WANTED = ('Screen',)"
    + PRELUDE
    + """
from textual.widgets import Footer, Header

class Bare(App):
    def compose(self):
        yield Header()
        yield Footer()
"""
    + RUN_BARE.format(app="Bare")
)

# The same kinds of widget as pmtui's first frame (a header with big Digits, a table with
# the demo's 14 timeline rows, two inputs, hint lines, a footer), in a bare app with
# Textual's default styles and no pmtui code. The gap between this and the Header + Footer
# app is what Textual costs for these widgets; the gap between this and pmtui is pmtui's.
SAME_WIDGETS = (
    "WANTED = ('Screen',)"
    + PRELUDE
    + """
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Digits, Footer, Input, Static

class SameWidgets(App):
    def compose(self):
        with Horizontal(id="head"):
            with Vertical():
                yield Static("INC-1 Title")
                yield Static("Timeline · Right/wrong · Whys · Actions · Wrap-up")
                yield Static("meeting 00:00 of 30:00")
            with Vertical():
                yield Digits("05:00")
                yield Static("left · Timeline")
        yield Static("14 events · start 17:20")
        table = DataTable(cursor_type="row", zebra_stripes=True)
        table.add_columns("time", "kind", "text")
        for i in range(14):
            table.add_row(f"17:{20 + i:02}", "event", f"Event {i} as the scribe wrote it")
        yield table
        with Horizontal():
            yield Input(placeholder="time")
            yield Static("event")
            yield Input(placeholder="what happened")
        yield Static("Enter adds")
        yield Footer()
"""
    + RUN_BARE.format(app="SameWidgets")
)

PMTUI = (
    "WANTED = ('MeetingScreen',)"
    + PRELUDE
    + """
from pmtui import cli
from pmtui.ui.app import PmtuiApp

async def first_frame(pilot):
    await pilot.pause()
    print(painted[0])
    await pilot.app.action_quit()

original = PmtuiApp.run
PmtuiApp.run = lambda self, **kw: original(
    self, headless=True, size=(120, 40), auto_pilot=first_frame
)
cli.main(["demo"])
"""
)


def once(program: str) -> float:
    # Bytecode is cached as an installed package has it (pip compiles on install); some
    # machines set PYTHONDONTWRITEBYTECODE, which would recompile pmtui on every start.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env=env,
    )
    return float(out.stdout.strip().splitlines()[-1]) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    once(BARE), once(SAME_WIDGETS), once(PMTUI)  # warm the file cache and bytecode
    bare, same, pmtui = [], [], []
    for _ in range(args.runs):
        bare.append(once(BARE))
        same.append(once(SAME_WIDGETS))
        pmtui.append(once(PMTUI))
    b, s, p = statistics.median(bare), statistics.median(same), statistics.median(pmtui)
    print(f"time to first frame, median of {args.runs} alternated runs")
    print(f"  bare Textual app (Header + Footer): {b:7.0f} ms  (min {min(bare):.0f})")
    print(f"  bare app, pmtui's kinds of widget:  {s:7.0f} ms  (min {min(same):.0f})")
    print(f"  pmtui demo:                         {p:7.0f} ms  (min {min(pmtui):.0f})")
    # Other work on a shared machine only ever adds time, so the fastest of many runs is
    # the steadiest estimate of a program's own cost; both ratios are printed.
    mb, ms, mp = min(bare), min(same), min(pmtui)
    print("  ratios                   medians  fastest")
    print(f"  pmtui / bare:            {p / b:6.2f}x  {mp / mb:6.2f}x  (target <= 1.3x)")
    print(f"  same widgets / bare:     {s / b:6.2f}x  {ms / mb:6.2f}x  (Textual's share)")
    print(f"  pmtui / same widgets:    {p / s:6.2f}x  {mp / ms:6.2f}x  (pmtui's share)")


if __name__ == "__main__":
    main()
