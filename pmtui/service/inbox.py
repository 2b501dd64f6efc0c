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
import errno
import fcntl
import json
import os
import re
import secrets
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pmtui.core import contrib
from pmtui.core.contrib import ContribError, Entry
from pmtui.service.errors import ArchiveError

MAX_INBOX = 1 << 20  # bytes: past this an inbox is no longer read (with a warning)
MAX_INBOXES = 200  # participants in one meeting; more files are not read
POLL_S = 0.05
INBOX_NAME = re.compile(r"p[0-9a-f]{11}\.jsonl")


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
        with open(join_path(meeting_file), "rb") as f:
            check = json.loads(f.read(4096))
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
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK
        try:
            self.path.parent.mkdir(exist_ok=True)
            # Never through a link someone left in its place (it could point at the record).
            self._fd = os.open(self.path, flags | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as error:
            raise ArchiveError(f"cannot open the inbox: {error.strerror or error}") from None
        if not stat.S_ISREG(os.fstat(self._fd).st_mode):
            os.close(self._fd)
            raise ArchiveError("cannot open the inbox: it is not a plain file")
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
        os.lseek(self._fd, 0, os.SEEK_SET)
        data = b""
        while len(data) <= MAX_INBOX and (chunk := os.read(self._fd, 1 << 16)):
            data += chunk
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
    skip_rest: bool = False  # the line being read is over the limit: skip to its end


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
        self._ignored: set[str] = set()

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
            if not INBOX_NAME.fullmatch(file):
                if file not in self._ignored:
                    self._ignored.add(file)
                    batch.warnings.append(
                        "a file in the inbox folder that is not an inbox: ignored"
                    )
                continue
            who = file[: -len(".jsonl")]
            if who not in self._inboxes and len(self._inboxes) >= MAX_INBOXES:
                if file not in self._ignored:
                    self._ignored.add(file)
                    batch.warnings.append(f"more than {MAX_INBOXES} inboxes: the rest are not read")
                continue
            state = self._inboxes.setdefault(who, _Inbox())
            if state.stopped:
                continue
            try:
                self._read(who, state, batch)
            except OSError as error:  # one bad inbox never keeps the others from being read
                state.stopped = True
                batch.warnings.append(f"inbox {who}: cannot be read ({error.strerror})")
        return batch

    def _read(self, who: str, state: _Inbox, batch: Batch) -> None:
        path = self.folder / f"{who}.jsonl"
        try:
            # Never follow a link, never wait on a pipe: only a plain file is an inbox.
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError as error:
            if error.errno != errno.ENOENT:
                state.stopped = True
                batch.warnings.append(f"inbox {who}: cannot be read ({error.strerror})")
            return
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            state.stopped = True
            batch.warnings.append(f"inbox {who}: not a plain file, not read")
            return
        with os.fdopen(fd, "rb") as f:
            size = info.st_size
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
        state.offset += len(data)
        *lines, state.tail = (state.tail + data).split(b"\n")
        if len(state.tail) > contrib.MAX_LINE:  # no line is this long: stop waiting for its end
            state.tail = b""
            state.skip_rest = True
        for raw in lines:
            if state.skip_rest:
                state.skip_rest = False
                batch.warnings.append(f"inbox {state.name or who}: skipped a line over the limit")
                continue
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
        contrib.check_name(name)
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
