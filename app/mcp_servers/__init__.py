"""MCP servers over the shared reference data (spec 04 §6, decision E15).

`tfda`: check_formula, check_restricted, lookup, inci_normalize, pubchem_query.
`echa`: classification, check_restricted. Both take a `ToolDeps` so tests can inject fakes.
"""
