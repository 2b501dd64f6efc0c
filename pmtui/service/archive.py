"""The archive of meetings as the UI and the CLI see it: list, find, create, import,
delete, open for a meeting, and a throw-away demo archive.

It is the only code that opens the store. Every problem a user can meet comes out as an
`ArchiveError` with one line to show.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pmtui.core import sessionfile
from pmtui.core.clock import Clock
from pmtui.core.coach import Rule
from pmtui.core.live import EditError, LiveMeeting
from pmtui.core.models import Postmortem, Status
from pmtui.service.errors import ArchiveError
from pmtui.service.files import read_session_file
from pmtui.service.session import MeetingSession
from pmtui.service.settings import Settings
from pmtui.store.store import Store, StoreError

if TYPE_CHECKING:
    from pmtui.service.follow import FollowSession

DEMO_SAMPLE = "gitlab-2017-database-outage.json"
T = TypeVar("T")


@contextlib.contextmanager
def _errors() -> Iterator[None]:
    """Store, file and format problems, as the one-line error the user sees."""
    try:
        yield
    except (StoreError, sessionfile.SessionFileError) as error:
        raise ArchiveError(str(error)) from None
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        raise ArchiveError(f"{where}{error.strerror or error}") from None


class Archive:
    """Every meeting under the data folder of `settings`."""

    def __init__(
        self, settings: Settings, *, fsync: bool = True, published_read_only: bool = False
    ) -> None:
        self.settings = settings
        # The `pmtui` command sets it: a published postmortem then opens read-only until
        # it is reopened (`pmtui status ID draft`). Off by default for embedders and tests.
        self.published_read_only = published_read_only
        with _errors():
            self._store = Store(
                settings.data_dir,
                summarize=sessionfile.summarize,
                fsync=fsync,
                summary_types=sessionfile.SUMMARY_TYPES,
            )

    # -- reading ----------------------------------------------------------------------------

    def list(self) -> list[dict[str, Any]]:
        """Every readable meeting's summary, most recently changed first."""
        with _errors():
            return self._store.list()

    def problems(self) -> list[str]:
        """Damaged files met by the last `list`, as messages for the user."""
        return self._store.problems()

    def resolve(self, prefix: str) -> str:
        """The full id of the one meeting whose id starts with `prefix`."""
        with _errors():
            return self._store.resolve(prefix)

    def record(self, meeting_id: str) -> dict[str, Any]:
        """A meeting's stored record, as it is on disk."""
        with _errors():
            return self._store.load(meeting_id)

    def load(self, meeting_id: str) -> Postmortem:
        """A meeting's record, checked and read."""
        record = self.record(meeting_id)
        with _errors():
            return sessionfile.from_record(record, source=f"meeting {meeting_id}")

    # -- writing ----------------------------------------------------------------------------

    def add(self, pm: Postmortem) -> str:
        """Store a new meeting; its id."""
        with _errors():
            return self._store.create(sessionfile.to_record(pm))

    def import_file(self, path: str | Path) -> Postmortem:
        """Read a session file and store it as a new meeting."""
        with _errors():
            pm = read_session_file(Path(path).expanduser())
        self.add(pm)
        return pm

    def create(
        self,
        title: str,
        minutes: int,
        clock: Clock,
        *,
        zone: str = "",
        facilitator: str = "",
        severity: str = "",
        incident: str = "",
        follow_ups: bool | None = None,
    ) -> str:
        """A new, empty meeting of `minutes`, with what is known up front; its id. It has
        the Follow-ups stage when earlier meetings have open action items (`follow_ups`
        None: look). An empty title or an unknown zone is an ArchiveError, and nothing is
        created."""
        if follow_ups is None:
            try:
                follow_ups = any(row.get("open_actions") for row in self.list())
            except ArchiveError:
                follow_ups = False
        with _errors():
            live = LiveMeeting.new(title, minutes, clock, follow_ups=follow_ups)
            try:
                live.set_field("title", title)
                for name, value in (
                    ("timezone", zone),
                    ("severity", severity),
                    ("incident_id", incident),
                ):
                    if value.strip():
                        live.set_field(name, value.strip())
            except EditError as error:
                raise ArchiveError(str(error)) from None
            live.set_facilitator(facilitator)
            live.undo_history_clear()
            return self._store.create(live.record())

    def update(self, meeting_id: str, change: Callable[[Postmortem], T]) -> T:
        """Change a meeting from outside it (the ledger, a follow-up, a status move):
        through its lock, refused with a one-line ArchiveError, changing nothing, when
        the meeting is open for editing elsewhere. What `change` returns."""
        with _errors():
            handle = self._store.open(meeting_id, write=True)
        try:
            if handle.read_only:
                reason = (handle.lock_message or "").replace("; opened read-only", "")
                raise ArchiveError(f"{reason}: nothing changed; change it there, or close it first")
            with _errors():
                pm = sessionfile.from_record(handle.record, source=f"meeting {meeting_id}")
            result = change(pm)
            sessionfile.touch(pm)
            with _errors():
                handle.save(sessionfile.to_record(pm))
            return result
        finally:
            handle.close()

    def delete(self, meeting_id: str) -> None:
        with _errors():
            self._store.delete(meeting_id)

    def is_damaged(self, meeting_id: str) -> bool:
        """Whether the meeting's file cannot be read as a record."""
        try:
            self.load(meeting_id)
        except ArchiveError:
            return True
        return False

    def move_aside(self, meeting_id: str) -> Path:
        """Move a damaged meeting's file into the `damaged/` folder of the archive, never
        destroying it; where it went."""
        with _errors():
            return self._store.quarantine(meeting_id)

    # -- sync (pmtui.service.sync) ------------------------------------------------------

    def ids(self) -> list[str]:
        """Every meeting id in the archive, damaged ones included."""
        return self._store.ids()

    def file_stamp(self, meeting_id: str) -> tuple[int, int] | None:
        """The meeting file's (mtime_ns, size), or None if it is gone: cheap change test."""
        try:
            st = self._store.meeting_path(meeting_id).stat()
        except (OSError, StoreError):
            return None
        return st.st_mtime_ns, st.st_size

    def may_hold(self, meeting_id: str, needle: bytes) -> bool:
        """Whether the meeting's file holds these bytes (a cheap filter before parsing);
        True when it cannot be read, so the caller looks closer."""
        try:
            return needle in self._store.meeting_path(meeting_id).read_bytes()
        except (OSError, StoreError):
            return True

    def put_record(self, record: dict[str, Any]) -> str | None:
        """Write a whole record (new or replacing) under the meeting's lock; None when it
        landed, else why not in one line (another pmtui has it open, a damaged file)."""
        meeting_id = record["id"]
        try:
            if not self._store.meeting_path(meeting_id).exists():
                self._store.create(record)
                return None
            handle = self._store.open(meeting_id, write=True)
            try:
                if handle.read_only:
                    return handle.lock_message or f"meeting {meeting_id[:8]} is busy"
                drafts = handle.record.get("drafts")
                if drafts and "drafts" not in record:  # a synced record carries none
                    record = {**record, "drafts": drafts}
                handle.save(record)
            finally:
                handle.close()
        except StoreError as error:
            return str(error)
        except OSError as error:
            return f"meeting {meeting_id[:8]}: {error.strerror or error}"
        return None

    def remove(self, meeting_id: str) -> str | None:
        """Delete a meeting under its lock; None when done (or already gone), else why not."""
        try:
            if not self._store.meeting_path(meeting_id).exists():
                return None
            self._store.delete(meeting_id)
        except StoreError as error:
            return str(error)
        return None

    # -- meetings ---------------------------------------------------------------------------

    def open_session(
        self,
        meeting_id: str,
        clock: Clock,
        *,
        coach_rules: list[Rule] | None = None,
        participants: bool = True,
    ) -> MeetingSession:
        """Open a meeting to run it: read-write, or read-only with the reason when another
        pmtui is editing it. `participants` False leaves the join code and the inboxes to
        `open_participation` (the meeting screen calls it after its first frame)."""
        with _errors():
            handle = self._store.open(meeting_id, write=True)
        if (
            self.published_read_only
            and handle.record.get("status") == Status.PUBLISHED.value
            and not handle.read_only
        ):
            # Published minutes are what the team agreed: editing them is a decision,
            # made with `pmtui status ID draft --by NAME`, and recorded.
            handle.close()
            with _errors():
                handle = self._store.open(meeting_id, write=False)
            handle.lock_message = (
                f"meeting {meeting_id[:8]} is published: opened read-only "
                f"(reopen it with `pmtui status {meeting_id[:8]} draft --by NAME`)"
            )
        try:
            with _errors():
                live = LiveMeeting.from_record(handle.record, clock)
        except ArchiveError:
            handle.close()
            raise
        session = MeetingSession(
            live, handle, export_dir=self.settings.export_dir, coach_rules=coach_rules
        )
        if participants:
            self.open_participation(session)
        return session

    def open_participation(self, session: MeetingSession) -> None:
        """Let participants join a meeting open read-write here: its join code and inboxes
        (`session.participation`). The first time, making the code's check takes a
        50,000-round PBKDF2. Does nothing when read-only, or done or tried before."""
        if session.read_only or session.participation is not None or session.participation_problem:
            return
        from pmtui.service.participation import Participation

        try:
            path = self._store.meeting_path(session.meeting_id)
            session.participation = Participation(session.live, path)
        except (ArchiveError, StoreError) as error:  # participants cannot join; the meeting runs
            session.participation_problem = str(error)

    def meeting_file(self, meeting_id: str) -> Path:
        """Where the meeting's file is (participants' inboxes are kept beside it)."""
        with _errors():
            path = self._store.meeting_path(meeting_id)
        if not path.exists():
            raise ArchiveError(f"no meeting {meeting_id}")
        return path

    def follow(self, meeting_id: str, clock: Clock, **options: Any) -> FollowSession:
        """Follow a meeting someone else runs: read-only, never taking its lock. Call
        `start(listener)` on the session to read it and watch it (see service.follow)."""
        from pmtui.service.follow import FollowSession

        with _errors():
            path = self._store.meeting_path(meeting_id)
        if not path.exists():
            raise ArchiveError(f"no meeting {meeting_id}")
        return FollowSession(lambda: self.record(meeting_id), path, clock, **options)


@contextlib.contextmanager
def demo_archive(settings: Settings) -> Iterator[tuple[Archive, str]]:
    """A throw-away archive holding one sample meeting, removed afterwards; the user's
    own meetings are never touched."""
    from pmtui.resources import sample_sessions

    samples = sample_sessions()
    if not samples:
        raise ArchiveError("this pmtui was installed without its sample sessions")
    chosen = next((p for p in samples if p.name == DEMO_SAMPLE), samples[0])
    folder = Path(tempfile.mkdtemp(prefix="pmtui-demo-"))
    try:
        # The archive is thrown away on exit: flushing its writes to the disk buys nothing.
        archive = Archive(dataclasses.replace(settings, data_dir=folder), fsync=False)
        pm = archive.import_file(chosen)
        yield archive, pm.id
    finally:
        shutil.rmtree(folder, ignore_errors=True)
