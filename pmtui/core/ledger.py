"""The action-item ledger: every open item of every meeting, with its due date (set, or
by policy) and how overdue it is. Pure: rows from Postmortem values and a `today`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pmtui.core.models import ActionItem, ActionStatus, Postmortem
from pmtui.core.policy import Policy, normal_severity

_OPEN = ActionStatus.OPEN.value


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made
# a row five times dearer to build (5.9 against 0.7 us), and `actions` builds a row for
# every open item of the archive. Nothing changes a row once it is made.
@dataclass(slots=True)
class LedgerRow:
    id: str
    meeting_id: str
    meeting_title: str
    title: str
    owner: str
    due: date
    due_by_policy: bool
    priority: str
    status: str
    days_overdue: int  # 0 when not overdue (or closed)
    severity: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    ticket: str = ""

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "meeting_id": self.meeting_id,
            "meeting_title": self.meeting_title,
            "title": self.title,
            "owner": self.owner,
            "due": self.due.isoformat(),
            "due_by_policy": self.due_by_policy,
            "priority": self.priority,
            "status": self.status,
            "days_overdue": self.days_overdue,
        }


@dataclass(frozen=True)
class Filters:
    overdue: bool = False
    owner: str = ""
    tag: str = ""
    severity: str = ""
    meeting_id: str = ""
    include_closed: bool = False

    def wants_meeting(self, pm: Postmortem) -> bool:
        if self.meeting_id and pm.id != self.meeting_id:
            return False
        if self.severity and normal_severity(pm.severity) != normal_severity(self.severity):
            return False
        return not self.tag or self.tag.lower() in meeting_tags(pm)

    def wants(self, row: LedgerRow) -> bool:
        if not self.include_closed and row.status != ActionStatus.OPEN.value:
            return False
        if self.overdue and not row.overdue:
            return False
        return not self.owner or self.owner.casefold() in row.owner.casefold()


def meeting_tags(pm: Postmortem) -> list[str]:
    """The meeting's tags and its whys' tags, each once."""
    from pmtui.core import whys

    found = list(pm.tags)
    for _, row in whys.walk(pm):
        found.extend(row.why.tags)
    return list(dict.fromkeys(found))


def row_for(pm: Postmortem, item: ActionItem, policy: Policy, today: date) -> LedgerRow:
    due, by_policy = policy.due(item, policy.meeting_date(pm))
    late = (today - due).days if item.status is ActionStatus.OPEN else 0
    return LedgerRow(
        id=item.id,
        meeting_id=pm.id,
        meeting_title=pm.title,
        title=item.title,
        owner=item.owner,
        due=due,
        due_by_policy=by_policy,
        priority=item.priority.value,
        status=item.status.value,
        days_overdue=max(0, late),
        severity=pm.severity,
        tags=tuple(meeting_tags(pm)),
        ticket=item.ticket,
    )


def rows(
    meetings: Iterable[Postmortem], policy: Policy, today: date, filters: Filters | None = None
) -> list[LedgerRow]:
    """The ledger's rows, most overdue first, then by due date and priority."""
    wanted = filters or Filters()
    out = []
    for pm in meetings:
        if not wanted.wants_meeting(pm):
            continue
        for item in pm.action_items:
            row = row_for(pm, item, policy, today)
            if wanted.wants(row):
                out.append(row)
    return sort_rows(out)


def sort_rows(found: list[LedgerRow]) -> list[LedgerRow]:
    is_open = ActionStatus.OPEN.value
    return sorted(
        found,
        key=lambda r: (r.status != is_open, -r.days_overdue, r.due, r.priority, r.title, r.id),
    )


def open_ids(summary: dict[str, Any]) -> list[str]:
    """The ids of a meeting's open items, from its list summary."""
    raw = summary.get("open_due") or ""
    return [entry.split(" ", 1)[0] for entry in raw.split(";")] if raw else []


def summary_overdue(summary: dict[str, Any], policy: Policy, today: date) -> list[str]:
    """The priorities of a meeting's overdue open items, from its list summary alone
    (`open_due`: "<id> P1 2026-12-01;<id> P2 -"), so the ledger reads only the meetings
    that matter; "?" when the summary cannot tell (read the meeting)."""
    raw = summary.get("open_due") or ""
    held_raw = summary.get("held_at")
    late = []
    for entry in raw.split(";") if raw else []:
        _, _, pair = entry.partition(" ")
        priority, _, due_text = pair.partition(" ")
        try:
            due = date.fromisoformat(due_text) if due_text and due_text != "-" else None
        except ValueError:
            return ["?"]  # unreadable: let the caller read the meeting itself
        if due is None:
            if not held_raw:
                return ["?"]
            due = policy.policy_due(priority, _held_day(held_raw, policy))
        if due < today:
            late.append(priority)
    return late


def _held_day(raw: str, policy: Policy) -> date:
    from datetime import datetime

    return policy.local_date(datetime.fromisoformat(raw.replace("Z", "+00:00")))


def find_item(pm: Postmortem, prefix: str) -> ActionItem | None:
    return next((a for a in pm.action_items if a.id.startswith(prefix)), None)


@dataclass(frozen=True)
class Change:
    """A change to one action item from outside its meeting (the ledger, a follow-up)."""

    kind: str  # "done", "wontdo", "due", "assign", "reopen"
    due: date | None = None
    owner: str = ""
    why: str = ""

    def describe(self) -> str:
        if self.kind == "due":
            return f"due {self.due.isoformat() if self.due else 'by policy'}"
        if self.kind == "assign":
            return f"owner {self.owner}"
        if self.kind == "wontdo":
            return "won't do" + (f" ({self.why})" if self.why else "")
        return self.kind


def apply(item: ActionItem, change: Change, today: date) -> None:
    """Make the change to `item` in place; ValueError for one that makes no sense."""
    if change.kind == "done":
        item.status, item.closed_on = ActionStatus.DONE, today
    elif change.kind == "wontdo":
        if not change.why.strip():
            raise ValueError("say why it will not be done (--why TEXT)")
        item.status, item.closed_on, item.note = ActionStatus.WONT_DO, today, change.why.strip()
    elif change.kind == "reopen":
        item.status, item.closed_on = ActionStatus.OPEN, None
    elif change.kind == "due":
        item.due = change.due
    elif change.kind == "assign":
        if not change.owner.strip():
            raise ValueError("name the new owner")
        item.owner = change.owner.strip()
    else:
        raise ValueError(f"unknown change {change.kind!r}")


def summary_rows(
    summary: dict[str, Any],
    policy: Policy,
    today: date,
    *,
    items: Any = None,
    overdue_only: bool = False,
) -> list[LedgerRow] | None:
    """A meeting's open items as ledger rows, from its list summary alone (`open_items`,
    or `items` when the caller parsed it already); only the overdue ones with
    `overdue_only`. None when the summary cannot tell (read the meeting)."""
    from datetime import datetime

    raw = summary.get("open_items")
    when = summary.get("held_at") or summary.get("created_at")
    if not isinstance(raw, str) or not isinstance(when, str):
        return None
    try:
        if items is None:
            items = json.loads(raw)
        held = None  # the meeting's day: needed only for an item with no due date
        tags = tuple(t for t in str(summary.get("tags") or "").split(";") if t)
        meeting_id = summary["id"]
        meeting_title = str(summary.get("title", ""))
        severity = str(summary.get("severity", ""))
        out = []
        for item_id, priority, due_text, owner, title in items:
            if item_id == "-":
                return None
            if due_text:
                due_on = date.fromisoformat(due_text)
            else:
                if held is None:
                    held = policy.local_date(datetime.fromisoformat(when.replace("Z", "+00:00")))
                due_on = policy.policy_due(priority, held)
            late = (today - due_on).days
            if overdue_only and late <= 0:
                continue
            # Positional, in the order of the fields: 10,000 rows are made at a time.
            out.append(
                LedgerRow(
                    item_id,
                    meeting_id,
                    meeting_title,
                    title,
                    owner,
                    due_on,
                    not due_text,
                    priority,
                    _OPEN,
                    late if late > 0 else 0,
                    severity,
                    tags,
                )
            )
    except (ValueError, TypeError):
        return None
    return out


def rows_from_summaries(
    summaries: list[dict[str, Any]], policy: Policy, today: date, *, overdue_only: bool = False
) -> tuple[list[LedgerRow], list[dict[str, Any]]]:
    """`summary_rows` of many meetings, their `open_items` parsed in one go (one parse
    of all of them is several times faster than one each); and the summaries that
    cannot tell (read those meetings)."""
    texts = [s.get("open_items") for s in summaries]
    parsed: list[Any] = [None] * len(texts)
    if all(isinstance(text, str) for text in texts):
        try:
            together = json.loads("[" + ",".join(texts) + "]")
        except ValueError:
            together = None
        # A text holding a comma-joined pair would shift the rest: then each alone.
        if isinstance(together, list) and len(together) == len(texts):
            parsed = together
    rows: list[LedgerRow] = []
    unknown = []
    for summary, items in zip(summaries, parsed, strict=True):
        found = summary_rows(summary, policy, today, items=items, overdue_only=overdue_only)
        if found is None:
            unknown.append(summary)
        else:
            rows += found
    return rows, unknown
