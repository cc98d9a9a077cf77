"""Lineage graphs written out: the API's JSON, DOT, GraphML, GEXF, and a layered SVG drawing.

The JSON is the contract of ``GET /api/lineage/{id}`` and of ``dragonbear lineage --format json``. It is
cytoscape.js's elements format, so ``cytoscape({elements: json})`` draws it as it is (the extra
``system`` key is ignored there); each node's ``data.id`` is its IRI, each edge's ``data.source`` and
``data.target`` are node ids, and its ``data.id`` is unique::

    {"system": IRI,
     "nodes": [{"data": {id, label, type, country, country_label}}],
     "edges": [{"data": {id, source, target, relation, kind, kind_iri, year, start, end, confidence,
                         sources: [{label, iri, ...}], statement, role, supplier, supplier_label, recipient,
                         units, tiv, maker, maker_label, ...}}]}

GraphML (1.0, networkx's writer) and GEXF (1.3, written here) validate against their XSD schemas
(``tests/data/xsd``). Their attributes are scalars, so ``sources`` becomes one string (``label <iri>
(locator); ...``); GraphML's node ids are ``n0``, ``n1``... with the IRI as ``iri`` (a GraphML id is
an XML name token), and GEXF names ``start``/``end`` ``start_year``/``end_year`` (in GEXF those names
mean a dynamic graph's time spells). The SVG is drawn by :mod:`dragonbear.graph.lineage_drawing`.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
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
    "GEXF_NS",
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
    """The graph as the API's JSON, cytoscape.js's elements format (see the module docstring); absent
    values are null.

    >>> g = nx.MultiDiGraph(focus="a")
    >>> g.add_node("a", label="A", type="system")
    >>> g.add_edge("a", "b", relation="variant", kind="variant of")
    0
    >>> body = lineage_json(g)
    >>> body["edges"][0]["data"]["kind"], body["nodes"][1]["data"]["label"], body["edges"][0]["data"]["id"]
    ('variant of', 'b', 'a -> b 0')
    """
    nodes = [
        {
            "data": {
                "id": n,
                "label": graph.nodes[n].get("label", n),
                "type": graph.nodes[n].get("type", "system"),
                "country": graph.nodes[n].get("country"),
                "country_label": graph.nodes[n].get("country_label"),
            }
        }
        for n in _order(graph)
    ]
    edges = []
    for a, b, key, attrs in _edges(graph):
        edge: dict[str, Any] = {"id": f"{a} -> {b} {key}", "source": a, "target": b}  # IRIs hold no space
        edge.update({name: attrs.get(name) for name in EDGE_FIELDS})
        for name in _FLOATS:
            if edge[name] is not None:
                edge[name] = float(edge[name])
        edge["sources"] = [dict(s) for s in attrs.get("sources", [])]
        edges.append({"data": edge})
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


def _numbered(graph: nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    """A flat copy (:func:`_flat`) whose nodes are ``n0``, ``n1``... with the IRI as ``iri``, and whose edges
    are ``e0``, ``e1``...: GraphML's ids are XML name tokens, which IRIs (with ``/``) are not."""
    flat = _flat(graph)
    ids = {n: f"n{i}" for i, n in enumerate(_order(flat))}
    numbered: nx.MultiDiGraph[str] = nx.MultiDiGraph(focus=flat.graph["focus"])
    for n, id_ in ids.items():
        numbered.add_node(id_, iri=n, **flat.nodes[n])
    for i, (a, b, _key, attrs) in enumerate(_edges(flat)):
        numbered.add_edge(ids[a], ids[b], key=f"e{i}", **attrs)
    return numbered


def lineage_graphml(graph: nx.MultiDiGraph[str]) -> bytes:
    """The graph in GraphML 1.0 (networkx's writer): node ids ``n0``... with each IRI as the node's
    ``iri`` (a GraphML id is an XML name token), sources as one string per edge.

    >>> g = nx.MultiDiGraph(focus="https://e/a")
    >>> g.add_edge("https://e/a", "https://e/b", relation="variant")
    0
    >>> back = nx.read_graphml(io.BytesIO(lineage_graphml(g)))
    >>> sorted((n, d["iri"]) for n, d in back.nodes(data=True))
    [('n0', 'https://e/a'), ('n1', 'https://e/b')]
    """
    out = io.BytesIO()
    nx.write_graphml(_numbered(graph), out, encoding="utf-8")
    return out.getvalue()


GEXF_NS = "http://gexf.net/1.3"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _gexf_type(values: list[Any]) -> str:
    """The GEXF 1.3 type of an attribute's values: boolean, integer, double or string."""
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "double"
    return "string"


def _gexf_columns(parent: ET.Element, cls: str, rows: list[dict[str, Any]], skip: set[str]) -> list[str]:
    """Declare the attributes of the nodes or edges (``cls``) under ``parent``, each with its name as id."""
    names = sorted({k for row in rows for k in row} - skip)
    declared = ET.SubElement(parent, "attributes", {"class": cls})
    for name in names:
        kind = _gexf_type([row[name] for row in rows if name in row])
        ET.SubElement(declared, "attribute", {"id": name, "title": name, "type": kind})
    return names


def _gexf_values(element: ET.Element, columns: list[str], attrs: dict[str, Any]) -> None:
    """The values of a node's or edge's declared attributes (``columns``)."""
    values = [(k, v) for k, v in sorted(attrs.items()) if k in columns]
    if values:
        holder = ET.SubElement(element, "attvalues")
        for column, value in values:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            ET.SubElement(holder, "attvalue", {"for": column, "value": text})


def lineage_gexf(graph: nx.MultiDiGraph[str]) -> bytes:
    """The graph in GEXF 1.3 (for Gephi): nodes by IRI with their label, edges labelled with their
    kind and of GEXF kind ``relation`` (1.3's parallel edges), with ``start_year``/``end_year`` for
    start/end (in GEXF those names mean a dynamic graph's time spells). networkx reads GEXF up to 1.2
    only: read the GraphML there.

    >>> g = nx.MultiDiGraph(focus="https://e/a")
    >>> g.add_edge("https://e/a", "https://e/b", relation="variant", kind="variant of", year=1998)
    0
    >>> root = ET.fromstring(lineage_gexf(g))
    >>> root.get("version"), root.find(f"{{{GEXF_NS}}}graph/{{{GEXF_NS}}}edges/{{{GEXF_NS}}}edge").get("kind")
    ('1.3', 'variant')
    """
    flat = _flat(graph, rename={"start": "start_year", "end": "end_year"})
    root = ET.Element(
        "gexf",
        {"xmlns": GEXF_NS, "xmlns:xsi": _XSI, "xsi:schemaLocation": f"{GEXF_NS} {GEXF_NS}/gexf.xsd", "version": "1.3"},
    )
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "Dragonbear"
    ET.SubElement(meta, "description").text = f"Lineage of {flat.graph['focus']}"
    body = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "static", "idtype": "string"})
    order, edges = _order(flat), _edges(flat)
    node_columns = _gexf_columns(body, "node", [flat.nodes[n] for n in order], {"label"})
    edge_columns = _gexf_columns(body, "edge", [e[3] for e in edges], {"kind"})
    nodes = ET.SubElement(body, "nodes", {"count": str(len(order))})
    for n in order:
        node = ET.SubElement(nodes, "node", {"id": n, "label": str(flat.nodes[n].get("label", n))})
        _gexf_values(node, node_columns, flat.nodes[n])
    links = ET.SubElement(body, "edges", {"count": str(len(edges))})
    for a, b, key, attrs in edges:
        edge = ET.SubElement(links, "edge", {"id": f"{a} -> {b} {key}", "source": a, "target": b})
        edge.set("label", str(attrs.get("kind") or attrs.get("relation", "")))
        edge.set("kind", str(attrs.get("relation", "")))
        _gexf_values(edge, edge_columns, attrs)
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


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
