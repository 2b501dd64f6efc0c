"""Every meeting's summary in one SQLite file, so listing 10,000 meetings reads one file.

`index/<id>.json` (see index.py) stays the summary each save writes; listing from those
meant opening two files per meeting, about 5 s for 10,000. This cache holds each
meeting's summary beside the identity of the meeting file it was made from (inode,
modification time in ns, size). A write of a meeting replaces its file (a new inode), so
an entry whose identity no longer matches is simply not used, and the summary is
rebuilt the old way. The identity is taken before the file is read: a save landing in
between leaves an entry that matches no file, never a stale summary that matches.

Only a cache: damaged, missing, locked or unwritable, it is ignored (and rebuilt where
the folder can be written); nothing is lost with it. The standard library's sqlite3 lets
a list update only the entries that changed, and two processes share it safely.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# A name no meeting id can take (ids have no dot), so it never shadows a summary file.
FILE = "summaries.cache.sqlite3"
SCHEMA = 1
Identity = tuple[int, int, int]


def identity(info: os.stat_result) -> Identity:
    return (info.st_ino, info.st_mtime_ns, info.st_size)


class SummaryCache:
    def __init__(self, folder: Path, *, writable: bool) -> None:
        self.path = folder / FILE
        self.writable = writable
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None:
            return self._db
        if not self.writable and not self.path.exists():
            return None
        try:
            if self.writable:
                db = sqlite3.connect(self.path, timeout=0.5)
            else:
                db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=0.5)
            if db.execute("pragma user_version").fetchone()[0] != SCHEMA:
                if not self.writable:
                    db.close()
                    return None
                db.executescript(
                    "drop table if exists summary;"
                    "create table summary(id text primary key, ino integer, mtime_ns integer,"
                    " size integer, summary text not null);"
                    f"pragma user_version = {SCHEMA};"
                )
        except (sqlite3.Error, OSError):
            self._damaged()
            return None
        self._db = db
        return db

    def _damaged(self) -> None:
        """A cache that cannot be read is removed (if we may), to be built again."""
        self.close()
        if self.writable:
            with contextlib.suppress(OSError):
                self.path.unlink()

    def read(self) -> dict[str, tuple[Identity, str]]:
        """Every entry: meeting id -> (the file's identity, its summary as JSON text)."""
        db = self._connect()
        if db is None:
            return {}
        try:
            rows = db.execute("select id, ino, mtime_ns, size, summary from summary").fetchall()
        except sqlite3.Error:
            self._damaged()
            return {}
        return {
            row[0]: ((row[1], row[2], row[3]), row[4]) for row in rows if isinstance(row[4], str)
        }

    def update(
        self, changed: Iterable[tuple[str, Identity, dict[str, Any]]], gone: Iterable[str]
    ) -> None:
        """Record new summaries and forget meetings that are gone; quietly nothing if the
        cache cannot be written (another process holding it, a full disk)."""
        if not self.writable:
            return
        rows = [
            (meeting_id, *found, json.dumps(summary, ensure_ascii=False, sort_keys=True))
            for meeting_id, found, summary in changed
        ]
        gone = [(meeting_id,) for meeting_id in gone]
        if not rows and not gone:
            return
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                db.executemany("insert or replace into summary values (?, ?, ?, ?, ?)", rows)
                db.executemany("delete from summary where id = ?", gone)
        except sqlite3.OperationalError:
            return  # busy or full: the next list tries again
        except sqlite3.Error:
            self._damaged()

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
