"""The JSON API's answers as pydantic models: what ``/openapi.json`` describes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

__all__ = [
    "CandidateInfo",
    "ErrorBody",
    "LineageEdge",
    "LineageEdgeInfo",
    "LineageGraph",
    "LineageNode",
    "LineageNodeInfo",
    "ParameterInfo",
    "QueryInfo",
    "ResolveResult",
    "SourceRef",
]


class ParameterInfo(BaseModel):
    """A parameter of a canned query."""

    name: str
    type: str = Field(description="entity CLASS[,CLASS], year, integer, decimal or string")
    required: bool
    description: str
    example: str


class QueryInfo(BaseModel):
    """A canned query of the catalogue."""

    name: str
    title: str
    description: str
    returns: str
    parameters: list[ParameterInfo]
    url: str = Field(description="this query run with its example values")


class CandidateInfo(BaseModel):
    """An entity a name may denote."""

    iri: str
    label: str
    types: list[str] = []
    score: int | None = Field(
        None,
        description="100 IRI or id, 95 preferred name, 90 other name, "
        "80 normalized or romanized, 60 one letter away, 40 prefix",
    )
    matched: str | None = Field(None, description="the name that matched")
    match: str | None = Field(default=None, description="id, exact, normalized, transliterated, one edit or prefix")
    name_kind: str | None = Field(
        default=None,
        description="how the matched name is attached: preferred label, "
        "label, NATO reporting name, designation, alternative name, SIPRI designation, "
        "SIPRI name, spelling variant, or id",
    )
    name_property: str | None = Field(default=None, description="the property that attaches the matched name")
    family_of: int | None = Field(
        default=None,
        description="how many other candidates with the same score are variants of this one (the name is the family's)",
    )
    statements: int | None = Field(default=None, description="how many statements involve the entity")
    rank: int | None = Field(default=None, description="1 for the best candidate")
    ahead_by: str | None = Field(
        default=None,
        description="what puts it above the next candidate: score, name kind, family, statements, label or IRI",
    )
    why: str | None = Field(default=None, description="the reasons for its rank, in a sentence")


class ResolveResult(BaseModel):
    """The answer of ``/api/resolve``."""

    query: str
    candidates: list[CandidateInfo]


class LineageNodeInfo(BaseModel):
    """A node of a lineage graph: a system, or a state or organization (a recipient, licensor or partner)."""

    id: str = Field(description="the IRI")
    label: str
    type: Literal["system", "state", "organization"] = "system"
    country: str | None = None
    country_label: str | None = None


class SourceRef(BaseModel):
    """A source an edge's statement cites."""

    label: str = Field(description="the title of the source document")
    iri: str
    locator: str | None = Field(None, description="where in the source (page, section, row)")
    stance: str | None = Field(None, description="Asserts, Denies or Hedged")


class LineageEdgeInfo(BaseModel):
    """An edge, from what comes from something (source) to what it comes from (target).

    derivation: derived system -> origin (or -> licensor / partner, see ``role``); variant: variant ->
    base system; component: platform -> component; transfer: recipient -> transferred system.
    """

    id: str = Field(description="unique among the edges: source, target and what the edge states")
    source: str
    target: str
    kind: str = Field(
        description="e.g. 'licensed production', 'reverse engineering', 'variant of', 'main propulsion', 'new'"
    )
    kind_iri: str | None = None
    year: int | None = Field(None, description="derivation: start year; transfer: order year")
    confidence: float | None = None
    relation: Literal["derivation", "variant", "component", "transfer"] = "derivation"
    start: int | None = Field(None, description="first year: of a derivation, a component fit, or deliveries")
    end: int | None = Field(None, description="last year: of a derivation, a component fit, or deliveries")
    sources: list[SourceRef] = []
    statement: str | None = Field(None, description="the IRI of the derivation, component fit or transfer")
    role: str | None = Field(None, description="derivation: origin, licensor or partner")
    supplier: str | None = None
    supplier_label: str | None = None
    recipient: str | None = None
    units: int | None = Field(None, description="transfer: units delivered; component: units fitted")
    tiv: float | None = Field(None, description="transfer: SIPRI trend-indicator value delivered, millions")
    maker: str | None = Field(None, description="component: its manufacturer")
    maker_label: str | None = None
    maker_state: str | None = Field(None, description="component: the state its manufacturer is based in")
    maker_state_label: str | None = None


class LineageNode(BaseModel):
    """A node as cytoscape.js takes it: its fields under ``data``."""

    data: LineageNodeInfo


class LineageEdge(BaseModel):
    """An edge as cytoscape.js takes it: its fields under ``data``."""

    data: LineageEdgeInfo


class LineageGraph(BaseModel):
    """The ancestors and/or descendants of a system, state or organization, in cytoscape.js's elements
    format: ``cytoscape({elements: graph})`` draws it."""

    system: str
    nodes: list[LineageNode]
    edges: list[LineageEdge]


class ErrorBody(BaseModel):
    """An error: what kind, the message, and for an ambiguous or unknown name the candidates."""

    error: str
    message: str
    candidates: list[CandidateInfo] = []
