"""What the browse pages read: the entities of a kind, filtered and a page at a time, with a total.

Every read is portable SPARQL 1.1 through the store interface (:meth:`GraphStore.select`), so the
pages work on the embedded store and on any SPARQL server. The text of each query is fixed by the
kind (:mod:`~dragonbear.service.web.kinds`); what a request chooses (a state, a category, years) is
checked against the values the data holds and bound by a ``VALUES`` block of terms written by
pyoxigraph, never by formatting the request's text into the query. The order is stable: by label
(case ignored), then by IRI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from dragonbear.errors import NotFoundError, ParameterError
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import ID, RDFS, SKOS, XSD
from dragonbear.service.web.kinds import KINDS, KindSpec

__all__ = [
    "MAX_PER_PAGE",
    "PER_PAGE",
    "Cell",
    "FacetValue",
    "Filters",
    "KindFacets",
    "Listing",
    "Row",
    "kind_counts",
    "parse_filters",
    "parse_year",
    "read_facets",
    "read_listing",
]

PER_PAGE = 50
MAX_PER_PAGE = 200
YEARS = (1000, 2999)  # a year outside these is a mistake, not a filter


@dataclass(frozen=True)
class FacetValue:
    """A value a filter can take (a state, a category), with how many entities of the kind have it."""

    iri: str
    label: str
    count: int

    @property
    def key(self) -> str:
        """What the URL carries: the local name (``china`` for ``state:china``, ``FighterAircraft``)."""
        return self.iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@dataclass(frozen=True)
class KindFacets:
    """The values each filter of a kind can take (most entities first) and the years the kind spans."""

    values: dict[str, list[FacetValue]]
    years: tuple[int, int] | None = None


@dataclass(frozen=True)
class Filters:
    """A request's filters, checked: the value chosen for each filter, and a range of years."""

    chosen: dict[str, FacetValue] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None

    def params(self) -> dict[str, str]:
        """The filters as URL parameters (what a link to the same listing carries)."""
        out = {param: value.key for param, value in self.chosen.items()}
        if self.year_from is not None:
            out["from"] = str(self.year_from)
        if self.year_to is not None:
            out["to"] = str(self.year_to)
        return out

    def cache_key(self) -> tuple[object, ...]:
        """The filters as a hashable key (for the answers kept per store generation)."""
        return (tuple(sorted((p, v.iri) for p, v in self.chosen.items())), self.year_from, self.year_to)


@dataclass(frozen=True)
class Cell:
    """One value in a column: a literal's text, or an entity's label and IRI."""

    text: str
    iri: str | None = None


@dataclass(frozen=True)
class Row:
    """One entity of a listing: its IRI, its label and the values of the kind's columns."""

    iri: str
    label: str
    cells: dict[str, list[Cell]]


@dataclass(frozen=True)
class Listing:
    """One page of the entities of a kind that pass the filters."""

    spec: KindSpec
    filters: Filters
    total: int
    page: int
    per_page: int
    rows: list[Row]

    @property
    def pages(self) -> int:
        """How many pages the filtered entities fill (at least one, empty or not)."""
        return max(1, -(-self.total // self.per_page))


def _lit(value: str | int) -> str:
    """A literal as SPARQL text, written by pyoxigraph."""
    if isinstance(value, int):
        return str(ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer")))
    return str(ox.Literal(value))


def _iris(iris: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(i)) for i in iris)


def _members(spec: KindSpec) -> str:
    """A group binding ``?e`` to every entity of the kind once (of its class, under its IRI, no fragment)."""
    return (
        f"{{ SELECT DISTINCT ?e WHERE {{ VALUES (?class ?prefix) {{ ({ox.NamedNode(spec.cls)} {_lit(spec.prefix)}) }} "
        '?e a ?class FILTER(STRSTARTS(STR(?e), ?prefix) && !CONTAINS(STR(?e), "#")) } }'
    )


def _label_of(var: str, out: str, extra: tuple[str, ...] = ()) -> str:
    """Patterns binding ``?out`` to a label of ``?var``: English or untagged preferred label, label,
    then the ``extra`` properties, else nothing."""
    props = (SKOS + "prefLabel", RDFS + "label", *extra)
    parts = [
        f"OPTIONAL {{ ?{var} {ox.NamedNode(p)} ?{out}{i} "
        f'FILTER(isLiteral(?{out}{i}) && (LANG(?{out}{i}) = "" || LANGMATCHES(LANG(?{out}{i}), "en"))) }}'
        for i, p in enumerate(props)
    ]
    coalesce = ", ".join(f"?{out}{i}" for i in range(len(props)))
    return " ".join(parts) + f" BIND(STR(COALESCE({coalesce})) AS ?{out})"


def _year_of(spec: KindSpec) -> str:
    assert spec.years is not None
    expr = "xsd:integer(SUBSTR(STR(?y0), 1, 4))" if spec.years.of_date else "xsd:integer(?y0)"
    return f"?e {ox.NamedNode(spec.years.predicate)} ?y0 . BIND({expr} AS ?year)"


def _filter_patterns(spec: KindSpec, filters: Filters) -> str:
    """The patterns that keep only the entities that pass ``filters``, their values bound by VALUES."""
    parts = []
    for i, (param, value) in enumerate(sorted(filters.chosen.items())):
        facet = spec.facet(param)
        assert facet is not None
        path = "|".join(str(ox.NamedNode(p)) for p in facet.predicates)
        parts.append(f"VALUES (?f{i}) {{ ({ox.NamedNode(value.iri)}) }} ?e {path} ?f{i} .")
    bounds = [(v, n) for v, n in ((filters.year_from, "from"), (filters.year_to, "to")) if v is not None]
    if bounds and spec.years is not None:
        names = " ".join(f"?{n}" for _, n in bounds)
        row = " ".join(_lit(v) for v, _ in bounds)
        tests = " && ".join(f"?year {'>=' if n == 'from' else '<='} ?{n}" for _, n in bounds)
        parts.append(f"VALUES ({names}) {{ ({row}) }} {_year_of(spec)} FILTER({tests})")
    return " ".join(parts)


def read_facets(store: GraphStore, spec: KindSpec) -> KindFacets:
    """The values each filter of ``spec`` can take, as the data holds them, and the span of its years.

    Args:
        store: the graph.
        spec: the kind.

    Returns:
        Per filter parameter, its values, most entities first (then by label).
    """
    values: dict[str, list[FacetValue]] = {}
    for facet in spec.facets:
        counted = (
            "SELECT ?v (COUNT(DISTINCT ?e) AS ?n) WHERE { "
            f"{_members(spec)} VALUES ?p {{ {_iris(facet.predicates)} }} ?e ?p ?v FILTER(isIRI(?v)) }} GROUP BY ?v"
        )
        sparql = f"SELECT ?v ?n (MIN(?vl) AS ?label) WHERE {{ {{ {counted} }} {_label_of('v', 'vl')} }} GROUP BY ?v ?n"
        found = [
            FacetValue(r["v"].value, r["label"].value if r["label"] is not None else r["v"].value, int(r["n"].value))
            for r in store.select(sparql)
        ]
        values[facet.param] = sorted(found, key=lambda v: (-v.count, v.label.casefold(), v.iri))
    years = None
    if spec.years is not None:
        sparql = f"SELECT (MIN(?year) AS ?lo) (MAX(?year) AS ?hi) WHERE {{ {_members(spec)} {_year_of(spec)} }}"
        row = next(iter(store.select(sparql)), None)
        if row is not None and row["lo"] is not None and row["hi"] is not None:
            years = (int(row["lo"].value), int(row["hi"].value))
    return KindFacets(values, years)


def _choose(spec: KindSpec, facets: KindFacets, param: str, raw: str) -> FacetValue:
    """The value of filter ``param`` that ``raw`` names: its local name, IRI or label, case ignored."""
    facet = spec.facet(param)
    assert facet is not None
    wanted = raw.strip().casefold()
    offered = facets.values.get(param, [])
    for value in offered:
        if wanted in (value.key.casefold(), value.iri.casefold(), value.label.casefold()):
            return value
    some = ", ".join(v.key for v in offered[:8]) + (" ..." if len(offered) > 8 else "")
    raise ParameterError(
        f"no {spec.singular} has {facet.label} {raw!r}; "
        + (f"the {facet.label} values are {some}" if offered else f"no {spec.singular} has a {facet.label}")
    )


def parse_year(raw: str, name: str) -> int:
    """A year parameter (``from=1990``) as a number.

    Raises:
        ParameterError: not a whole number, or outside :data:`YEARS`.

    >>> parse_year(" 1999", "from")
    1999
    """
    try:
        year = int(raw.strip())
    except ValueError:
        raise ParameterError(f"{name} must be a year such as 1999, not {raw!r}") from None
    if not YEARS[0] <= year <= YEARS[1]:
        raise ParameterError(f"{name} must be a year between {YEARS[0]} and {YEARS[1]}, not {year}")
    return year


def parse_filters(spec: KindSpec, facets: KindFacets, params: Mapping[str, str]) -> Filters:
    """The filters a request gives (``state=china``, ``from=1990``), checked against the data.

    Args:
        spec: the kind listed.
        facets: the values its filters can take (:func:`read_facets`).
        params: the request's filter parameters (blank values are no filter).

    Returns:
        The checked filters.

    Raises:
        ParameterError: a filter the kind does not have, a value no entity of the kind has, a year
            that is not a year, or ``from`` after ``to``.
    """
    chosen: dict[str, FacetValue] = {}
    year_from = year_to = None
    for param, raw in params.items():
        if not raw.strip():
            continue
        if param in ("from", "to") and spec.years is not None:
            if param == "from":
                year_from = parse_year(raw, "from")
            else:
                year_to = parse_year(raw, "to")
        elif spec.facet(param) is not None:
            chosen[param] = _choose(spec, facets, param, raw)
        else:
            takes = [f.param for f in spec.facets] + (["from", "to"] if spec.years else [])
            raise ParameterError(
                f"{spec.plural} have no filter {param!r}"
                + (f"; they take {', '.join(takes)}" if takes else "; they take none")
                + ", and page, per_page and format"
            )
    if year_from is not None and year_to is not None and year_from > year_to:
        raise ParameterError(f"from ({year_from}) is after to ({year_to})")
    return Filters(chosen, year_from, year_to)


def _cells(store: GraphStore, spec: KindSpec, iris: list[str]) -> dict[str, dict[str, list[Cell]]]:
    """The values of the kind's columns for the entities ``iris``: entity -> column key -> cells."""
    out: dict[str, dict[str, list[Cell]]] = {iri: {c.key: [] for c in spec.columns} for iri in iris}
    props = {p for c in spec.columns for p in c.predicates}
    if not iris or not props:
        return out
    sparql = (
        f"SELECT DISTINCT ?e ?p ?v ?vl WHERE {{ VALUES ?e {{ {_iris(iris)} }} VALUES ?p {{ {_iris(sorted(props))} }} "
        f"?e ?p ?v {_label_of('v', 'vl')} }}"
    )
    seen: set[tuple[str, str, str]] = set()
    for row in store.select(sparql):
        e, p, v = row["e"].value, row["p"].value, row["v"]
        iri = v.value if isinstance(v, ox.NamedNode) else None
        text = row["vl"].value if iri and row["vl"] is not None else v.value
        for column in spec.columns:
            if p in column.predicates and (e, column.key, v.value) not in seen:
                seen.add((e, column.key, v.value))
                out[e][column.key].append(Cell(text, iri))
    for columns in out.values():
        for cells in columns.values():
            cells.sort(key=lambda c: c.text.casefold())
    return out


def read_listing(
    store: GraphStore, spec: KindSpec, filters: Filters, *, page: int = 1, per_page: int = PER_PAGE
) -> Listing:
    """One page of the entities of ``spec`` that pass ``filters``, ordered by label then IRI.

    Args:
        store: the graph.
        spec: the kind.
        filters: checked filters (:func:`parse_filters`).
        page: the page, from 1.
        per_page: entities per page (1 to :data:`MAX_PER_PAGE`).

    Returns:
        The page's entities with their columns, and how many pass the filters in all.

    Raises:
        NotFoundError: ``page`` is past the last page.
    """
    where = f"{_members(spec)} {_filter_patterns(spec, filters)}"
    count = next(iter(store.select(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}")))
    total = int(count["n"].value)
    last = max(1, -(-total // per_page))
    if page > last:
        raise NotFoundError(f"page {page} is past the last page ({last}) of these {spec.plural}")
    sparql = (
        f"SELECT ?e ?label WHERE {{ {{ SELECT ?e (MIN(?name) AS ?label) WHERE {{ {where} "
        f"{_label_of('e', 'l', spec.labels)} BIND(COALESCE(?l, STRAFTER(STR(?e), {_lit(ID)})) AS ?name) }} GROUP BY ?e }} }} "
        f"ORDER BY LCASE(?label) ?label ?e LIMIT {int(per_page)} OFFSET {int((page - 1) * per_page)}"
    )
    found = [(r["e"].value, r["label"].value) for r in store.select(sparql)]
    cells = _cells(store, spec, [iri for iri, _ in found])
    rows = [Row(iri, label, cells[iri]) for iri, label in found]
    return Listing(spec, filters, total, page, per_page, rows)


def kind_counts(store: GraphStore) -> dict[str, int]:
    """How many entities of each kind the graph holds (kinds with none left out), in the order of
    :data:`~dragonbear.service.web.kinds.KINDS`."""
    rows = " ".join(f"({_lit(k)} {ox.NamedNode(s.cls)} {_lit(s.prefix)})" for k, s in KINDS.items())
    sparql = (
        f"SELECT ?kind (COUNT(DISTINCT ?e) AS ?n) WHERE {{ VALUES (?kind ?class ?prefix) {{ {rows} }} "
        '?e a ?class FILTER(STRSTARTS(STR(?e), ?prefix) && !CONTAINS(STR(?e), "#")) } GROUP BY ?kind'
    )
    found = {r["kind"].value: int(r["n"].value) for r in store.select(sparql)}
    return {kind: found[kind] for kind in KINDS if found.get(kind)}
