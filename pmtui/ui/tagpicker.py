"""The tag picker: tags on the meeting (set-up, wrap-up) and on a why (the Five Whys
tree). The vocabulary is the default contributing-factor categories plus the team's own
(the policy file), and any free tag typed in. Each toggle is one edit of the live meeting,
so it saves and undoes like every other."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from pmtui.core.policy import PolicyError
from pmtui.core.sessionfile import normal_tag
from pmtui.core.tags import vocabulary
from pmtui.ui.dialogs import Dialog

if TYPE_CHECKING:
    from textual.app import App

# The key that opens the picker, wherever tags can be set (a Ctrl key: typing never acts).


def team_vocabulary(app: App[object]) -> tuple[list[str], str]:
    """The default categories plus the team's own (from the policy file), and a problem
    with that file to show ("" when none): a broken file leaves the defaults."""
    archive = getattr(app, "archive", None)
    if archive is None:
        return vocabulary(), ""
    try:
        return vocabulary(archive.settings.policy().tags), ""
    except PolicyError as error:
        return vocabulary(), str(error)


class TagFilter(Input):
    """The filter line. A space typed into an empty filter is not text: it toggles the
    highlighted tag; in a filter it is a space ("time and")."""

    class SpaceToggles(Message):
        pass

    def on_key(self, event: events.Key) -> None:
        # Runs before Input's own key handler, which prevent_default skips.
        if event.key == "space" and not self.value:
            event.stop()
            event.prevent_default()
            self.post_message(self.SpaceToggles())


class TagPicker(Dialog[None]):
    """Type to filter (or to name a new tag); ↑↓ move; Enter or Space toggles; Esc closes.

    `toggle` makes the edit and returns the tags now (None when it was refused)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="tags.close"),
        Binding("up", "move(-1)", "Up", show=False, priority=True),
        Binding("down", "move(1)", "Down", show=False, priority=True),
    ]

    def __init__(
        self,
        heading: str,
        known: list[str],
        tags: list[str],
        toggle: Callable[[str], list[str] | None],
    ) -> None:
        super().__init__(heading)
        self.known = known
        self.tags = list(tags)
        self.toggle = toggle
        self._shown: list[str] = []  # the tag of each option; "" none

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="tag-dialog"):
            yield self.title_label()
            yield TagFilter(placeholder="type to filter, or a new tag", id="tag-filter")
            yield OptionList(id="tag-options")
            yield Static(
                "Enter or Space toggles · type a new name + Enter adds it · Esc closes",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.fill()
        self.query_one(Input).focus()

    def choices(self, typed: str) -> list[str]:
        """The tags to offer for what is typed: the vocabulary and this item's free tags,
        filtered; then what is typed, as a new tag, when nothing offered is exactly it."""
        wanted = normal_tag(typed)
        every = list(dict.fromkeys([*self.known, *self.tags]))
        shown = [t for t in every if wanted in t] if wanted else every
        if wanted and wanted not in shown:
            shown.append(wanted)  # after the matches: Enter on "con" picks "config change"
        return shown

    def fill(self) -> None:
        options = self.query_one(OptionList)
        self._shown = self.choices(self.query_one(Input).value)
        options.clear_options()
        known = set(self.known) | set(self.tags)
        for tag in self._shown:
            line = Text("[x] " if tag in self.tags else "[ ] ", "bold green")
            line.append(tag, "bold" if tag in self.tags else "")
            if tag not in known:
                line.append("  (new tag)", "dim")
            options.add_option(Option(line))
        if not self._shown:
            options.add_option(Option(Text("no tag matches", "dim"), disabled=True))
        else:
            options.highlighted = 0

    @on(Input.Changed, "#tag-filter")
    def filtered(self) -> None:
        self.fill()

    @on(Input.Submitted, "#tag-filter")
    @on(TagFilter.SpaceToggles)
    def submitted(self) -> None:
        self.action_toggle()

    @on(OptionList.OptionSelected, "#tag-options")
    def clicked(self, event: OptionList.OptionSelected) -> None:
        event.option_list.highlighted = event.option_index
        self.action_toggle()

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self._shown:
            now = options.highlighted or 0
            options.highlighted = max(0, min(len(self._shown) - 1, now + step))

    def action_toggle(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index < len(self._shown):
            return
        tag = self._shown[index]
        now = self.toggle(tag)
        if now is None:
            return
        self.tags = now
        # The filter is done with: the next tag is typed from scratch, and the one just
        # toggled stays highlighted in the whole list.
        field = self.query_one(Input)
        with field.prevent(Input.Changed):
            field.value = ""
        self.fill()
        if tag in self._shown:
            self.query_one(OptionList).highlighted = self._shown.index(tag)
