"""Walking and editing a Five Whys tree, and finding the root causes it holds.

A path names one answer in a chain: `(i,)` is the i-th answer to the problem, `(i, j)`
the j-th answer to that one, and so on; `()` is the problem itself. An answer with one
answer below it continues the chain; with two or more, the chain branches there.

Root causes: the answers the group marked as root causes; in a chain where none is
marked, the last answer of each branch (the whiteboard habit: the fifth why is the
root cause). Action items point at the why they address by its id, so two whys that
read alike are still two whys.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pmtui.core.models import Cause, Postmortem, Why, WhyChain
from pmtui.core.values import value

Path = tuple[int, ...]
# How many whys may stand below one another in a chain. Real chains are 3 to 7 deep;
# the limit keeps a hand-written or damaged file from nesting without end.
MAX_DEPTH = 50


CAUSE_LABELS = {Cause.ROOT: "root cause", Cause.CONTRIBUTING: "contributing factor"}


class PathError(ValueError):
    """A path that names no answer in the chain; str() is a sentence for the user."""


@value(frozen=True)
class Row:
    """One answer as the chain is read: top to bottom, each branch after the one before."""

    path: Path
    why: Why
    level: int  # 1 for an answer to the problem ("Why 1"), 2 for one below it, ...
    depth: int  # how many branch points stand above it: how far it is indented
    branch: bool  # it starts a branch: one of several answers to the same why

    def __init__(self, path: Path, why: Why, level: int, depth: int, branch: bool) -> None:
        self.__dict__.update(path=path, why=why, level=level, depth=depth, branch=branch)

    @property
    def indent(self) -> str:
        """Plain-text indentation: two spaces a branch, `↳ ` where a branch starts."""
        if self.branch:
            return "  " * (self.depth - 1) + "↳ "
        return "  " * self.depth

    @property
    def label(self) -> str:
        """`2.1.3`: the path counted from 1, as people say it ("why 2, first branch...")."""
        return ".".join(str(i + 1) for i in self.path)


def spoken(path: Path) -> str:
    """An answer named as the tree on screen shows it: `why 5`, and where it sits on a
    branch, which answer it is: `why 5 (answer 2 to why 4)`, `why 4 (in answer 2 to the
    problem)`."""
    name = f"why {len(path)}"
    branched = [level for level, index in enumerate(path) if index > 0]
    if not branched:
        return name
    level = branched[-1]
    above = f"why {level}" if level else "the problem"
    inside = "" if level == len(path) - 1 else "in "
    return f"{name} ({inside}answer {path[level] + 1} to {above})"


def linear(texts: Iterable[str]) -> list[Why]:
    """A plain chain, each answer below the one before (how version 1 stored a chain)."""
    answers: list[Why] = []
    for text in reversed(list(texts)):
        answers = [Why(text, answers=answers)]
    return answers


def rows(chain: WhyChain) -> list[Row]:
    """Every answer of the chain in reading order (depth first, without recursion)."""
    out: list[Row] = []
    stack: list[tuple[Why, Path, int, int, bool]] = []

    def push(children: list[Why], parent: Path, level: int, depth: int) -> None:
        branching = len(children) > 1
        for i in reversed(range(len(children))):
            stack.append((children[i], (*parent, i), level, depth + branching, branching))

    push(chain.answers, (), 1, 0)
    while stack:
        why, path, level, depth, branch = stack.pop()
        out.append(Row(path, why, level, depth, branch))
        push(why.answers, path, level + 1, depth)
    return out


def answers_at(chain: WhyChain, parent: Path) -> list[Why]:
    """The answers below `parent` (the problem's answers for `()`)."""
    if not parent:
        return chain.answers
    return find(chain, parent).answers


def find(chain: WhyChain, path: Path) -> Why:
    """The answer at `path`; PathError if there is none."""
    if not path:
        raise PathError("That is the problem, not an answer")
    answers = chain.answers
    why = None
    for i in path:
        if not 0 <= i < len(answers):
            raise PathError("That why is no longer there")
        why = answers[i]
        answers = why.answers
    assert why is not None
    return why


def end_of_line(chain: WhyChain, start: Path = ()) -> Path:
    """The last answer reached from `start` by always taking the first answer below: where
    the next why of a plain chain goes."""
    path = start
    answers = answers_at(chain, start)
    while answers:
        path = (*path, 0)
        answers = answers[0].answers
    return path


def depth(chain: WhyChain) -> int:
    """How many whys stand below one another at most (0 for a chain with no answers)."""
    return max((row.level for row in rows(chain)), default=0)


def add(chain: WhyChain, parent: Path, text: str) -> Path:
    """Add `text` as an answer to the why at `parent`; the path of the new answer."""
    if len(parent) + 1 > MAX_DEPTH:
        raise PathError(f"A chain holds at most {MAX_DEPTH} whys below one another")
    answers = answers_at(chain, parent)
    answers.append(Why(text))
    return (*parent, len(answers) - 1)


def remove(chain: WhyChain, path: Path) -> Why:
    """Take out the answer at `path`; the answers below it move up into its place.

    So deleting the third why of a plain chain closes the gap, as on a whiteboard, and
    nothing typed below it is lost.
    """
    why = find(chain, path)
    siblings = answers_at(chain, path[:-1])
    index = path[-1]
    siblings[index : index + 1] = why.answers
    return why


def walk(pm: Postmortem) -> Iterator[tuple[int, Row]]:
    """Every answer of every chain, with its chain's index."""
    for i, chain in enumerate(pm.whys):
        for row in rows(chain):
            yield i, row


def norm(text: str) -> str:
    """How two texts are compared for a link: case and spacing do not matter."""
    return " ".join(text.split()).casefold()


@value(frozen=True)
class RootCause:
    """A root cause as the minutes list it: its chain, its place and its text."""

    chain: int
    problem: str
    path: Path
    text: str
    marked: bool  # False: the end of a branch in a chain where nothing was marked
    id: str  # the why's id, as action items' `addresses` holds it

    def __init__(
        self, chain: int, problem: str, path: Path, text: str, marked: bool, id: str
    ) -> None:
        self.__dict__.update(
            chain=chain, problem=problem, path=path, text=text, marked=marked, id=id
        )


def root_causes(pm: Postmortem) -> list[RootCause]:
    """The record's root causes, chain by chain, in reading order."""
    out = []
    for i, chain in enumerate(pm.whys):
        chain_rows = rows(chain)
        marked = [r for r in chain_rows if r.why.cause is Cause.ROOT]
        picked = marked or [r for r in chain_rows if not r.why.answers]
        out += [
            RootCause(i, chain.problem, r.path, r.why.text, bool(marked), r.why.id) for r in picked
        ]
    return out


def contributing(pm: Postmortem) -> list[RootCause]:
    """The answers marked as contributing factors, in reading order."""
    return [
        RootCause(i, pm.whys[i].problem, row.path, row.why.text, True, row.why.id)
        for i, row in walk(pm)
        if row.why.cause is Cause.CONTRIBUTING
    ]


def addressed(pm: Postmortem) -> set[str]:
    """The ids of the whys that some action item addresses."""
    return {a.addresses for a in pm.action_items if a.addresses}


def unaddressed(pm: Postmortem) -> list[RootCause]:
    """Root causes that no action item addresses: what the wrap-up must not forget."""
    done = addressed(pm)
    return [cause for cause in root_causes(pm) if cause.id not in done]


def find_id(pm: Postmortem, why_id: str) -> Why | None:
    """The answer with this id anywhere in the record, or None."""
    if not why_id:
        return None
    return next((row.why for _, row in walk(pm) if row.why.id == why_id), None)


def text_of(pm: Postmortem, why_id: str) -> str:
    """The text of the why with this id ("" when there is none): what people read."""
    why = find_id(pm, why_id)
    return why.text if why is not None else ""


def first_with_text(pm: Postmortem, text: str) -> Why | None:
    """The first answer, in reading order, that reads `text` (case and spacing aside)."""
    wanted = norm(text)
    return next((row.why for _, row in walk(pm) if norm(row.why.text) == wanted), None)
