"""The meeting engine, driven by a fake clock."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmtui.core.agenda import PRESETS, Agenda, preset, scaled
from pmtui.core.clock import FakeClock
from pmtui.core.engine import (
    Extended,
    MeetingEngine,
    MeetingFinished,
    MeetingReopened,
    StageChanged,
    StageOverran,
)


@pytest.mark.parametrize("minutes", PRESETS)
def test_presets_add_up_exactly(minutes: int) -> None:
    agenda = preset(minutes)
    assert agenda.total_s == minutes * 60
    keys = [s.key for s in agenda.stages]
    assert keys == ["setup", "timeline", "lessons", "whys", "actions", "wrapup"]
    assert agenda.stages[0].timebox_s == 0  # the set-up is untimed
    assert all(s.timebox_s >= 60 for s in agenda.stages[1:])


@given(st.integers(min_value=5, max_value=180))
def test_scaled_agenda_sums_to_the_meeting_length(minutes: int) -> None:
    agenda = scaled(minutes)
    assert agenda.total_s == minutes * 60
    assert all(s.timebox_s % 60 == 0 and s.timebox_s >= 60 for s in agenda.stages if s.timed)


@pytest.mark.parametrize("bad", [4, 181, 0, -5])
def test_scaled_refuses_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError, match="minutes"):
        scaled(bad)


def timed(agenda: Agenda) -> Agenda:
    """The timed stages only (as a record from before the set-up stage keeps them)."""
    return Agenda([s for s in agenda.stages if s.timed])


def started(minutes: int = 30) -> tuple[MeetingEngine, FakeClock]:
    clock = FakeClock()
    engine = MeetingEngine(timed(scaled(minutes)))
    engine.start(clock.now())
    return engine, clock


def test_overrun_is_reported_once_per_visit() -> None:
    engine, clock = started(15)  # timeline has 3 minutes
    clock.advance(170)
    assert engine.poll(clock.now()) == []
    view = engine.view(clock.now())
    assert view.in_last_minute and view.stage_left_s == 10
    clock.advance(15)
    events = engine.poll(clock.now())
    assert len(events) == 1 and isinstance(events[0], StageOverran)
    assert events[0].by_s == pytest.approx(5)
    clock.advance(30)
    assert engine.poll(clock.now()) == []
    view = engine.view(clock.now())
    assert view.overrun_s == pytest.approx(35) and view.stage_left_s == 0


def test_extend_adds_a_minute_each_time_and_rearms_the_overrun() -> None:
    engine, clock = started(15)
    clock.advance(200)
    assert engine.poll(clock.now())
    assert engine.extend(clock.now()) == [Extended("timeline", 60)]
    engine.extend(clock.now())
    view = engine.view(clock.now())
    assert view.stage_budget_s == 180 + 120
    assert view.stage_left_s == 100
    assert view.meeting_budget_s == 15 * 60 + 120
    clock.advance(101)
    assert isinstance(engine.poll(clock.now())[0], StageOverran)


def test_pause_excludes_paused_time() -> None:
    engine, clock = started()
    clock.advance(60)
    engine.pause(clock.now())
    clock.advance(600)
    assert engine.view(clock.now()).meeting_elapsed_s == 60
    engine.resume(clock.now())
    clock.advance(5)
    assert engine.view(clock.now()).meeting_elapsed_s == 65


def test_back_undoes_an_accidental_advance_and_keeps_time() -> None:
    engine, clock = started()
    clock.advance(100)
    engine.next(clock.now())
    clock.advance(3)
    events = engine.back(clock.now())
    assert events == [StageChanged("lessons", "timeline", "back")]
    clock.advance(20)
    view = engine.view(clock.now())
    spent = {s.key: s.spent_s for s in view.spent}
    assert spent["timeline"] == 120 and spent["lessons"] == 3
    assert view.stage.key == "timeline"


def test_skip_jump_and_finish() -> None:
    engine, clock = started()
    engine.skip(clock.now())
    view = engine.view(clock.now())
    assert view.stage.key == "lessons" and view.spent[0].skipped
    engine.jump("wrapup", clock.now())
    assert engine.view(clock.now()).stage.key == "wrapup"
    clock.advance(10)
    assert engine.next(clock.now()) == [MeetingFinished("wrapup")]
    clock.advance(50)
    view = engine.view(clock.now())
    assert view.finished and not view.running and view.meeting_elapsed_s == 10
    assert engine.back(clock.now()) == [MeetingReopened("wrapup")]
    with pytest.raises(ValueError):
        engine.jump(9, clock.now())


def test_moving_before_the_start_accrues_no_time() -> None:
    clock = FakeClock()
    engine = MeetingEngine(timed(scaled(20)))
    engine.next(clock.now())
    clock.advance(300)
    view = engine.view(clock.now())
    assert view.stage.key == "lessons" and view.meeting_elapsed_s == 0 and not view.started


def test_schedule_delta_ahead_and_behind() -> None:
    engine, clock = started(30)  # timeline 6 min
    clock.advance(60)
    engine.next(clock.now())  # five minutes early
    assert engine.view(clock.now()).schedule_delta_s == pytest.approx(-300)
    clock.advance(6 * 60 + 120)  # lessons (6 min) runs two minutes over
    assert engine.view(clock.now()).schedule_delta_s == pytest.approx(-300 + 120)
    engine.extend(clock.now())
    assert engine.view(clock.now()).schedule_delta_s == pytest.approx(-300 + 120)


def test_set_timebox_during_the_meeting() -> None:
    engine, clock = started(30)
    engine.set_timebox("timeline", 120, clock.now())
    assert engine.view(clock.now()).stage_budget_s == 120
    assert engine.agenda.total_s == 30 * 60 - 240
    with pytest.raises(ValueError):
        engine.set_timebox("timeline", 10)


def test_no_drift_over_a_thirty_minute_meeting() -> None:
    """Polled at jittery, irregular intervals, the clock shown equals the wall clock."""
    rng = random.Random(7)
    clock = FakeClock(1_800_000_000.0)
    engine = MeetingEngine(timed(preset(30)))
    begin = clock.now()
    engine.start(begin)
    paused_total = 0.0
    while clock.now() - begin < 1800 + 120:
        step = rng.uniform(0.9, 1.3) if rng.random() > 0.05 else rng.uniform(2, 4)
        clock.advance(step)
        engine.poll(clock.now())
        if rng.random() < 0.01:  # a short pause now and then
            engine.pause(clock.now())
            gap = rng.uniform(5, 30)
            clock.advance(gap)
            paused_total += gap
            engine.resume(clock.now())
        wall = clock.now() - begin - paused_total
        assert engine.view(clock.now()).meeting_elapsed_s == pytest.approx(wall, abs=1e-6)
        if engine.view(clock.now()).overrun_s > 0 and not engine.view(clock.now()).finished:
            engine.next(clock.now())
    final = engine.view(clock.now())
    assert final.meeting_elapsed_s == pytest.approx(clock.now() - begin - paused_total, abs=1e-6)


def test_state_round_trip_resumes_paused_with_time_intact() -> None:
    engine, clock = started(20)
    clock.advance(90)
    engine.next(clock.now())
    engine.extend(clock.now())
    clock.advance(45)
    saved = engine.to_dict(clock.now())  # saved while running, then the process dies
    assert "agenda" not in saved  # the record keeps the agenda, once
    clock.advance(3600)
    restored = MeetingEngine.from_dict(saved, Agenda.from_list(engine.agenda.to_list()))
    view = restored.view(clock.now())
    assert not view.running and view.started
    assert view.stage.key == "lessons"
    assert view.meeting_elapsed_s == pytest.approx(135)
    assert view.stage_budget_s == restored.agenda.stages[1].timebox_s + 60
    restored.resume(clock.now())
    clock.advance(5)
    assert restored.view(clock.now()).meeting_elapsed_s == pytest.approx(140)


@pytest.mark.parametrize(
    "damage",
    [
        {"version": 99},
        {"index": 12},
        {"spent_s": [1, 2]},
        {"spent_s": [-1, 0, 0, 0, 0]},
        {"version": 1, "agenda": []},
        {"started": "yes"},
    ],
)
def test_damaged_state_is_refused(damage: dict[str, object]) -> None:
    engine, clock = started()
    state = engine.to_dict(clock.now()) | damage
    with pytest.raises(ValueError):
        MeetingEngine.from_dict(state, engine.agenda)


def test_state_needs_an_agenda_that_fits_it() -> None:
    engine, clock = started()
    state = engine.to_dict(clock.now())
    with pytest.raises(ValueError, match="needs the meeting's agenda"):
        MeetingEngine.from_dict(state)
    with pytest.raises(ValueError, match="other stages than the agenda"):
        MeetingEngine.from_dict(state, Agenda(engine.agenda.stages[:2]))
    with pytest.raises(ValueError, match="must be 2"):
        MeetingEngine.from_dict(state | {"version": 2}, Agenda(engine.agenda.stages[:2]))


def test_the_set_up_is_untimed_and_its_time_is_not_the_meeting_s() -> None:
    clock = FakeClock()
    engine = MeetingEngine(preset(15))
    assert engine.view(clock.now()).stage.key == "setup"
    engine.start(clock.now())
    clock.advance(600)
    assert engine.poll(clock.now()) == []  # no overrun, no bell
    assert engine.extend(clock.now()) == []  # nothing to extend
    view = engine.view(clock.now())
    assert (view.stage_left_s, view.overrun_s, view.in_last_minute) == (0, 0, False)
    assert view.meeting_elapsed_s == 0 and view.schedule_delta_s == 0
    engine.next(clock.now())
    clock.advance(60)
    view = engine.view(clock.now())
    assert view.stage.key == "timeline" and view.meeting_elapsed_s == 60
    assert view.spent[0].spent_s == 600  # kept, for the record


def test_an_old_meeting_gains_the_stages_added_since_and_keeps_its_time() -> None:
    engine, clock = started(15)  # five timed stages, as records before the set-up
    clock.advance(200)
    engine.extend(clock.now())
    engine.skip(clock.now())
    clock.advance(30)
    state = engine.to_dict(clock.now()) | {"version": 2}
    del state["stages"]
    old = MeetingEngine.from_dict(state, engine.agenda)
    agenda = old.agenda.with_standard_stages()
    assert [s.key for s in agenda.stages][:2] == ["setup", "timeline"]
    grown = old.regrouped(agenda)
    view = grown.view(clock.now())
    assert view.stage.key == "lessons" and view.index == 2
    assert [round(s.spent_s) for s in view.spent] == [0, 200, 30, 0, 0, 0]
    assert view.spent[1].skipped and view.spent[1].extension_s == 60
    # and it saves and restores on the grown agenda
    again = MeetingEngine.from_dict(grown.to_dict(clock.now()), agenda)
    assert again.view(clock.now()).spent == view.spent


def test_a_version_1_state_brings_its_own_agenda() -> None:
    engine, clock = started()
    clock.advance(30)
    state = engine.to_dict(clock.now()) | {"version": 1, "agenda": engine.agenda.to_list()}
    restored = MeetingEngine.from_dict(state)
    assert restored.agenda == engine.agenda
    assert restored.view(clock.now()).meeting_elapsed_s == pytest.approx(30)


def test_engine_does_not_import_the_ui() -> None:
    code = (
        "import sys, pmtui.core.engine, pmtui.core.live;"
        "print(sorted(m for m in ('textual', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
