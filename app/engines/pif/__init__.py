"""The PIF's fixed rules: the 16 items of Art. 8 (numbers, titles, stages, sources)."""

from app.engines.pif.catalog import (
    BY_NUMBER,
    FORMULA_ITEM,
    ITEM_NUMBERS,
    ITEMS,
    PifItem,
    Source,
    Stage,
)

__all__ = ["BY_NUMBER", "FORMULA_ITEM", "ITEMS", "ITEM_NUMBERS", "PifItem", "Source", "Stage"]
