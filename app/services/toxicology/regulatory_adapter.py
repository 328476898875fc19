"""Adapter: per-line regulatory status for the safety engine, from today's regulatory check.

The safety engine never re-implements a limit: it takes the check's findings, so both always
agree. Only this file knows the check's shape; the regulatory rewrite only has to change it.
"""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from app.engines.regulatory import CheckReport, Finding, FormulaLine
from app.engines.safety import RegulatoryStatus
from app.schemas.product_description import ProductDescription
from app.services import regulatory
from app.services.regulatory import RuleIndexCache

_PERMITTED_MARKERS = ("colorant", "preservative", "uv_filter", "Annex IV", "Annex V", "Annex VI")
_OUTSIDE_USE = "not among the permitted uses"


def check_arguments(description: ProductDescription | None) -> tuple[str | None, str | None]:
    """The check's (product_type, body_area) words; None = unknown (strictest limits)."""
    if description is None:
        return None, None
    product_type = " ".join(
        v for v in (description.form.value, description.kind and description.kind.value) if v
    )
    if description.use.value == "professional":
        product_type += " professional"
    return product_type, " ".join(a.value for a in description.areas)


def status_from(report: CheckReport) -> RegulatoryStatus:
    findings: list[Finding] = list(report.findings)
    prohibited = next((f for f in findings if f.kind == "prohibited" and f.binding), None)
    blocking = [
        f
        for f in findings
        if f.binding
        and f.severity in ("critical", "high")
        and (
            f.kind in ("over_limit", "not_on_positive_list")
            or (f.kind == "condition" and _OUTSIDE_USE in f.message)
        )
    ]
    advisories = [
        f"{f.message} [{f.citation}]"
        for f in findings
        if not f.binding and f.kind in ("over_limit", "condition", "not_on_positive_list")
    ]
    disclosures = [f"{f.message} [{f.citation}]" for f in findings if f.kind == "disclosure"]
    return RegulatoryStatus(
        prohibited_reference=prohibited.reference if prohibited else None,
        non_compliant=tuple(f"{f.message} [{f.citation}]" for f in blocking),
        advisories=tuple(advisories),
        disclosures=tuple(disclosures),
        on_permitted_list=any(m in f.reference for f in findings for m in _PERMITTED_MARKERS),
        checked=report.summary.compliant is not None,
    )


async def regulatory_statuses(
    session: AsyncSession,
    cache: RuleIndexCache,
    description: ProductDescription | None,
    lines: Sequence[FormulaLine],
) -> list[RegulatoryStatus]:
    """One check per line (the check is pure and cached), so findings never mix lines."""
    product_type, body_area = check_arguments(description)
    statuses: list[RegulatoryStatus] = []
    for line in lines:
        report = await regulatory.check_lines(
            session, cache, [line], product_type=product_type, body_area=body_area
        )
        statuses.append(status_from(report))
    return statuses
