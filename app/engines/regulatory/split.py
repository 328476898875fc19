"""A formula line naming two (or more) substances: "Methylparaben / Propylparaben", "A + B".

Such a line is split so that no part escapes checking (issue 12 item 9). The shares of the parts
are unknown, so each part is checked at the line's whole amount (an upper bound: the strictest
reading, principle P5) and the line is flagged to be written one substance per line.

A separator with spaces around it (" / ", " + ", " & ", " and ") always splits; one without
spaces ("A/B", "A+B") splits only when every part is a known name, since INCI copolymer names
use a bare slash ("VP/VA Copolymer", "Acrylates/C10-30 Alkyl Acrylate Crosspolymer"); so does
any separator on a line that carries a CAS. An INCI "(and)" mixture name, a name that is itself
known and an entry's own wording ("X and its salts") are never split.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# "X and its salts", "X and their esters": one entry's wording, not a second substance
_CLASS_TAIL = re.compile(r"^(?:its|their|the)\b|^(?:salts?|esters?|compounds?|derivatives?)$", re.I)
_SPACED = re.compile(r"\s+(?:\+|&|/|and)\s+(?![^()]*\))", re.IGNORECASE)
_BARE = re.compile(r"\s*[+/＋／]\s*(?![^()]*\))")


def split_substances(
    name: str, known: Callable[[str], bool], *, strict: bool = False
) -> tuple[str, ...]:
    """The parts of a line naming several substances; () when it names one.

    `strict` (the line carries a CAS, which names one substance): split only when every part
    is a known name.
    """
    text = (name or "").strip()
    if not text or "(and)" in text.casefold() or known(text):
        return ()
    parts = [p.strip() for p in _SPACED.split(text) if p.strip()]
    if any(_CLASS_TAIL.search(p) for p in parts[1:]):
        return ()
    if strict and not all(known(p) for p in parts):
        parts = parts[:1]
    if len(parts) > 1:
        # a spaced part may still hold bare slashes between known names ("A/B + C")
        out: list[str] = []
        for p in parts:
            out += list(split_substances(p, known, strict=strict) or (p,))
        return tuple(out)
    bare = [p.strip() for p in _BARE.split(text) if p.strip()]
    if len(bare) > 1 and all(known(p) for p in bare):
        return tuple(bare)
    return ()
