"""Sync conflicts in the meeting: a banner while a merge left any, and a dialog to choose.

`pmtui sync` merges two laptops' edits of a meeting field by field; where both changed the
same field it keeps the later change and records the other (see pmtui.core.merge). The
banner says so above the stages until someone chooses; the dialog lists each conflict
with both values: K keeps the value the meeting holds, O takes the other one.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from pmtui.ui.dialogs import Dialog


class ConflictBanner(Static):
    """One line above the stages while the record holds sync conflicts."""

    def show_count(self, count: int, key: str) -> None:
        self.display = count > 0
        if count:
            self.update(
                Text.assemble(
                    ("⚠ ", "bold"),
                    f"{count} sync conflict{'s' if count != 1 else ''} · ",
                    (f"{key}", "bold reverse"),
                    " to choose · both laptops changed the same field; the later change is kept",
                )
            )


class ConflictDialog(Dialog[tuple[str, bool] | None]):
    """Each conflict, where it is and both values. Dismisses with (conflict id, take_other)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "choose(False)", "Keep this value"),
        Binding("o", "choose(True)", "Take the other"),
        Binding("escape", "cancel", "Close"),
    ]

    def __init__(self, conflicts: list[dict[str, Any]], *, read_only: bool = False) -> None:
        count = len(conflicts)
        super().__init__(f"{count} sync conflict{'s' if count != 1 else ''} in this meeting")
        self.conflicts = conflicts
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        from pmtui.core.merge import describe  # the merge code, only when there are conflicts

        options = [Option(Text(describe(c)), id=str(c["id"])) for c in self.conflicts]
        hint = (
            "read-only here: resolve it where the meeting is open · Esc closes"
            if self.read_only
            else "K keeps the value the meeting holds · O takes the other · Esc closes"
        )
        with Vertical(classes="dialog wide"):
            yield self.title_label()
            yield OptionList(*options, id="conflict-list")
            yield Static(hint, classes="hint")

    def action_choose(self, take_other: bool) -> None:
        if self.read_only:
            return
        listing = self.query_one(OptionList)
        if listing.highlighted is None:
            return
        option = listing.get_option_at_index(listing.highlighted)
        self.dismiss((str(option.id), take_other))
