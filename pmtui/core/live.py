"""A meeting in progress: the record, its clock, and every edit the facilitator makes.

The UI calls these methods and shows the result; it holds no rules of its own. Each edit
is one undo step (snapshots of the record, so undo is exact whatever the edit was).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pmtui.core import sessionfile
from pmtui.core import whys as whytree
from pmtui.core.agenda import scaled
from pmtui.core.clock import Clock
from pmtui.core.engine import MeetingEngine
from pmtui.core.models import (
    ActionItem,
    Cause,
    EventKind,
    Participant,
    Postmortem,
    StageRecord,
    TimelineEvent,
    WhyChain,
)

LESSON_COLUMNS = ("went_right", "went_wrong", "got_lucky")
LESSON_TITLES = {
    "went_right": "What went right",
    "went_wrong": "What went wrong",
    "got_lucky": "Where we got lucky",
}
TEXT_FIELDS = ("title", "timezone", *sessionfile.TEXT_FIELDS)
UNDO_DEPTH = 200
CLOCK_ACTIONS = frozenset(
    {"start", "pause", "resume", "toggle_pause", "extend", "next", "skip", "back", "jump"}
)


class EditError(ValueError):
    """An edit that cannot be made; the message is for the facilitator."""


class LiveMeeting:
    """The record being written plus the meeting engine, with undo and a change counter."""

    def __init__(self, pm: Postmortem, engine: MeetingEngine, clock: Clock) -> None:
        self.pm = pm
        self.engine = engine
        self.clock = clock
        self.version = 0
        self._undo: list[tuple[str, Postmortem]] = []
        self._redo: list[tuple[str, Postmortem]] = []
        # Called after every change of the record (an edit, an undo, a redo), before
        # anything is redrawn: the meeting screen saves from here, so the disk write
        # runs while the screen repaints instead of after it.
        self.on_change: Callable[[], None] | None = None

    @classmethod
    def new(cls, title: str, minutes: int, clock: Clock) -> LiveMeeting:
        pm = Postmortem(title=title.strip() or "Untitled postmortem")
        return cls(pm, MeetingEngine(scaled(minutes)), clock)

    @classmethod
    def from_record(cls, record: dict[str, Any], clock: Clock, *, minutes: int = 30) -> LiveMeeting:
        """Reopen a stored meeting; its clock resumes paused where it was."""
        pm = sessionfile.from_record(record, source=f"meeting {record.get('id', '?')}")
        state = pm.meeting.clock
        if state:
            try:
                engine = MeetingEngine.from_dict(state)
            except ValueError as error:
                raise sessionfile.SessionFileError(
                    f"saved meeting clock is damaged ({error})", path="meeting.clock"
                ) from None
        else:
            engine = MeetingEngine(scaled(minutes))
        return cls(pm, engine, clock)

    # -- saving ---------------------------------------------------------------------------

    def record(self) -> dict[str, Any]:
        """The record to store now, with the clock state and time spent per stage."""
        now = self.clock.now()
        view = self.engine.view(now)
        self.pm.meeting.clock = self.engine.to_dict(now)
        self.pm.meeting.agenda = [
            StageRecord(
                stage=s.key, title=s.title, planned_s=int(s.timebox_s), spent_s=int(s.spent_s)
            )
            for s in view.spent
        ]
        return sessionfile.to_record(self.pm)

    def control(self, action: str, *args: object) -> list[Any]:
        """Run a clock action (start, next, back, extend, …); returns the engine's events.

        The first start of the meeting is when it was held, kept for the minutes.
        """
        if action not in CLOCK_ACTIONS:
            raise EditError(f"{action} is not a meeting control")
        now = self.clock.now()
        was_started = self.engine.view(now).started
        events: list[Any] = getattr(self.engine, action)(*args, now)
        if not was_started and self.engine.view(now).started and self.pm.meeting.held_at is None:
            self.pm.meeting.held_at = datetime.fromtimestamp(now, UTC)
        return events

    # -- undo -----------------------------------------------------------------------------

    @contextmanager
    def edit(self, label: str) -> Iterator[Postmortem]:
        """One undoable change; nothing is kept if the body raises."""
        before = snapshot(self.pm)
        try:
            yield self.pm
        except Exception:
            self.pm = before
            raise
        self._undo.append((label, before))
        del self._undo[:-UNDO_DEPTH]
        self._redo.clear()
        self._changed()

    def _changed(self) -> None:
        self.version += 1
        self.pm.updated_at = datetime.fromtimestamp(self.clock.now(), UTC)
        if self.on_change is not None:
            self.on_change()

    def undo(self) -> str | None:
        """Take back the last edit; returns what was undone, or None."""
        return self._swap(self._undo, self._redo)

    def redo(self) -> str | None:
        return self._swap(self._redo, self._undo)

    def _swap(
        self, source: list[tuple[str, Postmortem]], target: list[tuple[str, Postmortem]]
    ) -> str | None:
        if not source:
            return None
        label, state = source.pop()
        target.append((label, snapshot(self.pm)))
        # The clock is not part of undo: keep the live meeting facts.
        state.meeting = self.pm.meeting
        self.pm = state
        self._changed()
        return label

    # -- fields ---------------------------------------------------------------------------

    def set_field(self, name: str, value: str) -> bool:
        """Set a text field of the record; False when it already had that value."""
        if name not in TEXT_FIELDS:
            raise EditError(f"{name} is not a text field")
        if name == "title" and not value.strip():
            raise EditError("The title cannot be empty")
        if name == "timezone":
            from pmtui.core import timeutil

            try:
                value = timeutil.zone(value).key
            except timeutil.TimeError as error:
                raise EditError(str(error)) from None
        if getattr(self.pm, name) == value:
            return False
        with self.edit(f"edit {name}") as pm:
            setattr(pm, name, value)
        return True

    def set_choice(self, name: str, value: Any) -> bool:
        """Set an enumerated field (status) of the record."""
        if getattr(self.pm, name) == value:
            return False
        with self.edit(f"set {name}") as pm:
            setattr(pm, name, value)
        return True

    def set_participants(self, people: list[Participant]) -> bool:
        people = [p for p in people if p.name.strip()]
        if people == self.pm.participants:
            return False
        with self.edit("edit participants") as pm:
            pm.participants = people
        return True

    # -- timeline -------------------------------------------------------------------------

    def events(self) -> list[TimelineEvent]:
        return self.pm.sorted_timeline()

    def add_event(self, at: datetime, text: str, kind: EventKind) -> int:
        """Add an event; returns its place in time order."""
        text = _required(text, "An event needs some text")
        event = TimelineEvent(at=at, text=text, kind=kind)
        with self.edit("add event") as pm:
            pm.timeline = [*pm.sorted_timeline(), event]
            pm.timeline = pm.sorted_timeline()
        return self.pm.timeline.index(event)

    def update_event(self, index: int, at: datetime, text: str, kind: EventKind) -> int:
        text = _required(text, "An event needs some text")
        events = self.events()
        _check_index(index, events, "event")
        with self.edit("edit event") as pm:
            updated = replace(events[index], at=at, text=text, kind=kind)
            events[index] = updated
            pm.timeline = sorted(events, key=lambda e: e.at)
        return self.pm.timeline.index(updated)

    def delete_event(self, index: int) -> None:
        events = self.events()
        _check_index(index, events, "event")
        with self.edit("delete event") as pm:
            del events[index]
            pm.timeline = events

    def move_event(self, index: int, step: int) -> int:
        """Reorder among events at the same time (the timeline is otherwise in time order)."""
        events = self.events()
        _check_index(index, events, "event")
        other = index + step
        if not 0 <= other < len(events) or events[other].at != events[index].at:
            raise EditError("Events are kept in time order; change the time to move this one")
        with self.edit("move event") as pm:
            events[index], events[other] = events[other], events[index]
            pm.timeline = events
        return other

    # -- right / wrong / lucky ------------------------------------------------------------

    def add_lesson(self, column: str, text: str) -> int:
        text = _required(text, "Type something first")
        with self.edit("add note") as pm:
            _column(pm, column).append(text)
        return len(_column(self.pm, column)) - 1

    def update_lesson(self, column: str, index: int, text: str) -> None:
        text = _required(text, "A note cannot be empty; delete it instead")
        _check_index(index, _column(self.pm, column), "note")
        with self.edit("edit note") as pm:
            old = _column(pm, column)[index]
            _column(pm, column)[index] = text
            _set_votes(pm, column, text, _take_votes(pm, column, old))

    def delete_lesson(self, column: str, index: int) -> None:
        _check_index(index, _column(self.pm, column), "note")
        with self.edit("delete note") as pm:
            text = _column(pm, column).pop(index)
            _take_votes(pm, column, text)

    def move_lesson(self, column: str, index: int, to_column: str) -> int:
        _check_index(index, _column(self.pm, column), "note")
        _column(self.pm, to_column)
        with self.edit("move note") as pm:
            text = _column(pm, column).pop(index)
            _column(pm, to_column).append(text)
            _set_votes(pm, to_column, text, _take_votes(pm, column, text))
        return len(_column(self.pm, to_column)) - 1

    def vote(self, column: str, index: int, step: int) -> int:
        """Add (or take back) a dot vote on a note; returns its votes. Never below zero."""
        _check_index(index, _column(self.pm, column), "note")
        text = _column(self.pm, column)[index]
        votes = max(0, self.pm.votes_for(column, text) + step)
        if votes == self.pm.votes_for(column, text):
            return votes
        with self.edit("vote" if step > 0 else "take back a vote") as pm:
            _set_votes(pm, column, text, votes)
        return votes

    def sort_by_votes(self, column: str) -> None:
        """Most votes first; notes with equal votes keep their order."""
        notes = _column(self.pm, column)
        ordered = sorted(notes, key=lambda text: -self.pm.votes_for(column, text))
        if ordered == notes:
            return
        with self.edit("sort by votes") as pm:
            setattr(pm, column, ordered)

    # -- Five Whys ------------------------------------------------------------------------

    def add_chain(self, problem: str) -> int:
        problem = _required(problem, "A Five Whys chain starts from a problem")
        with self.edit("start Five Whys chain") as pm:
            pm.whys.append(WhyChain(problem=problem))
        return len(self.pm.whys) - 1

    def update_chain(self, index: int, problem: str) -> None:
        problem = _required(problem, "The problem cannot be empty")
        _check_index(index, self.pm.whys, "chain")
        with self.edit("edit problem") as pm:
            pm.whys[index].problem = problem

    def delete_chain(self, index: int) -> None:
        _check_index(index, self.pm.whys, "chain")
        with self.edit("delete chain") as pm:
            gone = [row.why.text for row in whytree.rows(pm.whys.pop(index))]
            for text in gone:
                if not whytree.holds_text(pm, text):
                    _relink(pm, text, "")

    def add_answer(self, chain: int, text: str, parent: whytree.Path | None = None) -> whytree.Path:
        """Answer "why?" of the answer at `parent` (of the problem for `()`); by default
        the next why of the chain, below its last answer. A second answer to the same
        why makes the chain branch there. Returns the new answer's path."""
        text = _required(text, "Type the answer to 'why?' first")
        _check_index(chain, self.pm.whys, "chain")
        with _paths(), self.edit("add why") as pm:
            tree = pm.whys[chain]
            path = whytree.add(tree, whytree.end_of_line(tree) if parent is None else parent, text)
        return path

    def update_answer(self, chain: int, path: whytree.Path, text: str) -> None:
        """Change an answer's text; action items linked to it follow the new text."""
        text = _required(text, "An answer cannot be empty; delete it instead")
        _check_index(chain, self.pm.whys, "chain")
        with _paths():
            old = whytree.find(self.pm.whys[chain], path).text
        if old == text:
            return
        with self.edit("edit why") as pm:
            whytree.find(pm.whys[chain], path).text = text
            if not whytree.holds_text(pm, old):
                _relink(pm, old, text)

    def delete_answer(self, chain: int, path: whytree.Path) -> None:
        """Take out one answer; the answers below it move up into its place."""
        _check_index(chain, self.pm.whys, "chain")
        with _paths(), self.edit("delete why") as pm:
            gone = whytree.remove(pm.whys[chain], path)
            if not whytree.holds_text(pm, gone.text):
                _relink(pm, gone.text, "")

    def mark_cause(self, chain: int, path: whytree.Path, cause: Cause) -> Cause:
        """Mark an answer as a root cause or contributing factor; the same mark again
        takes it off. Returns the answer's mark now."""
        _check_index(chain, self.pm.whys, "chain")
        with _paths():
            current = whytree.find(self.pm.whys[chain], path).cause
        new = Cause.NONE if current is cause else cause
        label = {Cause.ROOT: "mark root cause", Cause.CONTRIBUTING: "mark contributing factor"}
        with self.edit(label.get(new, "unmark why")) as pm:
            whytree.find(pm.whys[chain], path).cause = new
        return new

    # -- action items ---------------------------------------------------------------------

    def add_action(self, item: ActionItem) -> int:
        _required(item.title, "An action item needs a title")
        with self.edit("add action item") as pm:
            pm.action_items.append(item)
        return len(self.pm.action_items) - 1

    def update_action(self, index: int, item: ActionItem) -> None:
        _required(item.title, "An action item needs a title")
        _check_index(index, self.pm.action_items, "action item")
        if self.pm.action_items[index] == item:
            return
        with self.edit("edit action item") as pm:
            pm.action_items[index] = item

    def link_action(self, index: int, why: str) -> bool:
        """Link an action item to the why it addresses (by the why's text; "" unlinks)."""
        _check_index(index, self.pm.action_items, "action item")
        why = " ".join(why.split())
        if why and not whytree.holds_text(self.pm, why):
            raise EditError("No why in this meeting reads like that")
        if self.pm.action_items[index].addresses == why:
            return False
        with self.edit("link action item" if why else "unlink action item") as pm:
            pm.action_items[index] = replace(pm.action_items[index], addresses=why)
        return True

    def delete_action(self, index: int) -> None:
        _check_index(index, self.pm.action_items, "action item")
        with self.edit("delete action item") as pm:
            del pm.action_items[index]


def snapshot(pm: Postmortem) -> Postmortem:
    """A copy for undo, made in microseconds rather than a deep copy's milliseconds.

    Lists are copied; their items are shared, which is safe because the edits above
    replace events, notes, action items and people instead of changing them. Five Whys
    chains are the exception (answers are edited in place), so their trees are copied. The
    meeting's own facts are not part of undo and stay shared.
    """
    return replace(
        pm,
        participants=list(pm.participants),
        timeline=list(pm.timeline),
        went_right=list(pm.went_right),
        went_wrong=list(pm.went_wrong),
        got_lucky=list(pm.got_lucky),
        whys=[chain.copy() for chain in pm.whys],
        action_items=list(pm.action_items),
        votes={column: dict(counts) for column, counts in pm.votes.items()},
    )


def _take_votes(pm: Postmortem, column: str, text: str) -> int:
    """Remove and return a note's votes (kept if another note has the same text)."""
    if text in _column(pm, column):
        return pm.votes_for(column, text)
    return pm.votes.get(column, {}).pop(text, 0)


def _set_votes(pm: Postmortem, column: str, text: str, votes: int) -> None:
    counts = pm.votes.setdefault(column, {})
    if votes > 0:
        counts[text] = votes
    else:
        counts.pop(text, None)


def _relink(pm: Postmortem, old: str, new: str) -> None:
    """Point the action items that address the why `old` at `new` ("" unlinks them)."""
    wanted = whytree.norm(old)
    for i, item in enumerate(pm.action_items):
        if item.addresses and whytree.norm(item.addresses) == wanted:
            pm.action_items[i] = replace(item, addresses=new)


@contextmanager
def _paths() -> Iterator[None]:
    """A path to a why that is not there is an edit error like any other."""
    try:
        yield
    except whytree.PathError as error:
        raise EditError(str(error)) from None


def _required(text: str, message: str) -> str:
    text = text.strip()
    if not text:
        raise EditError(message)
    return text


def _check_index(index: int, items: list[Any], what: str) -> None:
    if not 0 <= index < len(items):
        raise EditError(f"There is no {what} {index + 1}")


def _column(pm: Postmortem, column: str) -> list[str]:
    if column not in LESSON_COLUMNS:
        raise EditError(f"{column} is not one of {', '.join(LESSON_COLUMNS)}")
    items: list[str] = getattr(pm, column)
    return items
