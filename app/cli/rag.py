"""`pifai rag backfill`: create the knowledge bases that product creation could not (fail-soft)."""

import typer

from app.cli.common import DataDirOption, load_settings, run

rag_app = typer.Typer(rich_markup_mode=None, help="Central RAG service maintenance.")


@rag_app.command("backfill")
def backfill(
    data_dir: DataDirOption = None,
    limit: int = typer.Option(500, help="Products to try in this run."),
) -> None:
    """Create missing knowledge bases (products whose rag_kb_id is still NULL)."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.core.database import owner_engine
    from app.services.knowledge import backfill_knowledge_bases, rag_client

    settings = load_settings(data_dir)
    rag = rag_client(settings)
    if not rag.configured:
        typer.echo("RAG service not configured (RAG_API_BASE, RAG_API_KEY, RAG_TENANT_ID)")
        return

    async def go() -> tuple[int, int]:
        engine = owner_engine(settings)  # a platform job across all tenants
        try:
            async with AsyncSession(engine) as session:
                return await backfill_knowledge_bases(session, rag, limit=limit)
        finally:
            await engine.dispose()
            await rag.aclose()

    created, missing = run(go())
    typer.echo(f"knowledge bases created: {created}; still missing (will retry): {missing}")


def register(app: typer.Typer) -> None:
    app.add_typer(rag_app, name="rag")
