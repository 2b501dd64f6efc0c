"""The meeting's agenda: its stages in order, each with a timebox.

A stage with a timebox of 0 is untimed: the set-up before the timeline (title, zone,
people) has no countdown and its time does not count against the meeting's. Records
keep their agenda; one written before a standard stage existed gets it added where it
belongs when it is opened (`with_standard_stages`), so stages can be added in later
versions without breaking old meetings.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from pmtui.core.values import FACTORY, value

MIN_TIMEBOX_S = 30
MIN_MINUTES, MAX_MINUTES = 5, 180

# key, title, weight: timeline and the discussion stages get most of the time; weight 0
# is an untimed stage.
STAGES: tuple[tuple[str, str, int], ...] = (
    ("setup", "Set-up", 0),
    ("timeline", "Timeline review", 6),
    ("lessons", "What went right / wrong / lucky", 6),
    ("whys", "Five Whys", 7),
    ("actions", "Action items", 6),
    ("wrapup", "Wrap-up", 5),
)
PRESETS = (15, 20, 30)
# A new meeting's first stage when earlier postmortems left open items: a short review
# of them (issue 15). Whole minutes, fixed rather than weighted: 1 in meetings shorter
# than 30 minutes, 2 from 30. Kept apart from STAGES so that records of five stages, and
# other stages added to STAGES, are unaffected.
FOLLOW_UPS = ("followups", "Follow-ups")


def follow_ups_minutes(minutes: int) -> int:
    return 1 if minutes < 30 else 2


@value()
class Stage:
    """One stage of a meeting: its key, its title and its timebox (0: untimed)."""

    key: str
    title: str
    timebox_s: int

    def __init__(self, key: str, title: str, timebox_s: int) -> None:
        self.key = key
        self.title = title
        self.timebox_s = timebox_s

    @property
    def timed(self) -> bool:
        return self.timebox_s > 0


@value()
class Agenda:
    """The stages of a meeting, in order."""

    stages: list[Stage] = field(default_factory=list)

    def __init__(self, stages: list[Stage] = FACTORY) -> None:
        self.stages = [] if stages is FACTORY else stages

    @property
    def total_s(self) -> int:
        return sum(s.timebox_s for s in self.stages)

    def index_of(self, key: str) -> int:
        for i, stage in enumerate(self.stages):
            if stage.key == key:
                return i
        raise KeyError(f"no stage {key!r} in this agenda")

    def set_timebox(self, key: str, seconds: int) -> None:
        if seconds < MIN_TIMEBOX_S:
            raise ValueError(f"a timebox is at least {MIN_TIMEBOX_S} seconds")
        self.stages[self.index_of(key)].timebox_s = int(seconds)

    def to_list(self) -> list[dict[str, Any]]:
        return [{"stage": s.key, "title": s.title, "timebox_s": s.timebox_s} for s in self.stages]

    @classmethod
    def from_list(cls, items: Any) -> Agenda:
        if not isinstance(items, list) or not items:
            raise ValueError("agenda must be a non-empty list")
        stages = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise ValueError(f"agenda[{i}] must be an object")
            key, title, box = item.get("stage"), item.get("title"), item.get("timebox_s")
            if not isinstance(key, str) or not key or not isinstance(title, str):
                raise ValueError(f"agenda[{i}] needs a stage key and a title")
            if (
                isinstance(box, bool)
                or not isinstance(box, int)
                or (box < MIN_TIMEBOX_S and box != 0)
            ):
                raise ValueError(
                    f"agenda[{i}].timebox_s must be 0 (untimed) or a whole number >= 30"
                )
            stages.append(Stage(key, title, box))
        return cls(stages)

    def with_standard_stages(self) -> Agenda:
        """This agenda with any standard stage it lacks added after the standard stage
        before it (an untimed one untimed, a timed one with a minute per weight)."""
        stages = list(self.stages)
        keys = [s.key for s in stages]
        for n, (key, title, weight) in enumerate(STAGES):
            if key in keys:
                continue
            before = [k for k, _, _ in STAGES[:n] if k in keys]
            at = keys.index(before[-1]) + 1 if before else 0
            stages.insert(at, Stage(key, title, 60 * weight))
            keys.insert(at, key)
        return Agenda(stages)


def stage_numbers(timed: list[bool]) -> list[int]:
    """The numbers people see for the stages: an untimed set-up first is stage 0, so the
    timeline stays stage 1 whether a meeting has a set-up or not."""
    first = 0 if timed and not timed[0] else 1
    return [first + i for i in range(len(timed))]


def scaled(minutes: int, *, follow_ups: bool = False) -> Agenda:
    """The standard stages for a meeting of `minutes`, whole minutes adding up exactly.

    Largest-remainder rounding of the weights; every stage gets at least one minute.
    `follow_ups`: open with the Follow-ups stage, its minutes taken from the total.
    """
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValueError("the meeting length is a whole number of minutes")
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise ValueError(f"a meeting lasts {MIN_MINUTES} to {MAX_MINUTES} minutes, not {minutes}")
    if follow_ups:
        # After the untimed set-up, before the timeline: last time's actions come first.
        review = follow_ups_minutes(minutes)
        stages = scaled(minutes - review).stages
        at = next(i for i, stage in enumerate(stages) if stage.timed)
        return Agenda([*stages[:at], Stage(*FOLLOW_UPS, review * 60), *stages[at:]])
    timed = [(key, title, w) for key, title, w in STAGES if w]
    weights = [w for _, _, w in timed]
    spare = minutes - len(timed)  # one minute each is given up front
    shares = [spare * w / sum(weights) for w in weights]
    whole = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: shares[i] - whole[i], reverse=True)
    for i in by_remainder[: spare - sum(whole)]:
        whole[i] += 1
    minutes_of = {key: 1 + n for (key, _, _), n in zip(timed, whole, strict=True)}
    return Agenda([Stage(key, title, minutes_of.get(key, 0) * 60) for key, title, _ in STAGES])


def preset(minutes: int) -> Agenda:
    """One of the 15, 20 and 30 minute presets."""
    if minutes not in PRESETS:
        raise ValueError(f"presets are {', '.join(map(str, PRESETS))} minutes")
    return scaled(minutes)
