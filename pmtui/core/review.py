"""The review workflow: draft → in review → published, each move recorded with who and
when. Reopening a published postmortem is a move too, and says so."""

from __future__ import annotations

from datetime import datetime

from pmtui.core.models import Postmortem, Status, StatusChange

NAMES = {
    "draft": Status.DRAFT,
    "in-review": Status.IN_REVIEW,
    "in review": Status.IN_REVIEW,
    "review": Status.IN_REVIEW,
    "published": Status.PUBLISHED,
    "publish": Status.PUBLISHED,
}


def parse_status(text: str) -> Status:
    status = NAMES.get(" ".join(text.lower().split()))
    if status is None:
        raise ValueError(f"{text!r} is not a status (draft, in-review, published)")
    return status


def move(pm: Postmortem, to: Status, by: str, now: datetime) -> StatusChange:
    """Move the postmortem to `to`, recorded in its history; ValueError if it is there."""
    by = " ".join(by.split())
    if not by:
        raise ValueError("say who moves it (--by NAME)")
    if pm.status is to:
        raise ValueError(f"it is {to.value} already")
    note = "reopened" if pm.status is Status.PUBLISHED else ""
    change = StatusChange(to, by, now, note)
    pm.history.append(change)
    pm.status = to
    return change


def move_record(before: Status, to: Status, by: str, now: datetime) -> StatusChange:
    """The history entry for a move from `before` to `to`."""
    return StatusChange(to, by, now, "reopened" if before is Status.PUBLISHED else "")


def describe(change: StatusChange, tz_label: str = "UTC") -> str:
    what = (
        "reopened as " + change.status.value if change.note == "reopened" else change.status.value
    )
    return f"{change.at:%Y-%m-%d %H:%M} {tz_label}  {what} by {change.by}"
