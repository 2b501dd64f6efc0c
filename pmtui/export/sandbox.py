"""The Jinja2 environment every template runs in: sandboxed, reading only template folders.

A template lays out the view model and nothing more: it runs in Jinja2's immutable
sandbox (no `_` attributes, no changing lists or dicts, no classes, modules or class
methods), sees only `range` among Jinja2's globals, and cannot build a string or list
so long it would eat the machine.

Files: the built-in templates and their macros load only from the built-in folder. A
user's template loads from its own folder and reaches the built-in ones by an explicit
name, `pmtui/<name>` (`{% import "pmtui/_macros.md.j2" as m %}`), so a `_macros.md.j2`
beside it never stands in for the built-in one. A name is relative: an absolute path, a
backslash, a drive, `.` or `..` is refused, and so is a link that leads out of the folder.
"""

from __future__ import annotations

import operator
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, Environment, StrictUndefined, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

BUILT_IN_PREFIX = "pmtui/"
MAX_SIZE = 1_000_000  # the longest string or list `*` may build
MAX_EXPONENT = 1_000


def _relative(name: str) -> str:
    """`name` if it is a plain relative template name, else TemplateNotFound."""
    parts = name.split("/")
    if (
        not name
        or "\\" in name
        or ":" in name
        or "\x00" in name
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise TemplateNotFound(
            name,
            f"{name}: refused (a name is relative to the template's folder: not absolute, no '..')",
        )
    return name


class FolderLoader(BaseLoader):
    """Templates of one folder, by relative name; nothing outside it, links included."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = (self.folder / _relative(template)).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            raise TemplateNotFound(template)
        source = path.read_text(encoding="utf-8")
        mtime = path.stat().st_mtime

        def uptodate() -> bool:
            try:
                return path.stat().st_mtime == mtime
            except OSError:
                return False

        return source, str(path), uptodate


class TemplateLoader(BaseLoader):
    """The built-in folder alone, or a user's folder with the built-ins under `pmtui/`."""

    def __init__(self, built_in: Path, own: Path | None = None) -> None:
        self.built_in = FolderLoader(built_in)
        self.own = FolderLoader(own) if own is not None else None

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if template.startswith(BUILT_IN_PREFIX):
            return self.built_in.get_source(environment, template[len(BUILT_IN_PREFIX) :])
        if self.own is None:
            return self.built_in.get_source(environment, template)
        _relative(template)
        try:
            return self.own.get_source(environment, template)
        except TemplateNotFound:
            hint = ""
            if (self.built_in.folder / template).is_file():
                hint = f' (the built-in one is "{BUILT_IN_PREFIX}{template}")'
            raise TemplateNotFound(template, f"{template}: not found{hint}") from None


class _Undefined(StrictUndefined):
    """Strict, in a list too: `[Undefined]` is never printed in place of an error."""

    __repr__ = StrictUndefined._fail_with_undefined_error


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with pmtui's loader rules, few globals and size limits."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, loader: TemplateLoader) -> None:
        super().__init__(
            loader=loader,
            autoescape=False,  # Markdown, not HTML: the md_* filters do the escaping
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=_Undefined,
        )
        # No cycler, joiner, namespace, lipsum or dict: templates only lay things out.
        self.globals = {"range": self.globals["range"]}

    def join_path(self, template: str, parent: str) -> str:
        # What a built-in template imports is built-in too, even when a user's template
        # included it: `pmtui/minutes.md.j2` imports `pmtui/_macros.md.j2`.
        if parent.startswith(BUILT_IN_PREFIX) and not template.startswith(BUILT_IN_PREFIX):
            return BUILT_IN_PREFIX + template
        return template

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(value, type | types.ModuleType):
            return False
        if isinstance(getattr(value, "__self__", None), type | types.ModuleType):
            return False  # a class method (`tz.from_file`, `datetime.fromtimestamp`)
        return bool(super().is_safe_attribute(obj, attr, value))

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        # At once, not when the value is printed: `map(attribute=...)` and `select` would
        # otherwise pass it along quietly.
        raise SecurityError(
            f"access to attribute {attribute!r} of {type(obj).__name__!r} is unsafe"
        )

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "**":
            if isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"an exponent over {MAX_EXPONENT} is not allowed")
            return operator.pow(left, right)
        if op == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if sized and len(seq) * times > MAX_SIZE:
                    raise SecurityError(f"a result over {MAX_SIZE:,} items is not allowed")
            return operator.mul(left, right)
        return super().call_binop(context, op, left, right)
