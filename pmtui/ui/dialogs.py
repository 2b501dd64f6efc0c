"""Small modal screens: jump to a stage, the key help, a new meeting, an import, the
coach's word before the minutes are written."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

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
from pmtui.core.coach import Finding, place
from pmtui.core.engine import MeetingView
from pmtui.core.models import Postmortem
from pmtui.core.timeutil import clock_face


class StagePicker(ModalScreen[int | None]):
    """Go to any stage: arrows and Enter, or the stage's number."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, view: MeetingView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Go to stage", classes="dialog-title")
            options = OptionList(id="stage-options")
            for i, stage in enumerate(self.view.spent):
                spent = clock_face(stage.spent_s)
                planned = clock_face(stage.timebox_s + stage.extension_s)
                options.add_option(Option(f"{i + 1}  {stage.title}   {spent} of {planned}"))
            options.highlighted = self.view.index
            yield options
            yield Static("Enter or 1–5 · Esc cancels", classes="hint")

    def on_key(self, event: events.Key) -> None:
        if event.key.isdigit() and 1 <= int(event.key) <= len(self.view.spent):
            event.stop()
            self.dismiss(int(event.key) - 1)

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)


class WhyPicker(ModalScreen[str | None]):
    """Pick the why an action item addresses: root causes first, those with no action
    item yet at the very top. Returns the why's text, "" to unlink, None to cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, pm: Postmortem, current: str) -> None:
        super().__init__()
        self.choices: list[str] = []
        self.labels: list[str] = []
        open_causes = {whytree.norm(c.text) for c in whytree.unaddressed(pm)}
        roots = whytree.root_causes(pm)
        root_texts = {whytree.norm(c.text) for c in roots}
        rows = [r for _, r in whytree.walk(pm) if whytree.norm(r.why.text) not in root_texts]
        ordered = sorted(roots, key=lambda c: whytree.norm(c.text) not in open_causes)
        seen: set[str] = set()
        for text, tag in [
            *(
                (
                    c.text,
                    "root cause"
                    + (", no action yet" if whytree.norm(c.text) in open_causes else ""),
                )
                for c in ordered
            ),
            *((r.why.text, whytree.CAUSE_LABELS.get(r.why.cause, f"why {r.level}")) for r in rows),
        ]:
            if whytree.norm(text) in seen:
                continue
            seen.add(whytree.norm(text))
            self.choices.append(text)
            self.labels.append(f"{text}  ({tag})")
        if current:
            self.choices.insert(0, "")
            self.labels.insert(0, f"No link (now: {current})")
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Which why does this action address?", classes="dialog-title")
            if self.choices:
                options = OptionList(*(Text(label) for label in self.labels), id="why-options")
                wanted = whytree.norm(self.current)
                options.highlighted = next(
                    (i for i, c in enumerate(self.choices) if c and whytree.norm(c) == wanted), 0
                )
                yield options
            else:
                yield Static("No Five Whys answers yet: write them in stage 3 first.")
            yield Static("Enter links · Esc cancels", classes="hint")

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])


class ExportCheck(ModalScreen[bool]):
    """Before the minutes are written: the wording the coach would change, where it is and
    what to ask instead. Enter writes the minutes all the same; Esc goes back to reword."""

    SHOWN = 6
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "dismiss(True)", "Export anyway"),
        Binding("escape", "dismiss(False)", "Back to reword"),
    ]

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__()
        self.findings = findings

    def compose(self) -> ComposeResult:
        count = len(self.findings)
        listing = Table.grid(padding=(0, 1))
        listing.add_column(style="bold yellow", no_wrap=True)
        listing.add_column()
        for finding in self.findings[: self.SHOWN]:
            said = Text.assemble((place(finding.field), "bold"), f", “{finding.words}”\n")
            said.append(finding.suggestion + "\n", style="dim")
            listing.add_row("⚑", said)
        if count > self.SHOWN:
            listing.add_row("", f"… and {count - self.SHOWN} more (pmtui check lists them all)")
        # The title and the keys stay in view; a long list scrolls between them.
        with Vertical(classes="dialog wide"):
            yield Label(
                f"{count} phrase{'s' if count != 1 else ''} to reword before publishing",
                classes="dialog-title",
            )
            with VerticalScroll(id="export-findings"):
                yield Static(listing)
            yield Static(
                "Enter writes the minutes as they are · Esc goes back to reword", classes="hint"
            )


class HelpScreen(ModalScreen[None]):
    """Every key of the screen below, generated from its bindings so it is never stale."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "dismiss(None)", "Close")
    ]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
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
            yield Label("Keys", classes="dialog-title")
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


class NewMeetingDialog(ModalScreen[tuple[str, int] | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("New postmortem meeting", classes="dialog-title")
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


class ImportDialog(ModalScreen[str | None]):
    """Ask for a session file; the caller reports problems back with `show_error`."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Import a session file", classes="dialog-title")
            yield Input(placeholder="path/to/session.json", id="import-path")
            yield Static("Enter imports · Esc cancels", id="import-hint", classes="hint")

    def show_error(self, message: str) -> None:
        self.query_one("#import-hint", Static).update(Text(message, style="bold red"))

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())


class Closing(ModalScreen[None]):
    """Shown while the last save of a meeting lands; it takes no keys, so nothing typed
    can slip in after the last save."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Saving and closing the meeting…", classes="dialog-title")

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
