"""The rows of a SIPRI export: typed access to their fields, with errors that name file, line and column.

:func:`read_records` cuts the lines after a header into CSV records; a :class:`Row` reads one
record's years, numbers, TIV figures (as canonical ``xsd:decimal`` text), flags and status, and
:func:`field_column` finds where a field starts for the error. Both layouts of
:mod:`dragonbear.loaders.sipri_layouts` read their rows with them.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

from dragonbear.errors import LoadError

__all__ = ["STATUSES", "Row", "canonical_decimal", "field_column", "read_records"]

STATUSES = ("New", "Second hand", "Second hand but modernized")
_YEAR = re.compile(r"\d{4}")
_INT = re.compile(r"\d+")
_DECIMAL = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_CANONICAL_DECIMAL = re.compile(r"(?:0|[1-9]\d*)(?:\.\d*[1-9])?")  # non-negative, no trailing zeros
_FLAGS = {
    **dict.fromkeys(("yes", "y", "true", "1", "?", "Yes", "True"), True),
    **dict.fromkeys(("", "no", "n", "false", "0", "No", "False"), False),
}
_STATUS_NAMES = {**{s: s for s in STATUSES}, **{s.casefold(): s for s in STATUSES}}


def field_column(line: str, field_index: int) -> int:
    """1-based character column where field ``field_index`` of ``line`` starts (or end of line)."""
    position, in_quotes = 0, False
    for char_index, char in enumerate(line):
        if char == '"':
            in_quotes = not in_quotes
        elif char == "," and not in_quotes:
            position += 1
            if position == field_index:
                return char_index + 2
    return 1 if field_index == 0 else len(line) + 1


def read_records(lines: list[str], start: int, path: Path) -> list[tuple[int, list[str]]]:
    """CSV records after line index ``start``, with the 1-based line each begins on."""
    reader = csv.reader(io.StringIO("\n".join(lines[start:])))
    records: list[tuple[int, list[str]]] = []
    line_before = 0
    try:
        for fields in reader:
            records.append((start + line_before + 1, fields))
            line_before = reader.line_num
    except csv.Error as exc:
        raise LoadError(f"not CSV: {exc}", path=path, line=start + reader.line_num) from exc
    return records


class Row:
    """Field access with errors that name the file, line and column.

    Each accessor tries the common, clean form of a value first and falls back to stripping and
    checking it, so that a clean register is read at CSV speed.
    """

    __slots__ = ("fields", "line", "path", "text")

    def __init__(self, fields: list[str], line: int, path: Path, text: str) -> None:
        self.fields, self.line, self.path, self.text = fields, line, path, text

    def error(self, index: int, message: str) -> LoadError:
        return LoadError(message, path=self.path, line=self.line, column=field_column(self.text, index))

    def text_at(self, index: int, name: str, *, required: bool = False) -> str:
        value = self.fields[index].strip()
        if required and not value:
            raise self.error(index, f"empty {name}")
        return value

    def year(self, index: int, name: str, pattern: re.Pattern[str] = _YEAR) -> int | None:
        value = self.fields[index]
        if len(value) == 4 and value.isdigit():
            return int(value)
        value = value.strip()
        if not value:
            return None
        match = pattern.fullmatch(value)
        if match is None:
            raise self.error(index, f"{name} is not a year: {value!r}")
        return int(match.group(1) if match.groups() else value)

    def years(self, index: int, name: str) -> tuple[int, ...]:
        value = self.fields[index]
        if not value:
            return ()
        parts = value.split("; ")
        if not all(len(part) == 4 and part.isdigit() for part in parts):
            parts = [part.strip() for part in value.split(";")]
            for part in parts:
                if not _YEAR.fullmatch(part):
                    raise self.error(index, f"{name}: {part!r} is not a year")
        years = [int(part) for part in parts]
        return tuple(years) if years == sorted(set(years)) else tuple(sorted(set(years)))

    def count(self, index: int, name: str) -> int | None:
        value = self.fields[index]
        if value.isdigit():
            return int(value)
        value = value.strip()
        if not value:
            return None
        if not _INT.fullmatch(value):
            raise self.error(index, f"{name} is not a whole number: {value!r}")
        return int(value)

    def decimal(self, index: int, name: str) -> str | None:
        value = self.fields[index]
        if _CANONICAL_DECIMAL.fullmatch(value):
            return value
        value = value.strip()
        if not value:
            return None
        if not _DECIMAL.fullmatch(value):
            raise self.error(index, f"{name} is not a number: {value!r}")
        return canonical_decimal(Decimal(value))

    def flag(self, index: int, name: str) -> bool:
        value = self.fields[index]
        known = _FLAGS.get(value)
        if known is not None:
            return known
        known = _FLAGS.get(value.strip().lower())
        if known is not None:
            return known
        raise self.error(index, f"{name}: expected '?' or yes/no, found {value!r}")

    def status(self, index: int) -> str | None:
        value = self.fields[index]
        known = _STATUS_NAMES.get(value) or _STATUS_NAMES.get(value.strip().casefold())
        if known is not None:
            return known
        if not value.strip():
            return None
        raise self.error(index, f"unknown status {value!r}; expected one of {', '.join(STATUSES)}")


def canonical_decimal(value: Decimal) -> str:
    """The canonical lexical form of an ``xsd:decimal``: no exponent, no trailing zeros.

    >>> canonical_decimal(Decimal("27.50")), canonical_decimal(Decimal("3.0")), canonical_decimal(Decimal("0"))
    ('27.5', '3', '0')
    """
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"
