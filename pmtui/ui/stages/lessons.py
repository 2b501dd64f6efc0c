"""Stage 2: what went right, what went wrong, where we got lucky — three columns."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from pmtui.core.live import LESSON_COLUMNS, LESSON_TITLES, LiveMeeting
from pmtui.ui.stages.base import StagePane


class NoteList(OptionList):
    """One column's notes; keys act on the highlighted note."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit", id="lessons.edit"),
        Binding("d,delete", "delete", "Delete", id="lessons.delete"),
        Binding("left_square_bracket", "move(-1)", "◀ Column", id="lessons.move_left"),
        Binding("right_square_bracket", "move(1)", "Column ▶", id="lessons.move_right"),
        Binding("w", "why", "Five Whys", id="lessons.start_why"),
        Binding("plus,equals_sign", "vote(1)", "Vote +", id="lessons.vote_up"),
        Binding("minus", "vote(-1)", "Vote −", id="lessons.vote_down"),
        Binding("s", "sort", "Sort by votes", id="lessons.sort"),
        Binding("a", "add", "Add", id="lessons.add"),
    ]

    def __init__(self, column: str) -> None:
        super().__init__(id=f"list-{column}", classes="note-list")
        self.column = column

    def _pane(self) -> LessonsPane:
        return self.query_ancestor(LessonsPane)

    def action_edit(self) -> None:
        self._pane().edit(self.column, self.highlighted)

    def action_delete(self) -> None:
        self._pane().delete(self.column, self.highlighted)

    def action_move(self, step: int) -> None:
        self._pane().move(self.column, self.highlighted, step)

    def action_why(self) -> None:
        self._pane().start_why(self.column, self.highlighted)

    def action_add(self) -> None:
        self._pane().query_one(f"#input-{self.column}", Input).focus()

    def action_vote(self, step: int) -> None:
        self._pane().vote(self.column, self.highlighted, step)

    def action_sort(self) -> None:
        self._pane().sort(self.column)


class LessonsPane(StagePane):
    """Quick capture: type, Enter, type the next one; notes move between columns."""

    COACH_FIELDS = ("went_right", "went_wrong", "got_lucky")

    def __init__(self, live: LiveMeeting, *, read_only: bool, id: str) -> None:
        super().__init__(live, read_only=read_only, id=id)
        self.editing: dict[str, int | None] = dict.fromkeys(LESSON_COLUMNS)

    def compose(self) -> ComposeResult:
        with Horizontal(id="lesson-columns"):
            for column in LESSON_COLUMNS:
                with Vertical(classes=f"lesson-column {column}"):
                    yield Static(LESSON_TITLES[column], classes="column-title")
                    yield NoteList(column)
                    yield Input(
                        placeholder="type, Enter, next…", id=f"input-{column}", classes="note-input"
                    )
        yield Static(
            "Enter adds · e edit · d delete · [ ] move · + − vote · s sort by votes · "
            "w Five Whys chain",
            classes="hint",
        )

    def on_mount(self) -> None:
        self.refresh_record()

    def focus_first(self) -> None:
        self.focus_now(self.query_one(f"#input-{LESSON_COLUMNS[0]}", Input))

    def refresh_record(self) -> None:
        for column in LESSON_COLUMNS:
            notes = self.query_one(f"#list-{column}", NoteList)
            highlighted = notes.highlighted
            notes.clear_options()
            items = getattr(self.live.pm, column)
            flagged = self.flagged_fields()
            notes.add_options(
                Option(self._note(column, text, f"{column}[{i}]" in flagged))
                for i, text in enumerate(items)
            )
            if items:
                notes.highlighted = min(highlighted or 0, len(items) - 1)
            title = f"{LESSON_TITLES[column]} ({len(items)})"
            notes.parent.query_one(".column-title", Static).update(title)  # type: ignore[union-attr]

    def _note(self, column: str, text: str, flagged: bool = False) -> Text:
        votes = self.live.pm.votes_for(column, text)
        line = Text(f"• {text}")
        if votes:
            line.append(f"  ●{votes}", style="bold magenta")
        if flagged:
            line.append("  ⚑", style="bold magenta")
        return line

    def mark_findings(self) -> None:
        self.refresh_record()

    def vote(self, column: str, index: int | None, step: int) -> None:
        if index is not None and self.apply(self.live.vote, column, index, step) is not None:
            self.query_one(f"#list-{column}", NoteList).highlighted = index

    def sort(self, column: str) -> None:
        self.apply(self.live.sort_by_votes, column)
        self.query_one(f"#list-{column}", NoteList).highlighted = 0

    @on(Input.Submitted, ".note-input")
    def submit(self, event: Input.Submitted) -> None:
        column = (event.input.id or "").removeprefix("input-")
        index = self.editing[column]
        if index is None:
            done = self.apply(self.live.add_lesson, column, event.value)
        else:
            done = self.apply(self.live.update_lesson, column, index, event.value)
        if done is not None:
            self.editing[column] = None
            event.input.value = ""
            event.input.placeholder = "type, Enter, next…"

    def edit(self, column: str, index: int | None) -> None:
        if index is None:
            return
        field = self.query_one(f"#input-{column}", Input)
        field.value = getattr(self.live.pm, column)[index]
        field.placeholder = "editing — Enter saves"
        self.editing[column] = index
        self.focus_now(field)

    def delete(self, column: str, index: int | None) -> None:
        if index is not None and self.apply(self.live.delete_lesson, column, index):
            self.notify("Note deleted (Ctrl+Z undoes)")

    def move(self, column: str, index: int | None, step: int) -> None:
        if index is None:
            return
        target = LESSON_COLUMNS.index(column) + step
        if not 0 <= target < len(LESSON_COLUMNS):
            return
        to_column = LESSON_COLUMNS[target]
        moved = self.apply(self.live.move_lesson, column, index, to_column)
        if moved is not None:
            notes = self.query_one(f"#list-{to_column}", NoteList)
            notes.highlighted = moved
            self.focus_now(notes)

    def start_why(self, column: str, index: int | None) -> None:
        if index is None:
            return
        problem = getattr(self.live.pm, column)[index]
        chain = self.apply(self.live.add_chain, problem)
        if chain is not None:
            self.notify(f"Five Whys chain {chain + 1} started: {problem}", title="Five Whys")
