"""Summaries for `pmtui list`: one small file per meeting, trusted only if it matches.

Every write of a meeting file records, in the same atomic write, the hash of the summary
its content gives (`_store` table, `summary_hash`). A summary file is used only when its
own content hashes to the value the meeting file holds now. A summary built from an older
read (a `pmtui list` racing a save), edited by hand or left by a crash between the two
writes does not match and is rebuilt from the meeting. File times play no part.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from itertools import chain, repeat
from typing import Any

from pmtui.store.storage import CorruptFileError, read_json_object

META_TABLE = "_store"
HASH_FIELD = "summary_hash"
SummaryTypes = Mapping[str, type | tuple[type, ...]]
BASE_TYPES: dict[str, type | tuple[type, ...]] = {"id": str, "title": str}
_SCALARS = (str, int, float, bool, type(None))
_SCALAR_TYPES = frozenset(_SCALARS)
HEAD_BYTES = 512
# "_store" sorts before "meeting", so a file written by the store begins with it; any other
# file is read whole.
_HEAD = re.compile(
    rb'\s*\{\s*"'
    + META_TABLE.encode()
    + rb'"\s*:\s*\{\s*"1"\s*:\s*\{\s*"'
    + HASH_FIELD.encode()
    + rb'"\s*:\s*"([0-9a-f]{32})"'
)


def summary_hash(summary: Mapping[str, Any]) -> str:
    import hashlib  # here: opening a meeting (the TUI's start) never hashes a summary

    canonical = json.dumps(summary, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def summary_problem(summary: object, meeting_id: str, types: SummaryTypes) -> str | None:
    """Why `summary` is not a usable row for `meeting_id`, or None if it is."""
    if not isinstance(summary, dict):
        return "its summary is not a JSON object"
    if summary.get("id") != meeting_id:
        return "its summary names another meeting"
    # Exact types first (a list of 10,000 meetings checks every row): a subclass of str
    # or int falls through to the isinstance checks below.
    plain_values = all(map(_SCALAR_TYPES.__contains__, map(type, summary.values())))
    if not plain_values or not set(map(type, summary)) <= {str}:
        for key, value in summary.items():
            if not isinstance(key, str) or not isinstance(value, _SCALARS):
                return f"its summary field {key!r} is not a single value"
    if all(map(isinstance, map(summary.get, types.keys()), types.values())):
        return None  # the common case, checked in C
    for key, kinds in types.items():
        if not isinstance(summary.get(key), kinds):
            return f"its summary field {key!r} has the wrong type"
    return None


def summaries_usable(summaries: list[Any], ids: list[str], types: SummaryTypes) -> bool:
    """True if every one of `summaries` (parsed JSON) is a usable row for the meeting id
    beside it: `summary_problem` for a whole list at once, a pass per check rather than
    per summary (a list of 10,000 meetings checks every row). False says only that one
    of them is not: check each to know which."""
    if len(summaries) != len(ids) or not all(map(isinstance, summaries, repeat(dict))):
        return False
    if list(map(dict.get, summaries, repeat("id"))) != ids:
        return False
    # Parsed JSON has text keys; a value that is a list or an object is not a row's.
    kinds = set(map(type, chain.from_iterable(map(dict.values, summaries))))
    if not kinds <= _SCALAR_TYPES:
        return False
    return all(
        all(map(isinstance, map(dict.get, summaries, repeat(key)), repeat(expected)))
        for key, expected in types.items()
    )


def head_hash(path: str | os.PathLike[str]) -> str | None:
    """The summary hash at the head of a meeting file, without parsing the whole file."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None
    match = _HEAD.match(head)
    return match.group(1).decode() if match else None


def read_summary_file(
    path: str | os.PathLike[str], meeting_id: str, types: SummaryTypes
) -> tuple[dict[str, Any], str] | None:
    """A summary file's summary and hash, if well formed and the hash is its content's."""
    try:
        data = read_json_object(path)
    except CorruptFileError:
        return None
    if not data or data.get("id") != meeting_id:
        return None
    summary = data.get("summary")
    if not isinstance(summary, dict) or summary_problem(summary, meeting_id, types):
        return None
    digest = summary_hash(summary)
    return (summary, digest) if data.get(HASH_FIELD) == digest else None


def summary_file(meeting_id: str, summary: Mapping[str, Any]) -> dict[str, Any]:
    """The content of a meeting's summary file."""
    return {"id": meeting_id, HASH_FIELD: summary_hash(summary), "summary": dict(summary)}
