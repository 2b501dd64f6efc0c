"""Following a meeting: the clock extrapolated from its saved state (core), the watcher,
and the follow session (never the lock; the facilitator's liveness from the stamp)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pmtui.core.agenda import scaled
from pmtui.core.clock import FakeClock
from pmtui.core.engine import MeetingEngine, as_saved_running
from pmtui.core.models import EventKind
from pmtui.service.archive import Archive
from pmtui.service.follow import CLOSED, EDITING, ENDED, WAITING, FollowSession
from pmtui.service.serve import follow_command, is_loopback, url
from pmtui.service.settings import Settings
from pmtui.service.watch import ManualWatcher, PollingWatcher
from tests.conftest import SAMPLES

T0 = 1_790_000_000.0


def archive_in(folder: Path) -> Archive:
    return Archive(Settings.load(data=folder, environ={}))


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# -- core: the clock between saves --------------------------------------------------------


def test_a_running_clock_runs_on_from_its_save() -> None:
    engine = MeetingEngine(scaled(30))
    engine.next(T0)  # past the untimed set-up, onto the timeline
    engine.start(T0)
    engine.extend(T0 + 10)
    state = engine.to_dict(T0 + 100)
    follower = as_saved_running(state, engine.agenda)
    for later in (100, 130, 400, 1000):
        mine, theirs = engine.view(T0 + later), follower.view(T0 + later)
        assert theirs.running
        assert abs(mine.meeting_elapsed_s - theirs.meeting_elapsed_s) < 0.01
        assert abs(mine.stage_left_s - theirs.stage_left_s) < 0.01
        assert theirs.stage_budget_s == mine.stage_budget_s


def test_a_paused_or_finished_clock_stays_where_it_was_saved() -> None:
    engine = MeetingEngine(scaled(30))
    engine.next(T0)  # past the untimed set-up, onto the timeline
    engine.start(T0)
    engine.pause(T0 + 50)
    paused = as_saved_running(engine.to_dict(T0 + 60), engine.agenda)
    assert not paused.view(T0 + 500).running
    assert paused.view(T0 + 500).meeting_elapsed_s == pytest.approx(50)
    # The plain restore (the facilitator reopening) is paused even when it ran.
    engine.start(T0 + 60)
    assert not MeetingEngine.from_dict(engine.to_dict(T0 + 70), engine.agenda).running


def test_a_follower_clock_behind_the_facilitators_never_runs_backwards() -> None:
    engine = MeetingEngine(scaled(30))
    engine.next(T0)  # past the untimed set-up, onto the timeline
    engine.start(T0)
    follower = as_saved_running(engine.to_dict(T0 + 30), engine.agenda)
    assert follower.view(T0 + 20).meeting_elapsed_s == pytest.approx(30)


# -- the watcher --------------------------------------------------------------------------


def test_the_polling_watcher_sees_a_file_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    watcher = PollingWatcher(path)
    assert watcher.changed()  # the first look
    assert not watcher.changed()
    path.write_text("a")
    assert watcher.changed()
    assert not watcher.changed()
    other = tmp_path / "new.json"
    other.write_text("a")
    other.replace(path)  # same size, maybe the same time: a new inode
    assert watcher.changed()
    path.unlink()
    assert watcher.changed()


# -- the follow session -------------------------------------------------------------------


def sample(tmp_path: Path) -> tuple[Archive, str]:
    archive = archive_in(tmp_path)
    return archive, archive.import_file(SAMPLES[0]).id


def manual(
    archive: Archive, meeting_id: str, clock: FakeClock
) -> tuple[FollowSession, ManualWatcher]:
    watcher = ManualWatcher()
    return archive.follow(meeting_id, clock, watcher=watcher, poll_s=0), watcher


def test_a_follower_started_first_leaves_the_facilitator_the_write_lock(tmp_path: Path) -> None:
    archive, meeting_id = sample(tmp_path)
    clock = FakeClock(T0)
    follow, _ = manual(archive, meeting_id, clock)
    first = follow.open()
    assert first.facilitator.state == WAITING
    session = archive.open_session(meeting_id, clock)
    try:
        assert not session.read_only
    finally:
        session.close()


def test_the_follower_sees_each_save_and_the_clock_between_them(tmp_path: Path) -> None:
    archive, meeting_id = sample(tmp_path)
    clock = FakeClock(T0)
    follow, watcher = manual(archive, meeting_id, clock)
    follow.open()
    seen = []
    follow.watch(seen.append)
    session = archive.open_session(meeting_id, clock)
    try:
        live = session.live
        live.control("next")  # past the untimed set-up
        live.control("start")
        live.add_event(
            datetime(2017, 1, 31, 23, 59, tzinfo=UTC), "follower sees this", EventKind.EVENT
        )
        session.flush()
        watcher.touch()
        snap = follow.check()
        assert snap is not None and snap.meeting is not None
        assert snap.facilitator.state == EDITING
        assert "follower sees this" in [e.text for e in snap.meeting.pm.timeline]
        clock.advance(42)
        assert snap.meeting.engine.view(clock.now()).meeting_elapsed_s == pytest.approx(42)
        assert follow.check() is None  # nothing changed, nothing posted
        assert seen == [snap]
    finally:
        session.close()
    watcher.touch()
    closed = follow.check()
    assert closed is not None and closed.facilitator.state == CLOSED
    # The meeting was closed with its clock running: the follower shows it stopped.
    assert not closed.meeting.engine.view(clock.now()).running


def test_a_facilitator_that_died_is_reported_and_its_clock_stops(tmp_path: Path) -> None:
    archive, meeting_id = sample(tmp_path)
    clock = FakeClock(T0)
    follow, watcher = manual(archive, meeting_id, clock)
    lock = follow.lock_path
    stamp = {"pid": dead_pid(), "host": socket.gethostname(), "since": "2026-12-01T09:00:00+00:00"}
    lock.write_text(json.dumps(stamp))
    snap = follow.open()
    assert snap.facilitator.state == ENDED
    assert "ended without closing" in snap.facilitator.message
    # Still nobody took the lock: a new facilitator gets it read-write.
    session = archive.open_session(meeting_id, clock)
    try:
        assert not session.read_only
        clock.advance(1)
        watcher.touch()
        again = follow.check()
        assert again is not None and again.facilitator.state == EDITING
    finally:
        session.close()


def test_a_damaged_file_keeps_the_last_good_state_with_a_message(tmp_path: Path) -> None:
    archive, meeting_id = sample(tmp_path)
    follow, watcher = manual(archive, meeting_id, FakeClock(T0))
    first = follow.open()
    follow.meeting_file.write_text("{ not json")
    watcher.touch()
    snap = follow.check()
    assert snap is not None and snap.problem
    assert snap.meeting is first.meeting


def test_the_polling_thread_posts_a_change(tmp_path: Path) -> None:
    import threading

    archive, meeting_id = sample(tmp_path)
    clock = FakeClock(T0)
    follow = archive.follow(meeting_id, clock, poll_s=0.01)
    follow.open()
    arrived = threading.Event()
    follow.watch(lambda snap: arrived.set())
    session = archive.open_session(meeting_id, clock)
    try:
        assert arrived.wait(5)
    finally:
        session.close()
        follow.close()


# -- serve --------------------------------------------------------------------------------


def test_serve_binds_loopback_by_default_and_knows_what_is_not() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert url("::1", 8000) == "http://[::1]:8000"
    command = follow_command("abc", Path("/data dir"))
    assert command.endswith("--data '/data dir' follow abc")


def test_serve_warns_beyond_loopback_and_refuses_a_bad_port(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pmtui import cli

    _archive, meeting_id = sample(tmp_path)
    argv = ["--data", str(tmp_path), "serve", meeting_id[:8], "--host", "0.0.0.0", "--port", "0"]
    assert cli.main(argv) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "anyone who can reach port 0 there can read this meeting" in err
    assert "pmtui: 0 is not a port number" in err


def test_serve_without_textual_serve_says_how_to_get_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmtui import cli

    monkeypatch.setitem(sys.modules, "textual_serve.server", None)  # import fails
    _archive, meeting_id = sample(tmp_path)
    assert cli.main(["--data", str(tmp_path), "serve", meeting_id]) == cli.EXIT_USAGE
    captured = capsys.readouterr()
    assert "http://127.0.0.1:8000" in captured.out
    assert "pip install 'pmtui[serve]'" in captured.err
    assert "warning" not in captured.err  # loopback: nothing to warn about


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="zombies are read from /proc")
def test_a_zombie_is_not_a_running_facilitator() -> None:
    from pmtui.service.follow import running

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    # Not reaped yet: a zombie, which still answers signal 0.
    while Path(f"/proc/{child.pid}/stat").exists() and time.monotonic() < deadline:
        if Path(f"/proc/{child.pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z":
            break
        time.sleep(0.01)
    assert not running(child.pid)
    child.wait()
    assert running(os.getpid())
