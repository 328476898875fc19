"""Curated rule data (app/data/regulatory): class membership, molecular weights, sum limits."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from app.engines.regulatory.substances import name_key

_FORMULA = re.compile(r"([A-Z][a-z]?)(\d*)")


@dataclass(frozen=True, slots=True)
class ClassRule:
    id: str
    entry: str  # e.g. "EU Annex II/221"
    gate: str
    title: str
    patterns: tuple[re.Pattern[str], ...]
    members: dict[str, str]  # CAS -> source
    member_names: dict[str, str]  # name key -> source

    def match(self, names: tuple[str, ...], cas: tuple[str, ...]) -> str | None:
        """Source that makes the substance a member, or None."""
        for c in cas:
            if c in self.members:
                return self.members[c]
        for n in names:
            key = name_key(n)
            if key in self.member_names:
                return self.member_names[key]
            for p in self.patterns:
                if p.search(key):
                    return f"name pattern {p.pattern!r} of class {self.id}"
        return None


@dataclass(frozen=True, slots=True)
class SumRule:
    id: str
    jurisdiction: str
    refs: tuple[str, ...]
    refs_with_text: str
    limit: float | None  # None: the applicable limit of `limit_from` for the product
    basis: str | None
    quote: str
    limit_from: str = ""  # e.g. "TFDA 化粧品成分使用限制表 no. 32" (a per-category group limit)
    min_parts: int = 2  # 1: the converted amount of a single line counts too ("以NaOH之重量計")
    # the rule holds only for these categories of `limit_from` (the clause is under "(a)")
    labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleData:
    classes: tuple[ClassRule, ...]
    sums: tuple[SumRule, ...]
    atomic_weights: dict[str, float]
    formulas: dict[str, dict[str, Any]]  # name key -> {"formula", "acid", "acid_count"}
    weights_source: str

    def mw(self, formula: str) -> float:
        return sum(
            self.atomic_weights[el] * (int(n) if n else 1) for el, n in _FORMULA.findall(formula)
        )

    def atoms(self, formula: str, element: str) -> int:
        return sum(int(n) if n else 1 for el, n in _FORMULA.findall(formula) if el == element)

    def factor(self, name: str, basis: str) -> tuple[float, str] | None:
        """Mass fraction of `basis` in the substance and how it was computed, if known."""
        rec = self.formulas.get(name_key(name))
        if rec is None:
            return None
        formula = rec["formula"]
        mw = self.mw(formula)
        equivalent = (rec.get("as") or {}).get(basis)
        if equivalent:  # expressed as the weight of another compound, mole for mole
            value = self.mw(equivalent) / mw
            how = (
                f"MW {equivalent} {self.mw(equivalent):.2f} / MW {formula} {mw:.2f} (mole for mole)"
            )
            return value, f"{how} ({self.weights_source}; formula per PubChem)"
        if basis == "acid":
            acid = rec.get("acid")
            if not acid:
                return None
            count = int(rec.get("acid_count", 1))
            value = count * self.mw(acid) / mw
            how = f"{count} x MW {acid} {self.mw(acid):.2f} / MW {formula} {mw:.2f}"
        else:
            n = self.atoms(formula, basis)
            if not n or basis not in self.atomic_weights:
                return None
            value = n * self.atomic_weights[basis] / mw
            how = f"{n} x {basis} {self.atomic_weights[basis]} / MW {formula} {mw:.2f}"
        return value, f"{how} ({self.weights_source}; formula per PubChem)"


def _read(name: str) -> Any:
    text = resources.files("app.data").joinpath("regulatory", name).read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def rule_data() -> RuleData:
    classes = tuple(
        ClassRule(
            id=c["id"],
            entry=c["entry"],
            gate=c["gate"],
            title=c["title"],
            patterns=tuple(re.compile(p) for p in c.get("name_patterns", ())),
            members={m["cas"]: m["source"] for m in c["members"] if m.get("cas")},
            member_names={name_key(m["name"]): m["source"] for m in c["members"]},
        )
        for c in _read("classes.json")["classes"]
    )
    sums = tuple(
        SumRule(
            id=g["id"],
            jurisdiction=g["jurisdiction"],
            refs=tuple(g.get("refs", ())),
            refs_with_text=g.get("refs_with_text", ""),
            limit=float(g["limit"]) if g.get("limit") is not None else None,
            basis=g.get("basis"),
            quote=g["quote"],
            limit_from=g.get("limit_from", ""),
            min_parts=int(g.get("min_parts", 2)),
            labels=tuple(g.get("labels", ())),
        )
        for g in _read("sums.json")["groups"]
    )
    conv = _read("conversions.json")
    weights = {k: float(v) for k, v in conv["atomic_weights"].items() if not k.startswith("_")}
    formulas = {name_key(k): v for k, v in conv["substances"].items()}
    return RuleData(classes, sums, weights, formulas, conv["atomic_weights"]["_source"])
