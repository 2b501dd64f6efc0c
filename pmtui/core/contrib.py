"""Participants' contributions: the inbox line format, its signature, and the board.

A participant never writes the record. Each writes signed lines to an inbox of their own;
the facilitator's session reads them and this module decides, purely, what each line
does to the meeting: a note (held back while the stage is in silent writing, else added
to its column) or a dot vote (never past the participant's N, never while voting is
locked). The board (`Board`) is the part of the record that keeps the accounting: who
has used which votes, the notes held back, how far each inbox has been read.

Signing: each line carries an HMAC-SHA256 over its canonical JSON, keyed by a secret
derived from the meeting's join code, the meeting id and the participant's name. Without
the code a line cannot be made; a line claiming a name other than its inbox's owner, a
sequence number already seen, or a vote over the limit is refused.

Names: the record keys participants by a pseudonym (an HMAC of the name), so notes and
votes are anonymous in the record and the minutes; `names` on keeps who is who.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field, replace
from typing import Any

from pmtui.core.controls import first_file_control

COLUMNS = ("went_right", "went_wrong", "got_lucky")
DEFAULT_VOTES = 3
MAX_VOTES = 99
MAX_TEXT = 500  # characters in one note
MAX_LINE = 4096  # bytes in one inbox line
MAX_NAME = 40
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud, typed once
CODE_LENGTH = 6
FORMAT = 1


class ContribError(ValueError):
    """A line or a request that is refused; the message is one line for the facilitator."""


# -- the join code and the keys derived from it ------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(code: str) -> str:
    """As typed: case and spaces or dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def check_name(name: str) -> str:
    """A participant's name, trimmed; ContribError when it cannot be one."""
    name = " ".join(name.split())
    if not name:
        raise ContribError("a name is needed")
    if len(name) > MAX_NAME:
        raise ContribError(f"a name is at most {MAX_NAME} characters")
    if any(not ch.isprintable() for ch in name) or first_file_control(name):
        raise ContribError("a name cannot hold control characters")
    return name


def _mac(key: bytes, *parts: str) -> bytes:
    return hmac.new(key, "\0".join(parts).encode(), hashlib.sha256).digest()


def verifier(code: str, salt: str) -> str:
    """What a participant checks a typed code against (the code itself is not published)."""
    return hashlib.pbkdf2_hmac("sha256", normal_code(code).encode(), salt.encode(), 50_000).hex()


def participant_key(code: str, meeting_id: str, name: str) -> bytes:
    """The secret that signs one participant's lines in one meeting."""
    return _mac(normal_code(code).encode(), "pmtui-participant", meeting_id, name.casefold())


def pseudonym(code: str, meeting_id: str, name: str) -> str:
    """How the record names a participant without naming them."""
    digest = _mac(normal_code(code).encode(), "pmtui-pseudonym", meeting_id, name.casefold())
    return "p" + digest.hex()[:11]


# -- inbox lines ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One verified inbox line."""

    seq: int
    author: str
    kind: str  # "note" or "vote"
    column: str = ""
    text: str = ""
    note: str = ""  # the note voted on
    step: int = 0  # +1 or -1


def _canonical(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def sign(entry: Entry, key: bytes) -> bytes:
    """The inbox line for `entry` (ending in a newline)."""
    obj: dict[str, Any] = {"v": FORMAT, "seq": entry.seq, "author": entry.author}
    obj["kind"] = entry.kind
    if entry.kind == "note":
        obj |= {"column": entry.column, "text": entry.text}
    else:
        obj |= {"note": entry.note, "step": entry.step}
    obj["mac"] = hmac.new(key, _canonical(obj), hashlib.sha256).hexdigest()
    line = _canonical(obj) + b"\n"
    if len(line) > MAX_LINE:
        raise ContribError("that note is too long")
    return line


def note_entry(seq: int, author: str, column: str, text: str) -> Entry:
    """A new note, checked as the facilitator will check it."""
    text = " ".join(text.split())
    if column not in COLUMNS:
        raise ContribError(f"{column} is not one of {', '.join(COLUMNS)}")
    if not text:
        raise ContribError("type something first")
    if (problem := first_file_control(text) or _bidi(text)) is not None:
        raise ContribError(f"a note cannot hold a {problem}")
    if len(text) > MAX_TEXT:
        raise ContribError(f"a note is at most {MAX_TEXT} characters")
    return Entry(seq, author, "note", column=column, text=text)


def _bidi(text: str) -> str | None:
    """Bidi overrides and isolates reorder what a reader sees (a note could show one thing
    and say another)."""
    for ch in text:
        if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069":
            return f"direction control U+{ord(ch):04X}"
    return None


def read_line(raw: bytes, owner: str, key: bytes) -> Entry:
    """Verify one inbox line (without its newline) of `owner`'s inbox."""
    if len(raw) > MAX_LINE:
        raise ContribError(f"a line of {len(raw)} bytes (the limit is {MAX_LINE})")
    try:
        obj = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ContribError("a line that is not UTF-8") from None
    except (ValueError, RecursionError):  # RecursionError: nested past what json reads
        raise ContribError("a line that is not JSON") from None
    if not isinstance(obj, dict):
        raise ContribError("a line that is not a JSON object")
    mac = obj.pop("mac", None)
    if not isinstance(mac, str):
        raise ContribError("an unsigned line")
    expected = hmac.new(key, _canonical(obj), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac, expected):
        raise ContribError("a line with a wrong signature (forged, or not this meeting's code)")
    if obj.get("author") != owner:
        raise ContribError(f"a line claiming to be by {str(obj.get('author'))[:40]!r}")
    if obj.get("v") != FORMAT:
        raise ContribError("a line of an unknown format")
    seq = obj.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise ContribError("a line without a sequence number")
    kind = obj.get("kind")
    if kind == "note":
        column, text = obj.get("column"), obj.get("text")
        if not isinstance(column, str) or not isinstance(text, str):
            raise ContribError("a note without a column or text")
        return note_entry(seq, owner, column, text)  # checked as the participant's was
    if kind == "vote":
        note, step = obj.get("note"), obj.get("step")
        if not isinstance(note, str) or step not in (1, -1) or isinstance(step, bool):
            raise ContribError("a vote without a note or with a step other than +1/-1")
        return Entry(seq, owner, "vote", note=note, step=step)
    raise ContribError("a line of an unknown kind")


# -- the board: what the record keeps of contributions -------------------------------------


@dataclass(frozen=True)
class Pending:
    """A note written in silence, not revealed yet."""

    id: str
    column: str
    text: str
    by: str  # pseudonym


@dataclass(frozen=True)
class Board:
    votes_per_person: int = DEFAULT_VOTES
    writing: bool = False  # silent writing: new notes are held back until revealed
    names: bool = False  # the record keeps who wrote what
    voting_locked: bool = False
    seen: dict[str, int] = field(default_factory=dict)  # pseudonym -> last seq read
    used: dict[str, dict[str, int]] = field(default_factory=dict)  # pseudonym -> note -> votes
    pending: tuple[Pending, ...] = ()
    authors: dict[str, tuple[str, ...]] = field(default_factory=dict)  # note -> pseudonyms
    people: dict[str, str] = field(default_factory=dict)  # pseudonym -> name (names on)
    merged: dict[str, str] = field(default_factory=dict)  # a merged note -> the one kept

    def votes_left(self, who: str) -> int:
        return self.votes_per_person - sum(self.used.get(who, {}).values())

    def pending_count(self) -> int:
        return len(self.pending)

    def resolve(self, note_id: str) -> str:
        """The note a (possibly merged) note id stands for now."""
        for _ in range(len(self.merged) + 1):
            if note_id not in self.merged:
                return note_id
            note_id = self.merged[note_id]
        return note_id

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "votes_per_person": self.votes_per_person,
            "writing": self.writing,
            "names": self.names,
            "voting_locked": self.voting_locked,
            "seen": dict(self.seen),
            "used": {k: dict(v) for k, v in self.used.items() if v},
            "pending": [vars(p).copy() for p in self.pending],
            "authors": {k: list(v) for k, v in self.authors.items()},
            "merged": dict(self.merged),
        }
        if self.names:
            out["people"] = dict(self.people)
        return out

    @classmethod
    def from_dict(cls, raw: object) -> Board:
        """The board a record keeps; anything malformed in it is dropped, never raised."""
        if not isinstance(raw, dict):
            return cls()

        def flag(key: str) -> bool:
            return raw.get(key) is True

        def strmap(value: object) -> dict[str, Any]:
            return (
                {k: v for k, v in value.items() if isinstance(k, str)}
                if isinstance(value, dict)
                else {}
            )

        n = raw.get("votes_per_person", DEFAULT_VOTES)
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_VOTES:
            n = DEFAULT_VOTES
        seen = {k: v for k, v in strmap(raw.get("seen")).items() if _count(v)}
        used = {
            who: {k: v for k, v in strmap(notes).items() if _count(v) and v > 0}
            for who, notes in strmap(raw.get("used")).items()
        }
        pending = []
        items = raw.get("pending")
        for item in items if isinstance(items, list) else []:
            if (
                isinstance(item, dict)
                and all(isinstance(item.get(k), str) for k in ("id", "column", "text", "by"))
                and item["column"] in COLUMNS
                and item["text"].strip()
            ):
                pending.append(Pending(item["id"], item["column"], item["text"], item["by"]))
        authors = {
            k: tuple(x for x in v if isinstance(x, str))
            for k, v in strmap(raw.get("authors")).items()
            if isinstance(v, list)
        }
        people = {k: v for k, v in strmap(raw.get("people")).items() if isinstance(v, str)}
        merged = {k: v for k, v in strmap(raw.get("merged")).items() if isinstance(v, str)}
        return cls(
            votes_per_person=n,
            writing=flag("writing"),
            names=flag("names"),
            voting_locked=flag("voting_locked"),
            seen=seen,
            used=used,
            pending=tuple(pending),
            authors=authors,
            people=people,
            merged=merged,
        )


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def note_id(who: str, seq: int) -> str:
    """A participant's note's id: the same on every read of the inbox."""
    return f"{who}-{seq}"


@dataclass(frozen=True)
class Outcome:
    """What one entry does: the new board, and the change to the record's columns."""

    board: Board
    add: tuple[str, str, str] | None = None  # (note id, column, text) to add now
    vote: tuple[str, int] | None = None  # (note id, step) to apply now
    problem: str | None = None  # refused, with this reason (the line is still consumed)


def apply(board: Board, who: str, name: str, entry: Entry, notes: set[str]) -> Outcome:
    """What `entry` from participant `who` (pseudonym; `name` as typed) does to the meeting.

    `notes`: the ids of the notes in the record's columns now. An entry already seen (its
    seq not above the inbox's last) does nothing at all: reading an inbox twice is safe."""
    last = board.seen.get(who, 0)
    if entry.seq <= last:
        return Outcome(board, problem=None)
    board = replace(board, seen={**board.seen, who: entry.seq})
    if board.names and board.people.get(who) != name:
        board = replace(board, people={**board.people, who: name})
    if entry.kind == "note":
        nid = note_id(who, entry.seq)
        board = replace(board, authors={**board.authors, nid: (who,)})
        if board.writing:
            held = Pending(nid, entry.column, entry.text, who)
            return Outcome(replace(board, pending=(*board.pending, held)))
        return Outcome(board, add=(nid, entry.column, entry.text))
    target = board.resolve(entry.note)
    if board.voting_locked:
        return Outcome(board, problem=f"{name}: a vote after voting was locked")
    if target not in notes:
        return Outcome(board, problem=f"{name}: a vote on a note that is not there")
    mine = dict(board.used.get(who, {}))
    if entry.step > 0:
        if board.votes_left(who) <= 0:
            return Outcome(
                board, problem=f"{name}: a vote over the limit of {board.votes_per_person}"
            )
        mine[target] = mine.get(target, 0) + 1
    else:
        if mine.get(target, 0) <= 0:
            return Outcome(board, problem=f"{name}: taking back a vote never given")
        mine[target] -= 1
        if not mine[target]:
            del mine[target]
    return Outcome(replace(board, used={**board.used, who: mine}), vote=(target, entry.step))


def reveal(board: Board) -> tuple[Board, tuple[Pending, ...]]:
    """End silent writing: the notes held back, to add to their columns in order."""
    return replace(board, writing=False, pending=()), board.pending


def merge(board: Board, keep: str, gone: str) -> Board:
    """Fold note `gone` into `keep`: its authors and the votes given to it move over."""
    authors = dict(board.authors)
    joined = tuple(dict.fromkeys((*authors.get(keep, ()), *authors.pop(gone, ()))))
    if joined:
        authors[keep] = joined
    used = {}
    for who, mine in board.used.items():
        mine = dict(mine)
        if gone in mine:
            mine[keep] = mine.get(keep, 0) + mine.pop(gone)
        used[who] = mine
    merged = {k: (keep if v == gone else v) for k, v in board.merged.items()}
    merged[gone] = keep
    return replace(board, authors=authors, used=used, merged=merged)


def with_names(board: Board, on: bool, people: dict[str, str]) -> Board:
    """Turn names on (keeping who is who from `people`) or off (forgetting them)."""
    return replace(board, names=on, people=dict(people) if on else {})


def byline(board: Board, note: str) -> str:
    """Who wrote a note, for the minutes: empty unless names are on."""
    if not board.names:
        return ""
    return ", ".join(board.people.get(p, "?") for p in board.authors.get(note, ()))


# -- what an outcome does to the record's columns (applied to each undo step too) ---------


def add_note(pm: Any, nid: str, column: str, text: str) -> None:
    """Add a participant's note to its column, unless a note with its id is there."""
    from pmtui.core.models import Note

    if any(n.id == nid for c in COLUMNS for n in getattr(pm, c)):
        return
    getattr(pm, column).append(Note(text, 0, nid))


def add_votes(pm: Any, nid: str, step: int) -> None:
    """Add a dot vote to (or take one from) the note with this id, where it is."""
    for column in COLUMNS:
        notes = getattr(pm, column)
        for i, n in enumerate(notes):
            if n.id == nid:
                notes[i] = replace(n, votes=max(0, n.votes + step))
                return


def note_ids(pm: Any) -> set[str]:
    return {n.id for c in COLUMNS for n in getattr(pm, c)}
