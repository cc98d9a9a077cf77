"""A lineage drawing as PNG, for print: the SVG of :mod:`dragonbear.graph.lineage_drawing` painted by matplotlib.

No SVG rasterizer is a dependency (cairosvg needs the Cairo library, resvg a binary), and the drawing
uses a small part of SVG: boxes (``rect`` with rounded corners), arrows (``path`` of straight lines and
quadratic curves with an arrow head), and text (anchored start, middle or end, some with a white halo).
So this reads the drawing's own SVG and paints those elements on matplotlib's Agg canvas, in the same
coordinates: the PNG is the SVG, box for box. One SVG unit is one pixel at ``scale`` 1 (96 dpi is not
assumed: the PNG is ``scale`` times the SVG's width and height in pixels). Names in Chinese or Cyrillic
are drawn in the first installed font that has their glyphs (DejaVu Sans, then Noto Sans CJK); a glyph
no installed font has is drawn as a box.

>>> import networkx as nx
>>> from dragonbear.graph.lineage_drawing import lineage_svg
>>> g = nx.MultiDiGraph(focus="j-11")
>>> g.add_edge("j-11", "su-27sk", relation="derivation", kind="licensed production", year=1998)
0
>>> lineage_png(lineage_svg(g))[:8]
b'\\x89PNG\\r\\n\\x1a\\n'
"""

from __future__ import annotations

import io
import re
import threading
import warnings
import xml.etree.ElementTree as ET

import matplotlib

matplotlib.use("Agg")  # never a GUI backend

from matplotlib import patheffects, rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

__all__ = ["lineage_png"]

_PT = 0.72  # points per SVG unit: the figure is (width / 100) inches wide at 100 dpi per scale
_LOCK = threading.Lock()  # matplotlib's settings are process-wide
_FONTS = ("DejaVu Sans", "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC")
_WEIGHTS = {"600": "bold", "700": "bold", "bold": "bold"}
_ANCHORS = {"start": "left", "middle": "center", "end": "right"}
_DASHES = {"5 4": "--", "2 3": ":"}


def _fonts() -> list[str]:
    """The fonts of :data:`_FONTS` that matplotlib finds, in that order (it falls back along the list)."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in _FONTS if name in known] or ["sans-serif"]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _number(element: ET.Element, name: str, default: float = 0.0) -> float:
    value = element.get(name)
    return float(value) if value else default


def _path(d: str) -> Path:
    """A path of the drawing's arrows: ``M x,y`` then ``L x,y`` or ``Q cx,cy x,y`` segments."""
    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    for command, numbers in re.findall(r"([MLQ])\s*([-\d.,\s]+)", d):
        points = [float(n) for n in re.split(r"[\s,]+", numbers.strip()) if n]
        pairs = list(zip(points[::2], points[1::2], strict=True))
        vertices.extend(pairs)
        code = int({"M": Path.MOVETO, "L": Path.LINETO, "Q": Path.CURVE3}[command])
        codes.extend([code] * len(pairs))
    return Path(vertices, codes)


def _arrow(ax: Axes, element: ET.Element, z: int) -> None:
    width = _number(element, "stroke-width", 1.0) * _PT
    style = _DASHES.get(element.get("stroke-dasharray", ""), "-")
    head = "-|>" if element.get("marker-end") else "-"
    colour = element.get("stroke", "#5b6575")
    arrow = FancyArrowPatch(
        path=_path(element.get("d", "")),
        arrowstyle=head,
        mutation_scale=12,
        linewidth=width,
        linestyle=style,
        color=colour,
        zorder=z,
    )
    ax.add_patch(arrow)


def _box(ax: Axes, element: ET.Element, z: int) -> None:
    x, y = _number(element, "x"), _number(element, "y")
    w, h = _number(element, "width"), _number(element, "height")
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle=f"round,pad=0,rounding_size={min(_number(element, 'rx'), h / 2)}",
            facecolor=element.get("fill", "#ffffff"),
            edgecolor=element.get("stroke", "#5b6575"),
            linewidth=_number(element, "stroke-width", 1.0) * _PT,
            zorder=z,
        )
    )


def _text(ax: Axes, element: ET.Element, z: int) -> None:
    halo = element.get("stroke")
    effects = (
        [patheffects.withStroke(linewidth=_number(element, "stroke-width", 3) * _PT, foreground=halo)] if halo else None
    )
    ax.text(
        _number(element, "x"),
        _number(element, "y"),
        element.text or "",
        ha=_ANCHORS.get(element.get("text-anchor", "start"), "left"),
        va="baseline",
        fontsize=_number(element, "font-size", 12) * _PT,
        fontweight=_WEIGHTS.get(element.get("font-weight", ""), "normal"),
        color=element.get("fill", "#1d2430"),
        path_effects=effects,
        zorder=z,
    )


def lineage_png(svg: str, *, scale: float = 2.0) -> bytes:
    """The PNG of a lineage drawing (:func:`~dragonbear.graph.lineage_drawing.lineage_svg`), on white.

    Args:
        svg: the drawing's SVG, as ``lineage_svg`` wrote it.
        scale: pixels of the PNG per SVG unit (2 by default, for print).

    Returns:
        The PNG document; an empty drawing gives a 1 by 1 white image.
    """
    root = ET.fromstring(svg)
    box = [float(v) for v in root.get("viewBox", "0 0 0 0").split()]
    left, top, width, height = box if len(box) == 4 else (0.0, 0.0, 0.0, 0.0)
    width, height = max(width, 1.0), max(height, 1.0)
    with _LOCK, rc_context({"font.family": _fonts()}), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Glyph ... missing from font(s)"
        fig = Figure(figsize=(width / 100, height / 100), dpi=100 * scale, facecolor="white")
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(left, left + width)
        ax.set_ylim(top + height, top)  # SVG's y grows downwards
        ax.set_axis_off()
        for z, element in enumerate(root.iter()):
            tag = _local(element.tag)
            if tag == "path" and element.get("class", "").startswith("edge"):
                _arrow(ax, element, z)
            elif tag == "rect":
                _box(ax, element, z)
            elif tag == "text":
                _text(ax, element, z)
        out = io.BytesIO()
        fig.savefig(out, format="png", facecolor="white")
    return out.getvalue()
