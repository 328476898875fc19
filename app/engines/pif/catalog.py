"""The 16 PIF items (Art. 8): numbers, titles, lifecycle stages, source categories (spec 01 §1, §3).

Titles are the items' common zh-TW / English names, used for display only.
"""

from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    PRE_LAUNCH = "pre_launch"
    DEVELOPMENT = "development"
    MANUFACTURING = "manufacturing"
    POST_LAUNCH = "post_launch"
    SIGNING = "signing"


class Source(StrEnum):
    FORM = "F"
    UPLOAD = "U"
    SCRAPED = "S"
    QUERY = "Q"
    HYBRID = "H"
    SIGNATURE = "SA"


@dataclass(frozen=True)
class PifItem:
    number: int
    title_zh: str
    title_en: str
    stage: Stage
    source: Source
    default_file_type: str


ITEMS: tuple[PifItem, ...] = (
    PifItem(1, "產品基本資料", "Product basic data", Stage.PRE_LAUNCH, Source.FORM, "other"),
    PifItem(
        2,
        "產品登錄證明文件",
        "Product registration evidence",
        Stage.PRE_LAUNCH,
        Source.SCRAPED,
        "registration",
    ),
    PifItem(
        3,
        "產品之全成分名稱及其各別含量",
        "Full ingredient names and amounts",
        Stage.DEVELOPMENT,
        Source.HYBRID,
        "formula",
    ),
    PifItem(
        4,
        "產品之標籤、仿單、外包裝或容器",
        "Label / packaging artwork",
        Stage.DEVELOPMENT,
        Source.UPLOAD,
        "label",
    ),
    PifItem(
        5,
        "產品製造場所符合化粧品優良製造準則之證明文件",
        "GMP certification",
        Stage.MANUFACTURING,
        Source.UPLOAD,
        "gmp",
    ),
    PifItem(
        6,
        "產品製造方法及流程",
        "Manufacturing method / process",
        Stage.MANUFACTURING,
        Source.HYBRID,
        "process",
    ),
    PifItem(
        7,
        "產品使用方法、部位、用量、頻率及族群",
        "Usage instructions",
        Stage.DEVELOPMENT,
        Source.HYBRID,
        "other",
    ),
    PifItem(
        8, "產品使用不良反應資料", "Adverse-reaction data", Stage.POST_LAUNCH, Source.FORM, "other"
    ),
    PifItem(
        9,
        "產品所含成分之物理及化學特性",
        "Substance characterization",
        Stage.DEVELOPMENT,
        Source.QUERY,
        "other",
    ),
    PifItem(10, "成分之毒理資料", "Toxicological data", Stage.SIGNING, Source.QUERY, "other"),
    PifItem(
        11, "產品安定性試驗報告", "Stability testing", Stage.DEVELOPMENT, Source.UPLOAD, "stability"
    ),
    PifItem(12, "微生物檢測報告", "Microbial testing", Stage.DEVELOPMENT, Source.UPLOAD, "micro"),
    PifItem(
        13,
        "防腐效能試驗報告",
        "Preservative efficacy (challenge test)",
        Stage.SIGNING,
        Source.UPLOAD,
        "challenge",
    ),
    PifItem(
        14, "功能評估佐證資料", "Functional evidence", Stage.SIGNING, Source.UPLOAD, "evidence"
    ),
    PifItem(
        15,
        "與產品接觸之包裝材質資料",
        "Packaging material report",
        Stage.DEVELOPMENT,
        Source.UPLOAD,
        "packaging",
    ),
    PifItem(
        16,
        "產品安全資料(安全評估及簽署)",
        "SA safety assessment + signature",
        Stage.SIGNING,
        Source.SIGNATURE,
        "other",
    ),
)
ITEM_NUMBERS = tuple(item.number for item in ITEMS)
BY_NUMBER = {item.number: item for item in ITEMS}
FORMULA_ITEM = 3
