"""What a template sees: the record prepared in Python (the view model).

Times are formatted, metrics computed (in seconds and in words), the agenda totalled and
the timeline sorted, so templates only lay things out. User text is left as typed: the
templates pass it through the `md_*` filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from pmtui.core import contrib, timeutil
from pmtui.core import metrics as core_metrics
from pmtui.core import whys as whytree
from pmtui.core.models import ActionStatus, Cause, EventKind, Postmortem, WhyChain
from pmtui.export.filters import drop_zero_width as plain

UNTITLED = "Untitled postmortem"
_URL = re.compile(r"https?://[^\s<>|\"'`]+")
MARK = {ActionStatus.OPEN: "TODO", ActionStatus.DONE: "DONE", ActionStatus.WONT_DO: "WON'T DO"}
NOTE_COLUMNS = ("went_right", "went_wrong", "got_lucky")


@dataclass(frozen=True)
class Event:
    at: datetime
    tz: tzinfo
    utc: str  # `2017-02-28 17:37`
    local: str  # `2017-02-28 09:37 PST`, or "" when the record's zone is UTC
    kind: str  # start, detection, mitigation, resolution or event
    text: str

    @property
    def both(self) -> str:
        """`2017-02-28 17:37 UTC · 09:37 PST` (no local part in UTC)."""
        return timeutil.utc_and_local(self.at, self.tz)

    @property
    def iso(self) -> str:
        """`2017-02-28T17:37:00Z`"""
        return timeutil.format_utc(self.at)

    @property
    def marker(self) -> bool:
        """One of the four markers (start, detection, mitigation, resolution)."""
        return self.kind != EventKind.EVENT.value

    @property
    def link(self) -> str:
        """The first web address in the text, or ""."""
        found = _URL.search(self.text)
        return found.group(0).rstrip(".,;:!?)]}") if found else ""


@dataclass(frozen=True)
class Metric:
    key: str  # detect, mitigate, resolve, impact
    label: str
    seconds: int | None  # None where a marker is missing

    @property
    def human(self) -> str:
        return timeutil.human_duration(self.seconds)

    def __iter__(self) -> Any:  # `{% for label, seconds in metrics %}` still works
        return iter((self.label, self.seconds))


@dataclass(frozen=True)
class Stage:
    title: str
    planned_s: int
    spent_s: int
    extension_s: int = 0  # minutes added during the meeting (F3)
    skipped: bool = False

    @property
    def planned(self) -> str:
        """`03:00`, or `03:00 + 01:00` when the meeting gave the stage more time."""
        shown = timeutil.clock_face(self.planned_s)
        if self.extension_s:
            shown += f" + {timeutil.clock_face(self.extension_s)}"
        return shown

    @property
    def spent(self) -> str:
        return timeutil.clock_face(self.spent_s)

    @property
    def over_s(self) -> int:
        return self.spent_s - self.planned_s - self.extension_s


@dataclass(frozen=True)
class Person:
    name: str
    role: str


@dataclass(frozen=True)
class Note:
    text: str
    votes: int
    by: str = ""  # who wrote it: only when the facilitator kept names (never in public)


@dataclass(frozen=True)
class Action:
    title: str
    owner: str
    due: str  # YYYY-MM-DD or ""
    priority: str
    type: str
    ticket: str
    status: str  # open, done, won't do
    mark: str  # TODO, DONE, WON'T DO (the Google SRE book's marks)
    addresses: str  # the text of the why it addresses, or ""


@dataclass(frozen=True)
class WhyLine:
    """One answer of a chain as a line of the minutes."""

    text: str
    level: int  # 1 for an answer to the problem
    cause: str  # "", "root cause" or "contributing factor"
    lead: str  # what goes before `N. `: indentation, and `- ` where a branch starts


@dataclass(frozen=True)
class Chain:
    problem: str
    lines: list[WhyLine]  # in reading order; nested Markdown lists where it branches
    root_causes: list[str]  # marked ones, or the end of each branch if none is marked
    contributing: list[str]

    @property
    def answers(self) -> list[str]:
        """The answers' texts in reading order (a plain chain's answers, top to bottom)."""
        return [line.text for line in self.lines]

    @property
    def root_cause(self) -> str:
        return self.root_causes[0] if self.root_causes else ""

    @property
    def branches(self) -> bool:
        return any(line.lead for line in self.lines)


def _chain(chain: WhyChain, roots: list[str]) -> Chain:
    """A chain as nested Markdown lists: a plain run is one ordered list numbered by
    level; where an answer has several answers below it, each starts a bullet holding
    its own ordered list, so the minutes read like the whiteboard tree."""
    lines = []
    # Per answer: the column its `N.` marker starts at, and the column its text starts at.
    columns: dict[tuple[int, ...], tuple[int, int]] = {(): (0, 0)}
    for row in whytree.rows(chain):
        parent_marker, parent_text = columns[row.path[:-1]]
        if row.branch:
            bullet = parent_text
            marker = bullet + 2
            lead = " " * bullet + "- "
        else:
            marker = parent_marker
            lead = " " * marker
        columns[row.path] = (marker, marker + len(f"{row.level}. "))
        cause = whytree.CAUSE_LABELS.get(row.why.cause, "")
        lines.append(WhyLine(row.why.text, row.level, cause, lead))
    contributing = [r.why.text for r in whytree.rows(chain) if r.why.cause is Cause.CONTRIBUTING]
    return Chain(chain.problem, lines, roots, contributing)


def _day(at: datetime | None) -> str:
    return f"{at.astimezone(UTC):%Y-%m-%d}" if at else ""


def _when(at: datetime | None) -> str:
    return f"{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if at else ""


def _severity_level(severity: str) -> int | None:
    """1 for "SEV-1", "sev1", "Sev 1"; None for anything else."""
    found = re.fullmatch(r"\s*sev\s*[-_ ]?\s*(\d)\s*", severity, re.IGNORECASE)
    return int(found.group(1)) if found else None


def _tags(pm: Postmortem) -> list[str]:
    """The meeting's tags, then its whys' tags, each once."""
    found = list(pm.tags)
    for _, row in whytree.walk(pm):
        found += row.why.tags
    return list(dict.fromkeys(found))


def build(pm: Postmortem, now: datetime, *, public: bool = False) -> dict[str, Any]:
    """The template context for `pm` (already the public copy when `public`)."""
    tz = timeutil.zone(pm.timezone)
    local_column = not timeutil.is_utc(tz)
    ordered = pm.sorted_timeline()
    events = []
    for e in ordered:
        at_local = e.at.astimezone(tz)
        events.append(
            Event(
                at=e.at,
                tz=tz,
                utc=f"{e.at.astimezone(UTC):%Y-%m-%d %H:%M}",
                local=f"{at_local:%Y-%m-%d %H:%M} {at_local.tzname()}" if local_column else "",
                kind=e.kind.value,
                text=e.text,
            )
        )

    def index(kind: EventKind) -> int | None:
        return next((i for i, e in enumerate(ordered) if e.kind is kind), None)

    start, detected, mitigated, resolved = (
        index(k)
        for k in (EventKind.START, EventKind.DETECTION, EventKind.MITIGATION, EventKind.RESOLUTION)
    )
    # Atlassian's Leadup: what happened before impact began. Response: from detection to
    # mitigation (or resolution, or the end), both ends included.
    leadup = events[:start] if start is not None else []
    response: list[Event] = []
    if detected is not None:
        end = next((i for i in (mitigated, resolved) if i is not None and i >= detected), None)
        response = events[detected : (end + 1 if end is not None else len(events))]

    m = core_metrics.compute(pm)
    metrics = [
        Metric("detect", "Time to detect", m.time_to_detect_s),
        Metric("mitigate", "Time to mitigate", m.time_to_mitigate_s),
        Metric("resolve", "Time to resolve", m.time_to_resolve_s),
        Metric("impact", "Impact duration (start to resolution)", m.time_to_resolve_s),
    ]
    # Untimed stages (the set-up) are not part of the meeting's timed agenda.
    agenda = [
        Stage(s.title, s.planned_s, s.spent_s, s.extension_s, s.skipped)
        for s in pm.meeting.agenda
        if s.planned_s
    ]
    planned = sum(s.planned_s for s in agenda)
    extended = sum(s.extension_s for s in agenda)
    spent = sum(s.spent_s for s in agenda)

    # Names and ids lose zero-width characters: a reader sees them, a search does not.
    participants = [Person(plain(p.name), p.role) for p in pm.participants if p.name.strip()]
    owner = plain(pm.owner)
    authors = [owner] if owner.strip() else []
    authors += [p.name for p in participants if p.name not in authors]

    level = _severity_level(pm.severity)
    impact_rows = [("Time in SEV-1", None), ("Time in SEV-2", None)]
    if level in (1, 2):
        impact_rows[level - 1] = (impact_rows[level - 1][0], m.time_to_resolve_s)
    elif pm.severity.strip():
        impact_rows.insert(0, (f"Time in {pm.severity.strip()}", m.time_to_resolve_s))

    board = contrib.Board.from_dict(pm.meeting.contributions)

    def notes(column: str) -> list[Note]:
        return [
            Note(note.text, note.votes, "" if public else contrib.byline(board, note.id))
            for note in getattr(pm, column)
        ]

    def due(value: date | None) -> str:
        return value.isoformat() if value else ""

    why_texts = {row.why.id: row.why.text for _, row in whytree.walk(pm)}
    roots: dict[int, list[str]] = {}
    for cause in whytree.root_causes(pm):
        roots.setdefault(cause.chain, []).append(cause.text)
    chains = [_chain(c, roots.get(i, [])) for i, c in enumerate(pm.whys)]
    markers = (
        ("Impact began", start),
        ("Detected", detected),
        ("Mitigated", mitigated),
        ("Resolved", resolved),
    )
    story = [(label, events[i]) for label, i in markers if i is not None]

    return {
        "pm": pm,
        "public": public,
        "generated": _when(now),
        "title": pm.title.strip() or UNTITLED,
        "incident_id": plain(pm.incident_id),
        "severity": pm.severity,
        "status": pm.status.value,
        "timezone": pm.timezone,
        "owner": owner,
        "facilitator": plain(pm.meeting.facilitator),
        "held": _when(pm.meeting.held_at),
        "held_local": timeutil.utc_and_local(pm.meeting.held_at, tz) if pm.meeting.held_at else "",
        "incident_day": _day(pm.incident_date()),
        "participants": participants,
        "authors": authors,
        "summary": pm.summary,
        "impact": pm.impact,
        "trigger": pm.trigger,
        "detection": pm.detection,
        "resolution": pm.resolution,
        "events": events,
        "local_column": local_column,
        "leadup": leadup,
        "response": response,
        "markers": story,
        "metrics": metrics,
        "metric": {x.key: x for x in metrics},
        "impact_s": m.time_to_resolve_s,
        "impact_rows": impact_rows,
        "agenda": agenda,
        "agenda_planned": planned,
        "agenda_spent": spent,
        "agenda_total": Stage("Total", planned, spent, extended),
        "went_right": notes("went_right"),
        "went_wrong": notes("went_wrong"),
        "got_lucky": notes("got_lucky"),
        "whys": chains,
        "root_causes": [(c.problem, c.root_cause) for c in chains],
        "unaddressed": [cause.text for cause in whytree.unaddressed(pm)],
        "linked": any(a.addresses for a in pm.action_items),
        "tags": _tags(pm),
        "history": [
            {
                "at": _when(h.at),
                "by": plain(h.by),
                "what": f"reopened as {h.status.value}" if h.note == "reopened" else h.status.value,
            }
            for h in pm.history
        ],
        "follow_ups": pm.follow_ups,
        "actions": [
            Action(
                title=a.title,
                owner=plain(a.owner),
                due=due(a.due),
                priority=a.priority.value,
                type=a.type.value,
                ticket=plain(a.ticket),
                status=a.status.value,
                mark=MARK[a.status],
                addresses=why_texts.get(a.addresses, ""),
            )
            for a in pm.action_items
        ],
    }
