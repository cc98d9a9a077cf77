"""What the map reads: the dated exercises, patrols and other events at their places, with each
place's coordinates and their source; and the arms transfers of one supplier by recipient.

**Places.** An event is at the places its ``dgb:location`` names. A place is drawn only when the graph
gives it coordinates (``geo:location`` a ``dgb:Coordinates`` node with ``geo:lat`` and ``geo:long``,
attested by the dataset they come from); the others are listed as places without coordinates, with
their events. Nothing is estimated: no place borrows the point of the place it lies in. The events are
the timeline's (:func:`~dragonbear.service.web.timeline.read_items`: dated, with kind and states), so
the state, kind and year filters mean what they mean there.

**Recipients.** A supplier's deals (``dgb:ArmsTransfer`` with ``dgb:supplier``) are counted per
``dgb:recipient``, a deal in the years when its year of order (else its first delivery year) is. A
recipient is joined to a country of the base map when one of its names (``rdfs:label``, English
``skos:prefLabel`` or ``skos:altLabel``, ``dgb:sipriName``) is, ignoring case, the country's name in
the base map; the rest are listed, not drawn. No country code is assumed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from dragonbear.errors import ParameterError
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import DCTERMS, DGB, GEO, GRAPH_SIPRI, RDFS, SKOS
from dragonbear.service.web.atlas import Country, countries
from dragonbear.service.web.timeline import (
    Item,
    StateChoice,
    TimelineFilters,
    first_label,
    label_patterns,
    read_items,
)

__all__ = [
    "EVENT_KINDS",
    "EventMap",
    "MapPlace",
    "Point",
    "Recipient",
    "TransferMap",
    "read_event_map",
    "read_transfer_map",
]

#: The timeline's kinds that are events (the map draws no deliveries or derivations at places).
EVENT_KINDS = (
    "exercise",
    "patrol",
    "sanction",
    "invasion",
    "annexation",
    "agreement",
    "activity",
    "geopolitical",
    "event",
)


@dataclass(frozen=True)
class Point:
    """A place's coordinates in WGS84 degrees, and where they come from."""

    lat: float
    long: float
    source: str  # the source's IRI
    source_title: str
    locator: str


@dataclass(frozen=True)
class MapPlace:
    """A place and the events at it that pass the filters, oldest first."""

    iri: str
    label: str
    point: Point | None
    items: tuple[Item, ...]

    @property
    def years(self) -> tuple[int, int]:
        """The first and last year of its events."""
        return min(i.start.year for i in self.items), max(i.last_year for i in self.items)

    @property
    def states(self) -> list[tuple[str, str]]:
        """The states of its events, by label."""
        found = {iri: label for item in self.items for iri, label in item.states}
        return sorted(found.items(), key=lambda p: p[1].casefold())


@dataclass(frozen=True)
class EventMap:
    """The places of the events that pass the filters: those drawn (west to east) and those without
    coordinates (by name)."""

    filters: TimelineFilters
    drawn: list[MapPlace]
    undrawn: list[MapPlace]
    kind_counts: dict[str, int]

    @property
    def events(self) -> int:
        """How many distinct events are at the places."""
        return len({i.iri for p in self.drawn + self.undrawn for i in p.items})


def _places(store: GraphStore) -> dict[str, tuple[str, Point | None]]:
    """Every place: its label and its coordinates, if the graph gives any."""
    place, coords, att = (ox.NamedNode(DGB + "Place"), ox.NamedNode(GEO + "location"), DGB + "hasAttestation")
    sparql = (
        f"SELECT ?p ?l0 ?l1 ?lat ?long ?src ?title ?locator WHERE {{ ?p a {place} FILTER(isIRI(?p)) "
        f"{label_patterns('p', 'l')} OPTIONAL {{ ?p {coords} ?pt . ?pt {ox.NamedNode(GEO + 'lat')} ?lat ; "
        f"{ox.NamedNode(GEO + 'long')} ?long . OPTIONAL {{ ?pt {ox.NamedNode(att)} ?a . "
        f"?a {ox.NamedNode(DGB + 'source')} ?src . OPTIONAL {{ ?src {ox.NamedNode(DCTERMS + 'title')} ?title }} "
        f"OPTIONAL {{ ?a {ox.NamedNode(DGB + 'locator')} ?locator }} }} }} }}"
    )
    found: dict[str, tuple[str, Point | None]] = {}
    for row in store.select(sparql):
        iri = row["p"].value
        label = first_label(row, "l") or iri.rsplit("/", 1)[-1]
        point = None
        if row["lat"] is not None and row["long"] is not None:
            text = {k: row[k].value if row[k] is not None else "" for k in ("src", "title", "locator")}
            point = Point(
                float(row["lat"].value), float(row["long"].value), text["src"], text["title"], text["locator"]
            )
        known = found.get(iri)
        if known is None or (known[1] is None and point is not None) or label < known[0]:
            found[iri] = (min(label, known[0]) if known else label, point or (known[1] if known else None))
    return found


def _locations(store: GraphStore) -> dict[str, set[str]]:
    sparql = (
        f"SELECT ?e ?p WHERE {{ ?e {ox.NamedNode(DGB + 'location')} ?p "
        f'FILTER(isIRI(?e) && !CONTAINS(STR(?e), "#") && isIRI(?p)) }}'
    )
    out: dict[str, set[str]] = {}
    for row in store.select(sparql):
        out.setdefault(row["e"].value, set()).add(row["p"].value)
    return out


def read_event_map(store: GraphStore, filters: TimelineFilters) -> EventMap:
    """The places of the dated events that pass ``filters`` (:func:`~dragonbear.service.web.timeline.parse_filters`).

    Returns:
        The map, with the count per kind of the state's located events (for the form).
    """
    items, _ = read_items(store, filters.state)
    locations, places = _locations(store), _places(store)
    at: dict[str, list[Item]] = {}
    counts: dict[str, int] = {}
    for item in items:
        if item.kind.key not in EVENT_KINDS or item.iri not in locations:
            continue
        counts[item.kind.key] = counts.get(item.kind.key, 0) + 1
        if filters.keeps(item):
            for place in locations[item.iri]:
                at.setdefault(place, []).append(item)
    drawn: list[MapPlace] = []
    undrawn: list[MapPlace] = []
    for iri, group in at.items():
        label, point = places.get(iri, (iri.rsplit("/", 1)[-1], None))
        entry = MapPlace(iri, label, point, tuple(group))
        (drawn if point else undrawn).append(entry)
    drawn.sort(key=lambda p: (p.point.long if p.point else 0, p.label.casefold()))
    undrawn.sort(key=lambda p: p.label.casefold())
    return EventMap(filters, drawn, undrawn, counts)


@dataclass(frozen=True)
class Recipient:
    """A recipient of the supplier's deals in the years: how many, from when to when, its base-map country."""

    iri: str
    label: str
    deals: int
    first_year: int | None
    last_year: int | None
    country: Country | None
    sipri: bool


@dataclass(frozen=True)
class TransferMap:
    """The supplier's deals by recipient (most deals first), the years asked for and what could not be placed."""

    supplier: StateChoice
    year_from: int | None
    year_to: int | None
    recipients: list[Recipient]

    @property
    def drawn(self) -> list[Recipient]:
        """The recipients joined to a country of the base map."""
        return [r for r in self.recipients if r.country is not None]

    @property
    def undrawn(self) -> list[Recipient]:
        """The recipients no country of the base map names."""
        return [r for r in self.recipients if r.country is None]

    @property
    def sipri(self) -> bool:
        """Whether any deal comes from SIPRI's register."""
        return any(r.sipri for r in self.recipients)


def _names(store: GraphStore, iris: Iterable[str]) -> dict[str, set[str]]:
    values = " ".join(str(ox.NamedNode(i)) for i in iris)
    if not values:
        return {}
    props = " ".join(
        str(ox.NamedNode(p)) for p in (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", DGB + "sipriName")
    )
    sparql = (
        f"SELECT ?r ?n WHERE {{ VALUES ?r {{ {values} }} VALUES ?p {{ {props} }} ?r ?p ?n "
        f'FILTER(isLiteral(?n) && (LANG(?n) = "" || LANGMATCHES(LANG(?n), "en"))) }}'
    )
    out: dict[str, set[str]] = {}
    for row in store.select(sparql):
        out.setdefault(row["r"].value, set()).add(row["n"].value)
    return out


def country_of(names: Iterable[str]) -> Country | None:
    """The base map's country whose name is one of ``names``, ignoring case (the join rule).

    >>> country_of(["China"]).id, country_of(["Viet Nam", "vietnam"]).name, country_of(["Atlantis"])
    ('156', 'Vietnam', None)
    """
    by_name = {c.name.casefold(): c for c in countries()}
    return next((by_name[n.casefold()] for n in sorted(names) if n.casefold() in by_name), None)


def read_transfer_map(
    store: GraphStore, supplier: StateChoice, year_from: int | None, year_to: int | None
) -> TransferMap:
    """The deals of ``supplier`` by recipient whose year is within ``year_from``..``year_to`` (each optional)."""
    t = "?t"
    sparql = (
        f"SELECT ?t ?r ?oy ?dy ?l0 ?l1 WHERE {{ VALUES ?s {{ {ox.NamedNode(supplier.iri)} }} "
        f"{t} a {ox.NamedNode(DGB + 'ArmsTransfer')} ; {ox.NamedNode(DGB + 'supplier')} ?s ; "
        f"{ox.NamedNode(DGB + 'recipient')} ?r FILTER(isIRI(?r)) "
        f"OPTIONAL {{ {t} {ox.NamedNode(DGB + 'orderYear')} ?oy }} "
        f"OPTIONAL {{ {t} {ox.NamedNode(DGB + 'deliveryStartYear')} ?dy }} {label_patterns('r', 'l')} }}"
    )
    deals: dict[str, dict[str, int | None]] = {}
    labels: dict[str, str] = {}
    for row in store.select(sparql):
        year_term = row["oy"] if row["oy"] is not None else row["dy"]
        year = int(year_term.value) if year_term is not None and year_term.value.lstrip("-").isdigit() else None
        seen = deals.setdefault(row["r"].value, {})
        known = seen.get(row["t"].value)
        seen[row["t"].value] = year if known is None else min(known, year) if year is not None else known
        label = first_label(row, "l") or row["r"].value.rsplit("/", 1)[-1]
        labels[row["r"].value] = min(labels.get(row["r"].value, label), label)
    sipri_sparql = (
        f"SELECT DISTINCT ?t WHERE {{ VALUES ?s {{ {ox.NamedNode(supplier.iri)} }} "
        f"GRAPH {ox.NamedNode(GRAPH_SIPRI)} {{ ?t {ox.NamedNode(DGB + 'supplier')} ?s }} }}"
    )
    from_sipri = {row["t"].value for row in store.select(sipri_sparql)}
    names = _names(store, deals)
    recipients = []
    for iri, by_deal in deals.items():
        kept = {t: y for t, y in by_deal.items() if _in_years(y, year_from, year_to)}
        if not kept:
            continue
        years = [y for y in kept.values() if y is not None]
        country = country_of(names.get(iri, set()) | {labels[iri]})
        recipients.append(
            Recipient(
                iri, labels[iri], len(kept), min(years, default=None), max(years, default=None), country,
                any(t in from_sipri for t in kept),
            )
        )  # fmt: skip
    recipients.sort(key=lambda r: (-r.deals, r.label.casefold()))
    return TransferMap(supplier, year_from, year_to, recipients)


def _in_years(year: int | None, year_from: int | None, year_to: int | None) -> bool:
    if year_from is None and year_to is None:
        return True
    if year is None:
        return False
    return (year_from is None or year >= year_from) and (year_to is None or year <= year_to)


def check_event_kinds(kinds: Iterable[str]) -> None:
    """Refuse a kind the map does not draw (deliveries and derivations have no place).

    Raises:
        ParameterError: a kind that is not one of :data:`EVENT_KINDS`.
    """
    for kind in kinds:
        if kind not in EVENT_KINDS:
            raise ParameterError(
                f"the map draws events at places; kind {kind!r} is not one (the kinds are {', '.join(EVENT_KINDS)})"
            )
