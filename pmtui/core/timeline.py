"""What the timeline's markers say: warnings about them, and the metrics in human form."""

from __future__ import annotations

from datetime import tzinfo

from pmtui.core import metrics
from pmtui.core.models import EventKind, Postmortem, TimelineEvent
from pmtui.core.timeutil import human_duration

MARKERS = (EventKind.START, EventKind.DETECTION, EventKind.MITIGATION, EventKind.RESOLUTION)
# (earlier, later): the later marker is expected at or after the earlier one.
_ORDER = (
    (EventKind.START, EventKind.DETECTION),
    (EventKind.DETECTION, EventKind.MITIGATION),
    (EventKind.MITIGATION, EventKind.RESOLUTION),
    (EventKind.START, EventKind.RESOLUTION),
)


def marker_warnings(pm: Postmortem) -> list[str]:
    """Missing or out-of-order markers. Warnings only: nothing is ever blocked."""
    if not pm.timeline:
        return []
    missing = [kind.value for kind in MARKERS if pm.first_marker(kind) is None]
    warnings = []
    if missing:
        warnings.append(
            f"No {', '.join(missing)} marker{'s' if len(missing) > 1 else ''}: "
            "the metrics that need them show n/a"
        )
    starts = sum(1 for e in pm.timeline if e.kind is EventKind.START)
    if starts > 1:
        warnings.append(f"{starts} start markers: metrics count from the first")
    for earlier, later in _ORDER:
        a, b = pm.first_marker(earlier), pm.first_marker(later)
        if a is not None and b is not None and b.at < a.at:
            warnings.append(f"The {later.value} marker is before the {earlier.value} marker")
    return warnings


def impact_duration_s(pm: Postmortem) -> int | None:
    """Start of impact to resolution, in seconds."""
    return metrics.compute(pm).time_to_resolve_s


def metric_lines(pm: Postmortem) -> list[tuple[str, str]]:
    m = metrics.compute(pm)
    return [
        ("Time to detect", human_duration(m.time_to_detect_s)),
        ("Time to mitigate", human_duration(m.time_to_mitigate_s)),
        ("Time to resolve", human_duration(m.time_to_resolve_s)),
        ("Impact duration", human_duration(impact_duration_s(pm))),
    ]


def date_changes(events: list[TimelineEvent], tz: tzinfo) -> list[bool]:
    """For events in time order: whether each one's date (UTC or local) differs from the last.

    A table shows the date only where it changes.
    """
    shown = []
    previous: tuple[object, object] | None = None
    for event in events:
        day = (event.at.date(), event.at.astimezone(tz).date())
        shown.append(day != previous)
        previous = day
    return shown
