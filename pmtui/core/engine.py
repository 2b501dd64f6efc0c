"""The meeting engine: which stage is on, and how much time each has had.

It is handed `now` on every call and never reads a clock. Time is summed from timestamps
(closed segments plus the open one), never by counting ticks, so however irregularly the
UI polls, the clock shown is the wall clock. Actions return what happened as values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmtui.core.agenda import Agenda, Stage
from pmtui.core.values import value

if TYPE_CHECKING:
    from pmtui.core.events import Event

# Version 2 leaves the agenda out: the record keeps it once (`meeting.agenda`) and the
# engine is restored from both. Version 1 carried its own copy and still loads. Version 3
# adds the stage keys the lists are in, so a state restores onto an agenda that has
# gained stages since (see `MeetingEngine.regrouped`).
STATE_VERSION = 3
READS_STATE = (1, 2, 3)
LAST_MINUTE_S = 60

# What a clock action returns (MeetingStarted, Paused, ...) lives in pmtui.core.events,
# loaded by the first action that returns one: eight frozen dataclasses take longer to
# create than a meeting's first frame can spare, and opening a meeting returns none.
# They are still found here, as they always were.
_EVENTS = frozenset(
    {
        "Event",
        "MeetingStarted",
        "Paused",
        "Resumed",
        "StageChanged",
        "StageOverran",
        "Extended",
        "MeetingFinished",
        "MeetingReopened",
    }
)


def __getattr__(name: str) -> Any:
    if name in _EVENTS:
        from pmtui.core import events

        return getattr(events, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@value(frozen=True)
class StageTime:
    """One stage's plan and what it actually took."""

    key: str
    title: str
    timebox_s: int
    extension_s: int
    spent_s: float
    skipped: bool
    visited: bool

    def __init__(
        self,
        key: str,
        title: str,
        timebox_s: int,
        extension_s: int,
        spent_s: float,
        skipped: bool,
        visited: bool,
    ) -> None:
        self.__dict__.update(
            key=key,
            title=title,
            timebox_s=timebox_s,
            extension_s=extension_s,
            spent_s=spent_s,
            skipped=skipped,
            visited=visited,
        )

    @property
    def budget_s(self) -> int:
        return self.timebox_s + self.extension_s


@value(frozen=True)
class MeetingView:
    """The meeting at one moment: the stage on, the clocks, and each stage's time."""

    stage: Stage
    index: int
    count: int
    running: bool
    started: bool
    finished: bool
    stage_elapsed_s: float
    stage_budget_s: int
    stage_left_s: float
    overrun_s: float
    in_last_minute: bool
    meeting_elapsed_s: float
    meeting_budget_s: int
    meeting_left_s: float
    meeting_over_s: float
    schedule_delta_s: float  # projected end minus planned end: > 0 behind, < 0 ahead
    spent: list[StageTime]

    def __init__(
        self,
        stage: Stage,
        index: int,
        count: int,
        running: bool,
        started: bool,
        finished: bool,
        stage_elapsed_s: float,
        stage_budget_s: int,
        stage_left_s: float,
        overrun_s: float,
        in_last_minute: bool,
        meeting_elapsed_s: float,
        meeting_budget_s: int,
        meeting_left_s: float,
        meeting_over_s: float,
        schedule_delta_s: float,
        spent: list[StageTime],
    ) -> None:
        self.__dict__.update(
            stage=stage,
            index=index,
            count=count,
            running=running,
            started=started,
            finished=finished,
            stage_elapsed_s=stage_elapsed_s,
            stage_budget_s=stage_budget_s,
            stage_left_s=stage_left_s,
            overrun_s=overrun_s,
            in_last_minute=in_last_minute,
            meeting_elapsed_s=meeting_elapsed_s,
            meeting_budget_s=meeting_budget_s,
            meeting_left_s=meeting_left_s,
            meeting_over_s=meeting_over_s,
            schedule_delta_s=schedule_delta_s,
            spent=spent,
        )


class MeetingEngine:
    def __init__(self, agenda: Agenda) -> None:
        if not agenda.stages:
            raise ValueError("an agenda needs at least one stage")
        n = len(agenda.stages)
        self.agenda = agenda
        self.index = 0
        self.started = False
        self.finished = False
        self._segment_start: float | None = None  # set while running
        self._spent = [0.0] * n
        self._extension = [0] * n
        self._skipped = [False] * n
        self._visited = [False] * n
        self._overran = [False] * n

    # -- reading ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._segment_start is not None

    def _spent_now(self, now: float) -> list[float]:
        spent = list(self._spent)
        if self._segment_start is not None:
            spent[self.index] += max(0.0, now - self._segment_start)
        return spent

    def _budget(self, i: int) -> int:
        return self.agenda.stages[i].timebox_s + self._extension[i]

    def _timed(self, i: int) -> bool:
        return self.agenda.stages[i].timed

    def view(self, now: float) -> MeetingView:
        spent = self._spent_now(now)
        i = self.index
        stage_elapsed = spent[i]
        budget = self._budget(i)
        # Time in an untimed stage (the set-up) is not the meeting's.
        elapsed = sum(s for j, s in enumerate(spent) if self._timed(j))
        meeting_budget = self.agenda.total_s + sum(self._extension)
        if self.finished:
            projected = elapsed
        else:
            projected = elapsed + sum(
                max(0.0, self._budget(j) - spent[j])
                for j in range(i, len(spent))
                if (not self._skipped[j] or j == i) and self._timed(j)
            )
        left = budget - stage_elapsed if self._timed(i) else 0.0
        return MeetingView(
            stage=self.agenda.stages[i],
            index=i,
            count=len(self.agenda.stages),
            running=self.running,
            started=self.started,
            finished=self.finished,
            stage_elapsed_s=stage_elapsed,
            stage_budget_s=budget,
            stage_left_s=max(0.0, left),
            overrun_s=max(0.0, -left),
            in_last_minute=0 < left <= LAST_MINUTE_S,
            meeting_elapsed_s=elapsed,
            meeting_budget_s=meeting_budget,
            meeting_left_s=meeting_budget - elapsed,
            meeting_over_s=max(0.0, elapsed - meeting_budget),
            schedule_delta_s=projected - self.agenda.total_s,
            spent=[
                StageTime(
                    key=s.key,
                    title=s.title,
                    timebox_s=s.timebox_s,
                    extension_s=self._extension[j],
                    spent_s=spent[j],
                    skipped=self._skipped[j],
                    visited=self._visited[j] or (j == i and self.started),
                )
                for j, s in enumerate(self.agenda.stages)
            ],
        )

    # -- the clock --------------------------------------------------------------------------

    def _close_segment(self, now: float) -> None:
        if self._segment_start is not None:
            self._spent[self.index] += max(0.0, now - self._segment_start)
            self._segment_start = None

    def start(self, now: float) -> list[Event]:
        from pmtui.core.events import MeetingStarted, Resumed

        if self.running:
            return []
        if self.finished:
            return self._reopen(now)
        first = not self.started
        self.started = True
        self._visited[self.index] = True
        self._segment_start = now
        key = self.agenda.stages[self.index].key
        return [MeetingStarted(key)] if first else [Resumed(key)]

    def resume(self, now: float) -> list[Event]:
        return self.start(now)

    def pause(self, now: float) -> list[Event]:
        from pmtui.core.events import Paused

        if not self.running:
            return []
        self._close_segment(now)
        return [Paused(self.agenda.stages[self.index].key)]

    def toggle_pause(self, now: float) -> list[Event]:
        return self.pause(now) if self.running else self.start(now)

    def poll(self, now: float) -> list[Event]:
        """Called by the UI's timer: reports an overrun once per stage visit."""
        if not self.running or self._overran[self.index] or not self._timed(self.index):
            return []
        over = self._spent_now(now)[self.index] - self._budget(self.index)
        if over <= 0:
            return []
        self._overran[self.index] = True
        from pmtui.core.events import StageOverran

        return [StageOverran(self.agenda.stages[self.index].key, over)]

    def extend(self, now: float, seconds: int = 60) -> list[Event]:
        from pmtui.core.events import Extended

        if seconds <= 0:
            raise ValueError("extend by a positive number of seconds")
        if not self._timed(self.index):
            return []  # an untimed stage has no timebox to extend
        self._extension[self.index] += int(seconds)
        if self._spent_now(now)[self.index] <= self._budget(self.index):
            self._overran[self.index] = False  # a later overrun is news again
        return [Extended(self.agenda.stages[self.index].key, int(seconds))]

    def set_timebox(self, key: str, seconds: int, now: float | None = None) -> None:
        self.agenda.set_timebox(key, seconds)
        i = self.agenda.index_of(key)
        elapsed = self._spent_now(now)[i] if now is not None else self._spent[i]
        if elapsed <= self._budget(i):
            self._overran[i] = False

    # -- moving between stages --------------------------------------------------------------

    def _move(self, target: int, now: float, reason: str) -> list[Event]:
        from pmtui.core.events import StageChanged

        if target == self.index:
            return []
        running = self.running
        self._close_segment(now)
        before = self.agenda.stages[self.index].key
        self.index = target
        self._overran[target] = False
        self._skipped[target] = False
        if self.started:
            self._visited[target] = True
        if running:
            self._segment_start = now
        return [StageChanged(before, self.agenda.stages[target].key, reason)]

    def next(self, now: float) -> list[Event]:
        from pmtui.core.events import MeetingFinished

        if self.finished:
            return []
        if self.index == len(self.agenda.stages) - 1:
            self._close_segment(now)
            self.finished = True
            return [MeetingFinished(self.agenda.stages[self.index].key)]
        return self._move(self.index + 1, now, "next")

    def skip(self, now: float) -> list[Event]:
        if self.finished:
            return []
        skipped = self.index
        events = self.next(now)
        self._skipped[skipped] = True
        return events

    def back(self, now: float) -> list[Event]:
        """Undo an accidental advance; time already spent stays with its stage."""
        if self.finished:
            return self._reopen(now)
        if self.index == 0:
            return []
        return self._move(self.index - 1, now, "back")

    def jump(self, target: int | str, now: float) -> list[Event]:
        index = self.agenda.index_of(target) if isinstance(target, str) else target
        if not 0 <= index < len(self.agenda.stages):
            raise ValueError(f"there is no stage {index + 1}")
        events: list[Event] = []
        if self.finished:
            events = self._reopen(now)
        return events + self._move(index, now, "jump")

    def _reopen(self, now: float) -> list[Event]:
        from pmtui.core.events import MeetingReopened

        self.finished = False
        return [MeetingReopened(self.agenda.stages[self.index].key)]

    # -- persistence ------------------------------------------------------------------------

    def to_dict(self, now: float) -> dict[str, Any]:
        """The state to save, with the open segment counted up to `now`; the agenda is
        saved beside it (see `from_dict`)."""
        return {
            "version": STATE_VERSION,
            "stages": [s.key for s in self.agenda.stages],
            "index": self.index,
            "started": self.started,
            "finished": self.finished,
            "spent_s": [round(s, 3) for s in self._spent_now(now)],
            "extension_s": list(self._extension),
            "skipped": list(self._skipped),
            "visited": list(self._visited),
            "overran": list(self._overran),
            "was_running": self.running,
            "saved_at": now,
        }

    @classmethod
    def from_dict(cls, data: Any, agenda: Agenda | None = None) -> MeetingEngine:
        """Restore a saved meeting, paused where it was, with the time spent intact.

        `agenda` is the one the record keeps; a version-1 state brings its own."""
        if not isinstance(data, dict):
            raise ValueError("meeting state must be an object")
        version = data.get("version")
        if isinstance(version, bool) or version not in READS_STATE:
            raise ValueError(f"unknown meeting state version {version!r}")
        if version == 1:
            agenda = Agenda.from_list(data.get("agenda"))
        elif agenda is None:
            raise ValueError("meeting state needs the meeting's agenda")
        keys = data.get("stages")
        if version == 3 and keys != [s.key for s in agenda.stages]:
            raise ValueError("meeting state is for other stages than the agenda")
        engine = cls(agenda)
        n = len(engine.agenda.stages)
        index = data.get("index")
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < n:
            raise ValueError("meeting state has no valid current stage")
        engine.index = index
        engine.started = _flag(data, "started")
        engine.finished = _flag(data, "finished")
        engine._spent = [float(v) for v in _numbers(data, "spent_s", n)]
        engine._extension = [int(v) for v in _numbers(data, "extension_s", n)]
        engine._skipped = _flags(data, "skipped", n)
        engine._visited = _flags(data, "visited", n)
        engine._overran = _flags(data, "overran", n)
        return engine

    def regrouped(self, agenda: Agenda) -> MeetingEngine:
        """This meeting's state on another agenda of the same stages and more (stages
        added in a later version): each stage keeps its own time, marks and place."""
        engine = MeetingEngine(agenda)
        keys = [s.key for s in agenda.stages]
        for j, stage in enumerate(self.agenda.stages):
            if stage.key not in keys:
                raise ValueError(f"stage {stage.key!r} is not in the new agenda")
            k = keys.index(stage.key)
            engine._spent[k] = self._spent[j]
            engine._extension[k] = self._extension[j]
            engine._skipped[k] = self._skipped[j]
            engine._visited[k] = self._visited[j]
            engine._overran[k] = self._overran[j]
        engine.index = keys.index(self.agenda.stages[self.index].key)
        engine.started, engine.finished = self.started, self.finished
        engine._segment_start = self._segment_start
        return engine


def _flag(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    if not isinstance(value, bool):
        raise ValueError(f"meeting state {key} must be true or false")
    return value


def _flags(data: dict[str, Any], key: str, n: int) -> list[bool]:
    values = data.get(key)
    if (
        not isinstance(values, list)
        or len(values) != n
        or not all(isinstance(v, bool) for v in values)
    ):
        raise ValueError(f"meeting state {key} must be {n} true/false values")
    return values


def _numbers(data: dict[str, Any], key: str, n: int) -> list[float]:
    values = data.get(key)
    if (
        not isinstance(values, list)
        or len(values) != n
        or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in values
        )
    ):
        raise ValueError(f"meeting state {key} must be {n} numbers >= 0")
    return values


def as_saved_running(data: Any, agenda: Agenda | None) -> MeetingEngine:
    """A follower's view of a saved meeting: restored as it was when saved, and, if its
    clock was running then, still running from that moment (`saved_at`), so `view(now)`
    extrapolates the facilitator's clock instead of freezing it at the last save.

    Version-1 states and states without `saved_at` restore paused, as `from_dict` does."""
    engine = MeetingEngine.from_dict(data, agenda)
    saved_at = data.get("saved_at")
    if (
        data.get("was_running") is True
        and isinstance(saved_at, int | float)
        and not isinstance(saved_at, bool)
        and not engine.finished
    ):
        engine._segment_start = float(saved_at)
    return engine
