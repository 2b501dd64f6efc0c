"""Every built-in template, every sample: section order, tables, public copies, goldens."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from pmtui.core import sessionfile as sf
from pmtui.core.models import Postmortem
from pmtui.export import list_templates, render_markdown
from tests.conftest import SAMPLES
from tests.unit.test_export_markdown import NOW, headings, parse, tables

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
TEMPLATES = [name for name, _ in list_templates()]

SECTIONS = {
    "google": [
        "Summary",
        "Impact",
        "Root Causes",
        "Trigger",
        "Resolution",
        "Detection",
        "Action Items",
        "Lessons Learned",
        "Timeline",
        "Supporting information",
    ],
    "atlassian": [
        "Incident summary",
        "Leadup",
        "Fault",
        "Impact",
        "Detection",
        "Response",
        "Recovery",
        "Timeline",
        "Root cause identification: the Five Whys",
        "Root cause",
        "Backlog check",
        "Recurrence",
        "Lessons learned",
        "Corrective actions",
    ],
    "pagerduty": [
        "Overview",
        "What Happened",
        "Contributing Factors",
        "Resolution",
        "Impact",
        "Responders",
        "Timeline",
        "How'd we do?",
        "Action Items",
        "Messaging",
    ],
}
# Sections for the team only, which the public version leaves out.
INTERNAL = {
    "minutes": {"Participants", "Where we got lucky", "Five Whys", "Agenda"},
    "google": set(),
    "atlassian": {"Root cause identification: the Five Whys"},
    "pagerduty": {"Responders"},
}


def test_the_four_templates_are_built_in() -> None:
    assert TEMPLATES == ["atlassian", "google", "minutes", "pagerduty"]


@pytest.mark.parametrize("template", ["google", "atlassian", "pagerduty"])
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sections_in_the_template_s_order(sample: Path, template: str) -> None:
    pm = sf.read_session_file(sample)
    tokens = parse(render_markdown(pm, template, now=NOW))
    assert headings(tokens, "h1")[0].startswith(pm.title)
    assert headings(tokens, "h2") == SECTIONS[template]
    public = parse(render_markdown(pm, template, public=True, now=NOW))
    expected = [s for s in SECTIONS[template] if s not in INTERNAL[template]]
    assert headings(public, "h2") == expected


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_tables_are_whole_and_hold_every_event_and_action(sample: Path, template: str) -> None:
    pm = sf.read_session_file(sample)
    for public in (False, True):
        found = tables(parse(render_markdown(pm, template, public=public, now=NOW)))
        for table in found:
            assert all(len(row) == len(table[0]) for row in table), table[0]
        cells = {cell for table in found for row in table for cell in row}
        assert all(e.text in cells for e in pm.timeline)
        assert all(a.title in cells for a in pm.action_items)


def names_of(pm: Postmortem) -> set[str]:
    people = {p.name for p in pm.participants} | {pm.owner, pm.meeting.facilitator}
    people |= {a.owner for a in pm.action_items}
    names = {n for n in people if n}
    return names | {n.split()[0] for n in names if len(n.split()[0]) >= 3}


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_public_version_names_no_one_and_no_ticket(sample: Path, template: str) -> None:
    pm = sf.read_session_file(sample)
    text = render_markdown(pm, template, public=True, now=NOW)
    for name in names_of(pm):
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE), name
    for item in pm.action_items:
        if item.ticket:
            assert item.ticket not in text
    # The internal version does carry them, so the test above can fail.
    internal = render_markdown(pm, template, now=NOW)
    assert any(name in internal for name in names_of(pm))


def test_names_inside_free_text_become_roles() -> None:
    pm = sf.from_document(
        {
            "pmtui": 1,
            "title": "x",
            "participants": [{"name": "Ana Lima", "role": "SRE on call"}, {"name": "Bo Chen"}],
            "summary": "Ana Lima paged Bo Chen; ana then rolled back. Anaconda was not involved.",
            "action_items": [
                {"title": "Ask Ana to write the runbook", "owner": "Ana Lima", "ticket": "OPS-9"}
            ],
        }
    )
    text = render_markdown(pm, "minutes", public=True, now=NOW)
    assert "SRE on call paged the team; SRE on call then rolled back." in text
    assert "Anaconda was not involved" in text  # whole words only
    assert "Ask SRE on call to write the runbook" in text
    assert "OPS-9" not in text and "Ana" not in text.replace("Anaconda", "")


@pytest.mark.parametrize("public", [False, True], ids=["internal", "public"])
@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_golden_files(sample: Path, template: str, public: bool) -> None:
    """Each sample with each template, checked in. PMTUI_UPDATE_GOLDEN=1 rewrites them."""
    pm = sf.read_session_file(sample)
    text = render_markdown(pm, template, public=public, now=NOW)
    golden = GOLDEN / f"{sample.stem}.{template}{'.public' if public else ''}.md"
    if os.environ.get("PMTUI_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden.name} missing: run with PMTUI_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("public", [False, True], ids=["internal", "public"])
@pytest.mark.parametrize("template", ["google", "atlassian", "pagerduty"])
def test_hostile_text_cannot_change_any_template_s_structure(template: str, public: bool) -> None:
    from tests.unit.test_export_markdown import HOSTILE, hostile_record

    tokens = parse(render_markdown(hostile_record(), template, public=public, now=NOW))
    kinds = {t.type for t in tokens}
    assert not kinds & {"html_block", "fence", "blockquote_open", "code_block"}
    inline = {c.type for t in tokens for c in t.children or []}
    assert not inline & {"html_inline", "code_inline"}
    assert len(headings(tokens, "h1")) == 1
    expected = [s for s in SECTIONS[template] if not (public and s in INTERNAL[template])]
    assert headings(tokens, "h2") == expected
    folded = " ".join(HOSTILE.split())
    for table in tables(tokens):
        assert all(len(row) == len(table[0]) for row in table)
    assert any(folded in row for table in tables(tokens) for row in table)
