"""Files a user hands pmtui or asks it for: session files read whole and checked, output
files written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

from pmtui.core.models import Postmortem
from pmtui.core.sessionfile import MAX_FILE_BYTES, SessionFileError, parse_session


def write_text_atomic(target: Path, text: str) -> None:
    """Write beside the target, then replace it, so a reader never sees half a file."""
    if target.is_dir():
        raise IsADirectoryError(21, "is a folder; give a file name", str(target))
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, target)
    except OSError:
        temp.unlink(missing_ok=True)
        raise


def read_session_file(path: str | os.PathLike[str]) -> Postmortem:
    """Read and check a session file; every failure is one SessionFileError naming it."""
    source = str(path)
    file = Path(path)
    try:
        if file.is_dir():
            raise SessionFileError("is a folder, not a session file", source=source)
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SessionFileError(
                f"is {size / 1e6:.1f} MB; a session file may be at most "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB",
                source=source,
            )
        # At most one byte past the limit: a device or pipe (/dev/zero) has no size to stat.
        with file.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise SessionFileError("no such file", source=source) from None
    except PermissionError:
        raise SessionFileError("permission denied", source=source) from None
    except OSError as error:
        raise SessionFileError(f"cannot be read ({error.strerror})", source=source) from None
    return parse_session(raw, source=source)
