"""One writer per meeting: an exclusive lock file beside the meeting's file.

Where the platform has `fcntl.flock`, the holder keeps the lock file open and flocked for
as long as it edits. The kernel drops the lock when the process dies, so a lock left by a
dead process is stale by construction, whatever its pid is reused for. Elsewhere the
file is created exclusively and a lock whose pid is no longer alive is taken over.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


class LockHolder:
    """Who holds a meeting's lock, as its lock file says. A plain class, not a
    dataclass: made at import, a dataclass costs every start about 3M instructions."""

    __slots__ = ("host", "pid", "since")

    def __init__(self, pid: int, host: str, since: str) -> None:
        self.pid = pid
        self.host = host
        self.since = since  # ISO-8601, UTC

    def describe(self) -> str:
        when = self.since[11:16] + " UTC" if len(self.since) >= 16 else self.since
        return f"pid {self.pid} on {self.host} since {when}"


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


class MeetingLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def _stamp(self) -> bytes:
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        return json.dumps(me).encode()

    def acquire(self) -> bool:
        """Take the lock if nobody live holds it; False if another process does.

        Raises OSError if the lock file cannot be made or stamped (a folder in its place,
        a read-only folder, a full disk); the lock is then not held.
        """
        if self._fd is not None:
            return True
        if fcntl is None:
            return self._acquire_exclusive()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError:
            os.close(fd)
            raise
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, self._stamp(), 0)
        except OSError:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise
        self._fd = fd
        return True

    def _acquire_exclusive(self) -> bool:
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = self.holder()
                if (
                    holder is not None
                    and holder.host == socket.gethostname()
                    and not pid_alive(holder.pid)
                ):
                    self.path.unlink(missing_ok=True)  # stale: its process is gone
                    continue
                return False
            try:
                os.write(fd, self._stamp())
            except OSError:
                os.close(fd)
                self.path.unlink(missing_ok=True)
                raise
            self._fd = fd
            return True
        return False

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        if fcntl is None:
            os.close(fd)
            self.path.unlink(missing_ok=True)
            return
        # The file stays: removing it could let two processes lock two different files.
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def holder(self) -> LockHolder | None:
        """Who holds the lock, as written in the lock file (None if unknown or free)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "null")
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        try:
            return LockHolder(int(data["pid"]), str(data["host"]), str(data["since"]))
        except (KeyError, TypeError, ValueError):
            return None

    def is_held_elsewhere(self) -> bool:
        """True if another live process holds the lock right now."""
        if self._fd is not None:
            return False
        if self.acquire():
            self.release()
            return False
        return True

    def __enter__(self) -> MeetingLock:
        if not self.acquire():
            raise RuntimeError(f"{self.path} is locked by another process")
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
