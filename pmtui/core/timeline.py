"""Timeline rules: what the markers say (warnings, metrics in human form) and event order."""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, tzinfo
from itertools import pairwise

from pmtui.core import metrics
from pmtui.core.models import EventKind, Postmortem, TimelineEvent
from pmtui.core.timeutil import human_duration, zone

# The markers in the order an incident passes them.
MARKERS = (EventKind.START, EventKind.DETECTION, EventKind.MITIGATION, EventKind.RESOLUTION)

_MISSING = {
    EventKind.START: "No start marker: no metric can be computed (they count from the start)",
    EventKind.DETECTION: "No detection marker: time to detect cannot be computed",
    EventKind.MITIGATION: "No mitigation marker: time to mitigate cannot be computed",
    EventKind.RESOLUTION: (
        "No resolution marker: time to resolve and impact duration cannot be computed"
    ),
}


def marker_warnings(pm: Postmortem) -> list[str]:
    """What is wrong with the markers: missing, out of order, or more than one start.

    Warnings only; nothing is blocked. Order is judged on each kind's first marker, the
    one the metrics use.
    """
    first = {kind: pm.first_marker(kind) for kind in MARKERS}
    warnings = [_MISSING[kind] for kind in MARKERS if first[kind] is None]
    starts = sum(1 for event in pm.timeline if event.kind is EventKind.START)
    if starts > 1:
        warnings.append(f"{starts} start markers: the metrics count from the earliest")
    for i, kind in enumerate(MARKERS[1:], start=1):
        marker = first[kind]
        if marker is None:
            continue
        after = [
            earlier.value
            for earlier in MARKERS[:i]
            if (other := first[earlier]) is not None and marker.at < other.at
        ]
        if after:
            plural = "s" if len(after) > 1 else ""
            warnings.append(f"The {kind.value} marker is before the {_and(after)} marker{plural}")
    return warnings


def impact_duration_s(pm: Postmortem) -> int | None:
    """Seconds from the start of impact to its resolution; None without both markers."""
    start = pm.first_marker(EventKind.START)
    end = pm.first_marker(EventKind.RESOLUTION)
    if start is None or end is None:
        return None
    return int((end.at - start.at).total_seconds())


def metric_lines(pm: Postmortem) -> list[tuple[str, str]]:
    """The metrics as (label, value) for people: ("Time to detect", "3 min"); "n/a" if unknown."""
    m = metrics.compute(pm)
    return [
        ("Time to detect", human_duration(m.time_to_detect_s)),
        ("Time to mitigate", human_duration(m.time_to_mitigate_s)),
        ("Time to resolve", human_duration(m.time_to_resolve_s)),
        ("Impact duration", human_duration(impact_duration_s(pm))),
    ]


def insert_event(pm: Postmortem, event: TimelineEvent) -> int:
    """Put an event in the timeline in time order, after any events at the same time.

    The timeline is replaced by a new list (a snapshot of the old one stays intact) and is
    sorted first if it was not. Returns the event's index.
    """
    events = pm.timeline
    if any(b.at < a.at for a, b in pairwise(events)):
        events = sorted(events, key=lambda e: e.at)
    index = bisect_right(events, event.at, key=lambda e: e.at)
    pm.timeline = [*events[:index], event, *events[index:]]
    return index


def date_changes(events: list[TimelineEvent], tz: str | tzinfo) -> list[bool]:
    """For events in time order: whether each is on another day than the event before it.

    The day is the local one in `tz`; where the zone is not UTC a change of the UTC date
    counts too, since a row shows the UTC time first. The first event always counts, so
    a table can show the date only where it changes.
    """
    zone_info = zone(tz) if isinstance(tz, str) else tz
    changes = []
    last: tuple[object, object] | None = None
    for event in events:
        day = (event.at.astimezone(zone_info).date(), event.at.astimezone(UTC).date())
        changes.append(day != last)
        last = day
    return changes


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
