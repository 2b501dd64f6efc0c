"""Dataclasses that are cheap to create: `@value` for the classes loaded before a
meeting's first frame.

`@dataclass` writes a class's `__init__`, `__repr__` and `__eq__` (a frozen one's
`__setattr__`, `__delattr__` and `__hash__` too) as source text and compiles it as the
module is imported: some 3 million instructions a class, 74 million for the two dozen
classes loaded before `pmtui demo`'s first frame (nearly a quarter of what pmtui added to
a bare Textual app's). A `@value` class
is still a dataclass (`dataclasses.fields`, `replace` and `FrozenInstanceError` work on
it, its fields and defaults are declared the same way) with the same repr, equality and
hash, but nothing is compiled: the class writes its `__init__` itself, plainly, and the
other methods are shared ones that read the field names. tests/unit/test_values.py holds
each such class to what `@dataclass` would have made of it.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


class _Factory:
    """The default of an `__init__` argument whose field has a `default_factory`: the
    factory is called when the argument is not given (None given stays None)."""

    def __repr__(self) -> str:
        return "<factory>"  # as a dataclass's signature shows it


FACTORY: Any = _Factory()


def _tuple_of(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    if len(names) == 1:
        (name,) = names
        return lambda obj: (getattr(obj, name),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)  # type: ignore[return-value]


def value(*, frozen: bool = False) -> Callable[[type[T]], type[T]]:
    """A dataclass (eq, repr; frozen if asked) whose `__init__` the class writes itself:
    its arguments are the fields in order, with the same defaults (`FACTORY` for a field
    with a `default_factory`, calling it when not given). A frozen class's `__init__`
    sets its fields with `self.__dict__.update(...)`."""

    def make(cls: type[T]) -> type[T]:
        if "__init__" not in cls.__dict__:
            raise TypeError(f"@value class {cls.__name__} needs its own __init__")
        cls = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
        found = dataclasses.fields(cls)  # type: ignore[arg-type]
        shown = tuple(f.name for f in found if f.repr)
        compared = _tuple_of(tuple(f.name for f in found if f.compare))

        @reprlib.recursive_repr()
        def __repr__(self: object) -> str:
            inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
            return f"{self.__class__.__qualname__}({inner})"

        def __eq__(self: object, other: object) -> bool:
            if other.__class__ is self.__class__:
                return compared(self) == compared(other)  # type: ignore[no-any-return]
            return NotImplemented

        cls.__repr__ = __repr__  # type: ignore[assignment]
        cls.__eq__ = __eq__  # type: ignore[assignment]
        if not frozen:
            cls.__hash__ = None  # type: ignore[assignment]  # mutable and compared: unhashable
            return cls
        hashed = _tuple_of(
            tuple(f.name for f in found if (f.compare if f.hash is None else f.hash))
        )
        names = tuple(f.name for f in found)

        def __hash__(self: object) -> int:
            return hash(hashed(self))

        def __setattr__(self: object, name: str, item: object) -> None:
            if type(self) is cls or name in names:
                raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
            super(cls, self).__setattr__(name, item)  # type: ignore[misc, arg-type]

        def __delattr__(self: object, name: str) -> None:
            if type(self) is cls or name in names:
                raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
            super(cls, self).__delattr__(name)  # type: ignore[misc, arg-type]

        cls.__hash__ = __hash__  # type: ignore[assignment]
        cls.__setattr__ = __setattr__  # type: ignore[assignment]
        cls.__delattr__ = __delattr__  # type: ignore[assignment]
        return cls

    return make
