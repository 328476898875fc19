"""A trigram inverted index: the few hundred names worth scoring for a misspelt one.

Scoring every one of ~29k names with rapidfuzz costs 40-85 ms a query and holds the GIL for all
of it. A misspelling leaves most trigrams of the true name intact, and the rare ones select it:
the postings of the query's rarest trigrams, up to a budget, make the shortlist that is scored.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

BUDGET = 3000  # names shortlisted per query at most (once the rarest trigram's postings are in)


def trigrams(key: str) -> set[str]:
    """The key's trigrams, padded with a space so word starts and ends count."""
    padded = f" {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class TrigramIndex:
    """Positions in `keys` sharing the query's rarest trigrams."""

    def __init__(self, keys: Sequence[str]) -> None:
        # array('I'): 4 bytes a posting (a list of ints takes 8 and the int objects).
        self._postings: dict[str, array[int]] = {}
        for i, key in enumerate(keys):
            for gram in trigrams(key):
                posting = self._postings.get(gram)
                if posting is None:
                    posting = self._postings[gram] = array("I")
                posting.append(i)

    def shortlist(self, key: str, budget: int = BUDGET) -> list[int]:
        """Sorted positions (index order keeps ties going to the earlier key)."""
        lists = sorted((p for p in map(self._postings.get, trigrams(key)) if p), key=len)
        ids: set[int] = set()
        taken = 0
        for posting in lists:  # rarest first
            if taken and taken + len(posting) > budget:
                break
            ids.update(posting)
            taken += len(posting)
        return sorted(ids)
