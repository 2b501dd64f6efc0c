"""A Statuspage incident's updates as timeline entries.

The input is the JSON of one incident (an item of `incidents.json`, or the API's
`{"incident": {...}}`), with its `incident_updates`: `status`, `body`, `display_at`
(else `created_at`). Each update becomes an event; its status gives the kind: the first
"investigating" is detection, "identified" an event, the first "monitoring" mitigation,
"resolved" resolution (where the timeline has no such marker yet).
"""

from __future__ import annotations

import html
from typing import Any

from pmtui.core import timeutil
from pmtui.core.importers import Batch, Entry, ImportFormatError, clean, kind_name, shown, text_of
from pmtui.core.models import EventKind

STATUS_KINDS = {
    "investigating": EventKind.DETECTION,
    "identified": EventKind.EVENT,
    "monitoring": EventKind.MITIGATION,
    "resolved": EventKind.RESOLUTION,
    "postmortem": EventKind.EVENT,
    "update": EventKind.EVENT,
}


def read_incident(data: Any, *, have: set[EventKind], source: str = "") -> Batch:
    incident = data.get("incident", data) if isinstance(data, dict) else data
    if isinstance(incident, list) and len(incident) == 1:
        incident = incident[0]
    if not isinstance(incident, dict) or not isinstance(incident.get("incident_updates"), list):
        raise ImportFormatError(
            'is not a Statuspage incident (expected one incident with "incident_updates")',
            source=source,
        )
    batch = Batch(title=clean(text_of(incident.get("name"))))
    marked = set(have)
    rows = []
    for i, raw in enumerate(incident["incident_updates"]):
        where = f"incident_updates[{i}]"
        if not isinstance(raw, dict):
            raise ImportFormatError(
                f"must be an object, not {kind_name(raw)}", source=source, entry=where
            )
        when = raw.get("display_at") or raw.get("created_at")
        try:
            at = timeutil.parse_iso(when, timeutil.zone("UTC"))
        except timeutil.TimeError:
            raise ImportFormatError(
                f"display_at {shown(when)} is not a time", source=source, entry=where
            ) from None
        status = text_of(raw.get("status")).strip().lower()
        body = clean(html.unescape(text_of(raw.get("body"))))
        if not body:
            batch.skip("updates without text")
            continue
        update_id = text_of(raw.get("id")) or f"{status}@{when}"
        rows.append((at, i, status, body, update_id))
    rows.sort(key=lambda r: (r[0], r[1]))
    for at, _, status, body, update_id in rows:
        kind = STATUS_KINDS.get(status, EventKind.EVENT)
        if kind is not EventKind.EVENT:
            if kind in marked:
                kind = EventKind.EVENT
            else:
                marked.add(kind)
        label = status.capitalize() if status else "Update"
        batch.entries.append(
            Entry(
                at=at,
                text=f"Status page ({label}): {body}",
                source=f"statuspage:{update_id}",
                kind=kind,
            )
        )
    return batch
