"""A meeting in progress: the record, its clock, and every edit the facilitator makes.

The UI calls these methods and shows the result; it holds no rules of its own. Each edit
is one undo step (snapshots of the record, so undo is exact whatever the edit was).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pmtui.core import sessionfile
from pmtui.core import whys as whytree
from pmtui.core.agenda import Agenda, scaled
from pmtui.core.clock import Clock
from pmtui.core.engine import MeetingEngine, as_saved_running
from pmtui.core.models import (
    ActionItem,
    Cause,
    EventKind,
    FollowUp,
    Note,
    Participant,
    Postmortem,
    StageRecord,
    TimelineEvent,
    Why,
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
        self.drafts_version = 0  # bumped by set_draft (drafts are saved on the screen's beat)
        self._undo: list[tuple[str, Postmortem]] = []
        self._redo: list[tuple[str, Postmortem]] = []
        # Called after every change of the record (an edit, an undo, a redo), before
        # anything is redrawn: the meeting screen saves from here, so the disk write
        # runs while the screen repaints instead of after it.
        self.on_change: Callable[[], None] | None = None

    @classmethod
    def new(
        cls, title: str, minutes: int, clock: Clock, *, follow_ups: bool = False
    ) -> LiveMeeting:
        """`follow_ups`: open with the Follow-ups stage (earlier meetings left open items)."""
        pm = Postmortem(title=title.strip() or "Untitled postmortem")
        return cls(pm, MeetingEngine(scaled(minutes, follow_ups=follow_ups)), clock)

    @classmethod
    def from_record(
        cls, record: dict[str, Any], clock: Clock, *, minutes: int = 30, following: bool = False
    ) -> LiveMeeting:
        """Reopen a stored meeting; its clock resumes paused where it was.

        `following`: as a follower sees it, the clock still running if it was when saved
        (see `engine.as_saved_running`)."""
        pm = sessionfile.from_record(record, source=f"meeting {record.get('id', '?')}")
        state = pm.meeting.clock
        restore = as_saved_running if following else MeetingEngine.from_dict
        if state:
            try:
                engine = restore(state, _agenda(pm.meeting.agenda))
                # A meeting from before a stage existed (the set-up) gets it now.
                engine = engine.regrouped(engine.agenda.with_standard_stages())
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
                stage=s.key,
                title=s.title,
                planned_s=int(s.timebox_s),
                spent_s=int(s.spent_s),
                extension_s=int(s.extension_s),
                skipped=s.skipped,
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

    def undo_history_clear(self) -> None:
        """Forget the undo steps so far (a meeting's set-up when it is created)."""
        self._undo.clear()
        self._redo.clear()

    def resolve_conflict(self, conflict: str, *, take_other: bool = False) -> None:
        """Resolve one of the record's sync conflicts (see core.merge), as one undoable
        edit: keep the value the record holds, or take the other side's."""
        from pmtui.core import merge

        record = sessionfile.to_record(self.pm)
        try:
            fixed = sessionfile.from_record(merge.resolve(record, conflict, take_other=take_other))
        except merge.ResolveError as error:
            raise EditError(str(error)) from None
        with self.edit("resolve a sync conflict") as pm:
            for name in ("id", "created_at", "updated_at"):
                setattr(fixed, name, getattr(pm, name))
            pm.__dict__.update(fixed.__dict__)

    def from_outside(self, change: Callable[[Postmortem], None], *, announce: bool = True) -> None:
        """A change that is not the facilitator's (a participant's note or vote): made to
        the record and to every undo and redo step, so no undo ever takes it back.

        `announce` False: `on_change` is not called (the caller saves when it chooses)."""
        for _label, pm in (*self._undo, *self._redo):
            change(pm)
        change(self.pm)
        hook, self.on_change = self.on_change, (self.on_change if announce else None)
        try:
            self._changed()
        finally:
            self.on_change = hook

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
                value = timeutil.zone(value).key  # as IANA spells it: europe/london
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
            if name == "status":  # the review workflow keeps who moved it and when
                from pmtui.core import review  # the first frame does without it

                by = pm.meeting.facilitator or pm.owner or "the facilitator"
                now = datetime.fromtimestamp(self.clock.now(), UTC)
                pm.history = [*pm.history, review.move_record(pm.status, value, by, now)]
            setattr(pm, name, value)
        return True

    def set_facilitator(self, name: str) -> bool:
        """Who runs the meeting, for the minutes. A fact of the meeting, like its clock:
        saved at once, not an undo step."""
        name = name.strip()
        if self.pm.meeting.facilitator == name:
            return False
        self.pm.meeting.facilitator = name
        self._changed()
        return True

    def set_draft(self, key: str, text: str) -> bool:
        """Keep text typed into an entry line but not added yet (empty: none). Not an
        undo step and not announced: the meeting screen saves drafts on its own beat,
        so typing a letter does not write the whole record. True when it changed."""
        if not sessionfile.DRAFT_KEY.match(key):
            raise EditError(f"{key!r} is not an entry line")
        if self.pm.drafts.get(key, "") == text:
            return False
        if text:
            self.pm.drafts[key] = text
        else:
            self.pm.drafts.pop(key, None)
        self.drafts_version += 1
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

    def add_imported(
        self, events: list[TimelineEvent], participants: Sequence[str] = (), label: str = "import"
    ) -> tuple[int, int]:
        """Merge imported events into the timeline by time, and the people who spoke into
        the participants, as one undo step; returns (events added, events already there).

        Already there: an event with the same source id, or the same time and text."""
        from pmtui.core.importers import merge

        fresh, known = merge(self.pm.timeline, events)
        names = {" ".join(p.name.split()).casefold() for p in self.pm.participants}
        people = []
        for name in participants:
            key = " ".join(name.split()).casefold()
            if key and key not in names:
                names.add(key)
                people.append(Participant(name=" ".join(name.split())))
        if not fresh and not people:
            return 0, known
        with self.edit(label) as pm:
            pm.timeline = sorted([*pm.timeline, *fresh], key=lambda e: e.at)
            pm.participants = [*pm.participants, *people]
        return len(fresh), known

    def update_event(self, event_id: str, at: datetime, text: str, kind: EventKind) -> int:
        """Change an event (it keeps its id); returns its place in time order now."""
        text = _required(text, "An event needs some text")
        events = self.events()
        index = _index(events, event_id, "event")
        with self.edit("edit event") as pm:
            updated = replace(events[index], at=at, text=text, kind=kind)
            events[index] = updated
            pm.timeline = sorted(events, key=lambda e: e.at)
        return self.pm.timeline.index(updated)

    def delete_event(self, event_id: str) -> None:
        events = self.events()
        index = _index(events, event_id, "event")
        with self.edit("delete event") as pm:
            del events[index]
            pm.timeline = events

    def move_event(self, event_id: str, step: int) -> int:
        """Reorder among events at the same time (the timeline is otherwise in time order);
        returns the event's place now."""
        events = self.events()
        index = _index(events, event_id, "event")
        other = index + step
        if not 0 <= other < len(events) or events[other].at != events[index].at:
            raise EditError("Events are kept in time order; change the time to move this one")
        with self.edit("move event") as pm:
            events[index], events[other] = events[other], events[index]
            pm.timeline = events
        return other

    # -- right / wrong / lucky ------------------------------------------------------------

    def find_note(self, note_id: str) -> tuple[str, int]:
        """The column a note is in and its place there."""
        for column in LESSON_COLUMNS:
            for i, note in enumerate(_column(self.pm, column)):
                if note.id == note_id:
                    return column, i
        raise EditError("That note is no longer there")

    def add_lesson(self, column: str, text: str) -> str:
        """Add a note at the end of a column; returns its id."""
        note = Note(_required(text, "Type something first"))
        with self.edit("add note") as pm:
            _column(pm, column).append(note)
        return note.id

    def update_lesson(self, note_id: str, text: str) -> None:
        """Reword a note; it keeps its id and its votes."""
        text = _required(text, "A note cannot be empty; delete it instead")
        column, index = self.find_note(note_id)
        with self.edit("edit note") as pm:
            notes = _column(pm, column)
            notes[index] = replace(notes[index], text=text)

    def delete_lesson(self, note_id: str) -> None:
        column, index = self.find_note(note_id)
        with self.edit("delete note") as pm:
            del _column(pm, column)[index]

    def move_lesson(self, note_id: str, to_column: str) -> int:
        """Move a note, with its votes, to the end of another column; its place there."""
        column, index = self.find_note(note_id)
        _column(self.pm, to_column)
        with self.edit("move note") as pm:
            _column(pm, to_column).append(_column(pm, column).pop(index))
        return len(_column(self.pm, to_column)) - 1

    def vote(self, note_id: str, step: int) -> int:
        """Add (or take back) a dot vote on a note; returns its votes. Never below zero."""
        column, index = self.find_note(note_id)
        note = _column(self.pm, column)[index]
        votes = max(0, note.votes + step)
        if votes == note.votes:
            return votes
        with self.edit("vote" if step > 0 else "take back a vote") as pm:
            _column(pm, column)[index] = replace(note, votes=votes)
        return votes

    def sort_by_votes(self, column: str) -> None:
        """Most votes first; notes with equal votes keep their order."""
        notes = _column(self.pm, column)
        ordered = sorted(notes, key=lambda note: -note.votes)
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
            _unlink(pm, {row.why.id for row in whytree.rows(pm.whys.pop(index))})

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
        """Change an answer's text; it keeps its id, so linked action items follow it."""
        text = _required(text, "An answer cannot be empty; delete it instead")
        _check_index(chain, self.pm.whys, "chain")
        with _paths():
            old = whytree.find(self.pm.whys[chain], path).text
        if old == text:
            return
        with self.edit("edit why") as pm:
            whytree.find(pm.whys[chain], path).text = text

    def delete_answer(self, chain: int, path: whytree.Path) -> None:
        """Take out one answer; the answers below it move up into its place."""
        _check_index(chain, self.pm.whys, "chain")
        with _paths(), self.edit("delete why") as pm:
            _unlink(pm, {whytree.remove(pm.whys[chain], path).id})

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

    # -- tags -----------------------------------------------------------------------------

    def toggle_tag(self, text: str, why_id: str = "") -> list[str]:
        """Add a tag (a contributing-factor category or a free one) to the meeting, or to
        the why with `why_id`; the same tag again takes it off. Returns the tags now."""
        from pmtui.core import tags  # the first frame does without it

        try:
            tag = tags.parse_tag(text)
        except ValueError as error:
            raise EditError(str(error)) from None
        if why_id and whytree.find_id(self.pm, why_id) is None:
            raise EditError("That why is no longer there")
        was = self.tags_of(why_id)
        verb = "untag" if tag in was else "tag"
        with self.edit(f"{verb} {'why' if why_id else 'meeting'} {tag!r}") as pm:
            target: Postmortem | Why | None = whytree.find_id(pm, why_id) if why_id else pm
            assert target is not None  # checked above, and the edit runs on the same record
            target.tags = tags.toggle(list(target.tags), tag)
        return self.tags_of(why_id)

    def tags_of(self, why_id: str = "") -> list[str]:
        """The tags of the meeting, or of the why with `why_id` ([] when it is gone)."""
        if not why_id:
            return list(self.pm.tags)
        why = whytree.find_id(self.pm, why_id)
        return list(why.tags) if why is not None else []

    # -- action items ---------------------------------------------------------------------

    def add_action(self, item: ActionItem) -> int:
        """Add an action item (it brings its own new id); returns its place in the list."""
        _required(item.title, "An action item needs a title")
        if item.addresses and whytree.find_id(self.pm, item.addresses) is None:
            raise EditError("That why is no longer there")
        with self.edit("add action item") as pm:
            pm.action_items.append(item)
        return len(self.pm.action_items) - 1

    def update_action(self, action_id: str, item: ActionItem) -> None:
        """Replace an action item's fields; it keeps its id."""
        _required(item.title, "An action item needs a title")
        index = _index(self.pm.action_items, action_id, "action item")
        item = replace(item, id=action_id)
        if self.pm.action_items[index] == item:
            return
        with self.edit("edit action item") as pm:
            pm.action_items[index] = item

    def link_action(self, action_id: str, why_id: str) -> bool:
        """Link an action item to the why it addresses, by the why's id ("" unlinks)."""
        index = _index(self.pm.action_items, action_id, "action item")
        if why_id and whytree.find_id(self.pm, why_id) is None:
            raise EditError("That why is no longer there")
        if self.pm.action_items[index].addresses == why_id:
            return False
        with self.edit("link action item" if why_id else "unlink action item") as pm:
            pm.action_items[index] = replace(pm.action_items[index], addresses=why_id)
        return True

    def record_follow_up(self, follow_up: FollowUp) -> None:
        """Note in this meeting's record what the Follow-ups stage decided about an
        earlier meeting's item (the change itself is written to that meeting)."""
        with self.edit("follow-up") as pm:
            pm.follow_ups = [*pm.follow_ups, follow_up]

    def delete_action(self, action_id: str) -> None:
        index = _index(self.pm.action_items, action_id, "action item")
        with self.edit("delete action item") as pm:
            del pm.action_items[index]


def snapshot(pm: Postmortem) -> Postmortem:
    """A copy for undo, made in microseconds rather than a deep copy's milliseconds.

    Lists are copied; their items are shared, which is safe because the edits above
    replace events, notes, action items and people (keeping their ids) instead of
    changing them. Five Whys
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
        follow_ups=list(pm.follow_ups),
        history=list(pm.history),
    )


def _agenda(stages: list[StageRecord]) -> Agenda | None:
    """The engine's agenda from the one the record keeps (None when it keeps none)."""
    if not stages:
        return None
    return Agenda.from_list(
        [{"stage": s.stage, "title": s.title, "timebox_s": s.planned_s} for s in stages]
    )


def _unlink(pm: Postmortem, gone: set[str]) -> None:
    """Unlink the action items that address a why that is gone (ids in `gone`)."""
    for i, item in enumerate(pm.action_items):
        if item.addresses in gone:
            pm.action_items[i] = replace(item, addresses="")


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


def _index(items: list[Any], item_id: str, what: str) -> int:
    """Where the item with this id is in `items`."""
    for i, item in enumerate(items):
        if item.id == item_id:
            return i
    raise EditError(f"That {what} is no longer there")


def _column(pm: Postmortem, column: str) -> list[Note]:
    if column not in LESSON_COLUMNS:
        raise EditError(f"{column} is not one of {', '.join(LESSON_COLUMNS)}")
    items: list[Note] = getattr(pm, column)
    return items
