"""An open meeting: its record, and saves through TinyDB while the lock is held."""

from __future__ import annotations

import threading
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB
from tinydb.table import Document

from pmtui.store.index import HASH_FIELD, META_TABLE, summary_hash
from pmtui.store.lock import MeetingLock
from pmtui.store.storage import KeepLastDocument, StoreError

if TYPE_CHECKING:
    from pmtui.store.store import Store

TABLE = "meeting"
DOC_ID = 1


class ReadOnlyError(StoreError):
    pass


def replacing_with(record: dict[str, Any]) -> Callable[[MutableMapping[str, Any]], None]:
    """A TinyDB update that makes a document exactly `record` (a plain update only merges)."""

    def replace(document: MutableMapping[str, Any]) -> None:
        document.clear()
        document.update(record)

    return replace


class MeetingHandle:
    """An open meeting. Saving is durable when `save` returns, and safe from any thread."""

    def __init__(
        self,
        store: Store,
        meeting_id: str,
        db: TinyDB,
        record: dict[str, Any],
        meeting_hash: str | None,
        summary_file_hash: str | None,
        lock: MeetingLock | None,
        lock_message: str | None,
    ) -> None:
        self.store = store
        self.id = meeting_id
        self.record = record
        self.lock_message = lock_message
        # While the lock is held no one else writes the file, so the TinyDB behind this
        # handle keeps the document it read (KeepLastDocument) and a save only writes.
        self._db = db
        self._cache: KeepLastDocument = db.storage  # type: ignore[assignment]
        self._meeting_hash = meeting_hash  # the summary hash the meeting file holds
        self._summary_file_hash = summary_file_hash  # the one the summary file holds
        self._lock = lock
        self._mutex = threading.Lock()

    @property
    def read_only(self) -> bool:
        return self._lock is None

    @property
    def bytes_written(self) -> int:
        """Bytes written to the meeting's file by this handle's saves."""
        return self._cache.bytes_written

    def save(self, record: dict[str, Any]) -> None:
        """Replace the meeting's record on disk; OSError if the file cannot be written."""
        if self._lock is None:
            raise ReadOnlyError(self.lock_message or f"meeting {self.id[:8]} is open read-only")
        if record.get("id") != self.id:
            raise StoreError("refusing to save another meeting's record over this one")
        with self._mutex:
            try:
                summary = self.store.summary_of(record)
            except StoreError as error:
                raise StoreError(f"meeting {self.id[:8]} was not saved: {error}") from None
            digest = summary_hash(summary)
            with self._cache.batch():  # the record and its summary hash: one atomic write
                self._db.table(TABLE).update(replacing_with(record), doc_ids=[DOC_ID])
                if digest != self._meeting_hash:
                    meta = Document({HASH_FIELD: digest}, doc_id=1)
                    self._db.table(META_TABLE).upsert(meta)
            self._meeting_hash = digest
            self.record = record
            if digest != self._summary_file_hash and self.store.write_summary_file(
                self.id, summary
            ):
                self._summary_file_hash = digest

    def close(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> MeetingHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
