"""Three-way merge of two meeting records by stable ids, field by field, never by lines.

`merge_records(base, ours, theirs)` takes three records as plain JSON values (dicts as the
store keeps them; None for a meeting that does not exist on that side) and gives the
merged record and the conflicts this merge found:

- a field changed on one side only takes that change;
- lists of items with ids (timeline, notes, whys and their answers, action items, and any
  list a later pmtui adds whose items carry an `id`) merge item by item: both sides' new
  items are kept, an item deleted on one side and untouched on the other goes, an item
  deleted on one side and edited on the other is kept and flagged;
- the same field changed on both sides keeps the change of the record saved later (its
  `updated_at`; equal times are broken by content, so both laptops choose alike) and the
  other value is written into the record's `conflicts` list, so no edit is lost;
- the meeting's clock and agenda times are bookkeeping: the later side's win silently.

Text is only ever compared as a value, so a title holding `<<<<<<<`, `=======` or new
lines is just a title. A conflict is a plain dict (see `Conflict` for its fields), kept in
the record until someone resolves it with `resolve`.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

CONFLICTS = "conflicts"
BOTH_CHANGED = "both changed"
DELETED = "deleted and edited"
# Paths whose both-sided changes are not worth a person's attention: the later side wins.
_QUIET = {("meeting", "clock"), ("meeting", "agenda"), ("pmtui",)}
# Labels for the places a conflict can be, as a reader says them.
_SECTIONS = {
    "timeline": "timeline event",
    "went_right": "note (went right)",
    "went_wrong": "note (went wrong)",
    "got_lucky": "note (got lucky)",
    "whys": "why chain",
    "answers": "why",
    "action_items": "action item",
}
_NAMES = ("title", "text", "problem", "name")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class ResolveError(ValueError):
    """A conflict that cannot be resolved as asked (unknown id, the item is gone)."""


@dataclass(frozen=True)
class Conflict:
    """One conflict as stored in a record's `conflicts` list (`as_dict`).

    `path` walks the record: dict keys, and for lists of items the item's id. `kept` is
    the value the record holds now, `other` the value it replaced (None: the other side
    deleted the item). `kept_at`/`other_at` are the two records' `updated_at`."""

    id: str
    kind: str
    path: tuple[str, ...]
    where: str
    kept: Any
    other: Any
    kept_at: str
    other_at: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "path": list(self.path),
            "where": self.where,
            "kept": self.kept,
            "other": self.other,
            "kept_at": self.kept_at,
            "other_at": self.other_at,
        }


@dataclass
class MergeResult:
    record: dict[str, Any] | None  # None: the meeting is deleted on both sides' account
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # found by this merge


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def conflict_id(kind: str, path: Iterable[str], kept: Any, other: Any) -> str:
    """The same conflict found on two laptops gets the same id."""
    text = _canonical([kind, list(path), kept, other])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _stamp(record: dict[str, Any]) -> str:
    value = record.get("updated_at")
    return value if isinstance(value, str) else ""


def _is_item_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, dict) and isinstance(v.get("id"), str) for v in value)
    )


def _item_lists(*values: Any) -> bool:
    """All present values are lists of items with ids, and at least one holds some."""
    present = [v for v in values if v is not MISSING and v != []]
    return bool(present) and all(_is_item_list(v) for v in present)


class _Merger:
    def __init__(self, ours: dict[str, Any], theirs: dict[str, Any]) -> None:
        self.ours_at, self.theirs_at = _stamp(ours), _stamp(theirs)
        if self.ours_at != self.theirs_at:
            self.theirs_win = self.theirs_at > self.ours_at
        else:
            self.theirs_win = _canonical(theirs) > _canonical(ours)
        self.found: list[Conflict] = []

    def _where(self, path: tuple[str, ...], labels: tuple[str, ...]) -> str:
        return " › ".join(labels) if labels else ".".join(path)

    def conflict(
        self,
        kind: str,
        path: tuple[str, ...],
        labels: tuple[str, ...],
        kept: Any,
        other: Any,
        *,
        kept_ours: bool | None = None,
    ) -> None:
        """Record a conflict. The kept value is the later side's (`theirs_win`) unless
        `kept_ours` says which side it came from (an edit kept against a delete)."""
        ours_kept = not self.theirs_win if kept_ours is None else kept_ours
        kept_v = None if kept is MISSING else kept
        other_v = None if other is MISSING else other
        self.found.append(
            Conflict(
                id=conflict_id(kind, path, kept_v, other_v),
                kind=kind,
                path=path,
                where=self._where(path, labels),
                kept=kept_v,
                other=other_v,
                kept_at=self.ours_at if ours_kept else self.theirs_at,
                other_at=self.theirs_at if ours_kept else self.ours_at,
            )
        )

    def value(
        self, path: tuple[str, ...], labels: tuple[str, ...], base: Any, ours: Any, theirs: Any
    ) -> Any:
        if ours == theirs:
            return ours
        if base == ours:
            return theirs
        if base == theirs:
            return ours
        # Changed on both sides, differently.
        if isinstance(ours, dict) and isinstance(theirs, dict):
            return self.mapping(path, labels, base if isinstance(base, dict) else {}, ours, theirs)
        if _item_lists(base, ours, theirs):
            return self.items(
                path,
                labels,
                base if isinstance(base, list) else [],
                ours if isinstance(ours, list) else [],
                theirs if isinstance(theirs, list) else [],
            )
        if ours is MISSING or theirs is MISSING:
            return theirs if ours is MISSING else ours  # a field gone on one side: keep the edit
        kept, other = (theirs, ours) if self.theirs_win else (ours, theirs)
        if path[:2] not in _QUIET and path[:1] not in _QUIET:
            self.conflict(BOTH_CHANGED, path, labels, kept, other)
        return kept

    def mapping(
        self,
        path: tuple[str, ...],
        labels: tuple[str, ...],
        base: dict[str, Any],
        ours: dict[str, Any],
        theirs: dict[str, Any],
    ) -> dict[str, Any]:
        keys = list(ours) + [k for k in theirs if k not in ours]
        merged: dict[str, Any] = {}
        for key in keys:
            if not path and key in (CONFLICTS, "updated_at", "created_at"):
                continue
            field_labels = (*labels, key) if labels or path else (key,)
            value = self.value(
                (*path, key),
                field_labels,
                base.get(key, MISSING),
                ours.get(key, MISSING),
                theirs.get(key, MISSING),
            )
            if value is not MISSING:
                merged[key] = value
        return merged

    def items(
        self,
        path: tuple[str, ...],
        labels: tuple[str, ...],
        base: list[dict[str, Any]],
        ours: list[dict[str, Any]],
        theirs: list[dict[str, Any]],
    ) -> list[dict[str, Any]]:
        b = {i["id"]: i for i in base}
        o = {i["id"]: i for i in ours}
        t = {i["id"]: i for i in theirs}
        kind = _SECTIONS.get(path[-1] if path else "", path[-1] if path else "item")
        kept: dict[str, dict[str, Any]] = {}
        for item_id in list(o) + [i for i in t if i not in o]:
            bi, oi, ti = b.get(item_id, MISSING), o.get(item_id, MISSING), t.get(item_id, MISSING)
            sample = oi if oi is not MISSING else ti
            name = next((sample[k] for k in _NAMES if isinstance(sample.get(k), str)), "")
            short = name.replace("\n", " ")
            short = short if len(short) <= 40 else short[:39] + "…"
            item_labels = (*labels[:-1], f'{kind} "{short}"' if short else f"{kind} {item_id}")
            item_path = (*path, item_id)
            if oi is not MISSING and ti is not MISSING:
                kept[item_id] = self.value(item_path, item_labels, bi, oi, ti)
                continue
            present = oi if oi is not MISSING else ti
            if bi is MISSING:
                kept[item_id] = present  # new on one side
            elif present != bi:
                # Deleted on one side, edited on the other: keep the edit, flag it.
                kept[item_id] = present
                self.conflict(
                    DELETED, item_path, item_labels, present, None, kept_ours=oi is not MISSING
                )
            # else: deleted on one side, untouched on the other: gone.
        return [kept[i] for i in _order(ours, theirs, kept)]


def _order(
    ours: list[dict[str, Any]], theirs: list[dict[str, Any]], kept: dict[str, Any]
) -> list[str]:
    """Our order, with their new items placed after the item they followed in theirs."""
    result = [i["id"] for i in ours if i["id"] in kept]
    placed = set(result)
    previous: str | None = None
    for item in theirs:
        item_id = item["id"]
        if item_id in kept and item_id not in placed:
            at = result.index(previous) + 1 if previous is not None else 0
            result.insert(at, item_id)
            placed.add(item_id)
        if item_id in placed:
            previous = item_id
    return result


def _conflict_list(record: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not record:
        return []
    value = record.get(CONFLICTS)
    if not isinstance(value, list):
        return []
    return [c for c in value if isinstance(c, dict) and isinstance(c.get("id"), str)]


def _merged_conflicts(
    base: dict[str, Any] | None,
    ours: dict[str, Any] | None,
    theirs: dict[str, Any] | None,
    found: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Open conflicts of either side, less those resolved on one side, plus new ones."""
    in_base = {c["id"] for c in _conflict_list(base)}
    o, t = _conflict_list(ours), _conflict_list(theirs)
    o_ids, t_ids = {c["id"] for c in o}, {c["id"] for c in t}
    result: dict[str, dict[str, Any]] = {}
    for c in o + t:
        cid = c["id"]
        if cid in in_base and (cid not in o_ids or cid not in t_ids):
            continue  # resolved on one side
        result.setdefault(cid, c)
    for c in found:
        result.setdefault(c["id"], c)
    return list(result.values())


def merge_records(
    base: dict[str, Any] | None, ours: dict[str, Any] | None, theirs: dict[str, Any] | None
) -> MergeResult:
    """The merge of two sides' versions of one meeting, given their common ancestor."""
    if ours is None and theirs is None:
        return MergeResult(None)
    if ours is None or theirs is None:
        present = ours if ours is not None else theirs
        assert present is not None
        if base is None:
            return MergeResult(copy.deepcopy(present))  # new on one side
        if _canonical(present) == _canonical(base):
            return MergeResult(None)  # deleted on one side, untouched on the other
        record = copy.deepcopy(present)
        label = present.get("title") if isinstance(present.get("title"), str) else ""
        c = Conflict(
            id=conflict_id(DELETED, (), _stamp(present), None),
            kind=DELETED,
            path=(),
            where=f'the meeting "{label}"',
            kept=None,
            other=None,
            kept_at=_stamp(present),
            other_at="",
        ).as_dict()
        record[CONFLICTS] = _merged_conflicts(None, present, None, [c])
        return MergeResult(record, [c])
    if _canonical(ours) == _canonical(theirs):
        return MergeResult(copy.deepcopy(ours))
    merger = _Merger(ours, theirs)
    merged = merger.mapping((), (), base or {}, ours, theirs)
    stamps = [s for s in (_stamp(ours), _stamp(theirs)) if s]
    if stamps:
        merged["updated_at"] = max(stamps)
    created = [r["created_at"] for r in (ours, theirs) if isinstance(r.get("created_at"), str)]
    if created:
        merged["created_at"] = min(created)
    found = [c.as_dict() for c in merger.found]
    conflicts = _merged_conflicts(base, ours, theirs, found)
    if conflicts:
        merged[CONFLICTS] = conflicts
    return MergeResult(copy.deepcopy(merged), found)


# -- resolving ----------------------------------------------------------------------------


def open_conflicts(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The record's unresolved conflicts."""
    return _conflict_list(record)


def _find(conflicts: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    matches = [c for c in conflicts if c["id"].startswith(prefix.strip().lower())]
    if not prefix.strip() or not matches:
        raise ResolveError(f"no conflict {prefix!r} in this meeting")
    if len(matches) > 1:
        raise ResolveError(f"{prefix!r} matches {len(matches)} conflicts; type more of the id")
    return matches[0]


def _set_at(record: dict[str, Any], path: list[Any], value: Any, *, delete: bool) -> None:
    """Set (or delete) the value at `path` in place; ResolveError if the place is gone."""
    if not path:
        raise ResolveError(
            "the other side deleted the whole meeting: keep it, or delete it (pmtui delete)"
        )
    node: Any = record
    for step in path[:-1]:
        node = _child(node, step)
    last = path[-1]
    if isinstance(node, dict):
        if delete:
            node.pop(last, None)
        else:
            node[last] = value
        return
    if isinstance(node, list):
        at = next(
            (n for n, i in enumerate(node) if isinstance(i, dict) and i.get("id") == last), None
        )
        if at is None:
            if delete:
                return
            node.append(value)
            return
        if delete:
            del node[at]
        else:
            node[at] = value
        return
    raise ResolveError("the place of this conflict is no longer in the meeting")


def _child(node: Any, step: Any) -> Any:
    if isinstance(node, dict) and step in node:
        return node[step]
    if isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and item.get("id") == step:
                return item
    raise ResolveError("the place of this conflict is no longer in the meeting")


def resolve(record: dict[str, Any], conflict: str, *, take_other: bool = False) -> dict[str, Any]:
    """A copy of the record with one conflict resolved: keep what it holds (the default),
    or take the other side's value (for a deleted-and-edited item: delete it)."""
    result = copy.deepcopy(record)
    conflicts = _conflict_list(result)
    chosen = _find(conflicts, conflict)
    if take_other:
        path = chosen.get("path")
        if not isinstance(path, list):
            raise ResolveError("this conflict names no place in the meeting")
        if chosen.get("kind") == DELETED:
            _set_at(result, path, None, delete=True)
        else:
            _set_at(result, path, copy.deepcopy(chosen.get("other")), delete=False)
    left = [c for c in conflicts if c["id"] != chosen["id"]]
    if left:
        result[CONFLICTS] = left
    else:
        result.pop(CONFLICTS, None)
    return result


def describe(conflict: dict[str, Any]) -> str:
    """One line for a conflict: where, what it holds, what the other side had."""

    def shown(value: Any) -> str:
        if value is None:
            return "(deleted)"
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        text = " ".join(text.split())
        return repr(text if len(text) <= 60 else text[:59] + "…")

    cid = str(conflict.get("id", "?"))[:8]
    where = str(conflict.get("where", ""))
    if conflict.get("kind") == DELETED:
        return f"{cid}  {where}: deleted on one side, edited on the other; kept"
    return (
        f"{cid}  {where}: kept {shown(conflict.get('kept'))}, other {shown(conflict.get('other'))}"
    )
