"""Every audit action and detail key the code can record, read from the source (AST), so a
label test covers an action the moment a service starts recording it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import baomi

ROOT = Path(baomi.__file__).parent
#: the functions that append events, and where their action is: (position, keyword)
SINKS: dict[str, tuple[int, str | None]] = {
    "record": (1, None),
    "Entry": (1, "action"),
}


@dataclass
class Found:
    actions: dict[str, list[str]] = field(default_factory=dict)  # code -> where
    details: set[str] = field(default_factory=set)
    #: what approvals are used for: the `action` given to `consume`
    purposes: set[str] = field(default_factory=set)


def _name(call: ast.Call) -> str | None:
    fn = call.func
    return fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", None)


def _strings(node: ast.AST) -> Iterator[str]:
    """The constant texts an expression can take: a literal, or either arm of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)


def _argument(call: ast.Call, position: int, keyword: str | None) -> ast.AST | None:
    if len(call.args) > position and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    for k in call.keywords:
        if keyword is not None and k.arg == keyword:
            return k.value
    return None


def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (str(path.relative_to(ROOT.parent)), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(ROOT.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _params(fn: ast.FunctionDef) -> list[str]:
    a = fn.args
    return [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)]


def _forwarders(modules: list[tuple[str, ast.Module]]) -> dict[str, tuple[int, str | None]]:
    """Functions that pass one of their parameters on as the action of an event (a custody
    move, a refusal put on record), found to a fixed point: name -> (position, keyword)."""
    sinks = dict(SINKS)
    functions = [
        node
        for _, tree in modules
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    changed = True
    while changed:
        changed = False
        for fn in functions:
            if fn.name in sinks:
                continue
            params = _params(fn)
            for call in (n for n in ast.walk(fn) if isinstance(n, ast.Call)):
                sink = sinks.get(_name(call) or "")
                arg = sink and _argument(call, *sink)
                if isinstance(arg, ast.Name) and arg.id in params:
                    index = params.index(arg.id)
                    keyword_only = index >= len(fn.args.posonlyargs) + len(fn.args.args)
                    sinks[fn.name] = (10**6 if keyword_only else index, arg.id)
                    changed = True
                    break
    return sinks


def _dict_keys(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Dict):
        for key in node.keys:
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                yield key.value


def recorded() -> Found:
    """The action codes and the detail keys of every event the code records."""
    modules = _modules()
    sinks = _forwarders(modules)
    found = Found()
    for path, tree in modules:
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = _name(call) or ""
            if name == "consume":
                for k in call.keywords:
                    if k.arg == "action":
                        found.purposes |= set(_strings(k.value))
            if name not in sinks:
                continue
            position, keyword = sinks[name]
            arg = _argument(call, position, keyword)
            if arg is None:
                continue
            for code in _strings(arg):
                found.actions.setdefault(code, []).append(f"{path}:{call.lineno}")
            found.details |= {k.arg for k in call.keywords if k.arg and k.arg != keyword}
            if name == "Entry":
                for a in call.args[3:]:
                    found.details |= set(_dict_keys(a))
    # what every custody move states about the copy after it
    for _, tree in modules:
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef) and fn.name == "custody_data":
                for node in ast.walk(fn):
                    found.details |= set(_dict_keys(node))
    return found
