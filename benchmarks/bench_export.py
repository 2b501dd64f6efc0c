"""Rendering the minutes of a big meeting, and what Jinja2 would cost at start-up.

Run: python benchmarks/bench_export.py [--runs N]

A meeting with 300 timeline events, 8 participants, 12 lessons, 3 Five Whys chains, 15
action items and an agenda. For each built-in template, internal and public: the first
render (the very first one also imports Jinja2 and builds the environment; later firsts
compile their template) and the median and p95 of later renders, in-process, with the
environment cached. Then the import cost: `python -X importtime` for Jinja2 on top of
`pmtui.cli`, and whether starting pmtui imports it at all. Target: <= 50 ms a render.
Prints figures, asserts nothing: machines here are shared.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pmtui.core.models import (  # noqa: E402
    ActionItem,
    ActionStatus,
    ActionType,
    EventKind,
    MeetingFacts,
    Note,
    Participant,
    Postmortem,
    Priority,
    StageRecord,
    TimelineEvent,
    WhyChain,
)
from pmtui.core.whys import linear  # noqa: E402
from pmtui.export import list_templates, render_csv, render_markdown  # noqa: E402

TARGET_MS = 50.0


def big_meeting(events: int = 300) -> Postmortem:
    t0 = datetime(2026, 11, 20, 8, tzinfo=UTC)
    people = [
        Participant("Ana Lima", "Incident commander"),
        Participant("Bo Chen", "Facilitator"),
        Participant("Carla Mendes", "SRE on call"),
        Participant("Dev Patel", "Database engineer"),
        Participant("Eun-ji Park", "Scribe"),
        Participant("Farid Haddad", "Support lead"),
        Participant("Greta Holm", "Network engineer"),
        Participant("Hiro Tanaka", ""),
    ]
    markers = {10: EventKind.START, 25: EventKind.DETECTION, 140: EventKind.MITIGATION}
    markers[260] = EventKind.RESOLUTION
    timeline = [
        TimelineEvent(
            t0 + timedelta(seconds=45 * i),
            f"Step {i}: Carla checks shard {i % 17} | p99 at {200 + i} ms, *see* <dashboard> 🔥",
            markers.get(i, EventKind.EVENT),
        )
        for i in range(events)
    ]
    return Postmortem(
        title="Checkout errors after a connection-pool change (SEV-2)",
        incident_id="INC-2026-1120",
        severity="SEV-2",
        timezone="Europe/Amsterdam",
        owner="Ana Lima",
        participants=people,
        summary="A connection-pool limit change reached every region at once.\n\n" * 3,
        impact="About 8% of checkout requests failed for 47 minutes; Ana paged support.\n" * 3,
        trigger="Config change CFG-77 lowered the pool limit from 200 to 20.",
        detection="The checkout error-rate alert fired after 11 minutes.",
        resolution="The change was rolled back and pools refilled within minutes.",
        timeline=timeline,
        went_right=[Note(f"Rollback tooling worked, case {i}") for i in range(4)],
        went_wrong=[
            Note(f"Pool limits are not validated, case {i}", 4 * (i == 0)) for i in range(5)
        ],
        got_lucky=[
            Note(text)
            for text in ("Low traffic at the time", "Dev was already online", "Caches were warm")
        ],
        whys=[
            WhyChain(f"Problem {n}", linear([f"Because of reason {n}.{i}" for i in range(5)]))
            for n in range(3)
        ],
        action_items=[
            ActionItem(
                f"Validate pool limits in CI, part {i}",
                owner=people[i % 8].name,
                due=date(2026, 12, 1) + timedelta(days=i),
                priority=list(Priority)[i % 4],
                type=list(ActionType)[i % 5],
                ticket=f"OPS-{100 + i}",
                status=list(ActionStatus)[i % 3],
            )
            for i in range(15)
        ],
        meeting=MeetingFacts(
            held_at=t0 + timedelta(days=3),
            facilitator="Bo Chen",
            agenda=[
                StageRecord("timeline", "Timeline review", 360, 421),
                StageRecord("lessons", "What went right / wrong / lucky", 360, 300),
                StageRecord("whys", "Five Whys", 420, 515),
                StageRecord("actions", "Action items", 360, 290),
                StageRecord("wrapup", "Wrap-up", 300, 120),
            ],
        ),
    )


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def import_ms(code: str, module: str) -> float:
    """Cumulative import time of `module` (µs from -X importtime) as ms, running `code`."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    for line in out.stderr.splitlines():
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s?(\s*)(\S+)$", line)
        if found and found.group(3) == module and not found.group(2):
            return int(found.group(1)) / 1000
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    pm = big_meeting()
    print(f"render the minutes of a meeting with {len(pm.timeline)} events, {args.runs} runs")
    worst = 0.0
    for name, _ in list_templates():
        for public in (False, True):
            began = time.perf_counter()
            text = render_markdown(pm, name, public=public)
            first = (time.perf_counter() - began) * 1000
            times = []
            for _ in range(args.runs):
                began = time.perf_counter()
                render_markdown(pm, name, public=public)
                times.append((time.perf_counter() - began) * 1000)
            worst = max(worst, p95(times))
            label = f"{name}{' --public' if public else ''}"
            print(
                f"  {label:20} first {first:6.1f} ms   median {statistics.median(times):5.1f} ms"
                f"   p95 {p95(times):5.1f} ms   ({len(text) // 1024} KB)"
            )
    times = []
    for _ in range(args.runs):
        began = time.perf_counter()
        render_csv(pm)
        times.append((time.perf_counter() - began) * 1000)
    print(f"  {'csv':20} median {statistics.median(times):5.2f} ms   p95 {p95(times):5.2f} ms")
    verdict = "within" if worst <= TARGET_MS else "OVER"
    print(f"worst p95 {worst:.1f} ms: {verdict} the {TARGET_MS:.0f} ms target")

    cli = [import_ms("import pmtui.cli", "pmtui.cli") for _ in range(5)]
    jinja = [import_ms("import pmtui.cli; import jinja2", "jinja2") for _ in range(5)]
    print(f"import pmtui.cli: median {statistics.median(cli):.1f} ms (-X importtime)")
    print(
        f"jinja2 on top of it, paid at the first render: median {statistics.median(jinja):.1f} ms"
    )
    code = "import sys, pmtui.cli, pmtui.export; print('jinja2' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    print(f"jinja2 imported when pmtui starts: {out.stdout.strip()}")


if __name__ == "__main__":
    main()
