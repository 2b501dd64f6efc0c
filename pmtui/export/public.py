"""The customer-facing copy of a record: no one's name, no internal ticket ids.

Every person the record knows (participants, the owner, the facilitator, action-item
owners) is replaced wherever they appear in any text by their role, or by "the team"
where they have none; handles and e-mail addresses too, and ticket ids and tracker links
are taken out (`pmtui.export.scrub` says how each is found). A field that names someone
or a ticket shows the person's role, or "(internal)": never "not recorded", which would
be untrue. Where we got lucky is left out, and so are the sections the templates keep
for the team.

`public_findings` lists what the blameless coach would reword in the text that goes
public, so blame-prone wording is not published by accident.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from pmtui.core import coach
from pmtui.core import whys as whytree
from pmtui.core.models import MeetingFacts, Postmortem, TimelineEvent, Why, WhyChain
from pmtui.export.scrub import NO_ROLE, Scrubber, fold

INTERNAL = "(internal)"


def _key(name: str) -> str:
    """A name as compared: accents, invisible characters, case and spacing aside."""
    return " ".join(fold(name)[0].casefold().split())


def _roles(pm: Postmortem) -> dict[str, str]:
    """Every name the record knows, with what replaces it."""
    roles: dict[str, str] = {}
    keys: dict[str, str] = {}  # _key(name) -> name as first met
    for person in pm.participants:
        name = " ".join(person.name.split())
        role = " ".join(person.role.split()) or NO_ROLE
        if not name:
            continue
        first = keys.setdefault(_key(name), name)
        if first not in roles or roles[first] == NO_ROLE:
            roles[first] = role
    others = [pm.owner, pm.meeting.facilitator, *(a.owner for a in pm.action_items)]
    for other in others:
        name = " ".join(other.split())
        if name and _key(name) not in keys:
            keys[_key(name)] = name
            roles[name] = NO_ROLE
    return roles


def _is_ticket_id(ticket: str) -> bool:
    """Worth looking for in free text: `OPS-12`, `#123`, a link; not `n/a` or a bare `12`."""
    if "://" in ticket:
        return True
    if re.fullmatch(r"#\d+", ticket):
        return True
    return bool(re.search(r"\d", ticket) and re.search(r"[^\W\d_]", ticket))


def name_scrubber(pm: Postmortem) -> Callable[[str], str]:
    """A function that takes every name and ticket id the record knows out of a text."""
    tickets = [t for a in pm.action_items if _is_ticket_id(t := fold(a.ticket)[0].strip())]
    return Scrubber(_roles(pm), tickets)


def _clean_whys(answers: list[Why], clean: Callable[[str], str]) -> list[Why]:
    """A copy of a Five Whys tree with every answer cleaned."""
    out = []
    for why in answers:
        copied = why.copy()
        stack = [copied]
        while stack:
            node = stack.pop()
            node.text = clean(node.text)
            stack.extend(node.answers)
        out.append(copied)
    return out


def public_copy(pm: Postmortem) -> Postmortem:
    """A copy safe to show customers; the record itself is untouched."""
    roles = {_key(name): role for name, role in _roles(pm).items()}
    clean = name_scrubber(pm)

    def role_of(name: str) -> str:
        """A person shown by role; "(internal)" for someone with none; "" for no one."""
        if not name.strip():
            return ""
        role = roles.get(_key(name), NO_ROLE)
        return INTERNAL if role == NO_ROLE else role

    return replace(
        pm,
        title=clean(pm.title),
        severity=clean(pm.severity),
        summary=clean(pm.summary),
        impact=clean(pm.impact),
        trigger=clean(pm.trigger),
        detection=clean(pm.detection),
        resolution=clean(pm.resolution),
        owner=role_of(pm.owner),
        participants=[],
        timeline=[TimelineEvent(e.at, clean(e.text), e.kind, e.id) for e in pm.timeline],
        went_right=[replace(n, text=clean(n.text)) for n in pm.went_right],
        went_wrong=[replace(n, text=clean(n.text)) for n in pm.went_wrong],
        got_lucky=[],
        whys=[WhyChain(clean(c.problem), _clean_whys(c.answers, clean), c.id) for c in pm.whys],
        action_items=[
            replace(
                a,
                title=clean(a.title),
                owner=role_of(a.owner),
                # `addresses` is a why's id: the minutes show that why's cleaned text.
                ticket=INTERNAL if a.ticket.strip() else "",
                note="",  # why it will not be done: internal, and may name people
            )
            for a in pm.action_items
        ],
        # Who moved it through review and what was decided about other meetings' items
        # are the team's own business.
        history=[],
        follow_ups=[],
        meeting=MeetingFacts(
            held_at=pm.meeting.held_at,
            facilitator="",
            agenda=[replace(s, title=clean(s.title)) for s in pm.meeting.agenda],
            clock=None,
        ),
    )


def public_findings(pm: Postmortem, rules: list[coach.Rule] | None = None) -> list[coach.Finding]:
    """What the coach finds in the text that goes public: the public copy's texts, of
    the Five Whys only the problems, root causes, contributing factors and answers an
    action item addresses (the public minutes show no other answer)."""
    public = public_copy(pm)
    shown = {whytree.norm(a.addresses) for a in public.action_items if a.addresses.strip()}
    causes = whytree.root_causes(public) + whytree.contributing(public)
    fields = {coach.why_field(c.chain, c.path) for c in causes}
    fields |= {
        coach.why_field(i, row.path)
        for i, row in whytree.walk(public)
        if whytree.norm(row.why.text) in shown
    }

    def goes_public(field: str) -> bool:
        return not field.startswith("whys[") or field.endswith(".problem") or field in fields

    return [f for f in coach.check(public, rules) if goes_public(f.field)]
