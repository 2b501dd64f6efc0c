"""Stage 3: Five Whys. Several chains; each reads top to bottom, as on a whiteboard."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from pmtui.ui.stages.base import StagePane


class ChainList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit problem", id="whys.edit_problem"),
        Binding("d,delete", "delete", "Delete chain", id="whys.delete_chain"),
        Binding("w", "from_wrong", "From 'went wrong'", id="whys.from_wrong"),
        Binding("n", "new", "New chain", id="whys.new_chain"),
    ]

    def action_edit(self) -> None:
        self.query_ancestor(WhysPane).edit_problem()

    def action_delete(self) -> None:
        self.query_ancestor(WhysPane).delete_chain()

    def action_from_wrong(self) -> None:
        self.query_ancestor(WhysPane).chain_from_wrong()

    def action_new(self) -> None:
        self.query_ancestor(WhysPane).query_one("#new-chain", Input).focus()


class AnswerList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit why", id="whys.edit_answer"),
        Binding("d,delete", "delete", "Delete why", id="whys.delete_answer"),
        Binding("a", "add", "Add why", id="whys.add_answer"),
    ]

    def action_edit(self) -> None:
        self.query_ancestor(WhysPane).edit_answer(self.highlighted)

    def action_delete(self) -> None:
        self.query_ancestor(WhysPane).delete_answer(self.highlighted)

    def action_add(self) -> None:
        self.query_ancestor(WhysPane).query_one("#answer-input", Input).focus()


class WhysPane(StagePane):
    """Chains on the left; the selected chain, problem first, answers below, on the right."""

    COACH_FIELDS = ("whys",)

    chain: int | None = None
    editing_answer: int | None = None
    editing_problem: bool = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="whys-body"):
            with Vertical(id="chains-column"):
                yield Static("Chains", classes="column-title")
                yield ChainList(id="chains")
                yield Input(placeholder="new problem — Enter starts a chain", id="new-chain")
            with Vertical(id="chain-column"):
                yield Static(id="chain-problem")
                yield AnswerList(id="answers")
                yield Input(placeholder="Why? — Enter adds the next answer", id="answer-input")
        yield Static(
            "w starts a chain from a 'went wrong' note · e edit · d delete · "
            "Enter adds the next why",
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
        chain_list.add_options(
            Option(f"{i + 1}. {c.problem}  ({len(c.answers)} whys)") for i, c in enumerate(chains)
        )
        if self.chain is not None:
            chain_list.highlighted = self.chain
        self._draw_chain()

    def _draw_chain(self) -> None:
        problem = self.query_one("#chain-problem", Static)
        answers = self.query_one(AnswerList)
        answers.clear_options()
        if self.chain is None:
            problem.update(
                Text(
                    "No chain yet: type a problem on the left, or press w on a 'went wrong' note.",
                    style="dim",
                )
            )
            return
        chain = self.live.pm.whys[self.chain]
        problem.update(Text.assemble(("Problem  ", "dim"), (chain.problem, "bold")))
        answers.add_options(
            Option(Text.assemble((f"Why {i + 1}?  ", "bold cyan"), answer))
            for i, answer in enumerate(chain.answers)
        )
        if chain.answers:
            answers.highlighted = len(chain.answers) - 1
        prompt = f"Why {len(chain.answers) + 1}? — Enter adds it"
        self.query_one("#answer-input", Input).placeholder = prompt

    @on(OptionList.OptionHighlighted, "#chains")
    def chain_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self.chain:
            self.chain = event.option_index
            self._draw_chain()

    @on(Input.Submitted, "#new-chain")
    def new_chain(self, event: Input.Submitted) -> None:
        if self.editing_problem and self.chain is not None:
            done = self.apply(self.live.update_chain, self.chain, event.value)
        else:
            done = self.apply(self.live.add_chain, event.value)
            if done is not None:
                self.chain = len(self.live.pm.whys) - 1
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
            done = self.apply(self.live.add_answer, self.chain, event.value)
        else:
            done = self.apply(self.live.update_answer, self.chain, self.editing_answer, event.value)
        if done is not None:
            self.editing_answer = None
            event.input.value = ""

    def chain_from_wrong(self) -> None:
        """Start a chain from the next 'went wrong' note not yet used as a problem."""
        wrong = self.live.pm.went_wrong
        used = {c.problem for c in self.live.pm.whys}
        candidates = [w for w in wrong if w not in used]
        if not candidates:
            self.notify("No 'went wrong' note left without a chain.", severity="warning")
            return
        if self.apply(self.live.add_chain, candidates[0]) is not None:
            self.chain = len(self.live.pm.whys) - 1
            self.refresh_record()
            self.focus_now(self.query_one("#answer-input", Input))

    def edit_problem(self) -> None:
        if self.chain is None:
            return
        field = self.query_one("#new-chain", Input)
        field.value = self.live.pm.whys[self.chain].problem
        self.editing_problem = True
        self.focus_now(field)

    def delete_chain(self) -> None:
        if self.chain is not None and self.apply(self.live.delete_chain, self.chain):
            self.notify("Chain deleted (Ctrl+Z undoes)")

    def edit_answer(self, index: int | None) -> None:
        if self.chain is None or index is None:
            return
        field = self.query_one("#answer-input", Input)
        field.value = self.live.pm.whys[self.chain].answers[index]
        self.editing_answer = index
        self.focus_now(field)

    def delete_answer(self, index: int | None) -> None:
        if self.chain is None or index is None:
            return
        self.apply(self.live.delete_answer, self.chain, index)
