"""Time to first frame: `pmtui demo` against bare Textual apps.

Run: python benchmarks/bench_startup.py [--runs N]

Each run is a fresh Python process, measured from interpreter start (before any import)
to the first frame painted (headless). pmtui goes through the real `pmtui demo` command:
CLI, sample import into a throw-away archive, meeting screen. It is compared with a bare
app showing the same kinds of widget as pmtui's first frame (the middle line): the target
is pmtui within 1.25x of it. A bare app with a Header and a Footer splits the gap into
Textual's share and pmtui's. The three are alternated in one run and the ratios of the
medians printed. Nothing is asserted: machines here are shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from runenv import installed_env

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

# The same kinds of widget as pmtui's first frame, in a bare app with Textual's default
# styles and no pmtui code. `pmtui demo` opens on the set-up stage: a header (four lines
# beside big Digits), a line of guidance, a grid of five labelled one-line Inputs filled
# in, a label and a TextArea of participants, a hint line and a footer showing eight keys.
# (Before the set-up stage existed the first frame was the timeline: a DataTable of 14
# rows and two Inputs.) The only CSS is what puts them where pmtui puts them. The gap
# between this and the Header + Footer app is what Textual costs for these widgets; the
# gap between this and pmtui is pmtui's.
SAME_WIDGETS = (
    "WANTED = ('Screen',)"
    + PRELUDE
    + """
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Digits, Footer, Input, Label, Static, TextArea

FIELDS = [("Title", "Database deleted"), ("Incident id", "INC-1"), ("Severity", "SEV-1"),
          ("Time zone", "Europe/Amsterdam"), ("Facilitator", "Joost")]

class SameWidgets(App):
    # pmtui's footer shows eight keys at this size; so does this one.
    KEYS = ["f9 Export", "f10 Home", "ctrl+q Quit", "f2 Start/Pause", "f5 Next", "f3 +1 min",
            "f7 Go to", "f1 Help"]
    BINDINGS = [(k.split()[0], f"key{i}", k.split(" ", 1)[1]) for i, k in enumerate(KEYS)]
    CSS = '''
    #head { height: 5; }
    #clock { width: 18; }
    Grid { grid-size: 2; grid-columns: 20 1fr; grid-rows: 1; grid-gutter: 1 0; height: auto; }
    TextArea { height: 6; }
    '''

    def compose(self):
        with Horizontal(id="head"):
            with Vertical():
                yield Static("INC-1 · Title")
                yield Static("0 Set-up › 1 Timeline › 2 Right·Wrong·Lucky › 3 Whys › 4 Actions")
                yield Static("Meeting 00:00 / 30:00 · not started (F2 starts)")
                yield Static("saved")
            with Vertical(id="clock"):
                yield Digits("30:00")
                yield Static("not started · F2")
        yield Static("Before the timeline: what the minutes need")
        with VerticalScroll():
            with Grid():
                for label, value in FIELDS:
                    yield Label(label)
                    yield Input(value, compact=True)
            yield Label("Participants and roles — one a line: Name — Role")
            yield TextArea("Mira — Owner\\nJoost — Facilitator\\nHana — DBA", soft_wrap=True)
        yield Static("Saved as you type · Tab next field")
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
    env = installed_env()
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
    print(f"  pmtui / bare:            {p / b:6.2f}x  {mp / mb:6.2f}x")
    print(f"  same widgets / bare:     {s / b:6.2f}x  {ms / mb:6.2f}x  (Textual's share)")
    print(f"  pmtui / same widgets:    {p / s:6.2f}x  {mp / ms:6.2f}x  (pmtui's share, <= 1.25x)")


if __name__ == "__main__":
    main()
