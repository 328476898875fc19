"""Pure regulatory engine: CosIng/TFDA list parsing, list diffs and formula checks."""

from app.engines.regulatory.check import check_formula, time_check_formula
from app.engines.regulatory.cosing_annex import AnnexFormatError, parse_annex_file
from app.engines.regulatory.diff import EntryDiff, diff_entries
from app.engines.regulatory.findings import CheckReport, Finding, FormulaLine, Summary
from app.engines.regulatory.index import RuleIndex
from app.engines.regulatory.models import RegulatedEntry, ScopedLimit, UseCategory
from app.engines.regulatory.textparse import parse_amounts, parse_decimal
from app.engines.regulatory.tw_list import TemplateError, parse_tw_file, parse_tw_rows

__all__ = [
    "AnnexFormatError",
    "CheckReport",
    "EntryDiff",
    "Finding",
    "FormulaLine",
    "RegulatedEntry",
    "RuleIndex",
    "ScopedLimit",
    "Summary",
    "TemplateError",
    "UseCategory",
    "check_formula",
    "diff_entries",
    "parse_amounts",
    "parse_annex_file",
    "parse_decimal",
    "parse_tw_file",
    "parse_tw_rows",
    "time_check_formula",
]
