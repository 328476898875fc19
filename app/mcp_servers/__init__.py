"""MCP servers over the shared reference data (spec 04 §6, decision E15).

Both register tools from the one catalog (`app.services.reference`), by name:
`tfda`: check_formula, check_restricted, safety_assess, lookup, inci_normalize, pubchem_query.
`echa`: classification, check_restricted.
"""
