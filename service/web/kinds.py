"""The kinds of entity (the ``{kind}`` of ``/id/{kind}/{id}``) as the browse pages show them: a title,
the filters that apply to the kind, and the columns of its listing.

A kind is the IRI's first path segment (:data:`~dragonbear.namespaces.ENTITY_KINDS`): the systems are
the entities of class ``dgb:SystemModel`` whose IRI starts with ``https://w3id.org/dragonbear/id/system/``
(each kind names the class all its entities have, the derived graph's super-classes included, so a
listing starts from the class's index instead of every typed node).
The filters and columns name the properties the shipped data uses for each kind (``dgb:category``
and ``dgb:countryOfOrigin`` of systems, ``dgb:participant`` and ``dgb:startYear`` of exercises ...);
the values a filter offers are read from the data (:mod:`dragonbear.service.web.browse`).
"""

from __future__ import annotations

from dataclasses import dataclass

from dragonbear.namespaces import DCTERMS, DGB, ENTITY_KINDS, ID

__all__ = ["KINDS", "Column", "Facet", "KindSpec", "YearRange", "kind_of", "kind_spec"]


@dataclass(frozen=True)
class Facet:
    """A filter on the entities that have one of ``predicates`` to a chosen value (a state, a category).

    ``param`` is its URL parameter (``?state=china``), ``label`` how the page names it.
    """

    param: str
    label: str
    predicates: tuple[str, ...]


@dataclass(frozen=True)
class YearRange:
    """A filter on a year (``?from=1990&to=2000``): the value of ``predicate``, an integer, or the year
    of a date (``xsd:date``, ``xsd:gYear`` ...) when ``of_date``."""

    predicate: str
    label: str = "year"
    of_date: bool = False


@dataclass(frozen=True)
class Column:
    """A column of a listing: the values of ``predicates`` (entities shown by their labels)."""

    key: str
    header: str
    predicates: tuple[str, ...]


@dataclass(frozen=True)
class KindSpec:
    """How a kind of entity is listed: the class all its entities have, its title, its filters and its
    columns.

    ``labels`` are the properties that name an entity of the kind, after ``skos:prefLabel`` and
    ``rdfs:label`` in English or without a language (a claim is named by its statement).
    """

    kind: str
    cls: str
    title: str
    singular: str
    plural: str
    facets: tuple[Facet, ...] = ()
    years: YearRange | None = None
    columns: tuple[Column, ...] = ()
    labels: tuple[str, ...] = ()

    @property
    def prefix(self) -> str:
        """The IRI every entity of the kind starts with.

        >>> kind_spec("system").prefix
        'https://w3id.org/dragonbear/id/system/'
        """
        return f"{ID}{self.kind}/"

    @property
    def path(self) -> str:
        """The path of the kind's browse page."""
        return f"/id/{self.kind}/"

    def facet(self, param: str) -> Facet | None:
        """The filter of URL parameter ``param``, if the kind has one."""
        return next((f for f in self.facets if f.param == param), None)


def _d(*names: str) -> tuple[str, ...]:
    return tuple(DGB + n for n in names)


_STATE = "state"
KINDS: dict[str, KindSpec] = {
    spec.kind: spec
    for spec in (
        KindSpec(
            "system",
            DGB + "SystemModel",
            "Systems",
            "system",
            "systems",
            facets=(
                Facet(_STATE, "country of origin", _d("countryOfOrigin")),
                Facet("category", "category", _d("category")),
            ),
            columns=(
                Column("category", "Category", _d("category")),
                Column("origin", "Country of origin", _d("countryOfOrigin")),
            ),
        ),
        KindSpec("state", DGB + "State", "States", "state", "states"),
        KindSpec(
            "org",
            DGB + "Agent",
            "Organizations",
            "organization",
            "organizations",
            facets=(Facet(_STATE, "state", _d("basedIn", "armedForceOf")),),
            columns=(
                Column("state", "State", _d("basedIn", "armedForceOf")),
                Column("part_of", "Part of", _d("subsidiaryOf")),
            ),
        ),
        KindSpec(
            "person",
            DGB + "Person",
            "People",
            "person",
            "people",
            columns=(Column("affiliation", "Affiliation", _d("affiliatedWith")),),
        ),
        KindSpec(
            "place",
            DGB + "Place",
            "Places",
            "place",
            "places",
            facets=(Facet("within", "within", _d("locatedIn")),),
            columns=(Column("within", "Within", _d("locatedIn")),),
        ),
        KindSpec(
            "exercise",
            DGB + "MilitaryActivity",
            "Exercises and patrols",
            "exercise or patrol",
            "exercises and patrols",
            facets=(
                Facet(_STATE, "participant", _d("participant")),
                Facet("series", "series", _d("partOfSeries")),
                Facet("domain", "domain", _d("operationalDomain")),
            ),
            years=YearRange(DGB + "startYear", "year it began"),
            columns=(
                Column("year", "Year", _d("startYear")),
                Column("participants", "Participants", _d("participant")),
                Column("series", "Series", _d("partOfSeries")),
            ),
        ),
        KindSpec(
            "series",
            DGB + "ExerciseSeries",
            "Exercise series",
            "exercise series",
            "exercise series",
            facets=(
                Facet(_STATE, "participant", _d("participant")),
                Facet("domain", "domain", _d("operationalDomain")),
            ),
            columns=(
                Column("participants", "Participants", _d("participant")),
                Column("since", "Since", _d("startYear")),
            ),
        ),
        KindSpec(
            "event",
            DGB + "Event",
            "Events",
            "event",
            "events",
            facets=(Facet(_STATE, "state", _d("participant", "sanctionsTarget")),),
            years=YearRange(DGB + "startYear", "year it began"),
            columns=(
                Column("year", "Year", _d("startYear")),
                Column("participants", "Participants", _d("participant")),
            ),
        ),
        KindSpec(
            "transfer",
            DGB + "ArmsTransfer",
            "Arms transfers",
            "arms transfer",
            "arms transfers",
            facets=(
                Facet("supplier", "supplier", _d("supplier")),
                Facet("recipient", "recipient", _d("recipient")),
                Facet("status", "status", _d("transferStatus")),
            ),
            years=YearRange(DGB + "orderYear", "year of order"),
            columns=(
                Column("supplier", "Supplier", _d("supplier")),
                Column("recipient", "Recipient", _d("recipient")),
                Column("ordered", "Ordered", _d("orderYear")),
                Column("delivered", "Units delivered", _d("quantityDelivered")),
            ),
        ),
        KindSpec(
            "derivation",
            DGB + "Derivation",
            "Technology derivations",
            "derivation",
            "derivations",
            facets=(
                Facet(_STATE, "state", _d("licensor", "licensee", "partner")),
                Facet("kind", "kind of derivation", _d("derivationKind")),
            ),
            years=YearRange(DGB + "startYear", "year it began"),
            columns=(
                Column("kind", "Kind", _d("derivationKind")),
                Column("source", "From", _d("sourceSystem")),
                Column("derived", "To", _d("derivedSystem")),
                Column("year", "Year", _d("startYear")),
            ),
        ),
        KindSpec(
            "fit",
            DGB + "ComponentFit",
            "Component fits",
            "component fit",
            "component fits",
            facets=(
                Facet(_STATE, "operator or supplier", _d("platformOperator", "componentSupplier")),
                Facet("role", "role", _d("componentRole")),
            ),
            years=YearRange(DGB + "startYear", "year it began"),
            columns=(
                Column("component", "Component", _d("component")),
                Column("platform", "Platform", _d("platform")),
                Column("operator", "Operator", _d("platformOperator")),
                Column("year", "Year", _d("startYear")),
            ),
        ),
        KindSpec(
            "figure",
            DGB + "ReportedFigure",
            "Reported figures",
            "reported figure",
            "reported figures",
            facets=(Facet("measure", "measure", _d("measure")),),
            years=YearRange(DGB + "periodStartYear", "year"),
            columns=(Column("measure", "Measure", _d("measure")), Column("about", "About", _d("about"))),
            labels=_d("figureText"),
        ),
        KindSpec(
            "claim",
            DGB + "Claim",
            "Claims",
            "claim",
            "claims",
            facets=(Facet("topic", "topic", _d("topic")), Facet("about", "about", _d("about"))),
            columns=(Column("topic", "Topic", _d("topic")), Column("about", "About", _d("about"))),
            labels=_d("statement"),
        ),
        KindSpec(
            "conflict",
            DGB + "Conflict",
            "Conflicts between sources",
            "conflict",
            "conflicts",
            columns=(Column("aspect", "Aspect", _d("aspect")), Column("concerns", "Concerns", _d("conflictConcerns"))),
            labels=_d("note"),
        ),
        KindSpec(
            "source",
            DGB + "SourceDocument",
            "Sources",
            "source",
            "sources",
            facets=(Facet("type", "type of source", _d("sourceType")),),
            years=YearRange(DCTERMS + "issued", "year issued", of_date=True),
            columns=(
                Column("publisher", "Publisher", (DCTERMS + "publisher",)),
                Column("issued", "Issued", (DCTERMS + "issued",)),
                Column("type", "Type", _d("sourceType")),
            ),
            labels=(DCTERMS + "title",),
        ),
    )
}
assert set(KINDS) == set(ENTITY_KINDS), "every kind of entity is listed"


def kind_spec(kind: str) -> KindSpec | None:
    """The listing of ``kind`` (``system``, ``state`` ...), or None for no such kind.

    >>> kind_spec("exercise").title, kind_spec("nothing")
    ('Exercises and patrols', None)
    """
    return KINDS.get(kind)


def kind_of(iri: str) -> str | None:
    """The kind of an entity's IRI, or None for an IRI outside ``/id/{kind}/``.

    >>> kind_of("https://w3id.org/dragonbear/id/system/sipri/tu-16ks"), kind_of("https://example.org/x")
    ('system', None)
    """
    if not iri.startswith(ID):
        return None
    kind, sep, _rest = iri[len(ID) :].partition("/")
    return kind if sep and kind in KINDS else None
