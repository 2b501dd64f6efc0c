"""The header's stage strip is drawn for the width it gets, even when the view arrives
before the first layout (a follower of a meeting nobody runs gets no later tick)."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from pmtui.core.agenda import scaled
from pmtui.core.engine import MeetingEngine
from pmtui.ui.header import MeetingHeader, stage_strip


class HeaderOnly(App[None]):
    def compose(self) -> ComposeResult:
        yield MeetingHeader()

    def on_mount(self) -> None:
        # Before any layout: the strip does not know its width yet.
        view = MeetingEngine(scaled(30)).view(0.0)
        self.query_one(MeetingHeader).show_view(view, Text("saved"))


async def test_the_strip_fits_the_width_it_is_given() -> None:
    app = HeaderOnly()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        strip = app.query_one("#header-stages")
        view = MeetingEngine(scaled(30)).view(0.0)
        assert 0 < strip.size.width < stage_strip(view).cell_len  # too narrow for it all
        shown = str(strip.render())
        assert shown == stage_strip(view, strip.size.width).plain
        assert "Right·Wrong·Lucky" not in shown  # the other stages shrank to numbers
        await pilot.resize_terminal(200, 24)
        await pilot.pause()
        assert "Right·Wrong·Lucky" in str(strip.render())  # and grow back when there is room
