"""The technology lineage of a system as a small graph, and its drawing as inline SVG.

The graph joins the rows of the ``ancestors`` and ``descendants`` canned queries: one node per
system, one edge per derivation step or variant link, always pointing from the derived system to the
system it comes from. The drawing puts each system in a row by generation (ancestors above, the system
itself in the middle, descendants below), computed server-side; no JavaScript.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial

import pyoxigraph as ox

from dragonbear.errors import NotFoundError
from dragonbear.graph.store import GraphStore
from dragonbear.queries.catalogue import CannedQuery
from dragonbear.service.examples import bind_values
from dragonbear.service.layout import esc, local_path

__all__ = ["Lineage", "LineageEdge", "LineageNode", "lineage_of", "lineage_svg"]

_NODES_QUERY = """
SELECT ?node ?label ?country ?countryLabel WHERE {
  ?node a dgb:SystemModel .
  OPTIONAL { ?node rdfs:label ?l FILTER(LANG(?l) = "en" || LANG(?l) = "") }
  OPTIONAL { ?node dgb:countryOfOrigin ?country .
             OPTIONAL { ?country rdfs:label ?cl FILTER(LANG(?cl) = "en" || LANG(?cl) = "") } }
  BIND(COALESCE(?l, STR(?node)) AS ?label)
  BIND(COALESCE(?cl, STR(?country)) AS ?countryLabel)
} LIMIT 1"""


@dataclass
class LineageNode:
    """A system in a lineage graph."""

    iri: str
    label: str
    country: str | None = None
    country_label: str | None = None


@dataclass
class LineageEdge:
    """A step from ``source`` (the derived system) to ``target`` (the system it comes from)."""

    source: str
    target: str
    kind: str
    kind_iri: str | None = None
    year: int | None = None
    confidence: float | None = None


@dataclass
class Lineage:
    """The ancestors and descendants of one system, as nodes and edges."""

    focus: str
    nodes: dict[str, LineageNode] = field(default_factory=dict)
    edges: list[LineageEdge] = field(default_factory=list)


def _value(term: object) -> str | None:
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else None


def _number(term: object, cast: type[int | float]) -> int | float | None:
    text = _value(term)
    try:
        return cast(text) if text is not None else None
    except ValueError:
        return None


def lineage_of(store: GraphStore, iri: str, catalogue: dict[str, CannedQuery]) -> Lineage:
    """The lineage graph of the system ``iri``: every ancestor and descendant at any depth.

    Raises:
        NotFoundError: ``iri`` is not a system model in the store.
    """
    focus = ox.NamedNode(iri)
    lineage = Lineage(iri)
    sides = (("ancestors", "child", "ancestor"), ("descendants", "descendant", "parent"))
    for name, source_var, target_var in sides:
        for row in store.query(bind_values(catalogue[name].sparql, {"system": focus})):
            source, target = row[source_var].value, row[target_var].value
            lineage.nodes.setdefault(source, LineageNode(source, _value(row[f"{source_var}Label"]) or source))
            lineage.nodes.setdefault(target, LineageNode(target, _value(row[f"{target_var}Label"]) or target))
            year = _number(row["year"], int)
            confidence = _number(row["confidence"], float)
            kind = _value(row["kindLabel"]) or ""
            kind = "variant of" if kind == "variant" and row["kind"] is None else kind
            edge = LineageEdge(source, target, kind, _value(row["kind"]),
                               int(year) if year is not None else None, confidence)
            if edge not in lineage.edges:
                lineage.edges.append(edge)
    wanted = [iri, *lineage.nodes]
    for node_iri in wanted:
        for row in store.query(bind_values(_NODES_QUERY, {"node": ox.NamedNode(node_iri)})):
            node = lineage.nodes.setdefault(node_iri, LineageNode(node_iri, row["label"].value))
            node.label = row["label"].value
            if row["country"] is not None and node.country is None:
                node.country, node.country_label = row["country"].value, _value(row["countryLabel"])
    if iri not in lineage.nodes:
        raise NotFoundError(f"no system model <{iri}>")
    return lineage


def _levels(lineage: Lineage) -> dict[str, int]:
    """Generation of each node: 0 for the focus, negative for ancestors, positive for descendants."""
    up: dict[str, set[str]] = {}
    down: dict[str, set[str]] = {}
    for e in lineage.edges:
        up.setdefault(e.source, set()).add(e.target)
        down.setdefault(e.target, set()).add(e.source)
    levels = {lineage.focus: 0}

    def walk(start: str, step: dict[str, set[str]], sign: int) -> None:
        # longest path from the focus, bounded by the number of nodes so a cycle cannot loop
        frontier, depth = {start}, 0
        while frontier and depth < len(lineage.nodes):
            depth += 1
            frontier = {n for f in frontier for n in step.get(f, set()) if n != lineage.focus}
            for n in frontier:
                if n not in levels or (levels[n] * sign > 0 and abs(levels[n]) < depth):
                    levels[n] = sign * depth
    walk(lineage.focus, up, -1)
    walk(lineage.focus, down, 1)
    for n in lineage.nodes:
        levels.setdefault(n, 0)
    return levels


_BOX_W, _BOX_H, _GAP_X, _GAP_Y, _PAD, _CHAR_W = 170, 46, 40, 96, 20, 6.5


def _edge_geometry(source: tuple[float, float], target: tuple[float, float],
                   span: int) -> tuple[str, tuple[float, float], str]:
    """The SVG path of an edge, where its label goes, and the label's text-anchor.

    An edge between neighbouring rows is a straight line between the boxes; one that skips rows
    (or joins boxes of one row) bends out to the right of both boxes so it does not cross the
    boxes between them.
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
    lx, ly = x1 + (x2 - x1) * 0.35, y1 + (y2 - y1) * 0.35
    if math.isclose(x1, x2):
        return f"M{x1:.0f},{y1:.0f} L{x2:.0f},{y2:.0f}", (lx + 6, ly), "start"
    anchor = "end" if x1 < x2 else "start"
    return f"M{x1:.0f},{y1:.0f} L{x2:.0f},{y2:.0f}", (lx + (-6 if anchor == "end" else 6), ly), anchor


def _centre(iri: str, neighbours: dict[str, set[str]], placed: dict[str, float]) -> float:
    near = [placed[n] for n in neighbours.get(iri, ()) if n in placed]
    return sum(near) / len(near) if near else 0.5


def _ordered_rows(lineage: Lineage, levels: dict[str, int]) -> dict[int, list[str]]:
    """Nodes by row, each row ordered by the mean position of its neighbours in the rows above and
    then below (the barycentre heuristic), so that fewer edges cross."""
    rows: dict[int, list[str]] = {}
    for iri in sorted(lineage.nodes, key=lambda i: lineage.nodes[i].label.casefold()):
        rows.setdefault(levels[iri], []).append(iri)
    neighbours: dict[str, set[str]] = {}
    for e in lineage.edges:
        neighbours.setdefault(e.source, set()).add(e.target)
        neighbours.setdefault(e.target, set()).add(e.source)
    order = sorted(rows)
    for sweep in (order[1:], order[-2::-1]):
        for level in sweep:
            placed = {n: i / max(len(r), 1) for lv, r in rows.items() if lv != level for i, n in enumerate(r)}
            rows[level].sort(key=partial(_centre, neighbours=neighbours, placed=placed))
    return rows


def lineage_svg(lineage: Lineage) -> str:
    """An SVG drawing of ``lineage``: boxes linked to the systems' pages, arrows labelled with kind and year."""
    levels = _levels(lineage)
    rows = _ordered_rows(lineage, levels)
    top = min(rows)
    widest = max(len(r) for r in rows.values())
    width: float = _PAD * 2 + widest * _BOX_W + (widest - 1) * _GAP_X
    height = _PAD * 2 + len(range(top, max(rows) + 1)) * (_BOX_H + _GAP_Y) - _GAP_Y
    pos: dict[str, tuple[float, float]] = {}
    for level, members in rows.items():
        span = len(members) * _BOX_W + (len(members) - 1) * _GAP_X
        x0 = (width - span) / 2
        for i, iri in enumerate(members):
            pos[iri] = (x0 + i * (_BOX_W + _GAP_X), _PAD + (level - top) * (_BOX_H + _GAP_Y))
    parts = ["<svg>",  # the opening tag is written last, when the width is known
             ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
              'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#5b6575"/></marker></defs>')]
    grouped: dict[tuple[str, str], list[LineageEdge]] = {}
    for e in lineage.edges:
        grouped.setdefault((e.source, e.target), []).append(e)
    edge_parts: list[str] = []
    left = 0.0
    for (source, target), edges in grouped.items():
        dash = ' stroke-dasharray="5 4"' if all(e.kind_iri is None for e in edges) else ""
        text = "; ".join(e.kind + (f" {e.year}" if e.year else "") for e in edges)
        path, (lx, ly), anchor = _edge_geometry(pos[source], pos[target], abs(levels[source] - levels[target]))
        edge_parts.append(f'<path d="{path}" fill="none" stroke="#5b6575" stroke-width="1.5"{dash} '
                          'marker-end="url(#arrow)"/>')
        edge_parts.append(f'<text x="{lx:.0f}" y="{ly:.0f}" text-anchor="{anchor}" font-size="11" fill="#1d2430" '
                          'stroke="#ffffff" stroke-width="3" paint-order="stroke" '
                          f'class="edge-label">{esc(text)}</text>')
        reach = lx + (_CHAR_W * len(text) if anchor == "start" else 0)
        width = max(width, reach + _PAD)
        left = min(left, lx - (_CHAR_W * len(text) if anchor == "end" else 0) - _PAD)
    parts[0] = (f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage-graph" width="{width - left:.0f}" '
                f'height="{height:.0f}" viewBox="{left:.0f} 0 {width - left:.0f} {height:.0f}" role="img" '
                f'aria-label="Technology lineage">')
    parts += edge_parts
    for iri, (x, y) in pos.items():
        node = lineage.nodes[iri]
        focus = iri == lineage.focus
        href = local_path(iri) or iri
        label = node.label if len(node.label) <= 24 else node.label[:23] + "…"
        parts.append(f'<a href="{esc(href)}"><g class="node{" focus" if focus else ""}">'
                     f'<title>{esc(node.label)} ({esc(iri)})</title>'
                     f'<rect x="{x:.0f}" y="{y:.0f}" width="{_BOX_W}" height="{_BOX_H}" rx="5" '
                     f'fill="{"#fbe9e7" if focus else "#ffffff"}" stroke="{"#8a1c1c" if focus else "#5b6575"}" '
                     f'stroke-width="{2 if focus else 1}"/>'
                     f'<text x="{x + _BOX_W / 2:.0f}" y="{y + 19:.0f}" text-anchor="middle" font-size="13" '
                     f'font-weight="600" fill="#1d2430">{esc(label)}</text>'
                     f'<text x="{x + _BOX_W / 2:.0f}" y="{y + 36:.0f}" text-anchor="middle" font-size="11" '
                     f'fill="#5b6575">{esc(node.country_label or "")}</text></g></a>')
    parts.append("</svg>")
    return "".join(parts)
