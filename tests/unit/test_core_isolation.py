"""The core and the store never import the UI toolkits."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pmtui.core
import pmtui.store


def test_core_and_store_do_not_import_textual_or_rich() -> None:
    modules = [
        info.name
        for package in (pmtui.core, pmtui.store)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    ]
    assert "pmtui.core.engine" in modules and "pmtui.store.store" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in ('textual', 'rich') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
