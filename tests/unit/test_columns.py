"""The command line's table columns: the column-at-once fast paths give what the cell-by-cell
rules give, for any text (wide characters, controls, white space, ellipses)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, set_cell_size

from pmtui import columns
from pmtui.core.controls import for_terminal

# Text that meets every branch: plain words, runs of spaces, tabs and newlines, wide
# characters, the ellipsis a cut leaves, a control a terminal would obey, bidi overrides.
PIECES = ["ab", "x", " ", "  ", "\t", "\n", "漢", "…", "\x1b", "\u202e", "é", "🔥", "\u00a0"]
PLAIN = ["ab", "x", " ", "  ", "…"]  # what most titles are made of: the fast path
text = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
plain = st.lists(st.sampled_from(PLAIN), max_size=8).map("".join)
column = st.one_of(
    st.lists(plain, min_size=1, max_size=6),
    st.lists(st.one_of(plain, text), min_size=1, max_size=6),
)


def cut_one(value: str, width: int) -> str:
    value = " ".join(value.split())
    return for_terminal(value if len(value) <= width else value[: width - 1] + "…")


@settings(max_examples=400, deadline=None)
@given(column, st.integers(min_value=2, max_value=12))
def test_cut_agrees_with_cutting_each_text(values: list[str], width: int) -> None:
    assert columns.cut(values, width) == [cut_one(v, width) for v in values]


@settings(max_examples=400, deadline=None)
@given(column)
def test_one_line_escapes_what_a_terminal_would_obey(values: list[str]) -> None:
    assert columns.one_line(values) == [for_terminal(v) for v in values]


@settings(max_examples=400, deadline=None)
@given(column, st.integers(min_value=2, max_value=12))
def test_widths_padding_and_fitting_count_terminal_cells(values: list[str], size: int) -> None:
    shown = columns.one_line(values)  # escaped first, as the tables do
    assert columns.width(shown) == max(map(cell_len, shown))
    widest = columns.width(shown)
    assert [cell_len(p) for p in columns.pad(shown, widest, "  ")] == [widest + 2] * len(shown)
    fitted = columns.fit(shown, size, "|")
    for before, after in zip(shown, fitted, strict=True):
        assert after.endswith("|") and cell_len(after) == size + 1
        if cell_len(before) <= size:
            assert after[:-1].rstrip(" ") == before.rstrip(" ")
        else:
            assert after[:-1] == set_cell_size(before, size - 1) + "…"


def test_white_space_at_either_end_of_any_text_is_dropped() -> None:
    # Each text's own ends, not only the column's: "ab " followed by "x" joins as
    # "ab \nx", which the column-wide checks must still see.
    assert columns.cut(["ab ", "x"], 10) == ["ab", "x"]
    assert columns.cut(["ab", " x"], 10) == ["ab", "x"]
    assert columns.cut(["a  b", "c"], 10) == ["a b", "c"]
    assert columns.cut([" lead", "trail "], 10) == ["lead", "trail"]


def test_a_column_of_cut_titles_is_measured_as_one_cell_a_character() -> None:
    cut = columns.cut(["a" * 50, "short"], 10)
    assert cut == ["a" * 9 + "…", "short"]
    assert columns.width(cut) == 10
    assert columns.pad(cut, 10) == ["a" * 9 + "…", "short     "]
    # A wide character still counts two cells.
    assert columns.width(["漢字", "abc"]) == 4
    assert columns.pad(["漢字", "abc"], 4) == ["漢字", "abc "]
