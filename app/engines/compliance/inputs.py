"""Plain inputs of the cross-item lint: item data plus results computed elsewhere."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from pydantic import ValidationError

from app.engines.compliance import views as s


@dataclass(frozen=True, slots=True)
class RegulatoryFinding:
    """One finding of the regulatory formula check, as the lint needs it (R4, R9)."""

    ingredient: str
    kind: str
    severity: str
    binding: bool
    reference: str
    message: str
    label_text: str | None = None  # the required warning text of a label_warning finding


@dataclass(frozen=True)
class LintInput:
    """Everything one lint run reads; `today` is injected so results are reproducible."""

    items: Mapping[int, Mapping[str, Any]]
    org_type: str
    today: date
    product_category: str | None = None
    regulatory: Sequence[RegulatoryFinding] = ()
    # False when the check ran against no loaded list: R9/R4 warnings are then unknown, not clean
    regulatory_lists_loaded: bool = True
    # normalised INCI name -> Item 10 verdict (spec 06), e.g. "acceptable", "data_gap"
    verdicts: Mapping[str, str] = field(default_factory=dict)
    sa_qualified_until: date | None = None
    signing: bool = False

    def _item(self, number: int) -> Any:
        schema = s.VIEWS[number]
        try:
            return schema.model_validate(self.items.get(number) or {})
        except ValidationError:
            # Stored data is validated on write; anything unreadable counts as absent (fail-safe).
            return schema()

    @cached_property
    def item1(self) -> s.Item1:
        return self._item(1)  # type: ignore[no-any-return]

    @cached_property
    def item3(self) -> s.Item3:
        return self._item(3)  # type: ignore[no-any-return]

    @cached_property
    def item4(self) -> s.Item4:
        return self._item(4)  # type: ignore[no-any-return]

    @cached_property
    def item5(self) -> s.Item5:
        return self._item(5)  # type: ignore[no-any-return]

    @cached_property
    def item6(self) -> s.Item6:
        return self._item(6)  # type: ignore[no-any-return]

    @cached_property
    def item7(self) -> s.Item7:
        return self._item(7)  # type: ignore[no-any-return]

    @cached_property
    def item8(self) -> s.Item8:
        return self._item(8)  # type: ignore[no-any-return]

    @cached_property
    def item9(self) -> s.Item9:
        return self._item(9)  # type: ignore[no-any-return]

    @cached_property
    def item11(self) -> s.Item11:
        return self._item(11)  # type: ignore[no-any-return]

    @cached_property
    def item12(self) -> s.Item12:
        return self._item(12)  # type: ignore[no-any-return]

    @cached_property
    def item13(self) -> s.Item13:
        return self._item(13)  # type: ignore[no-any-return]

    @cached_property
    def item14(self) -> s.Item14:
        return self._item(14)  # type: ignore[no-any-return]

    @cached_property
    def item15(self) -> s.Item15:
        return self._item(15)  # type: ignore[no-any-return]

    @cached_property
    def label_text(self) -> str:
        """Everything printed on the Item 4 label: structured claims/warnings and the OCR text."""
        label = self.item4
        parts = [
            *label.claims,
            *label.warnings,
            *label.population_restrictions,
            label.ocr_text or "",
        ]
        return "\n".join(p for p in parts if p)

    @cached_property
    def claim_texts(self) -> list[str]:
        """Item 4 and 14 claims; the OCR text stands in when Item 4 has no structured claims."""
        claims = list(self.item4.claims)
        if not claims and self.item4.ocr_text:
            claims.append(self.item4.ocr_text)
        return claims + [c.claim for c in self.item14.claims]
