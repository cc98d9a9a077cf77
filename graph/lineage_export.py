"""Lineage graphs written out: the API's JSON, DOT, GraphML, GEXF, and a layered SVG drawing.

The JSON is the contract of ``GET /api/lineage/{id}`` and of ``dragonbear lineage --format json``::

    {"system": IRI, "nodes": [{iri, label, type, country, country_label}],
     "edges": [{source, target, relation, kind, kind_iri, year, start, end, confidence, sources: [{label, iri, ...}],
                statement, role, supplier, supplier_label, recipient, units, tiv, maker, maker_label, ...}]}

GraphML and GEXF come from networkx's writers; their attributes must be scalars, so ``sources``
becomes one string (``label <iri> (locator); ...``), and GEXF names ``start``/``end``
``start_year``/``end_year`` (in GEXF those names mean a dynamic graph's time spells). The SVG is drawn by
:mod:`dragonbear.graph.lineage_drawing`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from dragonbear.graph.lazy import lazy_module

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")

from dragonbear.errors import UsageError
from dragonbear.formats import FileFormat
from dragonbear.graph.lineage_drawing import edge_text, lineage_svg

__all__ = [
    "EDGE_FIELDS",
    "MEDIA_TYPES",
    "ExportFormat",
    "export_lineage",
    "lineage_dot",
    "lineage_gexf",
    "lineage_graphml",
    "lineage_json",
]


class ExportFormat(StrEnum):
    """The formats a lineage graph is written in."""

    JSON = "json"
    DOT = "dot"
    GRAPHML = "graphml"
    GEXF = "gexf"
    SVG = "svg"


MEDIA_TYPES = {fmt: FileFormat[fmt.name].media_type for fmt in ExportFormat}
"""The media type of each format (:class:`dragonbear.formats.FileFormat`)."""
EDGE_FIELDS = (
    "relation",
    "kind",
    "kind_iri",
    "year",
    "start",
    "end",
    "confidence",
    "statement",
    "role",
    "supplier",
    "supplier_label",
    "recipient",
    "units",
    "tiv",
    "maker",
    "maker_label",
    "maker_state",
    "maker_state_label",
)
_FLOATS = ("confidence", "tiv")


def _order(graph: nx.MultiDiGraph[str]) -> list[str]:
    focus = graph.graph.get("focus")
    return sorted(graph, key=lambda n: (n != focus, str(graph.nodes[n].get("label", n)).casefold(), n))


def _edges(graph: nx.MultiDiGraph[str]) -> list[tuple[str, str, str, dict[str, Any]]]:
    return sorted(
        graph.edges(keys=True, data=True),
        key=lambda e: (e[3].get("relation", ""), e[3].get("year") or e[3].get("start") or 9999, e[0], e[1], e[2]),
    )


def lineage_json(graph: nx.MultiDiGraph[str]) -> dict[str, Any]:
    """The graph as the API's JSON (see the module docstring); absent values are null.

    >>> g = nx.MultiDiGraph(focus="a")
    >>> g.add_node("a", label="A", type="system")
    >>> g.add_edge("a", "b", relation="variant", kind="variant of")
    0
    >>> lineage_json(g)["edges"][0]["kind"], lineage_json(g)["nodes"][1]["label"]
    ('variant of', 'b')
    """
    nodes = [
        {
            "iri": n,
            "label": graph.nodes[n].get("label", n),
            "type": graph.nodes[n].get("type", "system"),
            "country": graph.nodes[n].get("country"),
            "country_label": graph.nodes[n].get("country_label"),
        }
        for n in _order(graph)
    ]
    edges = []
    for a, b, _key, attrs in _edges(graph):
        edge: dict[str, Any] = {"source": a, "target": b}
        edge.update({name: attrs.get(name) for name in EDGE_FIELDS})
        for name in _FLOATS:
            if edge[name] is not None:
                edge[name] = float(edge[name])
        edge["sources"] = [dict(s) for s in attrs.get("sources", [])]
        edges.append(edge)
    return {"system": graph.graph.get("focus"), "nodes": nodes, "edges": edges}


def _dot_id(text: object) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def lineage_dot(graph: nx.MultiDiGraph[str]) -> str:
    """The graph in Graphviz DOT: boxes for systems, ellipses for states and organizations.

    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("j-11", "su-27sk", relation="derivation", kind="licensed production", year=1998)
    0
    >>> print(lineage_dot(g).splitlines()[-2])
      "j-11" -> "su-27sk" [label="licensed production 1998", relation="derivation", year="1998"];
    """
    lines = ["digraph lineage {", "  rankdir=BT;", '  node [shape=box, style="rounded,filled", fillcolor="#ffffff"];']
    focus = graph.graph.get("focus")
    for n in _order(graph):
        attrs = graph.nodes[n]
        label = attrs.get("label", n) + (f"\n{attrs['country_label']}" if attrs.get("country_label") else "")
        extra = ", shape=ellipse" if attrs.get("type", "system") != "system" else ""
        extra += ', fillcolor="#fbe9e7", penwidth=2' if n == focus else ""
        lines.append(
            f"  {_dot_id(n)} [label={_dot_id(label)}, type={_dot_id(attrs.get('type', 'system'))}, "
            f"URL={_dot_id(n)}{extra}];"
        )
    for a, b, _key, attrs in _edges(graph):
        fields = [f"label={_dot_id(edge_text(attrs))}"]
        fields += [
            f"{name}={_dot_id(attrs[name])}"
            for name in EDGE_FIELDS[:7]
            if attrs.get(name) is not None and name not in ("kind",)
        ]
        lines.append(f"  {_dot_id(a)} -> {_dot_id(b)} [{', '.join(fields)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _flat(graph: nx.MultiDiGraph[str], *, rename: dict[str, str] | None = None) -> nx.MultiDiGraph[str]:
    """A copy whose attributes are all scalars, for the XML writers."""
    rename = rename or {}
    flat: nx.MultiDiGraph[str] = nx.MultiDiGraph(focus=graph.graph.get("focus") or "")
    for n, attrs in graph.nodes(data=True):
        flat.add_node(n, **{k: v for k, v in attrs.items() if v is not None})
    for a, b, key, attrs in graph.edges(keys=True, data=True):
        out = {
            rename.get(k, k): (float(v) if k in _FLOATS else v)
            for k, v in attrs.items()
            if v is not None and k != "sources"
        }
        out["sources"] = "; ".join(
            f"{s['label']} <{s['iri']}>" + (f" ({s['locator']})" if s.get("locator") else "")
            for s in attrs.get("sources", [])
        )
        flat.add_edge(a, b, key=key, **out)
    return flat


def lineage_graphml(graph: nx.MultiDiGraph[str]) -> bytes:
    """The graph in GraphML (networkx's writer), sources as one string per edge."""
    out = io.BytesIO()
    nx.write_graphml(_flat(graph), out, encoding="utf-8")
    return out.getvalue()


def lineage_gexf(graph: nx.MultiDiGraph[str]) -> bytes:
    """The graph in GEXF 1.2 (networkx's writer), with ``start_year``/``end_year`` for start/end."""
    out = io.BytesIO()
    nx.write_gexf(_flat(graph, rename={"start": "start_year", "end": "end_year"}), out, encoding="utf-8")
    return out.getvalue()


def export_lineage(
    graph: nx.MultiDiGraph[str], fmt: ExportFormat | str, *, href: Callable[[str], str | None] | None = None
) -> bytes:
    """The graph written in ``fmt`` (json, dot, graphml, gexf or svg), as bytes (UTF-8).

    Raises:
        UsageError: ``fmt`` is not one of the formats.
    """
    try:
        fmt = ExportFormat(fmt)
    except ValueError:
        raise UsageError(f"no lineage format {fmt!r}: use {', '.join(f.value for f in ExportFormat)}") from None
    if fmt == ExportFormat.JSON:
        return json.dumps(lineage_json(graph), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    if fmt == ExportFormat.GRAPHML:
        return lineage_graphml(graph)
    if fmt == ExportFormat.GEXF:
        return lineage_gexf(graph)
    text = lineage_dot(graph) if fmt == ExportFormat.DOT else lineage_svg(graph, href=href)
    return text.encode("utf-8")
