"""Follow-through policies: when an action item is due if nobody said, and by when a
postmortem must be held and published. Pure: computed from values and a `today`.

Defaults follow the anchors teams already use: PagerDuty expects high-priority actions of
a Sev-1 within 15 days and a postmortem meeting within 3 days of a SEV-1 and 5 business
days of a SEV-2; Atlassian gives priority actions 4 to 8 weeks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property, lru_cache
from typing import Any

from pmtui.core import timeutil
from pmtui.core.models import ActionItem, Postmortem, Priority, Status

DEFAULT_DUE_DAYS = {"P0": 7, "P1": 15, "P2": 30, "P3": 90}
# Severity -> (days to hold the meeting after the incident, counted in business days?)
DEFAULT_MEETING_DEADLINES: dict[str, tuple[int, bool]] = {
    "SEV-1": (3, False),
    "SEV-2": (5, True),
}
DEFAULT_PUBLISH_DAYS = 7


class PolicyError(ValueError):
    """A policy file that cannot be used; str() is one line for the user."""


@lru_cache(maxsize=256)  # an archive holds a handful of spellings, on every row
def normal_severity(text: str) -> str:
    """`sev1`, `SEV 1`, `Sev-1` and `1` all read as `SEV-1`; anything else as written."""
    raw = " ".join(str(text).split()).upper()
    match = re.fullmatch(r"(?:SEV)?[\s_-]*(\d)", raw)
    return f"SEV-{match.group(1)}" if match else raw


def add_business_days(start: date, days: int) -> date:
    """`days` working days (Monday to Friday) after `start`."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


@dataclass(frozen=True)
class Policy:
    due_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_DUE_DAYS))
    meeting_deadlines: dict[str, tuple[int, bool]] = field(
        default_factory=lambda: dict(DEFAULT_MEETING_DEADLINES)
    )
    publish_days: int = DEFAULT_PUBLISH_DAYS
    timezone: str = "UTC"  # the team's zone: what "today" and a meeting's date mean
    tags: tuple[str, ...] = ()  # the team's own tags, added to the default vocabulary

    @cached_property
    def _zone(self) -> tzinfo:
        return timeutil.zone(self.timezone)

    def local_date(self, when: datetime) -> date:
        return when.astimezone(self._zone).date()

    def today(self, now: datetime) -> date:
        return self.local_date(now)

    def meeting_date(self, pm: Postmortem) -> date:
        """The day the meeting was held (else created), in the team's zone."""
        return self.local_date(pm.meeting.held_at or pm.created_at)

    def policy_due(self, priority: Priority | str, held: date) -> date:
        return held + timedelta(days=self.due_days.get(str(priority), DEFAULT_DUE_DAYS["P2"]))

    def due(self, item: ActionItem, held: date) -> tuple[date, bool]:
        """The item's due date and whether it comes from the policy (none was set)."""
        if item.due is not None:
            return item.due, False
        return self.policy_due(item.priority, held), True

    def meeting_due(self, pm: Postmortem) -> date | None:
        """By when the meeting should be held, if its severity has a deadline."""
        return self.meeting_due_from(pm.severity, pm.incident_date())

    def meeting_due_from(self, severity: str, incident: datetime | None) -> date | None:
        rule = self.meeting_deadlines.get(normal_severity(severity))
        if rule is None or incident is None:
            return None
        days, business = rule
        start = self.local_date(incident)
        return add_business_days(start, days) if business else start + timedelta(days=days)

    def publish_due(self, pm: Postmortem) -> date | None:
        """By when the minutes should be published: a further week after the meeting."""
        return self.publish_due_from(pm.severity, pm.incident_date(), pm.meeting.held_at)

    def publish_due_from(
        self, severity: str, incident: datetime | None, held: datetime | None
    ) -> date | None:
        if held is not None:
            return self.local_date(held) + timedelta(days=self.publish_days)
        due = self.meeting_due_from(severity, incident)
        return due + timedelta(days=self.publish_days) if due else None


@dataclass(frozen=True)
class Deadline:
    what: str  # "meeting" or "publish"
    due: date
    days_left: int  # negative when past

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def describe(self) -> str:
        return f"{self.what} due {relative_day(self.days_left)}"


def relative_day(days_left: int) -> str:
    if days_left == 0:
        return "today"
    if days_left == 1:
        return "tomorrow"
    if days_left == -1:
        return "yesterday"
    return f"in {days_left} days" if days_left > 0 else f"{-days_left} days ago"


def deadline(policy: Policy, pm: Postmortem, today: date) -> Deadline | None:
    """The postmortem's next deadline not yet met (hold the meeting, then publish)."""
    return deadline_from(
        policy, pm.status, pm.severity, pm.incident_date(), pm.meeting.held_at, today
    )


def deadline_from(
    policy: Policy,
    status: Status,
    severity: str,
    incident: datetime | None,
    held: datetime | None,
    today: date,
) -> Deadline | None:
    """`deadline` from the facts it needs (a list's summaries hold them)."""
    if status is Status.PUBLISHED:
        return None
    if held is None:
        due = policy.meeting_due_from(severity, incident)
        if due is not None:
            return Deadline("meeting", due, (due - today).days)
    due = policy.publish_due_from(severity, incident, held)
    if due is None:
        return None
    return Deadline("publish", due, (due - today).days)


def from_data(data: Any, source: str = "policy") -> Policy:
    """A policy from the JSON of a policy file; missing keys keep their defaults."""
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: must be a JSON object")
    known = {"due_days", "meeting_deadlines", "publish_days", "timezone", "tags"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise PolicyError(
            f"{source}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})"
        )
    due_days = dict(DEFAULT_DUE_DAYS)
    raw = data.get("due_days", {})
    if not isinstance(raw, dict):
        raise PolicyError(f"{source}: due_days must map P0..P3 to days")
    for key, value in raw.items():
        if key not in DEFAULT_DUE_DAYS:
            raise PolicyError(f"{source}: due_days.{key}: priorities are P0, P1, P2, P3")
        due_days[key] = _days(value, f"{source}: due_days.{key}")
    deadlines = dict(DEFAULT_MEETING_DEADLINES)
    raw = data.get("meeting_deadlines", {})
    if not isinstance(raw, dict):
        raise PolicyError(f"{source}: meeting_deadlines must map severities to rules")
    for key, value in raw.items():
        where = f"{source}: meeting_deadlines.{key}"
        if value is None:
            deadlines.pop(normal_severity(key), None)
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            deadlines[normal_severity(key)] = (_days(value, where), False)
            continue
        if not isinstance(value, dict) or set(value) - {"days", "business_days"}:
            raise PolicyError(f'{where}: give {{"days": N}} or {{"business_days": N}}')
        business = "business_days" in value
        days = _days(value.get("business_days", value.get("days")), where)
        deadlines[normal_severity(key)] = (days, business)
    publish = _days(data.get("publish_days", DEFAULT_PUBLISH_DAYS), f"{source}: publish_days")
    tz_name = data.get("timezone", "UTC")
    if not isinstance(tz_name, str):
        raise PolicyError(f"{source}: timezone must be an IANA name such as Europe/Paris")
    try:
        tz_name = timeutil.zone(tz_name).key
    except timeutil.TimeError as error:
        raise PolicyError(f"{source}: timezone: {error}") from None
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        raise PolicyError(f"{source}: tags must be a list of names")
    own = tuple(dict.fromkeys(" ".join(t.lower().split()) for t in tags))
    return Policy(due_days, deadlines, publish, tz_name, own)


def _days(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3650:
        raise PolicyError(f"{where} must be a whole number of days (0 to 3650)")
    return value
