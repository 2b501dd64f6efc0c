"""A participant's screen: the follow view, plus an entry line for notes and dot votes.

Nothing here writes the record: a note or a vote goes to the participant's own inbox
(`pmtui.service.inbox.InboxWriter`) and reaches the board once the facilitator's session
merges it. What the participant sees of their own votes is the board's account plus what
they sent that was not merged yet.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from pmtui.core import contrib
from pmtui.core.contrib import Board, ContribError
from pmtui.core.live import LESSON_TITLES
from pmtui.service.errors import ArchiveError
from pmtui.service.follow import FollowSession, Snapshot
from pmtui.service.inbox import InboxWriter, check_code
from pmtui.ui.dialogs import Dialog
from pmtui.ui.follow import FollowScreen
from pmtui.ui.styles import SCREENS_CSS

SHORT = {"went_right": "right", "went_wrong": "wrong", "got_lucky": "lucky"}
OWN_SHOWN = 4
MAX_TRIES = 3


class ParticipantScreen(FollowScreen, inherit_bindings=False):
    """Follows the meeting; on the lessons stage, writes notes and votes. Its keys are its
    own (the follow screen's letter keys would take what the participant types)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "column(1)", "Column", priority=True, id="join.column"),
        Binding("shift+tab", "column(-1)", "Column", show=False, priority=True),
        Binding("f2", "vote", "Vote", priority=True, id="join.vote"),
        Binding("f4", "look(-1)", "◀ Stage", priority=True, id="join.previous"),
        Binding("f5", "look(1)", "Stage ▶", priority=True, id="join.next"),
        Binding("escape", "follow", "Follow facilitator", priority=True, id="join.follow"),
        Binding("pageup", "scroll(-10)", "Page up", show=False, priority=True),
        Binding("pagedown", "scroll(10)", "Page down", show=False, priority=True),
        Binding("f10,ctrl+q", "app.quit", "Quit", priority=True, id="join.quit"),
    ]

    def __init__(self, session: FollowSession, first: Snapshot, writer: InboxWriter) -> None:
        super().__init__(session, first)
        self.writer = writer
        self.column = 1  # what went wrong: where most notes go

    def compose(self) -> ComposeResult:
        yield from super().compose()
        with Vertical(id="join-panel"):
            yield Static(id="join-status")
            yield Static(id="join-own")
            yield Input(id="join-entry", max_length=contrib.MAX_TEXT)

    def on_mount(self) -> None:
        # FollowScreen's own on_mount runs too (Textual calls each class's handler).
        self._show_panel()

    def _settle(self) -> None:
        super()._settle()
        self.query_one("#join-entry", Input).focus()

    def tick(self) -> None:
        super().tick()
        self._show_panel()

    def _apply(self, snapshot: Snapshot) -> None:
        super()._apply(snapshot)
        if self.is_mounted:
            self._show_panel()

    # -- what the participant sees of their own part ----------------------------------------

    @property
    def board(self) -> Board:
        return Board.from_dict(self.live.pm.meeting.contributions)

    def my_votes(self, board: Board) -> dict[str, int]:
        """My votes per note now: the board's account plus what it has not merged yet."""
        mine = dict(board.used.get(self.writer.who, {}))
        seen = board.seen.get(self.writer.who, 0)
        for entry in self.writer.entries:
            if entry.kind == "vote" and entry.seq > seen:
                note = board.resolve(entry.note)
                mine[note] = max(0, mine.get(note, 0) + entry.step)
        return {k: v for k, v in mine.items() if v}

    def votes_left(self, board: Board) -> int:
        return board.votes_per_person - sum(self.my_votes(board).values())

    def _show_panel(self) -> None:
        panel = self.query_one("#join-panel")
        on_lessons = self.shown_stage() == "lessons"
        entry = self.query_one("#join-entry", Input)
        if entry.display != on_lessons:
            entry.display = on_lessons
            if on_lessons:
                entry.focus()
        board = self.board
        pm = self.live.pm
        everyone = sum(len(getattr(pm, c)) for c in contrib.COLUMNS) + board.pending_count()
        status = Text.assemble(
            (self.writer.name, "bold"),
            f" · {self.votes_left(board)} of {board.votes_per_person} votes left",
            f" · {everyone} note{'' if everyone == 1 else 's'} from everyone",
        )
        if board.writing:
            status.append(" · silent writing: notes hidden until the reveal", style="yellow")
        if board.voting_locked:
            status.append(" · voting locked", style="bold yellow")
        if not on_lessons:
            status.append(" · notes are written on the lessons stage", style="dim")
        self.query_one("#join-status", Static).update(status)
        on_board = contrib.note_ids(pm)
        held = {p.id for p in board.pending}
        own = Text()
        notes = [e for e in self.writer.entries if e.kind == "note"][-OWN_SHOWN:]
        for e in notes:
            nid = contrib.note_id(self.writer.who, e.seq)
            state = "✓" if board.resolve(nid) in on_board else "◌" if nid in held else "…"
            own.append(f"{state} [{SHORT[e.column]}] ", style="dim")
            own.append(e.text[:200] + "\n")
        own.rstrip()
        self.query_one("#join-own", Static).update(own)
        self.query_one("#join-own", Static).display = bool(notes)
        entry.placeholder = (
            f"{LESSON_TITLES[contrib.COLUMNS[self.column]]}: your note, Enter sends "
            "(Tab: column · F2: vote)"
        )
        panel.display = True

    # -- keys -----------------------------------------------------------------------------

    def action_column(self, step: int) -> None:
        self.column = (self.column + step) % len(contrib.COLUMNS)
        self._show_panel()

    @on(Input.Submitted, "#join-entry")
    def send(self, event: Input.Submitted) -> None:
        try:
            self.writer.note(contrib.COLUMNS[self.column], event.value)
        except (ContribError, OSError) as error:
            self.notify(str(error), severity="warning", timeout=5)
            return
        event.input.value = ""
        self._show_panel()

    def action_vote(self) -> None:
        if not any(getattr(self.live.pm, c) for c in contrib.COLUMNS):
            self.notify("No notes to vote on yet", timeout=4)
            return
        self.app.push_screen(VoteDialog(self))

    def cast(self, note_id: str, step: int) -> str | None:
        """Send a vote (or take one back); the problem, or None."""
        board = self.board
        if board.voting_locked:
            return "Voting is locked"
        if step > 0 and self.votes_left(board) <= 0:
            return f"You have used your {board.votes_per_person} votes"
        if step < 0 and self.my_votes(board).get(note_id, 0) <= 0:
            return "You have no vote on that note"
        try:
            self.writer.vote(note_id, step)
        except (ContribError, OSError) as error:
            return str(error)
        self._show_panel()
        return None

    def on_unmount(self) -> None:
        self.writer.close()  # then FollowScreen's on_unmount closes the session


class VoteDialog(Dialog[None]):
    """Dot votes: Enter or + puts one of my votes on the note, - takes one back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("plus,equals_sign", "cast(1)", "+ vote", id="vote.add"),
        Binding("minus", "cast(-1)", "- take back", id="vote.remove"),
    ]

    def __init__(self, screen: ParticipantScreen) -> None:
        super().__init__("Dot votes")
        self.owner = screen
        self.ids: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield self.title_label()
            yield Label("", id="vote-left")
            yield OptionList(id="vote-options")
            yield Label("Enter or +: vote · -: take back · Esc: done", classes="dialog-hint")

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        board = self.owner.board
        mine = self.owner.my_votes(board)
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        self.ids = []
        for column in contrib.COLUMNS:
            for note in getattr(self.owner.live.pm, column):
                self.ids.append(note.id)
                yours = mine.get(note.id, 0)
                label = Text.assemble(
                    (f"●{note.votes:<3}", "bold"),
                    (f" mine {yours} " if yours else "        ", "green"),
                    (f"[{SHORT[column]}] ", "dim"),
                    note.text[:120],
                )
                options.add_option(Option(label))
        if self.ids:
            options.highlighted = min(highlighted or 0, len(self.ids) - 1)
        left = self.owner.votes_left(board)
        self.query_one("#vote-left", Label).update(
            f"{left} of {board.votes_per_person} votes left"
            + (" · voting locked" if board.voting_locked else "")
        )

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_cast(1)

    def action_cast(self, step: int) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or index >= len(self.ids):
            return
        problem = self.owner.cast(self.ids[index], step)
        if problem:
            self.notify(problem, severity="warning", timeout=4)
        self._fill()


class JoinScreen(Screen[None]):
    """Asks a participant's name and the join code (the browser, or a terminal without
    --as/--code); then opens the participant's screen. Three wrong codes end with 2."""

    # The follow view's look, and a dialog's for the form.
    CSS_PATH: ClassVar[list[str | PurePath]] = [FollowScreen.CSS_PATH, SCREENS_CSS]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+q", "app.quit", "Quit", priority=True),
    ]

    def __init__(
        self,
        session: FollowSession,
        first: Snapshot,
        meeting_file: Path,
        name: str | None,
        code: str | None,
    ) -> None:
        super().__init__()
        self.session = session
        self.first = first
        self.meeting_file = meeting_file
        self.name_given = name
        self.code_given = code
        self.tries = 0

    def compose(self) -> ComposeResult:
        assert self.first.meeting is not None
        with Vertical(id="join-form", classes="dialog"):
            yield Label(f"Join “{self.first.meeting.pm.title}”", classes="dialog-title")
            yield Label("Your name")
            yield Input(self.name_given or "", id="join-name", max_length=contrib.MAX_NAME)
            yield Label("Join code (on the facilitator's screen)")
            yield Input(self.code_given or "", id="join-code", password=True, max_length=16)
            yield Label("", id="join-problem")

    def on_mount(self) -> None:
        self.query_one("#join-code" if self.name_given else "#join-name", Input).focus()

    @on(Input.Submitted, "#join-name")
    def _to_code(self) -> None:
        self.query_one("#join-code", Input).focus()

    @on(Input.Submitted, "#join-code")
    def _join(self) -> None:
        problem = self.query_one("#join-problem", Label)
        try:
            name = contrib.check_name(self.query_one("#join-name", Input).value)
        except ContribError as error:
            problem.update(f"✗ {error}")
            self.query_one("#join-name", Input).focus()
            return
        code = self.query_one("#join-code", Input).value
        try:
            right = check_code(self.meeting_file, code)
        except ArchiveError as error:
            problem.update(f"✗ {error}")
            return
        if not right:
            self.tries += 1
            if self.tries >= MAX_TRIES:
                self.app.exit(return_code=2, message="pmtui: that is not this meeting's join code")
                return
            problem.update("✗ that is not this meeting's join code")
            self.query_one("#join-code", Input).value = ""
            return
        assert self.first.meeting is not None
        try:
            writer = InboxWriter(self.meeting_file, self.first.meeting.pm.id, name, code)
        except ArchiveError as error:
            problem.update(f"✗ {error}")
            return
        first = self.session.latest or self.first
        self.app.switch_screen(ParticipantScreen(self.session, first, writer))
