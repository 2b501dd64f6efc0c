"""What the meeting engine's clock actions return, as values (see pmtui.core.engine).

A module of its own so that opening a meeting does not create these classes: the engine
imports it on the first action that returns an event."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MeetingStarted:
    key: str


@dataclass(frozen=True)
class Paused:
    key: str


@dataclass(frozen=True)
class Resumed:
    key: str


@dataclass(frozen=True)
class StageChanged:
    from_key: str
    to_key: str
    reason: str  # next, skip, back, jump


@dataclass(frozen=True)
class StageOverran:
    key: str
    by_s: float


@dataclass(frozen=True)
class Extended:
    key: str
    seconds: int


@dataclass(frozen=True)
class MeetingFinished:
    key: str


@dataclass(frozen=True)
class MeetingReopened:
    key: str


Event = (
    MeetingStarted
    | Paused
    | Resumed
    | StageChanged
    | StageOverran
    | Extended
    | MeetingFinished
    | MeetingReopened
)
