"""What the first frame of a meeting leaves for later: participants' join code and inboxes
(`Archive.open_session(participants=False)`, then `open_participation`)."""

from __future__ import annotations

from pathlib import Path

from pmtui.core.clock import FakeClock
from pmtui.service.archive import Archive
from pmtui.service.inbox import check_code, code_path, join_path
from pmtui.service.settings import Settings

T0 = 1_790_000_000.0


def new_meeting(folder: Path) -> tuple[Archive, str, FakeClock]:
    archive = Archive(Settings.load(data=folder / "data", environ={}), fsync=False)
    clock = FakeClock(T0)
    return archive, archive.create("Outage", 30, clock, follow_ups=False), clock


def test_participants_can_be_let_in_after_the_meeting_opens(tmp_path: Path) -> None:
    archive, meeting_id, clock = new_meeting(tmp_path)
    path = archive.meeting_file(meeting_id)
    session = archive.open_session(meeting_id, clock, participants=False)
    try:
        assert session.participation is None
        assert not code_path(path).exists() and not join_path(path).exists()
        archive.open_participation(session)
        part = session.participation
        assert part is not None and check_code(path, part.code)
        archive.open_participation(session)  # once is enough
        assert session.participation is part
    finally:
        session.close()
    again = archive.open_session(meeting_id, clock)  # the default: at once, same code
    try:
        assert again.participation is not None and again.participation.code == part.code
    finally:
        again.close()


def test_no_participants_for_a_read_only_copy(tmp_path: Path) -> None:
    archive, meeting_id, clock = new_meeting(tmp_path)
    first = archive.open_session(meeting_id, clock)
    second = archive.open_session(meeting_id, clock, participants=False)
    try:
        assert second.read_only
        archive.open_participation(second)
        assert second.participation is None and second.participation_problem is None
    finally:
        second.close()
        first.close()


def test_a_join_code_that_cannot_be_kept_leaves_the_meeting_running(tmp_path: Path) -> None:
    archive, meeting_id, clock = new_meeting(tmp_path)
    code_path(archive.meeting_file(meeting_id)).mkdir()  # the code file cannot be written
    session = archive.open_session(meeting_id, clock, participants=False)
    try:
        archive.open_participation(session)
        assert session.participation is None
        assert "join code" in (session.participation_problem or "")
        archive.open_participation(session)  # tried once; not again on every call
        assert session.participation is None
        assert not session.read_only
    finally:
        session.close()


def test_a_command_line_reads_the_same_with_only_its_command_built() -> None:
    from pmtui import cli

    for argv, command in (
        (["demo"], "demo"),
        (["--data", "list", "demo"], "demo"),
        (["--high-contrast", "open", "3f2a"], "open"),
        (["--data=x", "new", "--title", "T", "--minutes", "20"], "new"),
        (["list", "--json"], "list"),
        (["sync", "resolve", "3f2a", "c1", "--take-other"], "sync"),
        (["import", "--slack", "x.zip", "--channel", "ops", "--with-bots"], "import"),
        (["actions", "done", "a1", "--json"], "actions"),
        (["export", "3f2a", "--format", "csv", "-o", "out.csv"], "export"),
    ):
        assert cli._command_named(argv) == command
        assert cli.build_parser(only=command).parse_args(argv) == cli.build_parser().parse_args(
            argv
        )
    for unclear in (["--da", "list", "demo"], ["-h"], [], ["--version"], ["nope"]):
        assert cli._command_named(unclear) is None


# What the modules of a meeting's first frame load, and what they must leave for later:
# the review workflow, tags and the follow-through's ledger and policy (each a set of
# dataclasses, costly to create at import), the clock's events and the dialogs.
FIRST_FRAME = ("pmtui.cli", "pmtui.ui.app", "pmtui.ui.meeting", "pmtui.ui.stages.setup")
LATER = (
    "pmtui.core.review",
    "pmtui.core.tags",
    "pmtui.core.ledger",
    "pmtui.core.policy",
    "pmtui.core.events",
    "pmtui.ui.dialogs",
)


def test_the_first_frame_loads_none_of_what_later_actions_need() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        f"for name in {FIRST_FRAME!r}: __import__(name)\n"
        f"print(sorted(m for m in {LATER!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_status_move_and_a_tag_load_what_they_need(tmp_path: Path) -> None:
    from pmtui.core.models import Status

    archive, meeting_id, clock = new_meeting(tmp_path)
    session = archive.open_session(meeting_id, clock, participants=False)
    try:
        live = session.live
        assert live.set_choice("status", Status.IN_REVIEW)
        assert live.pm.history[-1].status is Status.IN_REVIEW
        assert live.toggle_tag("Capacity") == ["capacity"]
        assert live.toggle_tag("capacity") == []
    finally:
        session.close()


def test_the_app_stylesheet_leaves_the_pushed_screens_and_the_stages_to_theirs() -> None:
    from pmtui.resources import resource_dir

    styles = resource_dir("styles")
    first = (styles / "pmtui.tcss").read_text("utf-8")
    later = (styles / "screens.tcss").read_text("utf-8")
    stages = (styles / "stages.tcss").read_text("utf-8")
    for selector in (".dialog {", "ImportScreen {", "TagPicker {", "#search-hits {"):
        assert selector in later and selector not in first and selector not in stages
    for selector in ("#event-time {", ".lesson-column {", "#chain-column {", "#action-type {"):
        assert selector in stages and selector not in first and selector not in later
    assert "MeetingScreen.-short .entry-form {" in stages
    for selector in ("MeetingHeader {", ".field-lines {", "#wrapup-causes {", "DataTable {"):
        assert selector in first and selector not in later and selector not in stages


def test_the_built_in_coach_rules_compile_when_the_coach_first_reads() -> None:
    import re

    from pmtui.core import coach
    from pmtui.core.models import Postmortem

    coach._builtin_rules.cache_clear()  # as a fresh process reads them
    rules = coach.load_rules()
    assert rules and all("pattern" not in vars(rule) for rule in rules)
    # The coach reads a record: each rule's pattern is compiled once, and kept.
    pm = Postmortem(title="The deploy failed due to human error")
    assert [f.rule for f in coach.check(pm, rules)] == ["human-error"]
    assert all(isinstance(vars(rule)["pattern"], re.Pattern) for rule in rules)


def test_a_team_rule_that_does_not_compile_is_refused_when_read() -> None:
    import pytest

    from pmtui.core import coach

    data = {"rules": [{"id": "x", "pattern": "(", "suggestion": "s"}]}
    with pytest.raises(coach.RulesError, match=r"rules\[0\]\.pattern"):
        coach.load_rules(data)
