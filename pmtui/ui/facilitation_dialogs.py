"""The facilitator's participant dialogs (pmtui.ui.facilitation): votes per participant,
and the note a duplicate is merged into. Apart from the participants' line, so the
meeting screen's first frame does not wait for the dialogs' code."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from pmtui.core import contrib
from pmtui.ui.dialogs import Dialog
from pmtui.ui.facilitation import SHORT

if TYPE_CHECKING:
    from pmtui.service.participation import Participation


class VotesDialog(Dialog[int | None]):
    def __init__(self, current: int) -> None:
        super().__init__("Votes per participant")
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield self.title_label()
            yield Input(str(self.current), id="votes-each", restrict=r"\d{0,2}")
            yield Label("", id="votes-problem")

    @on(Input.Submitted)
    def _done(self, event: Input.Submitted) -> None:
        if event.value.isdigit():
            self.dismiss(int(event.value))
        else:
            self.query_one("#votes-problem", Label).update(f"0 to {contrib.MAX_VOTES}")


class MergeDialog(Dialog[str | None]):
    """Pick the note a duplicate is merged into."""

    def __init__(self, part: Participation, gone: str) -> None:
        super().__init__("Merge this duplicate into…")
        self.part = part
        self.gone = gone
        self.ids: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield self.title_label()
            options = OptionList(id="merge-options")
            for column in contrib.COLUMNS:
                for note in getattr(self.part.live.pm, column):
                    if note.id == self.gone:
                        continue
                    self.ids.append(note.id)
                    options.add_option(
                        Option(Text.assemble((f"●{note.votes:<3}", "bold"),
                                             (f"[{SHORT[column]}] ", "dim"), note.text[:100]))
                    )  # fmt: skip
            yield options

    @on(OptionList.OptionSelected)
    def _done(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.ids[event.option_index])
