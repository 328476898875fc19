"""`pifai regulatory …`: read-only reports over the regulatory lists."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli.common import DataDirOption, load_settings, run

if TYPE_CHECKING:
    from app.engines.regulatory import RegulatedEntry

regulatory_app = typer.Typer(rich_markup_mode=None, help="Reports over the loaded TW and EU lists.")
TW_FILES = ("prohibited", "restricted", "preservative", "colorant", "uv_filter")
DirOption = Annotated[
    Path | None, typer.Option(exists=True, file_okay=False, readable=True, show_default=False)
]


def _from_files(tw_dir: Path, cosing_dir: Path) -> list[RegulatedEntry]:
    from app.engines.regulatory import parse_annex_file, parse_tw_file

    entries = [e for name in TW_FILES for e in parse_tw_file(tw_dir / f"{name}.csv")]
    annexes = sorted(p for p in cosing_dir.iterdir() if p.name.upper().startswith("COSING_ANNEX_"))
    return entries + [e for path in annexes for e in parse_annex_file(path)]


def _from_database(data_dir: Path | None) -> list[RegulatedEntry]:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.core.database import owner_engine
    from app.services.regulatory.store import load_entries

    settings = load_settings(data_dir)

    async def main() -> list[RegulatedEntry]:
        engine = owner_engine(settings)
        try:
            async with AsyncSession(engine) as session:
                return await load_entries(session)
        finally:
            await engine.dispose()

    return run(main())


@regulatory_app.command("compare")
def compare(
    data_dir: DataDirOption = None,
    tw_dir: DirOption = None,
    cosing_dir: DirOption = None,
) -> None:
    """List substances where the TW TFDA lists and the EU annexes disagree (prohibited in one
    only; different limits for a leave-on face product). Reads the loaded lists, or the files
    given with --tw-dir (the five TFDA CSVs) and --cosing-dir (the CosIng annex exports)."""
    from app.engines.regulatory.compare import compare as compare_lists
    from app.engines.regulatory.compare import render_table

    if (tw_dir is None) != (cosing_dir is None):
        raise typer.BadParameter("give both --tw-dir and --cosing-dir, or neither")
    if tw_dir is not None and cosing_dir is not None:
        entries = _from_files(tw_dir, cosing_dir)
    else:
        entries = _from_database(data_dir)
    result = compare_lists(entries)
    if not result.tw_entries or not result.eu_entries:
        typer.echo("both the TW and the EU lists must be loaded to compare them", err=True)
        raise typer.Exit(1)
    typer.echo(render_table(result))


def register(app: typer.Typer) -> None:
    app.add_typer(regulatory_app, name="regulatory")
