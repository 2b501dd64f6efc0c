"""Search every text of a meeting: each hit with its place as the screen names it
("Chain 1, why 3") and a snippet around it. Pure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pmtui.core import whys
from pmtui.core.models import Postmortem

SNIPPET = 30  # characters of context either side of a hit


@dataclass(frozen=True)
class Hit:
    meeting_id: str
    meeting_title: str
    place: str
    text: str  # the whole text the hit is in
    start: int  # where the hit is in `text`
    end: int

    def snippet(self, width: int = SNIPPET) -> tuple[str, str, str]:
        """(before, hit, after): the hit with some context, ellipsed, on one line."""
        text = " ".join(self.text.split()) if "\n" in self.text else self.text
        start, end = self.start, self.end
        if text is not self.text:  # rare: recompute on the one-line form
            low = text.casefold()
            start = low.find(self.text[self.start : self.end].casefold())
            start = max(start, 0)
            end = start + (self.end - self.start)
        before = text[max(0, start - width) : start]
        after = text[end : end + width]
        before = ("…" if start > width else "") + before
        after = after + ("…" if end + width < len(text) else "")
        return before, text[start:end], after

    def as_dict(self) -> dict[str, Any]:
        before, hit, after = self.snippet()
        return {
            "meeting_id": self.meeting_id,
            "meeting_title": self.meeting_title,
            "place": self.place,
            "snippet": f"{before}{hit}{after}",
            "match": hit,
            "text": self.text,
        }


def texts(pm: Postmortem) -> Iterator[tuple[str, str]]:
    """Every text of the record with its place, in the order the meeting shows them."""
    yield "Title", pm.title
    for key, name in (
        ("incident_id", "Incident id"),
        ("summary", "Summary"),
        ("impact", "Impact"),
        ("trigger", "Trigger"),
        ("detection", "Detection"),
        ("resolution", "Resolution"),
    ):
        yield name, getattr(pm, key)
    for i, event in enumerate(pm.sorted_timeline(), 1):
        yield f"Timeline, event {i}", event.text
    for key, name in (
        ("went_right", "Went right"),
        ("went_wrong", "Went wrong"),
        ("got_lucky", "Got lucky"),
    ):
        for i, note in enumerate(getattr(pm, key), 1):
            yield f"{name}, note {i}", note.text
    for c, chain in enumerate(pm.whys, 1):
        yield f"Chain {c}, problem", chain.problem
        for row in whys.rows(chain):
            yield f"Chain {c}, why {row.level}", row.why.text
    for i, item in enumerate(pm.action_items, 1):
        yield f"Action item {i}", item.title
        if item.note:
            yield f"Action item {i}, note", item.note
    for tag in pm.tags:
        yield "Tags", tag


# The stage of the meeting that shows each place (by the place's first words).
_STAGES = (
    ("Timeline", "timeline"),
    ("Went right", "lessons"),
    ("Went wrong", "lessons"),
    ("Got lucky", "lessons"),
    ("Chain", "whys"),
    ("Action item", "actions"),
    ("Title", "setup"),
    ("Incident id", "setup"),
    ("Tags", "setup"),
)


def stage_of(place: str) -> str:
    """The key of the stage that shows `place` ("Chain 1, why 3" -> "whys"); the wrap-up
    for its fields (summary, impact, trigger, detection, resolution)."""
    return next((key for start, key in _STAGES if place.startswith(start)), "wrapup")


def search(pm: Postmortem, query: str) -> list[Hit]:
    """Every place `query` (case and spacing ignored) occurs in the meeting; one hit per
    text (its first occurrence)."""
    needle = " ".join(query.split()).casefold()
    if not needle:
        return []
    hits = []
    for place, text in texts(pm):
        if not text:
            continue
        found = text.casefold().find(needle)
        if found < 0 and "\n" in text:
            flat = " ".join(text.split())
            found = flat.casefold().find(needle)
            text = flat if found >= 0 else text
        if found >= 0:
            hits.append(Hit(pm.id, pm.title, place, text, found, found + len(needle)))
    return hits
