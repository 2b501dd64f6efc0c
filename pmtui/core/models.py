"""The postmortem record: what a blameless postmortem holds, as plain values."""

from __future__ import annotations

import uuid
from dataclasses import field
from datetime import UTC, date, datetime
from enum import StrEnum

from pmtui.core.values import FACTORY, value


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


# The classes below are dataclasses made with `value` (pmtui.core.values), which costs
# far less to import: each writes its own __init__, fields in order, same defaults.


@value()
class Participant:
    """Someone at the meeting, and their role in it ("Facilitator", "DBA")."""

    name: str
    role: str = ""

    def __init__(self, name: str, role: str = "") -> None:
        self.name = name
        self.role = role


@value(frozen=True)
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

    def __init__(
        self,
        at: datetime,
        text: str,
        kind: EventKind = EventKind.EVENT,
        id: str = FACTORY,
        source: str = "",
    ) -> None:
        self.__dict__.update(
            at=at, text=text, kind=kind, id=item_id() if id is FACTORY else id, source=source
        )


@value(frozen=True)
class Note:
    """A note in the right / wrong / lucky columns, with its dot votes (never below zero).

    Frozen: an edit replaces the note (same id), which keeps undo's snapshots cheap.
    """

    text: str
    votes: int = 0
    id: str = field(default_factory=item_id)

    def __init__(self, text: str, votes: int = 0, id: str = FACTORY) -> None:
        self.__dict__.update(text=text, votes=votes, id=item_id() if id is FACTORY else id)


@value()
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

    def __init__(
        self,
        text: str,
        cause: Cause = Cause.NONE,
        answers: list[Why] = FACTORY,
        id: str = FACTORY,
        tags: list[str] = FACTORY,
    ) -> None:
        self.text = text
        self.cause = cause
        self.answers = [] if answers is FACTORY else answers
        self.id = item_id() if id is FACTORY else id
        self.tags = [] if tags is FACTORY else tags

    def copy(self) -> Why:
        """A copy of this answer and everything below it, ids kept."""
        return Why(
            self.text, self.cause, [a.copy() for a in self.answers], self.id, list(self.tags)
        )


@value()
class WhyChain:
    """A Five Whys chain: the problem, and the answers to why it happened, as a tree.

    A plain chain, read top to bottom as on a whiteboard, is a tree where every answer
    has at most one answer below it (see `pmtui.core.whys` for walking and editing it).
    """

    problem: str
    answers: list[Why] = field(default_factory=list)
    id: str = field(default_factory=item_id)

    def __init__(self, problem: str, answers: list[Why] = FACTORY, id: str = FACTORY) -> None:
        self.problem = problem
        self.answers = [] if answers is FACTORY else answers
        self.id = item_id() if id is FACTORY else id

    def copy(self) -> WhyChain:
        return WhyChain(self.problem, [a.copy() for a in self.answers], self.id)


@value()
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

    def __init__(
        self,
        title: str,
        owner: str = "",
        due: date | None = None,
        priority: Priority = Priority.P2,
        type: ActionType = ActionType.OTHER,
        ticket: str = "",
        status: ActionStatus = ActionStatus.OPEN,
        addresses: str = "",
        id: str = FACTORY,
        closed_on: date | None = None,
        note: str = "",
    ) -> None:
        self.title = title
        self.owner = owner
        self.due = due
        self.priority = priority
        self.type = type
        self.ticket = ticket
        self.status = status
        self.addresses = addresses
        self.id = item_id() if id is FACTORY else id
        self.closed_on = closed_on
        self.note = note


@value(frozen=True)
class StatusChange:
    """One move of the review workflow: to which status, by whom, when."""

    status: Status
    by: str
    at: datetime
    note: str = ""  # "reopened" when a published postmortem is opened again

    def __init__(self, status: Status, by: str, at: datetime, note: str = "") -> None:
        self.__dict__.update(status=status, by=by, at=at, note=note)


@value(frozen=True)
class FollowUp:
    """What a meeting's Follow-ups stage decided about an earlier meeting's action item."""

    meeting_id: str
    action_id: str
    title: str
    decision: str  # "done", "won't do", "due 2026-12-04", "owner Sam", "kept"

    def __init__(self, meeting_id: str, action_id: str, title: str, decision: str) -> None:
        self.__dict__.update(
            meeting_id=meeting_id, action_id=action_id, title=title, decision=decision
        )


@value()
class StageRecord:
    """One stage of the meeting's agenda: planned timebox and time actually spent."""

    stage: str
    title: str
    planned_s: int  # 0: an untimed stage (the set-up)
    spent_s: int = 0
    extension_s: int = 0  # minutes added during the meeting (F3)
    skipped: bool = False

    def __init__(
        self,
        stage: str,
        title: str,
        planned_s: int,
        spent_s: int = 0,
        extension_s: int = 0,
        skipped: bool = False,
    ) -> None:
        self.stage = stage
        self.title = title
        self.planned_s = planned_s
        self.spent_s = spent_s
        self.extension_s = extension_s
        self.skipped = skipped


@value()
class MeetingFacts:
    """The meeting's own facts, kept for the minutes."""

    held_at: datetime | None = None
    facilitator: str = ""
    agenda: list[StageRecord] = field(default_factory=list)
    # The meeting engine's saved clock state, so a reopened meeting resumes where it was.
    clock: dict[str, object] | None = None
    # Participants' contributions: votes used, notes held back (pmtui.core.contrib.Board).
    contributions: dict[str, object] | None = None

    def __init__(
        self,
        held_at: datetime | None = None,
        facilitator: str = "",
        agenda: list[StageRecord] = FACTORY,
        clock: dict[str, object] | None = None,
        contributions: dict[str, object] | None = None,
    ) -> None:
        self.held_at = held_at
        self.facilitator = facilitator
        self.agenda = [] if agenda is FACTORY else agenda
        self.clock = clock
        self.contributions = contributions


@value()
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

    def __init__(
        self,
        title: str,
        id: str = FACTORY,
        incident_id: str = "",
        severity: str = "",
        status: Status = Status.DRAFT,
        timezone: str = "UTC",
        owner: str = "",
        participants: list[Participant] = FACTORY,
        summary: str = "",
        impact: str = "",
        trigger: str = "",
        detection: str = "",
        resolution: str = "",
        timeline: list[TimelineEvent] = FACTORY,
        went_right: list[Note] = FACTORY,
        went_wrong: list[Note] = FACTORY,
        got_lucky: list[Note] = FACTORY,
        whys: list[WhyChain] = FACTORY,
        action_items: list[ActionItem] = FACTORY,
        tags: list[str] = FACTORY,
        history: list[StatusChange] = FACTORY,
        follow_ups: list[FollowUp] = FACTORY,
        meeting: MeetingFacts = FACTORY,
        drafts: dict[str, str] = FACTORY,
        created_at: datetime = FACTORY,
        updated_at: datetime = FACTORY,
        conflicts: list[dict[str, object]] = FACTORY,
    ) -> None:
        self.title = title
        self.id = new_id() if id is FACTORY else id
        self.incident_id = incident_id
        self.severity = severity
        self.status = status
        self.timezone = timezone
        self.owner = owner
        self.participants = [] if participants is FACTORY else participants
        self.summary = summary
        self.impact = impact
        self.trigger = trigger
        self.detection = detection
        self.resolution = resolution
        self.timeline = [] if timeline is FACTORY else timeline
        self.went_right = [] if went_right is FACTORY else went_right
        self.went_wrong = [] if went_wrong is FACTORY else went_wrong
        self.got_lucky = [] if got_lucky is FACTORY else got_lucky
        self.whys = [] if whys is FACTORY else whys
        self.action_items = [] if action_items is FACTORY else action_items
        self.tags = [] if tags is FACTORY else tags
        self.history = [] if history is FACTORY else history
        self.follow_ups = [] if follow_ups is FACTORY else follow_ups
        self.meeting = MeetingFacts() if meeting is FACTORY else meeting
        self.drafts = {} if drafts is FACTORY else drafts
        self.created_at = utcnow() if created_at is FACTORY else created_at
        self.updated_at = utcnow() if updated_at is FACTORY else updated_at
        self.conflicts = [] if conflicts is FACTORY else conflicts

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
