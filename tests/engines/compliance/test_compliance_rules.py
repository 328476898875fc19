"""Each lint rule R1-R14: one firing and one non-firing case over an otherwise clean file."""

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from app.engines.compliance import (
    LintInput,
    RegulatoryFinding,
    compress_ranges,
    derive_workflow,
    lint_cross_items,
    load_compliance_data,
    run_lint,
)
from app.engines.compliance.rules import months_before

TODAY = date(2026, 12, 1)
ELEMENTS = [e.key for e in load_compliance_data().label_elements.elements]

CLEAN: dict[int, dict[str, Any]] = {
    1: {"launch_date": "2026-06-01"},
    3: {
        "ingredients": [
            {"raw_name": "Water", "inci_name": "AQUA", "concentration_pct": "80",
             "function": "solvent"},
            {"raw_name": "Glycerin", "inci_name": "GLYCERIN", "concentration_pct": "5"},
            {"raw_name": "菸鹼醯胺", "inci_name": "NIACINAMIDE", "concentration_pct": "4",
             "function": "Skin whitening"},
        ]
    },
    4: {
        "claims": ["美白", "保濕"],
        "warnings": ["三歲以下兒童不得使用"],
        "ocr_text": "用法：取適量塗抹於臉部",
        "label_elements": dict.fromkeys(ELEMENTS, True),
    },
    5: {"certificate_type": "iso_22716", "issue_date": "2026-06-01", "expiry_date": "2029-06-01"},
    6: {"steps": [{"stage": "mixing", "step": "heat water phase", "temperature_c": 75}]},
    7: {"method": "塗抹", "amount": "適量", "frequency": "每日兩次", "application_area": "臉部",
        "precautions_warnings": "避免接觸眼睛"},
    8: {"declaration": "No adverse reactions known"},
    9: {"product_ph": 5.5},
    11: {"reports": [{"test_date": "2026-09-01",
                      "parameters_tested": ["appearance", "pH", "patch test", "high_temperature"],
                      "container_materials_tested": ["PET"]}]},
    12: {"test_date": "2026-09-01", "overall_pass": True},
    13: {"test_date": "2026-09-01", "result": "pass"},
    14: {"claims": [{"claim": "美白"}]},
    15: {"components": [{"component": "bottle", "material": "PET"}]},
}  # fmt: skip
COVERED = {"niacinamide": "acceptable"}
PROHIBITED = RegulatoryFinding(
    ingredient="DIBUTYL PHTHALATE",
    kind="prohibited",
    severity="critical",
    binding=True,
    reference="EU Annex II/675",
    message="Prohibited substance (EU Annex II/675); remove it.",
)
WARNING = RegulatoryFinding(
    ingredient="SALICYLIC ACID",
    kind="label_warning",
    severity="medium",
    binding=True,
    reference="TW restricted/12",
    message="Required label text (TW restricted/12): 三歲以下兒童不得使用",
    label_text="三歲以下兒童不得使用",
)

Mutation = Callable[[dict[int, dict[str, Any]]], None]


def lint(
    mutate: Mutation | None = None, *, verdicts: dict[str, str] | None = None, **kwargs: Any
) -> list[str]:
    items = copy.deepcopy(CLEAN)
    if mutate:
        mutate(items)
    alerts = lint_cross_items(
        items, kwargs.pop("org_type", "brand"), TODAY,
        verdicts=COVERED if verdicts is None else verdicts, **kwargs,
    )  # fmt: skip
    return [a.rule_id for a in alerts]


def test_clean_file_raises_nothing() -> None:
    assert lint() == []


def _set(item: int, **values: Any) -> Mutation:
    return lambda items: items[item].update(values)


def _report(**values: Any) -> Mutation:
    return lambda items: items[11]["reports"][0].update(values)


def _both(*mutations: Mutation) -> Mutation:
    def run(items: dict[int, dict[str, Any]]) -> None:
        for mutate in mutations:
            mutate(items)

    return run


def _append(item: int, key: str, value: Any) -> Mutation:
    return lambda items: items[item].setdefault(key, []).append(value)


def _drop(item: int) -> Mutation:
    return lambda items: items.__setitem__(item, {})


SERIOUS = {"category": "allergy", "serious": True, "occurred_on": "2026-11-20"}
HOT = {"stage": "emulsify", "step": "hot mix", "temperature_c": 80}
ADVISORY = RegulatoryFinding("X", "over_limit", "low", False, "EU III/1", "advisory")

RULE_IDS = [f"R{n}" for n in range(1, 15)]
FIRING: dict[str, tuple[Mutation | None, dict[str, Any]]] = {
    "R1": (None, {"verdicts": {}}),
    "R2": (_set(7, amount=""), {}),
    "R3": (_both(_set(9, product_ph=2.5), _report(parameters_tested=["appearance"])), {}),
    "R4": (lambda i: i[4]["label_elements"].update(batch_number=False), {}),
    "R5": (_drop(8), {}),
    "R6": (_set(12, test_date="2025-11-30"), {}),
    "R7": (
        _both(_append(4, "claims", "敏感肌適用"), _report(parameters_tested=["ph", "高溫"])),
        {},
    ),
    "R8": (_append(15, "components", {"component": "tube", "material": "Aluminium"}), {}),
    "R9": (None, {"regulatory": [PROHIBITED]}),
    "R10": (_set(5, expiry_date="2027-02-28"), {}),
    "R11": (_both(_append(6, "steps", HOT), _report(parameters_tested=["ph", "patch_test"])), {}),
    "R12": (_set(13, result="fail"), {}),
    "R13": (_set(8, events=[SERIOUS]), {}),
    "R14": (None, {"sa_qualified_until": date(2026, 11, 30)}),
}

NOT_FIRING: dict[str, tuple[Mutation | None, dict[str, Any]]] = {
    "R1": (_both(_set(4, claims=["保濕"]), _drop(14)), {"verdicts": {}}),
    "R2": (_set(4, ocr_text="Aqua, Glycerin"), {}),
    "R3": (_set(9, product_ph=3.0), {}),
    "R4": (None, {"regulatory": [WARNING]}),
    "R5": (_both(_drop(8), _set(1, launch_date="2026-12-02")), {}),
    "R6": (_set(12, test_date="2025-12-01"), {}),
    "R7": (_append(4, "claims", "敏感肌適用"), {}),
    "R8": (
        _both(
            _append(15, "components", {"component": "jar", "material": "玻璃"}),
            _report(container_materials_tested=["PET", "glass"]),
        ),
        {},
    ),
    "R9": (None, {"regulatory": [ADVISORY]}),
    "R10": (_set(5, expiry_date="2027-03-01", issue_date="2025-12-01"), {}),
    "R11": (_set(6, steps=[HOT | {"temperature_c": 79.9}]), {}),
    "R12": (_set(13, result=None), {}),
    "R13": (_set(8, events=[SERIOUS | {"reported_on": "2026-11-25"}]), {}),
    "R14": (None, {"sa_qualified_until": TODAY, "signing": True}),
}


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_fires(rule_id: str) -> None:
    assert sorted(FIRING) == sorted(NOT_FIRING) == sorted(RULE_IDS)
    mutate, kwargs = FIRING[rule_id]
    assert lint(mutate, **kwargs) == [rule_id]


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_does_not_fire(rule_id: str) -> None:
    mutate, kwargs = NOT_FIRING[rule_id]
    assert rule_id not in lint(mutate, **kwargs)


def test_r1_fires_for_whitening_without_item10_and_not_for_moisturising_alone() -> None:
    assert lint(_set(4, claims=["美白精華"]), verdicts={"niacinamide": "data_gap"}) == ["R1"]
    assert lint(_both(_set(4, claims=["保濕"]), _drop(14)), verdicts={}) == []


def test_r1_fires_when_no_ingredient_carries_the_claimed_function() -> None:
    assert lint(_set(4, claims=["抗皺"]), verdicts=COVERED) == ["R1"]


def test_r4_matches_a_warning_printed_with_full_width_and_compatibility_forms() -> None:
    printed = "三歲以下\u3000兒童，不得使\u2f64"  # ideographic space, full-width comma, Kangxi 用
    mutate = _set(4, warnings=[], ocr_text=f"用法：塗抹。 注意：{printed}")
    assert lint(mutate, regulatory=[WARNING]) == []
    assert lint(_set(4, warnings=[], ocr_text="用法"), regulatory=[WARNING]) == ["R4"]


def test_r14_blocks_signing_without_a_qualification_on_record() -> None:
    assert lint(signing=True) == ["R14"]
    assert lint() == []


def test_importer_needs_country_of_origin_on_the_label() -> None:
    def no_origin(items: dict[int, dict[str, Any]]) -> None:
        items[4]["label_elements"].pop("country_of_origin")

    assert lint(no_origin, org_type="importer") == ["R4"]
    assert lint(no_origin) == []


def test_alerts_order_blocking_error_warning_then_rule_number_and_localise() -> None:
    mutate = _both(*(m for r in ("R12", "R2", "R8", "R13") if (m := FIRING[r][0])))
    ids = lint(mutate, verdicts={}, regulatory=[PROHIBITED])
    assert ids == ["R9", "R12", "R13", "R8", "R1", "R2"]
    items = copy.deepcopy(CLEAN)
    result = run_lint(
        LintInput(items=items, org_type="brand", today=TODAY, regulatory=[PROHIBITED]),
        locale="en",
    )
    (alert,) = [a for a in result.alerts if a.rule_id == "R9"]
    assert "DIBUTYL PHTHALATE" in alert.message and alert.message.startswith("Ingredient")
    assert alert.penalty is not None and alert.penalty.articles == ["§6", "§22"]
    assert alert.penalty.act == "Cosmetic Hygiene and Safety Act" and not result.can_sign
    zh = run_lint(LintInput(items=items, org_type="brand", today=TODAY, regulatory=[PROHIBITED]))
    assert zh.alerts[0].message.startswith("成分")
    assert zh.alerts[0].penalty is not None and zh.alerts[0].penalty.act == "化粧品衛生安全管理法"


def test_deterministic() -> None:
    kwargs: dict[str, Any] = {"verdicts": {}, "regulatory": [PROHIBITED, WARNING]}
    assert lint(FIRING["R8"][0], **kwargs) == lint(FIRING["R8"][0], **kwargs)


def test_months_before_clamps_to_month_end() -> None:
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 12, 1), 12) == date(2025, 12, 1)


def test_workflow_steps_and_ranges() -> None:
    assert compress_ranges([3, 5, 6, 11, 12, 13]) == ["3", "5", "6", "11-13"]
    statuses = dict.fromkeys(range(1, 17), "missing") | {3: "approved", 9: "approved"}
    statuses |= {5: "human_reviewed", 6: "human_reviewed", 11: "uploaded", 12: "uploaded"}
    statuses |= {13: "ai_draft_ready"}
    flow = derive_workflow(statuses, "brand", outsourced_registered=[3])
    assert [s.completed for s in flow.steps] == [True, True, False, False, False, False, False]
    assert flow.current_step == 3 and flow.post_launch_item == 8
    assert flow.outsourcing_suggestions == ["5", "6", "11-13"]
    done = dict.fromkeys(range(1, 17), "approved")
    signed = derive_workflow(done, "oem", has_signed_version=True, needs_resign=False)
    assert signed.current_step == 7
    assert derive_workflow(done, "oem", has_signed_version=True).steps[6].completed is False


def test_unknown_inputs_are_reported_not_evaluated() -> None:
    items = copy.deepcopy(CLEAN)
    blind = run_lint(
        LintInput(items=items, org_type="brand", today=TODAY, regulatory_lists_loaded=False)
    )
    assert blind.not_evaluated.keys() == {"R9", "R14"}
    signing = LintInput(items=items, org_type="brand", today=TODAY, signing=True)
    assert run_lint(signing).not_evaluated == {}
