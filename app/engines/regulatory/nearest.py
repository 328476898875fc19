"""Nearest known names for an unidentified formula line: a trigram index, then rapidfuzz.

Scoring every one of the ~29k master and list names with `fuzz.ratio` cost 2-4 ms a line (issue
18: 22 unknown names made a 40-line check 49 ms of CPU). The index, built once with the checker,
takes the postings of the query's rarest trigrams up to `BUDGET` names (a misspelling leaves most
trigrams of the true name intact, and the rare ones select it) and scores only those. The answers
match the exhaustive scoring on misspelt master names (tests/engines/regulatory/test_nearest.py),
and a bounded LRU keyed by the normalised name answers the names a user sends again at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from operator import itemgetter

from app.engines.regulatory.substances import name_key
from app.engines.substance.trigrams import TrigramIndex

SCORE_CUTOFF = 60  # plain edit-distance ratio: candidates are for typos and near spellings
CACHE_SIZE = 4096  # distinct unknown names remembered per checker


class NearestNames:
    """Nearest names by `fuzz.ratio` on the name key; `names` in order of preference.

    Names with the same key are one candidate, shown as the first of them (the master's INCI
    before a list's spelling of it); equal scores go to the earlier name.
    """

    def __init__(self, names: Iterable[str]) -> None:
        first: dict[str, str] = {}
        for name in names:
            key = name_key(name)
            if key and key not in first:
                first[key] = name
        self._keys = list(first)
        self._names = list(first.values())
        self._index = TrigramIndex(self._keys)
        # Bounded LRU by (key, limit); a lock, since evaluations also run in worker threads.
        self._cache: OrderedDict[tuple[str, int], tuple[str, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def __len__(self) -> int:
        return len(self._keys)

    def search(self, name: str, limit: int = 3) -> tuple[str, ...]:
        """Up to `limit` nearest names scoring at least `SCORE_CUTOFF`, best first."""
        entry = (name_key(name), limit)
        with self._lock:
            found = self._cache.get(entry)
            if found is not None:
                self._cache.move_to_end(entry)
                self.hits += 1
                return found
        found = self._search(*entry)
        with self._lock:
            self._cache[entry] = found
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return found

    def is_cached(self, name: str, limit: int = 3) -> bool:
        """Whether `search` would answer from the cache (no scoring)."""
        return (name_key(name), limit) in self._cache

    def exhaustive(self, name: str, limit: int = 3) -> tuple[str, ...]:
        """The same answer by scoring every name (the reference the index is tested against)."""
        key = name_key(name)
        if not key:
            return ()
        from rapidfuzz import fuzz, process  # loaded on first use (issue 18: idle RSS)

        hits = process.extract(
            key, self._keys, scorer=fuzz.ratio, limit=limit, score_cutoff=SCORE_CUTOFF
        )
        return tuple(self._names[i] for _, _, i in hits)

    def _search(self, key: str, limit: int) -> tuple[str, ...]:
        if not key:
            return ()
        order = self._index.shortlist(key)
        if not order:
            return ()
        keys = [self._keys[order[0]]] if len(order) == 1 else itemgetter(*order)(self._keys)
        from rapidfuzz import fuzz, process  # loaded on first use (issue 18: idle RSS)

        hits = process.extract(key, keys, scorer=fuzz.ratio, limit=limit, score_cutoff=SCORE_CUTOFF)
        return tuple(self._names[order[j]] for _, _, j in hits)
