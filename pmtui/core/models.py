"""The postmortem record: what a blameless postmortem holds, as plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in review"
    PUBLISHED = "published"


class EventKind(StrEnum):
    """Timeline markers: start (impact begins), detection, mitigation, resolution."""

    START = "start"
    DETECTION = "detection"
    MITIGATION = "mitigation"
    RESOLUTION = "resolution"
    EVENT = "event"


class Priority(StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


class ActionType(StrEnum):
    PREVENT = "prevent"
    MITIGATE = "mitigate"
    DETECT = "detect"
    PROCESS = "process"
    OTHER = "other"


class Cause(StrEnum):
    """What the group decided a why is: nothing yet, a contributing factor, a root cause."""

    NONE = ""
    CONTRIBUTING = "contributing"
    ROOT = "root"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    WONT_DO = "won't do"


def new_id() -> str:
    """A stable unique meeting id (32 hex digits); never TinyDB's reusable doc_id."""
    return uuid.uuid4().hex


def item_id() -> str:
    """A stable id for one item of a record (an event, a note, a why, an action item).

    12 hex digits: short enough to read in a file, and with the few hundred items of a
    meeting a collision is far less likely than a typo (the reader refuses duplicates).
    """
    return uuid.uuid4().hex[:12]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Participant:
    """Someone at the meeting, and their role in it ("Facilitator", "DBA")."""

    name: str
    role: str = ""


@dataclass(frozen=True)
class TimelineEvent:
    """One moment of the incident. Frozen: an edit replaces the event (same id), so undo's
    snapshots share events and a save can reuse an unchanged event's written form."""

    at: datetime  # always timezone-aware, in UTC
    text: str
    kind: EventKind = EventKind.EVENT
    id: str = field(default_factory=item_id)
    # Where an imported event came from ("slack:<ts>", "pagerduty:<entry id>",
    # "statuspage:<update id>"), so importing again never adds it twice; "" if typed.
    source: str = ""


@dataclass(frozen=True)
class Note:
    """A note in the right / wrong / lucky columns, with its dot votes (never below zero).

    Frozen: an edit replaces the note (same id), which keeps undo's snapshots cheap.
    """

    text: str
    votes: int = 0
    id: str = field(default_factory=item_id)


@dataclass
class Why:
    """One answer to "why?", and the answers to "why?" asked of it in turn.

    One answer below it continues the chain; two or more make it branch, because
    complex systems rarely fail for one reason.
    """

    text: str
    cause: Cause = Cause.NONE
    answers: list[Why] = field(default_factory=list)
    id: str = field(default_factory=item_id)
    # Contributing-factor categories ("config change", "deployment") and free tags.
    tags: list[str] = field(default_factory=list)

    def copy(self) -> Why:
        """A copy of this answer and everything below it, ids kept."""
        return Why(
            self.text, self.cause, [a.copy() for a in self.answers], self.id, list(self.tags)
        )


@dataclass
class WhyChain:
    """A Five Whys chain: the problem, and the answers to why it happened, as a tree.

    A plain chain, read top to bottom as on a whiteboard, is a tree where every answer
    has at most one answer below it (see `pmtui.core.whys` for walking and editing it).
    """

    problem: str
    answers: list[Why] = field(default_factory=list)
    id: str = field(default_factory=item_id)

    def copy(self) -> WhyChain:
        return WhyChain(self.problem, [a.copy() for a in self.answers], self.id)


@dataclass
class ActionItem:
    """Something to do after the meeting: who, by when, and the why it addresses."""

    title: str
    owner: str = ""
    due: date | None = None
    priority: Priority = Priority.P2
    type: ActionType = ActionType.OTHER
    ticket: str = ""
    status: ActionStatus = ActionStatus.OPEN
    # The id of the why (contributing factor or root cause) this item addresses; "" none.
    addresses: str = ""
    id: str = field(default_factory=item_id)
    # When it was marked done or won't do, and why it will not be done.
    closed_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class StatusChange:
    """One move of the review workflow: to which status, by whom, when."""

    status: Status
    by: str
    at: datetime
    note: str = ""  # "reopened" when a published postmortem is opened again


@dataclass(frozen=True)
class FollowUp:
    """What a meeting's Follow-ups stage decided about an earlier meeting's action item."""

    meeting_id: str
    action_id: str
    title: str
    decision: str  # "done", "won't do", "due 2026-12-04", "owner Sam", "kept"


@dataclass
class StageRecord:
    """One stage of the meeting's agenda: planned timebox and time actually spent."""

    stage: str
    title: str
    planned_s: int  # 0: an untimed stage (the set-up)
    spent_s: int = 0
    extension_s: int = 0  # minutes added during the meeting (F3)
    skipped: bool = False


@dataclass
class MeetingFacts:
    """The meeting's own facts, kept for the minutes."""

    held_at: datetime | None = None
    facilitator: str = ""
    agenda: list[StageRecord] = field(default_factory=list)
    # The meeting engine's saved clock state, so a reopened meeting resumes where it was.
    clock: dict[str, object] | None = None
    # Participants' contributions: votes used, notes held back (pmtui.core.contrib.Board).
    contributions: dict[str, object] | None = None


@dataclass
class Postmortem:
    """One incident's postmortem: its facts, timeline, lessons, Five Whys and actions."""

    title: str
    id: str = field(default_factory=new_id)
    incident_id: str = ""
    severity: str = ""
    status: Status = Status.DRAFT
    timezone: str = "UTC"
    owner: str = ""
    participants: list[Participant] = field(default_factory=list)
    summary: str = ""
    impact: str = ""
    trigger: str = ""
    detection: str = ""
    resolution: str = ""
    timeline: list[TimelineEvent] = field(default_factory=list)
    went_right: list[Note] = field(default_factory=list)
    went_wrong: list[Note] = field(default_factory=list)
    got_lucky: list[Note] = field(default_factory=list)
    whys: list[WhyChain] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    history: list[StatusChange] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    meeting: MeetingFacts = field(default_factory=MeetingFacts)
    # Text typed into an entry line but not added yet, by entry line: kept with the
    # record so a killed terminal loses nothing; never part of undo or of the minutes.
    drafts: dict[str, str] = field(default_factory=dict)
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    # Open conflicts a `pmtui sync` merge found (see pmtui.core.merge): each a dict with
    # id, kind, path, where, kept, other, kept_at, other_at; empty in a record never merged.
    conflicts: list[dict[str, object]] = field(default_factory=list)

    def sorted_timeline(self) -> list[TimelineEvent]:
        """Events by time; equal times keep the order they were entered in (stable sort)."""
        return sorted(self.timeline, key=lambda e: e.at)

    def open_action_items(self) -> list[ActionItem]:
        return [a for a in self.action_items if a.status is ActionStatus.OPEN]

    def first_marker(self, kind: EventKind) -> TimelineEvent | None:
        """The earliest event of a kind, by time."""
        return next((e for e in self.sorted_timeline() if e.kind is kind), None)

    def incident_date(self) -> datetime | None:
        """When impact began, else the first event, else None."""
        start = self.first_marker(EventKind.START)
        if start is not None:
            return start.at
        events = self.sorted_timeline()
        return events[0].at if events else None
