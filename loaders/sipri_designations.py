"""SIPRI's weapon designations and descriptions, mapped to the graph's systems and categories.

Two tables in ``dragonbear/data/sipri/`` own the mapping (never the curated system records):

- ``designations.csv`` (``designation,supplier,recipient,system,note``): a SIPRI designation, optionally
  constrained to a supplier and/or recipient (SIPRI names), maps to a canonical system id
  (``docs/canonical-ids.md``). The most specific matching row wins: supplier and recipient, then
  supplier only, then recipient only, then the designation alone.
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
_DESIGNATION_COLUMNS = ["designation", "supplier", "recipient", "system", "note"]
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

    @property
    def specificity(self) -> int:
        """3 for supplier and recipient, 2 supplier only, 1 recipient only, 0 neither."""
        return (2 if self.supplier else 0) + (1 if self.recipient else 0)


@dataclass(slots=True)
class DesignationMap:
    """SIPRI designation -> canonical system id, and SIPRI description -> system category."""

    rules: dict[str, list[DesignationRule]] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)

    def system_for(self, designation: str, supplier: str, recipient: str) -> str | None:
        """The canonical system id of a deal's designation, or ``None`` where nothing maps.

        >>> m = DesignationMap({"Su-27S": [DesignationRule("Su-27S", None, None, "su-27"),
        ...                                DesignationRule("Su-27S", "Russia", "China", "su-27sk")]})
        >>> m.system_for("Su-27S", "Russia", "China"), m.system_for("Su-27S", "Russia", "Viet Nam")
        ('su-27sk', 'su-27')
        """
        best: DesignationRule | None = None
        for rule in self.rules.get(designation, ()):
            matches = rule.supplier in (None, supplier) and rule.recipient in (None, recipient)
            if matches and (best is None or rule.specificity > best.specificity):
                best = rule
        return None if best is None else best.system

    def category_for(self, description: str) -> str | None:
        """The ``SystemCategory`` concept name of a SIPRI description, ``None`` if not in the table."""
        return self.categories.get(description) or self.categories.get(description.casefold())


def load_designation_map(path: Path | None = None, *, descriptions: Path | None = None) -> DesignationMap:
    """Read the designation table and the description table.

    Args:
        path: a ``designations.csv``; by default the one shipped in ``dragonbear/data/sipri/``.
        descriptions: a ``descriptions.csv``; by default the one next to ``path`` if there is one,
            else the shipped one.

    Returns:
        The ``DesignationMap``.

    Raises:
        LoadError: a table has the wrong header, an empty designation, a system id that is not a
            slug, a category that is not a concept name, or two rows with the same key.

    >>> mapping = load_designation_map()
    >>> mapping.system_for("Su-35S", "Russia", "China"), mapping.category_for("FGA aircraft")
    ('su-35', 'FighterAircraft')
    """
    if descriptions is None and path is not None and (Path(path).parent / "descriptions.csv").is_file():
        descriptions = Path(path).parent / "descriptions.csv"
    mapping = DesignationMap()
    for line, row, where in _table(path, "designations.csv", _DESIGNATION_COLUMNS):
        designation, supplier, recipient, system, note = (value.strip() for value in row[:5])
        if not designation:
            raise LoadError("empty designation", path=where, line=line, column=1)
        if not _SLUG.fullmatch(system):
            raise LoadError(f"system {system!r} is not a canonical id (a lower-case slug)",
                            path=where, line=line, column=_field_column(row, 3))
        rule = DesignationRule(designation, supplier or None, recipient or None, system, note, line)
        rules = mapping.rules.setdefault(designation, [])
        for other in rules:
            if (other.supplier, other.recipient) == (rule.supplier, rule.recipient):
                raise LoadError(f"{designation!r} with the same supplier and recipient is already on"
                                f" line {other.line}", path=where, line=line, column=1)
        rules.append(rule)
    for line, row, where in _table(descriptions, "descriptions.csv", _DESCRIPTION_COLUMNS):
        description, category = row[0].strip(), row[1].strip()
        if not _CONCEPT.fullmatch(category):
            raise LoadError(f"category {category!r} is not a SystemCategory concept name",
                            path=where, line=line, column=_field_column(row, 1))
        if description in mapping.categories:
            raise LoadError(f"description {description!r} is listed twice", path=where, line=line, column=1)
        mapping.categories[description] = category
        mapping.categories.setdefault(description.casefold(), category)
    return mapping


def _table(path: Path | None, name: str, columns: list[str]) -> list[tuple[int, list[str], str]]:
    """Rows of a small CSV table with their line numbers, after checking the header."""
    if path is None:
        where = f"dragonbear/data/sipri/{name}"
        text = resources.files("dragonbear").joinpath("data", "sipri", name).read_text(encoding="utf-8")
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LoadError(f"cannot read {name}: {exc}", path=where) from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != columns:
        raise LoadError(f"header must be {','.join(columns)}", path=where, line=1, column=1)
    rows: list[tuple[int, list[str], str]] = []
    line = reader.line_num
    for row in reader:
        start, line = line + 1, reader.line_num
        if not any(value.strip() for value in row):
            continue
        if len(row) != len(columns):
            raise LoadError(f"expected {len(columns)} fields, found {len(row)}", path=where, line=start,
                            column=1)
        rows.append((start, row, where))
    return rows


def _field_column(row: list[str], index: int) -> int:
    """Approximate 1-based column of field ``index`` (exact for unquoted fields)."""
    return sum(len(value) + 1 for value in row[:index]) + 1
