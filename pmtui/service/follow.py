"""Following a meeting another pmtui runs: read-only by construction, live.

A `FollowSession` never takes the meeting's write lock (so a follower started first never
stops the facilitator from opening the meeting read-write). A background thread asks a
watcher whether the meeting's file or its lock file changed; on a change it reads the
record, builds what the screen needs, and hands the screen an immutable `Snapshot`. The
lock file's stamp says who runs the meeting: it is read, never locked (trying the lock
could win it for an instant and make the facilitator open read-only).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmtui.core import sessionfile
from pmtui.core.clock import Clock
from pmtui.core.live import LiveMeeting
from pmtui.service.errors import ArchiveError
from pmtui.service.watch import PollingWatcher, Watcher
from pmtui.store.lock import MeetingLock, pid_alive

# How often the follower looks at the files, and how often it checks that the
# facilitator's process is alive (a crash changes no file).
POLL_S = 0.1
LIVENESS_S = 1.0
FOLLOWER_NICE = 10

WAITING = "waiting"  # nobody runs the meeting (yet)
EDITING = "editing"  # a facilitator holds the meeting
CLOSED = "closed"  # the facilitator closed the meeting
ENDED = "ended"  # the facilitator's process ended without closing (a crash, a kill)


@dataclass(frozen=True)
class Facilitator:
    """Who runs the meeting, as the follower last saw it."""

    state: str  # WAITING, EDITING, CLOSED or ENDED
    message: str  # one line for the follower's header

    @property
    def present(self) -> bool:
        return self.state == EDITING


@dataclass(frozen=True)
class Snapshot:
    """One state of the followed meeting. `meeting` is built for the screen and handed
    over: the follower's thread never touches it again."""

    seq: int
    meeting: LiveMeeting | None  # None until the record could be read once
    facilitator: Facilitator
    problem: str | None  # the last read failed (the meeting shown is the one before)


def yield_to_the_facilitator(niceness: int = FOLLOWER_NICE) -> None:
    """Run this process at a lower CPU priority. Followers often share a machine with the
    facilitator (`pmtui serve` runs one per browser tab): each save makes every follower
    read and redraw the meeting, and that work must wait for the facilitator's, never
    delay it. Called by `pmtui follow` for its own process only."""
    with contextlib.suppress(OSError, AttributeError):  # AttributeError: no os.nice
        os.nice(niceness)


def running(pid: int) -> bool:
    """The process is alive: `pid_alive`, and on Linux not a zombie (a killed process whose
    parent has not reaped it yet still answers signals)."""
    if not pid_alive(pid):
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc here, or the process just went: pid_alive said alive
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def lock_file(meeting_file: Path) -> Path:
    """The lock file the store keeps beside a meeting's file."""
    return meeting_file.with_suffix(".lock")


def facilitator_of(lock_path: Path, seen_editing: bool) -> Facilitator:
    """Who holds the meeting, from the lock file's stamp, without trying the lock.

    `seen_editing`: a facilitator was seen before, so an empty stamp means it closed."""
    holder = MeetingLock(lock_path).holder()
    if holder is None:
        if seen_editing:
            return Facilitator(CLOSED, "the facilitator closed the meeting")
        return Facilitator(WAITING, "waiting for the facilitator to open the meeting")
    if holder.host != socket.gethostname():
        return Facilitator(EDITING, f"facilitator: {holder.describe()}")
    if running(holder.pid):
        return Facilitator(EDITING, f"facilitator: {holder.describe()}")
    return Facilitator(
        ENDED,
        f"the facilitator's pmtui (pid {holder.pid}) ended without closing",
    )


class FollowSession:
    """Watches one meeting and posts a `Snapshot` to `listener` on every change."""

    def __init__(
        self,
        read: Callable[[], dict[str, Any]],
        meeting_file: Path,
        clock: Clock,
        *,
        watcher: Watcher | None = None,
        poll_s: float = POLL_S,
        liveness_s: float = LIVENESS_S,
    ) -> None:
        self._read = read
        self.meeting_file = meeting_file
        self.lock_path = lock_file(meeting_file)
        self.clock = clock
        self._watcher = watcher or PollingWatcher(meeting_file, self.lock_path)
        self.poll_s = poll_s
        self.liveness_s = liveness_s
        self._listener: Callable[[Snapshot], None] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._check = threading.Lock()  # one check at a time (thread or caller)
        self._seq = 0
        self._meeting: LiveMeeting | None = None
        self._record: dict[str, Any] | None = None
        self._problem: str | None = None
        self._facilitator = Facilitator(WAITING, "")
        self._seen_editing = False
        self._last_liveness = float("-inf")
        self.latest: Snapshot | None = None

    def open(self) -> Snapshot:
        """Read the meeting now: the first snapshot. ArchiveError when it cannot be read."""
        first = self.check(force=True)
        assert first is not None  # forced
        if first.meeting is None:
            raise ArchiveError(first.problem or "the meeting cannot be read")
        return first

    def watch(self, listener: Callable[[Snapshot], None]) -> None:
        """From now on, post each new snapshot to `listener` (from the watching thread,
        so it must be thread-safe and quick: the follow screen posts itself a message).
        With `poll_s` 0 no thread runs and the caller calls `check()` (tests)."""
        self._listener = listener
        if self.poll_s > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="pmtui-follow", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.poll_s):
            try:
                self.check()
            except Exception as error:  # a bug must not kill following silently
                self._problem = f"following stopped: {error}"
                self._post()
                return

    def check(self, *, force: bool = False) -> Snapshot | None:
        """Look once: a new snapshot (also posted to the listener) if anything changed."""
        with self._check:
            changed = self._watcher.changed() or force
            before = self._facilitator
            now = self.clock.now()
            if changed or now - self._last_liveness >= self.liveness_s:
                self._last_liveness = now
                self._facilitator = facilitator_of(self.lock_path, self._seen_editing)
                self._seen_editing = self._seen_editing or self._facilitator.present
            presence_changed = self._facilitator.present != before.present
            if changed:
                self._reload()
            elif presence_changed and self._record is not None:
                self._build(self._record)
            if not changed and self._facilitator == before:
                return None
            return self._post()

    def _reload(self) -> None:
        try:
            record = self._read()
        except ArchiveError as error:
            # A half-written file cannot be read (saves replace the file whole), but a
            # deleted or damaged one can: keep showing the last good state and say why.
            self._problem = str(error)
            return
        self._build(record)

    def _build(self, record: dict[str, Any]) -> None:
        # The clock runs on between saves only while someone runs the meeting: once the
        # facilitator has gone, it shows where it stood at the last save.
        try:
            meeting = LiveMeeting.from_record(
                record, self.clock, following=self._facilitator.present
            )
        except sessionfile.SessionFileError as error:
            self._problem = str(error)
            return
        self._record = record
        self._meeting = meeting
        self._problem = None

    def _post(self) -> Snapshot:
        self._seq += 1
        snapshot = Snapshot(self._seq, self._meeting, self._facilitator, self._problem)
        self.latest = snapshot
        if self._listener is not None:
            self._listener(snapshot)
        return snapshot

    def close(self, timeout: float = 2.0) -> None:
        """Stop watching (the files are left as they are: nothing was taken)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
