"""The meeting's agenda: its stages in order, each with a timebox."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MIN_TIMEBOX_S = 30
MIN_MINUTES, MAX_MINUTES = 5, 180

# key, title, weight: timeline and the discussion stages get most of the time.
STAGES: tuple[tuple[str, str, int], ...] = (
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


@dataclass
class Stage:
    key: str
    title: str
    timebox_s: int


@dataclass
class Agenda:
    stages: list[Stage] = field(default_factory=list)

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
            if isinstance(box, bool) or not isinstance(box, int) or box < MIN_TIMEBOX_S:
                raise ValueError(f"agenda[{i}].timebox_s must be a whole number >= 30")
            stages.append(Stage(key, title, box))
        return cls(stages)


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
        review = follow_ups_minutes(minutes)
        rest = scaled(minutes - review)
        return Agenda([Stage(*FOLLOW_UPS, review * 60), *rest.stages])
    weights = [w for _, _, w in STAGES]
    spare = minutes - len(STAGES)  # one minute each is given up front
    shares = [spare * w / sum(weights) for w in weights]
    whole = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: shares[i] - whole[i], reverse=True)
    for i in by_remainder[: spare - sum(whole)]:
        whole[i] += 1
    return Agenda(
        [Stage(key, title, (1 + n) * 60) for (key, title, _), n in zip(STAGES, whole, strict=True)]
    )


def preset(minutes: int) -> Agenda:
    """One of the 15, 20 and 30 minute presets."""
    if minutes not in PRESETS:
        raise ValueError(f"presets are {', '.join(map(str, PRESETS))} minutes")
    return scaled(minutes)
