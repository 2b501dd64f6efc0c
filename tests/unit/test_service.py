"""The application layer: settings, the archive, a meeting's session."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pmtui.core.clock import FakeClock
from pmtui.core.models import EventKind
from pmtui.service.archive import Archive, demo_archive
from pmtui.service.errors import ArchiveError
from pmtui.service.settings import Settings
from pmtui.store.store import MeetingHandle, Store
from tests.conftest import SAMPLES

T0 = 1_790_000_000.0


def archive_in(folder: Path) -> Archive:
    return Archive(Settings.load(data=folder, environ={}))


# -- settings -----------------------------------------------------------------------------


def test_settings_take_the_option_then_the_environment_then_the_default(tmp_path: Path) -> None:
    env = {
        "PMTUI_DATA": str(tmp_path / "env-data"),
        "PMTUI_CONFIG": str(tmp_path / "conf"),
        "PMTUI_EXPORT_DIR": str(tmp_path / "out"),
    }
    from_env = Settings.load(environ=env)
    assert from_env.data_dir == tmp_path / "env-data"
    assert from_env.keymap_file == tmp_path / "conf" / "keymap.json"
    assert from_env.coach_rules_file == tmp_path / "conf" / "coach.json"
    assert from_env.export_dir == tmp_path / "out"
    option = Settings.load(data=tmp_path / "opt", environ=env)
    assert option.data_dir == tmp_path / "opt"
    # With no variables, exports go beside the meetings, in a folder of their own.
    plain = Settings.load(data=tmp_path / "d", environ={})
    assert plain.export_dir == tmp_path / "d" / "exports"
    assert plain.config_dir.name == "pmtui"


# -- the archive ----------------------------------------------------------------------------


def test_import_list_resolve_load_delete(tmp_path: Path) -> None:
    archive = archive_in(tmp_path)
    pm = archive.import_file(SAMPLES[0])
    assert [row["id"] for row in archive.list()] == [pm.id]
    assert archive.resolve(pm.id[:6]) == pm.id
    assert archive.load(pm.id).title == pm.title
    archive.delete(pm.id)
    assert archive.list() == []
    with pytest.raises(ArchiveError, match="no meeting"):
        archive.resolve(pm.id[:6])


def test_problems_come_out_as_one_line_errors(tmp_path: Path) -> None:
    archive = archive_in(tmp_path)
    with pytest.raises(ArchiveError, match="no such file"):
        archive.import_file(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"pmtui": 1}')
    with pytest.raises(ArchiveError, match="title"):
        archive.import_file(bad)
    assert archive.list() == []


def test_a_disk_error_while_creating_is_an_archive_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(store: Store, record: dict[str, Any]) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Store, "create", full)
    archive = archive_in(tmp_path)
    with pytest.raises(ArchiveError, match="No space left"):
        archive.create("Checkout errors", 20, FakeClock(T0))
    with pytest.raises(ArchiveError, match="No space left"):
        archive.import_file(SAMPLES[0])


def test_the_demo_archive_is_thrown_away(tmp_path: Path) -> None:
    settings = Settings.load(data=tmp_path / "mine", environ={})
    with demo_archive(settings) as (archive, meeting_id):
        folder = archive.settings.data_dir
        assert archive.load(meeting_id).title
        assert folder != settings.data_dir
    assert not folder.exists()
    assert not (tmp_path / "mine").exists(), "the demo never touches the user's archive"


# -- a meeting's session --------------------------------------------------------------------


def test_a_session_saves_every_change_and_reports_it(tmp_path: Path) -> None:
    archive = archive_in(tmp_path)
    meeting_id = archive.create("Checkout errors", 20, FakeClock(T0))
    clock = FakeClock(T0 + 60)
    session = archive.open_session(meeting_id, clock)
    heard: list[Any] = []
    session.on_saved(heard.append)
    assert not session.read_only and session.save_state().saved_at is None
    session.live.add_lesson("went_right", "Paging reached the right team")
    assert session.flush(5)
    state = session.save_state()
    assert not state.pending and state.error is None and state.saved_at == T0 + 60
    assert heard and heard[-1].ok
    assert archive.record(meeting_id)["went_right"]
    # A second session on the same meeting is read-only, with the reason.
    other = archive.open_session(meeting_id, clock)
    assert other.read_only and "read-only" in (other.lock_message or "")
    assert other.save_state().read_only
    assert session.close()
    assert other.close()
    # Closed, the meeting can be opened for editing again.
    again = archive.open_session(meeting_id, clock)
    assert not again.read_only
    assert again.close()


def test_closing_waits_for_the_disk_and_refuses_to_lose_an_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = archive_in(tmp_path)
    meeting_id = archive.create("Disk full", 20, FakeClock(T0))
    session = archive.open_session(meeting_id, FakeClock(T0))
    real_save = MeetingHandle.save

    def full(handle: MeetingHandle, record: dict[str, Any]) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(MeetingHandle, "save", full)
    session.live.add_lesson("went_wrong", "Disk filled up")
    assert session.flush(5)
    assert "No space left" in (session.save_state().error or "")
    assert not session.close(timeout=2), "closing must not pretend the edit was saved"
    assert not session.closed
    monkeypatch.setattr(MeetingHandle, "save", real_save)
    assert session.close()
    assert archive.load(meeting_id).went_wrong


async def test_closing_runs_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = archive_in(tmp_path)
    meeting_id = archive.create("Slow disk", 20, FakeClock(T0))
    session = archive.open_session(meeting_id, FakeClock(T0))
    real_save = MeetingHandle.save
    writers: set[int] = set()

    def slow(handle: MeetingHandle, record: dict[str, Any]) -> None:
        writers.add(threading.get_ident())
        time.sleep(0.4)
        real_save(handle, record)

    monkeypatch.setattr(MeetingHandle, "save", slow)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    task = asyncio.create_task(ticker())
    started = time.monotonic()
    assert await session.close_async()
    took = time.monotonic() - started
    task.cancel()
    assert took >= 0.3
    # The loop kept running while the last save landed (a blocking close gives 0 ticks).
    assert ticks >= 5, ticks
    assert threading.get_ident() not in writers


def test_exported_minutes_go_to_the_exports_folder(tmp_path: Path) -> None:
    settings = Settings.load(data=tmp_path, environ={})
    archive = Archive(settings)
    pm = archive.import_file(SAMPLES[0])
    session = archive.open_session(pm.id, FakeClock(T0))
    path = session.export_minutes()
    assert path.parent == settings.export_dir
    assert path.read_text(encoding="utf-8").startswith("# ")
    with pytest.raises(ArchiveError, match="template"):
        session.export_minutes(template=str(tmp_path / "missing.md.j2"))
    assert session.close()


def test_the_coach_reads_again_only_after_a_change(tmp_path: Path) -> None:
    archive = archive_in(tmp_path)
    meeting_id = archive.create("Coach", 20, FakeClock(T0))
    session = archive.open_session(meeting_id, FakeClock(T0))
    first = session.findings()
    assert first == [] and session.findings() is first
    session.live.add_event(
        datetime.fromtimestamp(T0, UTC), "Human error by the on-call", EventKind.EVENT
    )
    again = session.findings()
    assert again is not first and again
    assert session.close()


def test_a_save_racing_the_close_is_quietly_dropped_after_the_final_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A timer saving a draft while the screen closes the meeting on another thread: once
    the final save is on disk and the writer goes, a save is a no-op, never an error."""
    from pmtui.service.autosave import AutoSaver

    archive = archive_in(tmp_path)
    meeting_id = archive.import_file(SAMPLES[0]).id
    session = archive.open_session(meeting_id, FakeClock(0))
    session.live.set_field("summary", "the last words")
    real_close = AutoSaver.close

    def close_then_tick(self: AutoSaver, timeout: float = 10.0) -> bool:
        done = real_close(self, timeout)
        session.save()  # the tick, landing between the writer's close and the session's
        return done

    monkeypatch.setattr(AutoSaver, "close", close_then_tick)
    assert session.close()
    assert session.closed
    assert archive.load(meeting_id).summary == "the last words"
