"""Noticing that files changed, behind one small interface.

A follower asks its watcher `changed()` a few times a second. The polling watcher
compares what `stat` says of each file (size, modification time, inode: a save replaces
the meeting file, so its inode changes even when its size and time do not), which costs a
few microseconds and works on every platform and file system, network mounts included.
Tests swap in `ManualWatcher`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol


class Watcher(Protocol):
    def changed(self) -> bool:
        """True when a watched file changed since the last call (and on the first)."""
        ...


Signature = tuple[int, int, int] | None


def signature(path: Path) -> Signature:
    """What tells one version of a file from the next; None when it is not there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class PollingWatcher:
    """Watches files by comparing their `stat` on each call."""

    def __init__(self, *paths: Path) -> None:
        self.paths = paths
        self._seen: tuple[Signature, ...] | None = None

    def changed(self) -> bool:
        now = tuple(signature(p) for p in self.paths)
        if now == self._seen:
            return False
        self._seen = now
        return True


class ManualWatcher:
    """A watcher told by hand that something changed (tests)."""

    def __init__(self) -> None:
        self._dirty = True

    def touch(self) -> None:
        self._dirty = True

    def changed(self) -> bool:
        dirty, self._dirty = self._dirty, False
        return dirty
