"""Reading an export safely: a file, a folder, or the members of a ZIP, in memory.

Nothing is ever extracted to disk. Sizes are checked before anything is read (the file
on disk, each member's declared size, their sum), a member that turns out larger than it
declared or compressed beyond any honest ratio (a ZIP bomb) is refused, and so is a
member whose name climbs out of the archive (`../`, an absolute path). Every refusal is
one `ImportFormatError` naming the file and the member.
"""

from __future__ import annotations

import json
import posixpath
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from pmtui.core.importers import ImportFormatError

MB = 1024 * 1024
# An export file on disk (a ZIP, a JSON log, a table). A busy incident channel over a few
# days is a few megabytes; a whole workspace's ZIP can be larger, hence the room.
MAX_INPUT_BYTES = 100 * MB
# What one import may read in all, uncompressed, and one file of it.
MAX_READ_BYTES = 100 * MB
MAX_MEMBER_BYTES = 50 * MB
# Text JSON compresses about 5 to 20 times; far beyond that is a bomb, not an export.
MAX_RATIO = 200
MAX_MEMBERS = 200_000


def size_checked(path: Path, limit: int = MAX_INPUT_BYTES) -> int:
    """The size of a file, refused before reading when it is over `limit`."""
    try:
        if path.is_dir():
            raise ImportFormatError("is a folder, not a file", source=str(path))
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFormatError("no such file", source=str(path)) from None
    except PermissionError:
        raise ImportFormatError("permission denied", source=str(path)) from None
    if size > limit:
        raise ImportFormatError(
            f"is {size / MB:.0f} MB; an import reads at most {limit // MB} MB", source=str(path)
        )
    return size


def read_text(path: Path) -> str:
    size_checked(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFormatError(f"cannot be read ({error.strerror})", source=str(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFormatError("is not UTF-8 text", source=str(path)) from None


def parse_json(raw: bytes | str, source: str) -> Any:
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise ImportFormatError("is not UTF-8 text", source=source) from None
    except json.JSONDecodeError as error:
        raise ImportFormatError(
            f"is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})",
            source=source,
        ) from None
    except RecursionError:
        raise ImportFormatError("is nested too deeply", source=source) from None


class ExportTree:
    """The files of an export, by their path inside it ("general/2017-01-31.json")."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = str(path)
        self.read_so_far = 0
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, zipfile.ZipInfo] = {}
        self._files: dict[str, Path] = {}
        if not path.exists():
            raise ImportFormatError("no such file or folder", source=self.label)
        if path.is_dir():
            self._walk(path)
        else:
            self._open_zip(path)
        self._root = self._find_root()

    def _walk(self, root: Path) -> None:
        # Only the top two levels: users.json beside one folder per channel.
        for child in sorted(root.iterdir()):
            if child.is_file():
                self._files[child.name] = child
            elif child.is_dir():
                for item in sorted(child.iterdir()):
                    if item.is_file():
                        self._files[f"{child.name}/{item.name}"] = item
                    elif item.is_dir():
                        for deeper in sorted(item.iterdir()):
                            if deeper.is_file():
                                self._files[f"{child.name}/{item.name}/{deeper.name}"] = deeper

    def _open_zip(self, path: Path) -> None:
        size_checked(path)
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            raise ImportFormatError(
                "is neither a Slack export ZIP nor its folder", source=self.label
            ) from None
        except OSError as error:
            raise ImportFormatError(
                f"cannot be read ({error.strerror})", source=self.label
            ) from None
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ImportFormatError(
                f"holds {len(infos)} files; too many for an export", source=self.label
            )
        for info in infos:
            name = info.filename
            pure = PurePosixPath(name.replace("\\", "/"))
            if (
                pure.is_absolute()
                or ".." in pure.parts
                or (name[1:3] == ":/" or name[1:3] == ":\\")
            ):
                raise ImportFormatError(
                    "has a file that points outside the export", source=self.label, entry=name
                )
            if not info.is_dir():
                self._members[posixpath.normpath(str(pure))] = info
        self._zip = archive

    def _find_root(self) -> str:
        """An export zipped with its folder has everything one level down."""
        names = self.names()
        if "users.json" in names or "channels.json" in names:
            return ""
        tops = {name.split("/", 1)[0] for name in names if "/" in name}
        for top in sorted(tops):
            if f"{top}/users.json" in names or f"{top}/channels.json" in names:
                return top + "/"
        return ""

    def names(self) -> set[str]:
        return set(self._files) | set(self._members)

    def has(self, name: str) -> bool:
        full = self._root + name
        return full in self._files or full in self._members

    def folder(self, name: str) -> list[str]:
        """The JSON files directly in a folder of the export, by name (dates sort in order)."""
        prefix = self._root + name + "/"
        found = [
            n[len(self._root) :]
            for n in self.names()
            if n.startswith(prefix) and "/" not in n[len(prefix) :] and n.endswith(".json")
        ]
        return sorted(found)

    def declared_size(self, name: str) -> int:
        full = self._root + name
        if full in self._members:
            return self._members[full].file_size
        return self._files[full].stat().st_size

    def where(self, name: str) -> str:
        return (
            f"{self.label}: {name}" if self._zip is not None else str(self.path / self._root / name)
        )

    def read(self, name: str) -> bytes:
        """One file's bytes, within the limits."""
        full = self._root + name
        declared = self.declared_size(name)
        where = self.where(name)
        if declared > MAX_MEMBER_BYTES:
            raise ImportFormatError(
                f"is {declared / MB:.0f} MB; a file of an export may be at most "
                f"{MAX_MEMBER_BYTES // MB} MB",
                source=where,
            )
        if self.read_so_far + declared > MAX_READ_BYTES:
            raise ImportFormatError(
                f"the export is over {MAX_READ_BYTES // MB} MB to read", source=where
            )
        if self._zip is not None:
            info = self._members[full]
            if info.file_size > MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise ImportFormatError(
                    "is compressed beyond any real export (a ZIP bomb?)", source=where
                )
            try:
                with self._zip.open(info) as stream:
                    data = stream.read(declared + 1)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as error:
                raise ImportFormatError(
                    f"cannot be read from the ZIP ({error})", source=where
                ) from None
            if len(data) > declared:
                raise ImportFormatError("is larger than the ZIP says (a ZIP bomb?)", source=where)
        else:
            try:
                data = self._files[full].read_bytes()[: MAX_MEMBER_BYTES + 1]
            except OSError as error:
                raise ImportFormatError(
                    f"cannot be read ({error.strerror})", source=where
                ) from None
        self.read_so_far += len(data)
        return data

    def json(self, name: str) -> Any:
        return parse_json(self.read(name), self.where(name))

    def total(self, names: list[str]) -> int:
        return sum(self.declared_size(n) for n in names)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None
