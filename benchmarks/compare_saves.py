"""A save's latency, this checkout against another (the parent commit), in one run.

Run: python benchmarks/compare_saves.py --base DIR [--rounds 6] [--saves 150] [--no-fsync]

DIR is another checkout of pmtui (for example `git worktree add --detach ../parent HEAD~1`).
Each round runs the same save loop once in each tree, in fresh processes, alternating, so
a busy machine slows both alike. The loop uses only what both trees have (Store, create,
open, save): a meeting of 300 timeline events and 12 action items, one field changed per
save, fsync on unless --no-fsync (--no-fsync times the work, not the disk). Prints the
median and p95 of each tree and their ratios. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]

LOOP = r"""
import json, sys, tempfile, time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from pmtui.core import sessionfile
from pmtui.core.models import ActionItem, EventKind, Postmortem, TimelineEvent
from pmtui.store.store import Store

saves, fsync = int(sys.argv[1]), sys.argv[2] == "1"
t0 = datetime(2026, 11, 20, 8, tzinfo=UTC)
pm = Postmortem(title="Checkout errors after deploy 4812", summary="A bad build. " * 20)
pm.timeline = [
    TimelineEvent(t0 + timedelta(seconds=20 * i), f"Event {i} as the scribe wrote it",
                  EventKind.EVENT)
    for i in range(300)
]
pm.action_items = [ActionItem(f"Follow-up action {i}", owner="Ana") for i in range(12)]
store = Store(Path(tempfile.mkdtemp()), summarize=sessionfile.summarize, fsync=fsync)
meeting_id = store.create(sessionfile.to_record(pm))
handle = store.open(meeting_id)
latencies = []
for i in range(saves):
    pm.summary = f"edit {i} " + pm.summary[:200]
    record = sessionfile.to_record(pm)
    began = time.perf_counter()
    handle.save(record)
    latencies.append((time.perf_counter() - began) * 1000)
compact = len(json.dumps(record, separators=(",", ":")).encode())
print(json.dumps({"ms": latencies, "bytes": handle.bytes_written / saves, "compact": compact}))
handle.close()
"""


def run(tree: Path, saves: int, fsync: bool) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryDirectory() as scratch:
        env["TMPDIR"] = scratch
        out = subprocess.run(
            [sys.executable, "-c", LOOP, str(saves), "1" if fsync else "0"],
            capture_output=True,
            text=True,
            env=env,
            cwd=scratch,
            check=True,
        ).stdout
    result: dict[str, object] = json.loads(out)
    return result


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, type=Path, help="the other checkout")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--saves", type=int, default=150)
    parser.add_argument("--no-fsync", action="store_true")
    args = parser.parse_args()
    trees = {"base": args.base.resolve(), "this": HERE}
    medians: dict[str, list[float]] = {name: [] for name in trees}
    tails: dict[str, list[float]] = {name: [] for name in trees}
    sizes: dict[str, tuple[float, int]] = {}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            result = run(tree, args.saves, not args.no_fsync)
            ms = result["ms"]
            assert isinstance(ms, list)
            medians[name].append(statistics.median(ms))
            tails[name].append(p95(ms))
            sizes[name] = (float(result["bytes"]), int(result["compact"]))  # type: ignore[arg-type]
    disk = "no fsync" if args.no_fsync else "fsync on"
    print(
        f"save of a 300-event meeting, {args.rounds} alternated rounds x {args.saves} saves, {disk}"
    )
    for name in trees:
        written, compact = sizes[name]
        print(
            f"  {name:5} median {statistics.median(medians[name]):6.2f} ms  "
            f"p95 {statistics.median(tails[name]):6.2f} ms  "
            f"bytes/save {written:8.0f} ({written / compact:.2f}x compact JSON)"
        )
    ratio_median = statistics.median(medians["this"]) / statistics.median(medians["base"])
    ratio_p95 = statistics.median(tails["this"]) / statistics.median(tails["base"])
    print(f"  this/base: median {ratio_median:.2f}x, p95 {ratio_p95:.2f}x (target p95 <= 1.10x)")


if __name__ == "__main__":
    main()
