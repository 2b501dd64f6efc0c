"""Follow-through across the archive: the action-item ledger, changes to items from
outside their meeting (through its lock), postmortem deadlines, the review workflow,
search and trends.

Queries start from the meetings' list summaries (`open_due`, `tags`, severity, dates),
so only the meetings that can matter are read in full.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pmtui.core import ledger, review, stats
from pmtui.core import search as textsearch
from pmtui.core.ledger import Change, Filters, LedgerRow
from pmtui.core.models import ActionItem, Postmortem, Priority, Status
from pmtui.core.policy import Deadline, Policy, PolicyError, deadline_from, normal_severity
from pmtui.core.tags import Recurring, recurring
from pmtui.service.archive import Archive
from pmtui.service.errors import ArchiveError

URGENT = (Priority.P0.value, Priority.P1.value)
_STATUSES = {status.value: status for status in Status}


@dataclass(frozen=True)
class Changed:
    meeting_id: str
    meeting_title: str
    item_id: str
    item_title: str
    what: str

    def describe(self) -> str:
        return f"{self.item_id[:8]} {self.item_title!r} ({self.meeting_title}): {self.what}"


class FollowThrough:
    """The archive as a team's memory. `now` is injected for tests."""

    def __init__(
        self,
        archive: Archive,
        *,
        policy: Policy | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.archive = archive
        if policy is None:
            try:
                policy = archive.settings.policy()
            except PolicyError as error:
                raise ArchiveError(str(error)) from None
        self.policy = policy
        self._now = now or (lambda: datetime.now(UTC))
        self.problems: list[str] = []
        self._read: dict[str, Postmortem] = {}  # the meetings the last query read

    @property
    def today(self) -> date:
        return self.policy.today(self._now())

    # -- reading ----------------------------------------------------------------------

    def summaries(self) -> list[dict[str, Any]]:
        rows = self.archive.list()
        self.problems = self.archive.problems()
        return rows

    def _meetings(self, ids: Iterable[str]) -> Iterator[Postmortem]:
        self._read = {}
        for meeting_id in ids:
            try:
                pm = self.archive.load(meeting_id)
            except ArchiveError as error:
                self.problems.append(str(error))
                continue
            self._read[meeting_id] = pm
            yield pm

    def item_of(self, row: LedgerRow) -> tuple[Postmortem, ActionItem]:
        """The meeting and item a row of the last `ledger` call came from."""
        pm = self._read.get(row.meeting_id) or self.archive.load(row.meeting_id)
        item = next(a for a in pm.action_items if a.id == row.id)
        return pm, item

    def ledger(self, filters: Filters | None = None) -> list[LedgerRow]:
        """The ledger's rows: open items (or all with `include_closed`), most overdue
        first."""
        wanted = filters or Filters()
        today = self.today
        ids = []
        quick = []  # meetings whose open items their summary holds: most of them
        severity = normal_severity(wanted.severity) if wanted.severity else ""
        for summary in self.summaries():
            if wanted.meeting_id and summary["id"] != wanted.meeting_id:
                continue
            if severity and normal_severity(str(summary.get("severity", ""))) != severity:
                continue
            if wanted.tag and wanted.tag.lower() not in _tags(summary):
                continue
            if not wanted.include_closed:
                if not summary.get("open_actions"):
                    continue
                quick.append(summary)
                continue
            ids.append(self._to_read(summary))
        found, unknown = ledger.rows_from_summaries(
            quick, self.policy, today, overdue_only=wanted.overdue
        )
        found = [r for r in found if wanted.wants(r)]
        for summary in unknown:  # the summary cannot tell: read the meeting
            if wanted.overdue and not ledger.summary_overdue(summary, self.policy, today):
                continue
            ids.append(self._to_read(summary))
        rows = ledger.rows(self._meetings(ids), self.policy, today, wanted)
        return ledger.sort_rows(rows + found)

    def _to_read(self, summary: dict[str, Any]) -> str:
        """The id of a meeting the ledger reads in full, its item ids kept first."""
        if "-" in ledger.open_ids(summary):
            self._keep_ids(summary["id"])
        return str(summary["id"])

    def _keep_ids(self, meeting_id: str) -> None:
        """A record from an older pmtui has no item ids: its items get new ones on every
        read. Save it once (through its lock) so the ids the ledger prints stay valid."""
        try:
            self.archive.update(meeting_id, lambda pm: None)
        except ArchiveError as error:
            self.problems.append(
                f"meeting {meeting_id[:8]} was written by an older pmtui and could not be "
                f"saved with item ids ({error}); its item ids change until it is saved"
            )

    def find_item(self, prefix: str) -> tuple[str, str]:
        """(meeting id, item id) of the one action item whose id starts with `prefix`."""
        prefix = prefix.strip().lower()
        if len(prefix) < 3:
            raise ArchiveError("give at least 3 characters of the item's id (see `pmtui actions`)")
        summaries = self.summaries()
        found = {
            (s["id"], item)
            for s in summaries
            for item in ledger.open_ids(s)
            if item.lower().startswith(prefix)
        }
        if not found:  # a closed item (to re-date or reopen it): read every meeting
            for pm in self._meetings(s["id"] for s in summaries):
                found |= {(pm.id, a.id) for a in pm.action_items if a.id.lower().startswith(prefix)}
        if not found:
            raise ArchiveError(
                f"no action item with an id starting {prefix!r} (see `pmtui actions --all`)"
            )
        if len(found) > 1:
            shown = ", ".join(sorted(item for _, item in found)[:5])
            raise ArchiveError(
                f"{prefix!r} matches {len(found)} action items ({shown}); type more of the id"
            )
        return next(iter(found))

    # -- changing ---------------------------------------------------------------------

    def change(self, prefix: str, change: Change) -> Changed:
        """Change one action item, named by a unique id prefix, through its meeting's lock."""
        meeting_id, item_id = self.find_item(prefix)
        return self.change_item(meeting_id, item_id, change)

    def change_item(self, meeting_id: str, item_id: str, change: Change) -> Changed:
        today = self.today

        def edit(pm: Postmortem) -> Changed:
            item = next((a for a in pm.action_items if a.id == item_id), None)
            if item is None:
                raise ArchiveError(f"meeting {meeting_id[:8]} has no action item {item_id}")
            try:
                ledger.apply(item, change, today)
            except ValueError as error:
                raise ArchiveError(str(error)) from None
            return Changed(pm.id, pm.title, item.id, item.title, change.describe())

        return self.archive.update(meeting_id, edit)

    def set_status(self, meeting_id: str, to: Status, by: str) -> tuple[Postmortem, str]:
        """Move a postmortem through the review workflow, recorded with who and when."""
        now = self._now()

        def edit(pm: Postmortem) -> tuple[Postmortem, str]:
            try:
                change = review.move(pm, to, by, now)
            except ValueError as error:
                raise ArchiveError(str(error)) from None
            return pm, review.describe(change)

        return self.archive.update(meeting_id, edit)

    def tag(
        self, meeting_id: str, tags: list[str], *, remove: bool = False, why: str = ""
    ) -> list[str]:
        """Add (or remove) tags on a meeting, or on one of its whys (a unique id prefix),
        through its lock; the tags it has now."""
        from pmtui.core import whys as whytree
        from pmtui.core.tags import parse_tag

        try:
            wanted = [parse_tag(t) for t in tags]
        except ValueError as error:
            raise ArchiveError(str(error)) from None

        def edit(pm: Postmortem) -> list[str]:
            holder: Any = pm
            if why:
                found = [r.why for _, r in whytree.walk(pm) if r.why.id.startswith(why)]
                if len(found) != 1:
                    raise ArchiveError(f"{why!r} names {len(found)} whys of this meeting, not one")
                holder = found[0]
            now = [t for t in holder.tags if t not in wanted] if remove else holder.tags
            holder.tags = list(dict.fromkeys([*now, *([] if remove else wanted)]))
            return list(holder.tags)

        return self.archive.update(meeting_id, edit)

    # -- deadlines --------------------------------------------------------------------

    def deadline_of(self, summary: dict[str, Any], today: date | None = None) -> Deadline | None:
        """A postmortem's next deadline, from its list summary alone."""
        status = _STATUSES.get(summary.get("status", "draft"), Status.DRAFT)
        if status is Status.PUBLISHED:  # most of an archive: nothing to parse
            return None
        incident = held = None
        with contextlib.suppress(ValueError):
            if summary.get("held_at"):
                held = _parse(summary["held_at"])
        # The incident's time matters only while the meeting is not held.
        if held is None and summary.get("incident_at"):
            with contextlib.suppress(ValueError):
                incident = _parse(summary["incident_at"])
        severity = str(summary.get("severity", ""))
        when = self.today if today is None else today
        return deadline_from(self.policy, status, severity, incident, held, when)

    def overdue(self) -> tuple[list[LedgerRow], list[tuple[dict[str, Any], Deadline]]]:
        """What `pmtui check --overdue` fails on: overdue P0/P1 items, late postmortems."""
        items = [r for r in self.ledger(Filters(overdue=True)) if r.priority in URGENT]
        late = []
        today = self.today
        for summary in self.summaries():
            found = self.deadline_of(summary, today)
            if found is not None and found.overdue:
                late.append((summary, found))
        return items, late

    def overdue_counts(self, summaries: list[dict[str, Any]]) -> tuple[int, list[tuple[str, str]]]:
        """Overdue open items and postmortems past deadline, from list summaries alone
        (cheap enough for the home screen at every refresh)."""
        today = self.today
        late = sum(
            len([p for p in ledger.summary_overdue(s, self.policy, today) if p != "?"])
            for s in summaries
        )
        deadlines = []
        for summary in summaries:
            found = self.deadline_of(summary, today)
            if found is not None and found.overdue:
                deadlines.append((str(summary.get("title", "")), found.describe()))
        return late, deadlines

    # -- tags, search, stats ----------------------------------------------------------

    def recurring(self, pm: Postmortem) -> list[Recurring]:
        """Tags of `pm` that earlier postmortems share (from the list summaries): those
        whose incident came before this one's (for a meeting with no timeline yet: its
        meeting, else its creation), so a reopened old meeting does not call later ones
        earlier."""
        when = pm.incident_date() or pm.meeting.held_at or pm.created_at
        earlier = [
            (s["id"], str(s.get("title", "")), _tags(s))
            for s in self.summaries()
            if s["id"] != pm.id and _not_after(s, when)
        ]
        return recurring(pm, earlier)

    def search(
        self,
        query: str,
        *,
        tag: str = "",
        severity: str = "",
        since: date | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[textsearch.Hit]:
        """Hits of `query` in every text of every meeting; `progress(done, total)` hears
        of a search index being brought up to date (the first search of a large
        archive reads every meeting)."""
        filtered = bool(tag or severity or since)
        indexed = len(" ".join(query.split())) >= 3
        ids: list[str] = []
        if filtered or not indexed:  # the index alone answers an unfiltered search
            ids = [s["id"] for s in self._filtered(tag=tag, severity=severity, since=since)]
        else:
            self.problems = []
        if indexed:
            from pmtui.service.searchindex import SearchIndex

            index = SearchIndex(self.archive.settings.data_dir, self._load_or_none)
            try:
                index.refresh(progress)
                if index.behind:
                    self.problems.append(
                        "the search index could not be brought up to date "
                        f"({index.behind}): meetings changed lately may be missing from "
                        "these hits"
                    )
                return index.search(query, ids if filtered else None)
            finally:
                index.close()
        hits: list[textsearch.Hit] = []
        for pm in self._meetings(ids):
            hits += textsearch.search(pm, query)
        return hits

    def _load_or_none(self, meeting_id: str) -> Postmortem | None:
        try:
            return self.archive.load(meeting_id)
        except ArchiveError as error:
            self.problems.append(str(error))  # a damaged meeting is named, not searched
            return None

    def stats(self, *, by: str = "month", since: date | None = None) -> stats.Stats:
        """Trends, from the list summaries (a meeting whose summary cannot tell is read)."""
        today = self.today
        figures: list[stats.Figures] = []
        unread = []
        for summary in self._filtered(since=since):
            found = _figures(summary, self.policy, today)
            if found is None:
                unread.append(summary["id"])
            else:
                figures.append(found)
        figures += [stats.figures_of(pm, self.policy, today) for pm in self._meetings(unread)]
        return stats.compute(figures, self.policy, today, by=by, since=since)

    def _filtered(
        self, *, tag: str = "", severity: str = "", since: date | None = None
    ) -> list[dict[str, Any]]:
        out = []
        for summary in self.summaries():
            if tag and tag.lower() not in _tags(summary):
                continue
            if severity and normal_severity(str(summary.get("severity", ""))) != normal_severity(
                severity
            ):
                continue
            if since is not None:
                when = summary.get("incident_at") or summary.get("held_at")
                if when and _day(when, self.policy) < since:
                    continue
            out.append(summary)
        return out


def _tags(summary: dict[str, Any]) -> list[str]:
    raw = summary.get("tags") or ""
    return raw.split(";") if raw else []


def _not_after(summary: dict[str, Any], when: datetime | None) -> bool:
    """Whether a meeting's incident (else its meeting, else its creation) came no later
    than `when`; True when either is unknown."""
    raw = summary.get("incident_at") or summary.get("held_at") or summary.get("created_at")
    if when is None or not raw:
        return True
    try:
        return _parse(raw) <= when
    except (TypeError, ValueError):
        return True


def _parse(raw: str) -> datetime:
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))


def _day(raw: str, policy: Policy) -> date:
    return policy.local_date(_parse(raw))


def _figures(summary: dict[str, Any], policy: Policy, today: date) -> stats.Figures | None:
    """A meeting's figures from its summary; None when it cannot tell (read the meeting)."""
    when = summary.get("incident_at") or summary.get("held_at")
    marks = summary.get("marker_s")
    late = ledger.summary_overdue(summary, policy, today)
    if not when or not isinstance(marks, str) or "?" in late or "actions" not in summary:
        return None
    try:
        day = _day(when, policy)
        seconds = [int(x) if x else None for x in marks.split(",")]
    except ValueError:
        return None
    if len(seconds) != 3:
        return None
    opened = int(summary.get("actions", 0))
    return stats.Figures(
        day.isoformat()[:7],  # "2026-11"
        day,
        normal_severity(str(summary.get("severity", ""))) or "(none)",
        tuple(_tags(summary)),
        seconds[0],
        seconds[1],
        seconds[2],
        opened,
        opened - int(summary.get("open_actions", 0)),
        len(late),
    )
