"""The agenda as the minutes show it: extensions, skipped stages, no untimed set-up."""

from __future__ import annotations

from datetime import UTC, datetime

from pmtui.core import sessionfile
from pmtui.core.clock import FakeClock
from pmtui.core.live import LiveMeeting
from pmtui.export.markdown import render_markdown

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


def run_meeting() -> LiveMeeting:
    clock = FakeClock(T0.timestamp())
    live = LiveMeeting.new("Edge outage", 15, clock)
    live.control("next")  # past the set-up
    live.control("start")
    clock.advance(200)
    live.control("extend")  # the timeline (3:00) gets a fourth minute
    clock.advance(30)
    live.control("next")
    clock.advance(10)
    live.control("skip")  # right / wrong / lucky skipped
    clock.advance(60)
    return live


def test_the_agenda_table_shows_extensions_and_skipped_stages() -> None:
    live = run_meeting()
    live.record()  # the agenda with time spent is written into the record on saving
    minutes = render_markdown(live.pm, "minutes")
    rows = [line for line in minutes.splitlines() if line.startswith("| ")]
    timeline = next(r for r in rows if r.startswith("| Timeline review"))
    assert "03:00 + 01:00" in timeline and "03:50" in timeline and "-00:10" in timeline
    assert any(r.startswith("| What went right / wrong / lucky (skipped)") for r in rows)
    assert not any("Set-up" in r for r in rows)  # untimed, not part of the plan
    total = next(r for r in rows if r.startswith("| **Total**"))
    assert "15:00 + 01:00" in total


def test_extensions_and_skips_survive_the_session_file() -> None:
    live = run_meeting()
    doc = sessionfile.to_document(sessionfile.from_record(live.record()))
    stages = {s["stage"]: s for s in doc["meeting"]["agenda"]}
    assert stages["timeline"]["extension_s"] == 60 and "skipped" not in stages["timeline"]
    assert stages["lessons"]["skipped"] is True
    again = sessionfile.from_document(doc)
    assert again.meeting.agenda == sessionfile.from_record(live.record()).meeting.agenda
