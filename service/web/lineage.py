"""The lineage of a system for the entity pages: a small graph, and its drawing as SVG.

Both come from :mod:`dragonbear.graph.lineage`: the cached view of the store's generation, cut to
the system's derivations, variants and component fits (systems only; the licensors and partners of
a licence, and the transfers, are left to the explorer, the API and the CLI). Edges point from the
derived system (variant, platform) to the system it comes from (base, component); the drawing
(:func:`dragonbear.graph.lineage_drawing.lineage_svg`) puts ancestors above the system and
descendants below, computed server-side, no JavaScript. A large lineage is drawn with its big groups
collapsed into one box each (:mod:`dragonbear.service.web.lineage_groups`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dragonbear.graph.lazy import lazy_module

if TYPE_CHECKING:
    import networkx as nx
else:
    nx = lazy_module("networkx")

from dragonbear.errors import NotFoundError, UsageError
from dragonbear.graph import lineage_drawing
from dragonbear.graph.lineage import (
    ALL_RELATIONS,
    TECHNOLOGY,
    Direction,
    Relation,
    lineage_subgraph,
    lineage_view,
)
from dragonbear.graph.lineage_export import ExportFormat
from dragonbear.graph.store import GraphStore
from dragonbear.service.web.layout import local_path

__all__ = [
    "ENTITY_RELATIONS",
    "Lineage",
    "LineageEdge",
    "LineageNode",
    "LineageOptions",
    "lineage_of",
    "lineage_options",
    "lineage_svg",
]


@dataclass
class LineageNode:
    """A system in a lineage graph."""

    iri: str
    label: str
    country: str | None = None
    country_label: str | None = None


@dataclass
class LineageEdge:
    """A step from ``source`` (the derived system, variant or platform) to ``target`` (the system it
    comes from, or its component); ``year`` is when it began, ``end`` when it ended (a fit's period)."""

    source: str
    target: str
    kind: str
    kind_iri: str | None = None
    year: int | None = None
    confidence: float | None = None
    relation: str = ""
    end: int | None = None
    sources: list[dict[str, str]] = field(default_factory=list)
    statement: str | None = None

    def __post_init__(self) -> None:
        if not self.relation:
            self.relation = str(Relation.VARIANT if self.kind_iri is None else Relation.DERIVATION)


@dataclass
class Lineage:
    """The ancestors and descendants of one system, as nodes and edges."""

    focus: str
    nodes: dict[str, LineageNode] = field(default_factory=dict)
    edges: list[LineageEdge] = field(default_factory=list)


ENTITY_RELATIONS = TECHNOLOGY | {Relation.COMPONENT}


def lineage_of(
    store: GraphStore, iri: str, catalogue: object = None, *, relations: frozenset[Relation] = ENTITY_RELATIONS
) -> Lineage:
    """The lineage of the system ``iri``: every ancestor and descendant at any depth, systems only.

    Args:
        store: the store (its lineage view is loaded once per generation and kept).
        iri: a system model.
        catalogue: unused (the lineage no longer runs the canned queries); kept for callers.
        relations: the kinds of link to follow (derivations, variants and component fits by default).

    Raises:
        NotFoundError: ``iri`` is not a system model in the store.
    """
    view = lineage_view(store)
    if iri not in view or view.nodes[iri].get("type") != "system":
        raise NotFoundError(f"no system model <{iri}>")
    graph = lineage_subgraph(view, iri, relations=relations)
    lineage = Lineage(iri)
    for node, attrs in graph.nodes(data=True):
        if attrs.get("type") == "system":
            lineage.nodes[node] = LineageNode(
                node, attrs.get("label", node), attrs.get("country"), attrs.get("country_label")
            )
    for a, b, attrs in graph.edges(data=True):
        if a in lineage.nodes and b in lineage.nodes:
            lineage.edges.append(
                LineageEdge(
                    a,
                    b,
                    attrs.get("kind", ""),
                    attrs.get("kind_iri"),
                    attrs.get("year", attrs.get("start")),
                    attrs.get("confidence"),
                    attrs.get("relation", ""),
                    attrs.get("end"),
                    [dict(s) for s in attrs.get("sources", [])],
                    attrs.get("statement"),
                )
            )
    lineage.edges.sort(key=lambda e: (e.year or 9999, e.source, e.target, e.kind))
    return lineage


def lineage_svg(lineage: Lineage) -> str:
    """An SVG drawing of ``lineage``: boxes linked to the systems' pages, arrows labelled with kind and year.

    >>> lin = Lineage("https://w3id.org/dragonbear/id/system/j-11")
    >>> lin.nodes = {i: LineageNode(i, i.rsplit("/", 1)[-1]) for i in (lin.focus, lin.focus + "b")}
    >>> lin.edges = [LineageEdge(lin.focus + "b", lin.focus, "variant of")]
    >>> svg = lineage_svg(lin)
    >>> 'href="/id/system/j-11"' in svg and "variant of" in svg
    True
    """
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(focus=lineage.focus)
    for node in lineage.nodes.values():
        graph.add_node(node.iri, label=node.label, type="system", country_label=node.country_label)
    for e in lineage.edges:
        graph.add_edge(
            e.source,
            e.target,
            relation=e.relation,
            kind=e.kind,
            year=e.year,
            **({"start": e.year, "end": e.end} if e.relation == Relation.COMPONENT else {}),
        )
    return lineage_drawing.lineage_svg(graph, href=local_path)


@dataclass(frozen=True)
class LineageOptions:
    """The options of a lineage request, checked."""

    direction: Direction
    relations: frozenset[Relation]
    year: int | None
    format: ExportFormat


def _choice(kind: type[Direction | Relation | ExportFormat], name: str, value: str) -> Any:
    try:
        return kind(value.strip().lower())
    except ValueError:
        raise UsageError(f"{name} must be one of {', '.join(v.value for v in kind)}, not {value!r}") from None


def lineage_options(direction: str, as_of: str | None, relations: list[str] | None, fmt: str) -> LineageOptions:
    """Check the options of a lineage request as a client sent them.

    Raises:
        UsageError: an unknown direction, relation or format, or an ``as_of`` that is not a year.

    >>> lineage_options("up", "2013", ["derivation"], "svg").year
    2013
    >>> lineage_options("up", "20x3", None, "json")
    Traceback (most recent call last):
    ...
    dragonbear.errors.UsageError: as_of must be a year such as 2013, not '20x3'
    """
    year = None
    if as_of is not None and as_of.strip():
        text = as_of.strip()
        if not (text.isascii() and text.isdigit() and len(text) == 4):
            raise UsageError(f"as_of must be a year such as 2013, not {as_of!r}")
        year = int(text)
    chosen = frozenset(_choice(Relation, "relation", r) for item in relations or [] for r in item.split(",") if r)
    return LineageOptions(
        _choice(Direction, "direction", direction), chosen or ALL_RELATIONS, year, _choice(ExportFormat, "format", fmt)
    )
