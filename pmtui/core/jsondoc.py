"""A session file's bytes as a JSON document, refusing what JSON or pmtui cannot keep.

Python's json module reads more than JSON: `NaN`, `Infinity` and `-Infinity`, numbers
such as `1e999` that become infinite, and `"\\ud800"`, a lone surrogate that no file can
be written with later. Integers of more than 4,300 digits raise a bare ValueError. Here
each of those is refused with the field path where it sits, as are control characters
(other than tab, newline and carriage return) anywhere in the text.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from pmtui.core.controls import first_file_control
from pmtui.core.timeutil import quoted

# The largest integer every JSON reader keeps exactly (RFC 7493, I-JSON).
MAX_INTEGER = 2**53 - 1
_MAX_DIGITS = len(str(MAX_INTEGER)) + 1
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class DocumentError(ValueError):
    """Bytes that are not a document pmtui reads; `path` is empty for the whole file."""

    def __init__(self, problem: str, path: str = "", more: int = 0) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path = path
        self.more = more


class _Refused:
    """What the file held where JSON allows no such value, kept to name it and its place."""

    def __init__(self, written: str, problem: str) -> None:
        self.written = written
        self.problem = problem


def _constant(name: str) -> _Refused:
    return _Refused(name, f"{name} is not a JSON value (numbers must be finite)")


def _integer(digits: str) -> int | _Refused:
    if len(digits.lstrip("-")) > _MAX_DIGITS:
        shown = f"{digits[:8]}… ({len(digits.lstrip('-'))} digits)"
        return _Refused(digits, f"the number {shown} is too large")
    return int(digits)


def _float(written: str) -> float | _Refused:
    value = float(written)
    if math.isfinite(value):
        return value
    return _Refused(written, f"the number {written} is too large")


def parse(raw: bytes) -> Any:
    """The document in `raw` (UTF-8, a BOM allowed), or DocumentError."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(raw, error.start)
        raise DocumentError(
            f"is not UTF-8 text (byte 0x{raw[error.start]:02X} at line {line}, column "
            f"{column}; save it as UTF-8)"
        ) from None
    try:
        doc = json.loads(text, parse_constant=_constant, parse_int=_integer, parse_float=_float)
    except json.JSONDecodeError as error:
        raise DocumentError(
            f"is not valid JSON ({error.msg} at line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise DocumentError("is nested too deeply to be a session file") from None
    found = problems(doc)
    if found:
        path, problem = found[0]
        raise DocumentError(problem, path, more=len(found) - 1)
    return doc


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    return line, offset - (raw.rfind(b"\n", 0, offset) + 1) + 1


def problems(doc: Any) -> list[tuple[str, str]]:
    """Every value in `doc` that a session file may not hold, with its field path.

    Walks with a stack rather than recursion: json nests as deep as the interpreter
    allows, and a recursive walk would need a little more."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [("", doc)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            children = []
            for key, item in value.items():
                child = _child(path, key)
                if (problem := first_file_control(key)) is not None:
                    found.append((child, f"the key holds a {problem}"))
                children.append((child, item))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{path}[{i}]", item) for i, item in enumerate(value)]))
        elif isinstance(value, str):
            if (problem := first_file_control(value)) is not None:
                found.append((path, f"holds a {problem}; remove it"))
        elif isinstance(value, _Refused):
            found.append((path, value.problem))
        elif isinstance(value, float) and not math.isfinite(value):
            found.append((path, f"{value} is not a JSON value (numbers must be finite)"))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
            found.append((path, f"the number is too large (at most {MAX_INTEGER})"))
    return found


def _child(path: str, key: str) -> str:
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{quoted(key)}]"
