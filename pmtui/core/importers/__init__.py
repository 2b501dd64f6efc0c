"""Bringing an incident's raw material into the timeline: Slack channel exports,
PagerDuty incident logs, Statuspage incidents and plain timelines (CSV, Markdown).

Each source module turns already-parsed data (JSON values, table text) into a `Batch`
of `Entry` values; reading files, progress and the meeting's lock belong to the
application layer (`pmtui.service.importing`). `merge` decides which entries are new
to a timeline: an entry is already there when an event remembers its source id, or has
the same time and text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol, TypeVar

from pmtui.core.models import EventKind, TimelineEvent

MARKERS = (EventKind.START, EventKind.DETECTION, EventKind.MITIGATION, EventKind.RESOLUTION)


class _Timed(Protocol):
    @property
    def at(self) -> datetime: ...
    @property
    def text(self) -> str: ...
    @property
    def source(self) -> str: ...


T = TypeVar("T", bound=_Timed)


class ImportFormatError(ValueError):
    """Input that cannot be imported; str() is one line naming the file and the entry."""

    def __init__(self, problem: str, *, source: str = "", entry: str = "") -> None:
        self.problem = problem
        self.source = source
        self.entry = entry
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [p for p in (self.source, self.entry) if p]
        return ": ".join([*parts, self.problem])

    def at(self, source: str) -> ImportFormatError:
        """The same problem, said of `source` (a file inside an export, say)."""
        return ImportFormatError(self.problem, source=source, entry=self.entry)


@dataclass(frozen=True)
class Entry:
    """One thing that happened, ready to become a timeline event."""

    at: datetime  # UTC
    text: str
    source: str = ""  # e.g. "slack:C024BE91L:1485876567.000002"; "" when there is none
    author: str = ""
    kind: EventKind = EventKind.EVENT  # what the source says for sure (PagerDuty, Statuspage)
    suggested: EventKind | None = None  # a marker guessed from words, for a person to accept
    thread: bool = False  # a reply in a thread
    note: str = ""  # what else a picker may show (pinned, reactions)

    def event(self, kind: EventKind | None = None) -> TimelineEvent:
        return TimelineEvent(
            at=self.at, text=self.text, kind=self.kind if kind is None else kind, source=self.source
        )


@dataclass
class Batch:
    """What a source gave: entries in time order, the people in them, what was left out."""

    entries: list[Entry] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    title: str = ""  # a title for a new meeting (the channel, the incident)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def sort(self) -> None:
        self.entries.sort(key=lambda e: e.at)


def norm_text(text: str) -> str:
    return " ".join(text.split()).casefold()


def merge(existing: list[TimelineEvent], entries: list[T]) -> tuple[list[T], int]:
    """The entries not already in `existing` (nor twice in `entries`), and how many were.

    Already there: an event remembers the entry's source id, or has its time and text."""
    sources = {e.source for e in existing if e.source}
    seen = {(e.at, norm_text(e.text)) for e in existing}
    fresh = []
    for entry in entries:
        key = (entry.at, norm_text(entry.text))
        if (entry.source and entry.source in sources) or key in seen:
            continue
        if entry.source:
            sources.add(entry.source)
        seen.add(key)
        fresh.append(entry)
    return fresh, len(entries) - len(fresh)


# -- marker suggestions --------------------------------------------------------------------

_SUGGEST = (
    (
        EventKind.DETECTION,
        re.compile(
            r"\b(?:paged|page[ds]? (?:sent|fired)|triggered|alert(?:s|ing)? (?:fired|firing)|"
            r"firing|on-?call (?:was )?(?:paged|notified)|pagerduty|incident declared|"
            r"declar(?:e|ed|ing) (?:an |the )?incident)\b",
            re.IGNORECASE,
        ),
    ),
    (
        EventKind.MITIGATION,
        re.compile(
            r"\b(?:mitigat(?:ed|ion)|rolled back|roll(?:ing|ed)? ?back|reverted|failed over|"
            r"fail ?over|workaround|recovering|error rates? (?:is |are )?(?:back )?down|"
            r"monitoring)\b",
            re.IGNORECASE,
        ),
    ),
    (
        EventKind.RESOLUTION,
        re.compile(
            r"\b(?:resolved|all clear|fully recovered|back to normal|incident (?:is )?closed|"
            r"closing (?:the |this )?incident)\b",
            re.IGNORECASE,
        ),
    ),
)


def suggest_markers(entries: list[Entry], have: set[EventKind]) -> list[Entry]:
    """The entries with a marker suggested where their words say so: the first page
    (detection), the first "mitigated", "rolled back" (mitigation), the first "resolved",
    "all clear" (resolution), each once and only for a marker the timeline lacks."""
    out = list(entries)
    wanted = [(kind, pattern) for kind, pattern in _SUGGEST if kind not in have]
    for kind, pattern in wanted:
        for i, entry in enumerate(out):
            free = entry.kind is EventKind.EVENT and entry.suggested is None
            if free and pattern.search(entry.text):
                out[i] = _with_suggestion(entry, kind)
                break
    return out


def _with_suggestion(entry: Entry, kind: EventKind) -> Entry:
    return replace(entry, suggested=kind)


# -- small readers shared by the sources -----------------------------------------------------


def shown(value: Any) -> str:
    """A value as a message quotes it, shortened."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def kind_name(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false"}
    names |= {int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def items_of(value: Any) -> list[Any]:
    """A list a source holds; anything else (a hostile or broken file) is no items."""
    return value if isinstance(value, list) else []


def text_of(value: Any) -> str:
    """Text a source holds as a string; anything else is no text."""
    return value if isinstance(value, str) else ""


def clean(text: str) -> str:
    """One line of readable text: control characters out, runs of space squeezed."""
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
    return " ".join(text.split())
