"""Responsibility matrix rows and the seven-step workflow (spec 05 §1-§2)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.engines.compliance.data import ComplianceData, MatrixCell, load_compliance_data

COMPLETE = frozenset({"human_reviewed", "approved"})
POST_LAUNCH_ITEM = 8  # belongs to no step (B3)


@dataclass(frozen=True, slots=True)
class Cell:
    item_number: int
    who_provides: str
    suggested_source: str
    typically_outsourced: bool | None
    citation: str


@dataclass(frozen=True, slots=True)
class Step:
    number: int
    name: str
    completed: bool
    items: list[int]


@dataclass(frozen=True, slots=True)
class Workflow:
    current_step: int
    steps: list[Step]
    post_launch_item: int
    post_launch_status: str
    outsourcing_suggestions: list[str]


def matrix_row(org_type: str, data: ComplianceData | None = None) -> list[Cell]:
    """The 16 cells of one org type, ordered by item number."""
    data = data or load_compliance_data()
    cells: dict[str, MatrixCell] = data.matrix.org_types[org_type]  # type: ignore[index]
    return [
        Cell(int(n), c.who_provides, c.suggested_source, c.typically_outsourced, c.citation)
        for n, c in sorted(cells.items(), key=lambda kv: int(kv[0]))
    ]


def outsourced_items(org_type: str, data: ComplianceData | None = None) -> list[int]:
    return [c.item_number for c in matrix_row(org_type, data) if c.typically_outsourced]


def compress_ranges(numbers: Iterable[int]) -> list[str]:
    """[3, 5, 6, 11, 12, 13] -> ["3", "5", "6", "11-13"]: runs of three or more become ranges."""
    out: list[str] = []
    values = sorted(set(numbers))
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        if j - i >= 2:
            out.append(f"{values[i]}-{values[j]}")
        else:
            out.extend(str(v) for v in values[i : j + 1])
        i = j + 1
    return out


def derive_workflow(
    statuses: Mapping[int, str],
    org_type: str,
    *,
    outsourced_registered: Iterable[int] = (),
    has_signed_version: bool = False,
    needs_resign: bool | None = None,
    data: ComplianceData | None = None,
) -> Workflow:
    """Seven steps from item statuses; `needs_resign=None` (unknown) never completes step 7."""

    def done(*items: int) -> bool:
        return all(statuses.get(i, "missing") in COMPLETE for i in items)

    def started(*items: int) -> bool:
        return all(statuses.get(i, "missing") != "missing" for i in items)

    steps = [
        Step(1, "Formula freeze", done(3), [3]),
        Step(2, "Trial production", done(5, 6, 9) and started(11, 12, 13), [5, 6, 9, 11, 12, 13]),
        Step(3, "Packaging", done(15), [15]),
        Step(4, "Info integration", done(1, 2, 4, 7), [1, 2, 4, 7]),
        Step(5, "Safety assessment", done(10, 14), [10, 14]),
        Step(6, "First signing (V1)", has_signed_version, [16]),
        Step(7, "Re-signing after change", has_signed_version and needs_resign is False, [16]),
    ]
    current = next((s.number for s in steps if not s.completed), 7)
    registered = set(outsourced_registered)
    pending = [n for n in outsourced_items(org_type, data) if n not in registered]
    return Workflow(
        current_step=current,
        steps=steps,
        post_launch_item=POST_LAUNCH_ITEM,
        post_launch_status=statuses.get(POST_LAUNCH_ITEM, "missing"),
        outsourcing_suggestions=compress_ranges(pending),
    )
