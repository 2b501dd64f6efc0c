"""The blameless coach: finds blame-prone wording in the record, with a kind suggestion.

Rules come from `pmtui/data/coach_rules.json`, plus any file a team adds (same shape).
Patterns match whole words, case-insensitively. Text in backticks, in double quotes and
on quoted lines (starting with `>`) is left alone: log lines and commands are evidence,
not judgement. A participant's name in a cause, a why answer or an action item is a
finding too: write about systems and conditions, not people.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pmtui.core import whys as whytree
from pmtui.core.models import Postmortem
from pmtui.core.values import value

NAME_SUGGESTION = (
    "A person's name in a cause or an action points at them. Name the role, the system or "
    'the condition instead ("the on-call engineer", "the deploy tool").'
)
MIN_FIRST_NAME = 3
# Spans whose words are not ours to judge: `code`, "quotes" and > quoted lines.
_QUOTED = re.compile(r"`[^`]*`|\"[^\"]*\"|“[^”]*”|^\s*>.*$", re.MULTILINE)


class RulesError(ValueError):
    """A rules file that cannot be used; the message names it."""


@value(frozen=True)
class Rule:
    """Words the coach looks for, and what it suggests instead."""

    id: str
    words: str  # the regular expression of the rules file, matched as whole words
    suggestion: str

    def __init__(self, id: str, words: str, suggestion: str) -> None:
        self.__dict__.update(id=id, words=words, suggestion=suggestion)

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """Compiled on first use: the built-in rules are read before a meeting's first
        frame, and the coach first reads the record after it."""
        return re.compile(rf"(?<!\w)(?:{self.words})(?!\w)", re.IGNORECASE)


@value(frozen=True)
class Finding:
    """Words a rule found in the record, where they are, and the rule's suggestion."""

    field: str  # where in the record, e.g. "whys[0].answers[2]"
    rule: str  # the rule's id, or "name" for a person's name
    words: str  # the words found, as written
    suggestion: str
    start: int
    end: int

    def __init__(
        self, field: str, rule: str, words: str, suggestion: str, start: int, end: int
    ) -> None:
        self.__dict__.update(
            field=field, rule=rule, words=words, suggestion=suggestion, start=start, end=end
        )

    def describe(self) -> str:
        """One line, naming the place as the meeting screen does ("What went wrong, note 3")."""
        return f'{place(self.field)}: "{self.words}": {self.suggestion}'


def parse_rules(data: Any, source: str, *, check: bool = True) -> list[Rule]:
    """The rules of a rules file's JSON; `check` compiles each pattern now, so that a bad
    one is a RulesError naming it (the built-in ones are checked by the tests)."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulesError(f'{source}: expected {{"rules": [...]}}')
    rules = []
    for i, raw in enumerate(data["rules"]):
        if not isinstance(raw, dict) or not all(
            isinstance(raw.get(k), str) and raw.get(k) for k in ("id", "pattern", "suggestion")
        ):
            raise RulesError(f"{source}: rules[{i}] needs text id, pattern and suggestion")
        rule = Rule(raw["id"], raw["pattern"], raw["suggestion"])
        if check:
            try:
                rule.pattern  # noqa: B018 (compiled now, and kept)
            except re.error as error:
                raise RulesError(f"{source}: rules[{i}].pattern: {error}") from None
        rules.append(rule)
    return rules


@functools.cache
def _builtin_rules() -> tuple[Rule, ...]:
    # Beside this package, as pmtui.resources finds its folders (importlib.resources
    # would cost more to import than reading the file does).
    text = (Path(__file__).resolve().parent.parent / "data" / "coach_rules.json").read_text("utf-8")
    return tuple(parse_rules(json.loads(text), "built-in coach rules", check=False))


def load_rules(extra: Any = None, source: str = "your coach rules") -> list[Rule]:
    """The built-in rules, then a team's own (the parsed JSON of their rules file, same
    shape as the built-in one), if given. Reading that file is the application layer's."""
    rules = list(_builtin_rules())
    if extra is not None:
        rules += parse_rules(extra, source)
    return rules


def _mask(text: str) -> str:
    """The text with quoted spans blanked out, same length, so positions still hold."""
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


def _texts(pm: Postmortem) -> Iterator[tuple[str, str, bool]]:
    """Every text of the record: (field path, text, whether names count there)."""
    for field in ("title", "summary", "impact", "detection", "resolution"):
        yield field, getattr(pm, field), False
    yield "trigger", pm.trigger, True
    for i, event in enumerate(pm.timeline):
        yield f"timeline[{i}].text", event.text, False
    for field in ("went_right", "went_wrong", "got_lucky"):
        for i, note in enumerate(getattr(pm, field)):
            yield f"{field}[{i}]", note.text, field == "went_wrong"
    for i, chain in enumerate(pm.whys):
        yield f"whys[{i}].problem", chain.problem, True
        for row in whytree.rows(chain):
            yield why_field(i, row.path), row.why.text, True
    for i, item in enumerate(pm.action_items):
        yield f"action_items[{i}].title", item.title, True


_PLACES = {
    "went_right": "What went right",
    "went_wrong": "What went wrong",
    "got_lucky": "Where we got lucky",
}
_INDEX = re.compile(r"\[(\d+)\]")


def place(field: str) -> str:
    """Where a finding is, as the facilitator would say it and the stage shows it:
    `What went wrong, note 2`, `Chain 1, why 3 (answer 2 to why 2)`."""
    head = field.split("[", 1)[0].split(".", 1)[0]
    indices = [int(n) for n in _INDEX.findall(field)]
    numbers = [i + 1 for i in indices]
    if not numbers:
        return head.replace("_", " ").capitalize()
    if head in _PLACES:
        return f"{_PLACES[head]}, note {numbers[0]}"
    if head == "timeline":
        return f"Timeline event {numbers[0]}"
    if head == "action_items":
        return f"Action item {numbers[0]}"
    if head == "whys":
        if len(numbers) == 1:
            return f"Chain {numbers[0]}, problem"
        return f"Chain {numbers[0]}, {whytree.spoken(tuple(indices[1:]))}"
    return field


def why_field(chain: int, path: tuple[int, ...]) -> str:
    """The finding path of an answer: `whys[0].answers[1].answers[0]`."""
    return f"whys[{chain}]" + "".join(f".answers[{i}]" for i in path)


def _name_pattern(pm: Postmortem) -> re.Pattern[str] | None:
    names = {p.name.strip() for p in pm.participants if p.name.strip()}
    names |= {n.split()[0] for n in list(names) if len(n.split()[0]) >= MIN_FIRST_NAME}
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    # Names are proper nouns: matched as written (a name that is also a word, like "Will",
    # is not flagged in "will be").
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


# A text's rule matches: (rule id, suggestion, start, end), in the order check() finds them.
Matches = tuple[tuple[str, str, int, int], ...]
MEMO_LIMIT = 20_000


def _rule_matches(masked: str, rules: list[Rule]) -> Matches:
    return tuple(
        (rule.id, rule.suggestion, match.start(), match.end())
        for rule in rules
        for match in rule.pattern.finditer(masked)
    )


class Coach:
    """`check` for a meeting in progress, with one set of rules.

    It remembers what the rules found in each text, so reading the record again after an
    edit costs a lookup for every text that did not change (a meeting screen re-reads a
    300-event timeline after each event added).
    """

    def __init__(self, rules: list[Rule] | None = None) -> None:
        self.rules = load_rules() if rules is None else rules
        self._memo: dict[str, Matches] = {}

    def check(self, pm: Postmortem) -> list[Finding]:
        if len(self._memo) > MEMO_LIMIT:
            self._memo.clear()
        return check(pm, self.rules, memo=self._memo)


def check(
    pm: Postmortem, rules: list[Rule] | None = None, *, memo: dict[str, Matches] | None = None
) -> list[Finding]:
    """Every finding in the record, in the order of the record.

    `memo` keeps each text's rule matches between calls with the same rules (see Coach).
    """
    rules = load_rules() if rules is None else rules
    names = _name_pattern(pm)
    findings: list[Finding] = []
    for field, text, names_count in _texts(pm):
        if not text:
            continue
        seen: set[tuple[str, str]] = set()  # the same words twice in one text: one finding
        hits = memo.get(text) if memo is not None else None
        masked = None
        if hits is None:
            masked = _mask(text)
            hits = _rule_matches(masked, rules)
            if memo is not None:
                memo[text] = hits
        for rule_id, suggestion, start, end in hits:
            if _first(seen, rule_id, text[start:end]):
                findings.append(Finding(field, rule_id, text[start:end], suggestion, start, end))
        if names_count and names is not None:
            if masked is None:
                masked = _mask(text)
            for match in names.finditer(masked):
                if not _first(seen, "name", match.group(0)):
                    continue
                findings.append(
                    Finding(
                        field,
                        "name",
                        text[match.start() : match.end()],
                        NAME_SUGGESTION,
                        match.start(),
                        match.end(),
                    )
                )
    return findings


def _first(seen: set[tuple[str, str]], rule: str, words: str) -> bool:
    """True the first time a rule finds these words in one text."""
    key = (rule, words.casefold())
    if key in seen:
        return False
    seen.add(key)
    return True
