"""Columns of user text for the command line's tables (`pmtui list`, `pmtui actions`).

Work goes column by column: a column of plain text (ASCII with no control character,
most of them) is checked once, with a few string methods over the whole column, rather
than cell by cell; only a column that fails the check is escaped and measured cell by
cell. A listing of 10,000 meetings or items prints ten thousand lines, so this is most
of what such a listing costs beyond reading the archive. Widths count terminal cells:
wide characters (CJK, most emoji) take two, so the columns stay straight.
"""

from __future__ import annotations

from typing import Any

from pmtui.core.controls import for_terminal


def _plain(joined: str) -> bool:
    return joined.isascii() and joined.isprintable()


def one_line(values: list[Any]) -> list[str]:
    """Each value as text for one line of the terminal (see `for_terminal`)."""
    texts = [value if type(value) is str else str(value) for value in values]
    if _plain("".join(texts)):
        return texts
    return list(map(for_terminal, texts))


def cut(values: list[str], width: int) -> list[str]:
    """Each text on one line, its runs of white space made one space, cut to `width`
    characters (the last one an ellipsis), then escaped."""
    joined = "\n".join(values)
    if (
        joined.count("\n") == len(values) - 1  # no text holds a newline of its own
        and _plain(joined.replace("\n", ""))  # nor a tab, nor other white space
        and "  " not in joined
        and " \n" not in joined
        and "\n " not in joined
        and not joined.startswith(" ")
        and not joined.endswith(" ")
    ):
        return [text if len(text) <= width else text[: width - 1] + "…" for text in values]
    out = []
    for text in values:
        text = " ".join(text.split())
        out.append(for_terminal(text if len(text) <= width else text[: width - 1] + "…"))
    return out


def _narrow(joined: str) -> bool:
    """True if every character of `joined` takes one cell: ASCII, or the ellipsis that
    ends a cut text (cut texts made every column of cut text look wide)."""
    return joined.isascii() or joined.replace("…", "").isascii()


def cells(text: str) -> int:
    """How many terminal cells `text` takes."""
    if _narrow(text):
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def width(column: list[str]) -> int:
    """The widest cell of a column, in terminal cells."""
    if _narrow("".join(column)):
        return max(map(len, column))
    from rich.cells import cell_len

    return max(map(cell_len, column))


def pad(column: list[str], size: int, gap: str = "") -> list[str]:
    """Each cell padded with spaces to `size` cells, then `gap`."""
    if _narrow("".join(column)):
        return [text.ljust(size) + gap for text in column]
    from rich.cells import cell_len

    return [text + " " * (size - cell_len(text)) + gap for text in column]


def fit_one(text: str, size: int) -> str:
    """`text` padded to `size` cells, or cut with an ellipsis to fit them."""
    narrow = _narrow(text)
    if narrow and len(text) <= size:
        return text.ljust(size)
    length = len(text) if narrow else cells(text)
    if length <= size:
        return text + " " * (size - length)
    if narrow:
        return text[: size - 1] + "…"
    from rich.cells import set_cell_size

    return set_cell_size(text, size - 1) + "…"


def fit(column: list[str], size: int, gap: str = "") -> list[str]:
    """Each cell fitted to `size` cells (see `fit_one`), then `gap`."""
    if _narrow("".join(column)):
        last = size - 1
        return [
            (text.ljust(size) if len(text) <= size else text[:last] + "…") + gap for text in column
        ]
    return [fit_one(text, size) + gap for text in column]
