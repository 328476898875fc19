"""Reproduce app/data/fonts/NotoSansTC-Regular-subset.ttf from the upstream OFL font.

Source: Noto Sans TC variable font `NotoSansTC[wght].ttf` (google/fonts `ofl/notosanstc`, also
shipped in the PyPI wheel `justmytype-intl-cjk` 0.1.0 under
`justmytype_intl_cjk/fonts/ofl/notosanstc/`).
Usage: `uv run python tools/subset_font.py PATH/TO/NotoSansTC[wght].ttf`.

The subset is the Regular (wght 400) instance restricted to Big5 (cp950, both levels: 13k+ hanzi,
including the chemistry characters 烷 酯 醛 醯 of level 2), ASCII, Latin-1/Latin Extended-A, Greek,
general and CJK punctuation, full-width forms, and every CJK character of the shipped data files.
Hinting is dropped (the PDF renderer does not use it); timestamps are kept (reproducible bytes).
"""

import contextlib
import sys
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "app" / "data" / "fonts" / "NotoSansTC-Regular-subset.ttf"
RANGES = (
    (0x20, 0x7E),  # ASCII
    (0xA0, 0x17F),  # Latin-1, Latin Extended-A
    (0x370, 0x3FF),  # Greek (α-, β- in chemical names)
    (0x2000, 0x206F),  # general punctuation
    (0x2100, 0x218F),  # letterlike symbols, number forms
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (≤ ≥ ±)
    (0x2460, 0x24FF),  # enclosed alphanumerics
    (0x2500, 0x25FF),  # box drawing, geometric shapes
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3100, 0x312F),  # bopomofo
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width forms
)


def big5() -> set[str]:
    out: set[str] = set()
    for hi in range(0x81, 0xFF):
        for lo in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            for codec in ("big5", "cp950"):
                with contextlib.suppress(UnicodeDecodeError):
                    out.add(bytes((hi, lo)).decode(codec))
    return {c for c in out if len(c) == 1}


def data_characters() -> set[str]:
    """CJK characters of the shipped data and messages (NFKC, as the engines normalise them)."""
    found: set[str] = set()
    for path in sorted((ROOT / "app").rglob("*")):
        if path.suffix not in {".csv", ".json", ".py", ".md", ".typ"}:
            continue
        text = unicodedata.normalize("NFKC", path.read_text(encoding="utf-8", errors="ignore"))
        found |= {c for c in text if 0x3400 <= ord(c) <= 0x9FFF}
    return found


def characters() -> set[int]:
    chars = big5() | data_characters()
    for low, high in RANGES:
        chars |= {chr(c) for c in range(low, high + 1)}
    return {ord(c) for c in chars}


def main(source: str) -> None:
    font = TTFont(source, recalcTimestamp=False)
    font = instancer.instantiateVariableFont(font, {"wght": 400})
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(characters()))
    subsetter.subset(font)
    font.save(str(TARGET))
    print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
