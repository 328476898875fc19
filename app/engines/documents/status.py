"""Per-line TFDA / EU list status from regulatory findings (the ingredient table's columns)."""

from collections.abc import Iterable

from app.engines.documents.model import FindingFacts, Lang, LineStatus

JURISDICTIONS = ("TW", "EU")
# worst first; a kind not listed here does not show in the status columns
KINDS = (
    "prohibited",
    "over_limit",
    "sum_over_limit",
    "outside_permitted_use",
    "restriction_violated",
    "not_on_positive_list",
    "nano_not_permitted",
    "unidentified",
    "condition",
    "label_warning",
    "nanomaterial",
    "disclosure",
)
LABELS: dict[str, tuple[str, str]] = {
    "prohibited": ("禁用", "prohibited"),
    "over_limit": ("超過限量", "over limit"),
    "sum_over_limit": ("合計超量", "sum over limit"),
    "outside_permitted_use": ("超出允許用途", "outside permitted use"),
    "restriction_violated": ("違反限用條件", "restriction violated"),
    "not_on_positive_list": ("未列於正面表列", "not on positive list"),
    "nano_not_permitted": ("不得為奈米", "nano not permitted"),
    "unidentified": ("無法辨識", "unidentified"),
    "condition": ("條件待確認", "condition to review"),
    "label_warning": ("須標示警語", "label warning"),
    "nanomaterial": ("奈米材料", "nanomaterial"),
    "disclosure": ("須揭露", "disclosure"),
    "clear": ("未見限制", "no restriction found"),
}
ADVISORY = ("（參考）", " (advisory)")
PROVISIONAL = ("（暫定清單）", " (provisional list)")


def line_statuses(findings: Iterable[FindingFacts], line_count: int) -> list[LineStatus]:
    """One status per line 1..line_count: each jurisdiction's worst finding, binding first."""
    rank = {k: i for i, k in enumerate(KINDS)}
    best: dict[tuple[int, str], FindingFacts] = {}
    refs: dict[int, set[str]] = {}
    for f in findings:
        if f.kind not in rank:
            continue
        places = JURISDICTIONS if f.jurisdiction == "" else (f.jurisdiction,)
        for line in f.lines:
            refs.setdefault(line, set()).add(f.reference)
            for j in places:
                if j not in JURISDICTIONS:
                    continue
                held = best.get((line, j))
                key = (rank[f.kind], not f.binding)
                if held is None or key < (rank[held.kind], not held.binding):
                    best[(line, j)] = f
    out = []
    for line in range(1, line_count + 1):
        chosen = {j: best.get((line, j)) for j in JURISDICTIONS}
        out.append(
            LineStatus(
                line=line,
                status={j: f.kind if f else "clear" for j, f in chosen.items()},
                binding={j: f.binding if f else True for j, f in chosen.items()},
                provisional={j: f.provisional if f else False for j, f in chosen.items()},
                references=sorted(r for r in refs.get(line, set()) if r),
            )
        )
    return out


def status_text(status: LineStatus, jurisdiction: str, lang: Lang) -> str:
    index = 1 if lang == "en" else 0
    kind = status.status.get(jurisdiction, "clear")
    words = LABELS.get(kind, (kind, kind))[index]
    if kind != "clear" and not status.binding.get(jurisdiction, True):
        words += ADVISORY[index]
    if status.provisional.get(jurisdiction, False):
        words += PROVISIONAL[index]
    return words
