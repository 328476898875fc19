"""The suite's own rules: no test module imports another; shared helpers live in support modules
(tests/factories.py, tests/clock.py, ...); every test folder is a package, so pytest and mypy
name each module alike (`tests.engines.formula.formula_sheets`, never a bare `formula_sheets`)."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
LOCAL_NAMES = {p.stem for p in TESTS.rglob("*.py")} - {"__init__", "conftest"}


def _imported_modules(tree: ast.AST) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.append("." * node.level + (node.module or ""))
            elif node.module:
                found.append(node.module)
                found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _violations() -> list[str]:
    bad: list[str] = []
    for path in sorted(TESTS.rglob("*.py")):
        rel = path.relative_to(TESTS.parent)
        for module in _imported_modules(ast.parse(path.read_text("utf-8"), str(path))):
            parts = module.split(".")
            if module.startswith("."):
                bad.append(f"{rel}: relative import {module!r}; import from `tests.` by name")
            elif parts[0] == "tests" and any(p.startswith("test_") for p in parts[1:]):
                bad.append(f"{rel}: imports the test module {module!r}; move the helper out")
            elif parts[0] in LOCAL_NAMES and len(parts) == 1:
                bad.append(f"{rel}: bare import {module!r}; use its `tests.` package path")
    return bad


def test_no_test_module_imports_another() -> None:
    assert _violations() == []


def test_every_test_folder_is_a_package() -> None:
    folders = {p.parent for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts}
    assert sorted(str(f) for f in folders if not (f / "__init__.py").exists()) == []


def test_the_check_catches_a_test_module_import() -> None:
    tree = ast.parse("from tests.api.v1.test_pif import FORMULA\nfrom tests import factories\n")
    modules = _imported_modules(tree)
    assert "tests.api.v1.test_pif" in modules and "tests.factories" in modules
