"""The 14 sections of the regulatory PDF (spec 05 §6, 08 E20): pure functions of the input.

Each `section_N(inp, lang)` reads the snapshot (`items_snapshot` form: product, items, formula
lines, verdicts, lint) and returns a `Section`; `build_document` puts them together. Values are
shown as recorded; what is not recorded says so (never a made-up value).
"""

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from app.engines.compliance import load_compliance_data
from app.engines.documents.labels import text
from app.engines.documents.model import (
    Block,
    DocumentInput,
    Fields,
    Lang,
    Note,
    Paragraph,
    RegulatoryDocument,
    Section,
    Subheading,
    Table,
)
from app.engines.documents.status import status_text
from app.engines.versions import SeriousEvent, expiry_entries
from app.engines.versions.expiry import ADVERSE_EVENT_REPORT_DAYS

ORG_TYPES = {
    "brand": ("品牌商", "brand owner"),
    "oem": ("受託製造廠", "contract manufacturer"),
    "importer": ("輸入業者", "importer"),
    "manufacturer": ("製造業者", "manufacturer"),
}
SEVERITIES = {
    "blocking": ("阻擋簽署", "blocking"),
    "error": ("錯誤", "error"),
    "warning": ("提醒", "warning"),
}
EXPIRY_STATUS = {
    "ok": ("正常", "ok"),
    "warning": ("即將到期", "warning"),
    "overdue": ("已逾期", "overdue"),
}
EXPIRY_CATEGORY = {
    "gmp": ("GMP 證書", "GMP certificate"),
    "test_report": ("試驗報告", "Test report"),
    "adverse_event_report": ("§12 不良反應通報", "§12 adverse-event report"),
    "sa_qualification": ("安全資格人員資格", "SA qualification"),
}


def _pick(lang: Lang, pair: tuple[str, str]) -> str:
    return pair[1] if lang == "en" else pair[0]


def _str(lang: Lang, value: object) -> str:
    """A recorded value as text; absent values say they are not provided."""
    if value is None or value == "" or value == []:
        return text(lang, "unknown")
    if isinstance(value, bool):
        return text(lang, "yes" if value else "no")
    if isinstance(value, list):
        return "、".join(str(v) for v in value) if lang != "en" else ", ".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _item(inp: DocumentInput, number: int) -> dict[str, Any]:
    item = (inp.snapshot.get("items") or {}).get(str(number)) or {}
    data: dict[str, Any] = item.get("data") or {}
    return data


def _files(inp: DocumentInput, number: int) -> list[dict[str, Any]]:
    item = (inp.snapshot.get("items") or {}).get(str(number)) or {}
    files: list[dict[str, Any]] = item.get("files") or []
    return files


def _product(inp: DocumentInput) -> dict[str, Any]:
    product: dict[str, Any] = inp.snapshot.get("product") or {}
    return product


def _fields(lang: Lang, data: Mapping[str, Any], keys: list[str]) -> Fields:
    return Fields([(text(lang, k), _str(lang, data.get(k))) for k in keys])


def _file_names(lang: Lang, files: list[dict[str, Any]]) -> Block | None:
    if not files:
        return None
    names = ", ".join(str(f.get("filename") or f.get("id")) for f in files)
    return Fields([(text(lang, "files"), names)])


def _pct(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _stamp(value: datetime | None, lang: Lang) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else text(lang, "unknown")


def _lines(inp: DocumentInput) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = inp.snapshot.get("formula_lines") or []
    return sorted(lines, key=lambda line: int(line.get("sort_order") or 0))


def section_1(inp: DocumentInput, lang: Lang) -> Section:
    """Cover: product, operator, version and the §7 / §8 declarations."""
    product = _product(inp)
    state = "live" if inp.live else ("signed" if inp.signature else "draft")
    rows = [
        (text(lang, "product_name"), _str(lang, product.get("name"))),
        (text(lang, "product_name_en"), _str(lang, product.get("name_en"))),
        (text(lang, "operator"), inp.org_name),
        (text(lang, "org_type"), _pick(lang, ORG_TYPES.get(inp.org_type, (inp.org_type,) * 2))),
        (text(lang, "version"), inp.version_label),
        (text(lang, "state"), text(lang, state)),
        (text(lang, "as_of"), inp.as_of.isoformat()),
    ]
    if inp.signature:
        rows.append((text(lang, "signature_hash"), inp.signature.signature_hash))
    return Section(
        1,
        text(lang, "s1"),
        [
            Subheading(text(lang, "doc_title")),
            Fields(rows),
            Paragraph(text(lang, "decl_7")),
            Paragraph(text(lang, "decl_8")),
            Note(text(lang, "decl_live" if inp.live else "decl_snapshot")),
        ],
    )


def _label_state(lang: Lang, elements: Mapping[str, Any], key: str) -> str:
    if key not in elements:
        return text(lang, "on_label", state=text(lang, "unknown"))
    return text(lang, "on_label", state=text(lang, "present" if elements[key] else "absent"))


def section_2(inp: DocumentInput, lang: Lang) -> Section:
    """Item 1 against Act §7-1-1 … §7-1-9 (the label particulars, cited from the data file)."""
    product, item1, item7 = _product(inp), _item(inp, 1), _item(inp, 7)
    labels = _item(inp, 4).get("label_elements") or {}
    name = " / ".join(str(v) for v in (product.get("name"), product.get("name_en")) if v)
    maker = "，".join(
        str(v) for v in (product.get("manufacturer_name"), product.get("manufacturer_address")) if v
    )
    if item1.get("country_of_origin"):
        maker = f"{maker}（{item1['country_of_origin']}）" if maker else item1["country_of_origin"]
    values = {
        "product_name": name or None,
        "intended_use": product.get("intended_use"),
        "directions_and_storage": item7.get("method"),
        "net_content": item1.get("net_content"),
        "full_ingredients": text(lang, "see_s4", n=len(_lines(inp))),
        "precautions": item7.get("precautions_warnings"),
        "operator_contact": maker or None,
        "dates": _label_state(lang, labels, "dates"),
        "batch_number": _label_state(lang, labels, "batch_number"),
    }
    data = load_compliance_data().label_elements.elements
    by_key = {e.key: e for e in data}
    rows = []
    for number, key in enumerate(values, start=1):
        element = by_key[key]
        title = element.en if lang == "en" else element.zh_tw
        rows.append((f"§7-1-{number} {title}", _str(lang, values[key])))
    other = {
        "category": product.get("category"),
        "dosage_form": product.get("dosage_form"),
        "registration_id": product.get("registration_id"),
        "launch_date": product.get("launch_date") or item1.get("launch_date"),
        "brand_name": item1.get("brand_name"),
        "responsible_person": item1.get("responsible_person"),
        "responsible_person_address": item1.get("responsible_person_address"),
        "notes": item1.get("notes"),
    }
    return Section(
        2,
        text(lang, "s2"),
        [
            Table([text(lang, "label_7_1"), text(lang, "value")], [list(r) for r in rows], [1, 2]),
            Note("; ".join(f"§7-1-{n}: {by_key[k].citation}" for n, k in enumerate(values, 1))),
            Subheading(text(lang, "other_basic")),
            _fields(lang, other, list(other)),
        ],
    )


def section_3(inp: DocumentInput, lang: Lang) -> Section:
    """Item 2: the TFDA registration."""
    item2 = dict(_item(inp, 2))
    item2.setdefault("registration_number", _product(inp).get("registration_id"))
    blocks: list[Block] = [
        _fields(
            lang,
            item2,
            ["registration_number", "registration_date", "valid_until", "platform_status"],
        ),
    ]
    files = _file_names(lang, _files(inp, 2))
    if files:
        blocks.append(files)
    return Section(3, text(lang, "s3"), blocks)


def section_4(inp: DocumentInput, lang: Lang) -> Section:
    """Item 3: every ingredient with INCI, CAS, %, function and its TFDA / EU list status."""
    lines = _lines(inp)
    statuses = {s.line: s for s in inp.line_status or []}
    rows: list[list[str]] = []
    total = Decimal(0)
    for n, line in enumerate(lines, start=1):
        pct = _pct(line.get("concentration_pct"))
        total += pct or 0
        name = str(line.get("raw_name") or "")
        if line.get("is_nano"):
            name += f"（{text(lang, 'nano')}）" if lang != "en" else f" ({text(lang, 'nano')})"
        status = statuses.get(n)
        rows.append(
            [
                str(n),
                name,
                _str(lang, line.get("inci_name")),
                _str(lang, line.get("cas")),
                f"{pct.normalize():f}" if pct is not None else text(lang, "unknown"),
                _str(lang, line.get("function")),
                status_text(status, "TW", lang) if status else text(lang, "status_missing"),
                status_text(status, "EU", lang) if status else text(lang, "status_missing"),
            ]
        )
    rows.append(["", text(lang, "total"), "", "", f"{total.normalize():f}", "", "", ""])
    columns = [
        text(lang, k)
        for k in (
            "col_no",
            "col_name",
            "col_inci",
            "col_cas",
            "col_pct",
            "col_function",
            "col_tw",
            "col_eu",
        )
    ]
    lists = ", ".join(inp.lists_checked) or text(lang, "none")
    return Section(
        4,
        text(lang, "s4"),
        [
            Table(columns, rows, [0, 1.3, 1.6, 0, 0, 1, 1.1, 1.1]),
            Note(text(lang, "status_note", lists=lists)),
            *([Note(text(lang, "strictest"))] if inp.strictest_limits else []),
        ],
    )


def section_5(inp: DocumentInput, lang: Lang) -> Section:
    """Item 4 claims, warnings, population restrictions, label elements; Item 14 evidence (E20)."""
    item4, item14 = _item(inp, 4), _item(inp, 14)
    blocks: list[Block] = [
        Fields(
            [
                (text(lang, k), _str(lang, item4.get(k)))
                for k in ("claims", "warnings", "population_restrictions")
            ]
        ),
    ]
    elements = item4.get("label_elements") or {}
    rows = []
    for element in load_compliance_data().label_elements.elements:
        state = elements.get(element.key)
        shown = text(lang, "unknown") if state is None else text(lang, "yes" if state else "no")
        title = element.en if lang == "en" else element.zh_tw
        rows.append([title, shown, element.citation])
    blocks += [
        Subheading(text(lang, "label_elements")),
        Table(
            [text(lang, "col_element"), text(lang, "col_on_label"), text(lang, "col_citation")],
            rows,
            [1.2, 0, 2],
        ),
    ]
    files = {str(f.get("id")): str(f.get("filename")) for f in _files(inp, 14)}
    evidence = [
        [
            str(c.get("claim") or ""),
            _str(lang, c.get("evidence_type")),
            _str(lang, [files.get(i, i) for i in c.get("evidence_file_ids") or []]),
        ]
        for c in item14.get("claims") or []
    ]
    blocks.append(Subheading(text(lang, "evidence")))
    if evidence:
        blocks.append(
            Table(
                [
                    text(lang, "col_claim"),
                    text(lang, "col_evidence_type"),
                    text(lang, "col_evidence_files"),
                ],
                evidence,
                [1.5, 1, 1.5],
            )
        )
    else:
        blocks.append(Paragraph(text(lang, "unknown")))
    return Section(5, text(lang, "s5"), blocks)


def section_6(inp: DocumentInput, lang: Lang) -> Section:
    """Items 5/6: GMP certificate, manufacturing stage and the process steps."""
    item5, item6 = _item(inp, 5), _item(inp, 6)
    blocks: list[Block] = [
        _fields(
            lang,
            item5,
            [
                "certificate_type",
                "certificate_no",
                "holder_name",
                "issuer",
                "issue_date",
                "expiry_date",
            ],
        ),
        _fields(lang, item6, ["manufacturing_stage"]),
    ]
    steps = [
        [
            str(n),
            str(s.get("stage") or ""),
            str(s.get("step") or ""),
            _str(lang, s.get("temperature_c")),
            _str(lang, s.get("duration_min")),
            _str(lang, s.get("equipment")),
            _str(lang, s.get("qc_point")),
        ]
        for n, s in enumerate(item6.get("steps") or [], start=1)
    ]
    if steps:
        cols = [
            "col_no",
            "col_stage",
            "col_step",
            "col_temp",
            "col_minutes",
            "col_equipment",
            "col_qc",
        ]
        blocks.append(Table([text(lang, c) for c in cols], steps, [0, 1, 2.2, 0, 0, 1, 1]))
    for number in (5, 6):
        files = _file_names(lang, _files(inp, number))
        if files:
            blocks.append(files)
    return Section(6, text(lang, "s6"), blocks)


def section_7(inp: DocumentInput, lang: Lang) -> Section:
    """Item 7: the five usage fields."""
    keys = ["method", "amount", "frequency", "application_area", "precautions_warnings"]
    return Section(7, text(lang, "s7"), [_fields(lang, _item(inp, 7), keys)])


def section_8(inp: DocumentInput, lang: Lang) -> Section:
    """Item 8: declaration and events with their §12 deadline (15 days)."""
    item8 = _item(inp, 8)
    blocks: list[Block] = [_fields(lang, item8, ["declaration"])]
    rows = []
    for event in item8.get("events") or []:
        starts = [
            d for d in (_date(event.get("occurred_on")), _date(event.get("became_aware_on"))) if d
        ]
        due = (
            (min(starts) + timedelta(days=ADVERSE_EVENT_REPORT_DAYS)).isoformat()
            if (starts and event.get("serious"))
            else "—"
        )
        rows.append(
            [
                _str(lang, event.get("occurred_on")),
                _str(lang, event.get("became_aware_on")),
                _str(lang, event.get("category")),
                _str(lang, bool(event.get("serious"))),
                _str(lang, event.get("risk_grade")),
                due,
                _str(lang, event.get("reported_on")),
            ]
        )
    if rows:
        cols = [
            "col_occurred",
            "col_aware",
            "col_category",
            "col_serious",
            "col_grade",
            "col_due",
            "col_reported",
        ]
        blocks.append(Table([text(lang, c) for c in cols], rows))
    else:
        blocks.append(Paragraph(text(lang, "no_events")))
    return Section(8, text(lang, "s8"), blocks)


def section_9(inp: DocumentInput, lang: Lang) -> Section:
    """Items 9/10: product pH and the per-ingredient safety (MoS) table (E20: here, not new)."""
    blocks: list[Block] = [_fields(lang, _item(inp, 9), ["product_ph"])]
    blocks.append(Subheading(text(lang, "safety_table")))
    verdicts = inp.snapshot.get("verdicts") or []
    rows = [
        [
            str(v.get("ingredient") or ""),
            _str(lang, v.get("verdict")),
            _str(lang, v.get("method_label")),
            _str(lang, v.get("mos")) if v.get("mos") is not None else "data_gap",
            _str(lang, v.get("noael_source")),
            _str(lang, v.get("exposure_source")),
        ]
        for v in verdicts
    ]
    if rows:
        cols = [
            "col_ingredient",
            "col_verdict",
            "col_method",
            "col_mos",
            "col_noael",
            "col_exposure",
        ]
        blocks.append(Table([text(lang, c) for c in cols], rows, [1.4, 0.8, 1, 0, 1.4, 1.4]))
    else:
        blocks.append(Paragraph(text(lang, "no_verdicts")))
    notes = _item(inp, 10).get("notes")
    if notes:
        blocks.append(Fields([(text(lang, "item10_notes"), str(notes))]))
    for number in (9, 10):
        files = _file_names(lang, _files(inp, number))
        if files:
            blocks.append(files)
    return Section(9, text(lang, "s9"), blocks)


def section_10(inp: DocumentInput, lang: Lang) -> Section:
    """Items 11/12/13: stability reports, microbiology, preservative efficacy."""
    item11, item12, item13 = _item(inp, 11), _item(inp, 12), _item(inp, 13)
    blocks: list[Block] = [Subheading(text(lang, "stability"))]
    reports = [
        [
            _str(lang, r.get("test_date")),
            _str(lang, r.get("conditions")),
            _str(lang, r.get("parameters_tested")),
            _str(lang, r.get("container_materials_tested")),
            _str(lang, r.get("conclusion")),
            _str(lang, r.get("shelf_life_months")),
        ]
        for r in item11.get("reports") or []
    ]
    if reports:
        cols = [
            "col_test_date",
            "col_conditions",
            "col_parameters",
            "col_materials",
            "col_conclusion",
            "col_shelf_life",
        ]
        blocks.append(Table([text(lang, c) for c in cols], reports))
    else:
        blocks.append(Paragraph(text(lang, "no_reports")))
    blocks += [
        Subheading(text(lang, "micro")),
        Fields(
            [
                (text(lang, "test_date"), _str(lang, item12.get("test_date"))),
                (text(lang, "overall_pass"), _str(lang, item12.get("overall_pass"))),
            ]
        ),
    ]
    results = [
        [
            str(r.get("organism") or ""),
            _str(lang, r.get("value")),
            _str(lang, r.get("unit")),
            _str(lang, r.get("limit")),
            _str(lang, r.get("pass")),
        ]
        for r in item12.get("results") or []
    ]
    if results:
        cols = ["col_organism", "col_result", "col_fine", "col_limit", "col_pass"]
        headers = [text(lang, c) for c in cols]
        headers[2] = "unit"
        blocks.append(Table(headers, results))
    logs = item13.get("log_reductions") or {}
    blocks += [
        Subheading(text(lang, "preservative")),
        Fields(
            [
                (text(lang, "test_date"), _str(lang, item13.get("test_date"))),
                (text(lang, "strains"), _str(lang, item13.get("strains"))),
                (
                    text(lang, "log_reductions"),
                    _str(lang, [f"{k}: {v}" for k, v in sorted(logs.items())]),
                ),
                (text(lang, "criteria"), _str(lang, item13.get("criteria"))),
                (text(lang, "result"), _str(lang, item13.get("result"))),
            ]
        ),
    ]
    for number in (11, 12, 13):
        files = _file_names(lang, _files(inp, number))
        if files:
            blocks.append(files)
    return Section(10, text(lang, "s10"), blocks)


def section_11(inp: DocumentInput, lang: Lang) -> Section:
    """Item 15: components, heavy-metal migration, plasticisers, compatibility."""
    item15 = _item(inp, 15)
    rows = [
        [str(c.get("component") or ""), str(c.get("material") or ""), _str(lang, c.get("spec"))]
        for c in item15.get("components") or []
    ]
    blocks: list[Block] = []
    if rows:
        cols = ["col_component", "col_material", "col_spec"]
        blocks.append(Table([text(lang, c) for c in cols], rows))
    migration = item15.get("migration") or {}
    metals = [f"{m}: {_str(lang, migration.get(m))}" for m in ("Pb", "Hg", "As", "Cd")]
    blocks.append(
        Fields(
            [
                (text(lang, "migration"), "; ".join(metals)),
                (text(lang, "plasticizers"), _str(lang, item15.get("plasticizers"))),
                (text(lang, "compatibility"), _str(lang, item15.get("compatibility"))),
            ]
        )
    )
    files = _file_names(lang, _files(inp, 15))
    if files:
        blocks.append(files)
    return Section(11, text(lang, "s11"), blocks)


def section_12(inp: DocumentInput, lang: Lang) -> Section:
    """Cross-item alerts (as computed: live, or stored with the snapshot) + the penalty table."""
    data = load_compliance_data()
    rules = data.rules_by_id
    penalties = data.penalties_by_id
    lint = inp.snapshot.get("lint")
    blocks: list[Block] = []
    if lint is None:
        blocks.append(Paragraph(text(lang, "lint_missing")))
    elif not lint.get("alerts"):
        blocks.append(Paragraph(text(lang, "no_alerts")))
    else:
        rows = []
        for alert in lint["alerts"]:
            rule = rules.get(str(alert.get("rule_id")))
            penalty = penalties.get(rule.penalty) if rule and rule.penalty else None
            rows.append(
                [
                    str(alert.get("rule_id")),
                    _pick(
                        lang,
                        SEVERITIES.get(
                            str(alert.get("severity")), (str(alert.get("severity")),) * 2
                        ),
                    ),
                    str(alert.get("target_item")),
                    str(alert.get("message") or ""),
                    " + ".join(penalty.articles) if penalty else "—",
                ]
            )
        cols = ["col_rule", "col_severity", "col_target", "col_message", "col_articles"]
        blocks.append(Table([text(lang, c) for c in cols], rows, [0, 0, 0, 3, 0]))
    by_penalty: dict[str, list[str]] = {}
    for rule in data.rules.rules:
        if rule.penalty:
            by_penalty.setdefault(rule.penalty, []).append(rule.id)
    table = [
        [
            p.description.get(lang),
            f"{data.penalties.act.get(lang)} " + " + ".join(p.articles),
            f"{p.fine_min_twd:,} – {p.fine_max_twd:,}",
            ", ".join(by_penalty.get(p.id, [])),
        ]
        for p in data.penalties.penalties
    ]
    cols = ["col_violation", "col_articles", "col_fine", "col_rules"]
    blocks += [
        Subheading(text(lang, "penalties")),
        Table([text(lang, c) for c in cols], table, [1.3, 1.6, 1, 0.6]),
        Note(text(lang, "penalty_note") + f" ({data.penalties.version}, {data.penalties.date})"),
    ]
    return Section(12, text(lang, "s12"), blocks)


def section_13(inp: DocumentInput, lang: Lang) -> Section:
    """Item 16: the V0/V1/V2/V3 snapshot list (up to the version shown)."""
    rows = [
        [
            v.label,
            str(v.sequence),
            _str(lang, v.is_signed),
            _stamp(v.created_at, lang),
            _stamp(v.signed_at, lang) if v.signed_at else "—",
            v.signature_hash[:16] if v.signature_hash else "—",
        ]
        for v in sorted(inp.versions, key=lambda v: v.sequence)
    ]
    if not rows:
        return Section(13, text(lang, "s13"), [Paragraph(text(lang, "no_versions"))])
    cols = ["col_label", "col_sequence", "col_signed", "col_created", "col_signed_at", "col_hash"]
    return Section(13, text(lang, "s13"), [Table([text(lang, c) for c in cols], rows)])


def _expiry_rows(inp: DocumentInput, lang: Lang) -> list[list[str]]:
    item5 = _item(inp, 5)
    gmp = _date(item5.get("expiry_date"))
    if gmp is None:
        gmp = max((d for f in _files(inp, 5) if (d := _date(f.get("expiry_date")))), default=None)
    tests: list[tuple[int, str, date]] = []
    for n, report in enumerate(_item(inp, 11).get("reports") or [], start=1):
        if tested := _date(report.get("test_date")):
            tests.append((11, f"Item 11 #{n}", tested))
    for number in (12, 13):
        if tested := _date(_item(inp, number).get("test_date")):
            tests.append((number, f"Item {number}", tested))
    events = [
        SeriousEvent(
            _date(e.get("occurred_on")),
            _date(e.get("became_aware_on")),
            _date(e.get("reported_on")),
            f"Item 8 #{n}",
        )
        for n, e in enumerate(_item(inp, 8).get("events") or [], start=1)
        if e.get("serious")
    ]
    entries = expiry_entries(
        today=inp.as_of,
        gmp_expiry=gmp,
        test_dates=tests,
        serious_events=events,
        sa_qualified_until=inp.sa_qualified_until,
    )
    return [
        [
            _pick(lang, EXPIRY_CATEGORY.get(e.category, (e.category,) * 2)),
            e.reference,
            e.due_date.isoformat(),
            str(e.days_left),
            _pick(lang, EXPIRY_STATUS.get(e.status.value, (e.status.value,) * 2)),
        ]
        for e in entries
    ]


def section_14(inp: DocumentInput, lang: Lang) -> Section:
    """Appendix: signature metadata, expiry summary (as of the document's date), file register."""
    blocks: list[Block] = [Subheading(text(lang, "signature"))]
    sig = inp.signature
    if sig is None:
        blocks.append(Paragraph(text(lang, "not_signed")))
    else:
        blocks.append(
            Fields(
                [
                    (text(lang, "signed_at"), _stamp(sig.signed_at, lang)),
                    (text(lang, "sa_name"), _str(lang, sig.sa_name)),
                    (text(lang, "sa_certificate_ref"), _str(lang, sig.sa_certificate_ref)),
                    (text(lang, "signature_method"), _str(lang, sig.method)),
                    (text(lang, "signature_hash"), sig.signature_hash),
                ]
            )
        )
    blocks.append(Subheading(text(lang, "expiry")))
    rows = _expiry_rows(inp, lang)
    if rows:
        cols = ["col_category", "col_reference", "col_due_date", "col_days_left", "col_status"]
        blocks.append(Table([text(lang, c) for c in cols], rows))
    else:
        blocks.append(Paragraph(text(lang, "no_expiry")))
    blocks.append(Subheading(text(lang, "file_register")))
    files = [
        [
            str(number),
            str(f.get("filename") or ""),
            str(f.get("sha256") or "")[:16] or "—",
            _str(lang, f.get("size_bytes")),
        ]
        for number in range(1, 17)
        for f in _files(inp, number)
    ]
    if files:
        cols = ["col_target", "col_file", "col_sha", "col_size"]
        blocks.append(Table([text(lang, c) for c in cols], files, [0, 2, 1, 0]))
    else:
        blocks.append(Paragraph(text(lang, "no_files")))
    return Section(14, text(lang, "s14"), blocks)


SECTIONS: tuple[Callable[[DocumentInput, Lang], Section], ...] = (
    section_1,
    section_2,
    section_3,
    section_4,
    section_5,
    section_6,
    section_7,
    section_8,
    section_9,
    section_10,
    section_11,
    section_12,
    section_13,
    section_14,
)


def build_document(inp: DocumentInput, lang: Lang) -> RegulatoryDocument:
    """The 14 sections plus the running header/footer texts."""
    product = _product(inp)
    name = str(product.get("name") or product.get("name_en") or "")
    shown = product.get("name_en") if lang == "en" and product.get("name_en") else name
    state = text(lang, "live") if inp.live else inp.as_of.isoformat()
    return RegulatoryDocument(
        lang=lang,
        title=f"{text(lang, 'doc_title')} — {name}",
        product_name=str(shown),
        version_label=inp.version_label,
        header_right=text(lang, "doc_title"),
        footer_left=f"{inp.org_name} · {inp.version_label} · {state}",
        page_label=text(lang, "page"),
        sections=[build(inp, lang) for build in SECTIONS],
    )
