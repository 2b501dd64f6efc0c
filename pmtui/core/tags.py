"""Tags: a vocabulary of contributing-factor categories, and the recurring causes they
reveal across meetings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pmtui.core.models import Postmortem
from pmtui.core.sessionfile import MAX_TAG, normal_tag

DEFAULT_VOCABULARY = (
    "config change",
    "deployment",
    "capacity",
    "dependency",
    "network",
    "database",
    "hardware",
    "time and clocks",
    "certificates and expiry",
    "monitoring gap",
    "runbook and process",
    "security",
)


def vocabulary(extra: Iterable[str] = ()) -> list[str]:
    """The default categories, then the team's own, each once."""
    return list(dict.fromkeys([*DEFAULT_VOCABULARY, *(normal_tag(t) for t in extra)]))


def parse_tag(text: str) -> str:
    """A tag as typed, normalised; ValueError if empty or too long."""
    tag = normal_tag(text)
    if not tag:
        raise ValueError("a tag needs a name")
    if len(tag) > MAX_TAG:
        raise ValueError(f"a tag is at most {MAX_TAG} characters")
    return tag


def toggle(tags: list[str], tag: str) -> list[str]:
    """The tags with `tag` added, or removed if it was there."""
    return [t for t in tags if t != tag] if tag in tags else [*tags, tag]


@dataclass(frozen=True)
class Recurring:
    tag: str
    titles: tuple[str, ...]  # the earlier postmortems that share it

    def describe(self, shown: int = 3) -> str:
        count = len(self.titles)
        names = ", ".join(self.titles[:shown]) + (" …" if count > shown else "")
        plural = "s" if count != 1 else ""
        return f"{self.tag}: also in {count} earlier postmortem{plural} ({names})"


def recurring(pm: Postmortem, earlier: Iterable[tuple[str, str, Iterable[str]]]) -> list[Recurring]:
    """Each tag of `pm` that earlier meetings (id, title, tags) share, most shared first."""
    # The ledger (and its policy) loads with the follow-through, not with a tag picker.
    from pmtui.core.ledger import meeting_tags

    mine = meeting_tags(pm)
    found: dict[str, list[str]] = {t: [] for t in mine}
    for meeting_id, title, tags in earlier:
        if meeting_id == pm.id:
            continue
        for tag in set(tags) & set(mine):
            found[tag].append(title)
    out = [Recurring(t, tuple(titles)) for t, titles in found.items() if titles]
    return sorted(out, key=lambda r: (-len(r.titles), r.tag))
