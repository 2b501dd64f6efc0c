"""The facilitator's side of participants, on the meeting screen: one line and a few keys.

The line shows how to join (the command and the meeting's code), who joined, silent
writing, votes; the keys run `pmtui.service.participation.Participation`. Inbox lines are
verified on the session's thread; this module applies them on the screen's thread, then
redraws the stages, and shows each refused line as a warning (the meeting goes on).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static

from pmtui.core.controls import for_terminal
from pmtui.core.live import EditError
from pmtui.ui.stages.base import StagePane

if TYPE_CHECKING:
    from pmtui.service.participation import Participation
    from pmtui.ui.meeting import MeetingScreen

# Merges come at most this often: twelve people typing at once make one redraw and one
# save, not twelve, and the facilitator's own keys keep their pace.
MERGE_EVERY_S = 0.1
# Participants' notes are saved with the facilitator's next edit, or after this long: the
# inboxes on disk already keep them, and one save instead of one per merge leaves the disk
# and the writer thread to the facilitator's keystrokes.
SAVE_AFTER_S = 1.0
SHORT = {"went_right": "right", "went_wrong": "wrong", "got_lucky": "lucky"}
WARNINGS_SHOWN = 3  # per batch; the rest are counted

# F11 works everywhere; the Ctrl keys are not priority keys, so a list that has its own
# use for one (Ctrl+R root cause, Ctrl+T contributing factor or new date, Ctrl+N branch)
# keeps it while focused. F12 is the sync conflicts' key.
BINDINGS: list[BindingType] = [
    Binding("f11", "silent_writing", "Silent/Reveal", show=False, priority=True,
            id="meeting.silent_writing"),
    Binding("ctrl+r", "silent_writing", "Silent/Reveal", show=False,
            id="meeting.silent_writing_ctrl"),
    Binding("ctrl+t", "lock_voting", "Lock votes", show=False, id="meeting.lock_voting"),
    Binding("ctrl+n", "names", "Names", show=False, id="meeting.names"),
    Binding("ctrl+g", "votes_each", "Votes each", show=False, id="meeting.votes_each"),
]  # fmt: skip


def join_command(meeting_id: str) -> str:
    """What a participant types to join (the id's first 8 characters are enough)."""
    return f"pmtui join {meeting_id[:8]}"


class ParticipantsBar(Static):
    """One line: how to join, and the state of writing and voting."""

    DEFAULT_CSS = """
    ParticipantsBar {
        height: 1;
        padding: 0 1;
        background: $boost;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    class Arrived(Message):
        """Inbox lines wait to be merged (posted from the session's thread)."""

    def __init__(self, participation: Participation) -> None:
        super().__init__(id="participants-bar")
        # Hidden until mounted and told the stage: the line is added while the meeting runs
        # (after the first frame), and a row that appears and goes would move the stage.
        self.display = False
        self.participation = participation
        self._merged_at = float("-inf")
        self._merge_due = False
        self._save_due = False

    def on_mount(self) -> None:
        # Shown on the stage that takes participants' notes (and at any stage while notes
        # are hidden in silent writing), so other stages keep their lines.
        switcher = self.screen.query_one("#stages")
        self.watch(switcher, "current", self._stage_shown)
        self.show()
        self.participation.start(self._from_thread)
        self.participation.watch.check()
        self.call_after_refresh(self.merge)

    def _from_thread(self) -> None:
        try:
            self.post_message(self.Arrived())
        except RuntimeError:  # the app is gone: the meeting was closed
            if self.is_attached:
                raise

    def on_participants_bar_arrived(self, _: Arrived) -> None:
        wait = self._merged_at + MERGE_EVERY_S - time.monotonic()
        if wait <= 0:
            self.merge()
        elif not self._merge_due:
            self._merge_due = True
            self.set_timer(wait, self.merge)

    def merge(self) -> None:
        """Apply what arrived; redraw the stages that show notes; say what was refused."""
        self._merged_at = time.monotonic()
        self._merge_due = False
        merged = self.participation.take(save=False)
        if merged.warnings:
            shown = merged.warnings[:WARNINGS_SHOWN]
            more = len(merged.warnings) - len(shown)
            text = "\n".join(shown) + (f"\n(+{more} more)" if more > 0 else "")
            self.notify(
                for_terminal(text, multiline=True),
                title="Inbox lines skipped",
                severity="warning",
                timeout=8,
                markup=False,
            )
        if merged.changed:
            self.redraw_stages()
            if not self._save_due:
                self._save_due = True
                self.set_timer(SAVE_AFTER_S, self._save)
        self.show()

    def _save(self) -> None:
        self._save_due = False
        session = self.screen.session  # type: ignore[attr-defined]
        session.save()

    def redraw_stages(self) -> None:
        screen = self.screen
        for pane in screen.query(StagePane):
            if pane.display and pane.id == "lessons":
                pane.refresh_record()
            else:
                pane.stale = True

    def _stage_shown(self, _stage: str | None = None) -> None:
        current = self.screen.query_one("#stages").current  # type: ignore[attr-defined]
        self.display = current == "lessons" or self.participation.board.writing

    def show(self) -> None:
        from pmtui.core import contrib  # with the participants' line, after the first frame

        part = self.participation
        board = part.board
        self._stage_shown()
        joined = len(part.reader.people())
        pm = part.live.pm
        notes = sum(len(getattr(pm, c)) for c in contrib.COLUMNS)
        text = Text.assemble(
            ("Join: ", "dim"),
            (join_command(pm.id), "bold"),
            ("  code ", "dim"),
            (part.code, "bold reverse"),
            f"  · {joined} joined · {notes} note{'' if notes == 1 else 's'}",
        )
        if board.writing:
            text.append(f" · silent writing, {board.pending_count()} hidden (F11 reveals)",
                        style="bold yellow")  # fmt: skip
        else:
            text.append(" · F11 silent writing", style="dim")
        text.append(f" · {board.votes_per_person} votes each (^G)")
        text.append(" · voting locked (Ctrl+T)" if board.voting_locked else " · Ctrl+T locks votes",
                    style="bold yellow" if board.voting_locked else "dim")  # fmt: skip
        text.append(" · names on (^N)" if board.names else " · anonymous (^N)", style="dim")
        self.update(text, layout=False)  # one line, always: no layout pass


def bar(screen: MeetingScreen) -> ComposeResult:
    """The participants' line, when participants can join this meeting."""
    participation = screen.session.participation
    if participation is not None:
        yield ParticipantsBar(participation)


class FacilitatorKeys:
    """The meeting screen's participant keys (mixed into MeetingScreen)."""

    def _participation(self) -> tuple[Participation, ParticipantsBar] | None:
        screen: MeetingScreen = self  # type: ignore[assignment]
        found = screen.query(ParticipantsBar)
        if screen.session.participation is None or not found:
            return None
        return screen.session.participation, found.first()

    def _after(self, bar: ParticipantsBar, message: str) -> None:
        bar.redraw_stages()
        bar.show()
        bar.notify(message, timeout=4)

    def action_silent_writing(self) -> None:
        if (found := self._participation()) is None:
            return
        part, bar = found
        bar.merge()  # what arrived before the key counts as written in silence
        if part.board.writing:
            shown = part.reveal()
            self._after(bar, f"Revealed {shown} note{'s' if shown != 1 else ''}")
        else:
            part.set_writing(True)
            self._after(bar, "Silent writing: participants' notes are hidden until F11")

    def action_lock_voting(self) -> None:
        if (found := self._participation()) is None:
            return
        part, bar = found
        bar.merge()
        locked = not part.board.voting_locked
        part.lock_voting(locked)
        self._after(bar, "Voting locked" if locked else "Voting open")

    def action_names(self) -> None:
        if (found := self._participation()) is None:
            return
        part, bar = found
        on_ = not part.board.names
        part.show_names(on_)
        self._after(bar, "Names kept in the record" if on_ else "Notes anonymous in the record")

    def action_votes_each(self) -> None:
        if (found := self._participation()) is None:
            return
        part, bar = found

        def chosen(n: int | None) -> None:
            if n is not None:
                part.set_votes(n)
                self._after(bar, f"{n} votes per participant")

        from pmtui.ui.facilitation_dialogs import VotesDialog

        bar.app.push_screen(VotesDialog(part.board.votes_per_person), chosen)

    def on_note_list_merge_requested(self, event: object) -> None:
        if (found := self._participation()) is None:
            return
        part, bar = found
        gone: str = event.note_id  # type: ignore[attr-defined]

        def chosen(keep: str | None) -> None:
            if keep is None:
                return
            try:
                part.merge(keep, gone)
            except EditError as error:
                bar.notify(str(error), severity="warning", timeout=4)
                return
            self._after(bar, "Merged: votes and authors combined")

        from pmtui.ui.facilitation_dialogs import MergeDialog

        bar.app.push_screen(MergeDialog(part, gone), chosen)
