"""Store benchmark: save latency, bytes per save, `pmtui list` time, peak memory.

Run: python benchmarks/bench_store.py [--saves N]

For archives of 0, 100 and 1,000 meetings of about 11 KB each, it saves one meeting many
times (a small edit each time, as the meeting screen does) and runs `pmtui list` as a
user would. "ratio" is bytes written per save over the meeting's compact JSON. For
comparison, in the same run, it times the naive design (every meeting in one TinyDB JSON
file, which rewrites the whole archive on every save) and, at 1,000 meetings, the two ways
to keep summaries for `list()`: one small file per meeting (what the store does) or one
TinyDB table of all summaries read with a Query. It prints figures and asserts nothing:
machines here are shared, so compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tinydb import Query, TinyDB  # noqa: E402
from tinydb.storages import JSONStorage  # noqa: E402

from pmtui.core import sessionfile  # noqa: E402
from pmtui.core.models import (  # noqa: E402
    ActionItem,
    EventKind,
    Note,
    Participant,
    Postmortem,
    TimelineEvent,
    WhyChain,
)
from pmtui.core.whys import linear  # noqa: E402
from pmtui.store.index import head_hash, summary_file, summary_hash  # noqa: E402
from pmtui.store.storage import AtomicJSONStorage  # noqa: E402
from pmtui.store.store import Store  # noqa: E402


def meeting(n: int) -> Postmortem:
    """A realistic record of about 11 KB."""
    t0 = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=n)
    kinds = [EventKind.START, EventKind.DETECTION, EventKind.MITIGATION, EventKind.RESOLUTION]
    pm = Postmortem(
        title=f"Incident {n}: elevated errors on the checkout service",
        incident_id=f"INC-{n:05d}",
        severity="SEV-2",
        summary="A configuration change raised error rates on checkout. " * 4,
        impact="About 8% of checkout requests failed for 47 minutes. " * 2,
        participants=[Participant(f"Person {i}", "Engineer") for i in range(5)],
    )
    for i in range(80):
        kind = kinds[i // 20] if i % 20 == 0 else EventKind.EVENT
        pm.timeline.append(
            TimelineEvent(
                t0 + timedelta(minutes=3 * i),
                f"Event {i}: a step of the response, as the scribe wrote it",
                kind,
            )
        )
    pm.went_right = [Note(f"Something that worked well, number {i}") for i in range(4)]
    pm.went_wrong = [Note(f"Something that did not work well, number {i}") for i in range(4)]
    pm.got_lucky = [Note("Low traffic at the time")]
    pm.whys = [WhyChain("Errors rose", linear([f"Because of reason {i}" for i in range(5)]))]
    pm.action_items = [
        ActionItem(title=f"Follow-up action {i}", owner="Person 1") for i in range(6)
    ]
    return pm


def build_archive(folder: Path, count: int, fsync: bool = True) -> Store:
    store = Store(folder, summarize=sessionfile.summarize, fsync=fsync)
    for n in range(count):
        store.create(sessionfile.to_record(meeting(n)))
    return store


def time_saves(store: Store, saves: int) -> dict[str, float]:
    """Save latency and bytes, then (in a separate pass) the peak memory of saving.

    tracemalloc slows every Python allocation, so latencies are timed without it.
    """
    pm = meeting(999_999)
    meeting_id = store.create(sessionfile.to_record(pm))
    handle = store.open(meeting_id)
    compact = len(json.dumps({"meeting": {"1": handle.record}}, separators=(",", ":")).encode())

    def edit(i: int) -> dict[str, object]:
        pm.summary = f"edit {i} " + pm.summary[:400]
        return sessionfile.to_record(pm)

    latencies = []
    start_bytes = handle.bytes_written
    for i in range(saves):
        record = edit(i)
        began = time.perf_counter()
        handle.save(record)
        latencies.append((time.perf_counter() - began) * 1000)
    written = (handle.bytes_written - start_bytes) / saves
    tracemalloc.start()
    for i in range(20):
        handle.save(edit(saves + i))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    handle.close()
    latencies.sort()
    return {
        "median_ms": statistics.median(latencies),
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1],
        "bytes_per_save": written,
        "compact_bytes": compact,
        "peak_kib": peak / 1024,
    }


def time_list(folder: Path) -> tuple[float, float]:
    """Wall time of `pmtui list` as a user runs it, and the child's peak RSS in MiB."""
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pmtui", "--data", str(folder), "list"],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    wall = (time.perf_counter() - began) * 1000
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, rss


def naive_save_ms(count: int, saves: int) -> float:
    """Every meeting in one TinyDB JSONStorage file: each save rewrites the whole archive."""
    with tempfile.TemporaryDirectory() as folder:
        db = TinyDB(Path(folder) / "all.json", storage=JSONStorage)
        table = db.table("meetings")
        table.insert_multiple(sessionfile.to_record(meeting(n)) for n in range(count))
        latencies = []
        for i in range(saves):
            began = time.perf_counter()
            table.update({"summary": f"edit {i}"}, doc_ids=[1])
            latencies.append((time.perf_counter() - began) * 1000)
        db.close()
        return statistics.median(latencies)


def median_ms(run: object, times: int = 7) -> float:
    timings = []
    for _ in range(times):
        began = time.perf_counter()
        run()  # type: ignore[operator]
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def compare_indexes(store: Store) -> str:
    """`list()` with one summary file per meeting vs one TinyDB table of all summaries.

    Both check each summary against the hash at the head of its meeting file; the table
    also costs a rewrite of every summary whenever one changes, and a lock across meetings.
    """
    path = store.root / "all-summaries.json"
    db = TinyDB(path, storage=AtomicJSONStorage)
    table = db.table("summaries")
    rows = store.list()
    table.insert_multiple(summary_file(row["id"], row) for row in rows)

    def from_table() -> list[dict[str, object]]:
        found = {doc["id"]: doc for doc in table.search(Query().summary_hash.exists())}
        listed = []
        for meeting_id in store.ids():
            meeting = store.meeting_path(meeting_id)
            meeting.stat()
            doc = found.get(meeting_id)
            if doc and summary_hash(doc["summary"]) == doc["summary_hash"] == head_hash(meeting):
                listed.append(doc["summary"])
        return listed

    assert len(from_table()) == len(rows)
    files_ms = median_ms(store.list)
    table_ms = median_ms(from_table)
    first = rows[0]["id"]
    update_ms = median_ms(
        lambda: table.update({"summary_hash": "0" * 32}, Query().id == first), times=5
    )
    file_ms = median_ms(lambda: store.write_summary_file(first, rows[0]), times=5)
    db.close()
    size_kib = path.stat().st_size // 1024
    return (
        f"list() of {len(rows)} in-process: one file per summary {files_ms:.0f} ms, "
        f"one TinyDB table {table_ms:.0f} ms; writing one summary: "
        f"its file {file_ms:.1f} ms, the table ({size_kib} KiB) {update_ms:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument(
        "--no-fsync", action="store_true", help="time the work, not the disk (shared machines)"
    )
    args = parser.parse_args()
    fsync = "off" if args.no_fsync else "on"
    print(f"pmtui store benchmark · {args.saves} saves per archive size · fsync {fsync}")
    print(
        f"{'archive':>8} {'median ms':>10} {'p95 ms':>8} {'bytes/save':>11} "
        f"{'compact B':>10} {'ratio':>6} {'list ms':>8} {'list RSS MiB':>13} {'peak KiB':>9}"
    )
    indexes = ""
    for count in (0, 100, 1000):
        with tempfile.TemporaryDirectory() as folder:
            store = build_archive(Path(folder), count, fsync=not args.no_fsync)
            saves = time_saves(store, args.saves)
            list_ms, rss = time_list(Path(folder))
            if count == 1000:
                indexes = compare_indexes(store)
        ratio = saves["bytes_per_save"] / saves["compact_bytes"]
        print(
            f"{count:>8} {saves['median_ms']:>10.2f} {saves['p95_ms']:>8.2f} "
            f"{saves['bytes_per_save']:>11.0f} {saves['compact_bytes']:>10} {ratio:>6.2f} "
            f"{list_ms:>8.0f} {rss:>13.1f} {saves['peak_kib']:>9.0f}"
        )
    naive = naive_save_ms(1000, max(5, args.saves // 20))
    print(f"naive single-file TinyDB at 1,000 meetings: median save {naive:.0f} ms (no fsync)")
    print(indexes)


if __name__ == "__main__":
    main()
