"""Small modal screens: jump to a stage, the key help, a new meeting, an import, the
coach's word before the minutes are written."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import ClassVar, TypeVar

from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from pmtui.core import whys as whytree
from pmtui.core.agenda import stage_numbers
from pmtui.core.coach import Finding, place
from pmtui.core.engine import MeetingView
from pmtui.core.models import ActionItem, Postmortem
from pmtui.core.timeutil import clock_face
from pmtui.ui.styles import SCREENS_CSS

R = TypeVar("R")


class Dialog(ModalScreen[R]):
    """What every dialog shares: a title that names what it acts on, and Escape cancels
    (dismisses with `CANCELLED`)."""

    CSS_PATH = SCREENS_CSS  # not on a first frame: see pmtui.ui.styles
    CANCELLED: ClassVar[object] = None
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, heading: str) -> None:
        super().__init__()
        self.heading = heading

    def title_label(self) -> Label:
        return Label(self.heading, classes="dialog-title")

    def action_cancel(self) -> None:
        self.dismiss(self.CANCELLED)  # type: ignore[arg-type]


class StagePicker(Dialog[None]):
    """Go to any stage: arrows and Enter, or the stage's number.

    Its keys are priority keys, run by the app in the order they come before it takes the
    next key (so Enter never overtakes the arrows before it), and the keys that pick wait
    for `go_to` to show the stage: what is typed right after lands in it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *[Binding(str(n), f"pick_number({n})", show=False, priority=True) for n in range(10)],
        Binding("enter", "pick_highlighted", "Go", priority=True),
        Binding("up", "move(-1)", show=False, priority=True),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("home,pageup", "move(-99)", show=False, priority=True),
        Binding("end,pagedown", "move(99)", show=False, priority=True),
    ]

    def __init__(self, view: MeetingView, go_to: Callable[[int], Awaitable[None]]) -> None:
        super().__init__("Go to stage")
        self.view = view
        self.go_to = go_to

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield self.title_label()
            options = OptionList(id="stage-options")
            for number, stage in zip(self.numbers, self.view.spent, strict=True):
                spent = clock_face(stage.spent_s)
                if stage.timebox_s:
                    planned = clock_face(stage.timebox_s + stage.extension_s)
                    options.add_option(Option(f"{number}  {stage.title}   {spent} of {planned}"))
                else:
                    options.add_option(Option(f"{number}  {stage.title}   untimed"))
            options.highlighted = self.view.index
            yield options
            yield Static(
                f"Enter or {self.numbers[0]}–{self.numbers[-1]} · Esc cancels", classes="hint"
            )

    @property
    def numbers(self) -> list[int]:
        return stage_numbers([s.timebox_s > 0 for s in self.view.spent])

    async def action_pick_number(self, number: int) -> None:
        if number in self.numbers:
            await self._pick(self.numbers.index(number))

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        at = options.highlighted if options.highlighted is not None else self.view.index
        options.highlighted = max(0, min(options.option_count - 1, at + step))

    async def action_pick_highlighted(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None:
            await self._pick(index)

    @on(OptionList.OptionSelected)
    async def chosen(self, event: OptionList.OptionSelected) -> None:
        await self._pick(event.option_index)  # a click

    async def _pick(self, index: int) -> None:
        if self.is_current:  # once: a click and a key may both pick
            self.dismiss()
            await self.go_to(index)


class WhyPicker(Dialog[str | None]):
    """Pick the why an action item addresses: root causes first, those with no action
    item yet at the very top. Returns the why's id, "" to unlink, None to cancel."""

    def __init__(self, pm: Postmortem, item: ActionItem) -> None:
        number = next((i + 1 for i, a in enumerate(pm.action_items) if a.id == item.id), 0)
        super().__init__(f"Action item {number}, “{item.title}”: which why does it address?")
        self.choices: list[str] = []  # why ids, in the order shown
        self.labels: list[str] = []
        open_causes = {c.id for c in whytree.unaddressed(pm)}
        roots = whytree.root_causes(pm)
        root_ids = {c.id for c in roots}
        ordered = sorted(roots, key=lambda c: c.id not in open_causes)
        picks = [
            (
                c.chain,
                c.id,
                c.text,
                "root cause" + (", no action yet" if c.id in open_causes else ""),
            )
            for c in ordered
        ]
        picks += [
            (i, r.why.id, r.why.text, whytree.CAUSE_LABELS.get(r.why.cause, f"why {r.level}"))
            for i, r in whytree.walk(pm)
            if r.why.id not in root_ids
        ]
        # Whys that read alike are still different whys: say which chain each is in.
        seen: dict[str, int] = {}
        for _, _, text, _ in picks:
            seen[whytree.norm(text)] = seen.get(whytree.norm(text), 0) + 1
        for chain, why_id, text, tag in picks:
            where = f", chain {chain + 1}" if seen[whytree.norm(text)] > 1 else ""
            self.choices.append(why_id)
            self.labels.append(f"{text}  ({tag}{where})")
        self.current = item.addresses
        if self.current:
            self.choices.insert(0, "")
            self.labels.insert(0, f"No link (now: {whytree.text_of(pm, self.current)})")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield self.title_label()
            if self.choices:
                options = OptionList(*(Text(label) for label in self.labels), id="why-options")
                options.highlighted = next(
                    (i for i, c in enumerate(self.choices) if c and c == self.current), 0
                )
                yield options
            else:
                yield Static("No Five Whys answers yet: write them in stage 3 first.")
            yield Static("Enter links · Esc cancels", classes="hint")

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])


class ExportCheck(Dialog[bool]):
    """Before the minutes are written: the wording the coach would change, where it is and
    what to ask instead. Enter writes the minutes all the same; Esc goes back to reword."""

    SHOWN = 6
    CANCELLED = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "dismiss(True)", "Export anyway"),
        Binding("escape", "cancel", "Back to reword"),
    ]

    def __init__(self, findings: list[Finding]) -> None:
        count = len(findings)
        super().__init__(f"{count} phrase{'s' if count != 1 else ''} to reword before publishing")
        self.findings = findings

    def compose(self) -> ComposeResult:
        count = len(self.findings)
        listing = findings_table(self.findings[: self.SHOWN])
        if count > self.SHOWN:
            listing.add_row("", f"… and {count - self.SHOWN} more (Ctrl+F lists them all)")
        # The title and the keys stay in view; a long list scrolls between them.
        with Vertical(classes="dialog wide"):
            yield self.title_label()
            with VerticalScroll(id="export-findings"):
                yield Static(listing)
            yield Static(
                "Enter writes the minutes as they are · Esc goes back to reword", classes="hint"
            )


def findings_table(findings: list[Finding]) -> Table:
    """Each finding: where, the words, and what to ask instead."""
    listing = Table.grid(padding=(0, 1))
    listing.add_column(style="bold yellow", no_wrap=True)
    listing.add_column()
    for finding in findings:
        said = Text.assemble((place(finding.field), "bold"), f", “{finding.words}”\n")
        said.append(finding.suggestion + "\n", style="dim")
        listing.add_row("⚑", said)
    return listing


class FindingsList(Dialog[None]):
    """Everything the coach would reword, in the meeting (Ctrl+F), as `pmtui check` says it."""

    def __init__(self, findings: list[Finding]) -> None:
        count = len(findings)
        super().__init__(
            f"The coach: {count} phrase{'s' if count != 1 else ''} to reword"
            if count
            else "The coach: nothing to reword"
        )
        self.findings = findings

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield self.title_label()
            with VerticalScroll(id="export-findings"):
                yield Static(findings_table(self.findings))
            yield Static("↑↓ PgUp PgDn scroll · Esc closes", classes="hint")


class PasteChoice(Dialog[str | None]):
    """Several lines pasted into an entry line: one item each, or one item."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("1,enter", "dismiss('each')", "One per line"),
        Binding("2", "dismiss('one')", "One item"),
    ]

    def __init__(self, lines: list[str], item: str) -> None:
        super().__init__(f"{len(lines)} lines pasted: add them as…")
        self.lines = lines
        self.item = item

    def compose(self) -> ComposeResult:
        shown = Text()
        for line in self.lines[:6]:
            shown.append(f"  {line}\n", style="dim")
        if len(self.lines) > 6:
            shown.append(f"  … {len(self.lines) - 6} more\n", style="dim")
        with Vertical(classes="dialog wide"):
            yield self.title_label()
            yield Static(shown)
            yield Static(
                Text.assemble(
                    ("1 / Enter", "bold"),
                    f"  {len(self.lines)} items, one {self.item} per line\n",
                    ("2", "bold"),
                    "          one item, the lines joined\n",
                    ("Esc", "bold"),
                    "        paste nothing",
                )
            )


class ExportDialog(Dialog[str | None]):
    """F9: which template, and where the minutes go, before they are written."""

    def __init__(self, title: str, folder: str, templates: list[tuple[str, str]]) -> None:
        super().__init__(f"Export the minutes of “{title}”")
        self.folder = folder
        self.templates = templates

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield self.title_label()
            options = OptionList(
                *(Text.assemble((name, "bold"), f"  {about}") for name, about in self.templates),
                id="template-options",
            )
            options.highlighted = 0
            yield options
            yield Static(
                Text.assemble(("Written to ", "dim"), (self.folder, "bold"), ("/", "bold")),
                id="export-destination",
            )
            yield Static(
                "Enter writes with the highlighted template · Esc cancels · the folder is "
                "PMTUI_EXPORT_DIR (default: exports/ in the data folder)",
                classes="hint",
            )

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.templates[event.option_index][0])


class HelpScreen(Dialog[None]):
    """Every key of the screen below, generated from its bindings so it is never stale."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "cancel", "Close")
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__("Keys")
        self.under = under

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        # pmtui's own bindings carry ids; the text widgets' editing keys are left out.
        ours = [a.binding for a in self.under.active_bindings.values() if a.binding.id]
        meeting = [b for b in ours if b.id and b.id.startswith("meeting.")]
        active_ids = {b.id for b in ours}
        stage = [b for b in ours if b not in meeting] + [
            b for b in self._stage_bindings() if b.id not in active_ids
        ]
        seen: set[str] = set()
        for heading, group in (("Meeting", meeting), ("This stage", stage)):
            rows = [b for b in group if b.description and b.description not in seen]
            if not rows:
                continue
            table.add_row(Text(heading, style="bold underline"), "")
            for binding in rows:
                seen.add(binding.description)
                table.add_row(self.app.get_key_display(binding), binding.description)
        table.add_row("Ctrl+P", "Command palette: every action by name")
        table.add_row("Ctrl+Q", "Save and quit")
        text = Text.from_markup(
            "[bold]Meeting keys[/] work everywhere, even while typing: F2 start/pause, "
            "F3 adds a minute, F4 goes back a stage (undo an accidental advance), F5 next, "
            "F6 skip, F7 go to any stage. Every edit is saved as you make it; Ctrl+Z undoes."
        )
        with VerticalScroll(classes="dialog help"):
            yield self.title_label()
            yield Static(text)
            yield Static(table)
            yield Static("Esc closes", classes="hint")

    def _stage_bindings(self) -> list[Binding]:
        """The keys of the visible stage's lists and tables, wherever the focus is, with
        the user's keymap applied (a class's BINDINGS hold the default keys)."""
        keymap: dict[str, str] = getattr(self.app, "keymap", {})
        found: dict[str, Binding] = {}
        for pane in self.under.query(".stage-pane"):
            if not pane.display:
                continue
            for widget in pane.walk_children():
                for binding in getattr(type(widget), "BINDINGS", []):
                    if isinstance(binding, Binding) and binding.id and binding.id not in found:
                        keys = keymap.get(binding.id)
                        found[binding.id] = replace(binding, key=keys) if keys else binding
        return list(found.values())


class NewMeetingDialog(Dialog[tuple[str, int] | None]):
    def __init__(self) -> None:
        super().__init__("New postmortem meeting")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield self.title_label()
            yield Input(placeholder="title, e.g. Checkout errors after deploy", id="new-title")
            yield Select(
                [("15 minutes", 15), ("20 minutes", 20), ("30 minutes", 30)],
                value=30,
                allow_blank=False,
                id="new-minutes",
            )
            yield Button("Start", variant="primary", id="new-start")
            yield Static("Enter starts · Esc cancels", classes="hint")

    @on(Input.Submitted)
    @on(Button.Pressed, "#new-start")
    def start(self) -> None:
        title = self.query_one("#new-title", Input).value.strip() or "Untitled postmortem"
        minutes = self.query_one("#new-minutes", Select).value
        self.dismiss((title, int(minutes)))  # type: ignore[call-overload]


class ImportDialog(Dialog[str | None]):
    """Ask for a session file; the caller reports problems back with `show_error`."""

    def __init__(self) -> None:
        super().__init__("Import a session file")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield self.title_label()
            yield Input(placeholder="path/to/session.json", id="import-path")
            yield Static("Enter imports · Esc cancels", id="import-hint", classes="hint")

    def show_error(self, message: str) -> None:
        self.query_one("#import-hint", Static).update(Text(message, style="bold red"))

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())


class Closing(Dialog[None]):
    """Shown while the last save of a meeting lands; it takes no keys, so nothing typed
    can slip in after the last save."""

    def __init__(self) -> None:
        super().__init__("Saving and closing the meeting…")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield self.title_label()

    def action_cancel(self) -> None:
        """Nothing to cancel: the save is already on its way to the disk."""

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
