"""A one-line choice among a few values, driven by arrows, first letters or a click.

Lighter than Textual's Select (no overlay to build) and quicker from the keyboard: the
facilitator presses `d` for detection instead of opening a list.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

E = TypeVar("E", bound=StrEnum)


class Choice(Widget, Generic[E], can_focus=True):
    DEFAULT_CSS = """
    Choice {
        width: 18;
        height: 3;
        border: tall $border-blurred;
        background: $surface;
        padding: 0 1;
    }
    Choice:focus {
        border: tall $border;
        background-tint: $foreground 5%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,space,right", "step(1)", "Next", show=False),
        Binding("up,left", "step(-1)", "Previous", show=False),
        Binding("enter", "done", "Done", show=False),
    ]

    value: reactive[E] = reactive(None, always_update=True)  # type: ignore[arg-type]

    class Changed(Message):
        def __init__(self, choice: Choice[E], value: E) -> None:  # type: ignore[type-var]
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> Choice[E]:  # type: ignore[type-var]
            return self.choice

    def __init__(self, values: list[E], value: E, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.values = values
        self.set_reactive(Choice.value, value)

    def render(self) -> Text:
        return Text.assemble((str(self.value), "bold"), ("  ▲▼", "dim"))

    def watch_value(self, value: E) -> None:
        self.post_message(self.Changed(self, value))

    def action_step(self, step: int) -> None:
        index = self.values.index(self.value)
        self.value = self.values[(index + step) % len(self.values)]

    def on_key(self, event: events.Key) -> None:
        """A letter jumps to the next value starting with it."""
        if not event.is_printable or not event.character or not event.character.isalpha():
            return
        letter = event.character.lower()
        start = self.values.index(self.value)
        for offset in range(1, len(self.values) + 1):
            candidate = self.values[(start + offset) % len(self.values)]
            if str(candidate).lower().startswith(letter):
                self.value = candidate
                event.stop()
                event.prevent_default()
                return

    @dataclass
    class Submitted(Message):
        """Enter on the choice: its form is done (the timeline adds the event)."""

        choice: Choice  # type: ignore[type-arg]

        @property
        def control(self) -> Choice:  # type: ignore[type-arg]
            return self.choice

    def action_done(self) -> None:
        self.post_message(self.Submitted(self))

    def on_click(self) -> None:
        self.action_step(1)
