"""The places one types in, and the lists that never take typing as a command.

`EntryLine` is an Input that keeps every line of a multi-line paste: it asks its
screen what to do with them (one item per line, or one item) instead of keeping the
first line, as Input does. `TypeThrough` makes a list or table hand ordinary typing to
its entry line: a facilitator whose cursor landed on a list types into the entry line
as intended, and no letter, digit, space or punctuation ever deletes, edits, moves or
votes on an item (those keys are Delete, Enter and Ctrl or Shift combinations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import events
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input


class EntryLine(Input):
    """An entry line: its text is kept as a draft until it is added.

    Focusing it never selects its text: the next key would replace all of it (a
    facilitator tabbing in and typing lost what the line held)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)

    @dataclass
    class LinesPasted(Message):
        """A paste of several lines: the screen asks how to add them."""

        entry: EntryLine
        lines: list[str]

    def _on_paste(self, event: events.Paste) -> None:
        # Textual calls Input's own handler after this one (handlers run along the MRO)
        # unless the default is prevented: a one-line paste is left to it.
        lines = [line.strip() for line in event.text.splitlines() if line.strip()]
        if len(lines) > 1:
            event.stop()
            event.prevent_default()
            self.post_message(self.LinesPasted(self, lines))


def typed_character(event: events.Key) -> str | None:
    """The character a key types (a letter, digit, space or punctuation), else None."""
    char = event.character
    if not event.is_printable or char is None or len(char) != 1 or not char.isprintable():
        return None
    return char


class TypeThrough:
    """Mix into a list or table (first among its bases): typing moves the cursor to the
    entry line and types there. Subclasses say which entry line takes a character
    (`entry_for`). A plain mixin: Textual dispatches `on_key` along the whole MRO."""

    def entry_for(self, character: str) -> str | None:
        """The CSS selector of the entry line (inside the same stage pane)."""
        return None

    def on_key(self, event: events.Key) -> None:
        char = typed_character(event)
        if char is None:
            return
        event.stop()
        event.prevent_default()
        selector = self.entry_for(char)
        if selector is None:
            return
        from pmtui.ui.stages.base import StagePane

        me = self
        assert isinstance(me, Widget)
        pane = next((a for a in me.ancestors if isinstance(a, StagePane)), None)
        found = (pane or me.screen).query(selector)
        if not found:
            return
        entry = found.first()
        if not isinstance(entry, Input) or entry.disabled:
            return
        me.screen.set_focus(entry)
        entry.insert_text_at_cursor(char)
