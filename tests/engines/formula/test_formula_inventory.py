from pathlib import Path

import pytest

from app.engines.formula.inventory import (
    InventoryFormatError,
    detect_layout,
    load_inventory_dictionary,
    parse_inventory,
)

OFFICIAL = Path(__file__).with_name("cosing_official_sample.csv")


def test_simplified_layout() -> None:
    text = (
        "inci_name,cas_number,einecs_number,function\n"
        'GLYCERIN,56-81-5,200-289-5,"Humectant, Solvent"\n'
        'BUTYLENE GLYCOL,107-88-0,"203-529-7 (i), 228-532-0 (ii)",Solvent\n'
        "PARFUM,,,Perfuming\n"
    )
    rows = list(parse_inventory(text))
    assert [r.inci_name for r in rows] == ["GLYCERIN", "BUTYLENE GLYCOL", "PARFUM"]
    assert rows[0].cas_numbers == ("56-81-5",)
    assert rows[0].functions == ("Humectant", "Solvent")
    assert rows[1].ec_numbers == ("203-529-7", "228-532-0")
    assert rows[2].cas_numbers == () and rows[2].ec_numbers == ()


def test_official_layout_fixture() -> None:
    rows = {r.inci_name: r for r in parse_inventory(OFFICIAL)}
    assert set(rows) == {"GLYCERIN", "TOCOPHEROL", "PARFUM", "AQUA", "LECITHIN"}
    toco = rows["TOCOPHEROL"]
    assert toco.cas_numbers == ("10191-41-0", "59-02-9", "54-28-4")
    assert toco.ec_numbers == ("233-466-0", "200-412-2", "200-201-5")
    assert toco.functions == ("Antioxidant", "Skin Conditioning")
    assert toco.description == "Tocopherol (all-rac- and RRR- forms) multi-line description"
    assert toco.cosing_ref == "38249"
    assert rows["PARFUM"].cas_numbers == () and rows["PARFUM"].ec_numbers == ()
    assert rows["AQUA"].cas_numbers == ("7732-18-5",)
    assert rows["LECITHIN"].restriction is None
    assert rows["GLYCERIN"].inn_name is None
    assert rows["GLYCERIN"].update_date == "06/05/2020"


def test_official_layout_dictionary() -> None:
    d = load_inventory_dictionary(OFFICIAL)
    assert d.match("tocopherol").entry is not None
    assert [e.inci_name for e in d.by_cas("54-28-4")] == ["TOCOPHEROL"]


def test_unknown_layout_rejected() -> None:
    with pytest.raises(InventoryFormatError):
        list(parse_inventory("a,b,c\n1,2,3\n"))
    assert detect_layout(["COSING Ref No", "INCI name", "CAS No"]) == "official"


def test_real_inventory(inventory_path: Path) -> None:
    rows = list(parse_inventory(inventory_path))
    assert len(rows) == 28712
    assert sum(1 for r in rows if r.cas_numbers) == 14107
