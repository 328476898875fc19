"""Fuzzy matches and candidates from the trigram shortlist against scoring every name."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from rapidfuzz import fuzz, process

from app.engines.formula.inci import IngredientDictionary, IngredientEntry
from app.engines.substance.names import normalize_name

INVENTORY = Path("app/data/cosing/cosing_inventory_simplified.csv")
SAMPLE = 150


def _shipped_dictionary() -> IngredientDictionary:
    with INVENTORY.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return IngredientDictionary(IngredientEntry(r["inci_name"]) for r in rows if r["inci_name"])


def _typo(name: str, rng: random.Random) -> str:
    i = rng.randrange(len(name) - 1)
    if rng.random() < 0.5:
        return name[:i] + name[i + 1 :]  # a letter dropped
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # two letters swapped


def test_shortlisted_matching_agrees_with_scoring_every_name() -> None:
    dictionary = _shipped_dictionary()
    choices = dictionary._choices
    assert len(choices) > 28_000
    rng = random.Random(20)
    names = rng.sample([c for c in choices if len(c) >= 6], SAMPLE)
    same_match = same_top_candidate = 0
    for name in names:
        typo = _typo(name, rng)
        key = normalize_name(typo)
        cutoff = 92.0 if len(key) < 8 else 85.0
        full = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        fast = dictionary.match(typo)
        same_match += (fast.inci_name if fast.method != "none" else None) == (
            dictionary.match(full[0]).inci_name if full else None
        ) or fast.method in ("exact", "synonym")
        best = process.extract(key, choices, scorer=fuzz.WRatio, limit=1)[0][0]
        candidates = dictionary.candidates(typo, limit=3)
        same_top_candidate += dictionary.match(best).inci_name in candidates
    assert same_match >= 0.98 * SAMPLE, same_match
    assert same_top_candidate >= 0.95 * SAMPLE, same_top_candidate
