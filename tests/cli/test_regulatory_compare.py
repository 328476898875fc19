"""`pifai regulatory compare` over the shipped TFDA and CosIng snapshots (issue 19 item 7)."""

from typer.testing import CliRunner

from app.cli import app
from tests.regulatory_corpus.runner import cosing_dir, tfda_dir


def test_compare_prints_a_table_and_the_figures() -> None:
    args = ["regulatory", "compare", "--tw-dir", str(tfda_dir()), "--cosing-dir", str(cosing_dir())]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.splitlines()[0].split()[:3] == ["kind", "substance", "CAS"]
    assert "TW entries 1081" in out and "tw_limit_higher" in out
    assert "Kojic acid" in out and "EU Annex III/375" in out
    assert "prohibited (prohibited in hair-dye products only)" in out  # a conditional TW ban
