"""The customer-facing copy of a record: no one's name, no internal ticket ids.

Every person the record knows (participants, the owner, the facilitator, action-item
owners) is replaced, wherever their full name or first name appears in any text, by
their role, or by "the team" where they have none. Sections meant for the team only are
left out by the templates when they are told `public`.
"""

from __future__ import annotations

import copy
import re

from pmtui.core.models import Postmortem

NO_ROLE = "the team"
MIN_FIRST_NAME = 3  # shorter first names ("Al") would match ordinary words too often


def _people(pm: Postmortem) -> dict[str, str]:
    """Every name the record knows, with what replaces it."""
    roles = {p.name.strip(): (p.role.strip() or NO_ROLE) for p in pm.participants}
    others = [pm.owner, pm.meeting.facilitator, *(a.owner for a in pm.action_items)]
    for name in others:
        if name.strip() and name.strip() not in roles:
            roles[name.strip()] = NO_ROLE
    return {name: role for name, role in roles.items() if name}


def _pattern(people: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    replacements: dict[str, str] = {}
    for name, role in people.items():
        replacements[name.lower()] = role
        first = name.split()[0]
        if len(first) >= MIN_FIRST_NAME and first.lower() not in replacements:
            replacements[first.lower()] = role
    if not replacements:
        return None
    # Longest first, so "Ana Lima" is replaced whole before "Ana".
    names = sorted(replacements, key=len, reverse=True)
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE), replacements


def public_copy(pm: Postmortem) -> Postmortem:
    """A copy safe to show customers; the record itself is untouched."""
    out = copy.deepcopy(pm)
    people = _people(pm)
    found = _pattern(people)

    def clean(text: str) -> str:
        if found is None or not text:
            return text
        pattern, replacements = found
        return pattern.sub(lambda m: replacements[m.group(0).lower()], text)

    for field in ("title", "summary", "impact", "trigger", "detection", "resolution"):
        setattr(out, field, clean(getattr(out, field)))
    out.owner = people.get(pm.owner.strip(), "") if pm.owner.strip() else ""
    out.participants = []
    out.meeting.facilitator = ""
    for event in out.timeline:
        event.text = clean(event.text)
    for field in ("went_right", "went_wrong", "got_lucky"):
        setattr(out, field, [clean(text) for text in getattr(out, field)])
    for chain in out.whys:
        chain.problem = clean(chain.problem)
        chain.answers = [clean(answer) for answer in chain.answers]
    for item in out.action_items:
        item.title = clean(item.title)
        item.owner = people.get(item.owner.strip(), "") if item.owner.strip() else ""
        item.ticket = ""
    return out
