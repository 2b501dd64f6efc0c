"""Stage 3: Five Whys. Several chains; each reads top to bottom, as on a whiteboard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from pmtui.core import whys as whytree
from pmtui.core.coach import why_field
from pmtui.core.models import Cause, WhyChain
from pmtui.ui.stages.base import TAG_KEY, StagePane, tag_line
from pmtui.ui.widgets.entry import EntryLine, TypeThrough


class ChainList(TypeThrough, OptionList):
    def entry_for(self, character: str) -> str:
        return "#new-chain"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+e", "edit", "Edit problem", id="whys.edit_problem"),
        Binding("delete,ctrl+d", "delete", "Delete chain", id="whys.delete_chain"),
        Binding("ctrl+w", "from_wrong", "From 'went wrong'", id="whys.from_wrong"),
        Binding("ctrl+n,insert", "new", "New chain", id="whys.new_chain"),
    ]

    # About the highlighted chain, which the pane follows as the highlight moves.
    @dataclass
    class EditRequested(Message):
        pass

    @dataclass
    class DeleteRequested(Message):
        pass

    @dataclass
    class FromWrongRequested(Message):
        """Start a chain from a 'went wrong' note not yet used."""

    @dataclass
    class NewRequested(Message):
        pass

    def action_edit(self) -> None:
        self.post_message(self.EditRequested())

    def action_delete(self) -> None:
        self.post_message(self.DeleteRequested())

    def action_from_wrong(self) -> None:
        self.post_message(self.FromWrongRequested())

    def action_new(self) -> None:
        self.post_message(self.NewRequested())


class AnswerList(TypeThrough, OptionList):
    """The chain as a tree: the problem first, then every answer, branches indented."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "add", "Answer why", id="whys.add_answer"),
        Binding("ctrl+n", "branch", "Branch", id="whys.branch"),
        Binding("ctrl+e", "edit", "Edit why", id="whys.edit_answer"),
        Binding("delete,ctrl+d", "delete", "Delete why", id="whys.delete_answer"),
        Binding("ctrl+r", "root", "Root cause", id="whys.root_cause"),
        Binding("ctrl+t", "contributing", "Contributing", id="whys.contributing"),
    ]

    # Each asks about one row of the tree: `path` is () for the problem, else an answer's.
    @dataclass
    class AnswerRequested(Message):
        path: whytree.Path
        branch: bool  # another answer beside this one, not an answer to it

    @dataclass
    class EditRequested(Message):
        path: whytree.Path

    @dataclass
    class DeleteRequested(Message):
        path: whytree.Path

    @dataclass
    class MarkRequested(Message):
        path: whytree.Path
        cause: Cause

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.paths: list[whytree.Path] = []  # the path of each row, set by the pane

    def entry_for(self, character: str) -> str:
        return "#answer-input"

    def highlighted_path(self) -> whytree.Path | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.paths):
            return None
        return self.paths[index]

    def _ask(self, request: Callable[[whytree.Path], Message]) -> None:
        if (path := self.highlighted_path()) is not None:
            self.post_message(request(path))

    def action_add(self) -> None:
        self._ask(lambda path: self.AnswerRequested(path, branch=False))

    def action_branch(self) -> None:
        self._ask(lambda path: self.AnswerRequested(path, branch=True))

    def action_edit(self) -> None:
        self._ask(self.EditRequested)

    def action_delete(self) -> None:
        self._ask(self.DeleteRequested)

    def action_root(self) -> None:
        self._ask(lambda path: self.MarkRequested(path, Cause.ROOT))

    def action_contributing(self) -> None:
        self._ask(lambda path: self.MarkRequested(path, Cause.CONTRIBUTING))


def _hanging(lead: Text, body: Text) -> Table:
    """`lead` in its own column, so lines of a long answer wrap under its text."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(lead, body)
    return grid


CAUSE_STYLE = {Cause.ROOT: "bold red", Cause.CONTRIBUTING: "bold yellow"}


class WhysPane(StagePane):
    """Chains on the left; the selected chain as a tree on the right, problem first."""

    LINE_ITEMS = {"new-chain": "chain", "answer-input": "why, each answering the one before"}  # noqa: RUF012

    COACH_FIELDS = ("whys",)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(TAG_KEY, "tags", "Tags", id="whys.tags"),
    ]

    chain: int | None = None
    # The why the answer field answers: () the problem, else the path of an answer.
    # None: below the chain's last answer (the next why of a plain chain).
    answer_to: whytree.Path | None = None
    editing_answer: whytree.Path | None = None
    editing_problem: bool = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="whys-body"):
            with Vertical(id="chains-column"):
                yield Static("Chains", classes="column-title")
                yield ChainList(id="chains")
                yield EntryLine(placeholder="new problem — Enter starts a chain", id="new-chain")
            with Vertical(id="chain-column"):
                yield Static(id="chain-problem")
                yield AnswerList(id="answers")
                yield EntryLine(placeholder="Why? — Enter adds the next answer", id="answer-input")
        yield Static(
            "Enter adds the next why · in the tree: Enter answers the highlighted why, "
            "Ctrl+N branch, Ctrl+R root cause, Ctrl+T contributing, Ctrl+G tags, Ctrl+E edit, "
            "Del delete · "
            "chains: Ctrl+W from 'went wrong'",
            classes="hint",
        )

    def on_mount(self) -> None:
        if self.live.pm.whys:
            self.chain = 0
        self.refresh_record()

    def focus_first(self) -> None:
        target = "#answer-input" if self.chain is not None else "#new-chain"
        self.focus_now(self.query_one(target, Input))

    def refresh_record(self) -> None:
        chains = self.live.pm.whys
        if self.chain is not None and self.chain >= len(chains):
            self.chain = len(chains) - 1 if chains else None
        if self.chain is None and chains:
            self.chain = len(chains) - 1  # the newest, e.g. one started from 'went wrong'
        if self.stale and chains:
            self.chain = len(chains) - 1
        self.stale = False
        chain_list = self.query_one(ChainList)
        chain_list.clear_options()
        chain_list.add_options(Option(self._chain_entry(i, c)) for i, c in enumerate(chains))
        if self.chain is not None:
            chain_list.highlighted = self.chain
        self._draw_chain()

    def _large(self) -> bool:
        """A large screen (a room's big display): every chain is shown whole on the left."""
        return self.size.width >= 160 and self.size.height >= 38

    def _chain_entry(self, i: int, chain: WhyChain) -> Text:
        rows = whytree.rows(chain)
        entry = Text(f"{i + 1}. {chain.problem}  ({len(rows)} whys)")
        if self._large():
            for row in rows:
                entry.append(f"\n   {row.indent}{row.level}. ", "dim")
                entry.append(row.why.text, "dim")
                if row.why.cause is not Cause.NONE:
                    entry.append(f"  ◆ {whytree.CAUSE_LABELS[row.why.cause]}", "dim")
        return entry

    def on_resize(self) -> None:
        if self.is_mounted:
            self.refresh_record()

    def _draw_chain(self, keep: whytree.Path | None = None) -> None:
        """Redraw the tree; highlight `keep` if given, else the why the answer line answers
        (which a redraw never changes, unless that why is gone)."""
        problem = self.query_one("#chain-problem", Static)
        tree = self.query_one(AnswerList)
        tree.clear_options()
        tree.paths = []
        if self.chain is None:
            problem.update(
                Text(
                    "No chain yet: type a problem on the left, or Ctrl+W on a 'went wrong' note.",
                    style="dim",
                )
            )
            self._prompt()
            return
        chain = self.live.pm.whys[self.chain]
        rows = whytree.rows(chain)
        roots = sum(1 for r in rows if r.why.cause is Cause.ROOT)
        status = f"Chain {self.chain + 1} of {len(self.live.pm.whys)}"
        if roots:
            status += f" · {roots} root cause{'s' if roots > 1 else ''} marked"
        problem.update(Text(status, style="dim"))
        addressed = whytree.addressed(self.live.pm)  # why ids
        flagged = self.flagged_fields()
        options = [Option(_hanging(Text("Problem", "dim"), Text(chain.problem, "bold")))]
        for row in rows:
            label = Text(row.why.text)
            if row.why.cause is not Cause.NONE:
                label.append(
                    f"  ◆ {whytree.CAUSE_LABELS[row.why.cause]}", CAUSE_STYLE[row.why.cause]
                )
                if row.why.id in addressed:
                    label.append("  ✓ action", "green")
            if row.why.tags:
                label.append("  ").append_text(tag_line(row.why.tags))
            if why_field(self.chain, row.path) in flagged:
                label.append("  ⚑", "bold magenta")
            lead = Text.assemble((row.indent, "dim"), (f"Why {row.level}", "bold cyan"))
            options.append(Option(_hanging(lead, label)))
        tree.add_options(options)
        paths = [(), *(r.path for r in rows)]
        tree.paths = paths
        if self.answer_to is None or self.answer_to not in paths:
            self.answer_to = whytree.end_of_line(chain)
        tree.highlighted = paths.index(keep if keep in paths else self.answer_to)
        self._prompt()

    def _prompt(self) -> None:
        field = self.query_one("#answer-input", Input)
        if self.chain is None:
            field.placeholder = "Start a chain first: type the problem on the left"
            return
        if self.editing_answer is not None:
            field.placeholder = "Edit the why — Enter keeps the change"
            return
        chain = self.live.pm.whys[self.chain]
        if self.answer_to is None:
            return
        if not self.answer_to:
            what, below = "the problem", chain.answers
        else:
            row = next(r for r in whytree.rows(chain) if r.path == self.answer_to)
            what, below = f"why {row.level}", row.why.answers
        level = len(self.answer_to) + 1
        if below:
            field.placeholder = f"Another answer to {what}: a branch — Why {level}? Enter adds it"
        else:
            field.placeholder = f"Why {level}? (answers {what}) — Enter adds it"

    @on(OptionList.OptionHighlighted, "#chains")
    def chain_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self.chain:
            self.chain = event.option_index
            self.answer_to = None
            self.editing_answer = None
            self._draw_chain()

    @on(OptionList.OptionHighlighted, "#answers")
    def row_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Moving in the tree points the answer line at the highlighted why. Highlights
        the pane sets itself arrive later and are not the facilitator's choice: ignored
        unless the tree has the focus, so they cannot undo a `b` typed in between."""
        if not event.option_list.has_focus:
            return
        paths = self.query_one(AnswerList).paths
        if 0 <= event.option_index < len(paths) and self.editing_answer is None:
            self.answer_to = paths[event.option_index]
            self._prompt()

    def _highlighted(self) -> whytree.Path | None:
        return self.query_one(AnswerList).highlighted_path()

    @on(Input.Submitted, "#new-chain")
    def new_chain(self, event: Input.Submitted) -> None:
        if self.editing_problem and self.chain is not None:
            done = self.apply(self.live.update_chain, self.chain, event.value)
        else:
            done = self.apply(self.live.add_chain, event.value)
            if done is not None:
                self.chain = len(self.live.pm.whys) - 1
                self.answer_to = None
                self.refresh_record()
        if done is not None:
            self.editing_problem = False
            event.input.value = ""
            self.focus_now(self.query_one("#answer-input", Input))

    @on(Input.Submitted, "#answer-input")
    def add_answer(self, event: Input.Submitted) -> None:
        if self.chain is None:
            self.notify("Start a chain first: type the problem on the left.", severity="warning")
            return
        if self.editing_answer is None:
            path = self.apply(self.live.add_answer, self.chain, event.value, self.answer_to)
            if path is not None:
                self.answer_to = path  # the next Enter answers the why just written
                self._draw_chain()
        else:
            path = self.editing_answer
            self.editing_answer = None
            if self.apply(self.live.update_answer, self.chain, path, event.value) is None:
                self.editing_answer = path
                return
            self.answer_to = path
            self._draw_chain()
        event.input.value = ""

    @on(ChainList.NewRequested)
    def new_requested(self) -> None:
        self.focus_now(self.query_one("#new-chain", Input))

    @on(AnswerList.AnswerRequested)
    def answer(self, event: AnswerList.AnswerRequested) -> None:
        """Type an answer to the highlighted why, or (branch) another answer beside it."""
        path = event.path
        if self.chain is None:
            return
        if event.branch:
            if not path:
                self.notify("Highlight a why to branch beside it.", severity="warning")
                return
            path = path[:-1]
        self.editing_answer = None
        self.answer_to = path
        self._prompt()
        self.focus_now(self.query_one("#answer-input", Input))

    @on(ChainList.FromWrongRequested)
    def chain_from_wrong(self) -> None:
        """Start a chain from the next 'went wrong' note not yet used as a problem."""
        used = {c.problem for c in self.live.pm.whys}
        candidates = [n.text for n in self.live.pm.went_wrong if n.text not in used]
        if not candidates:
            self.notify("No 'went wrong' note left without a chain.", severity="warning")
            return
        if self.apply(self.live.add_chain, candidates[0]) is not None:
            self.chain = len(self.live.pm.whys) - 1
            self.answer_to = None
            self.refresh_record()
            self.focus_now(self.query_one("#answer-input", Input))

    @on(ChainList.EditRequested)
    def edit_problem(self) -> None:
        if self.chain is None:
            return
        field = self.query_one("#new-chain", Input)
        field.value = self.live.pm.whys[self.chain].problem
        self.editing_problem = True
        self.focus_now(field)

    @on(ChainList.DeleteRequested)
    def delete_chain(self) -> None:
        if self.chain is not None and self.apply(self.live.delete_chain, self.chain):
            self.notify("Chain deleted (Ctrl+Z undoes)")

    @on(AnswerList.EditRequested)
    def edit_answer(self, event: AnswerList.EditRequested) -> None:
        path = event.path
        if self.chain is None:
            return
        if not path:
            self.edit_problem()
            return
        field = self.query_one("#answer-input", Input)
        field.value = whytree.find(self.live.pm.whys[self.chain], path).text
        self.editing_answer = path
        self._prompt()
        self.focus_now(field)

    @on(AnswerList.DeleteRequested)
    def delete_answer(self, event: AnswerList.DeleteRequested) -> None:
        path = event.path
        if self.chain is None or not path:
            return
        if self.apply(self.live.delete_answer, self.chain, path):
            self.answer_to = path[:-1]

    @on(AnswerList.MarkRequested)
    def mark(self, event: AnswerList.MarkRequested) -> None:
        path = event.path
        if self.chain is None or not path:
            return
        now = self.apply(self.live.mark_cause, self.chain, path, event.cause)
        if now is not None:
            self._draw_chain(keep=path)
            shown = whytree.CAUSE_LABELS.get(now)
            self.notify(f"Marked as {shown}" if shown else "Mark taken off")

    def action_tags(self) -> None:
        """Tag the why highlighted in the tree (after typing a why: that one), whichever
        part of the stage has the cursor."""
        path = self._highlighted()
        if self.chain is None or not path:
            self.notify(
                "Highlight a why in the tree to tag it; the meeting's own tags are in the "
                "set-up and the wrap-up (Ctrl+G there).",
                severity="warning",
            )
            return
        why = whytree.find(self.live.pm.whys[self.chain], path)
        self.pick_tags(f"Tags of the why: {why.text}", why.id)

    def mark_findings(self) -> None:
        if self.chain is not None:
            self._draw_chain(keep=self._highlighted())
