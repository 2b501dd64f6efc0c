"""Reliability suite for the meeting store: kill -9 trials and a disk-full run.

Run on demand, not in every CI run (tests/unit/test_reliability_script.py runs a few
trials so the script cannot rot):

    python benchmarks/reliability.py [--trials N] [--quick] [--seed S] [--disk-full MODE]

1. Crash trials. Each trial starts a writer process that opens one meeting for writing
   and saves edits in a loop; each save sets a counter in the summary text, appends a
   timeline event naming the save, and every third save changes the title (so the
   `pmtui list` summary changes too). The writer prints each save's number only after
   `save()` returned. It is killed with SIGKILL after a random delay (half of them in
   the first few saves after it reopened the meeting), then the meeting
   must parse and be accepted by `sessionfile.from_record`, hold the last acknowledged
   state or the one after it, hold every acknowledged save, open read-write again (no
   stuck lock), leave no temporary file once a Store is opened, and be listed with a
   summary that matches its record. On a random half of the trials the listing is left
   for later, as when a restarted pmtui opens a meeting without listing first.
2. Disk full. Saves go through an AutoSaver whose writer is a real MeetingHandle while
   the disk is full: a small tmpfs filled to the last byte when this process may mount
   one, else ENOSPC injected into the store's file writes (half the bytes land first).
   Every save in the outage must be reported with "No space left", the file must keep
   the last good state, no temporary file may remain, and once space returns the next
   save must hold every edit made during the outage.

Prints figures and exits 1 on any violation.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pmtui.core import sessionfile  # noqa: E402
from pmtui.core.models import Postmortem, TimelineEvent  # noqa: E402
from pmtui.service.autosave import AutoSaver, SaveResult  # noqa: E402
from pmtui.service.files import read_session_file  # noqa: E402
from pmtui.store import storage  # noqa: E402
from pmtui.store.store import Store  # noqa: E402

SAMPLE = ROOT / "sample_sessions" / "gitlab-2017-database-outage.json"
MARK = "reliability save "
COUNTER = re.compile(r"^Saved (\d+) times by the reliability suite\.$")
EVENT_AT = datetime(2026, 1, 1, tzinfo=UTC)
NO_SPACE = "No space left"


# -- the edit both parts make --------------------------------------------------------------


def edit(pm: Postmortem, n: int) -> None:
    """Edit number n: a counter, a timeline event, and a new title every third edit."""
    pm.summary = f"Saved {n} times by the reliability suite."
    pm.title = f"Reliability trials, revision {n // 3}"
    pm.timeline.append(TimelineEvent(EVENT_AT + timedelta(seconds=n), f"{MARK}{n}"))
    sessionfile.touch(pm)


def counter(pm: Postmortem) -> int:
    match = COUNTER.match(pm.summary)
    if match is None:
        raise ValueError(f"summary holds no counter: {pm.summary[:60]!r}")
    return int(match.group(1))


def saves_in(pm: Postmortem) -> list[int]:
    """The numbers of the edits whose timeline events the meeting holds."""
    return sorted(int(e.text[len(MARK) :]) for e in pm.timeline if e.text.startswith(MARK))


def temp_files(store_root: Path) -> list[Path]:
    return sorted(p for sub in ("meetings", "index") for p in (store_root / sub).glob(".*.tmp"))


def new_meeting(store: Store) -> str:
    pm = read_session_file(SAMPLE)
    edit(pm, 0)
    pm.timeline = [e for e in pm.timeline if not e.text.startswith(MARK)]
    return store.create(sessionfile.to_record(pm))


def summary_problem(store: Store, meeting_id: str, record: dict[str, Any]) -> str | None:
    """Why `store.list()` does not show the meeting as its record says, or None."""
    expected = sessionfile.summarize(record)
    expected["id"] = meeting_id
    rows = [row for row in store.list() if row.get("id") == meeting_id]
    if store.problems():
        return f"list() reports problems: {store.problems()}"
    if len(rows) != 1:
        return f"list() shows the meeting {len(rows)} times"
    if rows[0] != expected:
        diff = {k: (rows[0].get(k), v) for k, v in expected.items() if rows[0].get(k) != v}
        newer = (
            store.summary_path(meeting_id).stat().st_mtime_ns
            >= store.meeting_path(meeting_id).stat().st_mtime_ns
        )
        trusted = ", its file not older than the meeting's" if newer else ""
        return f"list() summary differs from the record (listed, record){trusted}: {diff}"
    return None


# -- 1. crash trials ---------------------------------------------------------------------------


def writer(store_root: str, meeting_id: str) -> None:
    """The child: save edits in a loop, acknowledging each on stdout after save() returns."""
    store = Store(Path(store_root), summarize=sessionfile.summarize)
    handle = store.open(meeting_id, write=True)
    if handle.read_only:
        print(f"read-only: {handle.lock_message}", flush=True)
        sys.exit(3)
    pm = sessionfile.from_record(handle.record)
    n = counter(pm)
    # Only this trial's events are checked; dropping older ones keeps the file small.
    pm.timeline = [e for e in pm.timeline if not e.text.startswith(MARK)]
    print("ready", flush=True)
    while True:
        n += 1
        edit(pm, n)
        handle.save(sessionfile.to_record(pm))
        print(n, flush=True)


class Trials:
    def __init__(self, folder: Path, rng: random.Random, max_delay: float) -> None:
        self.root = folder / "data"
        self.rng = rng
        self.max_delay = max_delay
        self.meeting_id = new_meeting(Store(self.root, summarize=sessionfile.summarize))
        self.last = 0  # the counter the file holds
        self.present: list[int] = []  # the saves its timeline holds
        self.violations: list[str] = []
        self.times: list[float] = []
        self.saves = 0
        self.mid_write = 0  # killed with a temporary file of the meeting's on disk
        self.unacknowledged = 0  # killed after the rename, before the acknowledgement
        self.before_first_ack = 0
        self.deferred_lists = 0
        self.listing_due = False  # the last trial left its listing for later
        self.log = folder / "writer-stderr.txt"

    def run(self, number: int) -> None:
        began = time.perf_counter()
        try:
            problems = self._trial()
        except Exception as error:  # a store error here is a finding, not a harness crash
            problems = [f"{type(error).__name__}: {error}"]
        self.times.append(time.perf_counter() - began)
        self.violations += [f"trial {number}: {problem}" for problem in problems]

    def _trial(self) -> list[str]:
        start = self.last
        with self.log.open("w") as err:
            child = subprocess.Popen(
                [sys.executable, __file__, "--writer", str(self.root), self.meeting_id],
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
            assert child.stdout is not None
            first = child.stdout.readline().strip()
            if first == "ready":
                # Half the kills land in the first few saves after a reopen, where
                # recovery from the previous kill shows.
                early = self.rng.random() < 0.5
                time.sleep(self.rng.uniform(0, self.max_delay / (8 if early else 1)))
            child.kill()
            rest = child.stdout.read()
            child.wait()
        if first != "ready":
            return [f"writer did not start ({first!r}): {self.log.read_text()[-500:]}"]
        if child.returncode != -9:
            return [f"writer ended by itself ({child.returncode}): {self.log.read_text()[-500:]}"]
        acks = [int(line) for line in rest.splitlines(keepends=True) if line.endswith("\n")]
        self.saves += len(acks)
        if not acks:
            self.before_first_ack += 1
        if any(p.parent.name == "meetings" for p in temp_files(self.root)):
            self.mid_write += 1
        return self._check(start, acks)

    def _check(self, start: int, acks: list[int]) -> list[str]:
        last_ack = acks[-1] if acks else start
        try:
            path = self.root / "meetings" / f"{self.meeting_id}.json"
            json.loads(path.read_bytes())
            store = Store(self.root, summarize=sessionfile.summarize)  # cleans dead temp files
            record = store.load(self.meeting_id)
            pm = sessionfile.from_record(record)
            now = counter(pm)
        except Exception as error:
            return [f"the meeting file cannot be read back: {type(error).__name__}: {error}"]
        problems = []
        if acks != list(range(start + 1, start + 1 + len(acks))):
            problems.append(f"acknowledgements out of order: {acks[:5]}…")
        if not last_ack <= now <= last_ack + 1:
            problems.append(f"file holds save {now}, last acknowledged {last_ack}")
        if now == last_ack + 1:
            self.unacknowledged += 1
        present = saves_in(pm)
        if missing := sorted(set(acks) - set(present)):
            problems.append(f"acknowledged saves missing from the timeline: {missing[:10]}")
        # A writer killed before its first save leaves the previous trial's events.
        expected = self.present if now == start else list(range(start + 1, now + 1))
        if present != expected:
            problems.append(f"timeline holds saves {present[:3]}…{present[-3:]}, counter {now}")
        if pm.title != f"Reliability trials, revision {now // 3}":
            problems.append(f"title {pm.title!r} does not match save {now}")
        if left := temp_files(self.root):
            problems.append(f"temporary files left after reopening: {[p.name for p in left]}")
        handle = store.open(self.meeting_id, write=True)
        if handle.read_only:
            problems.append(f"lock stuck: {handle.lock_message}")
        handle.close()
        self.listing_due = self.rng.random() >= 0.5
        if not self.listing_due:
            if problem := summary_problem(store, self.meeting_id, record):
                problems.append(problem)
        else:
            self.deferred_lists += 1
        self.last, self.present = now, present
        return problems

    def final_check(self) -> None:
        """The listing the last trial left for later."""
        if not self.listing_due:
            return
        store = Store(self.root, summarize=sessionfile.summarize)
        record = store.load(self.meeting_id)
        if problem := summary_problem(store, self.meeting_id, record):
            self.violations.append(f"after the last trial: {problem}")


def crash_trials(trials: int, seed: int, max_delay: float) -> int:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="pmtui-crash-") as folder:
        suite = Trials(Path(folder), rng, max_delay)
        for number in range(1, trials + 1):
            suite.run(number)
        suite.final_check()
    median = statistics.median(suite.times) if suite.times else 0.0
    print(f"crash trials (kill -9 after 0–{max_delay * 1000:.0f} ms of saving, seed {seed})")
    print(f"  trials: {trials}")
    print(f"  acknowledged saves: {suite.saves}")
    print(f"  kills before the first acknowledged save: {suite.before_first_ack}")
    print(f"  kills that landed mid-write (meeting temp file on disk): {suite.mid_write}")
    print(f"  kills after a save reached disk, before its acknowledgement: {suite.unacknowledged}")
    print(f"  trials whose listing was left to a later trial: {suite.deferred_lists}")
    print(f"  median trial time: {median * 1000:.0f} ms")
    print(f"  violations: {len(suite.violations)}")
    for violation in suite.violations[:20]:
        print(f"    {violation}")
    return len(suite.violations)


# -- 2. disk full ------------------------------------------------------------------------------


@contextlib.contextmanager
def tmpfs(size: int) -> Iterator[Path | None]:
    """A fresh tmpfs of `size` bytes, or None where this process may not mount one."""
    folder = Path(tempfile.mkdtemp(prefix="pmtui-tmpfs-"))
    mounted = False
    try:
        if sys.platform.startswith("linux") and os.geteuid() == 0 and shutil.which("mount"):
            done = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                capture_output=True,
            )
            mounted = done.returncode == 0
        yield folder if mounted else None
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=False)
        shutil.rmtree(folder, ignore_errors=True)


class TmpfsOutage:
    """Fill the tmpfs to the last byte; removing the filler gives the space back."""

    def __init__(self, folder: Path) -> None:
        self.filler = folder / "filler"
        self.bytes = 0

    def describe(self) -> str:
        return f"filler that took the last free byte: {self.bytes} B"

    def __enter__(self) -> None:
        with self.filler.open("wb", buffering=0) as out:
            for chunk in (1 << 16, 1 << 12, 1):
                with contextlib.suppress(OSError):
                    while True:
                        self.bytes += out.write(b"\0" * chunk) or 0

    def __exit__(self, *exc: object) -> None:
        self.filler.unlink()


class _FullDisk:
    """A file whose writes put half their bytes on disk, then fail as a full disk does."""

    landed = 0  # bytes the failed writes put on disk

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def write(self, data: bytes) -> int:
        _FullDisk.landed += self._handle.write(data[: len(data) // 2])
        self._handle.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self._handle.name)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()


class InjectedOutage:
    """ENOSPC from every file the store's storage module opens for writing."""

    def describe(self) -> str:
        return f"bytes the failed writes put in temporary files: {_FullDisk.landed} B"

    def __enter__(self) -> None:
        def full_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            handle = open(file, mode, *args, **kwargs)  # noqa: SIM115
            return _FullDisk(handle) if "w" in mode or "a" in mode else handle

        storage.open = full_open  # type: ignore[attr-defined]

    def __exit__(self, *exc: object) -> None:
        del storage.open  # type: ignore[attr-defined]


def disk_full(mode: str, outage_edits: int) -> int:
    size = 4 << 20
    with tmpfs(size) as mounted:
        if mode == "tmpfs" and mounted is None:
            print("disk full: cannot mount a tmpfs here (needs root on Linux)")
            return 1
        use_tmpfs = mounted is not None and mode != "inject"
        with contextlib.ExitStack() as stack:
            if use_tmpfs:
                assert mounted is not None
                folder = mounted
            else:
                folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            outage = TmpfsOutage(folder) if use_tmpfs else InjectedOutage()
            name = f"tmpfs of {size >> 20} MiB filled" if use_tmpfs else "ENOSPC injected"
            return _disk_full_run(folder / "data", outage, name, outage_edits)


def _disk_full_run(root: Path, outage: Any, name: str, outage_edits: int) -> int:
    problems: list[str] = []
    store = Store(root, summarize=sessionfile.summarize)
    meeting_id = new_meeting(store)
    path = store.meeting_path(meeting_id)
    handle = store.open(meeting_id, write=True)
    results: list[SaveResult] = []
    lock = threading.Lock()

    def on_result(result: SaveResult) -> None:
        with lock:
            results.append(result)

    saver = AutoSaver(handle, on_result)
    pm = sessionfile.from_record(handle.record)
    version = 0

    def save_edit(wait: bool = True) -> None:
        nonlocal version
        version += 1
        edit(pm, version)
        saver.submit(version, sessionfile.to_record(pm))
        if wait and not saver.flush():
            problems.append(f"save {version} did not finish in time")

    for _ in range(3):
        save_edit()
    good = path.read_bytes()
    good_version = version
    with lock:
        before = len(results)
    with outage:
        for _ in range(outage_edits):
            save_edit()
        on_disk = path.read_bytes()
        left_in_outage = temp_files(root)
    with lock:
        during = results[before:]
    failed = [r for r in during if not r.ok and NO_SPACE in (r.error or "")]
    if len(during) != outage_edits or len(failed) != outage_edits:
        shown = [r.error for r in during[:3]]
        problems.append(f"{len(failed)} of {outage_edits} outage saves told 'No space': {shown}")
    if on_disk != good:
        problems.append("the meeting file changed during the outage")
    try:
        kept = sessionfile.from_record(Store(root).load(meeting_id))
        if counter(kept) != good_version:
            problems.append(f"file holds save {counter(kept)}, last good {good_version}")
    except Exception as error:
        problems.append(f"the file is unreadable after the outage: {error}")
    if left_in_outage:
        problems.append(f"temporary files left in the outage: {[p.name for p in left_in_outage]}")

    save_edit()  # space is back: the next save carries everything since the last good one
    saver.close()
    handle.close()
    with lock:
        after = results[before + outage_edits :]
    if [r.ok for r in after] != [True]:
        problems.append(f"the save after the outage failed: {[r.error for r in after]}")
    store = Store(root, summarize=sessionfile.summarize)
    record = store.load(meeting_id)
    recovered = sessionfile.from_record(record)
    outage_saves = set(range(good_version + 1, version))
    if missing := sorted(outage_saves - set(saves_in(recovered))):
        problems.append(f"edits made during the outage are lost: {missing}")
    if counter(recovered) != version:
        problems.append(f"file holds save {counter(recovered)} after recovery, expected {version}")
    if left := temp_files(root):
        problems.append(f"temporary files left after recovery: {[p.name for p in left]}")
    if problem := summary_problem(store, meeting_id, record):
        problems.append(problem)

    print(f"disk full ({name})")
    print(f"  saves before the outage: {good_version} ({len(good)} B on disk)")
    print(f"  saves attempted in the outage: {outage_edits}")
    print(f"  saves failed, facilitator told {NO_SPACE!r}: {len(failed)}")
    if during and during[0].error:
        print(f"  message: {during[0].error}")
    print(f"  meeting file unchanged in the outage: {'yes' if on_disk == good else 'NO'}")
    print(f"  {outage.describe()}")
    print(f"  save after space returned: {'ok' if [r.ok for r in after] == [True] else 'FAILED'}")
    found = len(outage_saves & set(saves_in(recovered)))
    print(f"  outage edits recovered: {found} of {len(outage_saves)}")
    print(f"  meeting file after recovery: {path.stat().st_size} B")
    print(f"  bytes written by the handle: {handle.bytes_written} B")
    print(f"  violations: {len(problems)}")
    for problem in problems:
        print(f"    {problem}")
    return len(problems)


# -- main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, help="kill -9 trials (default 500, 50 with --quick)")
    parser.add_argument("--quick", action="store_true", help="50 trials, a short outage")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--max-delay", type=float, default=0.15, help="seconds, kill delay")
    parser.add_argument(
        "--disk-full",
        choices=("auto", "tmpfs", "inject"),
        default="auto",
        help="fill a tmpfs (auto: when allowed) or inject ENOSPC",
    )
    parser.add_argument("--writer", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        writer(*args.writer)
        return 0
    trials = args.trials if args.trials is not None else (50 if args.quick else 500)
    began = time.perf_counter()
    violations = crash_trials(trials, args.seed, args.max_delay)
    violations += disk_full(args.disk_full, 5 if args.quick else 20)
    print(f"total: {time.perf_counter() - began:.0f} s, violations: {violations}")
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
