"""The archive of meetings.

Layout under the data folder:

    meetings/<id>.json   one TinyDB file per meeting (AtomicJSONStorage), pretty-printed:
                         table "meeting" holds the record as document 1, table "_store"
                         the hash of the summary that record gives
    meetings/<id>.lock   held while a pmtui edits that meeting; never removed
    index/<id>.json      that meeting's summary for `pmtui list` (a cache)
    index/summaries.cache.sqlite3
                         every meeting's summary in one file, for listing many (a cache;
                         see summarycache.py)
    damaged/             meetings moved aside by `quarantine`, never destroyed

Saving an edit rewrites only that meeting's file, plus its small summary when the summary
changed, so a save costs the same with 1 or 1,000 meetings archived, and two processes
editing two meetings never touch a shared file. A summary is trusted only if it is the one
the meeting file's content gives (see index.py).

Reading never needs to write: on a read-only data folder nothing is cleaned up or rebuilt,
and meetings open read-only.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from pmtui.store.handle import DOC_ID, TABLE, MeetingHandle, ReadOnlyError
from pmtui.store.index import (
    BASE_TYPES,
    HASH_FIELD,
    META_TABLE,
    SummaryTypes,
    head_hash,
    read_summary_file,
    summaries_usable,
    summary_file,
    summary_hash,
    summary_problem,
)
from pmtui.store.lock import MeetingLock, pid_alive
from pmtui.store.storage import (
    AtomicJSONStorage,
    CorruptFileError,
    KeepLastDocument,
    StoreError,
    dump_pretty,
    fsync_dir,
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
]

Summarize = Callable[[dict[str, Any]], dict[str, Any]]
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TEMP = re.compile(r"^\..+\.(\d+)\.[0-9a-f]+\.tmp$")
STALE_TEMP_S = 3600
READ_ONLY = "the data folder is read-only"


@contextlib.contextmanager
def _stat_in(folder: str) -> Iterator[Callable[[str], os.stat_result]]:
    """`stat` of names in `folder`: through an open descriptor of the folder where the
    system allows (10,000 names resolved against it took half the time of full paths)."""
    if os.stat in os.supports_dir_fd and hasattr(os, "O_DIRECTORY"):
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            fd = None
        if fd is not None:
            try:
                yield lambda name: os.stat(name, dir_fd=fd)
            finally:
                os.close(fd)
            return
    yield lambda name: os.stat(os.path.join(folder, name))


class MeetingNotFound(StoreError):
    pass


class AmbiguousId(StoreError):
    pass


class _Refusal:
    """Why a lock was not taken (a plain class: see LockHolder)."""

    __slots__ = ("busy", "detail")

    def __init__(self, *, busy: bool, detail: str) -> None:
        self.busy = busy  # another live process holds the lock (else it could not be made)
        self.detail = detail


def _default_summary(record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "title": record.get("title", "")}


def _reason(error: OSError) -> str:
    """An OSError as a few words for a user."""
    if error.errno == errno.EROFS:
        return READ_ONLY
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.EISDIR:
        return "a folder is in the way"
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    return error.strerror or type(error).__name__


class Store:
    def __init__(
        self,
        root: Path,
        summarize: Summarize | None = None,
        *,
        fsync: bool = True,
        summary_types: SummaryTypes | None = None,
    ) -> None:
        """`summary_types` maps summary fields to the types `list()` rows must have."""
        self.root = Path(root)
        self.meetings = self.root / "meetings"
        self.index = self.root / "index"
        self.damaged = self.root / "damaged"
        self.summarize = summarize or _default_summary
        self.summary_types: SummaryTypes = {**BASE_TYPES, **(summary_types or {})}
        self.fsync = fsync
        self._problems: list[str] = []
        try:
            self.meetings.mkdir(parents=True, exist_ok=True)
            self.index.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            if not self.root.is_dir():  # an existing folder we cannot write is still read
                raise StoreError(
                    f"cannot use {self.root} for meetings: {error.strerror or error}"
                ) from None
        if not self.read_only:
            self._clean_temp_files()

    @property
    def read_only(self) -> bool:
        """True if the data folder cannot be written: meetings then open read-only."""
        return not all(os.access(folder, os.W_OK) for folder in (self.meetings, self.index))

    # -- paths ------------------------------------------------------------------------------

    def _check_id(self, meeting_id: str) -> str:
        if not isinstance(meeting_id, str) or not _ID.match(meeting_id):
            raise MeetingNotFound(f"{meeting_id!r} is not a meeting id")
        return meeting_id

    def meeting_path(self, meeting_id: str) -> Path:
        return self.meetings / f"{self._check_id(meeting_id)}.json"

    def summary_path(self, meeting_id: str) -> Path:
        """Where a meeting's summary for `pmtui list` is kept."""
        return self.index / f"{self._check_id(meeting_id)}.json"

    def _lock(self, meeting_id: str) -> MeetingLock:
        return MeetingLock(self.meetings / f"{meeting_id}.lock")

    def ids(self) -> list[str]:
        try:
            names = os.listdir(self.meetings)
        except OSError:
            return []
        return sorted(n[:-5] for n in names if n.endswith(".json") and _ID.match(n[:-5]))

    def _existing(self, meeting_id: str) -> Path:
        path = self.meeting_path(meeting_id)
        if not os.path.lexists(path):
            raise MeetingNotFound(f"no meeting {meeting_id}")
        return path

    def _clean_temp_files(self) -> None:
        """Remove temporary files a crashed writer left behind (never a live one's)."""
        now = time.time()
        for folder in (self.meetings, self.index):
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            # Plain string tests, not glob: glob's pattern took 30 ms over 10,000 meetings.
            for name in names:
                if not (name.startswith(".") and name.endswith(".tmp")):
                    continue
                match = _TEMP.match(name)
                if match is None:
                    continue
                path = folder / name
                pid = int(match.group(1))
                try:
                    old = now - path.stat().st_mtime > STALE_TEMP_S
                    if (pid != os.getpid() and not pid_alive(pid)) or old:
                        path.unlink(missing_ok=True)
                except OSError:
                    continue

    # -- reading ----------------------------------------------------------------------------

    def _read(self, meeting_id: str, path: Path) -> tuple[TinyDB, dict[str, Any], str | None]:
        """The meeting's TinyDB (keeping what it read), its record and its summary hash."""
        db = TinyDB(path, storage=KeepLastDocument(AtomicJSONStorage), fsync=self.fsync)
        document = db.table(TABLE).get(doc_id=DOC_ID)
        if document is None:
            raise CorruptFileError(path, "no meeting record inside")
        if document.get("id") != meeting_id:
            raise CorruptFileError(path, "the record inside has another meeting's id")
        meta = db.table(META_TABLE).get(doc_id=1) or {}
        stored = meta.get(HASH_FIELD)
        return db, dict(document), stored if isinstance(stored, str) else None

    def load(self, meeting_id: str) -> dict[str, Any]:
        return self._read(meeting_id, self._existing(meeting_id))[1]

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
        writable = not self.read_only
        # Plain strings, not Paths: pathlib was a third of the time of listing 1,000.
        meetings, index = os.fspath(self.meetings), os.fspath(self.index)
        # Here, not at the top: opening one meeting (the TUI's start) never needs sqlite3.
        from pmtui.store.summarycache import SummaryCache, identity

        cache = SummaryCache(self.index, writable=writable)
        try:
            known = cache.read()
            ids = self.ids()
            found: dict[str, os.stat_result] = {}
            texts: dict[str, str] = {}
            with _stat_in(meetings) as stat:
                for meeting_id in ids:
                    try:  # before reading: see summarycache.py
                        info = stat(meeting_id + ".json")
                    except OSError:
                        continue
                    found[meeting_id] = info
                    entry = known.get(meeting_id)
                    if entry is not None and entry[0] == (
                        info.st_ino,
                        info.st_mtime_ns,
                        info.st_size,
                    ):
                        texts[meeting_id] = entry[1]
            cached = self._cached_summaries(texts)
            order = []
            changed = []
            for meeting_id, info in found.items():
                if meeting_id not in cached:
                    path = os.path.join(meetings, meeting_id + ".json")
                    summary_path = os.path.join(index, meeting_id + ".json")
                    summary = self._listed_summary(meeting_id, path, summary_path, writable)
                    if summary is None:
                        continue
                    cached[meeting_id] = summary
                    changed.append((meeting_id, identity(info), summary))
                order.append((-info.st_mtime_ns, meeting_id))
            cache.update(changed, known.keys() - found.keys())
        finally:
            cache.close()
        order.sort()  # most recently changed first; the id settles a tie
        return [cached[meeting_id] for _, meeting_id in order]

    def _cached_summaries(self, texts: dict[str, str]) -> dict[str, dict[str, Any]]:
        """The cached summaries that still check out, parsed in one go (one parse of all
        of them is several times faster than one each)."""
        try:
            parsed = json.loads("[" + ",".join(texts.values()) + "]")
        except ValueError:
            parsed = []
            for text in texts.values():
                try:
                    parsed.append(json.loads(text))
                except ValueError:
                    parsed.append(None)
        if len(parsed) != len(texts):  # a text holding a comma-joined pair of objects
            return {}
        if summaries_usable(parsed, list(texts), self.summary_types):
            return dict(zip(texts, parsed, strict=True))
        return {
            meeting_id: summary
            for meeting_id, summary in zip(texts, parsed, strict=True)
            if summary_problem(summary, meeting_id, self.summary_types) is None
        }

    def _listed_summary(
        self, meeting_id: str, path: str, summary_path: str, writable: bool
    ) -> dict[str, Any] | None:
        """The meeting's summary file if it matches the meeting; else one built from it."""
        found = read_summary_file(summary_path, meeting_id, self.summary_types)
        cached, known = found if found is not None else (None, None)
        if cached is not None and known == head_hash(path):
            return cached
        try:
            summary = self.summary_of(self._read(meeting_id, Path(path))[1])
        except CorruptFileError as error:
            self._problems.append(str(error))
            return None
        except StoreError as error:
            self._problems.append(f"{path} could not be listed: {error}")
            return None
        if writable and summary != cached and not self.write_summary_file(meeting_id, summary):
            self._problems.append(f"{summary_path} could not be updated")
        return summary

    def summary_of(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record's summary for `list()`, its types checked; StoreError if unusable."""
        meeting_id = record.get("id")
        try:
            summary = dict(self.summarize(record))
        except Exception as error:  # the caller's function meets whatever a file holds
            raise StoreError(f"it could not be summarised ({type(error).__name__})") from None
        summary["id"] = meeting_id
        problem = summary_problem(summary, str(meeting_id), self.summary_types)
        if problem is not None:
            raise StoreError(problem)
        return summary

    def write_summary_file(self, meeting_id: str, summary: dict[str, Any]) -> bool:
        """Write a meeting's summary file; False if it could not be written."""
        try:
            payload = dump_pretty(summary_file(meeting_id, summary))
            write_atomic(self.summary_path(meeting_id), payload, fsync=self.fsync)
        except OSError:
            return False  # only a cache: the next list rebuilds it
        return True

    # -- writing ----------------------------------------------------------------------------

    def create(self, record: dict[str, Any]) -> str:
        meeting_id = self._check_id(record.get("id", ""))
        path = self.meeting_path(meeting_id)
        if self.read_only:
            raise StoreError(f"cannot create a meeting: {READ_ONLY}")
        if os.path.lexists(path):
            raise StoreError(f"a meeting with id {meeting_id} exists already")
        summary = self.summary_of(record)
        cache = KeepLastDocument(AtomicJSONStorage)
        db = TinyDB(path, storage=cache, fsync=self.fsync)
        try:
            with cache.batch():
                db.table(META_TABLE).insert(Document({HASH_FIELD: summary_hash(summary)}, 1))
                db.table(TABLE).insert(Document(record, DOC_ID))
        except OSError as error:
            raise StoreError(f"cannot save meeting {meeting_id[:8]}: {_reason(error)}") from None
        self.write_summary_file(meeting_id, summary)
        return meeting_id

    def _try_lock(self, meeting_id: str) -> MeetingLock | _Refusal:
        """The meeting's lock, held; or why it cannot be taken."""
        if self.read_only:
            return _Refusal(busy=False, detail=READ_ONLY)
        lock = self._lock(meeting_id)
        try:
            taken = lock.acquire()
        except OSError as error:
            return _Refusal(busy=False, detail=_reason(error))
        if taken:
            return lock
        holder = lock.holder()
        return _Refusal(busy=True, detail=holder.describe() if holder else "another process")

    def _take_lock(self, meeting_id: str, doing: str) -> MeetingLock:
        """The meeting's lock, held; StoreError saying why if it cannot be taken."""
        lock = self._try_lock(meeting_id)
        if isinstance(lock, MeetingLock):
            return lock
        short = meeting_id[:8]
        if lock.busy:
            raise StoreError(
                f"meeting {short} is open in another pmtui ({lock.detail}); close it there first"
            )
        raise StoreError(f"cannot {doing} meeting {short}: cannot lock it ({lock.detail})")

    def delete(self, meeting_id: str) -> None:
        path = self._existing(meeting_id)
        lock = self._take_lock(meeting_id, "delete")
        try:
            path.unlink()
        except OSError as error:
            hint = "; move it aside instead" if path.is_dir() else ""
            raise StoreError(
                f"cannot delete meeting {meeting_id[:8]}: {_reason(error)}{hint}"
            ) from None
        finally:
            # The lock file stays (see MeetingLock.release): removing it while another
            # process has it open could let two processes lock two different files.
            lock.release()
        with contextlib.suppress(OSError):
            self.summary_path(meeting_id).unlink(missing_ok=True)

    def quarantine(self, meeting_id: str) -> Path:
        """Move a (damaged) meeting's file into `damaged/`, never destroying it; its new path."""
        path = self._existing(meeting_id)
        lock = self._take_lock(meeting_id, "move aside")
        try:
            self.damaged.mkdir(exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            target = self.damaged / f"{meeting_id}.{stamp}.json"
            repeat = 1
            while os.path.lexists(target):
                target = self.damaged / f"{meeting_id}.{stamp}-{repeat}.json"
                repeat += 1
            os.rename(path, target)
        except OSError as error:
            raise StoreError(
                f"cannot move meeting {meeting_id[:8]} aside: {_reason(error)}"
            ) from None
        finally:
            lock.release()
        if self.fsync:
            fsync_dir(self.damaged)
            fsync_dir(self.meetings)
        with contextlib.suppress(OSError):
            self.summary_path(meeting_id).unlink(missing_ok=True)
        return target

    def open(self, meeting_id: str, *, write: bool = True) -> MeetingHandle:
        """Open a meeting; read-only, with the reason, if it cannot be locked for writing."""
        path = self._existing(meeting_id)
        lock: MeetingLock | None = None
        message = None
        if write:
            taken = self._try_lock(meeting_id)
            if isinstance(taken, MeetingLock):
                lock = taken
            elif taken.busy:
                message = (
                    f"meeting {meeting_id[:8]} is open for editing in another pmtui "
                    f"({taken.detail}); opened read-only"
                )
            else:
                message = f"cannot lock meeting {meeting_id[:8]} ({taken.detail}): opened read-only"
        try:
            db, record, stored = self._read(meeting_id, path)
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        found = read_summary_file(self.summary_path(meeting_id), meeting_id, self.summary_types)
        known = found[1] if found is not None else None
        return MeetingHandle(self, meeting_id, db, record, stored, known, lock, message)
