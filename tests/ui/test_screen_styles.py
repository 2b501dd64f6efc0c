"""The styles of the screens pushed later (styles/screens.tcss) are read after the first
frame, so opening a dialog parses nothing again; a screen opened before still has them.
The stages' styles (styles/stages.tcss) are read before the first pane that needs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmtui.core.clock import FakeClock
from pmtui.ui.app import Start
from pmtui.ui.dialogs import HelpScreen
from pmtui.ui.styles import SCREENS_CSS, STAGES_CSS
from tests.ui.helpers import T0, app_for, meeting, new_store, sample_meeting, settle


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


async def test_a_meeting_at_the_setup_reads_the_stages_styles_with_the_next_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmtui.ui import meeting as meeting_screen

    monkeypatch.setattr(meeting_screen, "PREBUILD_IDLE_S", 3600)  # no pane built while idle
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store, at_setup=True)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.stylesheet.has_source(STAGES_CSS)  # the set-up needs none of them
        await pilot.press("f5")
        await settle(pilot)
        assert app.stylesheet.has_source(STAGES_CSS)
        screen = meeting(app)
        assert screen.query_one("#event-time").styles.width.value == 26  # type: ignore[union-attr]
        assert screen.has_class("-short")  # 24 rows: the entry form takes one row
        assert screen.query_one("#event-time").outer_size.height == 1


async def test_a_meeting_opening_at_a_stage_has_its_styles_in_the_first_frame(
    tmp_path: Path,
) -> None:
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)  # on the timeline
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.stylesheet.has_source(STAGES_CSS)
        event_time = meeting(app).query_one("#event-time")
        assert event_time.styles.width.value == 26  # type: ignore[union-attr]
        assert event_time.outer_size.width == 26


async def test_no_default_stylesheet_is_parsed_twice_for_the_screens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual parses a default stylesheet again for each depth of the class tree it is
    inherited at: the screen under the meeting is a subclass, as the meeting screen is, so
    Screen's styles are parsed once, not twice, before the first frame."""
    from textual.css import stylesheet

    parsed: list[object] = []
    parse = stylesheet.parse
    monkeypatch.setattr(
        stylesheet, "parse", lambda *a, **k: (parsed.append(a[2]), parse(*a, **k))[1]
    )
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store, at_setup=True)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen_stack[0].id == "_default"
        screens = [where for where in parsed if where[1] == "Screen.DEFAULT_CSS"]  # type: ignore[index]
        assert len(screens) == 1
