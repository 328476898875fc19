"""`pifai sync …`: load reference data (ingredient master, regulatory lists) into the database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from app.cli.common import DataDirOption, load_settings, run

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.services.formulation import ImportReport
    from app.services.regulatory import SyncResult

T = TypeVar("T")


def _console() -> Console:
    from rich.console import Console

    return Console()


sync_app = typer.Typer(
    rich_markup_mode=None, help="Import reference data (runs as the owner/migration role)."
)
ExistingFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]
ExistingDir = Annotated[Path, typer.Argument(exists=True, file_okay=False, readable=True)]


def _with_owner_session(data_dir: Path | None, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.core.database import analyze_reference_tables, owner_engine

    settings = load_settings(data_dir)

    async def main() -> T:
        engine = owner_engine(settings)
        try:
            async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
                result = await work(session)
                await analyze_reference_tables(session)
                return result
        finally:
            await engine.dispose()

    return run(main())


def _print_ingredient_report(report: ImportReport) -> None:
    _console().print(
        f"ingredients: {report.added} added, {report.changed} changed, "
        f"{report.unchanged} unchanged"
        + (f", {len(report.skipped)} skipped" if report.skipped else "")
    )


def _print_sync(result: SyncResult) -> None:
    verdict = "no changes" if result.is_empty else "changes recorded"
    _console().print(
        f"regulatory lists: {result.added} added, {result.changed} changed, {result.removed} "
        f"removed, {result.unchanged} unchanged ({verdict}; sync run {result.run_id})"
    )


@sync_app.command("starter")
def starter(data_dir: DataDirOption = None) -> None:
    """Load the built-in starter dictionary of common cosmetic ingredients."""
    from app.services.formulation import import_ingredients, records_from_starter

    report = _with_owner_session(data_dir, lambda s: import_ingredients(s, records_from_starter()))
    _print_ingredient_report(report)


@sync_app.command("cosing-inventory")
def cosing_inventory(file: ExistingFile, data_dir: DataDirOption = None) -> None:
    """Import an EU CosIng ingredient inventory export (official or simplified CSV)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    from app.services.formulation import import_ingredients, records_from_inventory

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=_console(), transient=True) as progress:
        task = progress.add_task("importing", total=None)

        async def work(session: AsyncSession) -> ImportReport:
            return await import_ingredients(
                session,
                records_from_inventory(file),
                progress=lambda n: progress.advance(task, n),
            )

        report = _with_owner_session(data_dir, work)
    _print_ingredient_report(report)


@sync_app.command("cosing-annexes")
def cosing_annexes(directory: ExistingDir, data_dir: DataDirOption = None) -> None:
    """Import the EU CosIng Annex II–VI exports (COSING_Annex_*.txt/.csv) from DIRECTORY."""
    from app.engines.regulatory import parse_annex_file
    from app.models.enums import SyncSource
    from app.services.regulatory import sync_entries

    files = sorted(p for p in directory.iterdir() if p.name.upper().startswith("COSING_ANNEX_"))
    if not files:
        raise typer.BadParameter(f"no COSING_Annex_* files in {directory}")
    entries = [entry for path in files for entry in parse_annex_file(path)]
    for path in files:
        _console().print(f"parsed {path.name}")
    result = _with_owner_session(
        data_dir, lambda s: sync_entries(s, entries, source=SyncSource.COSING)
    )
    _print_sync(result)


@sync_app.command("tw-list")
def tw_list(file: ExistingFile, data_dir: DataDirOption = None) -> None:
    """Import Taiwan TFDA list entries from the documented CSV/XLSX template."""
    from app.engines.regulatory import parse_tw_file
    from app.models.enums import SyncSource
    from app.services.regulatory import sync_entries

    entries = parse_tw_file(file)
    result = _with_owner_session(
        data_dir, lambda s: sync_entries(s, entries, source=SyncSource.TFDA)
    )
    _print_sync(result)


def register(app: typer.Typer) -> None:
    app.add_typer(sync_app, name="sync")
