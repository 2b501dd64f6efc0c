"""Rendering the minutes of a big meeting, and what Jinja2 costs at start-up.

Run: python benchmarks/bench_export.py [--runs N]

A meeting with 300 timeline events: the first render of each template (environment and
template compiled) and then the median and p95 of later renders, in-process. Target:
<= 50 ms a render. Also checks that starting pmtui does not import Jinja2. Prints
figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_store import meeting  # noqa: E402

from pmtui.core.models import EventKind, TimelineEvent  # noqa: E402
from pmtui.export import list_templates, render_markdown  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    pm = meeting(1)
    t0 = datetime(2026, 11, 20, 8, tzinfo=UTC)
    pm.timeline = [
        TimelineEvent(t0 + timedelta(seconds=20 * i), f"Event {i} | with *markup* <b>", kind)
        for i, kind in enumerate([EventKind.START] + [EventKind.EVENT] * 299)
    ]
    pm.timezone = "Europe/Amsterdam"
    print(f"render the minutes of a meeting with {len(pm.timeline)} events, {args.runs} runs")
    for name, _ in list_templates():
        for public in (False, True):
            began = time.perf_counter()
            render_markdown(pm, name, public=public)
            first = (time.perf_counter() - began) * 1000
            times = []
            for _ in range(args.runs):
                began = time.perf_counter()
                render_markdown(pm, name, public=public)
                times.append((time.perf_counter() - began) * 1000)
            times.sort()
            label = f"{name}{' --public' if public else ''}"
            print(
                f"  {label:20} first {first:6.1f} ms   median {statistics.median(times):5.1f} ms"
                f"   p95 {times[int(len(times) * 0.95) - 1]:5.1f} ms   (target <= 50 ms)"
            )
    code = "import sys, pmtui.cli, pmtui.ui.app; print('jinja2' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    print(f"jinja2 imported when pmtui starts: {out.stdout.strip()}")


if __name__ == "__main__":
    main()
