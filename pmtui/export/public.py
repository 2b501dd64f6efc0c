"""The customer-facing copy of a record: no one's name, no internal ticket ids.

Every person the record knows (participants, the owner, the facilitator, action-item
owners) is replaced wherever they appear in any text by their role, or by "the team"
where they have none: the full name, and the first and last name alone, as whole words
in any case. A name that is also a common word ("Will", "Rose", "Frank") is replaced
alone only where it is capitalised, so "we will" stays. Ticket ids are taken out of the
text too. Sections meant for the team only are left out by the templates when told
`public`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from pmtui.core.models import MeetingFacts, Postmortem, TimelineEvent, Why, WhyChain

NO_ROLE = "the team"
TICKET = "an internal ticket"
MIN_PART = 3  # shorter first or last names ("Al", "Li") would match ordinary words
# Names that are also everyday words: alone, they are replaced only when capitalised.
COMMON_WORDS = frozenset(
    """
    amber angel april archer art august autumn baker bell bill bishop black bob brook brown
    case cash chase cliff cook crystal dale dash dawn daisy dean don drew faith fisher
    forest frank gene glen grace gray green grey guy hall harmony hazel hill holly hope
    hunter iris ivy jack jade joy june king lane lily long love major mark mason max may
    melody miles miller nick noble page park parker pat pearl penny porter price ray reed
    rich river rob rod rose ruby rusty sage sandy sky smith stone storm summer sue sunny
    tony violet wade walker west white will winter wood young
    """.split()  # noqa: SIM905 (a word list reads better as text)
)


def _roles(pm: Postmortem) -> dict[str, str]:
    """Every name the record knows, with what replaces it."""
    roles: dict[str, str] = {}
    for person in pm.participants:
        name = " ".join(person.name.split())
        if name and (name not in roles or roles[name] == NO_ROLE):
            roles[name] = " ".join(person.role.split()) or NO_ROLE
    others = [pm.owner, pm.meeting.facilitator, *(a.owner for a in pm.action_items)]
    for other in others:
        name = " ".join(other.split())
        if name and name not in roles:
            roles[name] = NO_ROLE
    return roles


def _replacements(roles: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    """Lower-cased name or name part -> replacement; and those matched only capitalised."""
    full = {name.lower(): role for name, role in roles.items()}
    parts: dict[str, set[str]] = {}
    for name, role in roles.items():
        words = name.split()
        if len(words) < 2:
            continue
        for word in (words[0], words[-1]):
            if len(word) >= MIN_PART:
                parts.setdefault(word.lower(), set()).add(role)
    replacements = dict(full)
    for part, found in parts.items():
        if part not in replacements:
            # A part two people share with different roles names neither: say "the team".
            replacements[part] = found.pop() if len(found) == 1 else NO_ROLE
    # A name made only of everyday words is matched only when capitalised.
    exact = {name for name in replacements if all(w in COMMON_WORDS for w in name.split())}
    return replacements, exact


def _is_ticket_id(ticket: str) -> bool:
    """Worth looking for in free text: `OPS-12`, `#123`, a link; not `n/a` or a bare `12`."""
    if "://" in ticket:
        return True
    if re.fullmatch(r"#\d+", ticket):
        return True
    return bool(re.search(r"\d", ticket) and re.search(r"[^\W\d_]", ticket))


def name_scrubber(pm: Postmortem) -> Callable[[str], str]:
    """A function that takes every name and ticket id the record knows out of a text."""
    replacements, exact = _replacements(_roles(pm))
    tickets = sorted({t for a in pm.action_items if _is_ticket_id(t := a.ticket.strip())}, key=len)
    alternatives = []
    for name in sorted(replacements, key=len, reverse=True):
        if name in exact:  # "Will Park", "WILL PARK", not "will park"
            words = [f"{re.escape(w[0].upper())}(?i:{re.escape(w[1:])})" for w in name.split()]
        else:
            words = [f"(?i:{re.escape(w)})" for w in name.split()]
        alternatives.append(r"\s+".join(words))
    names = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)") if alternatives else None
    ticket_ids = (
        re.compile(
            rf"(?<![\w-])(?:{'|'.join(re.escape(t) for t in reversed(tickets))})(?![\w-])",
            re.IGNORECASE,
        )
        if tickets
        else None
    )

    def replace(match: re.Match[str]) -> str:
        role = replacements[" ".join(match.group(0).split()).lower()]
        before = match.string[: match.start()].rstrip(" \t\"'“‘(")
        if not before or before.endswith((".", "!", "?", "\n")):
            role = role[:1].upper() + role[1:]
        return role

    def scrub(text: str) -> str:
        if not text:
            return text
        if ticket_ids is not None:
            text = ticket_ids.sub(TICKET, text)
        if names is not None:
            text = names.sub(replace, text)
        return text

    return scrub


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
    roles = _roles(pm)
    clean = name_scrubber(pm)

    def role_of(name: str) -> str:
        """A person shown by role; someone with no known role is left out."""
        role = roles.get(" ".join(name.split()), "")
        return "" if role == NO_ROLE else role

    return replace(
        pm,
        title=clean(pm.title),
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
        got_lucky=[replace(n, text=clean(n.text)) for n in pm.got_lucky],
        whys=[WhyChain(clean(c.problem), _clean_whys(c.answers, clean), c.id) for c in pm.whys],
        action_items=[
            replace(
                a,
                title=clean(a.title),
                owner=role_of(a.owner),
                ticket="",
            )
            for a in pm.action_items
        ],
        meeting=MeetingFacts(
            held_at=pm.meeting.held_at,
            facilitator="",
            agenda=[replace(s, title=clean(s.title)) for s in pm.meeting.agenda],
            clock=None,
        ),
    )
