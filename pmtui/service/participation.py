"""The facilitator's side of participants: the join code, the inboxes merged into the record.

`Participation` belongs to a read-write `MeetingSession`. Its watch reads and verifies
inbox lines on a thread; `take()` (on the thread that owns the meeting: the screen's)
applies them to the `LiveMeeting`, the only writer of the record. Participants' notes
and votes are never undone by the facilitator's undo (`LiveMeeting.from_outside`); the
facilitator's own acts here (reveal, merge) are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from pmtui.core import contrib
from pmtui.core.contrib import Board
from pmtui.core.live import EditError, LiveMeeting
from pmtui.service.inbox import InboxReader, InboxWatch, ensure_code

MAX_WARNINGS = 50


@dataclass(frozen=True)
class Merged:
    """What one `take()` did, for the facilitator's screen."""

    notes: int = 0  # notes added to the columns
    held: int = 0  # notes held back (silent writing)
    votes: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.notes or self.held or self.votes)


class Participation:
    def __init__(
        self, live: LiveMeeting, meeting_file: Path, *, poll_s: float | None = None
    ) -> None:
        self.live = live
        self.meeting_file = meeting_file
        self.code = ensure_code(meeting_file)
        self.reader = InboxReader(meeting_file, live.pm.id, self.code)
        self.watch = InboxWatch(self.reader) if poll_s is None else InboxWatch(self.reader, poll_s)
        self.warnings: list[str] = []

    # -- the board ------------------------------------------------------------------------

    @property
    def board(self) -> Board:
        return Board.from_dict(self.live.pm.meeting.contributions)

    def _keep(
        self,
        board: Board,
        change: Callable[[object], None] | None = None,
        *,
        announce: bool = True,
    ) -> None:
        self.live.pm.meeting.contributions = board.to_dict()

        def apply(pm: object) -> None:
            if change is not None:
                change(pm)

        self.live.from_outside(apply, announce=announce)

    def start(self, listener: Callable[[], None]) -> None:
        """Watch the inboxes; `listener` is called (from the watching thread) when lines wait."""
        self.watch.start(listener)

    def take(self, *, save: bool = True) -> Merged:
        """Apply what arrived to the record (call on the meeting's thread).

        `save` False: the record is not handed to the writer now; the caller saves soon
        after. Nothing is at risk meanwhile: the inboxes are on disk, and a meeting reopened
        before the save reads them again (what was merged is never merged twice)."""
        batch = self.watch.take()
        board = self.board
        adds: list[tuple[str, str, str]] = []
        votes: list[tuple[str, int]] = []
        warnings = list(batch.warnings)
        held_before = board.pending_count()
        notes = contrib.note_ids(self.live.pm)
        for arrival in batch.arrivals:
            outcome = contrib.apply(board, arrival.who, arrival.name, arrival.entry, notes)
            board = outcome.board
            if outcome.add:
                adds.append(outcome.add)
                notes.add(outcome.add[0])
            if outcome.vote:
                votes.append(outcome.vote)
            if outcome.problem:
                warnings.append(outcome.problem)
        self.warnings = (self.warnings + warnings)[-MAX_WARNINGS:]
        if board == self.board:
            return Merged(warnings=tuple(warnings))

        def change(pm: object) -> None:
            for nid, column, text in adds:
                contrib.add_note(pm, nid, column, text)
            for nid, step in votes:
                contrib.add_votes(pm, nid, step)

        self._keep(board, change, announce=save)
        return Merged(
            notes=len(adds),
            held=board.pending_count() - held_before,
            votes=len(votes),
            warnings=tuple(warnings),
        )

    def poll(self) -> Merged:
        """Read and apply at once (tests, benchmarks, a screen without a thread)."""
        self.watch.check()
        return self.take()

    # -- the facilitator's controls -------------------------------------------------------

    def set_writing(self, on: bool) -> None:
        """Silent writing on (notes held back) or off (reveals what was held)."""
        if on:
            self._keep(replace(self.board, writing=True))
        else:
            self.reveal()

    def reveal(self) -> int:
        """Show every note held back, in the order written; how many."""
        board, shown = contrib.reveal(self.board)

        def change(pm: object) -> None:
            for p in shown:
                contrib.add_note(pm, p.id, p.column, p.text)

        self._keep(board, change)
        return len(shown)

    def lock_voting(self, locked: bool) -> None:
        self._keep(replace(self.board, voting_locked=locked))

    def set_votes(self, n: int) -> None:
        if not 0 <= n <= contrib.MAX_VOTES:
            raise EditError(f"votes per person: 0 to {contrib.MAX_VOTES}")
        self._keep(replace(self.board, votes_per_person=n))

    def show_names(self, on: bool) -> None:
        self._keep(contrib.with_names(self.board, on, self.reader.people()))

    def merge(self, keep: str, gone: str) -> None:
        """Fold the duplicate note `gone` into `keep` (votes and authors combined)."""
        if keep == gone:
            raise EditError("Pick two different notes to merge")
        column, index = self.live.find_note(gone)
        keep_column, keep_index = self.live.find_note(keep)
        with self.live.edit("merge notes") as pm:
            dup = getattr(pm, column)[index]
            kept = getattr(pm, keep_column)[keep_index]
            getattr(pm, keep_column)[keep_index] = replace(kept, votes=kept.votes + dup.votes)
            del getattr(pm, column)[index]
        self._keep(contrib.merge(self.board, keep, gone))

    def close(self) -> None:
        self.watch.close()
