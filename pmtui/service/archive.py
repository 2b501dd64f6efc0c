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
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmtui.core import sessionfile
from pmtui.core.clock import Clock
from pmtui.core.coach import Rule
from pmtui.core.live import LiveMeeting
from pmtui.core.models import Postmortem
from pmtui.service.errors import ArchiveError
from pmtui.service.files import read_session_file
from pmtui.service.session import MeetingSession
from pmtui.service.settings import Settings
from pmtui.store.store import Store, StoreError

if TYPE_CHECKING:
    from pmtui.service.follow import FollowSession

DEMO_SAMPLE = "gitlab-2017-database-outage.json"


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

    def __init__(self, settings: Settings, *, fsync: bool = True) -> None:
        self.settings = settings
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

    def create(self, title: str, minutes: int, clock: Clock) -> str:
        """A new, empty meeting of `minutes`; its id."""
        with _errors():
            live = LiveMeeting.new(title, minutes, clock)
            return self._store.create(live.record())

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

    # -- meetings ---------------------------------------------------------------------------

    def open_session(
        self, meeting_id: str, clock: Clock, *, coach_rules: list[Rule] | None = None
    ) -> MeetingSession:
        """Open a meeting to run it: read-write, or read-only with the reason when another
        pmtui is editing it."""
        with _errors():
            handle = self._store.open(meeting_id, write=True)
        try:
            with _errors():
                live = LiveMeeting.from_record(handle.record, clock)
        except ArchiveError:
            handle.close()
            raise
        session = MeetingSession(
            live, handle, export_dir=self.settings.export_dir, coach_rules=coach_rules
        )
        if not session.read_only:
            from pmtui.service.participation import Participation

            try:
                session.participation = Participation(live, self._store.meeting_path(meeting_id))
            except ArchiveError as error:  # participants cannot join; the meeting runs
                session.participation_problem = str(error)
        return session

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
