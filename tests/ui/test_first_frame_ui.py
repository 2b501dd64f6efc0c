"""The meeting screen's first frame: the set-up's fields built with their values, and the
participants' line added right after it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from pmtui.core.clock import FakeClock
from pmtui.ui.app import Start
from pmtui.ui.facilitation import ParticipantsBar
from tests.ui.helpers import T0, app_for, meeting, new_store, sample_meeting, settle


async def test_the_setup_opens_with_the_record_and_changes_nothing(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store, at_setup=True)
    before = store.load(meeting_id)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = meeting(app)
        pm = screen.live.pm
        assert screen.query_one("#field-title", Input).value == pm.title
        assert screen.query_one("#field-timezone", Input).value == pm.timezone
        people = screen.query_one("#field-participants", TextArea).text
        assert pm.participants and people.splitlines()[0].startswith(pm.participants[0].name)
        await pilot.press("tab", "tab", "tab", "tab")  # leaving each field commits it
        await settle(pilot)
        assert screen.live.undo() is None  # opening and moving through made no edit
        part = screen.session.participation
        assert part is not None  # let in right after the first frame
        assert len(screen.query(ParticipantsBar)) == 1
    assert store.load(meeting_id)["title"] == before["title"]


def test_the_collector_rests_until_the_first_frame_and_then_collects(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pmtui demo` loads the interface with the garbage collector off (it would walk
    the start-up's objects again and again), and turns it back on after the first frame."""
    import gc

    from textual.pilot import Pilot

    from pmtui import cli
    from pmtui.ui.app import PmtuiApp

    seen: dict[str, bool] = {}
    mount = PmtuiApp.on_mount

    def on_mount(self: PmtuiApp) -> None:
        seen["at mount"] = gc.isenabled()
        mount(self)

    async def after_first_frame(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.pause()
        seen["after the first frame"] = gc.isenabled()
        pilot.app.exit()

    run = PmtuiApp.run
    monkeypatch.setattr(PmtuiApp, "on_mount", on_mount)
    monkeypatch.setattr(
        PmtuiApp,
        "run",
        lambda self, **kw: run(self, headless=True, size=(80, 24), auto_pilot=after_first_frame),
    )
    assert gc.isenabled()
    try:
        assert cli.main(["demo"]) == 0
    finally:
        gc.unfreeze()  # the test process goes on: nothing stays frozen
    assert seen == {"at mount": False, "after the first frame": True}
    assert gc.isenabled()
