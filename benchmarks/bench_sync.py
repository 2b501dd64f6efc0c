"""`pmtui sync` against a bare remote on local disk with 1,000 meetings.

Prints: a first `sync init` that pushes the 1,000; a first `sync init` clone of them on a
second laptop; a sync of one changed meeting; `pmtui list` right after a sync that changed
50 meetings against a list with nothing changed; and kill -9 trials at random instants.

    python benchmarks/bench_sync.py [--meetings 1000] [--kills 10]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pmtui.service.archive import Archive
from pmtui.service.settings import Settings
from pmtui.service.sync import Sync


def laptop(root: Path, name: str) -> Archive:
    return Archive(Settings.load(data=root / name, environ={"PMTUI_CONFIG": str(root / "c")}))


def timed(what: str, run, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    print(f"{what:<58} {best * 1000:8.0f} ms")
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=10)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pmtui-bench-sync-"))
    remote = root / "team.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    a = laptop(root, "a")
    sample = Path(__file__).parent.parent / "sample_sessions" / "gitlab-2017-database-outage.json"
    template = a.import_file(sample)
    record = a.record(template.id)
    for n in range(args.meetings - 1):
        copy = dict(record, id=f"{n:032x}", title=f"Meeting {n}")
        a.put_record(copy)
    print(f"{args.meetings} meetings, bare remote on local disk")
    timed("sync init, pushing the archive (laptop a)", lambda: Sync(a).init(str(remote)))
    b = laptop(root, "b")
    timed("sync init, cloning the archive (laptop b)", lambda: Sync(b).init(str(remote)))
    timed("sync with nothing changed (laptop a)", lambda: Sync(a).sync(), repeat=3)
    counter = iter(range(10**6))

    def one_change() -> None:
        rec = a.record(template.id)
        rec["summary"] = f"edit {next(counter)}"
        a.put_record(rec)
        Sync(a).sync()

    timed("sync of one changed meeting (edit + sync, laptop a)", one_change, repeat=3)

    def list_b() -> None:
        b.list()

    base = timed("list on b, nothing changed", list_b, repeat=3)
    for n in range(50):
        rec = a.record(f"{n:032x}")
        rec["impact"] = "changed"
        a.put_record(rec)
    Sync(a).sync()
    timed("sync on b receiving 50 changed meetings", lambda: Sync(b).sync())
    first = timed("list on b right after that sync (first list)", list_b)
    print(f"{'ratio first list after sync / unchanged list':<58} {first / base:8.2f} x")

    # kill -9 at random instants of a sync, then check the next sync completes.
    script = (
        "import sys\nfrom pmtui.service.archive import Archive\n"
        "from pmtui.service.settings import Settings\nfrom pmtui.service.sync import Sync\n"
        "s=Settings.load(data=sys.argv[1], environ={'PMTUI_CONFIG': sys.argv[2]})\n"
        "print('ready', flush=True)\nSync(Archive(s)).sync()\n"
    )
    rng = random.Random(7)
    ok = 0
    for trial in range(args.kills):
        for n in range(5):
            rec = b.record(f"{n:032x}")
            rec["went_right"] = [*rec["went_right"], {"id": f"b{trial:05d}{n:05d}", "text": "b"}]
            b.put_record(rec)
            rec = a.record(f"{n:032x}")
            rec["went_right"] = [*rec["went_right"], {"id": f"a{trial:05d}{n:05d}", "text": "a"}]
            a.put_record(rec)
        Sync(a).sync()
        proc = subprocess.Popen(
            [sys.executable, "-c", script, str(root / "b"), str(root / "c")],
            stdout=subprocess.PIPE,
        )
        assert proc.stdout is not None
        proc.stdout.readline()
        time.sleep(rng.uniform(0, 1.5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        Sync(b).sync()
        Sync(a).sync()
        texts = {n["id"] for n in a.record("0" * 32)["went_right"]}
        if {f"a{trial:05d}00000", f"b{trial:05d}00000"} <= texts:
            ok += 1
    print(f"kill -9 trials whose next sync completed with both sides' edits: {ok}/{args.kills}")


if __name__ == "__main__":
    main()
