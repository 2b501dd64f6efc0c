"""Trends across postmortems: how many were held, how fast incidents were detected,
mitigated and resolved, what became of action items, which causes recur. Pure."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
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


def _keys(pm: Postmortem, by: str, policy: Policy) -> list[str]:
    if by == "severity":
        return [normal_severity(pm.severity) or "(none)"]
    if by == "tag":
        return meeting_tags(pm) or ["(untagged)"]
    when = pm.incident_date() or pm.meeting.held_at or pm.created_at
    return [policy.local_date(when).strftime("%Y-%m")]


def compute(
    meetings: Iterable[Postmortem],
    policy: Policy,
    today: date,
    *,
    by: str = "month",
    since: date | None = None,
) -> Stats:
    """The figures, grouped `by` month (of the incident), severity or tag."""
    if by not in GROUPINGS:
        raise ValueError(f"group by {', '.join(GROUPINGS)}, not {by!r}")
    groups: dict[str, Group] = {}
    total = Group("all")
    for pm in meetings:
        when = pm.incident_date() or pm.meeting.held_at or pm.created_at
        if since is not None and policy.local_date(when) < since:
            continue
        for key in _keys(pm, by, policy):
            _add(groups.setdefault(key, Group(key)), pm, policy, today)
        _add(total, pm, policy, today)
    recurring = [(t, n) for t, n in total.tags.most_common() if n > 1]
    return Stats(by, [groups[k] for k in sorted(groups)], total, recurring)


def _add(group: Group, pm: Postmortem, policy: Policy, today: date) -> None:
    group.held += 1
    m = metrics.compute(pm)
    for values, value in (
        (group.detect_s, m.time_to_detect_s),
        (group.mitigate_s, m.time_to_mitigate_s),
        (group.resolve_s, m.time_to_resolve_s),
    ):
        if value is not None:
            values.append(value)
    held = policy.meeting_date(pm)
    for item in pm.action_items:
        group.opened += 1
        if item.status is not ActionStatus.OPEN:
            group.closed += 1
        elif policy.due(item, held)[0] < today:
            group.overdue += 1
    group.tags.update(meeting_tags(pm))


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m"
