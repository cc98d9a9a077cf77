"""The lineage section of a system's entity page: counts by relation and kind, the drawing, every link.

Server-side HTML, no JavaScript. The drawing follows :mod:`dragonbear.service.web.lineage_groups`: a
group of more than 12 systems is one box with its count, which links to the same page with the group
opened (``?expand=KEY``; ``?collapse=KEY`` closes one, both repeatable, ``#lineage`` keeps the place).
Under it every link is listed, one foldable table per relation and kind, with its sources.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from dragonbear.graph.lazy import lazy_module

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")

from dragonbear.graph import lineage_drawing
from dragonbear.service.web.embed_frame import embed_details
from dragonbear.service.web.layout import esc, iri_link, local_path, table
from dragonbear.service.web.lineage import Lineage, LineageEdge
from dragonbear.service.web.lineage_groups import (
    COLLAPSE_AT,
    RELATION_NAMES,
    Drawing,
    kind_groups,
    plan_drawing,
    when,
)

__all__ = ["lineage_section"]

BOX_PREFIX = "group:"
WRAP = 5  # boxes side by side in the drawing; a longer row (a group the reader opened) wraps
_HEADERS = ["system", "relation", "how", "comes from or depends on", "year", "confidence", "sources"]


def _slug(*parts: str) -> str:
    return "-".join("".join(c if c.isalnum() else "-" for c in p.casefold()) for p in parts)


def _view_url(path: str, opened: Iterable[str], closed: Iterable[str]) -> str:
    """The page with these groups opened and closed, at the lineage section."""
    query = urlencode([("expand", k) for k in sorted(set(opened))] + [("collapse", k) for k in sorted(set(closed))])
    return f"{path}{'?' + query if query else ''}#lineage"


def _drawing_svg(lineage: Lineage, drawing: Drawing, box_href: dict[str, str]) -> str:
    """The SVG of the planned drawing: the systems shown, and one box per collapsed group."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(focus=lineage.focus)
    for iri in drawing.shown:
        node = lineage.nodes[iri]
        graph.add_node(iri, label=node.label, type="system", country_label=node.country_label)
    for e in drawing.edges:
        graph.add_edge(
            e.source,
            e.target,
            relation=e.relation,
            kind=e.kind,
            year=e.year,
            **({"start": e.year, "end": e.end} if e.relation == "component" else {}),
        )
    for box in drawing.boxes:
        iri = BOX_PREFIX + box.key
        graph.add_node(iri, label=box.box_label, type="group", country_label=box.kind)
        ends = (iri, box.anchor) if box.side == "in" else (box.anchor, iri)
        count = sum(1 for e in box.edges if e.source in box.hidden or e.target in box.hidden)
        graph.add_edge(*ends, relation=box.relation, kind=f"{count} link{'' if count == 1 else 's'}")
    return lineage_drawing.lineage_svg(graph, href=lambda iri: box_href.get(iri) or local_path(iri), wrap=WRAP)


def _sources(edge: LineageEdge) -> str:
    if not edge.sources:
        return '<span class="muted">—</span>'
    return "; ".join(
        iri_link(s["iri"], s.get("label"))
        + (f' <span class="muted">({esc(s["locator"])})</span>' if s.get("locator") else "")
        for s in edge.sources
    )


def _row(lineage: Lineage, edge: LineageEdge) -> list[str]:
    def name(iri: str) -> str:
        node = lineage.nodes.get(iri)
        return iri_link(iri, node.label if node else None)

    how = iri_link(edge.kind_iri, edge.kind) if edge.kind_iri else esc(edge.kind)
    confidence = "" if edge.confidence is None else f"{edge.confidence:.2f}"
    return [
        name(edge.source),
        esc(RELATION_NAMES.get(edge.relation, edge.relation)),
        how,
        name(edge.target),
        esc(when(edge)),
        esc(confidence),
        _sources(edge),
    ]


def _group_list(drawing: Drawing, lineage: Lineage, path: str, opened: set[str], closed: set[str]) -> str:
    """The groups a reader may open or close: the boxes, and the big groups drawn open."""
    items = []
    for g in drawing.groups:
        big = g.collapsed or len(g.members) > COLLAPSE_AT or g.key in opened
        if not big or g.anchor not in drawing.shown or (g.collapsed and not g.hidden):
            continue  # small, out of the drawing, or collapsed with every member drawn anyway
        anchor = lineage.nodes[g.anchor].label
        what = f'{esc(g.noun)} <span class="muted">({esc(g.kind)}, {len(g.edges)} links, of {esc(anchor)})</span>'
        if g.collapsed:
            href = _view_url(path, opened | {g.key}, closed - {g.key})
            action = f'<a href="{esc(href)}" class="lineage-expand" data-group="{esc(g.key)}">draw them</a>'
        else:
            href = _view_url(path, opened - {g.key}, closed | {g.key})
            action = f'<a href="{esc(href)}" class="lineage-collapse" data-group="{esc(g.key)}">collapse</a>'
        items.append(
            f'<li data-group="{esc(g.key)}" data-collapsed="{str(g.collapsed).lower()}">{what} · {action}</li>'
        )
    if not items:
        return ""
    return (
        f'<p class="muted">Groups of more than {COLLAPSE_AT} systems are drawn as one box with their count, '
        "and smaller ones too where a row of the drawing would grow too wide; the table lists their links."
        f'</p><ul class="lineage-groups">{"".join(items)}</ul>'
    )


def _tables(lineage: Lineage, drawing: Drawing) -> tuple[str, str]:
    """The counts by relation and kind (linked to their tables), and one foldable table per kind."""
    drawn = {id(e) for e in drawing.edges}
    counts: dict[str, list[tuple[str, str, int]]] = {}  # relation name: (kind, anchor, links)
    sections = []
    for relation, kind, links in kind_groups(lineage.edges):
        anchor = "links-" + _slug(relation, kind)
        name = RELATION_NAMES.get(relation, relation)
        undrawn = sum(1 for e in links if id(e) not in drawn)
        note = f", {undrawn} of them in a collapsed group" if undrawn else ""
        rows = [_row(lineage, e) for e in sorted(links, key=lambda e: (e.year or 9999, lineage.nodes[e.source].label))]
        sections.append(
            f'<details open id="{anchor}" class="lineage-kind" data-relation="{esc(relation)}" '
            f'data-kind="{esc(kind)}" data-count="{len(links)}"><summary>{esc(name)} · {esc(kind)} '
            f'<span class="count">({len(links)} link{"" if len(links) == 1 else "s"}{note})</span>'
            f"</summary>{table(_HEADERS, rows, css_class='lineage-links')}</details>"
        )
        counts.setdefault(name, []).append((kind, anchor, len(links)))
    overview = " · ".join(
        f"<b>{esc(name)}</b> {sum(n for _k, _a, n in kinds)} ("
        + ", ".join(f'<a href="#{a}">{esc(k)}</a> {n}' for k, a, n in kinds)
        + ")"
        for name, kinds in counts.items()
    )
    total = len(lineage.edges)
    return (f'<p class="lineage-counts">{total} link{"" if total == 1 else "s"}: {overview}</p>', "".join(sections))


def _embed(lineage: Lineage, base_url: str) -> str:
    """The snippet that embeds the drawing (``/embed/lineage/{id}``), with links to its SVG and PNG."""
    system = lineage.focus.rsplit("/", 1)[-1]
    src = f"{base_url}/embed/lineage/{quote(system, safe='-._~')}"
    node = lineage.nodes.get(lineage.focus)
    images = f'<p class="muted">The drawing for print: <a href="{esc(src)}.svg">SVG</a> · <a href="{esc(src)}.png">PNG</a></p>'
    return embed_details(src, f"Lineage of {node.label if node else system}", 600) + images


def lineage_section(
    lineage: Lineage, *, opened: Iterable[str] = (), closed: Iterable[str] = (), base_url: str = ""
) -> str:
    """The lineage section of the entity page of ``lineage.focus`` (HTML), or "" when it has no links.

    Args:
        lineage: the system's lineage (:func:`dragonbear.service.web.lineage.lineage_of`).
        opened: keys of the groups the reader opened (``?expand=``); closed: those closed (``?collapse=``).
        base_url: the server's URL without a trailing slash, for the snippet that embeds the drawing.
    """
    if not lineage.edges:
        return ""
    opened, closed = set(opened), set(closed)
    drawing = plan_drawing(lineage, opened=opened, closed=closed)
    path = local_path(lineage.focus) or ""
    boxes = {BOX_PREFIX + g.key: _view_url(path, opened | {g.key}, closed - {g.key}) for g in drawing.boxes}
    counts, tables = _tables(lineage, drawing)
    drawn = len(drawing.edges)
    summary = (
        f"All {drawn} links are drawn."
        if drawn == len(lineage.edges)
        else f"{drawn} of {len(lineage.edges)} links are drawn; the others are in the {len(drawing.boxes)} "
        "collapsed groups (boxes with a count), and all are in the table below."
    )
    return (
        '<h2 id="lineage">Lineage and components</h2>'
        '<p class="muted">Arrows point from a system to the system it comes from or depends on: solid '
        "derivations, dashed variants, dotted component fits. Transfers are listed under Arms transfers and "
        "drawn in the lineage explorer.</p>"
        + counts
        + f'<div class="lineage">{_drawing_svg(lineage, drawing, boxes)}</div>'
        f'<p class="muted lineage-summary">{esc(summary)}</p>'
        + _embed(lineage, base_url)
        + _group_list(drawing, lineage, path, opened, closed)
        + '<h3 id="lineage-links">Every link, by relation and kind</h3>'
        + tables
    )
