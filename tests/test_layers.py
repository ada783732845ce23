"""The import graph of our packages: no circles, and the core imports no outer layer
(neither tmx, cli, glossaries nor the server).

Every ``import`` counts, at module level or inside a function or a ``TYPE_CHECKING`` block:
a lazy import still ties two modules together.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGES = ("tm", "tmx", "cli", "glossaries", "server")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The modules of ours that ``path`` imports (``from tmx import bulk`` is ``tmx.bulk``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in known else base)
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    """Each of our modules and the modules of ours it imports."""
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, name, known) for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_circles() -> None:
    assert cycles(graph()) == []


def test_core_imports_no_outer_layer() -> None:
    outer = [
        (name, target)
        for name, targets in graph().items()
        if name.split(".")[0] == "tm"
        for target in targets
        if target.split(".")[0] != "tm"
    ]
    assert outer == []


def test_format_modules_do_not_import_the_dispatch() -> None:
    """``tmx.interchange`` sits above the format modules; none of them imports it."""
    importers = sorted(name for name, targets in graph().items() if "tmx.interchange" in targets)
    assert all(not name.startswith("tmx.") for name in importers), importers


def test_the_graph_finds_a_circle() -> None:
    """The checker itself: a planted circle is reported, a chain is not."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_graph_sees_lazy_and_relative_imports() -> None:
    edges = graph()
    assert "tmx.bulk" in edges["tmx.interchange"]
    assert "tm.errors" in edges["cli._errors"]
