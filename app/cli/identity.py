"""Identity operations: `pifai bootstrap-admin` and `pifai audit verify`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from app.cli.common import DataDirOption, load_settings, run

if TYPE_CHECKING:
    from app.core.config import Settings
    from app.services.audit import ChainReport

CLI_USER_AGENT = "pifai-cli"


async def _bootstrap(settings: Settings, email: str, password: str, full_name: str) -> str:
    from app.core.database import Database
    from app.core.unit_of_work import unit_of_work
    from app.services.audit import ClientInfo
    from app.services.identity import admin

    db = Database.connect(settings)
    try:
        async with unit_of_work(db.engine) as session:
            created = await admin.create_super_admin(
                session,
                db,
                settings,
                email=email,
                password=password,
                full_name=full_name,
                client=ClientInfo(ip=None, user_agent=CLI_USER_AGENT),
            )
    finally:
        await db.dispose()
    codes = "\n".join(f"  {c}" for c in created.recovery_codes)
    return (
        f"super admin {created.user.email} created (id {created.user.id})\n"
        f"Add this to an authenticator app (shown once):\n  {created.otpauth_uri}\n"
        f"Recovery codes (shown once):\n{codes}"
    )


async def _verify(settings: Settings) -> ChainReport:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.core.database import owner_engine
    from app.services import audit

    # the owner login sees every row (the app role sees only its own org's)
    engine = owner_engine(settings)
    try:
        async with AsyncSession(engine) as session, session.begin():
            return await audit.verify_chain(session)
    finally:
        await engine.dispose()


def register(app: typer.Typer) -> None:
    @app.command("bootstrap-admin")
    def bootstrap_admin(
        email: Annotated[str, typer.Option(prompt=True, help="Super admin e-mail.")],
        password: Annotated[
            str,
            typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="Password."),
        ],
        full_name: Annotated[str, typer.Option(help="Display name.")] = "",
        data_dir: DataDirOption = None,
    ) -> None:
        """Create the first super admin (refused once one exists); prints the TOTP URI once."""
        from app.core.errors import DomainError

        settings = load_settings(data_dir)
        try:
            typer.echo(run(_bootstrap(settings, email, password, full_name)))
        except DomainError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(1) from exc

    audit_app = typer.Typer(
        rich_markup_mode=None, help="Audit log operations.", no_args_is_help=True
    )

    @audit_app.command("verify")
    def verify(data_dir: DataDirOption = None) -> None:
        """Walk the hash chain; exit 1 naming the first tampered row."""
        report = run(_verify(load_settings(data_dir)))
        if report.ok:
            typer.echo(f"audit chain OK ({report.checked} rows)")
            return
        typer.echo(
            f"audit chain BROKEN at seq {report.first_bad_seq} (id {report.first_bad_id}): "
            f"{report.reason}; {report.checked} rows verified before it",
            err=True,
        )
        raise typer.Exit(1)

    app.add_typer(audit_app, name="audit")
