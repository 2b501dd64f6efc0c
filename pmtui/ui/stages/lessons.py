"""Stage 2: what went right, what went wrong, where we got lucky — three columns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from pmtui.core.live import LESSON_COLUMNS, LESSON_TITLES, EditError, LiveMeeting
from pmtui.core.models import Note
from pmtui.ui.stages.base import StagePane
from pmtui.ui.widgets.entry import EntryLine, TypeThrough


class NoteList(TypeThrough, OptionList):
    """One column's notes; keys act on the highlighted note."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+e", "edit", "Edit", id="lessons.edit"),
        Binding("delete,ctrl+d", "delete", "Delete", id="lessons.delete"),
        Binding("ctrl+up", "vote(1)", "Vote +", id="lessons.vote_up"),
        Binding("ctrl+down", "vote(-1)", "Vote −", id="lessons.vote_down"),
        Binding("ctrl+left", "move(-1)", "◀ Column", id="lessons.move_left"),
        Binding("ctrl+right", "move(1)", "Column ▶", id="lessons.move_right"),
        Binding("ctrl+w", "why", "Five Whys", id="lessons.start_why"),
        Binding("ctrl+s", "sort", "Sort by votes", id="lessons.sort"),
        Binding("insert", "add", "Add", show=False, id="lessons.add"),
        Binding("ctrl+u", "merge", "Merge duplicate", id="lessons.merge"),
    ]

    @dataclass
    class MergeRequested(Message):
        """Merge this note into another (the meeting screen asks which)."""

        note_id: str

    @dataclass
    class AddRequested(Message):
        column: str

    @dataclass
    class EditRequested(Message):
        note_id: str

    @dataclass
    class DeleteRequested(Message):
        note_id: str

    @dataclass
    class MoveRequested(Message):
        note_id: str
        step: int  # -1: the column to the left, 1: to the right

    @dataclass
    class WhyRequested(Message):
        """Start a Five Whys chain from this note."""

        note_id: str

    @dataclass
    class VoteRequested(Message):
        note_id: str
        step: int

    @dataclass
    class SortRequested(Message):
        column: str

    def __init__(self, column: str) -> None:
        super().__init__(id=f"list-{column}", classes="note-list")
        self.column = column
        self.note_ids: list[str] = []  # the ids of the notes shown, set by the pane
        # What is shown: each note, and whether the coach flags it (None: nothing yet).
        self.rows: list[tuple[Note, bool]] | None = None

    def entry_for(self, character: str) -> str:
        return f"#input-{self.column}"

    def _note_id(self) -> str | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.note_ids):
            return None
        return self.note_ids[index]

    def _ask(self, request: Callable[[str], Message]) -> None:
        """Tell the pane what to do with the highlighted note (if there is one)."""
        if (note_id := self._note_id()) is not None:
            self.post_message(request(note_id))

    def action_edit(self) -> None:
        self._ask(self.EditRequested)

    def action_delete(self) -> None:
        self._ask(self.DeleteRequested)

    def action_move(self, step: int) -> None:
        self._ask(lambda note_id: self.MoveRequested(note_id, step))

    def action_merge(self) -> None:
        self._ask(self.MergeRequested)

    def action_why(self) -> None:
        self._ask(self.WhyRequested)

    def action_add(self) -> None:
        self.post_message(self.AddRequested(self.column))

    def action_vote(self, step: int) -> None:
        self._ask(lambda note_id: self.VoteRequested(note_id, step))

    def action_sort(self) -> None:
        self.post_message(self.SortRequested(self.column))


class LessonsPane(StagePane):
    """Quick capture: type, Enter, type the next one; notes move between columns."""

    COACH_FIELDS = ("went_right", "went_wrong", "got_lucky")
    LINE_ITEMS = {f"input-{column}": "note" for column in LESSON_COLUMNS}  # noqa: RUF012

    def __init__(self, live: LiveMeeting, *, read_only: bool, id: str) -> None:
        super().__init__(live, read_only=read_only, id=id)
        # The note each column's input is rewording (None: the input adds a note).
        self.editing: dict[str, str | None] = dict.fromkeys(LESSON_COLUMNS)

    def compose(self) -> ComposeResult:
        with Horizontal(id="lesson-columns"):
            for column in LESSON_COLUMNS:
                with Vertical(classes=f"lesson-column {column}"):
                    yield Static(LESSON_TITLES[column], classes="column-title")
                    yield NoteList(column)
                    yield EntryLine(
                        placeholder="type, Enter, next…", id=f"input-{column}", classes="note-input"
                    )
        yield Static(
            "Enter adds · Tab next column · on a note: Enter edit, Del delete, "
            "Ctrl+↑↓ vote, Ctrl+←→ move, Ctrl+S sort, Ctrl+W Five Whys",
            classes="hint",
        )

    def on_mount(self) -> None:
        self.refresh_record()

    def focus_first(self) -> None:
        self.focus_now(self.query_one(f"#input-{LESSON_COLUMNS[0]}", Input))

    def _list(self, column: str) -> NoteList:
        return self.query_one(f"#list-{column}", NoteList)

    def refresh_record(self) -> None:
        flagged = self.flagged_fields()
        for column in LESSON_COLUMNS:
            notes = self._list(column)
            items: list[Note] = getattr(self.live.pm, column)
            rows = [(note, f"{column}[{i}]" in flagged) for i, note in enumerate(items)]
            if rows == notes.rows:
                continue
            old = notes.rows or []
            highlighted = notes.highlighted
            if len(rows) >= len(old):
                # Notes only replace each other or arrive at the end (participants' notes
                # do, many at once): redraw the rows that changed, add the new ones.
                for i, (before, now) in enumerate(zip(old, rows, strict=False)):
                    if before[0] is not now[0] or before[1] != now[1]:
                        notes.replace_option_prompt_at_index(i, self._note(*now))
                notes.add_options(Option(self._note(*row)) for row in rows[len(old) :])
            else:
                notes.clear_options()
                notes.add_options(Option(self._note(*row)) for row in rows)
            notes.rows = rows
            notes.note_ids = [note.id for note in items]
            if items:
                notes.highlighted = min(highlighted or 0, len(items) - 1)
            title = f"{LESSON_TITLES[column]} ({len(items)})"
            title_line = notes.parent.query_one(".column-title", Static)  # type: ignore[union-attr]
            title_line.update(title, layout=False)  # one line: no layout pass

    @staticmethod
    def _note(note: Note, flagged: bool = False) -> Text:
        line = Text(f"• {note.text}")
        if note.votes:
            line.append(f"  ●{note.votes}", style="bold magenta")
        if flagged:
            line.append("  ⚑", style="bold magenta")
        return line

    def mark_findings(self) -> None:
        self.refresh_record()

    def _find(self, note_id: str) -> tuple[str, int] | None:
        """A note's column and place; None once it is gone (a key pressed twice)."""
        try:
            return self.live.find_note(note_id)
        except EditError:
            return None

    @on(NoteList.AddRequested)
    def add(self, event: NoteList.AddRequested) -> None:
        self.focus_now(self.query_one(f"#input-{event.column}", Input))

    @on(NoteList.VoteRequested)
    def vote(self, event: NoteList.VoteRequested) -> None:
        if self.apply(self.live.vote, event.note_id, event.step) is not None and (
            found := self._find(event.note_id)
        ):
            self._list(found[0]).highlighted = found[1]

    @on(NoteList.SortRequested)
    def sort(self, event: NoteList.SortRequested) -> None:
        self.apply(self.live.sort_by_votes, event.column)
        self._list(event.column).highlighted = 0

    @on(Input.Submitted, ".note-input")
    def submit(self, event: Input.Submitted) -> None:
        column = (event.input.id or "").removeprefix("input-")
        note_id = self.editing[column]
        if note_id is None:
            done = self.apply(self.live.add_lesson, column, event.value)
        else:
            done = self.apply(self.live.update_lesson, note_id, event.value)
        if done is not None:
            self.editing[column] = None
            event.input.value = ""
            event.input.placeholder = "type, Enter, next…"

    @on(OptionList.OptionSelected, ".note-list")
    def note_chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter on a note puts it in the column's entry line to reword."""
        if isinstance(event.option_list, NoteList):
            event.option_list.action_edit()

    @on(NoteList.EditRequested)
    def edit(self, event: NoteList.EditRequested) -> None:
        if (found := self._find(event.note_id)) is None:
            return
        column, index = found
        field = self.query_one(f"#input-{column}", Input)
        field.value = getattr(self.live.pm, column)[index].text
        field.placeholder = "editing — Enter saves"
        self.editing[column] = event.note_id
        self.focus_now(field)

    @on(NoteList.DeleteRequested)
    def delete(self, event: NoteList.DeleteRequested) -> None:
        if self.apply(self.live.delete_lesson, event.note_id):
            self.notify("Note deleted (Ctrl+Z undoes)")

    @on(NoteList.MoveRequested)
    def move(self, event: NoteList.MoveRequested) -> None:
        if (found := self._find(event.note_id)) is None:
            return
        target = LESSON_COLUMNS.index(found[0]) + event.step
        if not 0 <= target < len(LESSON_COLUMNS):
            return
        to_column = LESSON_COLUMNS[target]
        moved = self.apply(self.live.move_lesson, event.note_id, to_column)
        if moved is not None:
            notes = self._list(to_column)
            notes.highlighted = moved
            self.focus_now(notes)

    @on(NoteList.WhyRequested)
    def start_why(self, event: NoteList.WhyRequested) -> None:
        if (found := self._find(event.note_id)) is None:
            return
        column, index = found
        problem = getattr(self.live.pm, column)[index].text
        chain = self.apply(self.live.add_chain, problem)
        if chain is not None:
            self.notify(f"Five Whys chain {chain + 1} started: {problem}", title="Five Whys")
