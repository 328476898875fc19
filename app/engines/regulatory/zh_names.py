"""Chinese names carried by the shipped TFDA lists, as names of their entries.

About fifty rows of the TFDA prohibited list (化粧品禁止使用成分表) write the Chinese name after
the Latin one: "Safrole (Shikimol) (黃樟素)", "Euphorbia lathyris L. (續隨子;千金子)",
"Dioscorea hispida Dennst. (白薯茛(大苦薯))". A formula line written with such a name is
identified as that entry (and, through the entry's CAS, as the same substance elsewhere), citing
the entry. A Chinese name found neither here nor in the ingredient master stays unidentified.
"""

from __future__ import annotations

import re
import unicodedata

from app.engines.regulatory.models import RegulatedEntry

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# The last parenthesised group of a name (one level of nesting), when it holds CJK text.
_TRAILING_GROUP = re.compile(r"\(((?:[^()]|\([^()]*\))*)\)\s*$")


def has_cjk(text: str) -> bool:
    """Whether a text contains CJK ideographs (compatibility ones included)."""
    return bool(_CJK.search(text or ""))


def chinese_names(chemical_name: str) -> tuple[str, ...]:
    """Chinese names written after a Latin name: "Arsenolite(信石)" -> ("信石",).

    Alternatives separated by ";" and a nested aside are names too ("白薯茛(大苦薯)" ->
    "白薯茛(大苦薯)", "白薯茛", "大苦薯"), and so is the head of "蛇根木,生物鹼及其鹽類".
    A row that starts in Chinese (a description, not a name) yields nothing.
    """
    text = unicodedata.normalize("NFKC", chemical_name or "").strip()
    m = _TRAILING_GROUP.search(text)
    if m is None or has_cjk(text[: m.start()]):
        return ()
    group = m.group(1).strip()
    if not has_cjk(group) or re.search(r"[A-Za-z]", group):
        return ()
    names: list[str] = []
    for part in re.split(r"[;；、]", group):
        part = part.strip()
        if not part:
            continue
        names.append(part)
        if "," in part:  # "蛇根木,生物鹼及其鹽類": the plant the entry is about
            names.append(part.split(",", 1)[0].strip())
        inner = re.fullmatch(r"([^()]+)\(([^()]+)\)", part)
        if inner:
            names += [inner.group(1).strip(), inner.group(2).strip()]
    return tuple(dict.fromkeys(n for n in names if has_cjk(n)))


def entry_chinese_names(entry: RegulatedEntry) -> tuple[str, ...]:
    """Chinese names of a TW entry (the EU annexes carry none)."""
    if entry.jurisdiction != "TW":
        return ()
    return chinese_names(entry.chemical_name)
