"""Characters in user text that must not reach a terminal as they are.

A session file may carry text that a terminal would obey rather than show: C0 and C1
control characters (ESC starts a CSI or OSC sequence that clears the screen or retitles
the window, BEL rings), bidirectional overrides and isolates that reorder what follows
them, line and paragraph separators, and lone surrogates that cannot even be encoded.
Everything the CLI prints of user text goes through `for_terminal` or `json_for_terminal`,
which show such characters as visible escapes (`\\x1b`, `\\u202e`) instead.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

# Refused in a session file: C0 controls other than tab, newline and carriage return,
# DEL, and the C1 controls (U+0085 NEL, U+009B CSI, U+009D OSC among them).
_FILE_CONTROLS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_SURROGATES = "[\ud800-\udfff]"
# Escaped on display: bidi embeddings and overrides (U+202A-U+202E), isolates
# (U+2066-U+2069), line and paragraph separators, lone surrogates.
_DISPLAY_EXTRA = "\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_ONE_LINE = f"[\x00-\x1f\x7f-\x9f{_DISPLAY_EXTRA}]"
_MULTI_LINE = f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_DISPLAY_EXTRA}]"
# json.dumps escapes C0 controls itself, even with ensure_ascii=False; not the rest.
_IN_JSON = f"[\x7f-\x9f{_DISPLAY_EXTRA}]"
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


@cache
def _pattern(source: str) -> re.Pattern[str]:
    """Compiled on first use: a class spanning the surrogates costs `re` a 64K-entry map
    to build, about 4M instructions each, which every start paid before its first frame
    though most text is plain and never needs one."""
    return re.compile(source)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str, *, multiline: bool = False) -> str:
    """`text` safe to print: unsafe characters as visible escapes.

    With `multiline`, newlines (and tabs) stay, and a Windows line end becomes one."""
    if text.isascii() and text.isprintable():  # no control at all: most text, quickly
        return text
    if multiline:
        text = text.replace("\r\n", "\n")
        return _pattern(_MULTI_LINE).sub(_escape, text)
    return _pattern(_ONE_LINE).sub(_escape, text)


def json_for_terminal(value: Any, **options: Any) -> str:
    """json.dumps with ensure_ascii=False, but no character a terminal would obey."""
    text = json.dumps(value, ensure_ascii=False, **options)
    if text.isascii() and "\x7f" not in text:  # json.dumps escaped the C0 controls
        return text
    return _pattern(_IN_JSON).sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def first_file_control(text: str) -> str | None:
    """A description of the first character a session file may not hold, or None."""
    if text.isascii() and text.isprintable():
        return None
    if (found := _pattern(_FILE_CONTROLS).search(text)) is not None:
        return f"control character U+{ord(found.group()):04X}"
    if (found := _pattern(_SURROGATES).search(text)) is not None:
        return f"lone surrogate U+{ord(found.group()):04X} (not a character)"
    return None
