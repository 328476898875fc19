"""Cross-context imports inside app/services target a context's package (its `__init__`) only.

import-linter cannot say "only through __init__", so this AST check does. KNOWN lists today's
reaches into other contexts' internals; it is empty now and must stay so.
"""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "app" / "services"

KNOWN: set[tuple[str, str]] = set()


def _imported_modules(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from app.services.pif import repository` reaches a submodule too.
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _reaches(context: str, module: str, submodules: set[str]) -> bool:
    parts = module.split(".")
    if len(parts) < 4 or parts[:2] != ["app", "services"] or parts[2] == context:
        return False
    return module in submodules


def cross_context_reaches() -> set[tuple[str, str]]:
    submodules = {
        "app.services." + ".".join(p.relative_to(SERVICES).with_suffix("").parts)
        for p in SERVICES.rglob("*.py")
        if p.name != "__init__.py"
    }
    out: set[tuple[str, str]] = set()
    for path in SERVICES.rglob("*.py"):
        context = path.relative_to(SERVICES).parts[0]
        if context == "__init__.py":
            continue
        for module in _imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            if _reaches(context, module, submodules):
                out.add((context, module))
    return out


def test_contexts_import_each_other_only_through_their_package() -> None:
    new = cross_context_reaches() - KNOWN
    assert not new, f"import these through the context package instead: {sorted(new)}"


def test_known_list_only_shrinks() -> None:
    fixed = KNOWN - cross_context_reaches()
    assert not fixed, f"fixed, remove from KNOWN: {sorted(fixed)}"


def test_the_check_catches_a_reach_into_internals() -> None:
    tree = ast.parse("from app.services.pif.repository import list_files_for_org")
    submodules = {"app.services.pif.repository"}
    assert any(_reaches("products", m, submodules) for m in _imported_modules(tree))
    assert not any(_reaches("pif", m, submodules) for m in _imported_modules(tree))
    tree = ast.parse("from app.services.products import get_product_for_org")
    assert not any(_reaches("pif", m, submodules) for m in _imported_modules(tree))
