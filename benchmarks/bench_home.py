"""The home screen on a big archive: time to its first frame and to its rows, for an
archive of N meetings (default 10,000, generated like bench_followthrough's) against an
empty one, alternated in one run.

Each run is a fresh `pmtui` process (the real command, headless at 120x40), timed from
interpreter start to the home screen's first frame painted, and to the first frame that
shows the meetings' table filled (or, on the empty archive, its "No meetings yet" line).
The issue's target is the first frame within 1.5x of the empty archive's.

Run: python benchmarks/bench_home.py [--meetings N] [--runs R] [--reuse DIR]

Prints figures and asserts nothing (machines here are shared: compare the ratios).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_followthrough import generate  # noqa: E402
from runenv import installed_env  # noqa: E402

from pmtui.core import sessionfile  # noqa: E402
from pmtui.store.store import Store  # noqa: E402

# Prints two numbers: seconds from interpreter start to home's first frame, and to the
# first frame after the archive's rows (or its empty line) are on the screen.
PROGRAM = """
import time
t0 = time.perf_counter()
from textual.app import App
marks = {}
_display = App._display
def display(self, screen, renderable):
    if renderable is not None and type(screen).__name__ == "HomeScreen":
        marks.setdefault("first", time.perf_counter() - t0)
        if "filled" in marks and "shown" not in marks:
            marks["shown"] = time.perf_counter() - t0
    return _display(self, screen, renderable)
App._display = display

from pmtui import cli
from pmtui.ui.app import PmtuiApp
from pmtui.ui import home

_show = home.HomeScreen._show
def show(self, *args, **kw):
    _show(self, *args, **kw)
    marks["filled"] = True
home.HomeScreen._show = show

async def until_shown(pilot):
    for _ in range(2000):
        if "shown" in marks:
            break
        await pilot.pause(0.005)
    print(marks["first"], marks["shown"])
    pilot.app.exit()

original = PmtuiApp.run
PmtuiApp.run = lambda self, **kw: original(
    self, headless=True, size=(120, 40), auto_pilot=until_shown
)
cli.main([])
"""


def once(data: Path) -> tuple[float, float]:
    env = installed_env(PMTUI_DATA=str(data), PMTUI_CONFIG=str(data / "config"))
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env=env,
    )
    first, shown = out.stdout.split()[-2:]
    return float(first) * 1000, float(shown) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", metavar="DIR", help="an archive kept by bench_followthrough")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as big:
        empty_dir, big_dir = Path(empty), Path(big)
        Store(empty_dir, sessionfile.summarize)
        if options.reuse:
            shutil.copytree(options.reuse, big_dir, dirs_exist_ok=True)
        else:
            generate(big_dir, options.meetings)
        count = len(Store(big_dir, sessionfile.summarize).ids())
        once(empty_dir), once(big_dir)  # warm the file cache, bytecode and summary cache
        bare: list[tuple[float, float]] = []
        full: list[tuple[float, float]] = []
        for _ in range(options.runs):
            bare.append(once(empty_dir))
            full.append(once(big_dir))
        print(f"home screen, median of {options.runs} alternated runs (ms from start)")
        print(f"{'':24} {'empty':>8} {count:>8} {'ratio':>6}")
        for n, what in enumerate(("first frame", "rows on screen")):
            b = statistics.median(r[n] for r in bare)
            f = statistics.median(r[n] for r in full)
            print(f"{what:24} {b:8.0f} {f:8.0f} {f / b:6.2f}")
        print("every run (empty, then full):")
        print("  " + "  ".join(f"{a:.0f}/{b:.0f}" for a, b in bare))
        print("  " + "  ".join(f"{a:.0f}/{b:.0f}" for a, b in full))


if __name__ == "__main__":
    main()
