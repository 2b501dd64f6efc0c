"""The meeting screen's first frame: the set-up's fields built with their values, and the
participants' line added right after it."""

from __future__ import annotations

from pathlib import Path

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
