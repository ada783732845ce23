"""The public surface: every ``__all__`` name resolves, and the layering arrows hold."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tm", "tmx", "glossaries", "cli")


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        names.append(package)
        pkg = importlib.import_module(package)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}."):
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules())
def test_all_names_resolve(name: str) -> None:
    module = importlib.import_module(name)
    for attr in getattr(module, "__all__", ()):
        assert hasattr(module, attr), f"{name}.__all__ lists {attr!r}, which does not exist"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("tm", {"cli", "tmx", "glossaries", "rich", "typer"}),
        ("tmx", {"cli", "rich", "typer"}),
        ("glossaries", {"cli", "tmx", "rich", "typer"}),
    ],
)
def test_layering(package: str, forbidden: set[str]) -> None:
    for path in (ROOT / package).rglob("*.py"):
        bad = _imports(path) & forbidden
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_rich_only_in_render() -> None:
    """rich is imported by render.py and its table layout, layout.py; the other render
    modules print through render.py's console."""
    for path in (ROOT / "cli").rglob("*.py"):
        if path.name not in ("render.py", "layout.py"):
            assert "rich" not in _imports(path), f"{path.relative_to(ROOT)} imports rich"


def test_tm_names_do_not_shadow_submodules() -> None:
    """A lazily exported name equal to a submodule's would flip between module and function."""
    import tm

    submodules = {info.name for info in pkgutil.iter_modules(tm.__path__)}
    assert not submodules & set(tm.__all__)
