"""lint_cross_items: run R1-R14, attach penalties, localise, order and summarise."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.engines.compliance.data import (
    ORG_TYPES,
    SEVERITY_ORDER,
    ComplianceData,
    Locale,
    Localized,
    Rule,
    load_compliance_data,
)
from app.engines.compliance.inputs import LintInput, RegulatoryFinding
from app.engines.compliance.rules import RULES, Hit


@dataclass(frozen=True, slots=True)
class PenaltyBlock:
    act: str
    articles: list[str]
    fine_min_twd: int
    fine_max_twd: int
    description: str
    indicative: bool = True  # counsel-reviewed data, shown as indicative (08 C7)


@dataclass(frozen=True, slots=True)
class Alert:
    rule_id: str
    severity: str
    target_item: int
    message: str
    penalty: PenaltyBlock | None


@dataclass(frozen=True, slots=True)
class LintResult:
    alerts: list[Alert]
    summary: dict[str, int] = field(default_factory=dict)
    # rules that could not be evaluated, with the reason (unknown stays visible, never "clean")
    not_evaluated: dict[str, str] = field(default_factory=dict)

    @property
    def can_sign(self) -> bool:
        """Blocking alerts refuse signing; errors need a remediation note, warnings nothing."""
        return self.summary.get("blocking", 0) == 0


def penalty_block(data: ComplianceData, rule: Rule, locale: Locale) -> PenaltyBlock | None:
    """The rule's penalty from the data file, in `locale` (None when the rule has no mapping)."""
    if rule.penalty is None:
        return None
    p = data.penalties_by_id[rule.penalty]
    return PenaltyBlock(
        act=data.penalties.act.get(locale),
        articles=list(p.articles),
        fine_min_twd=p.fine_min_twd,
        fine_max_twd=p.fine_max_twd,
        description=p.description.get(locale),
    )


def _render(rule: Rule, hit: Hit, locale: Locale) -> str:
    values = {k: v.get(locale) if isinstance(v, Localized) else v for k, v in hit.params.items()}
    return rule.message.get(locale).format(**values)


def summarize(alerts: Iterable[Alert]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for alert in alerts:
        counts[alert.severity] += 1
    return counts


def run_lint(
    inp: LintInput, *, locale: Locale = "zh-TW", data: ComplianceData | None = None
) -> LintResult:
    """All rules over one input; alerts ordered blocking -> error -> warning, then rule number."""
    data = data or load_compliance_data()
    if inp.org_type not in ORG_TYPES:
        raise ValueError(f"unknown org type {inp.org_type!r}; expected one of {ORG_TYPES}")
    ranked: list[tuple[int, int, str, Alert]] = []
    for rule in data.rules.rules:
        for hit in RULES[rule.id](inp, data, rule):
            alert = Alert(
                rule_id=rule.id,
                severity=rule.severity,
                target_item=rule.target_item,
                message=_render(rule, hit, locale),
                penalty=penalty_block(data, rule, locale),
            )
            ranked.append((SEVERITY_ORDER[rule.severity], rule.number, hit.subject, alert))
    ranked.sort(key=lambda r: r[:3])
    alerts = [r[3] for r in ranked]
    return LintResult(alerts=alerts, summary=summarize(alerts), not_evaluated=_not_evaluated(inp))


def _not_evaluated(inp: LintInput) -> dict[str, str]:
    gaps: dict[str, str] = {}
    if not inp.regulatory_lists_loaded and inp.item3.ingredients:
        gaps["R9"] = "no regulatory list loaded"
    if inp.sa_qualified_until is None and not inp.signing:
        gaps["R14"] = "evaluated at signing, for the signing SA"
    return gaps


def lint_cross_items(
    items: Mapping[int, Mapping[str, Any]],
    org_type: str,
    today: date,
    *,
    product_category: str | None = None,
    regulatory: Sequence[RegulatoryFinding] = (),
    verdicts: Mapping[str, str] | None = None,
    sa_qualified_until: date | None = None,
    signing: bool = False,
    locale: Locale = "zh-TW",
    data: ComplianceData | None = None,
) -> list[Alert]:
    """Cross-item lint R1-R14 over the 16 items' structured data (spec 05 §5)."""
    inp = LintInput(
        items=items,
        org_type=org_type,
        today=today,
        product_category=product_category,
        regulatory=regulatory,
        verdicts=verdicts or {},
        sa_qualified_until=sa_qualified_until,
        signing=signing,
    )
    return run_lint(inp, locale=locale, data=data).alerts
