"""SIPRI's weapon designations and descriptions, mapped to the graph's systems and categories.

Two tables in ``core/data/sipri/`` own the mapping (never the curated system records):

- ``designations.csv`` (``designation,supplier,recipient,order_year,system,note``): a SIPRI designation,
  optionally constrained to a supplier and/or recipient (SIPRI names) and to a deal's year of order,
  maps to a canonical system id (``docs/canonical-ids.md``). The most specific matching row wins: a
  row with a year before any row without one (a year picks out deals, as when SIPRI's comment names
  the version delivered), then supplier and recipient, supplier only, recipient only, the designation
  alone. A table without the ``order_year`` column (the earlier layout) is read as having no years.
- ``descriptions.csv`` (``description,category``): SIPRI's weapon description maps to a concept of
  the ``dgb:SystemCategory`` scheme, the category given to systems that have no mapping.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from dragonbear.errors import LoadError

__all__ = ["FALLBACK_CATEGORY", "DesignationMap", "DesignationRule", "load_designation_map"]

FALLBACK_CATEGORY = "OtherEquipment"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CONCEPT = re.compile(r"[A-Z][A-Za-z0-9]*")
_DESIGNATION_COLUMNS = ["designation", "supplier", "recipient", "order_year", "system", "note"]
_DESIGNATION_COLUMNS_NO_YEAR = ["designation", "supplier", "recipient", "system", "note"]
_YEAR = re.compile(r"[12][0-9]{3}")
_DESCRIPTION_COLUMNS = ["description", "category"]


@dataclass(frozen=True, slots=True)
class DesignationRule:
    """One row of ``designations.csv``; empty constraints are ``None``."""

    designation: str
    supplier: str | None
    recipient: str | None
    system: str
    note: str = ""
    line: int = 0
    order_year: int | None = None

    @property
    def specificity(self) -> int:
        """4 for a year, plus 2 for a supplier and 1 for a recipient: 7 is the most specific.

        >>> DesignationRule("AL-31", "Russia", "China", "al-31fn", order_year=2000).specificity
        7
        >>> DesignationRule("AL-31", None, None, "al-31f").specificity
        0
        """
        year = 4 if self.order_year is not None else 0
        return year + (2 if self.supplier else 0) + (1 if self.recipient else 0)

    def matches(self, supplier: str, recipient: str, order_year: int | None) -> bool:
        """Whether a deal with these parties and year of order meets the row's constraints; a deal
        without a year of order meets no row that asks for one."""
        return (
            self.supplier in (None, supplier)
            and self.recipient in (None, recipient)
            and self.order_year in (None, order_year)
        )


@dataclass(slots=True)
class DesignationMap:
    """SIPRI designation -> canonical system id, and SIPRI description -> system category."""

    rules: dict[str, list[DesignationRule]] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)

    def rule_for(
        self, designation: str, supplier: str, recipient: str, order_year: int | None = None
    ) -> DesignationRule | None:
        """The most specific row that maps a deal's designation, or ``None``; arguments as for
        ``system_for``."""
        best: DesignationRule | None = None
        for rule in self.rules.get(designation, ()):
            if not rule.matches(supplier, recipient, order_year):
                continue
            if best is None or rule.specificity > best.specificity:
                best = rule
        return best

    def system_for(self, designation: str, supplier: str, recipient: str, order_year: int | None = None) -> str | None:
        """The canonical system id of a deal's designation, or ``None`` where nothing maps.

        Args:
            designation: SIPRI's designation of the deal's weapon.
            supplier: SIPRI's name of the supplier.
            recipient: SIPRI's name of the recipient.
            order_year: the deal's year of order; ``None`` (unknown) meets only rows without a year.

        >>> m = DesignationMap({"Su-27S": [DesignationRule("Su-27S", None, None, "su-27"),
        ...                                DesignationRule("Su-27S", "Russia", "China", "su-27sk"),
        ...                                DesignationRule("Su-27S", "Russia", "China", "su-27ubk",
        ...                                                order_year=1992)]})
        >>> m.system_for("Su-27S", "Russia", "China"), m.system_for("Su-27S", "Russia", "Viet Nam")
        ('su-27sk', 'su-27')
        >>> m.system_for("Su-27S", "Russia", "China", 1992), m.system_for("Su-27S", "Russia", "China", 1996)
        ('su-27ubk', 'su-27sk')
        """
        rule = self.rule_for(designation, supplier, recipient, order_year)
        return None if rule is None else rule.system

    def category_for(self, description: str) -> str | None:
        """The ``SystemCategory`` concept name of a SIPRI description, ``None`` if not in the table."""
        return self.categories.get(description) or self.categories.get(description.casefold())


def load_designation_map(path: Path | None = None, *, descriptions: Path | None = None) -> DesignationMap:
    """Read the designation table and the description table.

    Args:
        path: a ``designations.csv``; by default the one shipped in ``core/data/sipri/``.
        descriptions: a ``descriptions.csv``; by default the one next to ``path`` if there is one,
            else the shipped one.

    Returns:
        The ``DesignationMap``.

    Raises:
        LoadError: a table has the wrong header, an empty designation, a year of order that is not
            a year, a system id that is not a slug, a category that is not a concept name, or two
            rows with the same key (designation, supplier, recipient and year of order).

    >>> mapping = load_designation_map()
    >>> mapping.system_for("Su-35S", "Russia", "China"), mapping.category_for("FGA aircraft")
    ('su-35', 'FighterAircraft')
    """
    if descriptions is None and path is not None and (Path(path).parent / "descriptions.csv").is_file():
        descriptions = Path(path).parent / "descriptions.csv"
    mapping = DesignationMap()
    designation_columns = (_DESIGNATION_COLUMNS, _DESIGNATION_COLUMNS_NO_YEAR)
    for line, row, where in _table(path, "designations.csv", *designation_columns):
        _add_rule(mapping, row, where, line)
    for line, row, where in _table(descriptions, "descriptions.csv", _DESCRIPTION_COLUMNS):
        description, category = row[0].strip(), row[1].strip()
        if not _CONCEPT.fullmatch(category):
            raise LoadError(
                f"category {category!r} is not a SystemCategory concept name",
                path=where,
                line=line,
                column=_field_column(row, 1),
            )
        if description in mapping.categories:
            raise LoadError(f"description {description!r} is listed twice", path=where, line=line, column=1)
        mapping.categories[description] = category
        mapping.categories.setdefault(description.casefold(), category)
    return mapping


def _add_rule(mapping: DesignationMap, row: list[str], where: str, line: int) -> None:
    """Check one row of ``designations.csv`` and add it to ``mapping``."""
    fields = [value.strip() for value in row]
    has_year = len(fields) == len(_DESIGNATION_COLUMNS)
    designation, supplier, recipient = fields[:3]
    year = fields[3] if has_year else ""
    system_index = 4 if has_year else 3
    system, note = fields[system_index], fields[system_index + 1]
    if not designation:
        raise LoadError("empty designation", path=where, line=line, column=1)
    if year and not _YEAR.fullmatch(year):
        raise LoadError(
            f"order_year {year!r} is not a year (four digits, or empty for any year)",
            path=where,
            line=line,
            column=_field_column(row, 3),
        )
    if not _SLUG.fullmatch(system):
        raise LoadError(
            f"system {system!r} is not a canonical id (a lower-case slug)",
            path=where,
            line=line,
            column=_field_column(row, system_index),
        )
    rule = DesignationRule(
        designation, supplier or None, recipient or None, system, note, line, int(year) if year else None
    )
    rules = mapping.rules.setdefault(designation, [])
    for other in rules:
        if (other.supplier, other.recipient, other.order_year) == (rule.supplier, rule.recipient, rule.order_year):
            raise LoadError(
                f"{designation!r} with the same supplier, recipient and year of order is already on line {other.line}",
                path=where,
                line=line,
                column=1,
            )
    rules.append(rule)


def _table(
    path: Path | None, name: str, columns: list[str], *other_columns: list[str]
) -> list[tuple[int, list[str], str]]:
    """Rows of a small CSV table with their line numbers, after checking the header (``columns``,
    or one of ``other_columns``, an earlier layout that is still read)."""
    if path is None:
        where = f"core/data/sipri/{name}"
        text = resources.files("dragonbear").joinpath("data", "sipri", name).read_text(encoding="utf-8")
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LoadError(f"cannot read {name}: {exc}", path=where) from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    found = [h.strip() for h in header] if header is not None else []
    if found not in (columns, *other_columns):
        also = "".join(f" (or {','.join(other)})" for other in other_columns)
        raise LoadError(f"header must be {','.join(columns)}{also}", path=where, line=1, column=1)
    columns = found
    rows: list[tuple[int, list[str], str]] = []
    line = reader.line_num
    for row in reader:
        start, line = line + 1, reader.line_num
        if not any(value.strip() for value in row):
            continue
        if len(row) != len(columns):
            raise LoadError(f"expected {len(columns)} fields, found {len(row)}", path=where, line=start, column=1)
        rows.append((start, row, where))
    return rows


def _field_column(row: list[str], index: int) -> int:
    """Approximate 1-based column of field ``index`` (exact for unquoted fields)."""
    return sum(len(value) + 1 for value in row[:index]) + 1
