"""Split annex cells written as "(a) ... (b) ..." into per-category segments."""

from __future__ import annotations

import re

# "(a)", "a)" category letters and "(i)", "(ii)" sub-labels; letters stop at "n" (the
# longest real list, Annex III 324 methyl salicylate, ends at "(n)").
_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?:\((i{1,3}|iv|vi{0,3}|[a-n])\)|(?<!\()([a-n])\))")
_ROMAN = frozenset({"i", "ii", "iii", "iv", "v", "vi", "vii", "viii"})
# Text allowed between labels of one group: "(a) and (b):", "(a), (b)", "(a) to (e):".
_CONNECTOR = re.compile(r"[\s,:;&]*(?:and|to|or)?[\s,:;]*", re.IGNORECASE)
_RANGE = re.compile(r"\bto\b", re.IGNORECASE)
_TRAILING_FOR = re.compile(r"\bfor\s*$", re.IGNORECASE)


def category_root(label: str) -> str:
    """Category part of a label: "(a)(ii)" -> "(a)"."""
    return label[:3] if label.startswith("(") and len(label) >= 3 else label


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """Label tokens as (start, end, label) with sub-labels expanded to "(a)(i)"."""
    out: list[tuple[int, int, str]] = []
    current: str | None = None
    for match in _TOKEN.finditer(text):
        tok = match.group(1) or match.group(2)
        # "(i)" is the ninth category only right after "(h)"; otherwise a roman sub-label.
        is_letter = len(tok) == 1 and tok <= "n" and (tok != "i" or current in (None, "h"))
        if tok in _ROMAN and not is_letter:
            if current is None:
                continue
            out.append((match.start(), match.end(), f"({current})({tok})"))
        else:
            current = tok
            out.append((match.start(), match.end(), f"({tok})"))
    return out


def _expand(labels: list[str], gaps: list[str]) -> list[str]:
    """Expand "(a) to (e)" into (a), (b), ... (e); other groups are kept as listed."""
    out = [labels[0]]
    for label, gap in zip(labels[1:], gaps, strict=True):
        prev = out[-1]
        if _RANGE.search(gap) and len(prev) == 3 and len(label) == 3:
            out.extend(f"({chr(c)})" for c in range(ord(prev[1]) + 1, ord(label[1]) + 1))
        else:
            out.append(label)
    return out


def split_labelled(text: str) -> list[tuple[tuple[str, ...], str]]:
    """Segments of a cell as (labels, text); unlabelled preamble has labels ()."""
    text = text or ""
    tokens = _tokens(text)
    if not tokens:
        return [((), text.strip())] if text.strip() else []
    segments: list[tuple[tuple[str, ...], str]] = []
    preamble = _TRAILING_FOR.sub("", text[: tokens[0][0]]).strip()
    if preamble:
        segments.append(((), preamble))
    i = 0
    while i < len(tokens):
        group = [tokens[i][2]]
        gaps: list[str] = []
        end = tokens[i][1]
        j = i + 1
        # A category directly followed by its own sub-label ("(a) (i) 8%") opens a new run.
        while (
            j < len(tokens)
            and _CONNECTOR.fullmatch(text[end : tokens[j][0]])
            and not tokens[j][2].startswith(tokens[j - 1][2])
        ):
            gaps.append(text[end : tokens[j][0]])
            group.append(tokens[j][2])
            end = tokens[j][1]
            j += 1
        stop = tokens[j][0] if j < len(tokens) else len(text)
        body = _TRAILING_FOR.sub("", text[end:stop]).strip(" \n:;,")
        segments.append((tuple(_expand(group, gaps)), body))
        i = j
    return segments


def segments_by_label(text: str) -> tuple[str, dict[str, str]]:
    """Preamble text and a label -> text mapping (a label listed twice gets both texts)."""
    preamble_parts: list[str] = []
    by_label: dict[str, list[str]] = {}
    for labels, body in split_labelled(text):
        if not labels:
            preamble_parts.append(body)
        for label in labels:
            by_label.setdefault(label, []).append(body)
    return "\n".join(preamble_parts), {k: "\n".join(v) for k, v in by_label.items()}
