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
from app.services.regulatory import CheckerCache

_PERMITTED_MARKERS = ("colorant", "preservative", "uv_filter", "Annex IV", "Annex V", "Annex VI")
# The regulatory check needs a description; unknown -> leave-on whole body (the reading that
# matches the safety engine's conservative whole-body exposure), stated as an assumption.
UNKNOWN_PRODUCT = ProductDescription.model_validate({"form": "leave_on", "areas": ["body"]})


def _text(f: Finding) -> str:
    return f"{f.message} [{f.citation}]"


def status_from(report: CheckReport, index: int) -> RegulatoryStatus:
    """Line `index` (0-based) of the check: its status plus the findings that name it."""
    result = report.lines[index]
    mine = [f for f in report.findings if index + 1 in f.lines]
    binding = [f for f in mine if f.binding and f.severity in ("critical", "high")]
    prohibited = result.status == "prohibited"
    unidentified = [f for f in mine if f.kind == "unidentified"]
    # what made the line `review` (nanomaterial, a high/medium condition) binds the SA
    review = [
        f
        for f in mine
        if f.kind == "nanomaterial" or (f.kind == "condition" and f.severity in ("high", "medium"))
    ]
    return RegulatoryStatus(
        prohibited_reference=(
            (result.references[0] if result.references else "regulatory prohibited list")
            if prohibited
            else None
        ),
        non_compliant=tuple(_text(f) for f in binding) if result.status == "non_compliant" else (),
        advisories=tuple(
            _text(f) for f in mine if not f.binding or result.status in ("review", "advisory")
        ),
        disclosures=tuple(_text(f) for f in mine if f.kind == "disclosure"),
        on_permitted_list=any(m in r for r in result.references for m in _PERMITTED_MARKERS),
        checked=report.summary.compliant is not None,
        unidentified=(
            (_text(unidentified[0]) if unidentified else "Unidentified line")
            if result.status == "unidentified"
            else None
        ),
        review_required=tuple(_text(f) for f in review) if result.status == "review" else (),
    )


async def regulatory_statuses(
    session: AsyncSession,
    cache: CheckerCache,
    description: ProductDescription | None,
    lines: Sequence[FormulaLine],
    markets: Sequence[str] | None = None,
) -> list[RegulatoryStatus]:
    """One check over all lines (duplicates and sum limits count together), read per line."""
    report = await regulatory.check_lines(
        session,
        cache,
        list(lines),
        product=description or UNKNOWN_PRODUCT,
        **({"markets": markets} if markets else {}),
    )
    return [status_from(report, i) for i in range(len(lines))]
