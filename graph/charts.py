"""Charts as PNG or SVG, drawn with matplotlib's object API on the Agg and SVG canvases.

Every chart carries its title, axis labels with units, and a source caption; the numbers are those of
:func:`dragonbear.graph.chart_data.chart_data`, drawn as they are (no smoothing). Rendering holds a
lock: matplotlib's settings are process-wide, and the server renders from several threads.

>>> from dragonbear.graph.chart_data import CHARTS, ChartData
>>> empty = ChartData(CHARTS["deliveries-to-china"], ("year", "supplier", "tiv", "deals"), (), "Source: x", "")
>>> render_chart(empty, ChartFormat.PNG)[:8]
b'\\x89PNG\\r\\n\\x1a\\n'
"""

from __future__ import annotations

import enum
import io
import textwrap
import threading
from collections import defaultdict
from typing import Any

import matplotlib

matplotlib.use("Agg")  # never a GUI backend, in the CLI or in the server

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dragonbear.errors import UsageError
from dragonbear.formats import FileFormat
from dragonbear.graph.chart_data import ChartData

__all__ = ["DOMAIN_COLOURS", "SUPPLIER_STYLES", "ChartFormat", "render_chart"]


class ChartFormat(str, enum.Enum):
    """The image formats a chart renders to."""

    PNG = "png"
    SVG = "svg"

    @property
    def media_type(self) -> str:
        """The HTTP media type of the format (:class:`dragonbear.formats.FileFormat`).

        >>> ChartFormat.SVG.media_type
        'image/svg+xml'
        """
        return FileFormat[self.name].media_type


DOMAIN_COLOURS = {
    "naval": "#1f5f9e",
    "air": "#6fa8dc",
    "ground": "#8c6d31",
    "multi-domain": "#7b4f9d",
    "missile defence": "#c0504d",
    "paramilitary": "#4f9d69",
    "unrecorded": "#a0a0a0",
}
SUPPLIER_STYLES = {
    "Soviet Union": {"color": "#b2182b", "linestyle": "--"},
    "Russia": {"color": "#b2182b", "linestyle": "-"},
    "China": {"color": "#e0a100", "linestyle": "-"},
}
_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "dragonbear",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_LOCK = threading.Lock()
_HIGHLIGHT = "Sub-Saharan Africa"
_PANELS = ("Sub-Saharan Africa", "North Africa", "Middle East", "Asia and Oceania", "Europe", "Americas")


def render_chart(data: ChartData, fmt: ChartFormat | str) -> bytes:
    """Draw ``data`` and return the image.

    Args:
        data: a chart's numbers.
        fmt: ``png`` or ``svg``.

    Returns:
        The PNG or SVG document.

    Raises:
        UsageError: an unknown format.
    """
    try:
        fmt = ChartFormat(fmt)
    except ValueError:
        raise UsageError(f"unknown chart format {fmt!r}; formats: png, svg") from None
    draw = {
        "exercises-by-domain": _draw_exercises,
        "deliveries-to-china": _draw_deliveries,
        "exports-by-region": _draw_exports,
    }[data.name]
    with _LOCK, rc_context(_RC):  # type: ignore[arg-type]
        fig = Figure(figsize=(11, 7.5) if data.name == "exports-by-region" else (11, 6), dpi=100)
        footer = draw(fig, data)
        fig.suptitle(data.spec.title, fontsize=13, fontweight="bold", x=0.01, ha="left")
        lines = [wrapped for line in [data.caption, *footer] for wrapped in textwrap.wrap(line, 190)]
        height = fig.get_figheight()
        fig.text(0.01, 0.012, "\n".join(lines), fontsize=7.5, color="#444444", ha="left", va="bottom", linespacing=1.3)
        fig.subplots_adjust(
            left=0.07, right=0.98, top=0.88 if height < 7 else 0.87, bottom=(0.55 + 0.135 * len(lines)) / height
        )
        out = io.BytesIO()
        metadata: dict[str, Any] = (
            {"Title": data.spec.title, "Date": None} if fmt is ChartFormat.SVG else {"Title": data.spec.title}
        )
        fig.savefig(out, format=fmt.value, metadata=metadata)
    return out.getvalue()


def _years_axis(ax: Axes, years: list[int]) -> None:
    if years:
        ax.set_xlim(years[0] - 0.7, years[-1] + 0.7)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def _draw_exercises(fig: Figure, data: ChartData) -> list[str]:
    ax = fig.add_subplot()
    years = data.years()
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for year, domain, count in data.rows:
        counts[domain][year] = count
    bottom = [0] * len(years)
    for domain in [d for d in DOMAIN_COLOURS if d in counts] + sorted(set(counts) - set(DOMAIN_COLOURS)):
        heights = [counts[domain].get(y, 0) for y in years]
        ax.bar(years, heights, bottom=bottom, color=DOMAIN_COLOURS.get(domain, "#555555"), label=domain, width=0.8)
        bottom = [b + h for b, h in zip(bottom, heights, strict=False)]
    footer = []
    single = [r for r in data.reported if r.start == r.end]
    for i, r in enumerate(single):
        colour = DOMAIN_COLOURS.get(r.domain or "", "black")
        ax.scatter(
            [r.start],
            [r.reported],
            marker="D",
            s=42,
            facecolor="white",
            edgecolor=colour,
            linewidth=1.6,
            zorder=3,
            label="count a source reports (outline: its domain)" if i == 0 else None,
        )
    if data.reported:
        footer.append(
            "Reported by sources, and counted in the graph over the same scope: "
            + "; ".join(f"{r.comparator} {r.reported:g} {r.scope()}: {r.counted} in the graph" for r in data.reported)
            + "."
        )
    ax.set_title(data.spec.description, fontsize=8.5, loc="left", color="#333333")
    ax.set_xlabel(data.spec.x_label)
    ax.set_ylabel(f"{data.spec.y_label} ({data.spec.unit})")
    _years_axis(ax, years)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", fontsize=8, frameon=False, ncol=2)
    return footer


def _mark_years(ax: Axes, data: ChartData, *, labelled: bool = True) -> None:
    top, years = ax.get_ylim()[1], data.years()
    for marker in data.markers:
        if years and years[0] <= marker.year <= years[-1]:
            ax.axvline(marker.year, color="#333333", linestyle=":", linewidth=1.2, zorder=4)
            if labelled:
                ax.text(
                    marker.year + 0.3,
                    top * 0.97,
                    marker.label,
                    rotation=90,
                    va="top",
                    ha="left",
                    fontsize=8,
                    color="#333333",
                )


def _draw_deliveries(fig: Figure, data: ChartData) -> list[str]:
    ax = fig.add_subplot()
    years = data.years()
    tiv: dict[str, dict[int, float]] = defaultdict(dict)
    for year, supplier, value, _deals in data.rows:
        tiv[supplier][year] = value
    bottom = [0.0] * len(years)
    for supplier in [s for s in ("Soviet Union", "Russia") if s in tiv] + sorted(set(tiv) - {"Soviet Union", "Russia"}):
        heights = [tiv[supplier].get(y, 0.0) for y in years]
        colour = "#e8a09a" if supplier == "Soviet Union" else SUPPLIER_STYLES.get(supplier, {}).get("color", "#555")
        ax.bar(years, heights, bottom=bottom, color=colour, label=supplier, width=0.8)
        bottom = [b + h for b, h in zip(bottom, heights, strict=False)]
    ax.set_title(data.spec.description, fontsize=8.5, loc="left", color="#333333")
    ax.set_xlabel(data.spec.x_label)
    ax.set_ylabel(data.spec.y_label)
    _years_axis(ax, years)
    _mark_years(ax, data)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper center", fontsize=8, frameon=False)
    return list(data.notes)


def _draw_exports(fig: Figure, data: ChartData) -> list[str]:
    years = data.years()
    series: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    for year, supplier, region, value, _deals in data.rows:
        series[(region, supplier)][year] = value
    span: dict[str, list[int]] = defaultdict(list)  # a supplier is drawn over the years it exports at all
    for year, supplier, *_rest in data.rows:
        span[supplier].append(year)
    axes = fig.subplots(2, 3, sharex=True)
    for ax, region in zip(axes.flat, _PANELS, strict=False):
        for supplier, style in SUPPLIER_STYLES.items():
            values = series.get((region, supplier), {})
            if span.get(supplier):
                own = [y for y in years if min(span[supplier]) <= y <= max(span[supplier])]
                ax.plot(own, [values.get(y, 0.0) for y in own], label=supplier, linewidth=1.3, **style)
        highlighted = region == _HIGHLIGHT
        ax.set_title(
            region + ("  (highlighted)" if highlighted else ""), fontweight="bold" if highlighted else None, loc="left"
        )
        if highlighted:
            ax.set_facecolor("#fff6e0")
            for spine in ax.spines.values():
                spine.set_color("#e0a100")
                spine.set_linewidth(1.6)
        _years_axis(ax, years)
        _mark_years(ax, data, labelled=False)
    for ax in axes[:, 0]:
        ax.set_ylabel(data.spec.y_label)
    for ax in axes[1, :]:
        ax.set_xlabel(data.spec.x_label)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    if handles:
        fig.legend(
            handles, labels, loc="upper right", ncol=3, fontsize=8.5, frameon=False, bbox_to_anchor=(0.98, 0.955)
        )
    others = sorted({r for r, _s in series} - set(_PANELS))
    footer = list(data.notes[:2])
    if data.markers:
        footer.append("Dotted lines: " + "; ".join(m.label for m in data.markers) + ".")
    if others:
        footer.append("Not drawn (see the data): " + ", ".join(others) + ".")
    return footer
