"""A lineage graph drawn as a layered SVG: ancestors above the focus, descendants below, arrows labelled.

Each generation is a row of boxes (or, with ``wrap``, several staggered lines of boxes); the rows are
ordered by the mean position of each node's neighbours, and parallel edges share one arrow with one
label. :func:`dragonbear.graph.lineage_export.export_lineage` writes it as ``svg``; the label of one
edge (:func:`edge_text`) is also the label of the DOT export.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from html import escape
from typing import TYPE_CHECKING, Any

from dragonbear.graph.lazy import lazy_module

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")

__all__ = ["edge_text", "lineage_svg"]


def edge_text(attrs: dict[str, Any]) -> str:
    """The label of one edge: its kind and years, a transfer's units, a licensor's or partner's role."""
    relation, kind = attrs.get("relation"), str(attrs.get("kind", ""))
    if relation == "transfer":
        units = f", {attrs['units']} unit{'' if attrs['units'] == 1 else 's'}" if attrs.get("units") is not None else ""
        return f"transfer {attrs.get('year') or attrs.get('start') or ''}".rstrip() + units
    if relation == "component":
        span = "–".join(str(attrs[k]) if attrs.get(k) is not None else "" for k in ("start", "end"))
        return f"{kind} {span}" if span != "–" else kind
    if attrs.get("role") in ("licensor", "partner"):
        return f"{attrs['role']}, {kind}"
    return kind + (f" {attrs['year']}" if attrs.get("year") else "")


def _bundle_text(edges: list[dict[str, Any]]) -> str:
    """The label of parallel edges: the edge's own text when they all say the same, else each kind
    with its count and the span of its years ("weapon ×3 1996–2013; main propulsion 2012–2023").

    >>> _bundle_text([{"relation": "component", "kind": "weapon", "start": s, "end": s + 2} for s in (1996, 2010)])
    'weapon ×2 1996–2012'
    """
    texts = list(dict.fromkeys(edge_text(e) for e in edges))
    if len(texts) == 1:
        return texts[0]
    kinds: dict[str, list[int]] = {}
    counts: dict[str, int] = {}
    for e in edges:
        kind = str(e.get("kind", "")) if e.get("relation") != "transfer" else "transfer"
        counts[kind] = counts.get(kind, 0) + 1
        kinds.setdefault(kind, []).extend(e[k] for k in ("year", "start", "end") if isinstance(e.get(k), int))
    parts = []
    for kind, years in kinds.items():
        span = "" if not years else f" {min(years)}" if min(years) == max(years) else f" {min(years)}–{max(years)}"
        parts.append(kind + (f" ×{counts[kind]}" if counts[kind] > 1 else "") + span)
    return "; ".join(parts[:3]) + (f"; +{len(parts) - 3} more" if len(parts) > 3 else "")


def _levels(graph: nx.MultiDiGraph[str], focus: str) -> dict[str, int]:
    """Generation of each node: 0 for the focus, negative for ancestors, positive for descendants."""
    levels = {focus: 0}

    def walk(step: Callable[[str], Any], sign: int) -> None:
        # longest path from the focus, bounded by the number of nodes so a cycle cannot loop
        frontier, depth = {focus}, 0
        while frontier and depth < len(graph):
            depth += 1
            frontier = {n for f in frontier for n in step(f) if n != focus}
            for n in frontier:
                if n not in levels or (levels[n] * sign > 0 and abs(levels[n]) < depth):
                    levels[n] = sign * depth

    if focus in graph:
        walk(graph.successors, -1)
        walk(graph.predecessors, 1)
    for n in graph:
        levels.setdefault(n, 0)
    return levels


_BOX_W, _BOX_H, _GAP_X, _GAP_Y, _PAD, _CHAR_W, _LINE_GAP = 170, 58, 40, 96, 20, 6.5, 14
_TEXT_W = _BOX_W - 14  # the room for a box's text, inside its border


def _edge_geometry(
    source: tuple[float, float], target: tuple[float, float], span: int, along: float = 0.35
) -> tuple[str, tuple[float, float], str]:
    """The SVG path of an edge, where its label goes, and the label's text-anchor.

    An edge between neighbouring rows is a straight line between the boxes, labelled ``along`` the
    way from the source (nearer the end in the wider row, where the edges of a fan are farther
    apart); one that skips rows (or joins boxes of one row) bends out to the right of both boxes so
    it does not cross the boxes between them.
    """
    (sx, sy), (tx, ty) = source, target
    if span > 1 or math.isclose(sy, ty):
        x1, y1 = sx + _BOX_W, sy + _BOX_H / 2
        x2, y2 = tx + _BOX_W, ty + _BOX_H / 2
        cx, cy = max(x1, x2) + 50 * max(span, 1), (y1 + y2) / 2
        apex = (0.25 * x1 + 0.5 * cx + 0.25 * x2, 0.25 * y1 + 0.5 * cy + 0.25 * y2)
        return f"M{x1:.0f},{y1:.0f} Q{cx:.0f},{cy:.0f} {x2:.0f},{y2:.0f}", (apex[0] + 6, apex[1] + 4), "start"
    up = ty < sy
    x1, y1 = sx + _BOX_W / 2, sy + (0 if up else _BOX_H)
    x2, y2 = tx + _BOX_W / 2, ty + (_BOX_H if up else 0)
    lx, ly = x1 + (x2 - x1) * along, y1 + (y2 - y1) * along
    if math.isclose(x1, x2):
        return f"M{x1:.0f},{y1:.0f} L{x2:.0f},{y2:.0f}", (lx + 6, ly), "start"
    anchor = "end" if x1 < x2 else "start"
    return f"M{x1:.0f},{y1:.0f} L{x2:.0f},{y2:.0f}", (lx + (-6 if anchor == "end" else 6), ly), anchor


def _centre(iri: str, graph: nx.MultiDiGraph[str], placed: dict[str, float]) -> float:
    near = [placed[n] for n in nx.all_neighbors(graph, iri) if n in placed]
    return sum(near) / len(near) if near else 0.5


def _ordered_rows(graph: nx.MultiDiGraph[str], levels: dict[str, int]) -> dict[int, list[str]]:
    """Nodes by row, each row ordered by the mean position of its neighbours in the other rows
    (the barycentre heuristic, one sweep down and one up), so that fewer edges cross."""
    rows: dict[int, list[str]] = {}
    for iri in sorted(graph, key=lambda i: str(graph.nodes[i].get("label", i)).casefold()):
        rows.setdefault(levels[iri], []).append(iri)
    order = sorted(rows)
    for sweep in (order[1:], order[-2::-1]):
        for level in sweep:
            placed = {n: i / max(len(r), 1) for lv, r in rows.items() if lv != level for i, n in enumerate(r)}
            rows[level].sort(key=partial(_centre, graph=graph, placed=placed))
    return rows


def _place(rows: dict[int, list[str]], wrap: int | None) -> tuple[dict[str, tuple[float, float]], float, float]:
    """The top-left corner of every box, and the width and height of the drawing.

    Each row (generation) is one line of boxes, or with ``wrap`` several lines of at most ``wrap``
    boxes, stacked closely and staggered by half a box so that the arrows of a far line pass between
    the boxes of the near one.
    """
    lines = {
        level: [members[i : i + wrap] for i in range(0, len(members), wrap)] if wrap else [members]
        for level, members in rows.items()
    }
    staggered = any(len(ls) > 1 for ls in lines.values())
    widest = max(len(line) for ls in lines.values() for line in ls)
    slot = _BOX_W + _GAP_X
    width = _PAD * 2 + widest * _BOX_W + (widest - 1) * _GAP_X + (slot / 2 if staggered else 0)
    pos: dict[str, tuple[float, float]] = {}
    y = float(_PAD)
    for level in range(min(rows), max(rows) + 1):
        if level not in lines:  # an empty generation keeps its place
            y += _BOX_H + _GAP_Y
            continue
        for k, line in enumerate(lines[level]):
            shift = 0.0 if len(lines[level]) == 1 else slot / 4 if k % 2 else -slot / 4
            x0 = (width - (len(line) * _BOX_W + (len(line) - 1) * _GAP_X)) / 2 + shift
            for i, iri in enumerate(line):
                pos[iri] = (x0 + i * slot, y)
            y += _BOX_H + _LINE_GAP
        y += _GAP_Y - _LINE_GAP
    return pos, width, y - _GAP_Y + _PAD


def lineage_svg(
    graph: nx.MultiDiGraph[str], *, href: Callable[[str], str | None] | None = None, wrap: int | None = None
) -> str:
    """A layered SVG drawing: ancestors above the focus, descendants below, arrows labelled.

    Args:
        graph: a lineage graph; ``graph.graph["focus"]`` is drawn in the middle row.
        href: the link of a node's box (default: its IRI).
        wrap: at most this many boxes side by side; a longer row is drawn as several lines, and
            its arrows into one box are labelled with their kinds once. None: every row is one line.

    >>> g = nx.MultiDiGraph(focus="j-11")
    >>> g.add_edge("j-11", "su-27sk", relation="derivation", kind="licensed production", year=1998)
    0
    >>> "licensed production 1998" in lineage_svg(g)
    True
    """
    focus = graph.graph.get("focus") or next(iter(graph), "")
    if not len(graph):
        return '<svg xmlns="http://www.w3.org/2000/svg" class="lineage-graph" width="0" height="0"></svg>'
    levels = _levels(graph, focus)
    rows = _ordered_rows(graph, levels)
    pos, width, height = _place(rows, wrap)
    edges, width, left = _edge_parts(graph, levels, rows, pos, wrap, width)
    nodes = [_node_part(graph, iri, x, y, focus, href) for iri, (x, y) in pos.items()]
    opening = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage-graph" width="{width - left:.0f}" '
        f'height="{height:.0f}" viewBox="{left:.0f} 0 {width - left:.0f} {height:.0f}" role="group" '
        f'aria-label="Technology lineage">'
    )
    return "".join([opening, _ARROW_DEFS, *edges, *nodes, "</svg>"])


_ARROW_DEFS = (
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
    'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5b6575"/></marker></defs>'
)


def _edge_parts(
    graph: nx.MultiDiGraph[str],
    levels: dict[str, int],
    rows: dict[int, list[str]],
    pos: dict[str, tuple[float, float]],
    wrap: int | None,
    width: float,
) -> tuple[list[str], float, float]:
    """The arrows between the boxes, with their labels; and the drawing's width and left edge, widened to
    fit the labels."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for a, b, attrs in graph.edges(data=True):
        grouped.setdefault((a, b), []).append(attrs)
    parts: list[str] = []
    left = 0.0
    labelled: set[tuple[str, int, str]] = set()
    for (source, target), edges in grouped.items():
        relations = {e.get("relation") for e in edges}
        wrapped = wrap is not None and len(rows[levels[source]]) > wrap  # a fan: its kinds, each said once
        text = "; ".join(dict.fromkeys(str(e.get("kind", "")) for e in edges)) if wrapped else _bundle_text(edges)
        along = 0.35 if len(rows[levels[source]]) >= len(rows[levels[target]]) else 0.7
        span = abs(levels[source] - levels[target])
        path, (lx, ly), anchor = _edge_geometry(pos[source], pos[target], span, along)
        parts.append(
            f'<path d="{path}" fill="none" stroke="#5b6575" stroke-width="1.5"{_dash(relations)} '
            f'marker-end="url(#arrow)" class="edge {escape(" ".join(sorted(map(str, relations))))}"/>'
        )
        if wrapped and (target, levels[source], text) in labelled:
            continue
        labelled.add((target, levels[source], text))
        parts.append(
            f'<text x="{lx:.0f}" y="{ly:.0f}" text-anchor="{anchor}" font-size="11" fill="#1d2430" '
            'stroke="#ffffff" stroke-width="3" paint-order="stroke" '
            f'class="edge-label">{escape(text)}</text>'
        )
        width = max(width, lx + (_CHAR_W * len(text) if anchor == "start" else 0) + _PAD)
        left = min(left, lx - (_CHAR_W * len(text) if anchor == "end" else 0) - _PAD)
    return parts, width, left


def _dash(relations: set[Any]) -> str:
    """The dash pattern of an arrow: dashed for variants, dotted for transfers and fits, else solid."""
    if relations == {"variant"}:
        return ' stroke-dasharray="5 4"'
    if relations <= {"transfer", "component"}:
        return ' stroke-dasharray="2 3"'
    return ""


# Widths of characters in em, generous (DejaVu Sans Bold, one of the widest sans-serif faces, is
# narrower): a box's text is wrapped and cut on them, so that no label runs out of its box.
_NARROW, _WIDE = frozenset("iIjlrtf.,:;'|!()[]- "), frozenset("mwMW@%")


def _text_width(text: str, size: float) -> float:
    """A generous estimate of the width of ``text`` in pixels at font size ``size``.

    >>> _text_width("Su-27", 10) < _text_width("Su-27SK", 10) < _text_width("歼-11 歼-11", 10)
    True
    """
    ems = 0.0
    for char in text:
        if char in _NARROW:
            ems += 0.45
        elif char in _WIDE:
            ems += 1.1
        elif ord(char) > 0x2E7F:  # CJK and other full-width characters
            ems += 1.05
        elif char.isupper() or char.isdigit():
            ems += 0.84
        else:
            ems += 0.72
    return ems * size


def _fit_lines(text: str, size: float, most: int) -> list[str]:
    """``text`` in at most ``most`` lines that each fit a box (:data:`_TEXT_W`) at font size ``size``,
    broken between words (inside a word too long for a line), the last one cut with "…" if need be.

    >>> _fit_lines("Shenyang J-11", 13, 2)
    ['Shenyang J-11']
    >>> _fit_lines("Shenyang J-11 Flanker-L multirole fighter aircraft", 12, 2)
    ['Shenyang J-11', 'Flanker-L multirole…']
    """
    lines: list[str] = []
    for word in text.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and _text_width(joined, size) <= _TEXT_W:
            lines[-1] = joined
            continue
        lines.append("")
        for char in word:  # a word wider than a line is broken where it must be
            if lines[-1] and _text_width(lines[-1] + char, size) > _TEXT_W:
                lines.append("")
            lines[-1] += char
    if len(lines) > most:
        last = lines[most - 1]
        while last and _text_width(last + "…", size) > _TEXT_W:
            last = last[:-1].rstrip()
        lines = [*lines[: most - 1], last + "…"]
    return lines


def _node_text(x: float, y: float, name: str, country: str) -> str:
    """The text of a box at (x, y): the name in one or two lines, bold, then the country, centred."""
    size = 13.0 if len(_fit_lines(name, 13, 3)) == 1 else 12.0
    names = _fit_lines(name, size, 2)
    rows = [(line, size, "600", "#1d2430") for line in names]
    rows += [(line, 11.0, "normal", "#5b6575") for line in _fit_lines(country, 11, 1) if country]
    heights = [row[1] * 1.25 for row in rows]
    baseline = y + (_BOX_H - sum(heights)) / 2
    parts = []
    for (line, font, weight, colour), height in zip(rows, heights, strict=True):
        baseline += height
        parts.append(
            f'<text x="{x + _BOX_W / 2:.0f}" y="{baseline - font * 0.3:.0f}" text-anchor="middle" '
            f'font-size="{font:g}" font-weight="{weight}" fill="{colour}">{escape(line)}</text>'
        )
    return "".join(parts)


def _node_part(
    graph: nx.MultiDiGraph[str], iri: str, x: float, y: float, focus: str, href: Callable[[str], str | None] | None
) -> str:
    """The box of one node at (x, y), linked to ``href(iri)`` (default: the IRI)."""
    node = graph.nodes[iri]
    name = str(node.get("label", iri))
    country = str(node.get("country_label") or "")
    is_focus, system = iri == focus, node.get("type", "system") == "system"
    link = (href(iri) if href else None) or iri
    return (
        f'<a href="{escape(link)}"><g class="node {escape(node.get("type", "system"))}'
        f'{" focus" if is_focus else ""}"><title>{escape(name)} ({escape(iri)})</title>'
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{_BOX_W}" height="{_BOX_H}" rx="{5 if system else 23}" '
        f'fill="{"#fbe9e7" if is_focus else "#ffffff" if system else "#eef1f5"}" '
        f'stroke="{"#8a1c1c" if is_focus else "#5b6575"}" stroke-width="{2 if is_focus else 1}"/>'
        f"{_node_text(x, y, name, country)}</g></a>"
    )
