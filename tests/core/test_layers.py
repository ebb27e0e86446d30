"""`core` sits below every app: it imports none of them, so an app can be added, removed or
split without touching it. Only the two cross-cutting apps, policy and audit, lie below it too."""

from __future__ import annotations

import ast
from pathlib import Path

import baomi.core

CORE = Path(baomi.core.__file__).resolve().parent
BELOW = ("baomi.core", "baomi.policy", "baomi.audit")


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """Every `baomi…` module a file imports, at any depth (functions included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = (
                [node.module] if node.module != "baomi" else [f"baomi.{a.name}" for a in node.names]
            )
            found += [(n, node.lineno) for n in names]
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
    return [(n, line) for n, line in found if n == "baomi" or n.startswith("baomi.")]


def test_core_imports_no_app_above_it():
    above = [
        f"{path.relative_to(CORE.parent)}:{line} {name}"
        for path in sorted(CORE.rglob("*.py"))
        if "migrations" not in path.parts
        for name, line in imported_modules(path)
        if not name.startswith(BELOW)
    ]
    assert not above


def test_the_walk_sees_an_import_inside_a_function(tmp_path):
    source = tmp_path / "x.py"
    source.write_text(
        "def f():\n    from baomi.ledger.models import Copy\n    from baomi import audit\n"
    )
    assert imported_modules(source) == [("baomi.ledger.models", 2), ("baomi.audit", 3)]
