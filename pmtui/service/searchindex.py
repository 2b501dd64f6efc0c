"""A derived search index over every meeting's texts: SQLite FTS5 (standard library)
with the trigram tokenizer, so a search finds any part of a word as `pmtui search` does
without the index. The records stay in the store; this file is only a cache, rebuilt
for the meetings whose file changed (size and time) and dropped if it cannot be read.

Without it, a search reads and parses every meeting: seconds at 10,000 meetings. With
it, a search stats the meeting files and reads only what changed since the last one.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from pmtui.core import search as textsearch
from pmtui.core.models import Postmortem

FILE = "search.sqlite"
SCHEMA = 1
MIN_QUERY = 3  # the trigram tokenizer matches three characters or more
BATCH = 250  # meetings indexed between two commits (and two progress reports)
# One build at a time in a process: a search started while another builds the index
# (the home screen's search, left and opened again) waits for it, then finds the index
# whole, rather than answering at once from the half that was committed.
_BUILDING = threading.Lock()


class SearchIndex:
    def __init__(
        self,
        data_dir: Path,
        load: Callable[[str], Postmortem | None],
    ) -> None:
        self.meetings = data_dir / "meetings"
        self.path = data_dir / "index" / FILE
        self._load = load
        self.behind = ""  # why the last refresh could not finish ("" when it did)
        self.db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path)
            version = db.execute("pragma user_version").fetchone()[0]
            if version != SCHEMA:
                self._create(db)
            return db
        except sqlite3.DatabaseError:
            with contextlib.suppress(OSError):
                self.path.unlink()  # a damaged cache: build it again
            try:
                db = sqlite3.connect(self.path)
            except sqlite3.Error:
                db = sqlite3.connect(":memory:")  # a read-only folder: index in memory
            self._create(db)
            return db

    @staticmethod
    def _create(db: sqlite3.Connection) -> None:
        db.executescript(
            """
            drop table if exists stamps;
            drop table if exists texts;
            create table stamps(meeting_id text primary key, stamp text not null);
            create virtual table texts using fts5(
                meeting_id unindexed, title unindexed, place unindexed, body,
                tokenize='trigram'
            );
            """
        )
        db.execute(f"pragma user_version = {SCHEMA}")
        db.commit()

    def _stamps(self) -> dict[str, str]:
        found = {}
        with contextlib.suppress(OSError), os.scandir(self.meetings) as entries:
            for entry in entries:
                if entry.name.endswith(".json") and not entry.name.startswith("."):
                    with contextlib.suppress(OSError):
                        info = entry.stat()
                        found[entry.name[:-5]] = f"{info.st_mtime_ns}:{info.st_size}"
        return found

    def refresh(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Bring the index up to date with the meeting files; how many were (re)read.

        `progress(done, total)` hears of the meetings read as they are. What is read is
        committed in batches, so a first index of a large archive, interrupted, goes on
        from where it stopped the next time (10,000 meetings take most of a minute)."""
        with _BUILDING:
            return self._refresh(progress)

    def _refresh(self, progress: Callable[[int, int], None] | None) -> int:
        now = self._stamps()
        known = dict(self.db.execute("select meeting_id, stamp from stamps"))
        stale = [m for m, stamp in now.items() if known.get(m) != stamp]
        gone = [m for m in known if m not in now]
        try:
            # One pass over the texts for every meeting that changed or went: the meeting
            # id is not indexed in the FTS table, so a delete per meeting scanned the
            # whole table each time (after copying or cloning 10,000 meetings, whose
            # times all change, the first search ran for a quarter of an hour).
            self._drop([m for m in gone + stale if m in known])
            self.db.commit()
            for start in range(0, len(stale), BATCH):
                self._index(stale[start : start + BATCH], now)
                self.db.commit()
                if progress is not None:
                    progress(min(start + BATCH, len(stale)), len(stale))
        except sqlite3.OperationalError as error:
            # Read-only, or another pmtui holding it past the timeout: answer from what
            # it holds, and say so.
            self.db.rollback()
            self.behind = str(error)
        return len(stale)

    def _drop(self, meeting_ids: list[str]) -> None:
        if not meeting_ids:
            return
        self.db.execute("create temp table if not exists dropped(id text primary key)")
        self.db.execute("delete from dropped")
        self.db.executemany("insert or ignore into dropped values (?)", [(m,) for m in meeting_ids])
        self.db.execute("delete from texts where meeting_id in (select id from dropped)")
        self.db.execute("delete from stamps where meeting_id in (select id from dropped)")

    def _index(self, batch: list[str], now: dict[str, str]) -> None:
        """Index a batch of meetings in one transaction. Another pmtui may be building
        the same index: with the write lock held, what it indexed meanwhile is left as
        it is, or replaced if it indexed another version of the file."""
        self.db.execute("begin immediate")
        marks = ",".join("?" * len(batch))
        query = f"select meeting_id, stamp from stamps where meeting_id in ({marks})"
        done = dict(self.db.execute(query, batch))
        self._drop([m for m in batch if m in done and done[m] != now[m]])
        for meeting_id in batch:
            if done.get(meeting_id) == now[meeting_id]:
                continue
            pm = self._load(meeting_id)
            if pm is None:
                continue  # damaged: `pmtui list` reports it
            self.db.executemany(
                "insert into texts values (?, ?, ?, ?)",
                [(pm.id, pm.title, place, text) for place, text in textsearch.texts(pm) if text],
            )
            self.db.execute("insert into stamps values (?, ?)", (meeting_id, now[meeting_id]))

    def search(self, query: str, ids: Iterable[str] | None = None) -> list[textsearch.Hit]:
        """Hits for `query` (case and spacing ignored), in meeting then reading order."""
        needle = " ".join(query.split())
        if len(needle) < MIN_QUERY:
            raise ValueError(f"search for at least {MIN_QUERY} characters")
        wanted = set(ids) if ids is not None else None
        phrase = '"' + needle.replace('"', '""') + '"'
        rows = self.db.execute(
            "select meeting_id, title, place, body from texts where body match ? order by rowid",
            (phrase,),
        )
        hits = []
        low = needle.casefold()
        for meeting_id, title, place, body in rows:
            if wanted is not None and meeting_id not in wanted:
                continue
            text = body
            found = text.casefold().find(low)
            if found < 0:
                text = " ".join(body.split())
                found = text.casefold().find(low)
            if found >= 0:
                hits.append(textsearch.Hit(meeting_id, title, place, text, found, found + len(low)))
        return hits

    def close(self) -> None:
        self.db.close()
