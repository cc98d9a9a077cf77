"""Reading SIPRI's arms-transfer exports: the two file layouts, into one deal record.

SIPRI publishes its Arms Transfers Database in two CSV layouts, both after a preamble of about
eleven lines (title, conventions, ``Source: SIPRI Arms Transfers Database``, ``Data generated: ...``):

- ``Layout.TRADE_REGISTER``, the legacy trade register (ISO-8859-1): one row per deal, columns read
  by position because three of them are named ``' '``; each of those holds ``?`` when the value to
  its left (year of order, number ordered, number delivered) is uncertain, and ``Year(s) of
  delivery`` lists years separated by ``'; '``. Two rows of the 2024 register are broken by an
  unquoted newline at the end of the Comments field (a 13-field line followed by a 4-field line);
  they are rejoined and counted in ``Register.rejoined_lines``.
- ``Layout.CURRENT_EXPORT``, the current export (UTF-8): one row per deal and delivery year, keyed
  by ``SIPRI AT Database ID``. Rows are grouped by that id into one deal. This layout has no number
  ordered, no comments and no TIV of the total order.

The layout is detected from the header line and the encoding by trying UTF-8 before ISO-8859-1.
Anything else that does not fit raises ``LoadError`` with the file, line and column. The records
read (:class:`~dragonbear.loaders.sipri_deals.Deal`, :class:`~dragonbear.loaders.sipri_deals.Register`)
are in ``sipri_deals``, the typed access to a row's fields in ``sipri_rows``.
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from dragonbear.errors import LoadError
from dragonbear.loaders.sipri_deals import Deal, Layout, Register
from dragonbear.loaders.sipri_rows import Row, canonical_decimal, field_column, read_records
from dragonbear.namespaces import slugify

__all__ = [
    "CURRENT_HEADER",
    "LEGACY_HEADER",
    "read_register",
    "rejoin_fields",
]

LEGACY_HEADER = (
    "Recipient",
    "Supplier",
    "Year of order",
    " ",
    "Number ordered",
    " ",
    "Weapon designation",
    "Weapon description",
    "Number delivered",
    " ",
    "Year(s) of delivery",
    "status",
    "Comments",
    "SIPRI TIV per unit",
    "SIPRI TIV for total order",
    "SIPRI TIV of delivered weapons",
)
CURRENT_HEADER = (
    "SIPRI AT Database ID",
    "Supplier",
    "Recipient",
    "Designation",
    "Description",
    "Armament category",
    "Order date",
    "Order date is estimate",
    "Numbers delivered",
    "Numbers delivered is estimate",
    "Delivery year",
    "Delivery year is estimate",
    "Status",
    "SIPRI estimate",
    "TIV deal unit",
    "TIV delivery values",
    "Local production",
)

# Source keys of the releases the project cites by a short name; other files get sipri-at-{date}.
_RELEASE_KEYS = {date(2024, 10, 13): "sipri-at-2024"}
_HEADER_SEARCH_LINES = 40
_ORDER_DATE = re.compile(r"(\d{4})(?:-\d{2}(?:-\d{2})?)?")
_GENERATED = re.compile(r"(?:generated|created)\W*(\d{1,2} [A-Za-z]{3,9} \d{4}|\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def read_register(path: Path) -> Register:
    """Read a SIPRI trade register or current export, whichever layout ``path`` has.

    Args:
        path: the CSV file.

    Returns:
        The ``Register`` with one ``Deal`` per deal, in file order.

    Raises:
        LoadError: the file cannot be read, has no recognizable header, or a row is malformed
            (wrong number of fields, a non-numeric year or number, an unknown flag or status).

    >>> from pathlib import Path
    >>> reg = read_register(Path("tests/data/sipri/legacy-sample.csv"))
    >>> reg.layout.value, reg.source_key, reg.deals[0].designation
    ('trade-register', 'sipri-at-2024', 'Su-35S')
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read SIPRI file: {exc.strerror or exc}", path=path) from exc
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = raw.decode("iso-8859-1"), "iso-8859-1"
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line.removesuffix("\r") for line in lines]
    header_index, layout = _find_header(lines, path)
    preamble = tuple(lines[:header_index])
    issued = _issued_date(preamble)
    register = Register(
        path=path,
        layout=layout,
        encoding=encoding,
        preamble=preamble,
        header_line=header_index + 1,
        source_key=_source_key(issued, path),
        issued=issued,
    )
    if layout is Layout.TRADE_REGISTER:
        _read_trade_register(lines, header_index, register)
    else:
        _read_current_export(lines, header_index, register)
    return register


def _find_header(lines: list[str], path: Path) -> tuple[int, Layout]:
    for index, line in enumerate(lines[:_HEADER_SEARCH_LINES]):
        try:
            fields = next(csv.reader([line]), [])
        except csv.Error:  # a preamble line that is not CSV (a stray carriage return): not the header
            continue
        if not fields:
            continue
        first = fields[0].strip()
        if first in (LEGACY_HEADER[0], CURRENT_HEADER[0]):
            layout = Layout.TRADE_REGISTER if first == LEGACY_HEADER[0] else Layout.CURRENT_EXPORT
            expected = LEGACY_HEADER if layout is Layout.TRADE_REGISTER else CURRENT_HEADER
            for position, name in enumerate(expected):
                found = fields[position] if position < len(fields) else None
                if found is None or found.strip().casefold() != name.strip().casefold():
                    raise LoadError(
                        f"header of the {layout.value} layout: expected {name!r} as field {position + 1},"
                        f" found {'end of line' if found is None else repr(found)}",
                        path=path,
                        line=index + 1,
                        column=field_column(line, position),
                    )
            if len(fields) > len(expected):
                raise LoadError(
                    f"header has {len(fields)} fields, expected {len(expected)}",
                    path=path,
                    line=index + 1,
                    column=field_column(line, len(expected)),
                )
            return index, layout
    first_data = next((i for i, line in enumerate(lines) if line.count(",") >= 5), len(lines))
    raise LoadError(
        "missing header: expected a line starting 'Recipient,Supplier,' (trade register)"
        " or 'SIPRI AT Database ID,' (current export)",
        path=path,
        line=first_data + 1,
        column=1,
    )


def _issued_date(preamble: tuple[str, ...]) -> date | None:
    for line in preamble:
        match = _GENERATED.search(line)
        if match:
            value = match.group(1)
            for fmt in ("%Y-%m-%d", "%d %b %Y", "%d %B %Y"):
                try:
                    return datetime.strptime(value, fmt).date()
                except ValueError:
                    continue
    return None


def _source_key(issued: date | None, path: Path) -> str:
    if issued is None:
        return f"sipri-at-{slugify(path.stem)}"
    return _RELEASE_KEYS.get(issued, f"sipri-at-{issued.isoformat()}")


def _read_trade_register(lines: list[str], header_index: int, register: Register) -> None:
    width = len(LEGACY_HEADER)
    records = read_records(lines, header_index + 1, register.path)
    rejoined: list[int] = []
    path = register.path
    index = 0
    while index < len(records):
        line, fields = records[index]
        index += 1
        if not fields:
            continue
        if len(fields) < width and index < len(records):
            next_line, rest = records[index]
            if len(fields) + len(rest) - 1 == width:
                # An unquoted newline inside a field: the two lines are one row.
                fields = rejoin_fields(fields, rest)
                rejoined.append(line)
                index += 1
                register.deals.append(_legacy_deal(Row(fields, line, path, lines[line - 1]), (line, next_line)))
                continue
        if len(fields) != width:
            raise LoadError(
                f"expected {width} fields, found {len(fields)}",
                path=path,
                line=line,
                column=field_column(lines[line - 1], min(len(fields), width)),
            )
        register.deals.append(_legacy_deal(Row(fields, line, path, lines[line - 1]), (line,)))
    register.rows = len(records)
    register.rejoined_lines = tuple(rejoined)


def rejoin_fields(first: list[str], second: list[str]) -> list[str]:
    """The fields of a row broken in two by a newline inside the last field of ``first``.

    >>> rejoin_fields(["a", "b", "comment"], ["", "1"])
    ['a', 'b', 'comment', '1']
    """
    head, tail = first[-1].rstrip(), second[0].strip()
    return [*first[:-1], f"{head} {tail}" if head and tail else head or tail, *second[1:]]


def _legacy_deal(row: Row, lines: tuple[int, ...]) -> Deal:
    return Deal(
        lines=lines,
        recipient=row.text_at(0, "recipient", required=True),
        supplier=row.text_at(1, "supplier", required=True),
        order_year=row.year(2, "Year of order"),
        order_year_uncertain=row.flag(3, "uncertainty of the year of order"),
        quantity_ordered=row.count(4, "Number ordered"),
        quantity_ordered_uncertain=row.flag(5, "uncertainty of the number ordered"),
        designation=row.text_at(6, "weapon designation", required=True),
        description=row.text_at(7, "weapon description"),
        quantity_delivered=row.count(8, "Number delivered"),
        quantity_delivered_uncertain=row.flag(9, "uncertainty of the number delivered"),
        delivery_years=row.years(10, "Year(s) of delivery"),
        delivery_years_uncertain=None,
        status=row.status(11),
        comments=row.text_at(12, "comments"),
        tiv_per_unit=row.decimal(13, "SIPRI TIV per unit"),
        tiv_total_order=row.decimal(14, "SIPRI TIV for total order"),
        tiv_delivered=row.decimal(15, "SIPRI TIV of delivered weapons"),
    )


# Columns of the current export that are the same on every row of a deal.
_DEAL_COLUMNS = (1, 2, 3, 4, 5, 6, 7, 12, 14, 16)


def _read_current_export(lines: list[str], header_index: int, register: Register) -> None:
    width = len(CURRENT_HEADER)
    path = register.path
    groups: dict[str, list[Row]] = {}
    records = read_records(lines, header_index + 1, path)
    for line, fields in records:
        if not fields:
            continue
        row = Row(fields, line, path, lines[line - 1])
        if len(fields) != width:
            raise LoadError(
                f"expected {width} fields, found {len(fields)}",
                path=path,
                line=line,
                column=field_column(lines[line - 1], min(len(fields), width)),
            )
        deal_id = row.text_at(0, "SIPRI AT Database ID", required=True)
        group = groups.setdefault(deal_id, [])
        if group:
            first = group[0]
            for column in _DEAL_COLUMNS:
                if fields[column].strip() != first.fields[column].strip():
                    raise row.error(
                        column,
                        f"deal {deal_id}: {CURRENT_HEADER[column]} {fields[column]!r}"
                        f" differs from {first.fields[column]!r} on line {first.line}",
                    )
        group.append(row)
    register.rows = len(records)
    register.deals.extend(_current_deal(deal_id, rows) for deal_id, rows in groups.items())


def _current_deal(deal_id: str, rows: list[Row]) -> Deal:
    first = rows[0]
    years: set[int] = set()
    delivered: int | None = None
    tiv_delivered: Decimal | None = None
    delivered_uncertain = years_uncertain = False
    for row in rows:
        year = row.year(10, "Delivery year")
        if year is not None:
            years.add(year)
        number = row.count(8, "Numbers delivered")
        if number is not None:
            delivered = (delivered or 0) + number
        value = row.decimal(15, "TIV delivery values")
        if value is not None:
            tiv_delivered = (tiv_delivered or Decimal(0)) + Decimal(value)
        delivered_uncertain |= row.flag(9, "Numbers delivered is estimate")
        years_uncertain |= row.flag(11, "Delivery year is estimate")
        row.text_at(13, "SIPRI estimate")  # no documented meaning; read but not used
    local = first.fields[16].strip()
    return Deal(
        lines=tuple(row.line for row in rows),
        deal_id=deal_id,
        supplier=first.text_at(1, "supplier", required=True),
        recipient=first.text_at(2, "recipient", required=True),
        designation=first.text_at(3, "designation", required=True),
        description=first.text_at(4, "description"),
        armament_category=first.text_at(5, "armament category") or None,
        order_year=first.year(6, "Order date", _ORDER_DATE),
        order_year_uncertain=first.flag(7, "Order date is estimate"),
        quantity_ordered=None,
        quantity_ordered_uncertain=None,
        quantity_delivered=delivered,
        quantity_delivered_uncertain=delivered_uncertain,
        delivery_years=tuple(sorted(years)),
        delivery_years_uncertain=years_uncertain,
        status=first.status(12),
        tiv_per_unit=first.decimal(14, "TIV deal unit"),
        tiv_delivered=None if tiv_delivered is None else canonical_decimal(tiv_delivered),
        local_production=first.flag(16, "Local production") if local else None,
    )
