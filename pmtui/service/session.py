"""A meeting being run: the record, its lock, background saving, the coach and exports.

The meeting screen asks this object for everything that touches the disk or a thread, so
the screen stays a view: it shows `live` (the core's record and engine), calls `save()`
after a change and `await close_async()` when the facilitator leaves.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmtui.core.coach import Coach, Finding, Rule
from pmtui.core.live import LiveMeeting
from pmtui.core.values import value
from pmtui.service.autosave import AutoSaver, SaveResult
from pmtui.service.errors import ArchiveError

if TYPE_CHECKING:
    from pmtui.service.participation import Participation
    from pmtui.store.store import MeetingHandle

# How long closing waits for the last save before saying it did not complete.
CLOSE_TIMEOUT_S = 10.0


@value(frozen=True)
class SaveState:
    """What the save indicator shows."""

    read_only: bool
    handed: int  # saves handed to the writer so far
    landed: int  # the newest of them that is on disk
    error: str | None  # the last save failed, with this reason
    saved_at: float | None  # when the last save landed (the meeting clock's seconds)

    def __init__(
        self,
        read_only: bool,
        handed: int,
        landed: int,
        error: str | None,
        saved_at: float | None,
    ) -> None:
        self.__dict__.update(
            read_only=read_only, handed=handed, landed=landed, error=error, saved_at=saved_at
        )

    @property
    def pending(self) -> bool:
        """An edit is waiting for the disk."""
        return self.landed < self.handed


def minutes_path(title: str, when: datetime, folder: Path) -> Path:
    """`<folder>/postmortem-<slug>-<YYYYMMDD-HHMM>.md`."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48] or "meeting"
    return folder / f"postmortem-{slug}-{when:%Y%m%d-%H%M}.md"


class MeetingSession:
    """One open meeting. Read-only when another pmtui has it (or it is a demo record)."""

    def __init__(
        self,
        live: LiveMeeting,
        handle: MeetingHandle | None,
        *,
        export_dir: Path,
        coach_rules: list[Rule] | None = None,
    ) -> None:
        self.live = live
        self._handle = handle
        self.export_dir = export_dir
        self.lock_message: str | None = handle.lock_message if handle else "demo record"
        self.read_only = handle is None or handle.read_only
        self._coach = Coach(coach_rules)
        self._coached_version = -1
        self._findings: list[Finding] = []
        self._saver: AutoSaver | None = None
        self._listener: Callable[[SaveResult], None] | None = None
        self._mutex = threading.Lock()
        self._seq = 0
        self._saved_seq = 0
        self._error: str | None = None
        self._saved_at: float | None = None
        # Participants' inboxes (set by the archive for a read-write meeting).
        self.participation: Participation | None = None
        self.participation_problem: str | None = None
        if handle is not None and not handle.read_only:
            self._saver = AutoSaver(handle, self._saved)
            # Every change of the record goes to the writer at once, before anything is
            # redrawn, so the disk write overlaps the repaint.
            live.on_change = self.save

    @property
    def meeting_id(self) -> str:
        return self.live.pm.id

    # -- saving ---------------------------------------------------------------------------

    def on_saved(self, listener: Callable[[SaveResult], None] | None) -> None:
        """Call `listener` from the writer thread after each save (it must be thread-safe
        and quick: the meeting screen posts itself a message)."""
        self._listener = listener

    def save(self) -> None:
        """Hand the record as it is now to the background writer (no-op when read-only)."""
        with self._mutex:  # against `close` letting the writer go in the meantime
            if self._saver is None:
                return
            self._seq += 1
            self._saver.submit(self._seq, self.live.record())

    def _saved(self, result: SaveResult) -> None:
        with self._mutex:
            if result.ok:
                self._saved_seq = max(self._saved_seq, result.version)
                self._error = None
                self._saved_at = self.live.clock.now()
            else:
                self._error = result.error
        if self._listener is not None:
            self._listener(result)

    def save_state(self) -> SaveState:
        with self._mutex:
            return SaveState(
                read_only=self.read_only,
                handed=self._seq,
                landed=self._saved_seq,
                error=self._error,
                saved_at=self._saved_at,
            )

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every save handed over so far is on disk (tests, benchmarks)."""
        return self._saver is None or self._saver.flush(timeout)

    # -- the coach ------------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        """What the coach would have reworded in the record now (re-read only after a change)."""
        if self._coached_version != self.live.version:
            self._coached_version = self.live.version
            self._findings = self._coach.check(self.live.pm)
        return self._findings

    # -- exports --------------------------------------------------------------------------

    def export_minutes(self, template: str = "minutes", folder: Path | None = None) -> Path:
        """Write the minutes to the exports folder; the path written. ArchiveError if not."""
        from pmtui.export import ExportError, render_markdown
        from pmtui.service.files import write_text_atomic

        live = self.live
        now = datetime.fromtimestamp(live.clock.now(), UTC)
        live.record()  # brings the time spent per stage into the record
        target_folder = folder or self.export_dir
        try:
            text = render_markdown(live.pm, template, now=now)
            target_folder.mkdir(parents=True, exist_ok=True)
            path = minutes_path(live.pm.title, now, target_folder)
            write_text_atomic(path, text)
        except ExportError as error:
            raise ArchiveError(str(error)) from None
        except OSError as error:
            where = error.filename or target_folder
            raise ArchiveError(f"{where}: {error.strerror or error}") from None
        return path

    # -- closing --------------------------------------------------------------------------

    def close(self, timeout: float = CLOSE_TIMEOUT_S) -> bool:
        """Save what is on screen, wait for the disk, release the lock.

        False when the last save did not complete: the meeting then stays open (lock and
        writer kept), so nothing is lost and the facilitator can try again."""
        if self.participation is not None:
            self.participation.close()
        if self._saver is not None:
            self.save()
            with self._mutex:
                seq = self._seq
            if not self._saver.flush(timeout) or self._saver.saved_version < seq:
                return False
            # From here a save (a draft saved by a timer as the screen goes) is a no-op;
            # one handed over before it is written by the writer's close. Closing the
            # writer first let such a save reach a closed writer and raise.
            with self._mutex:
                saver, self._saver = self._saver, None
                self.live.on_change = None
            saver.close(timeout)
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        return True

    async def close_async(self, timeout: float = CLOSE_TIMEOUT_S) -> bool:
        """`close` off the event loop: a slow disk never freezes the screen."""
        import asyncio  # here: the commands that never run a loop never load it

        return await asyncio.to_thread(self.close, timeout)

    @property
    def closed(self) -> bool:
        return self._handle is None and self._saver is None

    def record(self) -> dict[str, Any]:
        return self.live.record()
