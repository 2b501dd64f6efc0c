"""The house's arrows point one way: each layer imports only what it may.

Every `import` in every module of pmtui is read from its source (inside functions and
`if TYPE_CHECKING:` blocks too), so a lazy import cannot slip past. A failure names the
file, the line and the import that crossed a line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pmtui"

# What each layer must never import. A module's layer is its package under pmtui
# (pmtui.core.live is "core"); top-level modules are named below.
TOOLKITS = ("textual", "rich")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    # The core is pure: no other layer, no UI toolkit, no storage, no threads or processes.
    "core": (
        "pmtui.store",
        "pmtui.service",
        "pmtui.export",
        "pmtui.ui",
        "pmtui.cli",
        "pmtui.show",
        *TOOLKITS,
        "tinydb",
        "jinja2",
        "platformdirs",
        "threading",
        "subprocess",
        "asyncio",
    ),
    # The store knows nothing of pmtui beyond itself.
    "store": ("pmtui.core", "pmtui.service", "pmtui.export", "pmtui.ui", "pmtui.cli", *TOOLKITS),
    # Exporters render; they never reach the UI, the store or the application layer.
    "export": ("pmtui.store", "pmtui.service", "pmtui.ui", "pmtui.cli", "textual"),
    # The application layer serves the UI and the CLI, never the other way round.
    "service": ("pmtui.ui", "pmtui.cli", "pmtui.show", *TOOLKITS),
    # The UI and the CLI go through the application layer: never the store.
    "ui": ("pmtui.store", "pmtui.cli", "tinydb", "threading"),
    "cli": ("pmtui.store", "tinydb", "threading"),
}
TOP_LEVEL = {
    "cli": "cli",
    "cli_followthrough": "cli",
    "show": "cli",
    "columns": "cli",
    "__main__": "cli",
    "resources": None,
    "__init__": None,
}


def layer_of(path: Path, root: Path = PACKAGE) -> str | None:
    parts = path.relative_to(root).parts
    if len(parts) == 1:
        return TOP_LEVEL[path.stem]
    return parts[0] if parts[0] in FORBIDDEN else None


def imports(path: Path, root: Path = PACKAGE) -> list[tuple[int, str]]:
    """Every module `path` imports, with its line; relative imports made absolute."""
    module = ".".join(("pmtui", *path.relative_to(root).with_suffix("").parts))
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: -node.level]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            # `from pmtui import store` imports a package as a name.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def crossings(path: Path, root: Path = PACKAGE) -> list[str]:
    layer = layer_of(path, root)
    if layer is None:
        return []
    banned = FORBIDDEN[layer]
    return [
        f"pmtui/{path.relative_to(root)}:{line}: {layer} imports {name}"
        for line, name in imports(path, root)
        if any(name == b or name.startswith(b + ".") for b in banned)
    ]


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_known_place() -> None:
    unknown = [
        str(p.relative_to(PACKAGE))
        for p in MODULES
        if len(p.relative_to(PACKAGE).parts) == 1 and p.stem not in TOP_LEVEL
    ]
    assert unknown == [], "name the layer of these top-level modules in TOP_LEVEL"
    layers = {layer_of(p) for p in MODULES}
    assert {"core", "store", "export", "service", "ui", "cli"} <= layers


def test_no_layer_reaches_where_it_should_not() -> None:
    found = [line for path in MODULES for line in crossings(path)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    ("where", "source", "expected"),
    [
        ("ui/x.py", "from pmtui.store.store import Store\n", "ui imports pmtui.store.store"),
        ("ui/x.py", "def f():\n    import tinydb\n", "ui imports tinydb"),
        ("core/x.py", "from ..ui import app\n", "core imports pmtui.ui"),
        ("core/x.py", "from pmtui import service\n", "core imports pmtui.service"),
        ("store/x.py", "from pmtui.core import models\n", "store imports pmtui.core"),
        ("export/x.py", "from pmtui.service.archive import Archive\n", "export imports"),
        ("cli.py", "from pmtui.store import store\n", "cli imports pmtui.store"),
        ("service/x.py", "if TYPE_CHECKING:\n    from textual.app import App\n", "textual"),
    ],
)
def test_the_contract_catches_a_crossing(
    where: str, source: str, expected: str, tmp_path: Path
) -> None:
    """The check itself can fail: a crossing written into a scratch package is caught."""
    root = tmp_path / "pmtui"
    target = root / where
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")
    found = crossings(target, root)
    assert any(expected in line for line in found), found


# Calls that touch the file system. The core makes none: reading and writing files is the
# application layer's. The one exception is reading pmtui's own packaged data (the
# built-in coach rules ship as a JSON file a team can copy and extend).
PATH_METHODS = {
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "mkdir",
    "unlink",
    "rmdir",
    "touch",
    "iterdir",
    "glob",
    "rglob",
    "is_file",
    "is_dir",
    "exists",
}
MODULES_OF_FILES = {"os", "shutil", "tempfile"}
PACKAGED_DATA = {("core/coach.py", "_builtin_rules")}


class _FileCalls(ast.NodeVisitor):
    def __init__(self, where: str) -> None:
        self.where = where
        self.function = "<module>"
        self.found: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            called = func.id if func.id == "open" else ""
        elif isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else ""
            hit = func.attr in PATH_METHODS or (owner in MODULES_OF_FILES and func.attr != "path")
            called = func.attr if hit else ""
        else:
            called = ""
        if called and (self.where, self.function) not in PACKAGED_DATA:
            self.found.append(f"{self.where}:{self.function}:{node.lineno} {called}()")
        self.generic_visit(node)


def file_calls(path: Path, root: Path = PACKAGE) -> list[str]:
    """`file:function:line call()` for each call in `path` that touches the file system."""
    visitor = _FileCalls(str(path.relative_to(root)))
    visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
    return visitor.found


def test_the_core_touches_no_files() -> None:
    core = PACKAGE / "core"
    found = [line for path in sorted(core.rglob("*.py")) for line in file_calls(path)]
    assert found == [], "\n".join(found)


def test_the_file_check_catches_a_read(tmp_path: Path) -> None:
    root = tmp_path / "pmtui"
    (root / "core").mkdir(parents=True)
    sneaky = root / "core" / "x.py"
    sneaky.write_text(
        "import os\ndef load(p):\n    return p.read_text()\nos.replace('a', 'b')\n",
        encoding="utf-8",
    )
    assert file_calls(sneaky, root) == [
        "core/x.py:load:3 read_text()",
        "core/x.py:<module>:4 replace()",
    ]
