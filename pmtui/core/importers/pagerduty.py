"""A PagerDuty incident's log entries as timeline entries.

The input is the JSON of the incident's `log_entries` (the API's answer, `{"log_entries":
[...]}`, or the bare list). The trigger is the start of impact unless the timeline already
has a start marker, the first acknowledgement is detection, the resolve is resolution;
notes (`annotate_log_entry`), escalations, assignments and re-triggers become events.
Notifications and other bookkeeping are counted and left out.
"""

from __future__ import annotations

from typing import Any

from pmtui.core import timeutil
from pmtui.core.importers import (
    Batch,
    Entry,
    ImportFormatError,
    clean,
    items_of,
    kind_name,
    shown,
    text_of,
)
from pmtui.core.models import EventKind

_EVENTS = {
    "trigger_log_entry": "Triggered",
    "acknowledge_log_entry": "Acknowledged",
    "resolve_log_entry": "Resolved",
    "annotate_log_entry": "Note",
    "escalate_log_entry": "Escalated",
    "assign_log_entry": "Assigned",
    "reassign_log_entry": "Reassigned",
    "unacknowledge_log_entry": "Unacknowledged",
    "snooze_log_entry": "Snoozed",
    "urgency_change_log_entry": "Urgency changed",
    "priority_change_log_entry": "Priority changed",
    "responder_request_log_entry": "Responders requested",
    "responder_accept_log_entry": "Responder joined",
}


def read_log(data: Any, *, have: set[EventKind], source: str = "") -> Batch:
    """Entries from a log; `have` holds the markers the timeline already has."""
    entries = data.get("log_entries") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ImportFormatError(
            'is not a PagerDuty incident log (expected "log_entries": a list)', source=source
        )
    batch = Batch()
    people: dict[str, None] = {}
    marked = set(have)
    parsed = []
    for i, raw in enumerate(entries):
        where = f"log_entries[{i}]"
        if not isinstance(raw, dict):
            raise ImportFormatError(
                f"must be an object, not {kind_name(raw)}", source=source, entry=where
            )
        kind_of = text_of(raw.get("type"))
        if not kind_of:
            raise ImportFormatError("has no type", source=source, entry=where)
        label = _EVENTS.get(kind_of)
        if label is None:
            batch.skip("notifications and other log entries")
            continue
        created = raw.get("created_at")
        try:
            at = timeutil.parse_iso(created, timeutil.zone("UTC"))
        except timeutil.TimeError:
            raise ImportFormatError(
                f"created_at {shown(created)} is not a time", source=source, entry=where
            ) from None
        entry_id = text_of(raw.get("id")) or f"{kind_of}@{created}"
        parsed.append((at, i, raw, kind_of, label, entry_id))
        incident = raw.get("incident")
        if not batch.title and isinstance(incident, dict):
            batch.title = clean(text_of(incident.get("summary")))
    parsed.sort(key=lambda p: (p[0], p[1]))
    for at, _, raw, kind_of, label, entry_id in parsed:
        agent = _name(raw.get("agent"))
        if agent and _is_person(raw.get("agent")):
            people[agent] = None
        kind = EventKind.EVENT
        wanted = {
            "trigger_log_entry": EventKind.START,
            "acknowledge_log_entry": EventKind.DETECTION,
            "resolve_log_entry": EventKind.RESOLUTION,
        }.get(kind_of)
        if wanted is not None and wanted not in marked:
            kind = wanted
            marked.add(wanted)
        text = _text(raw, kind_of, label, agent)
        batch.entries.append(
            Entry(at=at, text=text, source=f"pagerduty:{entry_id}", author=agent, kind=kind)
        )
    batch.participants = list(people)
    return batch


def _name(agent: Any) -> str:
    if not isinstance(agent, dict):
        return ""
    return clean(text_of(agent.get("summary")) or text_of(agent.get("name")))


def _is_person(agent: Any) -> bool:
    return isinstance(agent, dict) and text_of(agent.get("type")) in ("user_reference", "user")


def _text(raw: dict[str, Any], kind_of: str, label: str, agent: str) -> str:
    channel = raw.get("channel") if isinstance(raw.get("channel"), dict) else {}
    if kind_of == "annotate_log_entry":
        content = clean(text_of(channel.get("content")) or text_of(channel.get("summary")))
        who = f" by {agent}" if agent else ""
        return f"PagerDuty note{who}: {content or clean(text_of(raw.get('summary')))}"
    summary = clean(text_of(raw.get("summary")))
    if not summary:
        targets = [_name(t) for t in items_of(raw.get("assignees") or raw.get("escalated_to"))]
        summary = f"{label}" + (f" to {', '.join(t for t in targets if t)}" if any(targets) else "")
        if agent:
            summary += f" by {agent}"
    return f"PagerDuty: {summary}"
