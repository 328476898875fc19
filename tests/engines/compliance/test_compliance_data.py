"""The rule data files: versioned, dated, every entry cited, tables consistent."""

from datetime import date
from typing import Any

import pytest

from app.engines.compliance import ORG_TYPES, load_compliance_data, outsourced_items
from app.engines.compliance.data import FILES, ComplianceData, read_raw

# top-level collections whose members are rule-data entries
ENTRY_KEYS = ("claims", "mappings", "keywords", "elements", "penalties", "rules")


def entries(raw: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    for key in ENTRY_KEYS:
        found += [(f"{key}[{i}]", e) for i, e in enumerate(raw.get(key, []))]
    for org_type, cells in raw.get("org_types", {}).items():
        found += [(f"{org_type}/{n}", cell) for n, cell in cells.items()]
    for key, value in raw.items():
        if isinstance(value, dict) and "values" in value:
            found.append((key, value))
    return found


@pytest.mark.parametrize("name", sorted(FILES.values()))
def test_every_file_has_version_date_and_cited_entries(name: str) -> None:
    raw = read_raw(name)
    assert raw["version"] and date.fromisoformat(raw["date"])
    found = entries(raw)
    assert found, f"{name}: no entries recognised"
    missing = [where for where, e in found if not str(e.get("citation") or "").strip()]
    assert not missing, f"{name}: entries without a citation: {missing}"


def test_an_entry_without_citation_is_rejected() -> None:
    raw = {key: read_raw(name) for key, name in FILES.items()}
    del raw["penalties"]["penalties"][0]["citation"]
    with pytest.raises(ValueError, match="citation"):
        ComplianceData.model_validate(raw)


def test_matrix_has_16_cells_per_org_type_and_the_baseline_sets() -> None:
    data = load_compliance_data()
    cells = data.matrix.org_types
    assert sum(len(cells[t]) for t in ("brand", "oem", "importer", "consultant")) == 64
    assert set(cells) == set(ORG_TYPES)
    assert outsourced_items("importer") == [3, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16]
    assert outsourced_items("brand") == [3, 5, 6, 11, 12, 13]
    assert outsourced_items("oem") == [11, 12, 13]
    assert len(outsourced_items("brand")) > len(outsourced_items("oem"))
    cell3 = data.matrix.org_types["importer"]["3"]
    assert (cell3.who_provides, cell3.suggested_source) == (
        "Foreign principal",
        "MSDS + composition statement",
    )
    assert {c.typically_outsourced for c in data.matrix.org_types["consultant"].values()} == {None}


def test_rules_cover_r1_to_r14_and_unmapped_penalties_are_null() -> None:
    data = load_compliance_data()
    unmapped = {r.id for r in data.rules.rules if r.penalty is None}
    assert unmapped == {"R2", "R3", "R4", "R5", "R6", "R8"}
    severities = {r.id: r.severity for r in data.rules.rules}
    blocking = [k for k, v in severities.items() if v == "blocking"]
    assert blocking == ["R9", "R11", "R12", "R13", "R14"]


def test_eleven_label_elements() -> None:
    assert len(load_compliance_data().label_elements.elements) == 11
