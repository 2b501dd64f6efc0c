"""Incident metrics derived from the timeline's markers."""

from __future__ import annotations

from dataclasses import dataclass

from pmtui.core.models import EventKind, Postmortem


@dataclass(frozen=True)
class Metrics:
    """Seconds from impact start to each first marker; None where a marker is missing."""

    time_to_detect_s: int | None
    time_to_mitigate_s: int | None
    time_to_resolve_s: int | None

    def as_dict(self) -> dict[str, int | None]:
        return {
            "time_to_detect_s": self.time_to_detect_s,
            "time_to_mitigate_s": self.time_to_mitigate_s,
            "time_to_resolve_s": self.time_to_resolve_s,
        }


def compute(pm: Postmortem) -> Metrics:
    start = pm.first_marker(EventKind.START)

    def since_start(kind: EventKind) -> int | None:
        marker = pm.first_marker(kind)
        if start is None or marker is None:
            return None
        return int((marker.at - start.at).total_seconds())

    return Metrics(
        time_to_detect_s=since_start(EventKind.DETECTION),
        time_to_mitigate_s=since_start(EventKind.MITIGATION),
        time_to_resolve_s=since_start(EventKind.RESOLUTION),
    )
