"""Writing a user's output file whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path


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
