"""`app.ai.providers` loads its names on first use: each exported name resolves to its module's."""

import importlib

import app.ai.providers as providers


def test_every_exported_name_resolves_from_its_module() -> None:
    sources = providers._SOURCES
    assert set(sources) == set(providers.__all__)
    for name, module in sources.items():
        assert getattr(providers, name) is getattr(importlib.import_module(module), name)
