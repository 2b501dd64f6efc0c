"""Markdown minutes: checked by parsing them, not by looking for string fragments."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pmtui.core import sessionfile as sf
from pmtui.core.models import (
    ActionItem,
    EventKind,
    Participant,
    Postmortem,
    TimelineEvent,
    WhyChain,
)
from pmtui.export import ExportError, render_markdown
from tests.conftest import SAMPLES

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MINUTES_SECTIONS = [
    "Participants",
    "Summary",
    "Impact",
    "Timeline",
    "Metrics",
    "What went right",
    "What went wrong",
    "Where we got lucky",
    "Five Whys",
    "Action items",
    "Trigger",
    "Detection",
    "Resolution",
]
HOSTILE = (
    "a | pipe\nnew line # not a heading\n- not a list\n1. not numbered\n> not a quote "
    "*bold* `code` ```fence``` <script>alert(1)</script> 🔥 שלום مرحبا"
)


def parse(text: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def headings(tokens: list[Token], level: str) -> list[str]:
    return [
        tokens[i + 1].content
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == level
    ]


def tables(tokens: list[Token]) -> list[list[list[str]]]:
    """Each table as rows of cell texts (header row first)."""
    found: list[list[list[str]]] = []
    row: list[str] | None = None
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open") and row is not None:
            row.append(rendered(tokens[i + 1]))
        elif token.type == "tr_close" and row is not None:
            found[-1].append(row)
            row = None
    return found


def rendered(inline: Token) -> str:
    """What a reader sees of an inline token: its text, markup and escapes resolved."""
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "softbreak"))


def inline_text(tokens: list[Token]) -> str:
    parts = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "text":
                parts.append(child.content)
    return "\n".join(parts)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_minutes_structure_for_every_sample(sample: Path) -> None:
    pm = sf.read_session_file(sample)
    tokens = parse(render_markdown(pm, now=NOW))
    assert headings(tokens, "h1") == [pm.title]
    assert headings(tokens, "h2") == MINUTES_SECTIONS
    assert headings(tokens, "h3") == [f"{i}. {c.problem}" for i, c in enumerate(pm.whys, 1)]
    found = tables(tokens)
    participants, timeline, metric_table, actions = found[0], found[1], found[2], found[3]
    assert len(participants) == 1 + len(pm.participants)
    assert len(timeline) == 1 + len(pm.timeline)
    assert all(len(row) == len(timeline[0]) for row in timeline)
    assert [row[-1] for row in timeline[1:]] == [e.text for e in pm.sorted_timeline()]
    assert len(metric_table) == 5
    assert len(actions) == 1 + len(pm.action_items)
    assert [row[0] for row in actions[1:]] == [a.title for a in pm.action_items]
    assert [row[1] for row in actions[1:]] == [a.owner for a in pm.action_items]
    assert all(len(row) == 7 for row in actions)


def hostile_record() -> Postmortem:
    t0 = datetime(2026, 11, 20, 10, tzinfo=UTC)
    return Postmortem(
        title=HOSTILE,
        summary=HOSTILE + "\n\n# also not a heading",
        participants=[Participant(HOSTILE, HOSTILE)],
        timeline=[TimelineEvent(t0, HOSTILE, EventKind.START)],
        went_right=[HOSTILE],
        whys=[WhyChain(HOSTILE, [HOSTILE])],
        action_items=[ActionItem(title=HOSTILE, owner=HOSTILE, ticket=HOSTILE)],
    )


def test_user_text_cannot_change_the_document_structure() -> None:
    text = render_markdown(hostile_record(), now=NOW)
    tokens = parse(text)
    kinds = {t.type for t in tokens}
    assert "html_block" not in kinds and "fence" not in kinds and "blockquote_open" not in kinds
    inline_kinds = {c.type for t in tokens for c in t.children or []}
    assert "html_inline" not in inline_kinds and "code_inline" not in inline_kinds
    assert len(headings(tokens, "h1")) == 1
    assert headings(tokens, "h2") == MINUTES_SECTIONS
    # Lists: only the one real list item (went right) and the one why answer.
    assert sum(1 for t in tokens if t.type == "list_item_open") == 2
    folded = " ".join(HOSTILE.split())
    for table in tables(tokens):
        assert all(len(row) == len(table[0]) for row in table)
    timeline, actions = tables(tokens)[1], tables(tokens)[3]
    assert timeline[1][-1] == folded  # every character the user typed, and nothing else
    assert actions[1][0] == folded and actions[1][1] == folded
    shown = inline_text(tokens)
    assert "<script>alert(1)</script>" in shown  # shown as text, not run
    assert "🔥 שלום مرحبا" in shown


def test_a_users_own_template_and_its_errors(tmp_path: Path) -> None:
    own = tmp_path / "short.md.j2"
    own.write_text("# {{ pm.title | md_inline }}\n\n{{ events | length }} events\n")
    pm = sf.read_session_file(SAMPLES[0])
    assert render_markdown(pm, str(own), now=NOW) == f"# {pm.title}\n\n{len(pm.timeline)} events\n"
    broken = tmp_path / "broken.md.j2"
    broken.write_text("line one\n{% for x in %}\n")
    with pytest.raises(ExportError, match=r"broken\.md\.j2: line 2"):
        render_markdown(pm, str(broken))
    with pytest.raises(ExportError, match="no such template"):
        render_markdown(pm, str(tmp_path / "missing.md.j2"))


def test_importing_the_exporter_does_not_import_jinja2() -> None:
    code = "import sys, pmtui.export, pmtui.cli; print('jinja2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_agenda_shows_planned_and_actual(tmp_path: Path) -> None:
    from pmtui.core.models import StageRecord

    pm = Postmortem(title="x")
    pm.meeting.agenda = [
        StageRecord("timeline", "Timeline review", 360, 421),
        StageRecord("wrapup", "Wrap-up", 300, 0),
    ]
    found: Any = tables(parse(render_markdown(pm, now=NOW)))[-1]
    assert found == [
        ["Stage", "Planned", "Actual"],
        ["Timeline review", "06:00", "07:01"],
        ["Wrap-up", "05:00", "00:00"],
        ["Total", "11:00", "07:01"],
    ]
