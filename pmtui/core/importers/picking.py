"""What a picker holds while the facilitator chooses messages to bring in: the entries
in time order, which are shown (a search), which are selected, and the markers chosen.

Pure and quick at 10,000 entries: a search is one pass over lower-cased texts made once;
nothing here touches the record until `chosen` hands the events over.
"""

from __future__ import annotations

from pmtui.core.importers import Entry
from pmtui.core.models import EventKind, TimelineEvent


class Pick:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._folded = [f"{e.text}\n{e.note}".casefold() for e in entries]
        self.shown: list[int] = list(range(len(entries)))  # indices into entries
        self.selected: set[int] = set()
        self.marks: dict[int, EventKind] = {}  # markers a person chose (or accepted)
        self.query = ""

    def search(self, text: str) -> list[int]:
        """Show the entries whose text holds every word of `text` (any case)."""
        self.query = text
        words = text.casefold().split()
        if not words:
            self.shown = list(range(len(self.entries)))
        elif len(words) == 1:
            word = words[0]
            self.shown = [i for i, folded in enumerate(self._folded) if word in folded]
        else:
            self.shown = [
                i for i, folded in enumerate(self._folded) if all(w in folded for w in words)
            ]
        return self.shown

    def toggle(self, index: int) -> bool:
        """Select or unselect one entry; whether it is selected now."""
        if index in self.selected:
            self.selected.discard(index)
            return False
        self.selected.add(index)
        return True

    def select_shown(self) -> None:
        self.selected.update(self.shown)

    def clear_shown(self) -> None:
        self.selected.difference_update(self.shown)

    def mark(self, index: int, kind: EventKind | None) -> None:
        """Make an entry a marker (it is selected too); None takes the mark off."""
        if kind is None or kind is EventKind.EVENT:
            self.marks.pop(index, None)
            return
        for other, chosen in list(self.marks.items()):
            if chosen is kind and other != index:
                del self.marks[other]  # one of each marker
        self.marks[index] = kind
        self.selected.add(index)

    def accept_suggestion(self, index: int) -> bool:
        suggested = self.entries[index].suggested
        if suggested is None:
            return False
        self.mark(index, suggested)
        return True

    def kind_of(self, index: int) -> EventKind:
        return self.marks.get(index, self.entries[index].kind)

    @property
    def count(self) -> int:
        return len(self.selected)

    def chosen(self) -> list[TimelineEvent]:
        """The selected entries as events, in time order, with the markers chosen."""
        return [self.entries[i].event(self.kind_of(i)) for i in sorted(self.selected)]

    def people(self, participants: list[str]) -> list[str]:
        """Of the source's people, those who wrote a selected entry."""
        authors = {self.entries[i].author for i in self.selected}
        return [name for name in participants if name in authors]
