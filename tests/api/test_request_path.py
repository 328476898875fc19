"""Nothing on the request path that could happen once (issue 18): no dependency runs in the
thread pool, and the app engine does not ping before every checkout."""

import inspect
from pathlib import Path
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts

from app.core.config import Settings
from app.core.database import Database
from app.main import create_app

# FastAPI's own form model, on POST /auth/token only (a class: FastAPI builds it in the pool)
ALLOWED_SYNC = {"fastapi.security.oauth2.OAuth2PasswordRequestForm"}
OFFLINE = Settings(database_url="postgresql://u@localhost/d", redis_url="redis://localhost")


def _is_async(call: Any) -> bool:
    target = call if inspect.isfunction(call) or inspect.ismethod(call) else call.__call__
    return inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)


def _sync_dependencies(dependant: Dependant, path: str, found: dict[str, str]) -> None:
    for sub in dependant.dependencies:
        call = sub.call
        name = f"{getattr(call, '__module__', '')}.{getattr(call, '__qualname__', repr(call))}"
        if call is not None and not _is_async(call) and name not in ALLOWED_SYNC:
            found.setdefault(name, path)
        _sync_dependencies(sub, path, found)


def test_no_route_has_a_dependency_that_runs_in_the_thread_pool() -> None:
    app = create_app(OFFLINE)
    found: dict[str, str] = {}
    routes = 0
    for context in iter_route_contexts(app.routes):
        dependant = getattr(context.route, "dependant", None)
        if dependant is None:
            continue
        routes += 1
        path = str(context.path)
        if not inspect.iscoroutinefunction(getattr(context.route, "endpoint", None)):
            found.setdefault(f"endpoint {path}", path)
        _sync_dependencies(dependant, path, found)
    assert routes > 50
    assert found == {}


def test_the_app_engine_does_not_pre_ping() -> None:
    # a dead connection is invalidated on its error and the request answers 503 (see
    # tests/core/test_database_outage.py); a ping would cost three round trips per request
    db = Database.connect(OFFLINE)
    assert db.engine.pool._pre_ping is False


def test_the_heads_read_from_the_revision_files_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    from app.core.migrations_state import alembic_config, alembic_heads

    assert alembic_heads() == frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def test_revision_ids_read_only_the_assignments(tmp_path: Path) -> None:
    from app.core.migrations_state import _revision_ids

    merge = tmp_path / "merge.py"
    merge.write_text(
        '"""Merge.\n\nRevision ID: not_this\n"""\n\nimport sqlalchemy as sa\n\n'
        'revision: str = "0013_merge"\n'
        "down_revision: tuple[str, ...] | None = (\n"
        '    "0012_a",\n'
        '    "0012_b",\n'
        ")\n\n\ndef upgrade() -> None:\n    revision = 'inner'\n"
    )
    assert _revision_ids(merge) == ("0013_merge", {"0012_a", "0012_b"})


def test_serving_does_not_load_alembic_or_boto3() -> None:
    # resident memory (issue 18): migrations and the S3 client load only where they are used
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from app.core.config import Settings\n"
        "from app.main import create_app\n"
        "create_app(Settings(database_url='postgresql://u@localhost/d', redis_url='redis://x'))\n"
        "print([m for m in ('alembic', 'boto3', 'botocore') if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
