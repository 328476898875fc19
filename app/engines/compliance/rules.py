"""R1-R14: one pure function per rule; thresholds and vocabularies come from the rule data."""

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.engines.compliance.data import ComplianceData, Localized, Rule
from app.engines.compliance.inputs import LintInput
from app.engines.compliance.text import contains, first_term, normalize, same_key


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule firing: `params` fill the rule's message template; `subject` orders hits."""

    rule_id: str
    # str values are used as they are; Localized values are rendered in the request locale
    params: Mapping[str, str | Localized] = field(default_factory=dict)
    subject: str = ""


def fragment(rule: Rule, name: str, **values: str) -> Localized:
    """A localised message fragment from the rule's data, filled with `values`."""
    raw = rule.params["fragments"][name]
    return Localized.model_validate({k: v.format(**values) for k, v in raw.items()})


DATA_GAP = "data_gap"  # spec 06 verdict meaning "no basis": not a completed assessment (C1)
RuleFn = Callable[[LintInput, ComplianceData, Rule], list[Hit]]


def months_before(day: date, months: int) -> date:
    """The same calendar day `months` earlier (clamped to the month's last day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _tested(inp: LintInput, aliases: list[str], *, in_conditions: bool = False) -> bool:
    for report in inp.item11.reports:
        if any(same_key(p, aliases) for p in report.parameters_tested):
            return True
        if in_conditions and any(first_term(c, aliases) for c in report.conditions):
            return True
    return False


def r1_strong_claim_uncovered(inp: LintInput, data: ComplianceData, rule: Rule) -> list[Hit]:
    functions = {m.claim: m.functions for m in data.claim_functions.mappings}
    hits: list[Hit] = []
    texts = inp.claim_texts
    for claim in data.claims.claims:
        if claim.class_ != "strong":
            continue
        terms = [t for locale_terms in claim.terms.values() for t in locale_terms]
        found = next((t for text in texts if (t := first_term(text, terms))), None)
        if found is None:
            continue
        carriers = [
            line.inci_name or line.raw_name
            for line in inp.item3.ingredients
            if line.function and first_term(line.function, functions.get(claim.id, []))
        ]
        uncovered = [
            n for n in carriers if inp.verdicts.get(normalize(n), "data_gap") == "data_gap"
        ]
        if carriers and not uncovered:
            continue
        names = ", ".join(uncovered) if uncovered else "—"
        hits.append(Hit(rule.id, {"claim": found, "ingredients": names}, claim.id))
    return hits


def r2_usage_fields_empty(inp: LintInput, data: ComplianceData, rule: Rule) -> list[Hit]:
    keyword = first_term(inp.label_text, [k.term for k in data.usage_keywords.keywords])
    if keyword is None:
        return []
    usage = inp.item7
    fields = ("method", "amount", "frequency", "application_area", "precautions_warnings")
    empty = [f for f in fields if not (getattr(usage, f) or "").strip()]
    return [Hit(rule.id, {"keyword": keyword, "fields": ", ".join(empty)})] if empty else []


def r3_extreme_ph_untested(inp: LintInput, data: ComplianceData, rule: Rule) -> list[Hit]:
    ph = inp.item9.product_ph
    p = rule.params
    if ph is None or p["ph_min"] <= ph <= p["ph_max"] or _tested(inp, p["parameter"]):
        return []
    return [Hit(rule.id, {"ph": f"{ph:g}"})]


def r4_label_incomplete(inp: LintInput, data: ComplianceData, rule: Rule) -> list[Hit]:
    hits: list[Hit] = []
    label = inp.label_text
    specific = inp.product_category in data.label_elements.specific_purpose_categories.values
    present = {normalize(k): v for k, v in inp.item4.label_elements.items()}
    missing = [
        e
        for e in data.label_elements.elements
        if (e.applies != "import" or inp.org_type == "importer")
        and (e.applies != "specific_purpose" or specific)
        and present.get(normalize(e.key)) is not True
    ]
    if missing:
        names = Localized.model_validate(
            {"zh-TW": "、".join(e.zh_tw for e in missing), "en": ", ".join(e.en for e in missing)}
        )
        hits.append(Hit(rule.id, {"subject": fragment(rule, "elements"), "text": names}, "0"))
    kind = rule.params["finding_kind"]
    seen: set[tuple[str, str]] = set()
    for finding in inp.regulatory:
        text = (finding.label_text or "").strip()
        if finding.kind != kind or not text or (finding.ingredient, text) in seen:
            continue
        seen.add((finding.ingredient, text))
        if contains(label, text):
            continue
        subject = fragment(
            rule, "warning", ingredient=finding.ingredient, reference=finding.reference
        )
        params: dict[str, str | Localized] = {"subject": subject, "text": text}
        hits.append(Hit(rule.id, params, f"1-{finding.ingredient.casefold()}"))
    return hits


def r5_no_adverse_record_after_launch(
    inp: LintInput, data: ComplianceData, rule: Rule
) -> list[Hit]:
    launch = inp.item1.launch_date
    item8 = inp.item8
    if launch is None or launch > inp.today or (item8.declaration or "").strip() or item8.events:
        return []
    return [Hit(rule.id, {"launch_date": launch.isoformat()})]


def r6_old_test_report(inp: LintInput, data: ComplianceData, rule: Rule) -> list[Hit]:
    cutoff = months_before(inp.today, int(rule.params["max_age_months"]))
    dated = [(11, r.test_date) for r in inp.item11.reports]
    dated += [(12, inp.item12.test_date), (13, inp.item13.test_date)]
    return [
        Hit(rule.id, {"item": str(item), "test_date": d.isoformat()}, f"{item:02d}-{d}")
        for item, d in dated
        if d is not None and d < cutoff
    ]


def r7_sensitive_skin_without_patch_test(
    inp: LintInput, data: ComplianceData, rule: Rule
) -> list[Hit]:
    if _tested(inp, rule.params["parameter"]):
        return []
    for text in inp.claim_texts:
        if first_term(text, rule.params["terms"]):
            return [Hit(rule.id, {"claim": text[:200]})]
    return []


def r8_container_material_untested(inp: LintInput, data: ComplianceData, rule: Rule) -> list[Hit]:
    classes: dict[str, list[str]] = rule.params["materials"]
    tested = [m for r in inp.item11.reports for m in r.container_materials_tested]
    hits: list[Hit] = []
    for material, terms in classes.items():
        components = [c.component for c in inp.item15.components if first_term(c.material, terms)]
        if not components or any(first_term(m, terms) for m in tested):
            continue
        params: dict[str, str | Localized] = {
            "material": fragment(rule, material),
            "component": ", ".join(components),
        }
        hits.append(Hit(rule.id, params, material))
    return hits


def r9_regulatory_violation(inp: LintInput, data: ComplianceData, rule: Rule) -> list[Hit]:
    severities = set(rule.params["severities"])
    binding_only = bool(rule.params["binding_only"])
    hits: list[Hit] = []
    for f in inp.regulatory:
        if f.severity not in severities or (binding_only and not f.binding):
            continue
        params = {"ingredient": f.ingredient, "reference": f.reference, "detail": f.message}
        hits.append(Hit(rule.id, params, f"{f.ingredient.casefold()}|{f.reference}|{f.kind}"))
    return hits


def r10_gmp_dates(inp: LintInput, data: ComplianceData, rule: Rule) -> list[Hit]:
    gmp = inp.item5
    p = rule.params
    hits: list[Hit] = []
    if gmp.issue_date and gmp.issue_date < months_before(inp.today, int(p["issue_max_age_months"])):
        reason = fragment(rule, "issued", date=gmp.issue_date.isoformat())
        hits.append(Hit(rule.id, {"reason": reason}, "issue"))
    if gmp.expiry_date and gmp.expiry_date < inp.today + timedelta(days=int(p["expiry_min_days"])):
        days = str((gmp.expiry_date - inp.today).days)
        reason = fragment(rule, "expiring", date=gmp.expiry_date.isoformat(), days=days)
        hits.append(Hit(rule.id, {"reason": reason}, "expiry"))
    return hits


def r11_hot_step_without_stability(inp: LintInput, data: ComplianceData, rule: Rule) -> list[Hit]:
    limit = float(rule.params["temperature_c"])
    hot = [
        st for st in inp.item6.steps if st.temperature_c is not None and st.temperature_c >= limit
    ]
    if not hot or _tested(inp, rule.params["parameter"], in_conditions=True):
        return []
    step = max(hot, key=lambda st: st.temperature_c or 0.0)
    label = f"{step.stage} / {step.step}"[:200]
    return [Hit(rule.id, {"step": label, "temperature": f"{step.temperature_c:g}"})]


def r12_preservative_fail(inp: LintInput, data: ComplianceData, rule: Rule) -> list[Hit]:
    return [Hit(rule.id)] if inp.item13.result == "fail" else []


def r13_unreported_serious_event(inp: LintInput, data: ComplianceData, rule: Rule) -> list[Hit]:
    days = int(rule.params["report_days"])
    hits: list[Hit] = []
    for n, event in enumerate(inp.item8.events):
        if not event.serious or event.reported_on is not None:
            continue
        known = [d for d in (event.occurred_on, event.became_aware_on) if d is not None]
        start = min(known) if known else None
        params = {
            "event_date": start.isoformat() if start else "?",
            "due_date": (start + timedelta(days=days)).isoformat() if start else "?",
        }
        hits.append(Hit(rule.id, params, f"{params['event_date']}-{n:04d}"))
    return hits


def r14_sa_qualification(inp: LintInput, data: ComplianceData, rule: Rule) -> list[Hit]:
    until = inp.sa_qualified_until
    if until is None:
        return [Hit(rule.id, {"reason": fragment(rule, "unknown")})] if inp.signing else []
    if until >= inp.today:
        return []
    return [Hit(rule.id, {"reason": fragment(rule, "expired", date=until.isoformat())})]


RULES: dict[str, RuleFn] = {
    "R1": r1_strong_claim_uncovered,
    "R2": r2_usage_fields_empty,
    "R3": r3_extreme_ph_untested,
    "R4": r4_label_incomplete,
    "R5": r5_no_adverse_record_after_launch,
    "R6": r6_old_test_report,
    "R7": r7_sensitive_skin_without_patch_test,
    "R8": r8_container_material_untested,
    "R9": r9_regulatory_violation,
    "R10": r10_gmp_dates,
    "R11": r11_hot_step_without_stability,
    "R12": r12_preservative_fail,
    "R13": r13_unreported_serious_event,
    "R14": r14_sa_qualification,
}
