"""Time to first frame: `pmtui demo` against a bare Textual app with a Header and Footer.

Run: python benchmarks/bench_startup.py [--runs N]

Each run is a fresh Python process, measured from interpreter start (before any import)
to the first frame painted (headless). pmtui goes through the real `pmtui demo` command:
CLI, sample import into a throw-away archive, meeting screen. The two are alternated in
one run and the ratio of medians printed: the target is at most 1.3x. Nothing is
asserted: machines here are shared and noisy.
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

BARE = (
    "WANTED = ('Screen',)"
    + PRELUDE
    + """
from textual.widgets import Footer, Header

class Bare(App):
    def compose(self):
        yield Header()
        yield Footer()

async def first_frame(pilot):
    await pilot.pause()
    print(painted[0])
    pilot.app.exit()

Bare().run(headless=True, size=(120, 40), auto_pilot=first_frame)
"""
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
    once(BARE), once(PMTUI)  # warm the file cache and bytecode
    bare, pmtui = [], []
    for _ in range(args.runs):
        bare.append(once(BARE))
        pmtui.append(once(PMTUI))
    b, p = statistics.median(bare), statistics.median(pmtui)
    print(f"time to first frame, median of {args.runs} alternated runs")
    print(f"  bare Textual app (Header + Footer): {b:7.0f} ms  (min {min(bare):.0f})")
    print(f"  pmtui demo:                         {p:7.0f} ms  (min {min(pmtui):.0f})")
    print(f"  ratio pmtui / bare:                 {p / b:7.2f}x  (target <= 1.3x)")


if __name__ == "__main__":
    main()
