"""Every built-in template with every sample: sections, tables, public copies, goldens."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from pmtui.core import sessionfile as sf
from pmtui.core.models import Postmortem
from pmtui.export import render_markdown
from pmtui.service.files import read_session_file
from tests.conftest import SAMPLES
from tests.unit.test_export_markdown import NOW, TEMPLATES, headings, parse, tables, texts

GOLDEN = Path(__file__).resolve().parents[1] / "golden"

# The H2 sections of each template, in order (the samples hold no agenda records).
SECTIONS = {
    "minutes": [
        "Participants",
        "Timeline",
        "Metrics",
        "What went right",
        "What went wrong",
        "Where we got lucky",
        "Five Whys",
        "Contributing factors",
        "Action items",
        "Summary",
        "Impact",
        "Trigger",
        "Detection",
        "Resolution",
    ],
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
    "statuspage": ["Summary", "Impact", "Timeline", "Root cause", "What we are doing about it"],
}
# Sections for the team only, left out of the public version; and their public summaries.
INTERNAL = {"Participants", "Where we got lucky", "Five Whys", "Responders", "Internal"}
INTERNAL |= {"Root cause identification: the Five Whys", "Agenda"}
PUBLIC_ONLY = {"Contributing factors"}
# The H3 subsections that are not Five Whys chains.
LESSONS = {
    "minutes": [],
    "google": ["What went well", "What went wrong", "Where we got lucky"],
    "atlassian": ["What went well", "What could have gone better", "Where we got lucky"],
    "pagerduty": ["What went well", "What didn't go so well", "Internal", "External"],
    "statuspage": [],
}


def expected(sections: list[str], public: bool) -> list[str]:
    if public:
        return [s for s in sections if s not in INTERNAL]
    return [s for s in sections if s not in PUBLIC_ONLY]


def render(sample: Path, template: str, public: bool) -> tuple[Postmortem, str]:
    pm = read_session_file(sample)
    return pm, render_markdown(pm, template, public=public, now=NOW)


CASES = [
    pytest.param(sample, template, public, id=f"{sample.stem}-{template}{'-public' * public}")
    for sample in SAMPLES
    for template in TEMPLATES
    for public in (False, True)
]


def test_there_are_samples_to_render() -> None:
    assert len(SAMPLES) >= 4


@pytest.mark.parametrize(("sample", "template", "public"), CASES)
def test_sections_in_the_template_s_order(sample: Path, template: str, public: bool) -> None:
    pm, text = render(sample, template, public)
    tokens = parse(text)
    h1 = headings(tokens, "h1")
    assert len(h1) == 1 and h1[0].startswith(pm.title)
    assert headings(tokens, "h2") == expected(SECTIONS[template], public)
    h3 = headings(tokens, "h3")
    chains = [f"{i}. {c.problem}" for i, c in enumerate(pm.whys, 1)]
    assert [h for h in h3 if h not in chains] == expected(LESSONS[template], public)
    assert [h for h in h3 if h in chains] == ([] if public or template == "google" else chains)


@pytest.mark.parametrize(("sample", "template", "public"), CASES)
def test_tables_are_whole_and_hold_every_event_and_action(
    sample: Path, template: str, public: bool
) -> None:
    pm, text = render(sample, template, public)
    found = tables(parse(text))
    for table in found:
        assert len(table) >= 2 and all(len(row) == len(table[0]) for row in table), table[0]
    timeline = next(t for t in found if t[0][0] in ("Time (UTC)", "Time"))
    assert len(timeline) == 1 + len(pm.timeline)
    events = [e.text for e in pm.sorted_timeline()]
    described = [row[1] if template == "pagerduty" else row[-1] for row in timeline[1:]]
    if not public:
        assert all(shown.endswith(typed) for shown, typed in zip(described, events, strict=True))
    actions = next(t for t in found if t[0][0] in ("Action", "Action Item"))
    assert len(actions) == 1 + len(pm.action_items)
    if not public:
        assert [row[0] for row in actions[1:]] == [a.title for a in pm.action_items]
        owners = [row[actions[0].index("Owner")] for row in actions[1:]]
        assert owners == [a.owner for a in pm.action_items]
    if template == "minutes":
        width = (6 if public else 7) + any(a.addresses for a in pm.action_items)
        assert all(len(row) == width for row in actions)
        assert len(timeline[0]) == (4 if pm.timezone != "UTC" else 3)


@pytest.mark.parametrize(("sample", "template", "public"), CASES)
def test_the_text_is_tidy(sample: Path, template: str, public: bool) -> None:
    _, text = render(sample, template, public)
    assert text.endswith("\n") and not text.endswith("\n\n") and not text.startswith("\n")
    assert "\n\n\n" not in text
    for line in text.split("\n"):  # trailing blanks only as a hard line break: two spaces
        assert line == line.rstrip() or re.search(r"\S  $", line), repr(line)


def names_of(pm: Postmortem) -> set[str]:
    people = {p.name for p in pm.participants} | {pm.owner, pm.meeting.facilitator}
    people |= {a.owner for a in pm.action_items}
    names = {n for n in people if n}
    return names | {n.split()[0] for n in names if len(n.split()[0]) >= 3}


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_public_version_names_no_one_and_no_ticket(sample: Path, template: str) -> None:
    pm, text = render(sample, template, True)
    for name in names_of(pm):
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE), name
    for item in pm.action_items:
        if item.ticket:
            assert item.ticket not in text
    # The internal version does carry them, so the test above can fail.
    _, internal = render(sample, template, False)
    assert any(name in internal for name in names_of(pm))
    assert any(a.ticket in internal for a in pm.action_items if a.ticket)


def test_names_inside_free_text_become_roles() -> None:
    pm = sf.from_document(
        {
            "pmtui": 1,
            "title": "x",
            "owner": "Will Park",
            "participants": [
                {"name": "Ana Lima", "role": "SRE on call"},
                {"name": "Bo Chen"},
                {"name": "Will Park", "role": "incident commander"},
            ],
            "summary": "Ana Lima paged Bo Chen; ana then rolled back. Anaconda was not "
            "involved. We will park it. Will and LIMA agreed. bo chen's fix is in OPS-9.",
            "went_right": ["Ana noticed early"],
            "action_items": [
                {"title": "Ask Ana to write the runbook", "owner": "Ana Lima", "ticket": "OPS-9"},
                {"title": "Tidy the n/a dashboards", "owner": "Eve Moss", "ticket": "n/a"},
            ],
        }
    )
    pm.went_right = [replace(pm.went_right[0], votes=3)]
    text = render_markdown(pm, "minutes", public=True, now=NOW)
    tokens = parse(text)
    assert (
        "SRE on call paged the team; SRE on call then rolled back. Anaconda was not involved. "
        "We will park it. Incident commander and SRE on call agreed. The team's fix is in "
        "an internal ticket."
    ) in texts(tokens)
    assert "SRE on call noticed early (3 votes)" in texts(tokens)
    actions = tables(tokens)[-1]
    assert [row[:2] for row in actions[1:]] == [
        ["Ask SRE on call to write the runbook", "SRE on call"],
        ["Tidy the n/a dashboards", "(internal)"],  # no role; "n/a" is no ticket id
    ]
    assert "Postmortem owner: incident commander" in texts(tokens)[1]
    assert pm.summary.startswith("Ana Lima")  # the record itself is untouched


@pytest.mark.parametrize(("sample", "template", "public"), CASES)
def test_golden_files(sample: Path, template: str, public: bool) -> None:
    """Each sample with each template, checked in. PMTUI_UPDATE_GOLDEN=1 rewrites them."""
    _, text = render(sample, template, public)
    golden = GOLDEN / f"{sample.stem}.{template}{'.public' if public else ''}.md"
    if os.environ.get("PMTUI_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8", newline="\n")
    assert golden.exists(), f"{golden.name} missing: run with PMTUI_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8"), f"{golden.name} differs"


def test_no_stale_golden_files() -> None:
    wanted = {
        f"{s.stem}.{t}{'.public' if p else ''}.md"
        for s in SAMPLES
        for t in TEMPLATES
        for p in (0, 1)
    }
    assert {p.name for p in GOLDEN.glob("*.md")} == wanted
