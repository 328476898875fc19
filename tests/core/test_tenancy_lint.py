"""Tenancy lint: org filters are written only in repositories (STYLE §3, issue 11 item 5).

Fails on a hand-written `<x>.org_id == ...` comparison, and on `session.get(<TenantModel>, ...)`
(a primary-key read that skips the org filter), in any app module not named `repository.py`.
"""

import ast
from pathlib import Path

import app.models as models
from app.models.base import Base

APP = Path(models.__file__).resolve().parents[1]
TENANT_MODELS = {
    mapper.class_.__name__
    for mapper in Base.registry.mappers
    if "org_id" in mapper.class_.__table__.columns
}


def _is_org_id(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "org_id"


def violations(source: str, filename: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if (
            isinstance(node, ast.Compare)
            and any(isinstance(op, ast.Eq) for op in node.ops)
            and (_is_org_id(node.left) or any(_is_org_id(c) for c in node.comparators))
        ):
            found.append(f"{filename}:{node.lineno}: hand-written org_id filter")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in TENANT_MODELS
        ):
            found.append(f"{filename}:{node.lineno}: session.get({node.args[0].id}, ...)")
    return found


def test_tenant_models_are_known() -> None:
    assert {"Product", "PifDocument", "AuditLog"} <= TENANT_MODELS


def test_org_filters_live_in_repositories() -> None:
    found = [
        problem
        for path in sorted(APP.rglob("*.py"))
        if path.name != "repository.py"
        for problem in violations(path.read_text(encoding="utf-8"), str(path.relative_to(APP)))
    ]
    assert found == []


def test_the_lint_catches_both_patterns() -> None:
    source = (
        "stmt = select(Product).where(Product.org_id == org_id)\n"
        "row = await session.get(Product, product_id)\n"
        "ok = await session.get(Ingredient, ingredient_id)\n"
        "d = {}.get('org_id')\n"
    )
    assert [v.split(": ", 1)[1] for v in violations(source, "x.py")] == [
        "hand-written org_id filter",
        "session.get(Product, ...)",
    ]


# Super-admin routes name the organization they act on; it is a target, not the caller's tenant.
TARGET_ORG_FUNCTIONS = {
    ("services/identity/admin.py", "change_plan"),
    ("services/identity/admin.py", "exempt"),
}


def bare_org_parameters(source: str, filename: str) -> list[str]:
    """Service parameters `org_id: uuid.UUID`: a tenant id must arrive typed (`OrgId`)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if (filename, node.name) in TARGET_ORG_FUNCTIONS:
            continue
        params = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        for arg in params:
            annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
            if arg.arg == "org_id" and annotation in ("uuid.UUID", "UUID"):
                found.append(f"{filename}:{node.lineno}: {node.name}(org_id: uuid.UUID)")
    return found


def test_services_take_typed_org_ids() -> None:
    found = [
        problem
        for path in sorted((APP / "services").rglob("*.py"))
        for problem in bare_org_parameters(
            path.read_text(encoding="utf-8"), str(path.relative_to(APP))
        )
    ]
    assert found == []


def test_the_parameter_lint_catches_a_bare_uuid() -> None:
    source = (
        "async def a(session, org_id: uuid.UUID): ...\n"
        "def b(*, org_id: OrgId): ...\n"
        "def c(org_id: uuid.UUID | None): ...\n"
    )
    assert bare_org_parameters(source, "x.py") == ["x.py:1: a(org_id: uuid.UUID)"]
