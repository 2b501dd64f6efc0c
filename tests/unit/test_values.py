"""Every `@value` class (pmtui.core.values) is what `@dataclass` would have made of it:
the same constructor (arguments, order, defaults), repr, equality, hash, frozenness,
`dataclasses.replace` and match args. The classes are found in the source, so a new one
is held to this too."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
from pathlib import Path
from typing import Any

import pytest

from pmtui.core.values import FACTORY, value

PACKAGE = Path(__file__).resolve().parents[2] / "pmtui"


def _value_classes() -> list[tuple[str, str, bool]]:
    """(module, class name, frozen) of every class decorated with `@value(...)`."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            for deco in node.decorator_list:
                if (
                    isinstance(deco, ast.Call)
                    and isinstance(deco.func, ast.Name)
                    and deco.func.id == "value"
                ):
                    frozen = any(
                        k.arg == "frozen" and isinstance(k.value, ast.Constant) and k.value.value
                        for k in deco.keywords
                    )
                    found.append((module, node.name, frozen))
    return found


VALUE_CLASSES = _value_classes()


def test_the_classes_are_found() -> None:
    names = {name for _, name, _ in VALUE_CLASSES}
    assert {"Postmortem", "TimelineEvent", "Note", "Why", "ActionItem"} <= names


def reference(cls: type, frozen: bool) -> Any:
    """What `@dataclass` (eq and repr; frozen if asked) makes of `cls`'s fields."""
    namespace: dict[str, Any] = {
        "__annotations__": {},
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
    }
    for f in dataclasses.fields(cls):
        namespace["__annotations__"][f.name] = f.type
        namespace[f.name] = dataclasses.field(
            default=f.default,
            default_factory=f.default_factory,
            repr=f.repr,
            compare=f.compare,
            hash=f.hash,
        )
    return dataclasses.dataclass(frozen=frozen)(type(cls.__name__, (), namespace))


def signature(cls: type) -> list[tuple[str, Any, str]]:
    return [(p.name, p.kind, repr(p.default)) for p in inspect.signature(cls).parameters.values()]


@pytest.mark.parametrize(
    ("module", "name", "frozen"), VALUE_CLASSES, ids=[n for _, n, _ in VALUE_CLASSES]
)
def test_a_value_class_is_the_dataclass_it_replaces(module: str, name: str, frozen: bool) -> None:
    cls = getattr(importlib.import_module(module), name)
    ref = reference(cls, frozen)
    assert dataclasses.is_dataclass(cls)
    assert signature(cls) == signature(ref)
    assert cls.__match_args__ == ref.__match_args__
    names = [f.name for f in dataclasses.fields(cls)]

    # Every argument given, by keyword and by position: the same fields, same order.
    given = {n: f"<{n}>" for n in names}
    ours, theirs = cls(**given), ref(**given)
    assert list(vars(ours).items()) == list(vars(theirs).items())
    assert vars(cls(*given.values())) == vars(ours)
    assert repr(ours) == repr(theirs)
    assert (ours == theirs) is False  # another class: never equal, as dataclasses have it

    # Only what has no default given: defaults, and factories called for each object.
    required = {
        f.name: given[f.name]
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    ours, theirs = cls(**required), ref(**required)
    for f in dataclasses.fields(cls):
        mine, other = getattr(ours, f.name), getattr(theirs, f.name)
        assert type(mine) is type(other), f.name
        if f.default_factory in (list, dict):
            assert mine == other and mine is not getattr(cls(**required), f.name), f.name
        elif f.default is not dataclasses.MISSING:
            assert mine == other, f.name
    assert list(vars(ours)) == list(vars(theirs))
    explicit_none = cls(**{**required, names[-1]: None})
    assert getattr(explicit_none, names[-1]) is None  # None given is kept, not defaulted

    # Equality and hash.
    a, b = cls(**given), cls(**given)
    assert a == b
    assert not (a != b)  # noqa: SIM202 (the inverse goes through __eq__ too)
    for n in names:
        assert a != cls(**{**given, n: "other"}), n
    assert a.__eq__(object()) is NotImplemented
    if frozen:
        assert hash(a) == hash(b) == hash(ref(**given))
        for n in names:
            with pytest.raises(
                dataclasses.FrozenInstanceError, match=f"cannot assign to field '{n}'"
            ):
                setattr(a, n, "x")
            with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot delete field '{n}'"):
                delattr(a, n)
        with pytest.raises(dataclasses.FrozenInstanceError):
            a.extra = 1  # type: ignore[attr-defined]
    else:
        assert cls.__hash__ is None and ref.__hash__ is None
        setattr(a, names[0], "changed")
        assert getattr(a, names[0]) == "changed"

    # dataclasses.replace keeps the rest.
    changed = dataclasses.replace(b, **{names[0]: "new"})
    assert getattr(changed, names[0]) == "new"
    assert all(getattr(changed, n) == getattr(b, n) for n in names[1:])


def test_a_value_class_must_write_its_init() -> None:
    class NoInit:
        x: int

    with pytest.raises(TypeError, match="needs its own __init__"):
        value()(NoInit)


def test_a_recursive_value_repr_stops() -> None:
    @value()
    class Node:
        """A node."""

        child: object = None

        def __init__(self, child: object = None) -> None:
            self.child = child

    node = Node()
    node.child = node
    assert repr(node) == "test_a_recursive_value_repr_stops.<locals>.Node(child=...)"
    assert repr(FACTORY) == "<factory>"
