"""Trends across postmortems: how many were held, how fast incidents were detected,
mitigated and resolved, what became of action items, which causes recur. Pure."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any

from pmtui.core import metrics
from pmtui.core.ledger import meeting_tags
from pmtui.core.models import ActionStatus, Postmortem
from pmtui.core.policy import Policy, normal_severity

GROUPINGS = ("month", "severity", "tag")


@dataclass
class Group:
    key: str
    held: int = 0
    detect_s: list[int] = field(default_factory=list)
    mitigate_s: list[int] = field(default_factory=list)
    resolve_s: list[int] = field(default_factory=list)
    opened: int = 0
    closed: int = 0
    overdue: int = 0
    tags: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.key,
            "postmortems": self.held,
            "median_detect_s": median(self.detect_s),
            "median_mitigate_s": median(self.mitigate_s),
            "median_resolve_s": median(self.resolve_s),
            "actions_opened": self.opened,
            "actions_closed": self.closed,
            "actions_overdue": self.overdue,
            "top_tags": [t for t, _ in self.tags.most_common(3)],
        }


def median(values: list[int]) -> int | None:
    return int(statistics.median(values)) if values else None


@dataclass(frozen=True)
class Stats:
    by: str
    groups: list[Group]
    total: Group
    recurring_tags: list[tuple[str, int]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "groups": [g.as_dict() for g in self.groups],
            "total": self.total.as_dict(),
            "recurring_tags": [{"tag": t, "postmortems": n} for t, n in self.recurring_tags],
        }


@dataclass(slots=True)  # not frozen: built once per meeting of the archive (see LedgerRow)
class Figures:
    """One postmortem's figures for the trends (from its record or its list summary)."""

    month: str  # of the incident, in the team's zone: "2026-11"
    day: date
    severity: str
    tags: tuple[str, ...]
    detect_s: int | None
    mitigate_s: int | None
    resolve_s: int | None
    opened: int
    closed: int
    overdue: int


def figures_of(pm: Postmortem, policy: Policy, today: date) -> Figures:
    when = policy.local_date(pm.incident_date() or pm.meeting.held_at or pm.created_at)
    m = metrics.compute(pm)
    held = policy.meeting_date(pm)
    closed = sum(1 for a in pm.action_items if a.status is not ActionStatus.OPEN)
    overdue = sum(
        1
        for a in pm.action_items
        if a.status is ActionStatus.OPEN and policy.due(a, held)[0] < today
    )
    return Figures(
        when.isoformat()[:7],
        when,
        normal_severity(pm.severity) or "(none)",
        tuple(meeting_tags(pm)),
        m.time_to_detect_s,
        m.time_to_mitigate_s,
        m.time_to_resolve_s,
        len(pm.action_items),
        closed,
        overdue,
    )


def compute(
    meetings: Iterable[Postmortem | Figures],
    policy: Policy,
    today: date,
    *,
    by: str = "month",
    since: date | None = None,
) -> Stats:
    """The figures, grouped `by` month (of the incident), severity or tag."""
    if by not in GROUPINGS:
        raise ValueError(f"group by {', '.join(GROUPINGS)}, not {by!r}")
    members: dict[str, list[Figures]] = {}
    chosen = []
    for entry in meetings:
        f = entry if isinstance(entry, Figures) else figures_of(entry, policy, today)
        if since is not None and f.day < since:
            continue
        chosen.append(f)
        keys = {"month": (f.month,), "severity": (f.severity,)}.get(by) or f.tags
        for key in keys or ("(untagged)",):
            members.setdefault(key, []).append(f)
    total = _group("all", chosen)
    recurring = [(t, n) for t, n in total.tags.most_common() if n > 1]
    return Stats(by, [_group(k, members[k]) for k in sorted(members)], total, recurring)


def _group(key: str, members: list[Figures]) -> Group:
    """A group's figures from its members, a pass per figure (10,000 meetings)."""
    return Group(
        key,
        held=len(members),
        detect_s=[f.detect_s for f in members if f.detect_s is not None],
        mitigate_s=[f.mitigate_s for f in members if f.mitigate_s is not None],
        resolve_s=[f.resolve_s for f in members if f.resolve_s is not None],
        opened=sum(f.opened for f in members),
        closed=sum(f.closed for f in members),
        overdue=sum(f.overdue for f in members),
        tags=Counter(chain.from_iterable(f.tags for f in members)),
    )


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m"
