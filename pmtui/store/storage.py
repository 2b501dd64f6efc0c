"""A TinyDB storage that never leaves a torn file.

TinyDB's JSONStorage truncates and rewrites the file in place: a process killed mid-write
leaves half a file. This one writes a temporary file in the same folder, flushes and fsyncs
it, renames it over the old one (atomic on POSIX and Windows) and fsyncs the folder, so a
crash at any instant leaves the old or the new state.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tinydb.storages import Storage


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


def read_json_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in `path`; None if the file is missing or empty."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise CorruptFileError(path, f"cannot be read ({error.strerror})") from None
    if not raw.strip():
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CorruptFileError(path, "not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise CorruptFileError(
            path, f"not valid JSON ({error.msg} at line {error.lineno})"
        ) from None
    if not isinstance(data, dict):
        raise CorruptFileError(path, "not a JSON object")
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: whole-file JSON, replaced atomically on every write."""

    def __init__(self, path: str | os.PathLike[str], fsync: bool = True) -> None:
        self.path = Path(path)
        self.fsync = fsync
        self.bytes_written = 0
        self._damaged = False

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            return read_json_object(self.path)  # type: ignore[return-value]
        except CorruptFileError:
            self._damaged = True
            raise

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self._damaged:
            raise CorruptFileError(self.path, "pmtui will not write over it")
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        write_atomic(self.path, payload, fsync=self.fsync)
        self.bytes_written += len(payload)

    def close(self) -> None:
        pass
