"""The document's own wording, zh-TW and en (data values are shown as entered)."""

from app.engines.documents.model import Lang

TEXT: dict[str, tuple[str, str]] = {
    "doc_title": ("化粧品產品資訊檔案（PIF）", "Cosmetic Product Information File (PIF)"),
    "page": ("頁", "Page"),
    "unknown": ("—（未提供）", "— (not provided)"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "none": ("無", "none"),
    "present": ("已標示", "on the label"),
    "absent": ("未標示", "missing"),
    "live": ("即時資料（未簽署）", "live data (not signed)"),
    "signed": ("已簽署版本", "signed version"),
    "draft": ("草稿版本（未簽署）", "draft version (not signed)"),
    # section titles (spec 05 §6)
    "s1": ("封面與法規聲明", "Cover and regulatory declarations"),
    "s2": ("項目 1 — 產品基本資料", "Item 1 — Product basic data"),
    "s3": ("項目 2 — 產品登錄", "Item 2 — Product registration"),
    "s4": ("項目 3 — 全成分名稱及含量", "Item 3 — Full ingredient table"),
    "s5": (
        "項目 4／14 — 標籤宣稱、使用族群限制與功效佐證",
        "Items 4/14 — Label claims, population restrictions and claim evidence",
    ),
    "s6": ("項目 5／6 — 製造場所 GMP 與製造流程", "Items 5/6 — GMP and manufacturing process"),
    "s7": ("項目 7 — 使用方法", "Item 7 — Usage instructions"),
    "s8": ("項目 8 — 不良反應資料", "Item 8 — Adverse-reaction data"),
    "s9": (
        "項目 9／10 — 物化特性與毒理安全資料",
        "Items 9/10 — Physicochemical properties and toxicological safety",
    ),
    "s10": (
        "項目 11／12／13 — 安定性、微生物、防腐效能試驗",
        "Items 11/12/13 — Stability, microbiology, preservative efficacy",
    ),
    "s11": ("項目 15 — 包裝材質資料", "Item 15 — Packaging material report"),
    "s12": ("跨項目警示與罰則對照", "Cross-item alerts and penalty table"),
    "s13": ("項目 16 — 版本紀錄（V0–V3）", "Item 16 — Version list (V0–V3)"),
    "s14": (
        "附錄 — 簽署資料、文件效期與檔案清單",
        "Appendix — Signature, document expiry and file register",
    ),
    # cover
    "product_name": ("產品名稱", "Product name"),
    "product_name_en": ("英文名稱", "English name"),
    "operator": ("業者", "Operator"),
    "org_type": ("業者類型", "Operator type"),
    "version": ("版本", "Version"),
    "state": ("狀態", "State"),
    "as_of": ("資料日期", "Data as of"),
    "signature_hash": ("簽署雜湊（SHA-256）", "Signature hash (SHA-256)"),
    "decl_7": (
        "§7：本檔案依化粧品產品資訊檔案管理辦法所定項目編排，第 2 至 14 節依序對應項目 1 至 16；"
        "第 2 節並對照化粧品衛生安全管理法第 7 條第 1 項第 1 至 9 款（§7-1-1…§7-1-9）之標示事項。",
        "§7: this file follows the items of the PIF regulation; sections 2 to 14 cover items "
        "1 to 16 in order, and section 2 maps Article 7 paragraph 1 items 1-9 "
        "(§7-1-1…§7-1-9) of the Cosmetic Hygiene and Safety Act.",
    ),
    "decl_8": (
        "§8：產品資訊檔案由製造或輸入業者於供應、販賣前建立，保存於營業處所，並由安全資格人員簽署"
        "安全評估；主管機關得隨時要求提供。",
        "§8: the manufacturer or importer establishes the PIF before supply, keeps it on its "
        "premises and has the safety assessment signed by a qualified safety assessor; the "
        "authority may ask for it at any time.",
    ),
    "decl_live": (
        "本文件以產生當時之即時資料組成，跨項目檢核於產生時計算，並非已簽署版本。",
        "Built from live data with the cross-item lint computed when generated; "
        "not a signed version.",
    ),
    "decl_snapshot": (
        "本文件由所示版本之快照重建，內容與簽署時相同。",
        "Rebuilt from the snapshot of the version shown; "
        "content as it was when the version was made.",
    ),
    # item 1
    "label_7_1": ("§7-1 標示事項", "§7-1 label particular"),
    "value": ("本產品資料", "This product"),
    "see_s4": ("見第 4 節（{n} 項成分）", "see section 4 ({n} ingredients)"),
    "on_label": ("標籤：{state}", "label: {state}"),
    "other_basic": ("其他基本資料", "Other basic data"),
    "category": ("產品類別", "Category"),
    "dosage_form": ("劑型", "Dosage form"),
    "registration_id": ("登錄字號", "Registration number"),
    "launch_date": ("上市日期", "Launch date"),
    "brand_name": ("品牌", "Brand"),
    "responsible_person": ("負責人", "Responsible person"),
    "responsible_person_address": ("負責人地址", "Responsible person address"),
    "notes": ("備註", "Notes"),
    # item 2
    "registration_number": ("登錄號碼", "Registration number"),
    "registration_date": ("登錄日期", "Registration date"),
    "valid_until": ("有效期限", "Valid until"),
    "platform_status": ("平台狀態", "Platform status"),
    "files": ("附件", "Files"),
    # item 3
    "col_no": ("#", "#"),
    "col_name": ("成分名稱", "Name"),
    "col_inci": ("INCI", "INCI"),
    "col_cas": ("CAS", "CAS"),
    "col_pct": ("% w/w", "% w/w"),
    "col_function": ("功能", "Function"),
    "col_tw": ("TFDA 狀態", "TFDA status"),
    "col_eu": ("EU 狀態", "EU status"),
    "total": ("合計", "Total"),
    "status_note": (
        "TFDA／EU 狀態為產生本文件時以已載入之清單（{lists}）檢核之結果；"
        "TW 規定具約束力；TW 清單未規定者，EU 規定仍具約束力（禁用、限量），"
        "TW 已規定者 EU 為參考。",
        "TFDA / EU status: the check against the lists loaded when this document was generated "
        "({lists}); TW binds; where the TW lists are silent the EU entry binds (bans, limits), "
        "where TW decides the EU entry advises.",
    ),
    "strictest": (
        "產品類別未能描述劑型與使用部位，故以最嚴格之類別限量檢核（同跨項目檢核 R9）。",
        "The category does not describe form and areas: the strictest category limits apply "
        "(as in lint R9).",
    ),
    "status_missing": ("未檢核（清單未載入）", "not checked (lists not loaded)"),
    "nano": ("奈米", "nano"),
    # item 4 / 14
    "claims": ("宣稱", "Claims"),
    "warnings": ("警語", "Warnings"),
    "population_restrictions": ("使用族群限制", "Population restrictions"),
    "label_elements": ("標示事項檢核", "Label elements"),
    "col_element": ("標示事項", "Element"),
    "col_on_label": ("標籤", "On the label"),
    "col_citation": ("依據", "Basis"),
    "evidence": ("項目 14 — 功效宣稱佐證", "Item 14 — Claim evidence"),
    "col_claim": ("宣稱", "Claim"),
    "col_evidence_type": ("佐證類型", "Evidence type"),
    "col_evidence_files": ("佐證檔案", "Evidence files"),
    # item 5 / 6
    "certificate_type": ("證書類型", "Certificate type"),
    "certificate_no": ("證書編號", "Certificate number"),
    "holder_name": ("持有者", "Holder"),
    "issuer": ("發證單位", "Issuer"),
    "issue_date": ("發證日期", "Issue date"),
    "expiry_date": ("有效期限", "Expiry date"),
    "manufacturing_stage": ("製造階段", "Manufacturing stage"),
    "col_stage": ("階段", "Stage"),
    "col_step": ("步驟", "Step"),
    "col_temp": ("溫度 °C", "Temp. °C"),
    "col_minutes": ("時間 min", "Time min"),
    "col_equipment": ("設備", "Equipment"),
    "col_qc": ("品管點", "QC point"),
    # item 7
    "method": ("使用方法", "Method"),
    "amount": ("用量", "Amount"),
    "frequency": ("頻率", "Frequency"),
    "application_area": ("使用部位", "Application area"),
    "precautions_warnings": ("注意事項與警語", "Precautions and warnings"),
    # item 8
    "declaration": ("業者聲明", "Operator declaration"),
    "col_occurred": ("發生日", "Occurred"),
    "col_aware": ("知悉日", "Aware"),
    "col_category": ("類別", "Category"),
    "col_serious": ("嚴重", "Serious"),
    "col_grade": ("風險等級", "Risk grade"),
    "col_due": ("§12 通報期限", "§12 report due"),
    "col_reported": ("通報日", "Reported"),
    "no_events": ("無不良反應紀錄。", "No adverse event recorded."),
    # item 9 / 10
    "product_ph": ("產品 pH", "Product pH"),
    "safety_table": ("成分安全評估（MoS）", "Ingredient safety assessment (MoS)"),
    "col_ingredient": ("成分", "Ingredient"),
    "col_verdict": ("結論", "Verdict"),
    "col_method": ("方法", "Method"),
    "col_mos": ("MoS", "MoS"),
    "col_noael": ("NOAEL 來源", "NOAEL source"),
    "col_exposure": ("暴露來源", "Exposure source"),
    "no_verdicts": (
        "尚無成分安全評估結果（data_gap）。",
        "No ingredient safety verdict yet (data_gap).",
    ),
    "item10_notes": ("項目 10 備註", "Item 10 notes"),
    # item 11-13
    "stability": ("項目 11 — 安定性試驗", "Item 11 — Stability"),
    "col_test_date": ("試驗日", "Test date"),
    "col_conditions": ("條件", "Conditions"),
    "col_parameters": ("測試項目", "Parameters"),
    "col_materials": ("容器材質", "Container materials"),
    "col_conclusion": ("結論", "Conclusion"),
    "col_shelf_life": ("保存期限（月）", "Shelf life (months)"),
    "micro": ("項目 12 — 微生物檢驗", "Item 12 — Microbiology"),
    "col_organism": ("菌種", "Organism"),
    "col_result": ("結果", "Result"),
    "col_limit": ("限量", "Limit"),
    "col_pass": ("合格", "Pass"),
    "overall_pass": ("整體判定", "Overall"),
    "test_date": ("試驗日", "Test date"),
    "preservative": ("項目 13 — 防腐效能試驗", "Item 13 — Preservative efficacy"),
    "strains": ("菌株", "Strains"),
    "log_reductions": ("對數減少值", "Log reductions"),
    "criteria": ("判定標準", "Criteria"),
    "result": ("結果", "Result"),
    "no_reports": ("無試驗報告。", "No report."),
    # item 15
    "col_component": ("組件", "Component"),
    "col_material": ("材質", "Material"),
    "col_spec": ("規格", "Specification"),
    "migration": ("重金屬溶出（Pb／Hg／As／Cd）", "Heavy-metal migration (Pb/Hg/As/Cd)"),
    "plasticizers": ("塑化劑", "Plasticizers"),
    "compatibility": ("相容性", "Compatibility"),
    # alerts / penalties
    "col_rule": ("規則", "Rule"),
    "col_severity": ("嚴重度", "Severity"),
    "col_target": ("項目", "Item"),
    "col_message": ("說明", "Message"),
    "col_articles": ("條文", "Articles"),
    "no_alerts": ("無跨項目警示。", "No cross-item alert."),
    "lint_missing": (
        "此版本未保存跨項目檢核結果。",
        "No cross-item lint was stored with this version.",
    ),
    "penalties": ("罰則對照（參考）", "Penalty table (indicative)"),
    "col_violation": ("違規類型", "Violation"),
    "col_fine": ("罰鍰（新臺幣）", "Fine (NT$)"),
    "col_rules": ("規則", "Rules"),
    "penalty_note": (
        "罰則依化粧品衛生安全管理法第 10、22 至 25 條整理，僅供參考，應以法律顧問審閱之版本為準。",
        "Penalties per Articles 10 and 22-25 of the Act; "
        "indicative only, counsel-reviewed data prevails.",
    ),
    # versions
    "col_label": ("版本", "Version"),
    "col_sequence": ("序號", "Seq."),
    "col_signed": ("已簽署", "Signed"),
    "col_created": ("建立", "Created"),
    "col_signed_at": ("簽署時間", "Signed at"),
    "col_hash": ("簽署雜湊（前 16 碼）", "Signature hash (first 16)"),
    "no_versions": ("尚無版本紀錄。", "No version yet."),
    # appendix
    "signature": ("簽署資料", "Signature"),
    "signed_at": ("簽署時間", "Signed at"),
    "sa_name": ("安全資格人員", "Safety assessor"),
    "sa_certificate_ref": ("資格證明", "Qualification reference"),
    "signature_method": ("簽署方式", "Signature method"),
    "not_signed": ("此文件之內容尚未經簽署。", "The content of this document is not signed."),
    "expiry": ("文件效期摘要", "Document expiry summary"),
    "col_due_date": ("到期日", "Due date"),
    "col_days_left": ("剩餘天數", "Days left"),
    "col_status": ("狀態", "Status"),
    "col_reference": ("文件", "Document"),
    "no_expiry": ("無追蹤中之效期。", "No tracked deadline."),
    "file_register": ("檔案清單", "File register"),
    "col_file": ("檔名", "File name"),
    "col_sha": ("SHA-256（前 16 碼）", "SHA-256 (first 16)"),
    "col_size": ("大小（bytes）", "Size (bytes)"),
    "no_files": ("無附件檔案。", "No file."),
}


def text(lang: Lang, key: str, **values: object) -> str:
    zh, en = TEXT[key]
    chosen = en if lang == "en" else zh
    return chosen.format(**values) if values else chosen
