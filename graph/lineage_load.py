"""Reading the lineage graph out of the store: a few bulk scans, joined in Python.

pyoxigraph answers a scan of one property fast and a pattern with many OPTIONALs slowly (on the
shipped graph, the transfers with eight OPTIONALs took seconds, each property alone milliseconds), so
the loader asks one two-column query per property, reads the answers as TSV (no Python object per
term) and joins them by statement. With ``among`` the scans are bounded by VALUES blocks instead.
The edge model is described in :mod:`dragonbear.graph.lineage`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from dragonbear.graph.lazy import lazy_module

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")
import pyoxigraph as ox

from dragonbear.graph.store import GraphStore

__all__ = ["Relation", "load_lineage_graph"]


class Relation(StrEnum):
    """The kinds of edge of a lineage graph."""

    DERIVATION = "derivation"
    VARIANT = "variant"
    COMPONENT = "component"
    TRANSFER = "transfer"


# Per relation: the property from the statement to the edge's source, the properties to its target
# (with the role each gives), and the attribute each further property fills.
_EDGES: dict[Relation, tuple[str, dict[str, str], dict[str, str]]] = {
    Relation.DERIVATION: (
        "dgb:derivedSystem",
        {"dgb:sourceSystem": "origin", "dgb:licensor": "licensor", "dgb:partner": "partner"},
        {
            "dgb:derivationKind": "kind_iri",
            "dgb:startYear": "start",
            "dgb:endYear": "end",
            "dgb:confidence": "confidence",
        },
    ),
    Relation.COMPONENT: (
        "dgb:platform",
        {"dgb:component": ""},
        {
            "dgb:componentRole": "kind_iri",
            "dgb:startYear": "start",
            "dgb:endYear": "end",
            "dgb:confidence": "confidence",
            "dgb:fittedUnits": "units",
        },
    ),
    Relation.TRANSFER: (
        "dgb:recipient",
        {"dgb:transferredSystem": ""},
        {
            "dgb:transferStatus": "kind_iri",
            "dgb:orderYear": "year",
            "dgb:deliveryStartYear": "start",
            "dgb:deliveryEndYear": "end",
            "dgb:quantityDelivered": "units",
            "dgb:tivDelivered": "tiv",
            "dgb:confidence": "confidence",
            "dgb:supplier": "supplier",
        },
    ),
}
_NODE_TYPES = {
    "dgb:SystemModel": "system",
    "dgb:State": "state",
    "dgb:Organization": "organization",
    "dgb:Agent": "organization",
}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SIMPLE = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    return chr(int(code[1:], 16)) if code[0] in "uU" and len(code) > 1 else _SIMPLE.get(code, code)


def _cell(text: str) -> Any:
    """A term of a TSV result as a Python value: IRI and string as str, numbers as int or float.

    >>> _cell("<https://w3id.org/x>"), _cell("1998"), _cell("0.85"), _cell('"a\\\\tb"@en'), _cell("")
    ('https://w3id.org/x', 1998, 0.85, 'a\\tb', None)
    >>> _cell('"1998"^^<http://www.w3.org/2001/XMLSchema#gYear>')
    1998
    """
    if not text:
        return None
    if text[0] == "<":
        return text[1:-1]
    if text[0] == '"':
        end = text.rindex('"')
        value = _ESCAPE.sub(_unescape, text[1:end])
        datatype = text[end + 1 :]
        if datatype.endswith(("#integer>", "#gYear>", "#nonNegativeInteger>", "#int>")):
            return int(value)
        if datatype.endswith(("#decimal>", "#double>", "#float>")):
            return float(value)
        return value
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _select(store: GraphStore, query: str) -> list[list[Any]]:
    """The rows of a SELECT, read through TSV."""
    data = store.select(query).serialize(format=ox.QueryResultsFormat.TSV) or b""
    lines = (data or b"").decode("utf-8").split("\n")[1:]
    return [[_cell(c) for c in line.split("\t")] for line in lines if line]


def _values(var: str, iris: Iterable[str] | None) -> str:
    if iris is None:
        return ""
    return f"VALUES ?{var} {{ {' '.join(str(ox.NamedNode(i)) for i in sorted(iris))} }}"


def _pairs(
    store: GraphStore, prop: str, *, subjects: Iterable[str] | None = None, objects: Iterable[str] | None = None
) -> list[list[Any]]:
    """``[subject, object]`` for every ``subject prop object``, optionally bounded on either side."""
    return _select(store, f"SELECT ?s ?o WHERE {{ {_values('s', subjects)} {_values('o', objects)} ?s {prop} ?o }}")


def _local(iri: str) -> str:
    return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _add_nodes(store: GraphStore, graph: nx.MultiDiGraph[str], wanted: set[str] | None) -> None:
    rank = {"system": 0, "state": 1, "organization": 2}
    for curie, kind in _NODE_TYPES.items():
        for (node,) in _select(store, f"SELECT ?s WHERE {{ {_values('s', wanted)} ?s a {curie} }}"):
            if node not in graph or rank[kind] < rank[graph.nodes[node]["type"]]:
                graph.add_node(node, type=kind)
    nodes = set(graph) if wanted is not None else None
    labels = _select(
        store,
        f"""SELECT ?s ?l WHERE {{ {_values("s", nodes)} ?s rdfs:label ?l
                                FILTER(LANG(?l) = "en" || LANG(?l) = "") }}""",
    )
    for node, label in labels:
        if node in graph:
            graph.nodes[node].setdefault("label", label)
    for prop in ("dgb:countryOfOrigin", "dgb:basedIn"):
        for node, country in _pairs(store, prop, subjects=nodes):
            if node in graph:
                graph.nodes[node].setdefault("country", country)
    for node, attrs in graph.nodes(data=True):
        attrs.setdefault("label", _local(node))
    countries = {a["country"] for _n, a in graph.nodes(data=True) if "country" in a}
    names = _labels(store, countries - set(graph))
    names.update((node, attrs["label"]) for node, attrs in graph.nodes(data=True))
    for _node, attrs in graph.nodes(data=True):
        if "country" in attrs:
            attrs["country_label"] = names.get(attrs["country"]) or _local(attrs["country"])


def _labels(store: GraphStore, nodes: set[str]) -> dict[str, str]:
    """The English (or language-less) label of each of ``nodes`` that has one."""
    if not nodes:
        return {}
    return dict(
        _select(
            store,
            f"""SELECT ?s ?l WHERE {{ {_values("s", nodes)} ?s rdfs:label ?l
                                    FILTER(LANG(?l) = "en" || LANG(?l) = "") }}""",
        )
    )


def _sources(store: GraphStore, statements: Iterable[str] | None) -> dict[str, list[dict[str, str]]]:
    """The sources each statement (or system) cites: label, IRI, and the locator and stance when given."""
    attestations = _pairs(store, "dgb:hasAttestation", subjects=statements)
    atts = {att for _s, att in attestations} if statements is not None else None
    source = dict(_pairs(store, "dgb:source", subjects=atts))
    locator = dict(_pairs(store, "dgb:locator", subjects=atts))
    stance = dict(_pairs(store, "dgb:stance", subjects=atts))
    docs = set(source.values())
    titles = dict(_pairs(store, "dcterms:title", subjects=docs))
    labels = dict(_pairs(store, "rdfs:label", subjects=docs))
    found: dict[str, list[dict[str, str]]] = {}
    for stmt, att in attestations:
        if att not in source:
            continue
        doc = source[att]
        entry = {"label": titles.get(doc) or labels.get(doc) or _local(doc), "iri": doc}
        if att in locator:
            entry["locator"] = locator[att]
        if att in stance:
            entry["stance"] = _local(stance[att])
        held = found.setdefault(stmt, [])
        if all(e["iri"] != doc or e.get("locator") != entry.get("locator") for e in held):
            held.append(entry)
    return found


def load_lineage_graph(store: GraphStore, *, among: Iterable[str] | None = None) -> nx.MultiDiGraph[str]:
    """Read the lineage graph of ``store`` with a few bulk queries per kind of node and edge.

    Args:
        store: the store to read.
        among: if given, only these nodes and the edges between them (for a one-off lineage on a
            large store, once the nodes are known).

    Returns:
        A ``MultiDiGraph`` whose nodes are IRIs (attributes label, type, country, country_label) and
        whose edges are keyed by their statement (attributes as in :mod:`dragonbear.graph.lineage`;
        absent values are left out, ``sources`` is always there). Statements ranked deprecated are
        left out.

    >>> from dragonbear.graph.store import EmbeddedStore
    >>> load_lineage_graph(EmbeddedStore.open(None)).number_of_nodes()
    0
    """
    wanted = set(among) if among is not None else None
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    _add_nodes(store, graph, wanted)
    edges = _EdgeAdder(graph, wanted)
    _add_statement_edges(store, edges, wanted)
    for a, b in _pairs(store, "dgb:variantOf", objects=wanted):
        edges.add(a, b, f"variant {a}", a, {"relation": str(Relation.VARIANT), "kind": "variant of"})
    _add_component_makers(store, graph)
    _label_agents(store, graph)
    found = _sources(store, set(edges.cited) if wanted is not None else None)
    for cites, cited in edges.cited.items():
        for a, b, key in cited:
            graph.edges[a, b, key]["sources"] = found.get(cites, [])
    return graph


class _EdgeAdder:
    """Adds the edges between wanted nodes (an untyped end gets a type) and keeps the statement each cites."""

    def __init__(self, graph: nx.MultiDiGraph[str], wanted: set[str] | None) -> None:
        self.graph, self.wanted = graph, wanted
        self.cited: dict[str, list[tuple[str, str, str]]] = {}

    def add(self, a: str, b: str, key: str, cites: str, attrs: dict[str, Any]) -> None:
        if self.wanted is not None and (a not in self.wanted or b not in self.wanted):
            return
        for node in (a, b):
            if node not in self.graph:  # untyped: an agent when the edge says so, else a system
                agent = node == (
                    a
                    if attrs["relation"] == Relation.TRANSFER
                    else b
                    if attrs.get("role") in ("licensor", "partner")
                    else None
                )
                self.graph.add_node(node, label=_local(node), type="organization" if agent else "system")
        self.graph.add_edge(a, b, key=key, **attrs)
        self.cited.setdefault(cites, []).append((a, b, key))


def _add_statement_edges(store: GraphStore, edges: _EdgeAdder, wanted: set[str] | None) -> None:
    """The edges of the derivation, component-fit and transfer statements: one per statement and role."""
    kinds = dict(
        _select(
            store,
            'SELECT ?k ?l WHERE { ?k a skos:Concept ; skos:prefLabel ?l FILTER(LANG(?l) = "en" || LANG(?l) = "") }',
        )
    )
    deprecated = {s for (s,) in _select(store, "SELECT ?s WHERE { ?s dgb:rank dgb:DeprecatedRank }")}
    scanned: dict[str, list[list[Any]]] = {}
    for relation, (from_prop, to_props, attr_props) in _EDGES.items():
        sources = {s: a for s, a in _pairs(store, from_prop, objects=wanted) if s not in deprecated}
        stmts = set(sources) if wanted is not None else None
        details: dict[str, dict[str, Any]] = {s: {} for s in sources}
        for prop, name in attr_props.items():
            if stmts is None and prop not in scanned:  # a whole-store scan serves every kind of statement
                scanned[prop] = _pairs(store, prop)
            for stmt, value in scanned[prop] if stmts is None else _pairs(store, prop, subjects=stmts):
                if stmt in details:
                    details[stmt].setdefault(name, value)
        for to_prop, role in to_props.items():
            for stmt, b in _pairs(store, to_prop, subjects=stmts):
                if stmt not in sources:
                    continue
                attrs = _edge_attributes(relation, stmt, role, details[stmt], sources[stmt], kinds)
                edges.add(sources[stmt], b, f"{stmt} {role}".strip(), stmt, attrs)


def _edge_attributes(
    relation: Relation, stmt: str, role: str, details: dict[str, Any], source: str, kinds: dict[str, str]
) -> dict[str, Any]:
    """The attributes of the edge a statement gives, from its details (kind, years, units...)."""
    attrs: dict[str, Any] = {"relation": str(relation), "statement": stmt, **details}
    if "kind_iri" in attrs:
        attrs["kind"] = kinds.get(attrs["kind_iri"]) or _local(attrs["kind_iri"])
    if relation == Relation.DERIVATION:
        attrs["role"] = role
        if "start" in attrs:
            attrs["year"] = attrs["start"]
    elif relation == Relation.TRANSFER:
        attrs["recipient"] = source
    attrs.setdefault("kind", str(relation))
    return attrs


def _add_component_makers(store: GraphStore, graph: nx.MultiDiGraph[str]) -> None:
    """The maker of each component, and the maker's state, on the component-fit edges."""
    components = {b for _a, b, r in graph.edges(data="relation") if r == Relation.COMPONENT}  # type: ignore[var-annotated]
    makers = dict(_pairs(store, "dgb:manufacturer", subjects=components)) if components else {}
    states = dict(_pairs(store, "dgb:basedIn", subjects=set(makers.values()))) if makers else {}
    for _a, b, attrs in graph.edges(data=True):
        if attrs["relation"] == Relation.COMPONENT and b in makers:
            attrs["maker"] = makers[b]
            if makers[b] in states:
                attrs["maker_state"] = states[makers[b]]


def _label_agents(store: GraphStore, graph: nx.MultiDiGraph[str]) -> None:
    """The names of the agents an edge mentions (supplier, maker, maker's state), as ``{name}_label``."""
    named = ("supplier", "maker", "maker_state")
    absent = {d[n] for _a, _b, d in graph.edges(data=True) for n in named if n in d and d[n] not in graph}
    names = _labels(store, absent)
    names.update((node, graph.nodes[node]["label"]) for node in graph)
    for _a, _b, attrs in graph.edges(data=True):
        for name in named:
            if name in attrs:
                attrs[f"{name}_label"] = names.get(attrs[name]) or _local(attrs[name])
