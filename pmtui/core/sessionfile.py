"""Session file format, versions 1 to 3: the JSON exchange format for import, export and
samples.

`parse_session` and `from_document` refuse a bad document with one `SessionFileError`
naming the file, the field path and the problem; `to_document` writes the same format.
The store keeps a meeting as a *record*: the document plus the fields only pmtui owns
(`id`, `created_at`, `updated_at`, the meeting clock).
"""

from __future__ import annotations

import copy
import json
import operator
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import Any, NoReturn, TypeVar

from pmtui.core import jsondoc, timeutil
from pmtui.core import whys as whytree
from pmtui.core.controls import json_for_terminal
from pmtui.core.models import (
    ActionItem,
    ActionStatus,
    ActionType,
    Cause,
    EventKind,
    FollowUp,
    MeetingFacts,
    Note,
    Participant,
    Postmortem,
    Priority,
    StageRecord,
    Status,
    StatusChange,
    TimelineEvent,
    Why,
    WhyChain,
    item_id,
)

# Version 2 adds, compatibly, Five Whys answers as objects (a cause mark, branches) and
# action items' `addresses`; every version-1 document is a valid version-2 one.
# Version 3 gives every event, note, chain, answer and action item an "id", and
# `addresses` holds the id of a why instead of its text.
FORMAT_VERSION = 3
READS = (1, 2, 3)
# An item id kept from a file: short, and safe in a URL or a file name.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_FILE_BYTES = 10 * 1024 * 1024
# Free-text fields, in the order the format lists them (status and timezone sit between
# severity and owner).
HEAD_FIELDS = ("incident_id", "severity")
BODY_FIELDS = ("owner", "summary", "impact", "trigger", "detection", "resolution")
TEXT_FIELDS = HEAD_FIELDS + BODY_FIELDS
LESSON_FIELDS = ("went_right", "went_wrong", "got_lucky")

E = TypeVar("E", bound=StrEnum)


class SessionFileError(ValueError):
    """A document that is not a valid session; str() is the one line a user sees."""

    def __init__(self, problem: str, *, path: str = "", source: str = "", more: int = 0) -> None:
        self.problem = problem
        self.path = path
        self.source = source
        self.more = more
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"{self.path}: " if self.path else ""
        text = f"{where}{self.problem}"
        if self.source:
            text = f"{self.source}: {text}"
        if self.more:
            text += f" (and {self.more} more problem{'s' if self.more > 1 else ''})"
        return text


class _Reader:
    """Walks a document, collecting every problem with its field path."""

    def __init__(self, version: int = FORMAT_VERSION) -> None:
        self.problems: list[tuple[str, str]] = []
        self.version = version
        self.ids: dict[str, str] = {}  # each id kept from the document -> its field path

    def ident(self, obj: dict[str, Any], path: str) -> str:
        """The item's id: the document's (version 3), checked valid and unique in the
        record, else a new one."""
        value = obj.get("id") if self.version >= 3 else None
        if value is None:
            return item_id()
        where = f"{path}.id"
        if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
            shown = json.dumps(value, ensure_ascii=False)
            self.fail(where, f"{shown} is not an id (1 to 64 letters, digits, _ or -)")
            return item_id()
        if value in self.ids:
            self.fail(where, f'"{value}" is already the id of {self.ids[value]}')
            return item_id()
        self.ids[value] = path
        return value

    def fail(self, path: str, problem: str) -> None:
        self.problems.append((path, problem))

    def text(self, obj: dict[str, Any], key: str, path: str, *, required: bool = False) -> str:
        value = obj.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(path, f"must be text, not {_kind(value)}")
            return ""
        if required and not value.strip():
            self.fail(path, "is missing or empty" if key not in obj else "must not be empty")
        return value

    def items(self, obj: dict[str, Any], key: str, path: str) -> list[Any]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, f"must be a list, not {_kind(value)}")
            return []
        return value

    def objects(self, obj: dict[str, Any], key: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each object of the list `obj[key]` with its path; other items are reported."""
        for i, raw in enumerate(self.items(obj, key, key)):
            path = f"{key}[{i}]"
            if (found := self.mapping(raw, path)) is not None:
                yield path, found

    def mapping(self, value: Any, path: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, not {_kind(value)}")
            return None
        return value

    def choice(self, obj: dict[str, Any], key: str, path: str, enum: type[E], default: E) -> E:
        value = obj.get(key)
        if value is None or value == "":
            return default
        if isinstance(value, str):
            wanted = value.strip().lower()
            for member in enum:
                if member.value.lower() == wanted:
                    return member
        allowed = ", ".join(m.value for m in enum)
        self.fail(path, f"{json.dumps(value, ensure_ascii=False)} is not one of: {allowed}")
        return default

    def guarded(self, path: str, parse: Callable[[], Any], default: Any = None) -> Any:
        try:
            return parse()
        except timeutil.TimeError as error:
            self.fail(path, str(error))
            return default


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false"}
    names |= {int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def from_document(doc: Any, *, source: str = "", keep_identity: bool = False) -> Postmortem:
    """Build a Postmortem from a version 1, 2 or 3 document, or raise SessionFileError."""
    if not isinstance(doc, dict):
        raise SessionFileError(f"must be a JSON object, not {_kind(doc)}", source=source)
    version = doc.get("pmtui")
    if isinstance(version, bool) or version not in READS:
        if version is None:
            problem = f'has no "pmtui" format version (expected "pmtui": {FORMAT_VERSION})'
        else:
            shown = json.dumps(version, ensure_ascii=False)
            problem = (
                f"format version {shown} is not supported (this pmtui reads versions 1, 2 and 3)"
            )
        raise SessionFileError(problem, source=source)
    reader = _Reader(version)

    title = reader.text(doc, "title", "title", required=True)
    tz_name = reader.text(doc, "timezone", "timezone") or "UTC"
    tz: tzinfo = UTC
    try:
        tz = timeutil.zone(tz_name)
        tz_name = tz.key  # as the database spells it: europe/london is Europe/London
    except timeutil.TimeError as error:
        reader.fail("timezone", str(error))

    pm = Postmortem(title=title, timezone=tz_name)
    for key in TEXT_FIELDS:
        setattr(pm, key, reader.text(doc, key, key))
    pm.status = reader.choice(doc, "status", "status", Status, Status.DRAFT)
    pm.participants = _participants(reader, doc)
    pm.timeline = _timeline(reader, doc, tz)
    for key in LESSON_FIELDS:
        setattr(pm, key, _notes(reader, reader.items(doc, key, key), key))
    pm.whys = _whys(reader, doc)
    pm.action_items = _action_items(reader, doc, pm)
    pm.tags = _tags(reader, doc, "tags")
    pm.history = _history(reader, doc)
    pm.follow_ups = _follow_ups(reader, doc)
    pm.meeting = _meeting(reader, doc.get("meeting"), tz, keep_identity=keep_identity)
    if keep_identity:
        _identity(reader, doc, pm)
    pm.drafts = _drafts(reader, doc.get("drafts"))
    pm.conflicts = _conflicts(reader, doc)

    if reader.problems:
        path, problem = reader.problems[0]
        raise SessionFileError(problem, path=path, source=source, more=len(reader.problems) - 1)
    return pm


def _strings(reader: _Reader, values: list[Any], path: str, *, indexed: bool = True) -> list[str]:
    out = []
    for i, value in enumerate(values):
        where = f"{path}[{i}]" if indexed else path
        if not isinstance(value, str):
            reader.fail(where, f"must be text, not {_kind(value)}")
        elif not value.strip():
            reader.fail(where, "must not be empty")
        else:
            out.append(value)
    return out


def _notes(reader: _Reader, values: list[Any], path: str) -> list[Note]:
    """A lesson column: each note a string, or `{"id", "text", "votes"}`."""
    out = []
    for i, value in enumerate(values):
        where = f"{path}[{i}]"
        if isinstance(value, dict):
            text = reader.text(value, "text", f"{where}.text", required=True)
            count = value.get("votes", 0)
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                reader.fail(f"{where}.votes", "must be a whole number >= 0")
                count = 0
            note_id = reader.ident(value, where)
            if text.strip():
                out.append(Note(text, count, note_id))
        else:
            out.extend(Note(text) for text in _strings(reader, [value], where, indexed=False))
    return out


def _participants(reader: _Reader, doc: dict[str, Any]) -> list[Participant]:
    out = []
    for path, obj in reader.objects(doc, "participants"):
        name = reader.text(obj, "name", f"{path}.name", required=True)
        out.append(Participant(name=name, role=reader.text(obj, "role", f"{path}.role")))
    return out


_KINDS: dict[Any, EventKind] = {kind.value: kind for kind in EventKind}
_WRITTEN_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{6})?Z")


def _written_time(raw: str) -> datetime | None:
    """A time in the form pmtui writes (`2017-02-28T17:37:00Z`), read directly: a
    meeting of 10,000 events opens faster. Anything else goes through `parse_iso`."""
    if not _WRITTEN_TIME.fullmatch(raw):
        return None
    try:
        return datetime.fromisoformat(raw[:-1]).replace(tzinfo=UTC)
    except ValueError:
        return None


def _timeline(reader: _Reader, doc: dict[str, Any], tz: tzinfo) -> list[TimelineEvent]:
    out = []
    for path, obj in reader.objects(doc, "timeline"):
        raw_at = obj.get("at")
        if not isinstance(raw_at, str):
            reader.fail(f"{path}.at", "is missing" if raw_at is None else "must be text")
            continue
        at = _written_time(raw_at) or reader.guarded(
            f"{path}.at", lambda raw_at=raw_at: timeutil.parse_iso(raw_at, tz)
        )
        text = reader.text(obj, "text", f"{path}.text", required=True)
        # The kinds as written are looked up directly: a timeline of 10,000 events reads
        # noticeably faster; anything else goes through the general (case-blind) reader.
        raw_kind = obj.get("kind", "event")
        kind = (_KINDS.get(raw_kind) if isinstance(raw_kind, str) else None) or reader.choice(
            obj, "kind", f"{path}.kind", EventKind, EventKind.EVENT
        )
        event_id = reader.ident(obj, path)
        source = reader.text(obj, "source", f"{path}.source")
        if at is not None:
            out.append(TimelineEvent(at=at, text=text, kind=kind, id=event_id, source=source))
    return out


def _whys(reader: _Reader, doc: dict[str, Any]) -> list[WhyChain]:
    out = []
    for path, obj in reader.objects(doc, "whys"):
        problem = reader.text(obj, "problem", f"{path}.problem", required=True)
        chain_id = reader.ident(obj, path)
        answers = _answers(
            reader, reader.items(obj, "answers", f"{path}.answers"), f"{path}.answers"
        )
        out.append(WhyChain(problem=problem, answers=answers, id=chain_id))
    return out


def _answers(
    reader: _Reader, values: list[Any], path: str, level: int = 1, nesting: int = 0
) -> list[Why]:
    """A list of answers, each answering the one before; returns the answers to the why
    above the list. An answer is text, or `{"id", "text", "cause", "branches"}` where each
    branch is another list of answers to the same why as this answer."""
    if nesting > whytree.MAX_DEPTH:
        reader.fail(path, f"branches nest more than {whytree.MAX_DEPTH} deep")
        return []
    items: list[tuple[str, Cause, list[Why], str, list[str]]] = []
    for i, value in enumerate(values):
        where = f"{path}[{i}]"
        if level + i > whytree.MAX_DEPTH:
            reader.fail(where, f"a chain holds at most {whytree.MAX_DEPTH} whys below one another")
            break
        if isinstance(value, str):
            if value.strip():
                items.append((value, Cause.NONE, [], item_id(), []))
            else:
                reader.fail(where, "must not be empty")
            continue
        if not isinstance(value, dict):
            reader.fail(where, f"must be text or an object, not {_kind(value)}")
            continue
        text = reader.text(value, "text", f"{where}.text", required=True)
        cause = reader.choice(value, "cause", f"{where}.cause", Cause, Cause.NONE)
        why_id = reader.ident(value, where)
        tags = _tags(reader, value, "tags", where)
        others: list[Why] = []
        for j, branch in enumerate(reader.items(value, "branches", f"{where}.branches")):
            branch_path = f"{where}.branches[{j}]"
            if not isinstance(branch, list) or not branch:
                reader.fail(branch_path, "must be a list of answers, not " + _kind(branch))
                continue
            others += _answers(reader, branch, branch_path, level + i, nesting + 1)
        items.append((text, cause, others, why_id, tags))
    answers: list[Why] = []
    for text, cause, others, why_id, tags in reversed(items):
        answers = [Why(text, cause, answers, why_id, tags), *others]
    return answers


def _answers_document(answers: list[Why]) -> list[Any]:
    """The answers below one why as the format writes them: the first continues the
    list, the others become its branches."""
    out: list[Any] = []
    while answers:
        first, others = answers[0], answers[1:]
        item: dict[str, Any] = {"id": first.id, "text": first.text}
        if first.cause is not Cause.NONE:
            item["cause"] = first.cause.value
        if first.tags:
            item["tags"] = list(first.tags)
        if others:
            item["branches"] = [_answers_document([other]) for other in others]
        out.append(item)
        answers = first.answers
    return out


def _action_items(reader: _Reader, doc: dict[str, Any], pm: Postmortem) -> list[ActionItem]:
    """The action items; `pm` already holds the whys their `addresses` names."""
    why_ids = {row.why.id for _, row in whytree.walk(pm)}
    out = []
    for path, obj in reader.objects(doc, "action_items"):
        due_text = obj.get("due")
        due = reader.guarded(f"{path}.due", lambda due_text=due_text: timeutil.parse_date(due_text))
        out.append(
            ActionItem(
                title=reader.text(obj, "title", f"{path}.title", required=True),
                owner=reader.text(obj, "owner", f"{path}.owner"),
                due=due,
                priority=reader.choice(obj, "priority", f"{path}.priority", Priority, Priority.P2),
                type=reader.choice(obj, "type", f"{path}.type", ActionType, ActionType.OTHER),
                ticket=reader.text(obj, "ticket", f"{path}.ticket"),
                status=reader.choice(
                    obj, "status", f"{path}.status", ActionStatus, ActionStatus.OPEN
                ),
                addresses=_addresses(reader, obj, f"{path}.addresses", pm, why_ids),
                id=reader.ident(obj, path),
                closed_on=reader.guarded(
                    f"{path}.closed_on", lambda obj=obj: timeutil.parse_date(obj.get("closed_on"))
                ),
                note=reader.text(obj, "note", f"{path}.note"),
            )
        )
    return out


def _addresses(
    reader: _Reader, obj: dict[str, Any], path: str, pm: Postmortem, why_ids: set[str]
) -> str:
    """The id of the why an action item addresses: version 3 gives the id; versions 1
    and 2 gave the why's text, which means the first why that reads so."""
    raw = reader.text(obj, "addresses", path)
    if reader.version >= 3:
        if raw and raw not in why_ids:
            reader.fail(path, f"{json.dumps(raw, ensure_ascii=False)} is not the id of a why")
            return ""
        return raw
    text = " ".join(raw.split())
    if not text:
        return ""
    why = whytree.first_with_text(pm, text)
    if why is None:
        reader.fail(path, f"{json.dumps(text, ensure_ascii=False)} is not the text of any why")
        return ""
    return why.id


MAX_TAG = 40


def normal_tag(text: str) -> str:
    """A tag as stored: lower case, single spaces."""
    return " ".join(str(text).lower().split())


def _tags(reader: _Reader, obj: dict[str, Any], key: str, where: str = "") -> list[str]:
    path = f"{where}.{key}" if where else key
    out: list[str] = []
    for i, value in enumerate(reader.items(obj, key, path)):
        if not isinstance(value, str) or not normal_tag(value):
            reader.fail(f"{path}[{i}]", "must be non-empty text")
            continue
        tag = normal_tag(value)
        if len(tag) > MAX_TAG:
            reader.fail(f"{path}[{i}]", f"a tag is at most {MAX_TAG} characters")
        elif tag not in out:
            out.append(tag)
    return out


def _history(reader: _Reader, doc: dict[str, Any]) -> list[StatusChange]:
    out = []
    for path, obj in reader.objects(doc, "history"):
        status = reader.choice(obj, "status", f"{path}.status", Status, Status.DRAFT)
        raw = obj.get("at")
        if not isinstance(raw, str):
            reader.fail(f"{path}.at", "must be a time (ISO 8601)")
            continue
        at = reader.guarded(f"{path}.at", lambda raw=raw: timeutil.parse_iso(raw, UTC))
        if at is None:
            reader.fail(f"{path}.at", "is not a time")
            continue
        by = reader.text(obj, "by", f"{path}.by")
        out.append(StatusChange(status, by, at, reader.text(obj, "note", f"{path}.note")))
    return out


def _follow_ups(reader: _Reader, doc: dict[str, Any]) -> list[FollowUp]:
    out = []
    for path, obj in reader.objects(doc, "follow_ups"):
        out.append(
            FollowUp(
                meeting_id=reader.text(obj, "meeting_id", f"{path}.meeting_id", required=True),
                action_id=reader.text(obj, "action_id", f"{path}.action_id", required=True),
                title=reader.text(obj, "title", f"{path}.title"),
                decision=reader.text(obj, "decision", f"{path}.decision", required=True),
            )
        )
    return out


def _meeting(reader: _Reader, raw: Any, tz: tzinfo, *, keep_identity: bool) -> MeetingFacts:
    facts = MeetingFacts()
    if raw is None:
        return facts
    if (obj := reader.mapping(raw, "meeting")) is None:
        return facts
    held = obj.get("held_at")
    if held not in (None, ""):
        if isinstance(held, str):
            facts.held_at = reader.guarded("meeting.held_at", lambda: timeutil.parse_iso(held, tz))
        else:
            reader.fail("meeting.held_at", "must be text")
    facts.facilitator = reader.text(obj, "facilitator", "meeting.facilitator")
    for i, stage in enumerate(reader.items(obj, "agenda", "meeting.agenda")):
        path = f"meeting.agenda[{i}]"
        if (entry := reader.mapping(stage, path)) is None:
            continue
        numbers = []
        for key in ("planned_s", "spent_s", "extension_s"):
            value = entry.get(key, 0)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                reader.fail(f"{path}.{key}", "must be a whole number of seconds")
                value = 0
            numbers.append(value)
        facts.agenda.append(
            StageRecord(
                stage=reader.text(entry, "stage", f"{path}.stage", required=True),
                title=reader.text(entry, "title", f"{path}.title"),
                planned_s=numbers[0],
                spent_s=numbers[1],
                extension_s=numbers[2],
                skipped=entry.get("skipped") is True,
            )
        )
    clock = obj.get("clock")
    if keep_identity and clock is not None:
        if isinstance(clock, dict):
            facts.clock = clock
        else:
            reader.fail("meeting.clock", "must be an object")
    board = obj.get("contributions")
    if keep_identity and isinstance(board, dict):
        facts.contributions = board  # checked by pmtui.core.contrib.Board.from_dict
    return facts


DRAFT_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
MAX_DRAFTS = 64


def _drafts(reader: _Reader, raw: Any) -> dict[str, str]:
    """Optional `drafts`: entry line -> text typed there but not yet added."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or len(raw) > MAX_DRAFTS:
        reader.fail("drafts", f"must be an object of at most {MAX_DRAFTS} texts")
        return {}
    drafts = {}
    for key, text in raw.items():
        if not DRAFT_KEY.match(key) or not isinstance(text, str):
            reader.fail(f"drafts.{key}"[:80], "must be text under a short key")
            continue
        if text:
            drafts[key] = text
    return drafts


def _conflicts(reader: _Reader, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The optional `conflicts` list a sync merge leaves (objects with a string `id`)."""
    raw = doc.get("conflicts")
    if raw is None:
        return []
    if not isinstance(raw, list):
        reader.fail("conflicts", "must be a list")
        return []
    kept = []
    for n, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            reader.fail(f"conflicts[{n}]", "must be an object with an id")
            continue
        kept.append(copy.deepcopy(item))
    return kept


def _identity(reader: _Reader, doc: dict[str, Any], pm: Postmortem) -> None:
    meeting_id = doc.get("id")
    if not isinstance(meeting_id, str) or not meeting_id:
        reader.fail("id", "is missing")
    else:
        pm.id = meeting_id
    for key in ("created_at", "updated_at"):
        raw = doc.get(key)
        if isinstance(raw, str):
            value = reader.guarded(key, lambda raw=raw: timeutil.parse_iso(raw, UTC))
            if value is not None:
                setattr(pm, key, value)


def to_document(pm: Postmortem, *, with_metrics: bool = True) -> dict[str, Any]:
    """The document for a meeting; `metrics` is read-only and ignored on import.

    Version 3, with every item's id; a record with no items at all says version 1,
    which it also is, so older pmtui still reads it."""
    version = FORMAT_VERSION if _has_items(pm) else 1
    doc: dict[str, Any] = {"pmtui": version, "id": pm.id, "title": pm.title}
    for key in HEAD_FIELDS:
        doc[key] = getattr(pm, key)
    doc["status"] = pm.status.value
    doc["timezone"] = pm.timezone
    for key in BODY_FIELDS:
        doc[key] = getattr(pm, key)
    doc["participants"] = [{"name": p.name, "role": p.role} for p in pm.participants]
    doc["timeline"] = _timeline_document(pm.timeline)
    for key in LESSON_FIELDS:
        doc[key] = [
            {"id": n.id, "text": n.text, **({"votes": n.votes} if n.votes else {})}
            for n in getattr(pm, key)
        ]
    doc["whys"] = [
        {"id": w.id, "problem": w.problem, "answers": _answers_document(w.answers)} for w in pm.whys
    ]
    doc["action_items"] = [
        {
            "id": a.id,
            "title": a.title,
            "owner": a.owner,
            "due": a.due.isoformat() if a.due else "",
            "priority": a.priority.value,
            "type": a.type.value,
            "ticket": a.ticket,
            "status": a.status.value,
            **({"addresses": a.addresses} if a.addresses else {}),
            **({"closed_on": a.closed_on.isoformat()} if a.closed_on else {}),
            **({"note": a.note} if a.note else {}),
        }
        for a in pm.action_items
    ]
    # Follow-through fields (tags, the review history, follow-up decisions) are written
    # only when there are some: an older pmtui ignores them, and a record without them
    # reads exactly as before.
    if pm.tags:
        doc["tags"] = list(pm.tags)
    if pm.history:
        doc["history"] = [
            {
                "status": h.status.value,
                "by": h.by,
                "at": timeutil.format_utc(h.at),
                **({"note": h.note} if h.note else {}),
            }
            for h in pm.history
        ]
    if pm.follow_ups:
        doc["follow_ups"] = [
            {
                "meeting_id": f.meeting_id,
                "action_id": f.action_id,
                "title": f.title,
                "decision": f.decision,
            }
            for f in pm.follow_ups
        ]
    doc["meeting"] = {
        "held_at": timeutil.format_utc(pm.meeting.held_at) if pm.meeting.held_at else None,
        "facilitator": pm.meeting.facilitator,
        "agenda": [_stage_document(s) for s in pm.meeting.agenda],
    }
    if with_metrics:  # a stored record has none (to_record): opening a meeting loads no metrics
        from pmtui.core import metrics

        doc["metrics"] = metrics.compute(pm).as_dict()
    return doc


class WrittenEvent(dict[str, Any]):
    """An event's written form, which refuses changes (copy it with `dict()`; `copy` and
    `deepcopy` give plain dicts). It is hashable, as values that never change are: the
    store then trusts one it has written before by identity alone, without comparing it
    with a copy, and so does the summary. A change in place raises instead of being
    written (or not) depending on which cache saw it first."""

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("an event's written form cannot be changed; copy it with dict()")

    __setitem__ = __delitem__ = __ior__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return dict(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))


# Each event's written form, kept while the event is the same object: every save writes
# every event again, and a timeline of 10,000 events took longer to write than the disk.
# Events are frozen (an edit replaces one), and so are their written forms: the same
# event always reads the same, and the same object is handed out each time, which lets
# the store find its text by identity too.
_WRITTEN: dict[int, tuple[TimelineEvent, WrittenEvent]] = {}


def _event_document(e: TimelineEvent) -> WrittenEvent:
    cached = _WRITTEN.get(id(e))
    if cached is not None and cached[0] is e:
        return cached[1]
    written = {"id": e.id, "at": timeutil.format_utc(e.at), "text": e.text, "kind": e.kind.value}
    if e.source:
        written["source"] = e.source
    if len(_WRITTEN) > 50_000:
        _WRITTEN.clear()
    frozen = WrittenEvent(written)
    _WRITTEN[id(e)] = (e, frozen)
    return frozen


# The last timeline written, as (its events, their documents in time order): a save of
# an unchanged timeline of 10,000 events reuses the list, unsorted.
_LAST_TIMELINE: tuple[list[TimelineEvent], list[WrittenEvent]] = ([], [])


def _timeline_document(events: list[TimelineEvent]) -> list[dict[str, Any]]:
    """Events by time as documents; equal times keep the order they were entered in."""
    global _LAST_TIMELINE
    seen, documents = _LAST_TIMELINE
    if events and len(seen) == len(events) and all(map(operator.is_, seen, events)):
        return list(documents)
    documents = [_event_document(e) for e in sorted(events, key=_event_time)]
    _LAST_TIMELINE = (list(events), documents)
    return list(documents)


def _event_time(e: TimelineEvent) -> datetime:
    return e.at


def _stage_document(s: StageRecord) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "stage": s.stage,
        "title": s.title,
        "planned_s": s.planned_s,
        "spent_s": s.spent_s,
    }
    if s.extension_s:  # optional: left out when 0, as files before it had none
        doc["extension_s"] = s.extension_s
    if s.skipped:
        doc["skipped"] = True
    return doc


def _has_items(pm: Postmortem) -> bool:
    """Whether the record holds anything with an id (so it needs version 3)."""
    lists = (pm.timeline, pm.went_right, pm.went_wrong, pm.got_lucky, pm.whys, pm.action_items)
    return any(lists)


def to_record(pm: Postmortem) -> dict[str, Any]:
    """What the store keeps: the document plus pmtui's own fields, without derived metrics."""
    record = to_document(pm, with_metrics=False)
    record["created_at"] = timeutil.format_utc(pm.created_at)
    record["updated_at"] = timeutil.format_utc(pm.updated_at)
    if pm.meeting.clock is not None:
        record["meeting"]["clock"] = pm.meeting.clock
    if pm.drafts:  # the archive keeps them; exports (to_document) leave them out
        record["drafts"] = dict(pm.drafts)
    if pm.conflicts:
        record["conflicts"] = copy.deepcopy(pm.conflicts)
    if pm.meeting.contributions is not None:
        record["meeting"]["contributions"] = pm.meeting.contributions
    return record


def from_record(record: dict[str, Any], *, source: str = "") -> Postmortem:
    return from_document(record, source=source, keep_identity=True)


# The types of each field `summarize` writes: a summary file with anything else (a title
# that is a number, a hand-edited index) is not trusted and is rebuilt from the meeting.
SUMMARY_TYPES: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "severity": str,
    "status": str,
    "incident_at": (str, type(None)),
    "held_at": (str, type(None)),
    "open_actions": int,
    "open_due": str,
    "tags": str,
    "actions": int,
    "marker_s": str,
    "open_items": str,
    "created_at": (str, type(None)),
}


def summarize(record: dict[str, Any]) -> dict[str, Any]:
    """The index entry for `pmtui list`, read straight from a record (cheap on every save).

    Nothing here changes on every keystroke, so most saves leave the summary alone.
    """
    timeline = record.get("timeline") or []
    first, earliest = _first_times(timeline)
    held = (record.get("meeting") or {}).get("held_at")
    items = record.get("action_items") or []
    return {
        "id": record["id"],
        "title": record.get("title", ""),
        "severity": record.get("severity", ""),
        "status": record.get("status", "draft"),
        "incident_at": first.get("start", earliest),
        "held_at": held,
        "open_actions": sum(1 for a in items if a.get("status", "open") == "open"),
        # For the action ledger without reading every meeting: each open item as
        # "<id> P1 2026-12-01" (or "<id> P1 -" when due by policy), joined by ";".
        "open_due": ";".join(
            f"{a.get('id', '-')} {a.get('priority', 'P2')} {a.get('due') or '-'}"
            for a in items
            if a.get("status", "open") == "open"
        ),
        "tags": ";".join(_all_tags(record)),
        "actions": len(items),
        # The open items as the ledger lists them, as one JSON text (summaries hold
        # single values): [[id, priority, due or "", owner, title], ...].
        "open_items": json.dumps(
            [
                [
                    a.get("id", "-"),
                    a.get("priority", "P2"),
                    a.get("due") or "",
                    a.get("owner", ""),
                    a.get("title", ""),
                ]
                for a in items
                if isinstance(a, dict) and a.get("status", "open") == "open"
            ],
            ensure_ascii=False,
        ),
        "created_at": record.get("created_at"),
        # Seconds from impact start to the first detection, mitigation and resolution
        # ("180,5880,45900"; empty where a marker is missing), for `pmtui stats`.
        "marker_s": _marker_seconds(first),
    }


_MARKERS = ("start", "detection", "mitigation", "resolution")


# The last timeline summarised and what `_first_times` found in it: its events when they
# were all written forms (which cannot change, so the same objects are the same events),
# else copies of them to compare with.
_LAST_FIRSTS: tuple[list[Any], bool, tuple[dict[str, str], str | None]] = ([], False, ({}, None))


def _first_times(timeline: list[Any]) -> tuple[dict[str, str], str | None]:
    """The first time of each marker kind, and the earliest time of all. A save summarises
    the record every time, and for 10,000 events this was most of it: an unchanged
    timeline gives what it gave last time. Written forms are the same when they are the
    same objects; other events (a record read from a file) are compared in C."""
    global _LAST_FIRSTS
    seen, frozen, found = _LAST_FIRSTS
    if (
        timeline
        and len(seen) == len(timeline)
        and (all(map(operator.is_, seen, timeline)) if frozen else timeline == seen)
    ):
        return dict(found[0]), found[1]
    found = _scan_times(timeline)
    frozen = all(type(e) is WrittenEvent for e in timeline)
    _LAST_FIRSTS = (list(timeline) if frozen else [dict(e) for e in timeline], frozen, found)
    return dict(found[0]), found[1]


def _scan_times(timeline: list[Any]) -> tuple[dict[str, str], str | None]:
    firsts: dict[str, str] = {}
    earliest = None
    for event in timeline:
        # A record whose timeline holds anything else cannot be summarised (the store
        # reports it as damaged).
        at = event["at"]
        if type(at) is not str:
            raise TypeError("an event's time is not text")
        if earliest is None or at < earliest:
            earliest = at
        kind = event.get("kind")
        if kind in _MARKERS and (kind not in firsts or at < firsts[kind]):
            firsts[kind] = at
    return firsts, earliest


def _marker_seconds(firsts: dict[str, str]) -> str:
    if "start" not in firsts:
        return ",,"
    try:
        start = datetime.fromisoformat(firsts["start"].replace("Z", "+00:00"))
        out = []
        for kind in ("detection", "mitigation", "resolution"):
            at = firsts.get(kind)
            when = datetime.fromisoformat(at.replace("Z", "+00:00")) if at else None
            out.append(str(int((when - start).total_seconds())) if when else "")
    except ValueError:
        return ",,"
    return ",".join(out)


def _all_tags(record: dict[str, Any]) -> list[str]:
    """The meeting's tags and its whys' tags, each once."""
    found: list[str] = [t for t in record.get("tags") or [] if isinstance(t, str)]

    def walk(answers: Any) -> None:
        for answer in answers if isinstance(answers, list) else []:
            if isinstance(answer, dict):
                found.extend(t for t in answer.get("tags") or [] if isinstance(t, str))
                for branch in answer.get("branches") or []:
                    walk(branch)

    for chain in record.get("whys") or []:
        if isinstance(chain, dict):
            walk(chain.get("answers"))
    return list(dict.fromkeys(found))


def parse_session(raw: bytes, *, source: str = "") -> Postmortem:
    """A session file's bytes, checked and read; every failure is one SessionFileError.

    Reading the file is the application layer's (`pmtui.service.files`)."""
    if len(raw) > MAX_FILE_BYTES:
        raise SessionFileError(
            f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, the most a session file may be",
            source=source,
        )
    try:
        doc = jsondoc.parse(raw)
    except jsondoc.DocumentError as error:
        raise SessionFileError(
            error.problem, path=error.path, source=source, more=error.more
        ) from None
    return from_document(doc, source=source)


def dumps(doc: dict[str, Any]) -> str:
    """The document as the format writes it; C1, bidi and similar characters escaped."""
    return json_for_terminal(doc, indent=2) + "\n"


def touch(pm: Postmortem) -> None:
    """Mark the record as changed now."""
    pm.updated_at = datetime.now(UTC)
