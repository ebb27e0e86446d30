"""Every action key the code asks the policy about has rules: the policy fails closed, so a key
without rules would refuse every time it is asked, and this finds it before a user does."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from baomi import policy

PACKAGE = Path(policy.__file__).resolve().parents[1]


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def _asks(node: ast.Call, names: set[str]) -> bool:
    """A call of `policy.check`/`policy.require` (or of a helper in `names` that forwards its
    first argument to them)."""
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr in {"check", "require"} and ast.unparse(func.value) in {"policy", "engine"}
    return isinstance(func, ast.Name) and func.id in names


def asked_in(tree: ast.Module, module: str) -> list[tuple[str, int]]:
    """The action keys a module asks about, each with its line.

    A key may be a literal, a module-level name (`DECIDE`), a loop variable over a literal tuple,
    or the parameter of a helper (`_require_admin(action, actor)`): then the helper's own calls
    are read. Anything else is reported under its expression, so the test names it.
    """
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    forwarders: set[str] = set()
    found: list[tuple[str, int]] = []
    pending = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.args]
    for _round in range(3):  # helpers of helpers, a few deep at most
        later = []
        for node in pending:
            if not _asks(node, forwarders):
                later.append(node)
                continue
            arg = node.args[0]
            helper = _parameter_of(arg, node, parents)
            if helper:
                forwarders.add(helper)
                continue
            found.extend((key, node.lineno) for key in _keys(arg, module, tree))
        pending = later
    return found


def _parameter_of(arg: ast.expr, node: ast.AST, parents: dict[ast.AST, ast.AST]) -> str | None:
    if not isinstance(arg, ast.Name):
        return None
    scope = parents.get(node)
    while scope is not None and not isinstance(scope, ast.FunctionDef):
        scope = parents.get(scope)
    if scope is not None and scope.args.args and scope.args.args[0].arg == arg.id:
        return scope.name
    return None


def _keys(arg: ast.expr, module: str, tree: ast.Module) -> list[str]:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.Name):
        value = getattr(importlib.import_module(module), arg.id, None)
        if isinstance(value, str):
            return [value]
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.For | ast.comprehension)
                and isinstance(node.target, ast.Name)
                and node.target.id == arg.id
                and isinstance(node.iter, ast.Tuple | ast.List)
            ):
                return [e.value for e in node.iter.elts if isinstance(e, ast.Constant)]
    return [f"<{ast.unparse(arg)}>"]


def asked_actions() -> dict[str, list[str]]:
    """Every action key asked about in services, views, the API and jobs, with where."""
    found: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts or path.parent.name == "policy":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for key, line in asked_in(tree, _module_name(path)):
            found.setdefault(key, []).append(f"{path.relative_to(PACKAGE.parent)}:{line}")
    return found


def test_every_action_asked_about_has_rules():
    asked = asked_actions()
    assert len(asked) > 40  # the walk really reads the package
    without_rules = {key: where for key, where in asked.items() if key not in policy.actions()}
    assert not without_rules


def test_the_walk_finds_a_misspelt_key_directly_and_through_a_helper():
    tree = ast.parse(
        "def grant(action, actor):\n"
        "    policy.require(action, actor=actor)\n"
        "def lend(actor):\n"
        '    policy.require("custody.manaeg", actor=actor)\n'
        '    grant("person.mange", actor)\n'
    )
    keys = [key for key, _line in asked_in(tree, "baomi.people.services")]
    assert keys == ["custody.manaeg", "person.mange"]
    assert not {"custody.manaeg", "person.mange"} & policy.actions()
