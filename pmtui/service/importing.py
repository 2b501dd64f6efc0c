"""Importing an incident's raw material into a meeting: a Slack export's channel, a
PagerDuty incident log, a Statuspage incident, a plain timeline (CSV or Markdown).

`read_source` reads the files (nothing extracted, sizes checked first) and hands the
parsed data to the core's importers (`pmtui.core.importers`); `into_new` stores the result
as a new meeting, `into_meeting` merges it into a stored one through the meeting's lock,
as one undo step. Nothing is written until everything has been read: Ctrl+C or a bad
entry leaves the archive as it was. Every problem a user can cause is an `ImportProblem`
with one line naming the file and the entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pmtui.core import timeutil
from pmtui.core.clock import SystemClock
from pmtui.core.importers import (
    Batch,
    Entry,
    ImportFormatError,
    merge,
    pagerduty,
    plaintable,
    slack,
    statuspage,
    suggest_markers,
)
from pmtui.core.models import EventKind, Participant, Postmortem, TimelineEvent
from pmtui.core.timeparse import parse_event_time
from pmtui.service import exportfiles
from pmtui.service.errors import ArchiveError
from pmtui.service.exportfiles import ExportTree, parse_json, read_text

if TYPE_CHECKING:
    from pmtui.service.archive import Archive

Kind = Literal["slack", "pagerduty", "statuspage", "table"]
# Called with what is being read, how much of it is done, and the whole (0: unknown).
Progress = Callable[[str, int, int], None]


class ImportProblem(ArchiveError):
    """Input that cannot be imported; str() is the one line the user sees."""


@dataclass(frozen=True)
class Source:
    """What to import and how."""

    kind: Kind
    path: Path
    channel: str = ""  # Slack
    since: str = ""  # Slack: times as typed, in the meeting's zone
    until: str = ""
    only: str = ""  # Slack: "", "pinned", "reacted:EMOJI"
    include_system: bool = False  # Slack: joins, leaves, topic changes
    include_bots: bool = False  # Slack
    day: str = ""  # plain timelines: the date of rows before the first with a date
    markers: bool = False  # suggest markers from the words of the messages


@dataclass
class Outcome:
    meeting_id: str
    added: int
    known: int  # already in the meeting
    batch: Batch
    participants_added: int = 0
    suggestions: list[Entry] = field(default_factory=list)


def detect(path: Path) -> Kind:
    """Which source a file is, from its name and first bytes (for a picker given a path)."""
    if path.is_dir() or path.suffix.lower() == ".zip":
        return "slack"
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".md", ".markdown", ".txt"):
        return "table"
    try:
        data = parse_json(read_text(path), str(path))
    except ImportFormatError as error:
        raise ImportProblem(str(error)) from None
    if isinstance(data, dict) and ("incident_updates" in data or "incident" in data):
        return "statuspage"
    if (
        isinstance(data, list)
        and data
        and isinstance(data[0], dict)
        and "incident_updates" in data[0]
    ):
        return "statuspage"
    return "pagerduty"


def window(text: str, tz_name: str, what: str) -> datetime | None:
    """A `--since` / `--until` time as typed (`2017-01-31 23:00`, ISO-8601), or None."""
    if not text.strip():
        return None
    try:
        return parse_event_time(text, tz=tz_name, previous=None, now=datetime.now(UTC)).at
    except timeutil.TimeError as error:
        raise ImportProblem(f"{what}: {error}") from None


def read_source(
    source: Source,
    *,
    tz_name: str = "UTC",
    have: frozenset[EventKind] = frozenset(),
    default_day: date | None = None,
    progress: Progress | None = None,
) -> Batch:
    """Read a source into a batch of entries (in time order), or raise ImportProblem."""
    path = Path(source.path).expanduser()
    try:
        tz = timeutil.zone(tz_name)
        if source.kind == "slack":
            batch = _slack(path, source, tz_name, progress)
        elif source.kind == "pagerduty":
            batch = pagerduty.read_log(
                parse_json(read_text(path), str(path)), have=set(have), source=str(path)
            )
        elif source.kind == "statuspage":
            batch = statuspage.read_incident(
                parse_json(read_text(path), str(path)), have=set(have), source=str(path)
            )
        else:
            day = _day(source.day) or default_day
            text = read_text(path)
            markdown = path.suffix.lower() in (".md", ".markdown") or text.lstrip().startswith("|")
            reader = plaintable.read_markdown if markdown else plaintable.read_csv
            batch = reader(text, tz=tz, day=day, source=str(path))
    except ImportFormatError as error:
        raise ImportProblem(str(error)) from None
    except timeutil.TimeError as error:
        raise ImportProblem(str(error)) from None
    if source.markers:
        batch.entries = suggest_markers(batch.entries, set(have))
    return batch


def _day(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ImportProblem(f"--date: {timeutil.quoted(text)} is not a date (YYYY-MM-DD)") from None


def _slack(path: Path, source: Source, tz_name: str, progress: Progress | None) -> Batch:
    if not source.channel.strip():
        raise ImportFormatError("which channel? (give --channel NAME)", source=str(path))
    try:
        only = slack.parse_only(source.only)
    except ValueError as error:
        raise ImportProblem(f"--only: {error}") from None
    options = slack.Options(
        since=window(source.since, tz_name, "--since"),
        until=window(source.until, tz_name, "--until"),
        only=only,
        include_system=source.include_system,
        include_bots=source.include_bots,
    )
    tree = ExportTree(path)
    try:
        if not tree.has("channels.json") and not tree.has("users.json"):
            raise ImportFormatError(
                "is not a Slack export (no users.json or channels.json)", source=str(path)
            )
        channels: list[slack.Channel] = []
        for listing in ("channels.json", "groups.json"):
            if tree.has(listing):
                channels += slack.read_channels(tree.json(listing), tree.where(listing))
        if not channels:
            # Some exports have no listing: a folder per channel is enough.
            folders = {n.split("/", 1)[0] for n in tree.names() if "/" in n}
            channels = [slack.Channel("", name) for name in sorted(folders)]
        channel = slack.find_channel(channels, source.channel, str(path))
        days = tree.folder(channel.name)
        if not days:
            raise ImportFormatError(
                f"channel #{channel.name} has no messages in the export", source=str(path)
            )
        users = {}
        if tree.has("users.json"):
            users = slack.read_users(tree.json("users.json"), tree.where("users.json"))
        days = _in_window(days, options)
        # Refused before anything of the channel is read (declared sizes, not reads).
        if tree.read_so_far + tree.total(days) > exportfiles.MAX_READ_BYTES:
            raise ImportFormatError(
                f"#{channel.name} is over {exportfiles.MAX_READ_BYTES // exportfiles.MB} MB "
                "to read; narrow it with --since and --until",
                source=str(path),
            )
        total = len(days)
        if progress is not None:
            progress(f"#{channel.name}", 0, total)

        def parsed():
            for name in days:
                yield tree.where(name), tree.json(name)

        def step(done: int) -> None:
            if progress is not None:
                progress(f"#{channel.name}", done, total)

        return slack.read_messages(
            parsed(),
            channel=channel,
            users=users,
            channels=channels,
            options=options,
            progress=step,
        )
    finally:
        tree.close()


def _in_window(days: list[str], options: slack.Options) -> list[str]:
    """Day files that can hold messages of the window (a day either side for zones)."""

    def day_of(name: str) -> date | None:
        try:
            return date.fromisoformat(Path(name).stem)
        except ValueError:
            return None

    out = []
    for name in days:
        day = day_of(name)
        if day is not None:
            if options.since and (options.since.date() - day).days > 1:
                continue
            if options.until and (day - options.until.date()).days > 1:
                continue
        out.append(name)
    return out


def events_of(entries: list[Entry]) -> list[TimelineEvent]:
    """Timeline events for entries, each with its source id."""
    return [entry.event() for entry in entries]


def accept_suggestions(entries: list[Entry]) -> list[Entry]:
    """The entries with their suggested markers taken as their kinds."""
    return [replace(e, kind=e.suggested) if e.suggested else e for e in entries]


def into_new(
    archive: Archive,
    source: Source,
    *,
    title: str = "",
    tz_name: str = "UTC",
    accept: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """A new meeting holding what the source gave."""
    try:
        timeutil.zone(tz_name)
    except timeutil.TimeError as error:
        raise ImportProblem(f"--timezone: {error}") from None
    batch = read_source(source, tz_name=tz_name, progress=progress)
    if not batch.entries:
        raise ImportProblem(f"{source.path}: nothing to import ({_skipped(batch) or 'no entries'})")
    entries = accept_suggestions(batch.entries) if accept else batch.entries
    pm = Postmortem(
        title=title.strip() or batch.title or f"Imported from {Path(source.path).name}",
        timezone=tz_name,
    )
    fresh, known = merge([], events_of(entries))  # an export can repeat itself
    pm.timeline = fresh
    pm.participants = [Participant(name=n) for n in _unique(batch.participants)]
    meeting_id = archive.add(pm)
    people = len(pm.participants)
    return Outcome(meeting_id, len(fresh), known, batch, people, _suggested(batch.entries))


def into_meeting(
    archive: Archive,
    meeting_id: str,
    source: Source,
    *,
    accept: bool = False,
    progress: Progress | None = None,
) -> Outcome:
    """Merge what the source gave into a stored meeting, through its lock: refused while
    another pmtui has it open (import from that screen instead)."""
    pm = archive.load(meeting_id)
    have = frozenset(e.kind for e in pm.timeline if e.kind is not EventKind.EVENT)
    start = pm.incident_date()
    tz = timeutil.zone(pm.timezone)
    default_day = start.astimezone(tz).date() if start else None
    batch = read_source(
        source, tz_name=pm.timezone, have=have, default_day=default_day, progress=progress
    )
    entries = accept_suggestions(batch.entries) if accept else batch.entries
    session = archive.open_session(meeting_id, SystemClock())
    try:
        if session.read_only:
            raise ImportProblem(
                f"meeting {meeting_id[:8]} is open elsewhere ({session.lock_message}); "
                "import from its screen, or close it first"
            )
        before = len(session.live.pm.participants)
        added, known = session.live.add_imported(events_of(entries), batch.participants)
        people = len(session.live.pm.participants) - before
    finally:
        if not session.close():
            raise ImportProblem(f"meeting {meeting_id[:8]}: the import could not be saved")
    return Outcome(meeting_id, added, known, batch, people, _suggested(batch.entries))


def _unique(names: list[str]) -> list[str]:
    seen, out = set(), []
    for name in names:
        key = " ".join(name.split()).casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(" ".join(name.split()))
    return out


def _suggested(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.suggested is not None]


def _skipped(batch: Batch) -> str:
    return ", ".join(f"{n} {why}" for why, n in batch.skipped.items())


def summary(outcome: Outcome) -> str:
    """One line for the user: what was added, what was there, what was left out."""
    parts = [f"{outcome.added} event{'s' if outcome.added != 1 else ''} added"]
    if outcome.known:
        parts.append(f"{outcome.known} already there")
    if outcome.participants_added:
        parts.append(f"{outcome.participants_added} participant(s) added")
    skipped = _skipped(outcome.batch)
    if skipped:
        parts.append(f"skipped: {skipped}")
    return "; ".join(parts)
