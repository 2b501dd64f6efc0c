"""Five Whys as teams use them: branching chains, cause marks, links from action items."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from pmtui.core import coach, sessionfile
from pmtui.core import whys as whytree
from pmtui.core.clock import FakeClock
from pmtui.core.live import EditError, LiveMeeting
from pmtui.core.models import ActionItem, Cause, Participant, Postmortem, Why, WhyChain
from pmtui.export import render_csv, render_markdown
from pmtui.service.files import read_session_file
from tests.conftest import SAMPLES

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def tree() -> WhyChain:
    """Checkout failed → (deploy, branching into two answers) and a second top answer."""
    return WhyChain(
        "Checkout failed",
        [
            Why(
                "A bad config reached every region",
                answers=[
                    Why("The canary covered one region", answers=[Why("Scope was set by hand")]),
                    Why("The config linter skipped YAML anchors", Cause.ROOT),
                ],
            ),
            Why("Retries amplified the load", Cause.CONTRIBUTING),
        ],
    )


# --- the tree -------------------------------------------------------------------------


def test_rows_read_top_to_bottom_with_branches_indented() -> None:
    rows = whytree.rows(tree())
    assert [(r.label, r.level, r.depth, r.branch) for r in rows] == [
        ("1", 1, 1, True),
        ("1.1", 2, 2, True),
        ("1.1.1", 3, 2, False),
        ("1.2", 2, 2, True),
        ("2", 1, 1, True),
    ]
    assert [r.indent for r in rows] == ["↳ ", "  ↳ ", "    ", "  ↳ ", "↳ "]


def test_a_plain_chain_is_not_indented() -> None:
    chain = WhyChain("p", whytree.linear(["a", "b", "c"]))
    assert [(r.path, r.level, r.indent) for r in whytree.rows(chain)] == [
        ((0,), 1, ""),
        ((0, 0), 2, ""),
        ((0, 0, 0), 3, ""),
    ]
    assert whytree.end_of_line(chain) == (0, 0, 0)
    assert whytree.depth(chain) == 3


def test_removing_an_answer_moves_the_ones_below_up() -> None:
    chain = WhyChain("p", whytree.linear(["a", "b", "c"]))
    whytree.remove(chain, (0, 0))
    assert [r.why.text for r in whytree.rows(chain)] == ["a", "c"]
    assert whytree.depth(chain) == 2
    with pytest.raises(whytree.PathError):
        whytree.find(chain, (0, 5))


def test_root_causes_are_the_marked_ones_or_else_the_end_of_each_branch() -> None:
    pm = Postmortem("t", whys=[tree(), WhyChain("Slow restore", whytree.linear(["a", "b"]))])
    found = [(c.chain, c.text, c.marked) for c in whytree.root_causes(pm)]
    assert found == [
        (0, "The config linter skipped YAML anchors", True),
        (1, "b", False),  # nothing marked in chain 2: its last why stands in
    ]
    assert [c.text for c in whytree.contributing(pm)] == ["Retries amplified the load"]


def test_unaddressed_root_causes_are_those_no_action_links_to() -> None:
    pm = Postmortem("t", whys=[tree()])
    [cause] = whytree.unaddressed(pm)
    assert cause.text == "The config linter skipped YAML anchors"
    assert cause.id == whytree.find(pm.whys[0], cause.path).id
    pm.action_items = [ActionItem("Lint anchors", addresses=cause.id)]
    assert whytree.unaddressed(pm) == []


def test_an_action_addresses_the_one_why_it_links_not_every_why_that_reads_alike() -> None:
    """Links were by text: one action item 'addressed' every why with the same words."""
    same = "Nobody owned the linter"
    pm = Postmortem(
        "t",
        whys=[
            WhyChain("Checkout failed", [Why(same, Cause.ROOT)]),
            WhyChain("Alerts were late", [Why(" nobody owned the  LINTER", Cause.ROOT)]),
        ],
    )
    first = pm.whys[0].answers[0]
    pm.action_items = [ActionItem("Give the linter an owner", addresses=first.id)]
    assert [(c.chain, c.text) for c in whytree.unaddressed(pm)] == [
        (1, " nobody owned the  LINTER")
    ]
    assert whytree.addressed(pm) == {first.id}


def test_a_chain_cannot_grow_deeper_than_the_limit() -> None:
    chain = WhyChain("p", whytree.linear(["why"] * whytree.MAX_DEPTH))
    with pytest.raises(whytree.PathError, match="at most 50"):
        whytree.add(chain, whytree.end_of_line(chain), "one more")


# --- the live meeting --------------------------------------------------------------------


@pytest.fixture
def live() -> LiveMeeting:
    return LiveMeeting.new("Checkout outage", 30, FakeClock(NOW.timestamp()))


def test_answers_continue_the_chain_unless_a_why_is_named(live: LiveMeeting) -> None:
    chain = live.add_chain("Checkout failed")
    assert live.add_answer(chain, "A bad config reached every region") == (0,)
    assert live.add_answer(chain, "The canary covered one region") == (0, 0)
    # A second answer to why 1 makes the chain branch.
    assert live.add_answer(chain, "The linter skipped YAML anchors", (0,)) == (0, 1)
    # And a second answer to the problem itself.
    assert live.add_answer(chain, "Retries amplified the load", ()) == (1,)
    rows = whytree.rows(live.pm.whys[chain])
    assert [(r.label, r.why.text) for r in rows] == [
        ("1", "A bad config reached every region"),
        ("1.1", "The canary covered one region"),
        ("1.2", "The linter skipped YAML anchors"),
        ("2", "Retries amplified the load"),
    ]
    with pytest.raises(EditError, match="no longer there"):
        live.add_answer(chain, "x", (7,))


def test_marks_toggle_and_undo(live: LiveMeeting) -> None:
    chain = live.add_chain("Checkout failed")
    live.add_answer(chain, "A bad config reached every region")
    assert live.mark_cause(chain, (0,), Cause.ROOT) is Cause.ROOT
    assert live.mark_cause(chain, (0,), Cause.CONTRIBUTING) is Cause.CONTRIBUTING
    assert live.mark_cause(chain, (0,), Cause.CONTRIBUTING) is Cause.NONE
    assert live.undo() == "unmark why"
    assert live.pm.whys[0].answers[0].cause is Cause.CONTRIBUTING
    with pytest.raises(EditError):
        live.mark_cause(chain, (), Cause.ROOT)


def test_links_follow_an_edited_why_and_go_with_a_deleted_one(live: LiveMeeting) -> None:
    chain = live.add_chain("Checkout failed")
    live.add_answer(chain, "The linter skipped YAML anchors")
    live.add_answer(chain, "Nobody owned the linter")
    live.add_action(ActionItem("Lint anchors"))
    action = live.pm.action_items[0].id
    why = live.pm.whys[chain].answers[0].id
    with pytest.raises(EditError, match="no longer there"):
        live.link_action(action, "not-a-why")
    with pytest.raises(EditError, match="no longer there"):
        live.link_action(live.pm.whys[chain].id, why)  # a chain's id is not an action's
    assert live.link_action(action, why)
    assert not live.link_action(action, why)  # already linked: no undo step
    assert live.pm.action_items[0].addresses == why

    live.update_answer(chain, (0,), "The linter did not expand YAML anchors")
    assert live.pm.action_items[0].addresses == why
    assert whytree.text_of(live.pm, why) == "The linter did not expand YAML anchors"

    live.delete_answer(chain, (0,))
    assert live.pm.action_items[0].addresses == ""
    # The answer below took its place, so nothing typed was lost.
    assert [r.why.text for r in whytree.rows(live.pm.whys[0])] == ["Nobody owned the linter"]
    live.undo()
    assert live.pm.action_items[0].addresses == why
    assert whytree.text_of(live.pm, why) == "The linter did not expand YAML anchors"
    assert live.link_action(action, "")
    assert live.pm.action_items[0].addresses == ""


def test_deleting_a_chain_unlinks_the_actions_that_pointed_into_it(live: LiveMeeting) -> None:
    chain = live.add_chain("Checkout failed")
    live.add_answer(chain, "The linter skipped YAML anchors")
    live.add_chain("Alerts were late")
    live.add_answer(1, "The linter skipped YAML anchors")
    gone, kept = (c.answers[0].id for c in live.pm.whys)
    live.add_action(ActionItem("Lint anchors", addresses=gone))
    live.add_action(ActionItem("Page on lint failures", addresses=kept))
    with pytest.raises(EditError, match="no longer there"):
        live.add_action(ActionItem("Link to nothing", addresses="no-such-why"))
    live.delete_chain(chain)
    assert [a.addresses for a in live.pm.action_items] == ["", kept]


# --- the session format -------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A version-3 document part written as version 2 would: no ids, and an answer
    with nothing but its text as that text."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        value = {k: plain(v) for k, v in value.items() if k != "id"}
        return value["text"] if set(value) == {"text"} else value
    return value


def branching_document() -> dict[str, object]:
    return {
        "pmtui": 2,
        "title": "Checkout outage",
        "whys": [
            {
                "problem": "Checkout failed",
                "answers": [
                    {
                        "text": "A bad config reached every region",
                        "branches": [
                            [{"text": "Retries amplified the load", "cause": "contributing"}]
                        ],
                    },
                    "The canary covered one region",
                    {
                        "text": "Scope was set by hand",
                        "cause": "root",
                        "branches": [["The config linter skipped YAML anchors", "Nobody owned it"]],
                    },
                ],
            }
        ],
        "action_items": [{"title": "Lint anchors", "addresses": "Nobody owned it"}],
    }


def test_a_branching_chain_reads_as_a_tree_and_writes_back_the_same() -> None:
    document = branching_document()
    pm = sessionfile.from_document(document)
    rows = whytree.rows(pm.whys[0])
    assert [(r.label, r.why.text, r.why.cause) for r in rows] == [
        ("1", "A bad config reached every region", Cause.NONE),
        ("1.1", "The canary covered one region", Cause.NONE),
        ("1.1.1", "Scope was set by hand", Cause.ROOT),
        ("1.1.2", "The config linter skipped YAML anchors", Cause.NONE),
        ("1.1.2.1", "Nobody owned it", Cause.NONE),
        ("2", "Retries amplified the load", Cause.CONTRIBUTING),
    ]
    written = sessionfile.to_document(pm, with_metrics=False)
    assert written["pmtui"] == 3
    assert plain(written["whys"]) == document["whys"]
    link = written["action_items"][0]["addresses"]  # type: ignore[index]
    assert link == whytree.find(pm.whys[0], (0, 0, 1, 0)).id
    assert whytree.text_of(pm, link) == "Nobody owned it"


@pytest.mark.parametrize("sample", [s for s in SAMPLES if "gitlab" not in s.name], ids=str)
def test_every_version_1_sample_imports_and_writes_back_unchanged(sample: Path) -> None:
    original = json.loads(sample.read_text(encoding="utf-8"))
    assert original["pmtui"] == 1
    written = sessionfile.to_document(read_session_file(sample), with_metrics=False)
    assert written["pmtui"] == 3  # it has ids now
    assert plain(written["whys"]) == original["whys"]
    assert all(a["id"] for w in written["whys"] for a in w["answers"])


def test_deeply_nested_branches_are_refused_with_a_message() -> None:
    answers: list[object] = ["leaf"]
    for _ in range(60):
        answers = [{"text": "a", "branches": [answers]}]
    document = {"pmtui": 2, "title": "t", "whys": [{"problem": "p", "answers": answers}]}
    with pytest.raises(sessionfile.SessionFileError, match="branches nest more than 50 deep"):
        sessionfile.from_document(document, source="x.json")


# --- the coach ------------------------------------------------------------------------


def test_the_coach_names_the_answer_in_a_branch() -> None:
    pm = sessionfile.from_document(branching_document())
    whytree.find(pm.whys[0], (0, 0, 1)).text = "The reviewer should have caught it"
    found = [(f.field, f.words) for f in coach.check(pm)]
    assert ("whys[0].answers[0].answers[0].answers[1]", "should have") in found


# --- the exports ----------------------------------------------------------------------


def items(tokens: list, tag: str) -> list[tuple[int, str]]:  # type: ignore[type-arg]
    """(nesting level, text) of each list item's paragraph inside lists of `tag`."""
    out = []
    stack: list[str] = []
    for i, token in enumerate(tokens):
        if token.type in ("ordered_list_open", "bullet_list_open"):
            stack.append(token.tag)
        elif token.type in ("ordered_list_close", "bullet_list_close"):
            stack.pop()
        elif (
            token.type == "inline"
            and stack[-1:] == [tag]
            and tokens[i - 2].type == "list_item_open"
        ):
            out.append((len(stack), token.content))
    return out


def test_the_minutes_nest_branches_and_show_the_marks() -> None:
    pm = sessionfile.from_document(branching_document())
    text = render_markdown(pm, "minutes", now=NOW)
    whys = text[text.index("## Five Whys") : text.index("## Action items")]
    tokens = MarkdownIt("commonmark").parse(whys)
    numbered = items(tokens, "ol")
    assert numbered == [
        (2, "A bad config reached every region"),
        (2, "The canary covered one region"),
        (4, "Scope was set by hand — *root cause*"),
        (4, "The config linter skipped YAML anchors"),
        (4, "Nobody owned it"),
        (2, "Retries amplified the load — *contributing factor*"),
    ]
    # Each branch is its own numbered list, counting on from the level where it starts.
    starts = [t.attrGet("start") for t in tokens if t.type == "ordered_list_open"]
    assert starts == [None, 3, 3, None]
    assert "| Addresses |" in text and "| Nobody owned it |" in text
    # Scope was set by hand is a marked root cause no action item addresses.
    assert "**Root causes no action item addresses yet:**\n\n- Scope was set by hand\n" in text


def test_google_lists_marked_root_causes_and_contributing_factors() -> None:
    pm = sessionfile.from_document(branching_document())
    text = render_markdown(pm, "google", now=NOW)
    assert "  - Root cause: Scope was set by hand\n" in text
    assert "  - Contributing factor: Retries amplified the load\n" in text


def test_the_public_version_takes_names_out_of_every_branch_and_link() -> None:
    document = branching_document()
    document["participants"] = [{"name": "Dana Whitfield", "role": "SRE"}]
    pm = sessionfile.from_document(document)
    # The action item addresses this why, so the minutes name it in its Addresses cell.
    whytree.find(pm.whys[0], (0, 0, 1, 0)).text = "Dana Whitfield owned it"
    text = render_markdown(pm, "minutes", public=True, now=NOW)
    assert "Dana" not in text and "Whitfield" not in text
    assert "SRE owned it" in text
    assert whytree.find(pm.whys[0], (0, 0, 1, 0)).text == "Dana Whitfield owned it"


def test_the_tracker_csv_says_what_an_item_addresses() -> None:
    pm = sessionfile.from_document(branching_document())
    assert "Addresses: Nobody owned it" in render_csv(pm)


def test_show_draws_the_tree_and_the_open_root_causes() -> None:
    from rich.console import Console

    from pmtui.show import record_view

    pm = sessionfile.from_document(branching_document())
    pm.participants = [Participant("Ana")]
    console = Console(width=120, record=True, color_system=None)
    console.print(record_view(pm))
    out = console.export_text()
    assert "  ↳ 3. Scope was set by hand  [root cause]" in out
    assert "Root causes no action item addresses\n• Scope was set by hand" in out
