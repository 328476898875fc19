"""`pifai` command line. Each module in this package with a `register(app)` adds its commands."""

import importlib
import pkgutil

import typer

app = typer.Typer(
    # plain click help: rich's help renderer (rich.markdown & co.) alone took 0.2-0.8 s to import
    rich_markup_mode=None,
    name="pifai",
    help="PIF AI backend: serve the API and worker, migrate, import reference data, operate.",
    no_args_is_help=True,
    add_completion=False,
)

for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if module_info.name.startswith("_") or module_info.name == "common":
        continue
    module = importlib.import_module(f"{__name__}.{module_info.name}")
    module.register(app)


def main() -> None:
    app()
