"""Finding messages in zh-TW (default of the API) or en (issue 19 item 6).

The engine writes every message in English from a fixed set of sentence forms; this module maps
each form onto its zh-TW wording. Quoted list text (TFDA clauses, references, amounts) is kept as
it is. A sentence with no zh-TW form stays in English rather than being guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.engines.regulatory.findings import CheckReport, Finding

LANGUAGES = ("zh-TW", "en")
DEFAULT_LANGUAGE = "zh-TW"

_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.DOTALL), r)
    for p, r in (
        (
            r"^Prohibited substance \((?P<ref>[^)]*)\)\.(?P<rest>.*)$",
            "禁止使用成分({ref})。\\g<rest>",
        ),
        (
            r"^Prohibited in hair-dye products \((?P<ref>.*?): 不得使用於染髮用途化粧品\)\.$",
            "染髮產品禁止使用(\\g<ref>:不得使用於染髮用途化粧品)。",
        ),
        (
            r"^(?P<ref>.*?) bans it only in hair-dye products(?: \(不得使用於染髮用途化粧品\))?;"
            r" this product is not one \(kind is not hair_dye\)\.$",
            "\\g<ref> 僅禁止用於染髮產品;本產品非染髮產品。",
        ),
        (
            r"^(?P<shown>.*?) exceeds the (?P<lim>[\d.]+) %(?P<as>(?: as \S+)?) limit of "
            r"(?P<ref>.*)\.$",
            "\\g<shown> 超過 \\g<ref> 之限量 \\g<lim> %\\g<as>。",
        ),
        (
            r"^Not permitted in this product: (?P<ref>.*?) allows it only in (?P<x>.*)\.$",
            "本產品不得使用:\\g<ref> 僅允許用於 \\g<x>。",
        ),
        (
            r"^Use restriction of (?P<ref>.*?) is broken by the product description: (?P<x>.*)$",
            "違反 \\g<ref> 之使用限制:\\g<x>",
        ),
        (
            r"^Required label text \((?P<ref>.*?)\): (?P<x>.*)$",
            "應加註之警語或注意事項(\\g<ref>):\\g<x>",
        ),
        (
            r"^Listed in (?P<ref>.*?) but the concentration is unknown; review required\.$",
            "列於 \\g<ref>,但濃度未知;需審查。",
        ),
        (
            r"^(?P<ref>.*?) states a condition that is not evaluated automatically; review it "
            r"\(kept verbatim\): (?P<x>.*)$",
            "\\g<ref> 所列條件無法自動判定,請審查(原文):\\g<x>",
        ),
        (
            r"^(?P<ref>.*?) states a limit that cannot be compared automatically: (?P<x>.*); "
            r"review required\.$",
            "\\g<ref> 之限量無法自動比較:\\g<x>;需審查。",
        ),
        (
            r"^Declared as (?P<f>\w+) but not on the (?P<j>\w+) (?P<l>\w+) list\.$",
            "宣稱為 \\g<f>,但未列於 \\g<j> \\g<l> 表。",
        ),
        (r"^Unidentified line (?P<x>.*)$", "無法辨識之成分 \\g<x>"),
    )
)
_ADVISORY = (
    (
        re.compile(r"^Advisory \(TFDA limit (?P<x>[\d.]+) % is met\): "),
        "建議(已符合 TFDA 限量 {x} %):",
    ),
    (
        re.compile(r"^Advisory \((?P<x>\w+) is not a target market of this check\): "),
        "建議({x} 非本次檢查之目標市場):",
    ),
)
_TAILS = (
    (
        " [provisional source: third-party parse, needs verification]",
        " [暫定來源:第三方解析,尚待與官方公告核對]",
    ),
    (
        " The note's trace-residue allowance is an impurity limit for unavoidable residues, not a "
        "permission to add the substance.",
        " 備註之微量殘留容許量為技術上無法避免之不純物限量,並非允許添加。",
    ),
)


@lru_cache(maxsize=2048)  # the same findings recur as a formula is checked again (issue 18)
def to_zh(message: str) -> str:
    for en, zh in _TAILS:
        if message.endswith(en):
            return to_zh(message[: -len(en)]) + zh
    for pattern, prefix in _ADVISORY:
        m = pattern.match(message)
        if m is not None:
            return prefix.format(x=m.group("x")) + to_zh(message[m.end() :])
    for form, repl in _FORMS:
        m = form.match(message)
        if m is not None:
            return m.expand(repl.replace("{ref}", "\\g<ref>"))
    return message


def localize(report: CheckReport, language: str) -> CheckReport:
    """The report with its finding messages in `language` (zh-TW or en)."""
    if language != "zh-TW":
        return report
    findings: list[Finding] = [
        f.model_copy(update={"message": to_zh(f.message)}) for f in report.findings
    ]
    return report.model_copy(update={"findings": findings})


def language_from_header(accept_language: str | None) -> str:
    """zh-TW unless the caller's first preference is English (`Accept-Language: en`)."""
    first = (accept_language or "").split(",")[0].split(";")[0].strip().casefold()
    return "en" if first.startswith("en") else DEFAULT_LANGUAGE
