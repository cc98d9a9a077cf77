"""A SIPRI export as read: its layout, its deals, and what was learned about the file.

:func:`dragonbear.loaders.sipri_layouts.read_register` makes a :class:`Register` of either layout;
a :class:`Deal` is one deal in SIPRI's own names and designations, whichever layout it came from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

__all__ = ["Deal", "Layout", "Register"]


class Layout(enum.Enum):
    """The two CSV layouts of SIPRI's arms-transfer exports."""

    TRADE_REGISTER = "trade-register"
    CURRENT_EXPORT = "current-export"


@dataclass(slots=True)
class Deal:
    """One arms-transfer deal as SIPRI records it; names and designations are SIPRI's own.

    ``lines`` are the 1-based line numbers of the deal's rows in the file (two for a rejoined row
    of the trade register, one per delivery year in the current export). Uncertainty flags are
    ``None`` where the layout has no such column. TIV figures are canonical decimal strings.
    Treat it as read-only (it is not frozen only because frozen dataclasses are slow to build).
    """

    lines: tuple[int, ...]
    supplier: str
    recipient: str
    designation: str
    description: str
    order_year: int | None
    order_year_uncertain: bool
    quantity_ordered: int | None
    quantity_ordered_uncertain: bool | None
    quantity_delivered: int | None
    quantity_delivered_uncertain: bool
    delivery_years: tuple[int, ...]
    delivery_years_uncertain: bool | None
    status: str | None
    comments: str = ""
    tiv_per_unit: str | None = None
    tiv_total_order: str | None = None
    tiv_delivered: str | None = None
    deal_id: str | None = None
    local_production: bool | None = None
    armament_category: str | None = None

    @property
    def line(self) -> int:
        """The line of the deal's first row."""
        return self.lines[0]

    @property
    def uncertain(self) -> bool:
        """Whether SIPRI flags any of the deal's values as uncertain."""
        return bool(
            self.order_year_uncertain
            or self.quantity_ordered_uncertain
            or self.quantity_delivered_uncertain
            or self.delivery_years_uncertain
        )


@dataclass(slots=True)
class Register:
    """A parsed SIPRI export: its deals in file order and what was learned about the file."""

    path: Path
    layout: Layout
    encoding: str
    preamble: tuple[str, ...]
    header_line: int
    source_key: str
    issued: date | None
    deals: list[Deal] = field(default_factory=list)
    rows: int = 0
    rejoined_lines: tuple[int, ...] = ()
