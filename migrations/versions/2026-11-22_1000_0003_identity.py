"""Identity: narrowly scoped SECURITY DEFINER functions for sign-in before the org is known

Revision ID: 0003_identity
Revises: 0002_tasks
Create Date: 2026-11-22 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003_identity"
down_revision: str | None = "0002_tasks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFINER = "LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp"
USER_ROW = """TABLE(id uuid, org_id uuid, email text, full_name text, password_hash text,
    role text, is_active boolean, email_verified boolean, totp_enabled boolean,
    failed_login_count int, locked_until timestamptz, lock_count int)"""
USER_COLS = """u.id, u.org_id, u.email::text, u.full_name::text, u.password_hash, u.role::text,
    u.is_active, u.email_verified_at IS NOT NULL, u.totp_enabled, u.failed_login_count,
    u.locked_until, u.lock_count"""

# (signature, body) — every function is revoked from PUBLIC and granted to the app role only.
FUNCTIONS: list[tuple[str, str]] = [
    (
        "auth_user_by_email(p_email text)",
        f"RETURNS {USER_ROW} {DEFINER} STABLE AS $$ "
        f"SELECT {USER_COLS} FROM users u WHERE u.email = lower(p_email) $$",
    ),
    (
        "auth_user_by_id(p_user_id uuid)",
        f"RETURNS {USER_ROW} {DEFINER} STABLE AS $$ "
        f"SELECT {USER_COLS} FROM users u WHERE u.id = p_user_id $$",
    ),
    (
        "auth_user_by_google_sub(p_sub text)",
        f"RETURNS {USER_ROW} {DEFINER} STABLE AS $$ "
        f"SELECT {USER_COLS} FROM users u WHERE u.google_sub = p_sub $$",
    ),
    (
        "auth_super_admin_exists()",
        f"RETURNS boolean {DEFINER} STABLE AS $$ "
        "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'super_admin') $$",
    ),
    (
        # count a failure; the max-th in a row locks for base * 2^(locks so far), capped
        "auth_login_failed(p_user_id uuid, p_max int, p_base_seconds int, p_cap_seconds int)",
        f"""RETURNS TABLE(failed_login_count int, locked_until timestamptz, newly_locked boolean)
        {DEFINER} AS $$
        UPDATE users u SET
          failed_login_count = CASE WHEN u.failed_login_count + 1 >= p_max THEN 0
                                    ELSE u.failed_login_count + 1 END,
          lock_count = u.lock_count + CASE WHEN u.failed_login_count + 1 >= p_max THEN 1 ELSE 0 END,
          locked_until = CASE WHEN u.failed_login_count + 1 >= p_max
            THEN clock_timestamp() + make_interval(secs => least(
                   p_cap_seconds::double precision,
                   p_base_seconds * power(2::double precision, least(u.lock_count, 20))))
            ELSE u.locked_until END
        WHERE u.id = p_user_id
        RETURNING u.failed_login_count, u.locked_until, u.failed_login_count = 0 $$""",
    ),
    (
        "auth_login_succeeded(p_user_id uuid)",
        f"RETURNS void {DEFINER} AS $$ UPDATE users SET failed_login_count = 0, "
        "last_login_at = clock_timestamp() WHERE id = p_user_id $$",
    ),
    (
        "auth_totp_state(p_user_id uuid)",
        f"RETURNS TABLE(totp_enabled boolean, totp_secret text, totp_last_step bigint) {DEFINER} "
        "STABLE AS $$ SELECT totp_enabled, totp_secret, totp_last_step FROM users "
        "WHERE id = p_user_id $$",
    ),
    (
        # replay guard: a step is accepted only if it is newer than the last one used
        "auth_totp_consume_step(p_user_id uuid, p_step bigint)",
        f"RETURNS boolean {DEFINER} AS $$ WITH u AS (UPDATE users SET totp_last_step = p_step "
        "WHERE id = p_user_id AND (totp_last_step IS NULL OR totp_last_step < p_step) "
        "RETURNING 1) SELECT EXISTS (SELECT 1 FROM u) $$",
    ),
    (
        "auth_consume_recovery_code(p_user_id uuid, p_code_hash text)",
        f"RETURNS boolean {DEFINER} AS $$ WITH u AS (UPDATE users "
        "SET recovery_codes = recovery_codes - p_code_hash "
        "WHERE id = p_user_id AND recovery_codes ? p_code_hash RETURNING 1) "
        "SELECT EXISTS (SELECT 1 FROM u) $$",
    ),
    (
        "auth_set_password(p_user_id uuid, p_password_hash text)",
        f"RETURNS void {DEFINER} AS $$ UPDATE users SET password_hash = p_password_hash, "
        "failed_login_count = 0, locked_until = NULL WHERE id = p_user_id $$",
    ),
    (
        "auth_mark_email_verified(p_user_id uuid)",
        f"RETURNS void {DEFINER} AS $$ UPDATE users SET email_verified_at = "
        "coalesce(email_verified_at, clock_timestamp()) WHERE id = p_user_id $$",
    ),
    (
        "auth_invitation_by_token(p_token_hash text)",
        f"""RETURNS TABLE(id uuid, org_id uuid, email text, role text, expires_at timestamptz,
        accepted_at timestamptz) {DEFINER} STABLE AS $$
        SELECT i.id, i.org_id, i.email::text, i.role::text, i.expires_at, i.accepted_at
        FROM invitations i WHERE i.token_hash = p_token_hash $$""",
    ),
]


def _name(signature: str) -> str:
    return signature.split("(", 1)[0]


def _arg_types(signature: str) -> str:
    args = signature.split("(", 1)[1].rstrip(")")
    return ", ".join(a.split()[-1] for a in args.split(",") if a.strip())


def upgrade() -> None:
    for signature, body in FUNCTIONS:
        ident = f"{_name(signature)}({_arg_types(signature)})"
        op.execute(f"CREATE FUNCTION {signature} {body}")
        op.execute(f"REVOKE ALL ON FUNCTION {ident} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {ident} TO pifai")


def downgrade() -> None:
    for signature, _ in reversed(FUNCTIONS):
        op.execute(f"DROP FUNCTION IF EXISTS {_name(signature)}({_arg_types(signature)})")
