"""The filters that make user text inert Markdown.

Templates never print user text raw: a phrase goes through `md_inline`, a table cell
through `md_cell` and a multi-line field through `md_block`. Whatever the text holds
(`#`, `- `, `1. `, `>`, backticks, `|`, `<script>`, newlines), the reader sees exactly
those characters and the document keeps its headings, lists and tables. Emoji and
right-to-left text pass through unchanged.
"""

from __future__ import annotations

import re

# Control characters that are not whitespace: never meant as text, and a NUL would be
# replaced by the parser anyway.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
# Characters that mean something inline in CommonMark or GitHub Markdown get a backslash;
# `<`, `>` and `&` are HTML-escaped, so raw HTML and entities are shown, never interpreted.
_INLINE = str.maketrans(
    {**{c: "\\" + c for c in "\\`*_[]|~"}, "&": "&amp;", "<": "&lt;", ">": "&gt;"}
)
# What would start a block at the beginning of a line: `#` (a heading), `-` or `+` (a
# bullet, thematic break or setext underline), `=` (a setext underline), or a number and
# `.` or `)` (a numbered item). `*`, `>`, backticks, `~` and `|` are escaped anyway.
_LEADING_NUMBER = re.compile(r"^(\d+)([.)])")
# Bidi embeddings, overrides and isolates make text read otherwise than it is stored (a
# reversed file name, a hidden clause): exports show them as `<U+202E>`.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Zero-width characters split a name or an id so it no longer matches what it is. A
# joiner between two emoji (👩🏽‍🚒) makes one picture of them, and stays.
_EMOJI = r"\U0001f000-\U0001faff\u2600-\u27bf"
_ZERO_WIDTH = re.compile(
    rf"[\u200b\u200c\u2060\ufeff]|(?<![{_EMOJI}\ufe0f])\u200d|\u200d(?![{_EMOJI}])"
)


def show_bidi(text: str) -> str:
    """Every bidi embedding, override or isolate character shown as `<U+XXXX>`."""
    return _BIDI.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", text)


def drop_zero_width(value: object) -> str:
    """A name or an id without zero-width characters (and bidi controls shown)."""
    return show_bidi(_ZERO_WIDTH.sub("", "" if value is None else str(value)))


def _one_line(value: object) -> str:
    text = "" if value is None else str(value)
    return " ".join(_CONTROL.sub("", text).split())


def _escape_start(text: str) -> str:
    if not text:
        return text
    if text[0] in "-+=#":
        text = "\\" + text
    elif text[0].isdigit():
        text = _LEADING_NUMBER.sub(r"\1\\\2", text, count=1)
    if text.endswith("#"):  # a heading's closing run of `#`, which the parser would drop
        head, _, hashes = text.rpartition(" ")
        if hashes and set(hashes) == {"#"} and head:
            text = f"{head} \\{hashes}"
    return text


def md_inline(value: object) -> str:
    """User text as one inert line: whitespace folded, Markdown and HTML specials escaped.

    Safe anywhere a phrase goes: after `# `, after `- ` or `1. `, inside a sentence.
    """
    return _escape_start(_one_line(value).translate(_INLINE))


def md_cell(value: object) -> str:
    """User text for a table cell: one line (newlines become spaces), `|` as `\\|`."""
    return md_inline(value)


def md_block(value: object) -> str:
    """User paragraphs: blank lines keep paragraphs apart, each line kept as a line.

    Every line is escaped like `md_inline`, so none can start a heading, list, quote,
    fence or table; lines of one paragraph are joined by hard line breaks.
    """
    text = "" if value is None else _CONTROL.sub("", str(value))
    paragraphs = re.split(r"\n[^\S\n]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    out = []
    for paragraph in paragraphs:
        lines = [md_inline(line) for line in paragraph.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            out.append("  \n".join(lines))
    return "\n\n".join(out)
