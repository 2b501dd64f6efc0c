"""Markdown minutes: checked by parsing them with markdown-it, not by matching fragments."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pmtui.core.models import (
    ActionItem,
    ActionStatus,
    ActionType,
    EventKind,
    MeetingFacts,
    Note,
    Participant,
    Postmortem,
    Priority,
    StageRecord,
    TimelineEvent,
    WhyChain,
)
from pmtui.core.whys import linear
from pmtui.export import ExportError, list_templates, md_block, md_cell, md_inline, render_markdown
from pmtui.export.context import build

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TEMPLATES = [name for name, _ in list_templates()]
HOSTILE = (
    "a | pipe\nnew line\n# not a heading\n- not a list\n* nor this\n+ nor this\n1. not numbered"
    "\n2) nor this\n> not a quote\n*bold* _em_ **strong** ~~gone~~ `code` \\ back\\slash"
    "\n```\nnot a fence\n```\n~~~\n    not code\n<script>alert(1)</script> <b>x</b> &amp; &#60;"
    "\n[link](http://example.com) ![img](x.png) <http://example.com> [ref]: /url"
    "\n---\n===\n| a | b |\n| --- | --- |\n🔥 שלום مرحبا 👩🏽‍🚒 trailing ##"
)

# --- Reading the Markdown ---------------------------------------------------------------


def parse(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def rendered(inline: Token) -> str:
    """What a reader sees of an inline token: its text, with escapes and entities resolved."""
    parts = []
    for child in inline.children or []:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def headings(tokens: list[Token], level: str) -> list[str]:
    return [
        rendered(tokens[i + 1])
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == level
    ]


def tables(tokens: list[Token]) -> list[list[list[str]]]:
    """Each table as rows of cell texts, the header row first."""
    found: list[list[list[str]]] = []
    row: list[str] = []
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            row.append(rendered(tokens[i + 1]))
        elif token.type == "tr_close":
            found[-1].append(row)
    return found


def texts(tokens: list[Token]) -> list[str]:
    """The text of every inline token (paragraphs, headings, list items, cells)."""
    return [rendered(t) for t in tokens if t.type == "inline"]


def shape(tokens: list[Token]) -> list[tuple[str, ...]]:
    """The document's structure: block tokens and the non-text inline tokens inside them."""
    out: list[tuple[str, ...]] = []
    for t in tokens:
        out.append((t.type, t.tag, str(t.level)))
        for c in t.children or []:
            if c.type != "text":
                out.append(("  " + c.type, c.tag))
    return out


def folded(text: str) -> str:
    """Text as one line shows it: whitespace runs as one space, control characters dropped."""
    return " ".join(re.sub(r"[\x00-\x08\x0e-\x1b\x7f]", "", text).split())


# --- The filters ------------------------------------------------------------------------

# Any text at all, weighted towards the characters Markdown and HTML care about.
SPECIALS = [*"#-+*_=`~>|<&[]()!\\.:) \n\t0123456789", "1.", "```", "---", "&amp;"]
user_text = st.one_of(
    st.text(),
    st.lists(st.sampled_from([*SPECIALS, "a", "é", "🔥", "ש", "ع"])).map("".join),
)


@given(user_text)
def test_md_inline_is_inert_wherever_a_phrase_goes(text: str) -> None:
    line = md_inline(text)
    assert "\n" not in line
    if not folded(text):
        assert line == ""
        return
    for prefix, opening in [
        ("", "paragraph_open"),
        ("# ", "heading_open"),
        ("- ", "bullet_list_open"),
        ("1. ", "ordered_list_open"),
        ("Some words: ", "paragraph_open"),
    ]:
        tokens = parse(prefix + line)
        inline = [t for t in tokens if t.type == "inline"]
        assert tokens[0].type == opening, (prefix, line)
        assert len(inline) == 1, (prefix, line)
        assert [c.type for c in inline[0].children or []] == ["text"], (prefix, line)
        shown = prefix if opening == "paragraph_open" else ""
        assert rendered(inline[0]) == shown + folded(text), (prefix, line)


@given(user_text, user_text)
def test_md_cell_never_breaks_a_table_row(left: str, right: str) -> None:
    text = f"| A | B |\n| --- | --- |\n| {md_cell(left)} | {md_cell(right)} |\n"
    found = tables(parse(text))
    assert found == [[["A", "B"], [folded(left), folded(right)]]]


@given(user_text)
def test_md_block_keeps_paragraphs_and_lines_and_nothing_else(text: str) -> None:
    block = md_block(text)
    tokens = parse(block)
    assert {t.type for t in tokens} <= {"paragraph_open", "inline", "paragraph_close"}
    paragraphs = [
        [folded(line) for line in p.split("\n") if folded(line)]
        for p in re.split(r"\n[^\S\n]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    ]
    expected = ["\n".join(p) for p in paragraphs if p]
    assert texts(tokens) == expected


def test_filters_show_exactly_what_was_typed() -> None:
    assert md_inline("# Heading") == "\\# Heading"
    assert md_inline("1. one") == "1\\. one"
    assert md_inline("- item\n> quote") == "\\- item &gt; quote"
    assert md_inline("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert md_inline("a|b *c* `d` [e](f)") == "a\\|b \\*c\\* \\`d\\` \\[e\\](f)"
    assert md_inline("C #") == "C \\#"  # a heading would drop its closing #
    assert md_inline("🔥 שלום مرحبا") == "🔥 שלום مرحبا"
    assert md_inline(None) == "" and md_block("") == ""
    assert md_block("one\n# two\n\n\nthree") == "one  \n\\# two\n\nthree"


# --- User text cannot change the document -----------------------------------------------


def record(text: str) -> Postmortem:
    """A record with `text` in every field a user types, and every kind of content."""
    t0 = datetime(2026, 11, 20, 10, tzinfo=UTC)
    kinds = [EventKind.EVENT, EventKind.START, EventKind.DETECTION, EventKind.EVENT]
    kinds += [EventKind.MITIGATION, EventKind.RESOLUTION]
    return Postmortem(
        title=text,
        incident_id=text,
        severity=text,
        timezone="Asia/Jerusalem",
        owner=text,
        participants=[Participant(text, text), Participant("Second " + text, "")],
        summary=text + "\n\n" + text,
        impact=text,
        trigger=text,
        detection=text,
        resolution=text,
        timeline=[
            TimelineEvent(t0 + timedelta(minutes=7 * i), text, k) for i, k in enumerate(kinds)
        ],
        went_right=[Note(text, 2), Note(text + " again")],
        went_wrong=[Note(text)],
        got_lucky=[Note(text)],
        whys=[WhyChain(text, linear([text, text])), WhyChain(text, [])],
        action_items=[
            ActionItem(text, owner=text, ticket="T-1 " + text, due=date(2026, 12, 1)),
            ActionItem(text, status=ActionStatus.DONE, type=ActionType.PREVENT),
            ActionItem(text, status=ActionStatus.WONT_DO, priority=Priority.P0),
        ],
        meeting=MeetingFacts(
            held_at=t0 + timedelta(days=2),
            facilitator=text,
            agenda=[StageRecord("timeline", text, 360, 421), StageRecord("wrapup", text, 300)],
        ),
    )


def benign(text: str) -> str:
    """Text of the same lines and paragraphs, with no character Markdown cares about."""
    return re.sub(r"\S", "x", text)


@pytest.mark.parametrize("public", [False, True], ids=["internal", "public"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_hostile_text_changes_no_heading_list_table_or_html(template: str, public: bool) -> None:
    hostile = parse(render_markdown(record(HOSTILE), template, public=public, now=NOW))
    plain = parse(render_markdown(record(benign(HOSTILE)), template, public=public, now=NOW))
    # The same structure, token for token, as the same record with harmless text.
    assert shape(hostile) == shape(plain)
    kinds = {t.type for t in hostile} | {c.type for t in hostile for c in t.children or []}
    assert not kinds & {"html_block", "html_inline", "fence", "code_block", "code_inline"}
    assert not kinds & {"blockquote_open", "link_open", "image", "s_open"}
    assert len(headings(hostile, "h1")) == 1
    for table in tables(hostile):
        assert all(len(row) == len(table[0]) for row in table)

    # Every character typed is shown, folded to one line, in the same places. (The public
    # version puts a role where a name was: here the name is the text, capitalised.)
    def where(tokens: list[Token], text: str) -> list[bool]:
        return [folded(text).casefold() in shown.casefold() for shown in texts(tokens)]

    assert where(hostile, HOSTILE) == where(plain, benign(HOSTILE))
    assert sum(where(hostile, HOSTILE)) >= 10
    shown = "\n".join(texts(hostile))
    assert "<script>alert(1)</script>" in shown and "🔥 שלום مرحبا 👩🏽‍🚒" in shown


def test_hostile_paragraphs_keep_their_lines() -> None:
    tokens = parse(render_markdown(record(HOSTILE), now=NOW))
    lines = [folded(line) for line in HOSTILE.split("\n") if folded(line)]
    assert "\n".join(lines) in texts(tokens)  # the impact, line by line


# --- Users' own templates -----------------------------------------------------------------


def test_a_users_own_template_sees_the_view_model_and_the_macros(tmp_path: Path) -> None:
    own = tmp_path / "short.md.j2"
    own.write_text(
        '{% import "pmtui/_macros.md.j2" as m %}\n# {{ title | md_inline }}\n\n'
        "{{ events | length }} events; detected after {{ metric.detect.human }} "
        "({{ metric.detect.seconds }} s)\n\n{{ m.notes(went_right) }}\n"
    )
    pm = record("x")
    pm.went_right = [Note("It *worked*")]
    text = render_markdown(pm, str(own), now=NOW)
    assert text == "# x\n\n6 events; detected after 7 min (420 s)\n\n- It \\*worked\\*\n"
    assert render_markdown(pm, own, now=NOW) == text  # a Path works too


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("line one\n{% for x in %}\n", r"broken\.md\.j2: line 2: "),
        ("one\ntwo\n{{ no_such_name }}\n", r"broken\.md\.j2: line 3: 'no_such_name' is undefined"),
        ("{{ 1 // 0 }}\n", r"broken\.md\.j2: line 1: ZeroDivisionError"),
        ('{% include "nowhere.md.j2" %}\n', r"broken\.md\.j2: .*nowhere\.md\.j2"),
    ],
)
def test_a_broken_template_is_one_line_naming_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    broken = tmp_path / "broken.md.j2"
    broken.write_text(content)
    with pytest.raises(ExportError, match=message) as raised:
        render_markdown(record("x"), str(broken))
    assert "\n" not in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_a_missing_or_unreadable_template(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"missing\.md\.j2: no such template"):
        render_markdown(record("x"), str(tmp_path / "missing.md.j2"))
    with pytest.raises(ExportError, match="no such template"):
        render_markdown(record("x"), str(tmp_path))  # a folder
    with pytest.raises(ExportError, match="no such template"):
        render_markdown(record("x"), "nonesuch")
    binary = tmp_path / "binary.md.j2"
    binary.write_bytes(b"\xff\xfe\x00 not text")
    with pytest.raises(ExportError, match=r"binary\.md\.j2: cannot be read"):
        render_markdown(record("x"), str(binary))


def test_the_built_in_templates_are_listed_the_default_first() -> None:
    assert TEMPLATES == ["minutes", "google", "atlassian", "pagerduty", "statuspage"]
    assert all(description and "\n" not in description for _, description in list_templates())
    pm = record("x")
    assert render_markdown(pm, now=NOW) == render_markdown(pm, "minutes", now=NOW)


def test_importing_the_exporter_imports_no_jinja2_textual_or_rich() -> None:
    code = (
        "import sys, pmtui.export, pmtui.export.tracker\n"
        "print(sorted(m for m in ('jinja2', 'textual', 'rich') if m in sys.modules))\n"
        "import pmtui.cli\n"
        "print('jinja2' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "False"]
    # ... and rendering does load it, so the check above can fail.
    code = "import sys, pmtui.export as e, pmtui.core.models as m\n"
    code += "e.render_markdown(m.Postmortem('x'))\nprint('jinja2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


# --- What each template makes of the record ----------------------------------------------


def test_the_view_model_is_prepared_in_python() -> None:
    pm = record("x")
    pm.timeline.append(
        TimelineEvent(datetime(2026, 11, 20, 9, tzinfo=UTC), "first, see https://x.io/a.")
    )
    view = build(pm, NOW)
    assert [e.utc for e in view["events"]][:2] == ["2026-11-20 09:00", "2026-11-20 10:00"]
    assert view["events"][0].local == "2026-11-20 11:00 IST"
    assert view["events"][0].link == "https://x.io/a"
    assert [e.kind for e in view["leadup"]] == ["event", "event"]
    assert [e.kind for e in view["response"]] == ["detection", "event", "mitigation"]
    assert [(x.key, x.seconds, x.human) for x in view["metrics"]] == [
        ("detect", 420, "7 min"),
        ("mitigate", 1260, "21 min"),
        ("resolve", 1680, "28 min"),
        ("impact", 1680, "28 min"),
    ]
    assert (view["agenda_planned"], view["agenda_spent"]) == (660, 421)
    assert view["authors"] == ["x", "Second x"]
    assert [a.mark for a in view["actions"]] == ["TODO", "DONE", "WON'T DO"]
    assert view["root_causes"] == [("x", "x"), ("x", "")]
    assert view["went_right"][0].votes == 2


def test_minutes_header_agenda_and_local_time() -> None:
    pm = record("x")
    tokens = parse(render_markdown(pm, now=NOW))
    header = texts(tokens)[1]
    assert header.split("\n") == [
        "Held: 2026-11-22 10:00 UTC · 12:00 IST",
        "Facilitator: x",
        "Incident: x",
        "Severity: x",
        "Status: draft",
        "Postmortem owner: x",
    ]
    agenda, timeline = tables(tokens)[1], tables(tokens)[2]
    assert agenda == [
        ["Stage", "Planned", "Actual", "Difference"],
        ["x", "06:00", "07:01", "+01:01"],
        ["x", "05:00", "00:00", "-05:00"],
        ["Total", "11:00", "07:01", "-03:59"],
    ]
    assert timeline[0] == ["Time (UTC)", "Local", "Kind", "Event"]
    assert timeline[2] == ["2026-11-20 10:07", "2026-11-20 12:07 IST", "start", "x"]
    # In UTC there is no Local column, and without agenda records no Agenda section.
    pm.timezone, pm.meeting.agenda = "UTC", []
    tokens = parse(render_markdown(pm, now=NOW))
    assert tables(tokens)[1][0] == ["Time (UTC)", "Kind", "Event"]
    assert "Agenda" not in headings(tokens, "h2")


@pytest.mark.parametrize("template", TEMPLATES)
def test_an_empty_record_says_not_recorded_instead_of_empty_sections(template: str) -> None:
    for public in (False, True):
        text = render_markdown(Postmortem(title=""), template, public=public, now=NOW)
        tokens = parse(text)
        assert headings(tokens, "h1") == ["Untitled postmortem"]
        # Every section has something under it before the next heading of its level.
        for i, t in enumerate(tokens):
            if t.type == "heading_open" and t.tag in ("h2", "h3"):
                after = tokens[i + 3] if i + 3 < len(tokens) else None
                assert after is not None, rendered(tokens[i + 1])
                assert not (after.type == "heading_open" and after.tag <= t.tag), rendered(
                    tokens[i + 1]
                )
        assert "Not recorded." in texts(tokens)
        assert text.endswith("\n") and not text.endswith("\n\n") and "\n\n\n" not in text


def test_google_marks_each_action_done_or_todo() -> None:
    pm = record("x")
    pm.action_items[1].ticket = "BUG-1"
    rows = tables(parse(render_markdown(pm, "google", now=NOW)))[0]
    assert rows[0] == ["Action Item", "Type", "Owner", "Bug"]
    assert [row[3] for row in rows[1:]] == ["T-1 x TODO", "BUG-1 DONE", "n/a WON'T DO"]


def test_pagerduty_time_in_the_record_s_severity() -> None:
    pm = record("x")
    for severity, expected in [
        ("SEV-2", [("Time in SEV-1", "not recorded"), ("Time in SEV-2", "28 min")]),
        ("sev1", [("Time in SEV-1", "28 min"), ("Time in SEV-2", "not recorded")]),
        ("P3", [("Time in P3", "28 min"), ("Time in SEV-1", "not recorded")]),
    ]:
        pm.severity = severity
        rows = tables(parse(render_markdown(pm, "pagerduty", now=NOW)))[0]
        assert [tuple(row) for row in rows[1:3]] == expected
        assert rows[-1] == ["Support requests raised", "not recorded"]


def test_atlassian_leadup_and_response_come_from_the_markers() -> None:
    pm = record("x")
    pm.timeline[0] = replace(pm.timeline[0], text="before")
    pm.timeline[3] = replace(pm.timeline[3], text="during")
    tokens = parse(render_markdown(pm, "atlassian", now=NOW))
    items = texts(tokens)
    assert "2026-11-20 10:00 UTC: before" in items
    assert "2026-11-20 10:21 UTC: during" in items
    assert "2026-11-20 10:14 UTC (detection): x" in items


# --- Text that hides what it says ---------------------------------------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("public", [False, True], ids=["internal", "public"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_no_bidi_control_reaches_the_minutes(template: str, public: bool) -> None:
    text = render_markdown(
        record("Invoice \u202efdp.exe \u2067x\u2069 \u202ay\u202c"),
        template,
        public=public,
        now=NOW,
    )
    assert not any(c in text for c in BIDI)
    assert "Invoice <U+202E>fdp.exe <U+2067>x<U+2069> <U+202A>y<U+202C>" in text


def test_bidi_controls_are_shown_even_when_a_users_template_prints_raw(tmp_path: Path) -> None:
    own = tmp_path / "raw.md.j2"
    own.write_text("{{ pm.title }} {{ title }}\n")
    text = render_markdown(Postmortem(title="a\u202eb\u2066c"), own, now=NOW)
    assert text == "a<U+202E>b<U+2066>c a<U+202E>b<U+2066>c\n"


@pytest.mark.parametrize("template", TEMPLATES)
def test_names_and_ids_lose_zero_width_characters(template: str) -> None:
    pm = Postmortem(
        "Cache outage",
        incident_id="INC\u200b-7",
        owner="Zo\u200dë\ufeff Quinn",
        participants=[Participant("Zo\u200bë Quinn", "IC"), Participant("Jean\u2060-Luc", "")],
        action_items=[ActionItem("Add a guard", owner="Jean\u200c-Luc", ticket="OPS\u200b-1")],
        meeting=MeetingFacts(facilitator="Åsa\u200b Berg"),
    )
    text = render_markdown(pm, template, now=NOW)
    assert not re.search("[\u200b-\u200d\u2060\ufeff]", text)
    assert "Jean-Luc" in text and "OPS-1" in text
    if template != "statuspage":  # for customers: no header, no people
        assert "Zoë Quinn" in text and "INC-7" in text
    if template == "minutes":
        assert "Åsa Berg" in text
