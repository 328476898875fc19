"""Only the audit context opens the BYPASSRLS session, so every one leaves an audit row."""

from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def test_bypass_rls_is_opened_only_by_audit_superadmin_session() -> None:
    callers = {
        str(path.relative_to(APP))
        for path in APP.rglob("*.py")
        if ".bypass_rls(" in path.read_text(encoding="utf-8")
    }
    assert callers == {"services/audit/__init__.py"}
