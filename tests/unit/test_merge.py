"""The three-way merge of meeting records by ids (pmtui.core.merge)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmtui.core import merge, sessionfile
from pmtui.core.models import ActionItem, Note, Postmortem

HOSTILE = "<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> branch"


def base_record() -> dict[str, Any]:
    pm = Postmortem(title="Database outage")
    pm.went_wrong = [Note("backups untested", id="n1"), Note("alerts noisy", id="n2")]
    pm.action_items = [
        ActionItem("Test restores", owner="ana", id="a1"),
        ActionItem("Tune alerts", owner="bo", id="a2"),
    ]
    record = sessionfile.to_record(pm)
    record["updated_at"] = "2026-01-01T10:00:00Z"
    return record


def edited(record: dict[str, Any], at: str, **changes: Any) -> dict[str, Any]:
    copy_ = copy.deepcopy(record)
    copy_.update(changes)
    copy_["updated_at"] = at
    return copy_


def item(record: dict[str, Any], section: str, item_id: str) -> dict[str, Any]:
    return next(i for i in record[section] if i["id"] == item_id)


def test_one_side_change_is_taken_without_conflict() -> None:
    base = base_record()
    ours = edited(base, "2026-01-01T11:00:00Z", summary="we lost data")
    result = merge.merge_records(base, ours, base)
    assert result.record is not None and result.record["summary"] == "we lost data"
    assert result.conflicts == [] and "conflicts" not in result.record


def test_both_sides_new_items_are_kept_in_a_sensible_order() -> None:
    base = base_record()
    ours = edited(base, "2026-01-01T11:00:00Z")
    ours["went_wrong"].insert(1, {"id": "o1", "text": "ours"})
    theirs = edited(base, "2026-01-01T12:00:00Z")
    theirs["went_wrong"].append({"id": "t1", "text": "theirs"})
    result = merge.merge_records(base, ours, theirs)
    assert [n["id"] for n in result.record["went_wrong"]] == ["n1", "o1", "n2", "t1"]
    assert result.conflicts == []


def test_different_items_of_one_meeting_merge_field_by_field() -> None:
    base = base_record()
    ours = edited(base, "2026-01-01T11:00:00Z")
    item(ours, "action_items", "a1")["status"] = "done"
    theirs = edited(base, "2026-01-01T12:00:00Z")
    item(theirs, "action_items", "a2")["owner"] = "cy"
    item(theirs, "action_items", "a1")["ticket"] = "OPS-1"
    result = merge.merge_records(base, ours, theirs)
    a1 = item(result.record, "action_items", "a1")
    assert a1["status"] == "done" and a1["ticket"] == "OPS-1"
    assert item(result.record, "action_items", "a2")["owner"] == "cy"
    assert result.conflicts == []
    assert result.record["updated_at"] == "2026-01-01T12:00:00Z"


@pytest.mark.parametrize("later", ["ours", "theirs"])
def test_same_field_keeps_the_later_change_and_records_the_other(later: str) -> None:
    base = base_record()
    ours = edited(base, "2026-01-01T13:00:00Z" if later == "ours" else "2026-01-01T11:00:00Z")
    item(ours, "action_items", "a1")["owner"] = "dee"
    theirs = edited(base, "2026-01-01T13:00:00Z" if later == "theirs" else "2026-01-01T11:00:00Z")
    item(theirs, "action_items", "a1")["owner"] = "eve"
    result = merge.merge_records(base, ours, theirs)
    kept, other = ("dee", "eve") if later == "ours" else ("eve", "dee")
    assert item(result.record, "action_items", "a1")["owner"] == kept
    [conflict] = result.record["conflicts"]
    assert conflict["kept"] == kept and conflict["other"] == other
    assert conflict["path"] == ["action_items", "a1", "owner"]
    assert "Test restores" in conflict["where"]
    assert merge.describe(conflict).startswith(conflict["id"][:8])


def test_delete_against_edit_keeps_the_edit_and_flags_it() -> None:
    base = base_record()
    ours = edited(base, "2026-01-01T11:00:00Z")
    ours["action_items"] = [a for a in ours["action_items"] if a["id"] != "a2"]
    theirs = edited(base, "2026-01-01T10:30:00Z")
    item(theirs, "action_items", "a2")["owner"] = "fay"
    result = merge.merge_records(base, ours, theirs)
    assert item(result.record, "action_items", "a2")["owner"] == "fay"
    [conflict] = result.record["conflicts"]
    assert conflict["kind"] == merge.DELETED
    # Taking the other side deletes it; keeping keeps it.
    gone = merge.resolve(result.record, conflict["id"][:6], take_other=True)
    assert [a["id"] for a in gone["action_items"]] == ["a1"] and "conflicts" not in gone
    kept = merge.resolve(result.record, conflict["id"])
    assert len(kept["action_items"]) == 2 and "conflicts" not in kept


def test_delete_against_untouched_deletes() -> None:
    base = base_record()
    ours = edited(base, "2026-01-01T11:00:00Z")
    ours["went_wrong"] = ours["went_wrong"][1:]
    result = merge.merge_records(base, ours, base)
    assert [n["id"] for n in result.record["went_wrong"]] == ["n2"]


def test_meeting_deleted_on_one_side_and_edited_on_the_other_is_kept() -> None:
    base = base_record()
    theirs = edited(base, "2026-01-01T11:00:00Z", impact="all users")
    result = merge.merge_records(base, None, theirs)
    assert result.record["impact"] == "all users"
    assert result.record["conflicts"][0]["kind"] == merge.DELETED
    assert merge.merge_records(base, None, base).record is None
    assert merge.merge_records(None, None, base).record == base


def test_take_other_sets_the_other_value() -> None:
    base = base_record()
    ours = edited(base, "2026-01-01T13:00:00Z", title="Ours")
    theirs = edited(base, "2026-01-01T11:00:00Z", title="Theirs")
    merged = merge.merge_records(base, ours, theirs).record
    cid = merged["conflicts"][0]["id"]
    assert merge.resolve(merged, cid, take_other=True)["title"] == "Theirs"
    with pytest.raises(merge.ResolveError):
        merge.resolve(merged, "zzz")


def test_resolved_on_one_side_stays_resolved_after_a_later_merge() -> None:
    base = base_record()
    ours = edited(base, "2026-01-01T13:00:00Z", title="Ours")
    theirs = edited(base, "2026-01-01T11:00:00Z", title="Theirs")
    merged = merge.merge_records(base, ours, theirs).record
    resolved = edited(merge.resolve(merged, merged["conflicts"][0]["id"]), "2026-01-02T00:00:00Z")
    other = edited(merged, "2026-01-02T01:00:00Z", summary="more")
    again = merge.merge_records(merged, resolved, other).record
    assert "conflicts" not in again and again["summary"] == "more"


def test_hostile_text_is_only_a_value() -> None:
    base = base_record()
    ours = edited(base, "2026-01-01T13:00:00Z", title=HOSTILE)
    ours["went_right"] = [{"id": "h1", "text": HOSTILE}]
    theirs = edited(base, "2026-01-01T11:00:00Z", title="=======\n>>>>>>>")
    result = merge.merge_records(base, ours, theirs)
    assert result.record["title"] == HOSTILE
    assert result.record["conflicts"][0]["other"] == "=======\n>>>>>>>"
    assert result.record["went_right"][0]["text"] == HOSTILE
    # The merged record reads back as a meeting, conflicts and all.
    pm = sessionfile.from_record(result.record)
    assert pm.title == HOSTILE and len(pm.conflicts) == 1
    assert sessionfile.to_record(pm)["conflicts"] == result.record["conflicts"]


def test_the_conflicts_field_is_optional_and_checked() -> None:
    record = base_record()
    assert "conflicts" not in record
    record["conflicts"] = "nope"
    with pytest.raises(sessionfile.SessionFileError):
        sessionfile.from_record(record)


def test_clock_changes_on_both_sides_are_not_conflicts() -> None:
    base = base_record()
    ours = edited(base, "2026-01-01T13:00:00Z")
    ours["meeting"]["clock"] = {"a": 1}
    theirs = edited(base, "2026-01-01T11:00:00Z")
    theirs["meeting"]["clock"] = {"a": 2}
    result = merge.merge_records(base, ours, theirs)
    assert result.record["meeting"]["clock"] == {"a": 1} and result.conflicts == []


# -- properties ---------------------------------------------------------------------------

texts = st.text(max_size=12) | st.sampled_from([HOSTILE, "=======", "<<<<<<<", "a\nb"])


@st.composite
def three_sides(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    ids = [f"i{n}" for n in range(draw(st.integers(0, 5)))]
    base = {
        "id": "m",
        "title": draw(texts),
        "updated_at": "2026-01-01T00:00:00Z",
        "notes": [{"id": i, "text": draw(texts), "votes": draw(st.integers(0, 3))} for i in ids],
    }

    def side(stamp: str) -> dict[str, Any]:
        record = copy.deepcopy(base)
        record["updated_at"] = stamp
        if draw(st.booleans()):
            record["title"] = draw(texts)
        notes = []
        for note in record["notes"]:
            action = draw(st.sampled_from(["keep", "edit", "delete"]))
            if action == "edit":
                note["text"] = draw(texts)
            if action != "delete":
                notes.append(note)
        for n in range(draw(st.integers(0, 2))):
            notes.insert(
                draw(st.integers(0, len(notes))), {"id": f"{stamp[-3:-1]}{n}", "text": draw(texts)}
            )
        record["notes"] = notes
        return record

    return base, side("2026-01-02T00:00:01Z"), side("2026-01-02T00:00:02Z")


def _values(record: dict[str, Any]) -> set[str]:
    return {json.dumps(n, sort_keys=True) for n in record["notes"]}


@settings(max_examples=150, deadline=None)
@given(three_sides())
def test_no_edit_is_ever_lost(sides: tuple[dict[str, Any], ...]) -> None:
    base, ours, theirs = sides
    result = merge.merge_records(base, ours, theirs)
    merged = result.record
    assert merged is not None
    by_id = {n["id"]: n for n in merged["notes"]}
    assert len(by_id) == len(merged["notes"])  # no duplicates
    base_notes = {n["id"]: n for n in base["notes"]}
    base_ids = set(base_notes)
    recorded = json.dumps(merged.get("conflicts", []), ensure_ascii=False)
    for side in (ours, theirs):
        for note in side["notes"]:
            if note["id"] not in base_ids:
                assert by_id[note["id"]] == note  # new items kept whole
            else:
                for key, value in note.items():
                    if base_notes[note["id"]].get(key) == value:
                        continue
                    # Each edited value is in the record or in its conflict list.
                    assert (
                        by_id[note["id"]].get(key) == value
                        or json.dumps(value, ensure_ascii=False) in recorded
                    )
        if side["title"] != base["title"]:
            assert (
                merged["title"] == side["title"]
                or json.dumps(side["title"], ensure_ascii=False) in recorded
            )


@settings(max_examples=100, deadline=None)
@given(three_sides())
def test_merge_is_the_same_from_either_laptop(sides: tuple[dict[str, Any], ...]) -> None:
    base, ours, theirs = sides
    one = merge.merge_records(base, ours, theirs).record
    two = merge.merge_records(base, theirs, ours).record
    # The same values, whichever side merges (the order of new items may differ).
    assert one["title"] == two["title"]
    assert {json.dumps(n, sort_keys=True) for n in one["notes"]} == _values(two)
    assert sorted(c["id"] for c in one.get("conflicts", [])) == sorted(
        c["id"] for c in two.get("conflicts", [])
    )
