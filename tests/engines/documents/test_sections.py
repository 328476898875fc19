"""The regulatory PDF's sections, one table at a time (pure: no database, no renderer)."""

from datetime import UTC, date, datetime
from typing import Any

from app.engines.documents import (
    DocumentInput,
    Fields,
    FindingFacts,
    Lang,
    Note,
    Paragraph,
    Section,
    Signature,
    Table,
    VersionEntry,
    build_document,
    line_statuses,
    status_text,
)
from app.engines.documents import sections as s


def snapshot(**items: dict[str, Any]) -> dict[str, Any]:
    return {
        "product": {
            "name": "保濕精華液",
            "name_en": "Hydrating Serum",
            "category": "general",
            "manufacturer_name": "某工廠",
            "manufacturer_address": "台北市",
            "intended_use": "保濕",
            "registration_id": "衛部粧製字第000123號",
        },
        "items": {k.removeprefix("i"): {"data": v, "files": []} for k, v in items.items()},
        "formula_lines": [
            {
                "raw_name": "水",
                "inci_name": "AQUA",
                "cas": "7732-18-5",
                "concentration_pct": "89.8000",
                "function": "solvent",
                "sort_order": 2,
            },
            {
                "raw_name": "甘油",
                "inci_name": "GLYCERIN",
                "cas": "56-81-5",
                "concentration_pct": "10.0000",
                "function": "humectant",
                "sort_order": 1,
            },
            {
                "raw_name": "對羥基苯甲酸甲酯",
                "inci_name": "METHYLPARABEN",
                "cas": "99-76-3",
                "concentration_pct": "0.2000",
                "function": "preservative",
                "sort_order": 3,
                "is_nano": False,
            },
        ],
        "verdicts": [],
        "lint": None,
    }


def doc_input(snap: dict[str, Any], **kw: Any) -> DocumentInput:
    values: dict[str, Any] = {
        "snapshot": snap,
        "version_label": "V1",
        "live": False,
        "as_of": date(2026, 12, 1),
        "org_name": "某品牌",
        "org_type": "brand",
    }
    return DocumentInput(**(values | kw))


def tables(section: Section) -> list[Table]:
    return [b for b in section.blocks if isinstance(b, Table)]


def fields(section: Section) -> dict[str, str]:
    return {k: v for b in section.blocks if isinstance(b, Fields) for k, v in b.rows}


def test_document_has_the_fourteen_sections_in_order_in_both_languages() -> None:
    for lang, title in (
        ("zh-TW", "項目 3 — 全成分名稱及含量"),
        ("en", "Item 3 — Full ingredient table"),
    ):
        doc = build_document(doc_input(snapshot()), lang)  # type: ignore[arg-type]
        assert [sec.number for sec in doc.sections] == list(range(1, 15))
        assert doc.sections[3].title == title
        assert doc.version_label == "V1" and doc.lang == lang
    assert build_document(doc_input(snapshot()), "en").product_name == "Hydrating Serum"
    assert build_document(doc_input(snapshot()), "zh-TW").product_name == "保濕精華液"


def test_cover_states_version_signature_and_declarations() -> None:
    sig = Signature(datetime(2026, 11, 30, 2, 0, tzinfo=UTC), "ab" * 32, "王小明", "SA-1", "totp")
    cover = s.section_1(doc_input(snapshot(), signature=sig), "zh-TW")
    rows = fields(cover)
    assert rows["版本"] == "V1" and rows["狀態"] == "已簽署版本" and rows["業者類型"] == "品牌商"
    assert rows["簽署雜湊（SHA-256）"] == "ab" * 32
    texts = [b.text for b in cover.blocks if isinstance(b, Paragraph)]
    assert texts[0].startswith("§7") and texts[1].startswith("§8")
    live = s.section_1(doc_input(snapshot(), live=True), "en")
    assert fields(live)["State"] == "live data (not signed)"


def test_item1_rows_are_the_article_7_1_particulars_with_citations() -> None:
    snap = snapshot(
        i1={"net_content": "30 mL", "country_of_origin": "日本"},
        i4={"label_elements": {"dates": True, "batch_number": False}},
        i7={"method": "早晚塗抹", "precautions_warnings": "避免接觸眼睛"},
    )
    section = s.section_2(doc_input(snap), "zh-TW")
    rows = dict((r[0], r[1]) for r in tables(section)[0].rows)
    labels = list(rows)
    assert [label.split()[0] for label in labels] == [f"§7-1-{n}" for n in range(1, 10)]
    assert rows["§7-1-1 品名"] == "保濕精華液 / Hydrating Serum"
    assert rows["§7-1-3 用法及保存方法"] == "早晚塗抹"
    assert rows["§7-1-4 淨重、容量或數量"] == "30 mL"
    assert rows["§7-1-5 全成分名稱"] == "見第 4 節（3 項成分）"
    assert rows["§7-1-7 製造或輸入業者之名稱、地址及電話號碼"] == "某工廠，台北市（日本）"
    assert "已標示" in labels[7] or "已標示" in rows[labels[7]]
    assert rows[labels[8]] == "標籤：未標示"
    notes = [b.text for b in section.blocks if isinstance(b, Note)]
    assert "第7條第1項第1款" in notes[0]
    assert fields(section)["登錄字號"] == "衛部粧製字第000123號"
    assert fields(section)["上市日期"] == "—（未提供）"  # unknown stays unknown


def test_item2_falls_back_to_the_product_registration_id() -> None:
    rows = fields(s.section_3(doc_input(snapshot()), "en"))
    assert rows["Registration number"] == "衛部粧製字第000123號"
    assert rows["Valid until"] == "— (not provided)"


def test_ingredient_table_sorted_with_total_and_list_status() -> None:
    facts = [
        FindingFacts("TW", "condition", True, [3], "TW preservative 12"),
        FindingFacts("EU", "over_limit", False, [3], "EU V/12"),
        FindingFacts("TW", "label_warning", True, [3], "TW preservative 12"),
    ]
    inp = doc_input(
        snapshot(), line_status=line_statuses(facts, 3), lists_checked=["TW preservative"]
    )
    table = tables(s.section_4(inp, "zh-TW"))[0]
    assert table.columns == [
        "#",
        "成分名稱",
        "INCI",
        "CAS",
        "% w/w",
        "功能",
        "TFDA 狀態",
        "EU 狀態",
    ]
    assert [r[2] for r in table.rows[:3]] == ["GLYCERIN", "AQUA", "METHYLPARABEN"]
    assert [r[4] for r in table.rows] == ["10", "89.8", "0.2", "100"]
    assert table.rows[2][6] == "條件待確認" and table.rows[2][7] == "超過限量（參考）"
    assert table.rows[0][6] == "未見限制"
    unchecked = tables(s.section_4(doc_input(snapshot()), "en"))[0]
    assert unchecked.rows[0][6] == "not checked (lists not loaded)"


def test_line_status_takes_the_worst_binding_finding_and_unidentified_for_both() -> None:
    facts = [
        FindingFacts("TW", "label_warning", True, [1], "a"),
        FindingFacts("TW", "prohibited", False, [1], "b"),
        FindingFacts("TW", "prohibited", True, [1], "c"),
        FindingFacts("", "unidentified", True, [2], ""),
        FindingFacts("TW", "disclosure", True, [9], "out of range"),
    ]
    one, two = line_statuses(facts, 2)
    assert one.status == {"TW": "prohibited", "EU": "clear"} and one.binding["TW"] is True
    assert one.references == ["a", "b", "c"]
    assert two.status == {"TW": "unidentified", "EU": "unidentified"}
    provisional = line_statuses([FindingFacts("TW", "over_limit", True, [1], "u", True)], 1)[0]
    assert status_text(provisional, "TW", "en") == "over limit (provisional list)"


def test_claims_label_elements_and_claim_evidence() -> None:
    snap = snapshot(
        i4={"claims": ["保濕", "美白"], "label_elements": {"product_name": True}},
        i14={
            "claims": [{"claim": "美白", "evidence_type": "clinical", "evidence_file_ids": ["f1"]}]
        },
    )
    snap["items"]["14"]["files"] = [{"id": "f1", "filename": "clinical.pdf", "sha256": "c" * 64}]
    section = s.section_5(doc_input(snap), "zh-TW")
    assert fields(section)["宣稱"] == "保濕、美白"
    elements, evidence = tables(section)
    assert elements.rows[0][:2] == ["品名", "是"] and elements.rows[1][1] == "—（未提供）"
    assert evidence.rows == [["美白", "clinical", "clinical.pdf"]]


def test_gmp_and_process_steps() -> None:
    snap = snapshot(
        i5={"certificate_type": "iso_22716", "expiry_date": "2027-06-30"},
        i6={"steps": [{"stage": "水相", "step": "加熱", "temperature_c": 80.0}]},
    )
    section = s.section_6(doc_input(snap), "en")
    assert fields(section)["Expiry date"] == "2027-06-30"
    assert tables(section)[0].rows == [
        ["1", "水相", "加熱", "80", "— (not provided)", "— (not provided)", "— (not provided)"]
    ]


def test_usage_fields() -> None:
    rows = fields(s.section_7(doc_input(snapshot(i7={"amount": "適量"})), "zh-TW"))
    assert list(rows) == ["使用方法", "用量", "頻率", "使用部位", "注意事項與警語"]
    assert rows["用量"] == "適量" and rows["頻率"] == "—（未提供）"


def test_adverse_events_show_the_section_12_deadline() -> None:
    events = [
        {
            "occurred_on": "2026-11-01",
            "became_aware_on": "2026-11-03",
            "category": "allergy",
            "serious": True,
        },
        {"occurred_on": "2026-10-01", "category": "irritation"},
    ]
    table = tables(s.section_8(doc_input(snapshot(i8={"events": events})), "zh-TW"))[0]
    assert table.rows[0][5] == "2026-11-16" and table.rows[1][5] == "—"
    empty = s.section_8(doc_input(snapshot(i8={"declaration": "無"})), "en")
    assert any(isinstance(b, Paragraph) and "No adverse" in b.text for b in empty.blocks)


def test_safety_table_shows_mos_or_data_gap() -> None:
    snap = snapshot(i9={"product_ph": 5.5}, i10={"notes": "SA reviewed"})
    snap["verdicts"] = [
        {
            "ingredient": "GLYCERIN",
            "verdict": "safe",
            "method_label": "MoS",
            "mos": 250.0,
            "noael_source": "SCCS",
            "exposure_source": "SCCS NoG",
        },
        {"ingredient": "AQUA", "verdict": "data_gap", "mos": None},
    ]
    section = s.section_9(doc_input(snap), "en")
    assert fields(section)["Product pH"] == "5.5"
    rows = tables(section)[0].rows
    assert rows[0][:4] == ["GLYCERIN", "safe", "MoS", "250"] and rows[1][3] == "data_gap"
    assert fields(section)["Item 10 notes"] == "SA reviewed"


def test_tests_items_11_to_13() -> None:
    snap = snapshot(
        i11={"reports": [{"test_date": "2026-06-01", "parameters_tested": ["ph"]}]},
        i12={"overall_pass": True, "results": [{"organism": "E. coli", "pass": True}]},
        i13={"result": "fail", "log_reductions": {"A. niger": 1.5}},
    )
    section = s.section_10(doc_input(snap), "en")
    stability, micro = tables(section)
    assert stability.rows[0][0] == "2026-06-01" and stability.rows[0][2] == "ph"
    assert micro.rows[0][0] == "E. coli" and micro.rows[0][4] == "yes"
    rows = fields(section)
    assert rows["Overall"] == "yes" and rows["Result"] == "fail"
    assert rows["Log reductions"] == "A. niger: 1.5"


def test_packaging_components_and_migration() -> None:
    snap = snapshot(
        i15={"components": [{"component": "瓶", "material": "PET"}], "migration": {"Pb": 0.1}}
    )
    section = s.section_11(doc_input(snap), "en")
    assert tables(section)[0].rows == [["瓶", "PET", "— (not provided)"]]
    assert fields(section)["Heavy-metal migration (Pb/Hg/As/Cd)"].startswith("Pb: 0.1; Hg: —")


def test_alerts_carry_their_articles_and_the_penalty_table_names_section_22() -> None:
    snap = snapshot()
    snap["lint"] = {
        "alerts": [
            {"rule_id": "R9", "severity": "blocking", "target_item": 3, "message": "禁用成分"},
            {"rule_id": "R2", "severity": "warning", "target_item": 7, "message": "用法欄位不完整"},
        ]
    }
    section = s.section_12(doc_input(snap), "zh-TW")
    alerts, penalties = tables(section)
    assert alerts.rows[0] == ["R9", "阻擋簽署", "3", "禁用成分", "§6 + §22"]
    assert alerts.rows[1][4] == "—"  # R2 has no mapping
    assert any("§22" in row[1] and "R9" in row[3] for row in penalties.rows)
    snap["lint"] = {"alerts": []}
    assert isinstance(s.section_12(doc_input(snap), "en").blocks[0], Paragraph)
    snap["lint"] = None
    missing = s.section_12(doc_input(snap), "en").blocks[0]
    assert isinstance(missing, Paragraph) and "No cross-item lint" in missing.text


def test_version_list() -> None:
    versions = [
        VersionEntry(
            "V1",
            1,
            True,
            datetime(2026, 11, 1, tzinfo=UTC),
            datetime(2026, 11, 2, tzinfo=UTC),
            "f" * 64,
        ),
        VersionEntry("V0", 0, False, datetime(2026, 10, 1, tzinfo=UTC), None, None),
    ]
    rows = tables(s.section_13(doc_input(snapshot(), versions=versions), "en"))[0].rows
    assert [r[0] for r in rows] == ["V0", "V1"]
    assert rows[1][4] == "2026-11-02 00:00 UTC" and rows[1][5] == "f" * 16
    assert isinstance(s.section_13(doc_input(snapshot()), "en").blocks[0], Paragraph)


def test_appendix_signature_expiry_as_of_the_document_date_and_file_register() -> None:
    snap = snapshot(i5={"expiry_date": "2026-12-20"}, i12={"test_date": "2025-12-10"})
    snap["items"]["5"]["files"] = [{"filename": "gmp.pdf", "sha256": "a" * 64, "size_bytes": 10}]
    sig = Signature(datetime(2026, 11, 30, tzinfo=UTC), "b" * 64, "王小明", "SA-1", "totp")
    section = s.section_14(doc_input(snap, signature=sig), "en")
    assert fields(section)["Safety assessor"] == "王小明"
    expiry, files = tables(section)
    assert ["GMP certificate", "GMP certificate", "2026-12-20", "19", "warning"] in expiry.rows
    assert ["Test report", "Item 12", "2026-12-10", "9", "warning"] in expiry.rows
    assert files.rows == [["5", "gmp.pdf", "a" * 16, "10"]]
    later = tables(s.section_14(doc_input(snap, as_of=date(2027, 1, 1)), "en"))[0]
    assert {r[4] for r in later.rows} == {"overdue"}
    unsigned = s.section_14(doc_input(snapshot()), "zh-TW")
    assert any(isinstance(b, Paragraph) and "尚未經簽署" in b.text for b in unsigned.blocks)


def test_same_input_same_document() -> None:
    lang: Lang = "zh-TW"
    assert build_document(doc_input(snapshot()), lang) == build_document(
        doc_input(snapshot()), lang
    )
