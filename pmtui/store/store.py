"""The archive of meetings.

Layout under the data folder:

    meetings/<id>.json   one TinyDB file per meeting (AtomicJSONStorage), one document
    meetings/<id>.lock   held while a pmtui edits that meeting
    index/<id>.json      that meeting's summary for `pmtui list` (a cache)

Saving an edit rewrites only that meeting's file, plus its small summary when the summary
changed, so a save costs the same with 1 or 1,000 meetings archived, and two processes
editing two meetings never touch a shared file. A summary older than its meeting file
(a crash between the two writes) is rebuilt from the meeting.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from pmtui.store.lock import MeetingLock, pid_alive
from pmtui.store.storage import (
    AtomicJSONStorage,
    CorruptFileError,
    StoreError,
    read_json_object,
    write_atomic,
)

__all__ = [
    "AmbiguousId",
    "CorruptFileError",
    "MeetingHandle",
    "MeetingNotFound",
    "ReadOnlyError",
    "Store",
    "StoreError",
    "default_data_dir",
]

Summarize = Callable[[dict[str, Any]], dict[str, Any]]
TABLE = "meeting"
DOC_ID = 1
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TEMP = re.compile(r"^\..+\.(\d+)\.[0-9a-f]+\.tmp$")
STALE_TEMP_S = 3600


class MeetingNotFound(StoreError):
    pass


class AmbiguousId(StoreError):
    pass


class ReadOnlyError(StoreError):
    pass


def default_data_dir() -> Path:
    """$PMTUI_DATA, else the user data folder (e.g. ~/.local/share/pmtui)."""
    env = os.environ.get("PMTUI_DATA")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("pmtui", appauthor=False))


def _default_summary(record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "title": record.get("title", "")}


class Store:
    def __init__(
        self, root: Path, summarize: Summarize | None = None, *, fsync: bool = True
    ) -> None:
        self.root = Path(root)
        self.meetings = self.root / "meetings"
        self.index = self.root / "index"
        self.summarize = summarize or _default_summary
        self.fsync = fsync
        self._problems: list[str] = []
        try:
            self.meetings.mkdir(parents=True, exist_ok=True)
            self.index.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"cannot use {self.root} for meetings: {error.strerror or error}"
            ) from None
        self._clean_temp_files()

    # -- paths ------------------------------------------------------------------------------

    def _check_id(self, meeting_id: str) -> str:
        if not isinstance(meeting_id, str) or not _ID.match(meeting_id):
            raise MeetingNotFound(f"{meeting_id!r} is not a meeting id")
        return meeting_id

    def meeting_path(self, meeting_id: str) -> Path:
        return self.meetings / f"{self._check_id(meeting_id)}.json"

    def summary_path(self, meeting_id: str) -> Path:
        """Where a meeting's summary for `pmtui list` is kept."""
        return self.index / f"{meeting_id}.json"

    def _lock(self, meeting_id: str) -> MeetingLock:
        return MeetingLock(self.meetings / f"{meeting_id}.lock")

    def ids(self) -> list[str]:
        return sorted(p.stem for p in self.meetings.glob("*.json") if _ID.match(p.stem))

    def _clean_temp_files(self) -> None:
        """Remove temporary files a crashed writer left behind (never a live one's)."""
        now = time.time()
        for folder in (self.meetings, self.index):
            for path in folder.glob(".*.tmp"):
                match = _TEMP.match(path.name)
                if match is None:
                    continue
                pid = int(match.group(1))
                try:
                    old = now - path.stat().st_mtime > STALE_TEMP_S
                except OSError:
                    continue
                if (pid != os.getpid() and not pid_alive(pid)) or old:
                    path.unlink(missing_ok=True)

    # -- reading ----------------------------------------------------------------------------

    def _read(self, path: Path) -> dict[str, Any]:
        return self._read_document(path)[TABLE][str(DOC_ID)]  # type: ignore[no-any-return]

    def _read_document(self, path: Path) -> dict[str, Any]:
        """The whole TinyDB document of a meeting file, checked to hold a record."""
        storage = AtomicJSONStorage(path, fsync=self.fsync)
        data = storage.read()
        if data is None:
            raise CorruptFileError(path, "the file is empty")
        table = data.get(TABLE)
        if not isinstance(table, dict) or not isinstance(table.get(str(DOC_ID)), dict):
            raise CorruptFileError(path, "no meeting record inside")
        return data

    def load(self, meeting_id: str) -> dict[str, Any]:
        path = self.meeting_path(meeting_id)
        if not path.exists():
            raise MeetingNotFound(f"no meeting {meeting_id}")
        return self._read(path)

    def resolve(self, prefix: str) -> str:
        """The full id for a unique prefix of it."""
        prefix = prefix.strip().lower()
        if not prefix:
            raise MeetingNotFound("give a meeting id (see `pmtui list`)")
        matches = [i for i in self.ids() if i.lower().startswith(prefix)]
        if not matches:
            raise MeetingNotFound(f"no meeting with an id starting {prefix!r} (see `pmtui list`)")
        if len(matches) > 1:
            shown = ", ".join(m[:12] for m in matches[:5])
            more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
            raise AmbiguousId(
                f"{prefix!r} matches {len(matches)} meetings ({shown}{more}); type more of the id"
            )
        return matches[0]

    def problems(self) -> list[str]:
        """Damaged files met while listing, as messages for the user."""
        return list(self._problems)

    def list(self) -> list[dict[str, Any]]:
        """Every readable meeting's summary, most recently changed first."""
        self._problems = []
        rows = []
        for meeting_id in self.ids():
            path = self.meetings / f"{meeting_id}.json"
            try:
                changed = path.stat().st_mtime_ns
            except OSError:
                continue
            summary = self._cached_summary(meeting_id, changed)
            if summary is None:
                try:
                    summary = self.write_summary(self._read(path))
                except CorruptFileError as error:
                    self._problems.append(str(error))
                    continue
                except (KeyError, TypeError, ValueError) as error:
                    self._problems.append(f"{path} could not be summarised: {error}")
                    continue
            rows.append((changed, summary))
        rows.sort(key=lambda row: row[0], reverse=True)
        return [summary for _, summary in rows]

    def _cached_summary(self, meeting_id: str, changed_ns: int) -> dict[str, Any] | None:
        path = self.summary_path(meeting_id)
        try:
            if path.stat().st_mtime_ns < changed_ns:
                return None  # older than the meeting: rebuild
            data = read_json_object(path)
        except (OSError, CorruptFileError):
            return None
        if not data or data.get("id") != meeting_id:
            return None
        return data

    def write_summary(self, record: dict[str, Any]) -> dict[str, Any]:
        """Summarise a record and write its summary file."""
        summary = self.summarize(record)
        summary["id"] = record["id"]
        payload = json.dumps(summary, ensure_ascii=False).encode("utf-8")
        write_atomic(self.summary_path(record["id"]), payload, fsync=self.fsync)
        return summary

    # -- writing ----------------------------------------------------------------------------

    def create(self, record: dict[str, Any]) -> str:
        meeting_id = self._check_id(record.get("id", ""))
        path = self.meeting_path(meeting_id)
        if path.exists():
            raise StoreError(f"a meeting with id {meeting_id} exists already")
        db = TinyDB(path, storage=AtomicJSONStorage, fsync=self.fsync)
        db.table(TABLE).insert(record)
        self.write_summary(record)
        return meeting_id

    def delete(self, meeting_id: str) -> None:
        path = self.meeting_path(meeting_id)
        if not path.exists():
            raise MeetingNotFound(f"no meeting {meeting_id}")
        lock = self._lock(meeting_id)
        if not lock.acquire():
            holder = lock.holder()
            who = f" ({holder.describe()})" if holder else ""
            raise StoreError(
                f"meeting {meeting_id[:8]} is open in another pmtui{who}; close it there first"
            )
        try:
            path.unlink()
            self.summary_path(meeting_id).unlink(missing_ok=True)
        finally:
            lock.release()
            lock.path.unlink(missing_ok=True)

    def open(self, meeting_id: str, *, write: bool = True) -> MeetingHandle:
        """Open a meeting; read-only, with the reason, if another pmtui is editing it."""
        path = self.meeting_path(meeting_id)
        if not path.exists():
            raise MeetingNotFound(f"no meeting {meeting_id}")
        lock = self._lock(meeting_id)
        message = None
        if write and not lock.acquire():
            holder = lock.holder()
            who = holder.describe() if holder else "another process"
            message = (
                f"meeting {meeting_id[:8]} is open for editing in another pmtui "
                f"({who}); opened read-only"
            )
        try:
            document = self._read_document(path)
        except StoreError:
            lock.release()
            raise
        return MeetingHandle(self, meeting_id, document, lock if lock.held else None, message)


class MeetingHandle:
    """An open meeting. Saving is durable when `save` returns, and safe from any thread."""

    def __init__(
        self,
        store: Store,
        meeting_id: str,
        document: dict[str, Any],
        lock: MeetingLock | None,
        lock_message: str | None,
    ) -> None:
        self.store = store
        self.id = meeting_id
        # The file's whole TinyDB document as read when opened. While the lock is held
        # no one else writes the file, so a save replaces the record in this copy and
        # writes it, rather than reading and parsing the file again first.
        self._document = document
        self.record: dict[str, Any] = document[TABLE][str(DOC_ID)]
        self._lock = lock
        self.lock_message = lock_message
        self._mutex = threading.Lock()
        self._storage = AtomicJSONStorage(store.meeting_path(meeting_id), fsync=store.fsync)
        self._summary = store.summarize(self.record)
        self._summary["id"] = meeting_id

    @property
    def read_only(self) -> bool:
        return self._lock is None

    @property
    def bytes_written(self) -> int:
        return self._storage.bytes_written

    def save(self, record: dict[str, Any]) -> None:
        if self._lock is None:
            raise ReadOnlyError(self.lock_message or f"meeting {self.id[:8]} is open read-only")
        if record.get("id") != self.id:
            raise StoreError("refusing to save another meeting's record over this one")
        with self._mutex:
            document = {**self._document, TABLE: {**self._document[TABLE], str(DOC_ID): record}}
            self._storage.write(document)
            self._document = document
            summary = self.store.summarize(record)
            summary["id"] = self.id
            if summary != self._summary or not self._touch_summary():
                self.store.write_summary(record)
                self._summary = summary
            self.record = record

    def _touch_summary(self) -> bool:
        """Mark the summary still current (newer than the meeting file); False if gone."""
        try:
            os.utime(self.store.summary_path(self.id))
        except FileNotFoundError:
            return False
        return True

    def close(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> MeetingHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
