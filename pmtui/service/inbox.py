"""Participants' inboxes: the join code, each participant's writer, the facilitator's reader.

Beside a meeting's file `meetings/<id>.json` the facilitator keeps:
- `<id>.code`: the join code (owner-only), made when the meeting is first opened;
- `<id>.join`: what a participant checks a typed code against (a salted PBKDF2 of it);
- `<id>.inbox/<pseudonym>.jsonl`: one append-only inbox per participant, one signed
  JSON line per note or vote (see pmtui.core.contrib), flushed and fsync'd per line.

A participant's process writes only its own inbox and holds an advisory lock on it while
it runs (the same name cannot join twice at once). The facilitator's session is the only
reader: `InboxReader.poll()` returns the new complete lines of every inbox, verified,
with a warning for each line refused. A half-written last line waits for its newline (a
writer killed mid-line leaves it; the next writer under that name starts a new line, so
the half line becomes a malformed line and is skipped).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pmtui.core import contrib
from pmtui.core.contrib import ContribError, Entry
from pmtui.service.errors import ArchiveError

MAX_INBOX = 1 << 20  # bytes: past this an inbox is no longer read (with a warning)
POLL_S = 0.05


def code_path(meeting_file: Path) -> Path:
    return meeting_file.with_suffix(".code")


def join_path(meeting_file: Path) -> Path:
    return meeting_file.with_suffix(".join")


def inbox_dir(meeting_file: Path) -> Path:
    return meeting_file.with_suffix(".inbox")


def ensure_code(meeting_file: Path) -> str:
    """The meeting's join code, made (with its public check) the first time."""
    path = code_path(meeting_file)
    with contextlib.suppress(OSError):
        code = contrib.normal_code(path.read_text(encoding="ascii"))
        if len(code) >= 4 and join_path(meeting_file).exists():
            return code
    code = contrib.new_code()
    salt = secrets.token_hex(8)
    check = {"salt": salt, "verifier": contrib.verifier(code, salt)}
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(code + "\n")
        join_path(meeting_file).write_text(json.dumps(check) + "\n", encoding="ascii")
        inbox_dir(meeting_file).mkdir(exist_ok=True)
    except OSError as error:
        raise ArchiveError(f"cannot keep the join code: {error.strerror or error}") from None
    return code


def check_code(meeting_file: Path, code: str) -> bool:
    """The typed code is the meeting's. ArchiveError when nobody has opened it to join."""
    try:
        check = json.loads(join_path(meeting_file).read_text(encoding="ascii"))
        salt, want = str(check["salt"]), str(check["verifier"])
    except (OSError, ValueError, KeyError, TypeError):
        raise ArchiveError(
            "this meeting takes no participants yet: the facilitator opens it first"
        ) from None
    return secrets.compare_digest(contrib.verifier(code, salt), want)


class InboxWriter:
    """A participant's side: signs and appends their lines, one fsync per line."""

    def __init__(self, meeting_file: Path, meeting_id: str, name: str, code: str) -> None:
        self.name = contrib.check_name(name)
        self.who = contrib.pseudonym(code, meeting_id, self.name)
        self._key = contrib.participant_key(code, meeting_id, self.name)
        self.path = inbox_dir(meeting_file) / f"{self.who}.jsonl"
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as error:
            raise ArchiveError(f"cannot open the inbox: {error.strerror or error}") from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            raise ArchiveError(f"{self.name} has already joined this meeting elsewhere") from None
        self.entries, tail_open = self._read_own()
        self.seq = max((e.seq for e in self.entries), default=0)
        if tail_open:  # a line left half-written by a writer killed mid-line
            os.write(self._fd, b"\n")

    def _read_own(self) -> tuple[list[Entry], bool]:
        with open(self.path, "rb") as f:
            data = f.read(MAX_INBOX + 1)
        *lines, tail = data.split(b"\n")
        out = []
        for raw in lines:
            with contextlib.suppress(ContribError):
                out.append(contrib.read_line(raw, self.name, self._key))
        return out, bool(tail)

    def note(self, column: str, text: str) -> Entry:
        with self._lock:
            return self._write(contrib.note_entry(self.seq + 1, self.name, column, text))

    def vote(self, note_id: str, step: int = 1) -> Entry:
        with self._lock:
            return self._write(Entry(self.seq + 1, self.name, "vote", note=note_id, step=step))

    def _write(self, entry: Entry) -> Entry:
        line = contrib.sign(entry, self._key)
        if os.fstat(self._fd).st_size + len(line) > MAX_INBOX:
            raise ContribError("your inbox is full: the facilitator reads no more from it")
        os.write(self._fd, line)  # one write of a whole line, O_APPEND
        os.fsync(self._fd)
        self.seq = entry.seq
        self.entries.append(entry)
        return entry

    def votes_given(self) -> dict[str, int]:
        """Net votes this participant has sent, per note id (as sent, before merging)."""
        out: dict[str, int] = {}
        for e in self.entries:
            if e.kind == "vote":
                out[e.note] = out.get(e.note, 0) + e.step
        return {k: v for k, v in out.items() if v > 0}

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._fd)


@dataclass
class _Inbox:
    offset: int = 0
    tail: bytes = b""
    stopped: bool = False
    name: str | None = None  # the owner, from the first line whose signature checks


@dataclass(frozen=True)
class Arrival:
    who: str  # pseudonym (the inbox's file name)
    name: str
    entry: Entry


@dataclass
class Batch:
    arrivals: list[Arrival] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class InboxReader:
    """The facilitator's side: reads what is new in every inbox, verifying each line."""

    def __init__(self, meeting_file: Path, meeting_id: str, code: str) -> None:
        self.folder = inbox_dir(meeting_file)
        self.meeting_id = meeting_id
        self.code = code
        self._inboxes: dict[str, _Inbox] = {}
        self._dir_sig: tuple[int, int] | None = None
        self._names: list[str] = []

    def people(self) -> dict[str, str]:
        """Pseudonym -> name of everyone seen so far."""
        return {w: i.name for w, i in self._inboxes.items() if i.name}

    def poll(self) -> Batch:
        batch = Batch()
        try:
            names = sorted(os.listdir(self.folder))
        except OSError:
            return batch
        for file in names:
            if not file.endswith(".jsonl"):
                continue
            who = file[: -len(".jsonl")]
            state = self._inboxes.setdefault(who, _Inbox())
            if not state.stopped:
                self._read(who, state, batch)
        return batch

    def _read(self, who: str, state: _Inbox, batch: Batch) -> None:
        path = self.folder / f"{who}.jsonl"
        try:
            with open(path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if size > MAX_INBOX:
                    state.stopped = True
                    batch.warnings.append(
                        f"inbox {who} is over {MAX_INBOX // 1024} KiB: no longer read"
                    )
                    return
                if size <= state.offset:
                    return
                f.seek(state.offset)
                data = f.read(size - state.offset)
        except OSError as error:
            batch.warnings.append(f"inbox {who}: {error.strerror or error}")
            return
        state.offset += len(data)
        *lines, state.tail = (state.tail + data).split(b"\n")
        for raw in lines:
            if not raw.strip():
                continue
            try:
                batch.arrivals.append(self._verify(who, state, raw))
            except ContribError as error:
                batch.warnings.append(f"inbox {state.name or who}: skipped {error}")

    def _verify(self, who: str, state: _Inbox, raw: bytes) -> Arrival:
        name = state.name or _claimed(raw)
        if name is None or contrib.pseudonym(self.code, self.meeting_id, name) != who:
            raise ContribError("a line whose author does not own this inbox")
        key = contrib.participant_key(self.code, self.meeting_id, name)
        entry = contrib.read_line(raw, name, key)
        state.name = name
        return Arrival(who, name, entry)


def _claimed(raw: bytes) -> str | None:
    try:
        obj = json.loads(raw)
    except ValueError:
        return None
    author = obj.get("author") if isinstance(obj, dict) else None
    return author if isinstance(author, str) else None


class InboxWatch:
    """Reads the inboxes on a thread and tells `listener` when arrivals wait.

    Verifying lines happens on the thread; applying them to the record is the caller's
    (`take()`, on the thread that owns the meeting)."""

    def __init__(self, reader: InboxReader, poll_s: float = POLL_S) -> None:
        self.reader = reader
        self.poll_s = poll_s
        self._waiting = Batch()
        self._mutex = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listener: Callable[[], None] | None = None

    def start(self, listener: Callable[[], None]) -> None:
        self._listener = listener
        if self.poll_s > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="pmtui-inbox", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.poll_s):
            if self.check() and self._listener is not None:
                self._listener()

    def check(self) -> bool:
        """Read once; True when something waits to be taken."""
        try:
            batch = self.reader.poll()
        except Exception as error:  # a bug must not stop the meeting: say it, carry on
            batch = Batch(warnings=[f"reading the inboxes failed: {error}"])
        with self._mutex:
            self._waiting.arrivals.extend(batch.arrivals)
            self._waiting.warnings.extend(batch.warnings)
            return bool(self._waiting.arrivals or self._waiting.warnings)

    def take(self) -> Batch:
        with self._mutex:
            batch, self._waiting = self._waiting, Batch()
        return batch

    def close(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
