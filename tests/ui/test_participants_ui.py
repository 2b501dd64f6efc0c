"""The participant's screen and the facilitator's participant keys, under Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmtui.core.clock import FakeClock
from pmtui.service.inbox import InboxWriter
from pmtui.ui.app import Start
from pmtui.ui.facilitation import ParticipantsBar
from pmtui.ui.participant import JoinScreen, ParticipantScreen, VoteDialog
from tests.ui.helpers import T0, app_for, archive_for, meeting, new_store, sample_meeting, type_text


async def test_a_participant_writes_and_votes_within_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmtui.ui.follow import FollowScreen

    mounts = []
    follow_mount = FollowScreen.on_mount

    def counted(self: FollowScreen) -> None:
        mounts.append(self)
        follow_mount(self)

    monkeypatch.setattr(FollowScreen, "on_mount", counted)
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    clock = FakeClock(T0.timestamp())
    archive = archive_for(store)
    facilitator = archive.open_session(meeting_id, clock)
    part = facilitator.participation
    assert part is not None
    part.watch.poll_s = 0
    try:
        start = Start(meeting_id=meeting_id, follow=True, join=True, name="Ana", code=part.code)
        app = app_for(store, clock, start)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ParticipantScreen)
            assert mounts == [screen]  # one clock tick, one watcher: not two
            screen.action_look_at(1)  # the lessons stage
            await pilot.pause()
            screen.query_one("#join-entry").focus()
            await type_text(pilot, "Alerts went to a retired pager")
            await pilot.press("enter")
            assert part.poll().notes == 1
            pm = facilitator.live.pm
            assert any(n.text.startswith("Alerts") for n in pm.went_wrong)

            def total() -> int:
                return sum(n.votes for c in (pm.went_right, pm.went_wrong, pm.got_lucky) for n in c)

            before = total()
            await pilot.press("f2")
            assert isinstance(app.screen, VoteDialog)
            for _ in range(5):
                await pilot.press("enter")
            await pilot.press("escape")
            votes = [e for e in screen.writer.entries if e.kind == "vote"]
            assert len(votes) == 3  # the screen stops at the limit itself
            part.poll()
            assert total() == before + 3
            assert part.board.votes_left(screen.writer.who) == 0
    finally:
        facilitator.close()


async def test_three_wrong_codes_end_with_2(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    clock = FakeClock(T0.timestamp())
    facilitator = archive_for(store).open_session(meeting_id, clock)
    try:
        app = app_for(store, clock, Start(meeting_id=meeting_id, follow=True, join=True))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, JoinScreen)
            await type_text(pilot, "Ana")
            await pilot.press("enter")
            for _ in range(3):
                await type_text(pilot, "WRONG9")
                await pilot.press("enter")
        assert app.return_code == 2
    finally:
        facilitator.close()


async def test_the_facilitator_reveals_with_one_key(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        await pilot.press("f2", "f5")  # start; the lessons stage
        part = screen.session.participation
        assert part is not None
        bar = screen.query_one(ParticipantsBar)
        assert bar.display and part.code in str(bar.render())
        await pilot.press("f11")
        assert part.board.writing
        before = len(screen.live.pm.went_wrong)
        path = archive_for(store).meeting_file(meeting_id)
        InboxWriter(path, meeting_id, "Bo", part.code).note("went_wrong", "Hidden until reveal")
        part.watch.check()
        bar.merge()
        assert len(screen.live.pm.went_wrong) == before
        assert "1 hidden" in str(bar.render())
        await pilot.press("f11")
        await pilot.pause()
        assert screen.live.pm.went_wrong[-1].text == "Hidden until reveal"
        await pilot.press("ctrl+z")  # the facilitator's undo never takes a participant's note
        assert screen.live.pm.went_wrong[-1].text == "Hidden until reveal"


async def test_a_note_sent_before_its_stage_was_shown_is_on_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notes arrive while the facilitator is on the timeline, before the notes stage was
    ever built: the stage shows them when it comes."""
    from textual.widgets import OptionList

    from pmtui.ui import meeting as meeting_screen

    monkeypatch.setattr(meeting_screen, "PREBUILD_IDLE_S", 3600)  # not built while idle
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    app = app_for(store, FakeClock(T0.timestamp()), Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = meeting(app)
        assert not screen.query("#lessons")
        part = screen.session.participation
        assert part is not None
        path = archive_for(store).meeting_file(meeting_id)
        InboxWriter(path, meeting_id, "Bo", part.code).note("went_right", "Paging was quick")
        part.watch.check()
        screen.query_one(ParticipantsBar).merge()
        assert screen.live.pm.went_right[-1].text == "Paging was quick"
        await pilot.press("f5")
        notes = screen.query_one("#list-went_right", OptionList)
        shown = notes.get_option_at_index(notes.option_count - 1).prompt
        assert "Paging was quick" in str(shown)
        await app.action_quit()
