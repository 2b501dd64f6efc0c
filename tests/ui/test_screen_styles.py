"""The styles of the screens pushed later (styles/screens.tcss) are read after the first
frame, so opening a dialog parses nothing again; a screen opened before still has them."""

from __future__ import annotations

from pathlib import Path

from pmtui.core.clock import FakeClock
from pmtui.ui.app import Start
from pmtui.ui.dialogs import HelpScreen
from pmtui.ui.styles import SCREENS_CSS
from tests.ui.helpers import T0, app_for, new_store, sample_meeting, settle


async def test_a_dialog_opens_with_its_styles_and_no_new_parse(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store, at_setup=True)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.stylesheet.has_source(SCREENS_CSS)  # read after the first frame
        reparsed: list[bool] = []
        reparse = app.stylesheet.reparse
        app.stylesheet.reparse = lambda: (reparsed.append(True), reparse())[1]  # type: ignore[method-assign]
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        dialog = app.screen.query_one(".dialog")
        assert dialog.styles.width is not None and dialog.styles.width.value == 72
        assert not reparsed


async def test_a_dialog_opened_before_the_styles_are_read_has_them(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store, at_setup=True)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    app.read_screen_styles = lambda: None  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.stylesheet.has_source(SCREENS_CSS)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert app.stylesheet.has_source(SCREENS_CSS)  # the dialog's CSS_PATH
        assert app.screen.query_one(".dialog").styles.width.value == 72  # type: ignore[union-attr]
