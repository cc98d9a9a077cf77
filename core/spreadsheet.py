"""A table as an Office Open XML workbook (``.xlsx``), the file Excel, LibreOffice and pandas open as it is;
and CSV cells that a spreadsheet never runs as formulas.

A CSV file opened by double-click in Excel is read in the machine's code page (Chinese and Cyrillic
names garbled) and its numbers by the machine's locale; a workbook has neither problem. The writer is
the smallest workbook the format allows (ECMA-376 part 1, SpreadsheetML): one sheet per table, cells
as inline strings or numbers, no styles, no shared strings. Nothing outside the standard library.

>>> import io, zipfile
>>> data = workbook([Sheet("Results", ["name", "n"], [["Su-27SK", 24], ["歼-11", None]])])
>>> sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())[:2]
['[Content_Types].xml', '_rels/.rels']

A workbook's text cells are inline strings, which a spreadsheet never reads as formulas. A CSV file's
cells are read as what they look like: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is taken as a formula, and a formula can fetch URLs or, in older spreadsheets, run
commands ("CSV Injection", OWASP: https://owasp.org/www-community/attacks/CSV_Injection). The CSV
files meant for spreadsheets (the pages' downloads and the JSON API's CSV, not the SPARQL CSV results
of ``/sparql``, which the W3C format fixes byte for byte) write every cell through
:func:`spreadsheet_cell`, which puts a single quote before such a cell, as OWASP advises; a spreadsheet
shows the text without the quote. Unlike OWASP's advice, a cell that is a plain decimal number
(``-12``, ``+3.5``, ``-1.5e3``) is left alone: it is read as that number and nothing else, and
quoting it would turn every negative number of a numeric column into text.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

__all__ = [
    "FORMULA_STARTS",
    "XLSX_MEDIA_TYPE",
    "Sheet",
    "neutralize_csv",
    "spreadsheet_cell",
    "spreadsheet_csv",
    "workbook",
]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

Cell = str | int | float | None

#: The first characters that make a spreadsheet read a CSV cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_cell(value: Cell) -> Cell:
    r"""``value`` as a CSV cell that no spreadsheet runs: text that starts like a formula gets a leading
    single quote; a plain decimal number, a number and anything else are left as they are.

    >>> [spreadsheet_cell(v) for v in ['=1+1', '+cmd', '@SUM(A1)', '-2+3', '\tx', 'J-11', '-12', '+3.5', -7, None]]
    ["'=1+1", "'+cmd", "'@SUM(A1)", "'-2+3", "'\tx", 'J-11', '-12', '+3.5', -7, None]
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def spreadsheet_csv(rows: Iterable[Iterable[Cell]], *, lineterminator: str = "\r\n") -> str:
    r"""``rows`` (the header first) as CSV text, every cell through :func:`spreadsheet_cell`.

    >>> spreadsheet_csv([["name", "tiv"], ["=HYPERLINK(\"http://x\")", -1.5]])
    'name,tiv\r\n"\'=HYPERLINK(""http://x"")",-1.5\r\n'
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerows([spreadsheet_cell(c) for c in row] for row in rows)
    return out.getvalue()


def neutralize_csv(text: str) -> str:
    r"""CSV ``text`` (SPARQL CSV results, say) with every cell through :func:`spreadsheet_cell`; text
    with no cell to change is returned as it is.

    >>> neutralize_csv("label,n\r\n@SUM(1),-3\r\nJ-11,4\r\n")
    "label,n\r\n'@SUM(1),-3\r\nJ-11,4\r\n"
    >>> neutralize_csv("label\r\nJ-11\r\n")
    'label\r\nJ-11\r\n'
    """
    rows = list(csv.reader(io.StringIO(text, newline="")))
    safe = [[spreadsheet_cell(c) for c in row] for row in rows]
    if safe == rows:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    return spreadsheet_csv(safe, lineterminator=newline)


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name (at most 31 characters, as Excel allows), a header row and the rows."""

    name: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def _column(index: int) -> str:
    """The column letters of a 0-based index: 0 is A, 26 is AA.

    >>> _column(0), _column(25), _column(26), _column(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: Cell) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    text = escape(_NOT_XML.sub("", str(value)))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _sheet_xml(sheet: Sheet) -> str:
    rows = [sheet.headers, *sheet.rows]
    body = "".join(
        f'<row r="{r + 1}">' + "".join(_cell(f"{_column(c)}{r + 1}", v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows)
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}"><sheetData>{body}</sheetData></worksheet>'


def _names(sheets: Sequence[Sheet]) -> list[str]:
    names: list[str] = []
    for sheet in sheets:
        name = _SHEET_NAME_BAD.sub(" ", sheet.name)[:31] or "Sheet"
        while name in names:
            name = name[:28] + f" {len(names)}"
        names.append(name)
    return names


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The ``.xlsx`` file of ``sheets`` (at least one), first sheet active.

    Numbers (``int``, ``float``) are written as numbers, ``bool`` as booleans, everything else as text;
    ``None`` and the empty string leave the cell empty.
    """
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    names = _names(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
        f'xmlns:r="{_REL}"><sheets>'
        + "".join(
            f'<sheet name="{escape(n, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
            for i, n in enumerate(names, 1)
        )
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Relationships>",
    }
    for i, sheet in enumerate(sheets, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet_xml(sheet)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return out.getvalue()
