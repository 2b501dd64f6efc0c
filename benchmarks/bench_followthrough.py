"""Follow-through at scale: `pmtui list`, `actions --overdue`, `search WORD` and `stats`
as whole processes on an archive of N meetings (default 10,000, generated from the
samples with realistic action items and tags) against the same commands on an empty
archive, in the same run; and a save's p95 in the big archive.

Run: python benchmarks/bench_followthrough.py [--meetings N] [--runs R]

A third column times a bare floor for each command: a plain Python program, no pmtui
imported, that does the least any such command must do on the same archive (list the
meetings folder, check each file against the summary cache by its identity, parse the
cached summaries, and print as many lines as pmtui prints: a line per meeting, a line per
overdue open item, or a line per month), with no checks, escaping, policy or sorting.
It shows how much of each 10,000-meeting figure is the work itself, and what a ratio to
the empty archive can reach.

Prints figures and asserts nothing (machines here are shared: compare the ratios).
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from runenv import installed_env  # noqa: E402

from pmtui.core import sessionfile  # noqa: E402
from pmtui.core.models import ActionStatus, Priority, item_id, new_id  # noqa: E402
from pmtui.core.tags import DEFAULT_VOCABULARY  # noqa: E402
from pmtui.store.store import Store  # noqa: E402

SAMPLES = sorted((ROOT / "sample_sessions").glob("*.json"))


def generate(folder: Path, count: int, seed: int = 15) -> None:
    rng = random.Random(seed)
    bases = [sessionfile.parse_session(p.read_bytes()) for p in SAMPLES]
    store = Store(folder, sessionfile.summarize, fsync=False)
    for n in range(count):
        base = bases[n % len(bases)]
        shift = timedelta(days=rng.randint(-2500, 0) + (date(2026, 11, 1) - date(2019, 7, 2)).days)
        items = []
        for a in base.action_items:
            closed = rng.random() < 0.8  # most old items were done
            status = ActionStatus.DONE if closed else ActionStatus.OPEN
            due = a.due + shift if a.due and rng.random() < 0.8 else None
            items.append(
                replace(
                    a, id=item_id(), status=status, due=due, priority=rng.choice(list(Priority))
                )
            )
        pm = replace(
            base,
            id=new_id(),
            title=f"{base.title} #{n}",
            # One meeting in a hundred mentions the word the benchmark searches for.
            summary=base.summary + (" A zebrafish test rig was involved." if n % 100 == 0 else ""),
            severity=rng.choice(["SEV-1", "SEV-2", "SEV-2", "SEV-3"]),
            tags=rng.sample(DEFAULT_VOCABULARY, rng.randint(0, 3)),
            timeline=[replace(e, at=e.at + shift) for e in base.timeline],
            action_items=items,
            meeting=replace(
                base.meeting, held_at=base.meeting.held_at + shift if base.meeting.held_at else None
            ),
        )
        store.create(sessionfile.to_record(pm))


FLOOR = r"""
import json, os, sqlite3, sys
from datetime import date
data, command = sys.argv[1], sys.argv[2]
meetings = os.path.join(data, "meetings")
db = sqlite3.connect(os.path.join(data, "index", "summaries.cache.sqlite3"))
known = {r[0]: r for r in db.execute("select id, ino, mtime_ns, size, summary from summary")}
folder = os.open(meetings, os.O_RDONLY)
texts = []
for name in os.listdir(meetings):
    if name.endswith(".json"):
        info = os.stat(name, dir_fd=folder)
        row = known.get(name[:-5])
        if row and row[1:4] == (info.st_ino, info.st_mtime_ns, info.st_size):
            texts.append(row[4])
summaries = json.loads("[" + ",".join(texts) + "]")
today = date.today().isoformat()
out = []
if command == "list":
    for s in summaries:
        out.append(f"{s['id'][:8]}  {s['title'][:40]:40}  {s['severity']:6}  {s['status']:10}"
                   f"  {(s['incident_at'] or '')[:10]:10}  {s['open_actions']}")
elif command == "actions":
    for s in summaries:
        if s["open_actions"]:
            for i in json.loads(s["open_items"]):
                if i[2] and i[2] < today:
                    out.append(f"{i[0][:8]}  {s['title'][:24]:24}  {i[4][:40]:40}  {i[3][:16]:16}"
                               f"  {i[2]}  {i[1]}")
elif command == "stats":
    months = {}
    for s in summaries:
        month = (s["incident_at"] or s["held_at"] or "")[:7]
        held, opened = months.get(month, (0, 0))
        months[month] = (held + 1, opened + s["actions"])
    out = [f"{m}  {h}  {o}" for m, (h, o) in sorted(months.items())]
sys.stdout.write("\n".join(out) + "\n")
"""


def floor(data: Path, command: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", FLOOR, str(data), command],
            stdout=subprocess.DEVNULL,
            check=True,
        )
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(data: Path, args: list[str], runs: int) -> float:
    env = installed_env(PMTUI_DATA=str(data), PMTUI_CONFIG=str(data / "config"))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pmtui", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def save_p95(data: Path, saves: int = 200) -> float:
    store = Store(data, sessionfile.summarize, fsync=True)
    meeting_id = store.ids()[0]
    handle = store.open(meeting_id)
    record = dict(handle.record)
    times = []
    try:
        for n in range(saves):
            record = {**record, "summary": f"edit {n}"}
            t0 = time.perf_counter()
            handle.save(record)
            times.append(time.perf_counter() - t0)
    finally:
        handle.close()
    return statistics.quantiles(times, n=20)[18] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--word", default="zebrafish", help="what `pmtui search` looks for")
    parser.add_argument("--keep", metavar="DIR", help="also copy the big archive to DIR")
    parser.add_argument("--reuse", metavar="DIR", help="time an archive kept by --keep")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as big:
        empty_dir, big_dir = Path(empty), Path(big)
        Store(empty_dir, sessionfile.summarize)
        t0 = time.perf_counter()
        if options.reuse:
            import shutil

            shutil.copytree(options.reuse, big_dir, dirs_exist_ok=True)
            options.meetings = len(Store(big_dir, sessionfile.summarize).ids())
        else:
            generate(big_dir, options.meetings)
        if options.keep:
            import shutil

            shutil.copytree(big_dir, options.keep, dirs_exist_ok=True)
        made = "copied" if options.reuse else "generated"
        print(f"{made} {options.meetings} meetings in {time.perf_counter() - t0:.1f} s")
        # The first list writes nothing new (summaries are written with each meeting);
        # the first search builds its index: timed apart, then warm runs are compared.
        t0 = time.perf_counter()
        run(big_dir, ["search", options.word], 1)
        run(big_dir, ["list"], 1)
        print(f"first search and list (build their caches): {time.perf_counter() - t0:.2f} s")
        commands = [
            ["list"],
            ["actions", "--overdue"],
            ["search", options.word],
            ["stats"],
            ["--version"],
        ]
        print(
            f"{'command':24} {'empty s':>8} {options.meetings:>8} {'ratio':>6}"
            f" {'floor s':>8} {'floor ratio':>11}"
        )
        for args in commands:
            bare = run(empty_dir, args, options.runs)
            full = run(big_dir, args, options.runs)
            line = f"{' '.join(args):24} {bare:8.3f} {full:8.3f} {full / bare:6.2f}"
            if args[0] in ("list", "actions", "stats"):
                least = floor(big_dir, args[0], options.runs)
                line += f" {least:8.3f} {least / bare:11.2f}"
            print(line)
        print("floor ratio: the bare floor's 10,000-meeting time over pmtui's empty archive")
        print(f"save p95 in the big archive: {save_p95(big_dir):.2f} ms")


if __name__ == "__main__":
    main()
