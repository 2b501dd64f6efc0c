"""The blameless coach: what it flags, what it leaves alone, and the rules file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pmtui.core import coach
from pmtui.core.models import ActionItem, Participant, Postmortem, WhyChain
from pmtui.core.whys import linear
from pmtui.service.files import read_session_file
from pmtui.service.settings import Settings
from tests.conftest import SAMPLES


def findings_in(text: str, **fields: object) -> list[coach.Finding]:
    pm = Postmortem(title="x", summary=text, **fields)  # type: ignore[arg-type]
    return coach.check(pm)


@pytest.mark.parametrize(
    ("text", "rule", "words"),
    [
        ("It was human error.", "human-error", "human error"),
        ("Two Human Errors combined.", "human-error", "Human Errors"),
        ("The operator should have checked.", "counterfactual", "should have"),
        ("We couldn't have known.", "counterfactual", "couldn't have"),
        ("The deploy failed to stop at canary.", "failed-to", "failed to"),
        ("A careless change.", "careless", "careless"),
        ("It was negligent.", "negligent", "negligent"),
        ("It was nobody's fault.", "fault", "fault"),
        ("No one is to blame.", "blame", "blame"),
        ("A simple mistake.", "mistake", "mistake"),
        ("Someone forgot the flag.", "forgot", "forgot"),
        ("They didn't bother to test.", "didnt-bother", "didn't bother"),
        ("Why did Sam restart it?", "why-did", "Why did Sam"),
    ],
)
def test_blame_prone_wording_is_flagged_with_a_suggestion(text: str, rule: str, words: str) -> None:
    found = [f for f in findings_in(text) if f.rule == rule]
    assert [f.words for f in found] == [words]
    assert found[0].field == "summary"
    assert found[0].suggestion
    assert text[found[0].start : found[0].end] == words


@pytest.mark.parametrize(
    "text",
    [
        "The default configuration was wrong.",  # "fault" inside a word
        "Faultless failover worked.",
        "The step failed; the tool failover ran.",
        "Why did the cache expire early?",  # why did + a thing, not a person
        "The log said `human error: retry` at 10:02.",  # code in backticks
        'The runbook quoted "should have been rotated" from a ticket.',  # a quotation
        "> ERROR mistake in config parse\nThe parser rejected the file.",  # a quoted line
        "Blameless review held on Monday.",
    ],
)
def test_no_false_positives(text: str) -> None:
    assert findings_in(text) == []


def test_names_in_causes_whys_and_actions_but_not_in_the_timeline() -> None:
    pm = Postmortem(
        title="x",
        participants=[Participant("Dana Whitfield", "SRE"), Participant("Al Kim", "DBA")],
        trigger="Dana ran the migration on the primary.",
        summary="Dana Whitfield led the response.",  # the summary may say who did what
        whys=[WhyChain("Data removed", linear(["Because Dana Whitfield ran it", "Al was away"]))],
        action_items=[ActionItem(title="Dana to add a confirmation prompt")],
    )
    found = {(f.field, f.words) for f in coach.check(pm) if f.rule == "name"}
    assert found == {
        ("trigger", "Dana"),
        ("whys[0].answers[0]", "Dana Whitfield"),
        ("action_items[0].title", "Dana"),
    }  # "Al" is too short to match as a first name; the summary is not a cause


def test_samples_are_blameless() -> None:

    for sample in SAMPLES:
        assert coach.check(read_session_file(sample)) == [], sample.name


def test_a_team_can_add_its_own_rules(tmp_path: Path) -> None:
    extra = tmp_path / "coach.json"
    extra.write_text(
        json.dumps(
            {
                "rules": [
                    {
                        "id": "rockstar",
                        "pattern": "rock ?stars?",
                        "suggestion": "Praise the system too.",
                    }
                ]
            }
        )
    )
    rules, problem = Settings.load(data=tmp_path, rules=extra, environ={}).coach_rules()
    assert problem is None
    pm = Postmortem(title="x", summary="Our rockstar saved the day. A mistake.")
    assert {f.rule for f in coach.check(pm, rules)} == {"rockstar", "mistake"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{nope", "cannot be read as JSON"),
        ('{"rules": {}}', 'expected {"rules": [...]}'),
        ('{"rules": [{"id": "x", "pattern": "("}]}', "needs text id, pattern and suggestion"),
        ('{"rules": [{"id": "x", "pattern": "(", "suggestion": "s"}]}', "rules[0].pattern"),
    ],
)
def test_bad_rules_files_are_named(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    settings = Settings.load(data=tmp_path, rules=bad, environ={})
    with pytest.raises(coach.RulesError) as caught:
        settings.coach_rules(strict=True)
    assert str(bad) in str(caught.value) and message in str(caught.value)
    # Outside `pmtui check` a damaged file falls back to the built-in rules, with the problem.
    rules, problem = settings.coach_rules()
    assert rules == coach.load_rules() and problem and message in problem


def test_a_named_rules_file_that_is_missing_is_a_problem(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    named = Settings.load(data=tmp_path, environ={"PMTUI_COACH_RULES": str(missing)})
    with pytest.raises(coach.RulesError):
        named.coach_rules(strict=True)
    # The default file in the config folder is optional.
    quiet = Settings.load(data=tmp_path, environ={"PMTUI_CONFIG": str(tmp_path)})
    assert quiet.coach_rules() == (coach.load_rules(), None)


@pytest.mark.parametrize(
    ("field", "said"),
    [
        ("summary", "Summary"),
        ("went_wrong[1]", "What went wrong, note 2"),
        ("timeline[3].text", "Timeline event 4"),
        ("whys[0].problem", "Chain 1, problem"),
        ("whys[0].answers[0].answers[0]", "Chain 1, why 2"),
        ("whys[1].answers[0].answers[2]", "Chain 2, why 2 (answer 3 to why 1)"),
        ("whys[0].answers[1]", "Chain 1, why 1 (answer 2 to the problem)"),
        ("whys[0].answers[0].answers[1].answers[0]", "Chain 1, why 3 (in answer 2 to why 1)"),
        ("action_items[4].title", "Action item 5"),
    ],
)
def test_a_finding_s_place_reads_as_the_facilitator_would_say_it(field: str, said: str) -> None:
    assert coach.place(field) == said


def test_the_coach_of_a_meeting_finds_what_check_finds_as_the_record_changes() -> None:
    pm = Postmortem(
        title="x",
        trigger="Alice ran the wrong command",
        participants=[Participant("Alice Smith", "SRE")],
        whys=[WhyChain("It was human error", linear(["Alice should have checked"]))],
    )
    meeting_coach = coach.Coach()
    assert meeting_coach.check(pm) == coach.check(pm)
    pm.summary = "A careless change; `careless` in code is left alone."
    pm.participants = []  # names stop counting; the remembered rule matches do not change
    assert meeting_coach.check(pm) == coach.check(pm)
    assert {f.rule for f in meeting_coach.check(pm)} == {
        "human-error",
        "counterfactual",
        "careless",
    }


@pytest.mark.parametrize(
    "text",
    [
        "Fault isolation took the bad POP out of rotation.",
        "Our fault tolerance covered one region, not two.",
        "Fault injection in staging never exercised this path.",
        "The fault-tolerant design held; the fault domain was one rack.",
    ],
)
def test_engineering_terms_with_fault_are_not_blame(text: str) -> None:
    assert [f for f in findings_in(text) if f.rule == "fault"] == []


def test_blame_with_fault_is_still_found() -> None:
    assert [f.words for f in findings_in("It was his fault, and the fault lies with ops.")] == [
        "his fault",
        "fault",
    ]


def test_not_following_the_runbook_is_flagged_as_blame_not_only_for_the_name() -> None:
    pm = Postmortem(
        title="x",
        participants=[Participant("Bob Lee", "on-call")],
        whys=[
            WhyChain(
                "Why was the config pushed everywhere?", linear(["Bob didn't follow the runbook"])
            )
        ],
    )
    rules = {f.rule for f in coach.check(pm)}
    assert rules == {"name", "did-not-follow"}


def test_one_why_with_a_name_twice_is_one_finding() -> None:
    pm = Postmortem(
        title="x",
        participants=[Participant("Bob Lee", "on-call")],
        whys=[WhyChain("p", linear(["Bob paged Bob's manager before Bob"]))],
    )
    found = coach.check(pm)
    assert [(f.field, f.rule, f.words) for f in found] == [("whys[0].answers[0]", "name", "Bob")]


def test_a_finding_is_described_by_its_place_as_the_screen_says_it() -> None:
    pm = Postmortem(title="x", went_wrong=[], summary="")
    pm.went_wrong = coach_notes("ok", "ok", "a simple mistake")
    (finding,) = coach.check(pm)
    assert finding.describe().startswith('What went wrong, note 3: "mistake": ')


def coach_notes(*texts: str) -> list:  # type: ignore[type-arg]
    from pmtui.core.models import Note

    return [Note(text) for text in texts]
