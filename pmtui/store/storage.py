"""A TinyDB storage that never leaves a torn file, and a middleware that keeps the last document.

TinyDB's JSONStorage truncates and rewrites the file in place: a process killed mid-write
leaves half a file. This one writes a temporary file in the same folder, flushes and fsyncs
it, renames it over the old one (atomic on POSIX and Windows) and fsyncs the folder, so a
crash at any instant leaves the old or the new state. Files are pretty-printed with sorted
keys and a final newline so a meeting diffs line by line in git.
"""

from __future__ import annotations

import json
import operator
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb.middlewares import Middleware
from tinydb.storages import Storage

Tables = dict[str, dict[str, dict[str, Any]]]

# A meeting is tens of KB; anything this large is not one, and reading it would be slow.
MAX_FILE_BYTES = 64 * 1024 * 1024
# One space per level, and an object or list that holds only plain values (a timeline
# event, a note, an action item) on one line of its own: an edit changes one line of the
# file, and a file is about 1.1-1.3x its compact JSON.
INDENT = " "
# How many encoded one-line objects and lists to remember between saves.
LINE_CACHE_LIMIT = 50_000


class StoreError(Exception):
    """A store problem a user can cause or meet; str() is the one line they see."""


class CorruptFileError(StoreError):
    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"{path} is damaged and was left untouched: {detail}")


def temp_name(target: Path) -> Path:
    """`.<name>.<pid>.<random>.tmp` beside the target; the pid lets a later run clean up."""
    return target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable; some platforms cannot open folders, skip there."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(target: Path, data: bytes, *, fsync: bool = True) -> None:
    temp = temp_name(target)
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if fsync:
        fsync_dir(target.parent)


def dump_pretty(data: Any) -> bytes:
    """The on-disk form of every store file: sorted keys, indented, a final newline.

    Python's JSON encoder drops to pure Python as soon as `indent` is set, which made a
    save of a 300-event meeting four times slower than a compact one. Here the C encoder
    writes each one-line object and list, and a cache keeps what it wrote, so a save
    encodes only the items that changed since the last one."""
    out: list[str | bytes] = []
    _pretty(data, "\n", out)
    out.append("\n")
    # A long list reused whole comes as the bytes it was written as: the text around it
    # is encoded in pieces, and the megabytes of a big timeline are copied once, not
    # joined into one text and then encoded again on every save.
    parts: list[bytes] = []
    start = 0
    for at, piece in enumerate(out):
        if type(piece) is bytes:
            parts.append("".join(out[start:at]).encode("utf-8"))  # type: ignore[arg-type]
            parts.append(piece)
            start = at + 1
    parts.append("".join(out[start:]).encode("utf-8"))  # type: ignore[arg-type]
    return b"".join(parts)


_encode_line = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(", ", ": ")).encode
_lines: dict[tuple[Any, ...], str] = {}
# The same one-line object handed in again (a caller that keeps an unchanged item's
# written form, as pmtui's session format does for timeline events): found by identity,
# and trusted only while it still equals the copy taken when it was encoded, or without
# a copy when its type is hashable (a dict subclass that says its value never changes,
# as pmtui's written events do). Holding the object keeps its id from being reused.
_known: dict[int, tuple[dict[str, Any], dict[str, Any] | None, str]] = {}
# A long list of such objects written before (a meeting's timeline), by its place in the
# file: reused whole when its items are the very objects written then (all of a hashable
# type), or else when every item equals the copies taken then. Comparing two lists of
# dicts runs in C, about 40x faster than visiting each item; comparing identities is
# faster still, and it is what makes a save of a 10,000-event meeting cost about what
# the disk does.
_lists: dict[tuple[str, str], tuple[list[dict[str, Any]], bool, bytes]] = {}
LONG_LIST = 64
# Both are kept only for objects whose values are all text (or null): a value equal to
# text is text, so equal means written alike. `1 == 1.0 == True` would not be.
_TEXT = frozenset((str, type(None)))


def _all_text(item: dict[str, Any]) -> bool:
    return all(map(_TEXT.__contains__, map(type, item.values())))


def _unchanging(item: dict[str, Any]) -> bool:
    """A dict of a hashable type: by Python's convention its value never changes."""
    return type(item).__hash__ is not None


_SCALARS = frozenset((str, int, float, bool, type(None)))
_NESTED = (dict, list, tuple)


def _one_line(
    kind: type, values: tuple[Any, ...], types: tuple[type, ...], value: Any
) -> str | None:
    """`value` (a dict's values or a list's items are `values`, of `types`) on one line if
    it holds only plain values, else None. A nested dict or list (even a hashable one) is
    never written on the line. The cache's key holds the values' types too, since
    `1 == 1.0 == True` would otherwise share a line."""
    kinds = set(types)
    if not kinds <= _SCALARS and any(issubclass(t, _NESTED) for t in kinds):
        return None
    key = (kind, values, types)
    try:
        return _lines[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable value of another kind
        return None
    text = _encode_line(value)
    if len(_lines) >= LINE_CACHE_LIMIT:
        _lines.clear()
    _lines[key] = text
    return text


def _item_line(item: dict[str, Any]) -> str | None:
    """A non-empty dict's one-line text, or None if it holds a dict or list."""
    known = _known.get(id(item))
    if known is not None and known[0] is item and (known[1] is None or known[1] == item):
        return known[2]
    line = _one_line(dict, tuple(item.items()), tuple(map(type, item.values())), item)
    if line is not None and _all_text(item):
        if len(_known) >= LINE_CACHE_LIMIT:
            _known.clear()
        _known[id(item)] = (item, None if _unchanging(item) else dict(item), line)
    return line


def _pretty(value: Any, newline: str, out: list[str | bytes], name: str = "") -> None:
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        line = _one_line(dict, tuple(value.items()), tuple(map(type, value.values())), value)
        if line is not None:
            out.append(line)
            return
        inner = newline + INDENT
        out.append("{")
        for number, key in enumerate(sorted(value)):
            out.append(inner if number == 0 else "," + inner)
            out.append(_encode_line(key))
            out.append(": ")
            _pretty(value[key], inner, out, key)
        out.append(newline + "}")
    elif isinstance(value, list):
        if not value:
            out.append("[]")
            return
        place = (name, newline)
        if len(value) >= LONG_LIST:  # first: a list kept here holds objects, never one line
            before = _lists.get(place)
            # Copies hold the same values as the items (not the items themselves), so an
            # item changed in place since is seen; a different length is unequal.
            if before is not None and (
                (len(before[0]) == len(value) and all(map(operator.is_, before[0], value)))
                if before[1]
                else before[0] == value
            ):
                out.append(before[2])
                return
        line = _one_line(list, tuple(value), tuple(map(type, value)), value)
        if line is not None:
            out.append(line)
            return
        inner = newline + INDENT
        start = len(out)
        out.append("[")
        plain = True  # every item a one-line object of text alone
        unchanging = True  # and every one of a hashable type
        for number, item in enumerate(value):
            out.append(inner if number == 0 else "," + inner)
            # Most items are one-line objects (events, notes, actions): no call for them.
            if isinstance(item, dict) and item:
                line = _item_line(item)
                if line is not None:
                    out.append(line)
                    plain = plain and id(item) in _known
                    unchanging = unchanging and _unchanging(item)
                    continue
            plain = False
            _pretty(item, inner, out)
        out.append(newline + "]")
        if plain and len(value) >= LONG_LIST:
            kept = list(value) if unchanging else [dict(item) for item in value]
            text = "".join(out[start:]).encode("utf-8")  # type: ignore[arg-type]
            _lists[place] = (kept, unchanging, text)
    else:
        out.append(_encode_line(value))


def read_json_object(where: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The JSON object in `where`; None if the file is missing or empty."""
    try:
        with open(where, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_FILE_BYTES:
                raise CorruptFileError(Path(where), f"larger than {MAX_FILE_BYTES // 2**20} MiB")
            raw = handle.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise CorruptFileError(Path(where), "it is a folder, not a file") from None
    except OSError as error:
        raise CorruptFileError(Path(where), f"cannot be read ({error.strerror})") from None
    if not raw.strip():
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CorruptFileError(Path(where), "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise CorruptFileError(
            Path(where), f"not valid JSON ({error.msg} at line {error.lineno})"
        ) from None
    except RecursionError:
        raise CorruptFileError(Path(where), "nested too deeply to be a meeting") from None
    if not isinstance(data, dict):
        raise CorruptFileError(Path(where), "not a JSON object")
    return data


def check_tables(path: Path, data: dict[str, Any]) -> Tables:
    """TinyDB's layout, checked before TinyDB touches it: tables of documents keyed by number.

    TinyDB assumes this shape and fails with AttributeError or ValueError on anything else.
    """
    for name, table in data.items():
        if not isinstance(table, dict):
            raise CorruptFileError(path, f"table {name!r} is not a JSON object")
        for doc_id, document in table.items():
            if not doc_id.isdigit() or not isinstance(document, dict):
                raise CorruptFileError(path, f"table {name!r} holds something not a document")
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: whole-file JSON, replaced atomically on every write."""

    def __init__(self, path: str | os.PathLike[str], fsync: bool = True) -> None:
        self.path = Path(path)
        self.fsync = fsync
        self.bytes_written = 0
        self._damaged = False

    def read(self) -> Tables | None:
        try:
            data = read_json_object(self.path)
            return None if data is None else check_tables(self.path, data)
        except CorruptFileError:
            self._damaged = True
            raise

    def write(self, data: Tables) -> None:
        if self._damaged:
            raise CorruptFileError(self.path, "pmtui will not write over it")
        payload = dump_pretty(data)
        write_atomic(self.path, payload, fsync=self.fsync)
        self.bytes_written += len(payload)

    def close(self) -> None:
        pass


def _copy_tables(data: Tables) -> Tables:
    """Fresh dicts down to each document: TinyDB mutates documents and tables in place.

    Values inside a document are shared, which is safe because TinyDB only ever replaces
    a document's fields, never edits a field's value in place.
    """
    return {
        name: {doc_id: dict(document) for doc_id, document in table.items()}
        for name, table in data.items()
    }


class KeepLastDocument(Middleware):
    """Keeps the document last read or written, so a write needs no read of the file first.

    Only sound while nobody else writes the file: use one for a single read, or while the
    meeting's lock is held. Writes made inside `batch()` reach the file as one write.
    """

    def __init__(self, storage_cls: type[Storage] = AtomicJSONStorage) -> None:
        super().__init__(storage_cls)
        self._last: Tables | None = None
        self._pending: Tables | None = None
        self._batching = False

    def read(self) -> Tables | None:
        if self._batching and self._pending is not None:
            return _copy_tables(self._pending)
        if self._last is None:
            data = self.storage.read()
            if data is None:
                return None
            self._last = data
        return _copy_tables(self._last)

    def write(self, data: Tables) -> None:
        if self._batching:
            self._pending = data
            return
        self.storage.write(data)
        # Only now: a write that failed leaves the cache holding what the file holds.
        self._last = data

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Gather the writes made inside into one write of the file at the end."""
        self._batching, self._pending = True, None
        try:
            yield
            pending, self._batching = self._pending, False
            if pending is not None:
                self.write(pending)
        finally:
            self._batching, self._pending = False, None

    @property
    def bytes_written(self) -> int:
        return int(getattr(self.storage, "bytes_written", 0))

    def close(self) -> None:
        self.storage.close()
