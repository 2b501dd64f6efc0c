"""A Static that redraws only when what it shows changes."""

from __future__ import annotations

from textual.visual import VisualType
from textual.widgets import Static


class Line(Static):
    """`Static.update` asks for a layout of the whole screen every time. The header is
    set on every clock tick and the hints after every keystroke, mostly to what they
    already show; with a 300-row timeline each needless layout costs milliseconds of a
    keystroke's budget. `show` skips those, and `layout=False` tells Textual the widget
    keeps its size (the header's one-line fields)."""

    _shown: object = None

    def show(self, content: VisualType, *, layout: bool = True) -> None:
        if self._shown is not None and content == self._shown:
            return
        self._shown = content
        self.update(content, layout=layout)
