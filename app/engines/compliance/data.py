"""The compliance rule data (app/data/compliance/*.json): typed, validated, loaded once."""

import json
from datetime import date
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Locale = Literal["zh-TW", "en"]
LOCALES: tuple[Locale, ...] = ("zh-TW", "en")
ORG_TYPES = ("brand", "oem", "importer", "consultant")
Severity = Literal["blocking", "error", "warning"]
SEVERITY_ORDER: dict[str, int] = {"blocking": 0, "error": 1, "warning": 2}

Citation = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Data):
    zh_tw: NonEmpty = Field(alias="zh-TW")
    en: NonEmpty

    def get(self, locale: Locale) -> str:
        return self.en if locale == "en" else self.zh_tw


class _File(_Data):
    version: NonEmpty
    date: date
    description: NonEmpty


class MatrixCell(_Data):
    who_provides: NonEmpty
    suggested_source: NonEmpty
    typically_outsourced: bool | None
    citation: Citation


class MatrixFile(_File):
    org_types: dict[Literal["brand", "oem", "importer", "consultant"], dict[str, MatrixCell]]


class Claim(_Data):
    id: NonEmpty
    class_: Literal["generic", "strong"] = Field(alias="class")
    terms: dict[Locale, list[NonEmpty]]
    citation: Citation


class ClaimsFile(_File):
    claims: list[Claim]


class ClaimFunctions(_Data):
    claim: NonEmpty
    functions: list[NonEmpty]
    citation: Citation


class ClaimFunctionsFile(_File):
    mappings: list[ClaimFunctions]


class UsageKeyword(_Data):
    term: NonEmpty
    locale: Locale
    citation: Citation


class UsageKeywordsFile(_File):
    keywords: list[UsageKeyword]


class LabelElement(_Data):
    key: NonEmpty
    zh_tw: NonEmpty = Field(alias="zh-TW")
    en: NonEmpty
    applies: Literal["always", "specific_purpose", "import"]
    citation: Citation


class CitedValues(_Data):
    values: list[NonEmpty]
    citation: Citation


class LabelElementsFile(_File):
    elements: list[LabelElement]
    specific_purpose_categories: CitedValues


class Penalty(_Data):
    id: NonEmpty
    articles: list[NonEmpty]
    fine_min_twd: int = Field(ge=0)
    fine_max_twd: int = Field(ge=0)
    description: Localized
    citation: Citation


class PenaltiesFile(_File):
    act: Localized
    penalties: list[Penalty]


class Rule(_Data):
    id: Annotated[str, StringConstraints(pattern=r"^R([1-9]|1[0-4])$")]
    severity: Severity
    target_item: int = Field(ge=1, le=16)
    penalty: str | None
    params: dict[str, Any]
    message: Localized
    citation: Citation

    @property
    def number(self) -> int:
        return int(self.id[1:])


class RulesFile(_File):
    rules: list[Rule]


class ComplianceData(_Data):
    """All rule tables, cross-checked (every penalty id exists, R1-R14 each defined once)."""

    matrix: MatrixFile
    claims: ClaimsFile
    claim_functions: ClaimFunctionsFile
    usage_keywords: UsageKeywordsFile
    label_elements: LabelElementsFile
    penalties: PenaltiesFile
    rules: RulesFile

    def rule(self, rule_id: str) -> Rule:
        return self.rules_by_id[rule_id]

    @property
    def rules_by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules.rules}

    @property
    def penalties_by_id(self) -> dict[str, Penalty]:
        return {p.id: p for p in self.penalties.penalties}

    def check_consistency(self) -> None:
        """Raise ValueError when the tables do not fit together."""
        ids = [r.id for r in self.rules.rules]
        if sorted(ids) != sorted(f"R{n}" for n in range(1, 15)):
            raise ValueError(f"lint_rules.json must define R1-R14 exactly once, got {ids}")
        for rule in self.rules.rules:
            if rule.penalty is not None and rule.penalty not in self.penalties_by_id:
                raise ValueError(f"{rule.id}: unknown penalty {rule.penalty!r}")
        for org_type in ORG_TYPES:
            cells = self.matrix.org_types.get(org_type, {})  # type: ignore[call-overload]
            if sorted(cells, key=int) != [str(n) for n in range(1, 17)]:
                raise ValueError(f"matrix: {org_type} must have cells for items 1-16")
        known = {c.id for c in self.claims.claims if c.class_ == "strong"}
        for mapping in self.claim_functions.mappings:
            if mapping.claim not in known:
                raise ValueError(f"claim_functions: {mapping.claim!r} is not a strong claim")


FILES = {
    "matrix": "responsibility_matrix.json",
    "claims": "claims.json",
    "claim_functions": "claim_functions.json",
    "usage_keywords": "usage_keywords.json",
    "label_elements": "label_elements.json",
    "penalties": "penalties.json",
    "rules": "lint_rules.json",
}


def read_raw(name: str) -> dict[str, Any]:
    """One data file as parsed JSON."""
    path = resources.files("app.data").joinpath("compliance", name)
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@cache
def load_compliance_data() -> ComplianceData:
    """Validate and cross-check the packaged rule data (read once per process)."""
    data = ComplianceData.model_validate({key: read_raw(name) for key, name in FILES.items()})
    data.check_consistency()
    return data
