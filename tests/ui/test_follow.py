"""The follow and presenter screens, driven with Pilot and a fake clock.

The facilitator is the application layer itself (a session editing the same meeting), and
the follower's watcher is told by hand when to look, so nothing here sleeps."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import ContentSwitcher, DataTable

from pmtui.core.clock import FakeClock
from pmtui.core.models import EventKind
from pmtui.service.archive import Archive
from pmtui.service.follow import FollowSession
from pmtui.service.watch import ManualWatcher
from pmtui.ui.app import Start
from pmtui.ui.follow import FollowScreen
from pmtui.ui.presenter import PresenterScreen, big_text
from pmtui.ui.widgets.line import Line
from tests.ui.helpers import T0, app_for, archive_for, new_store, sample_meeting, settle


def text_of(screen: FollowScreen, selector: str) -> str:
    return str(screen.query_one(selector, Line).content)


def follower(folder: Path, clock: FakeClock):  # type: ignore[no-untyped-def]
    store = new_store(folder)
    meeting_id = sample_meeting(store)
    archive = archive_for(store)
    watcher = ManualWatcher()
    session = archive.follow(meeting_id, clock, watcher=watcher, poll_s=0)
    app = app_for(store, clock)
    return app, archive, meeting_id, session, watcher


async def follow_screen(pilot, session: FollowSession) -> FollowScreen:  # type: ignore[no-untyped-def]
    screen = FollowScreen(session, session.open())
    await pilot.app.push_screen(screen)
    await pilot.pause()
    return screen


async def look(pilot, session: FollowSession, watcher: ManualWatcher) -> None:  # type: ignore[no-untyped-def]
    watcher.touch()
    session.check()
    await pilot.pause()
    await pilot.pause()


async def test_a_follower_sees_an_edit_a_stage_change_and_a_pause(tmp_path: Path) -> None:
    clock = FakeClock(T0.timestamp())
    app, archive, meeting_id, session, watcher = follower(tmp_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await follow_screen(pilot, session)
        assert "FOLLOWING" in text_of(screen, "#follow-title")
        assert "not started" in text_of(screen, "#follow-meeting")
        assert "waiting for the facilitator" in text_of(screen, "#follow-status")
        facilitator = archive.open_session(meeting_id, clock)
        live = facilitator.live
        try:
            live.control("start")
            live.add_event(
                datetime(2017, 2, 1, 21, 0, tzinfo=UTC), "Seen by the follower", EventKind.EVENT
            )
            facilitator.flush()
            await look(pilot, session, watcher)
            table = screen.query_one("#timeline #events", DataTable)
            cells = [str(table.get_row_at(i)[-1]) for i in range(table.row_count)]
            assert any("Seen by the follower" in c for c in cells)
            assert "facilitator: pid" in text_of(screen, "#follow-status")
            # The clock runs on between saves.
            clock.advance(125)
            screen.tick()
            assert "Meeting 02:05 / 30:00" in text_of(screen, "#follow-meeting")

            live.control("next")
            facilitator.save()
            facilitator.flush()
            await look(pilot, session, watcher)
            assert screen.query_one(ContentSwitcher).current == "lessons"

            clock.advance(5)
            live.control("pause")
            facilitator.save()
            facilitator.flush()
            await look(pilot, session, watcher)
            clock.advance(60)
            screen.tick()
            meeting_line = text_of(screen, "#follow-meeting")
            assert "paused" in meeting_line and "Meeting 02:10 / 30:00" in meeting_line
        finally:
            facilitator.close()


async def test_a_follower_looks_at_another_stage_and_snaps_back(tmp_path: Path) -> None:
    clock = FakeClock(T0.timestamp())
    app, _archive, _id, session, _watcher = follower(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await follow_screen(pilot, session)
        switcher = screen.query_one(ContentSwitcher)
        assert switcher.current == "timeline"
        await pilot.press("3")
        assert switcher.current == "whys"
        assert "you are looking at Five Whys" in text_of(screen, "#follow-status")
        await pilot.press("right")
        assert switcher.current == "actions"
        await pilot.press("f")
        assert switcher.current == "timeline"
        # Only the stages looked at were built, each when first shown.
        assert [pane.id for pane in switcher.children] == ["timeline", "whys", "actions"]
        # No key of a pane reaches it: nothing there has the focus, and typing edits nothing.
        assert app.focused is None
        before = session.meeting_file.read_bytes()
        await pilot.press("a", "d", "e", "enter", "ctrl+z")
        assert session.meeting_file.read_bytes() == before
        await pilot.press("p")
        assert isinstance(app.screen, PresenterScreen)
        await pilot.press("escape")
        assert app.screen is screen


async def test_a_follower_started_first_does_not_block_the_facilitator(tmp_path: Path) -> None:
    clock = FakeClock(T0.timestamp())
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    app = app_for(store, clock, Start(meeting_id=meeting_id, follow=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FollowScreen)
        facilitator = Archive(archive_for(store).settings).open_session(meeting_id, clock)
        try:
            assert not facilitator.read_only
        finally:
            facilitator.close()


async def test_the_facilitators_crash_is_reported_and_the_last_state_kept(tmp_path: Path) -> None:
    clock = FakeClock(T0.timestamp())
    app, archive, meeting_id, session, watcher = follower(tmp_path, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await follow_screen(pilot, session)
        facilitator = archive.open_session(meeting_id, clock)
        try:
            facilitator.live.control("start")
            facilitator.save()
            facilitator.flush()
            await look(pilot, session, watcher)
            clock.advance(30)
            screen.tick()
            assert "Meeting 00:30 / 30:00" in text_of(screen, "#follow-meeting")
            # The facilitator's process dies holding the meeting: its stamp stays behind.
            child = subprocess.Popen([sys.executable, "-c", "pass"])
            child.wait()
            stamp = {"pid": child.pid, "host": socket.gethostname(), "since": "2026-12-01T09:00"}
            session.lock_path.write_text(json.dumps(stamp))
            await look(pilot, session, watcher)
            clock.advance(30)
            screen.tick()
            meeting_line = text_of(screen, "#follow-meeting")
            # The clock stops where it was last saved, and says so.
            assert "clock stopped" in meeting_line and "Meeting 00:00 / 30:00" in meeting_line
            status = text_of(screen, "#follow-status")
            assert f"pid {child.pid}) ended without closing" in status
            assert "last saved state shown" in status
            assert "GitLab" in text_of(screen, "#follow-title")
        finally:
            facilitator.close()


async def test_the_presenter_fills_a_big_screen(tmp_path: Path) -> None:
    clock = FakeClock(T0.timestamp())
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    app = app_for(store, clock, Start(meeting_id=meeting_id, follow=True, presenter=True))
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PresenterScreen)
        clock_widget = app.screen.query_one("#presenter-countdown")
        lines = big_text("06:00", clock_widget.size.width, clock_widget.size.height)
        assert len(lines) >= 15 and len(lines[0]) >= 100  # three times the header's digits
        content = str(app.screen.query_one("#presenter-content").render())
        assert "Webhooks re-enabled" in content  # the newest timeline events, large
        await pilot.press("q")


def test_big_text_scales_to_fit_and_falls_back_to_plain() -> None:
    assert big_text("12:34", 10, 3) == ["12:34"]
    lines = big_text("12:34", 100, 20)
    assert len(lines) % 5 == 0 and max(len(line) for line in lines) <= 100


async def test_the_facilitator_saves_the_clock_when_it_changes(tmp_path: Path) -> None:
    """Start, +1 min, next and pause land on disk at once, not at the 5 s clock save."""
    clock = FakeClock(T0.timestamp())
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    app = app_for(store, clock, Start(meeting_id=meeting_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key, check in (
            ("f2", lambda s: s["was_running"]),
            # The sample opens on the timeline, stage 1 (the set-up before it is 0).
            ("f3", lambda s: s["extension_s"][1] == 60),
            ("f5", lambda s: s["index"] == 2),
            ("f2", lambda s: not s["was_running"]),
        ):
            clock.advance(1)
            await pilot.press(key)
            await settle(pilot)
            assert check(store.load(meeting_id)["meeting"]["clock"]), key
        await app.action_quit()


async def test_a_read_only_copy_points_to_follow(tmp_path: Path) -> None:
    clock = FakeClock(T0.timestamp())
    store = new_store(tmp_path)
    meeting_id = sample_meeting(store)
    facilitator = archive_for(store).open_session(meeting_id, clock)
    try:
        app = app_for(store, clock, Start(meeting_id=meeting_id))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            messages = [n.message for n in app._notifications]
            assert any(f"pmtui follow {meeting_id[:8]}" in m for m in messages), messages
            await app.action_quit()
    finally:
        facilitator.close()
