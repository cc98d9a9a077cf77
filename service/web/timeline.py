"""What the timeline reads: the dated events, exercises, patrols, sanctions, arms transfers and technology
derivations of the graph, each with its kind, its states, its sources and the dates the graph holds.

An item's **kind** is read from its classes: the most specific of :data:`KINDS` it has (a joint exercise
is an ``exercise``, not an ``event``; any other ``dgb:Event`` is an ``event``). Its **dates** are only
those the graph states, with the property that holds each (:class:`Dated`): for an event, a fit of
the ontology's ``dgb:startDate`` / ``dgb:endDate`` (``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``)
or else ``dgb:startYear`` / ``dgb:endYear``; for an arms transfer the year of order (``dgb:orderYear``,
else the first delivery year) and the last delivery year. An item with no date is left out (and
counted); one with only a year is placed by its year. Its **states** are the ``dgb:State`` entities it
involves (``dgb:involves``: participants, suppliers and recipients, licensors, sanctioning states and
targets), and its **sources** the distinct ``dgb:source`` of its attestations.

Every read is portable SPARQL 1.1 through :meth:`GraphStore.select` (no ``BIND`` after an
``OPTIONAL``, no aggregate over mixed datatypes); a state chosen by a request is bound by a
``VALUES`` block written by pyoxigraph, and the kind and years are applied to the items read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from dragonbear.errors import ParameterError
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import DGB, GRAPH_SIPRI, RDFS, SKOS
from dragonbear.service.web.browse import parse_year

__all__ = [
    "KINDS",
    "Dated",
    "Item",
    "Kind",
    "StateChoice",
    "Timeline",
    "TimelineFilters",
    "choose_state",
    "first_label",
    "label_patterns",
    "parse_filters",
    "read_items",
    "read_states",
    "read_timeline",
]


@dataclass(frozen=True)
class Kind:
    """A kind of timeline item: its URL value, how the page names it, and the class that makes it."""

    key: str
    label: str
    cls: str


#: Most specific first: an item's kind is the first whose class it has.
KINDS: tuple[Kind, ...] = (
    Kind("exercise", "joint exercise", DGB + "JointExercise"),
    Kind("patrol", "joint patrol", DGB + "JointPatrol"),
    Kind("sanction", "sanctions action", DGB + "SanctionsAction"),
    Kind("invasion", "invasion", DGB + "Invasion"),
    Kind("annexation", "annexation", DGB + "Annexation"),
    Kind("agreement", "agreement", DGB + "Agreement"),
    Kind("activity", "other military activity", DGB + "MilitaryActivity"),
    Kind("geopolitical", "other geopolitical event", DGB + "GeopoliticalEvent"),
    Kind("event", "other event", DGB + "Event"),
    Kind("delivery", "arms transfer", DGB + "ArmsTransfer"),
    Kind("derivation", "technology derivation", DGB + "Derivation"),
)
_BY_CLASS = {k.cls: k for k in KINDS}
_RANK = {k.key: i for i, k in enumerate(KINDS)}
_START = ("startDate", "startYear", "orderYear", "deliveryStartYear")  # by preference
_END = ("endDate", "endYear", "deliveryEndYear")


@dataclass(frozen=True)
class Dated:
    """A date as the graph holds it: the literal's text (``2018-09-11``, ``2014-02``, ``2015``) and the
    property that states it (``dgb:startDate`` ...)."""

    value: str
    prop: str

    @property
    def year(self) -> int:
        """The year of the date.

        >>> Dated("2014-07-31", "startDate").year
        2014
        """
        return int(self.value[:4])


@dataclass(frozen=True)
class Item:
    """One entry of the timeline."""

    iri: str
    label: str
    kind: Kind
    start: Dated
    end: Dated | None
    states: tuple[tuple[str, str], ...]  # (IRI, label), by label
    sources: int
    sipri: bool  # stated in the SIPRI graph

    @property
    def last_year(self) -> int:
        """The last year the item spans (its start year when it has no end)."""
        return max(self.start.year, self.end.year) if self.end else self.start.year


@dataclass(frozen=True)
class StateChoice:
    """A state a filter can name: its IRI and label; the URL carries its local name."""

    iri: str
    label: str

    @property
    def key(self) -> str:
        """The local name (``china``)."""
        return self.iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class TimelineFilters:
    """A request's filters, checked."""

    state: StateChoice | None = None
    kinds: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None

    def params(self) -> list[tuple[str, str]]:
        """The filters as URL parameters."""
        out = [("state", self.state.key)] if self.state else []
        out += [("kind", k) for k in self.kinds]
        out += [(n, str(v)) for n, v in (("from", self.year_from), ("to", self.year_to)) if v is not None]
        return out

    def keeps(self, item: Item) -> bool:
        """Whether ``item`` passes the kind and year filters (the state is applied by the query); an
        item is in a span of years when the years it spans meet it."""
        if self.kinds and item.kind.key not in self.kinds:
            return False
        if self.year_from is not None and item.last_year < self.year_from:
            return False
        return not (self.year_to is not None and item.start.year > self.year_to)


@dataclass(frozen=True)
class Timeline:
    """The items that pass the filters, oldest first, and how many of the state's items have no date."""

    filters: TimelineFilters
    items: list[Item]
    undated: int
    kind_counts: dict[str, int] = field(default_factory=dict)  # every dated item of the state, per kind

    @property
    def sipri(self) -> bool:
        """Whether any item comes from SIPRI's register (its files then carry SIPRI's attribution)."""
        return any(i.sipri for i in self.items)


def label_patterns(var: str, out: str) -> str:
    """SPARQL patterns binding ``?{out}0``, ``?{out}1`` to an English or untagged preferred label and label."""
    return " ".join(
        f"OPTIONAL {{ ?{var} {ox.NamedNode(p)} ?{out}{i} "
        f'FILTER(isLiteral(?{out}{i}) && (LANG(?{out}{i}) = "" || LANGMATCHES(LANG(?{out}{i}), "en"))) }}'
        for i, p in enumerate((SKOS + "prefLabel", RDFS + "label"))
    )


def first_label(row: ox.QuerySolution, out: str) -> str | None:
    """The label :func:`label_patterns` bound for ``out`` (the preferred label first), if any."""
    for i in (0, 1):
        term = row[f"{out}{i}"]
        if term is not None:
            return str(term.value)
    return None


def _members(state: StateChoice | None) -> str:
    """A group binding ``?e`` once to every entity of a kind's class (no fragment IRIs), involving the state."""
    classes = " ".join(str(ox.NamedNode(k.cls)) for k in KINDS)
    involves = (
        f"VALUES ?state {{ {ox.NamedNode(state.iri)} }} ?e {ox.NamedNode(DGB + 'involves')} ?state ." if state else ""
    )
    return (
        f"{{ SELECT DISTINCT ?e WHERE {{ VALUES ?class {{ {classes} }} ?e a ?class "
        f'FILTER(isIRI(?e) && !CONTAINS(STR(?e), "#")) {involves} }} }}'
    )


def read_states(store: GraphStore) -> list[StateChoice]:
    """Every state of the graph (``dgb:State``), by label."""
    sparql = (
        f"SELECT ?s ?l0 ?l1 WHERE {{ ?s a {ox.NamedNode(DGB + 'State')} FILTER(isIRI(?s)) {label_patterns('s', 'l')} }}"
    )
    found: dict[str, str] = {}
    for row in store.select(sparql):
        iri = row["s"].value
        label = first_label(row, "l") or iri.rsplit("/", 1)[-1]
        found[iri] = min(found.get(iri, label), label)
    return sorted((StateChoice(i, label) for i, label in found.items()), key=lambda s: (s.label.casefold(), s.iri))


def _kinds(store: GraphStore, members: str) -> dict[str, Kind]:
    classes = " ".join(str(ox.NamedNode(k.cls)) for k in KINDS)
    found: dict[str, Kind] = {}
    for row in store.select(f"SELECT ?e ?class WHERE {{ {members} VALUES ?class {{ {classes} }} ?e a ?class }}"):
        kind, iri = _BY_CLASS[row["class"].value], row["e"].value
        if iri not in found or _RANK[kind.key] < _RANK[found[iri].key]:
            found[iri] = kind
    return found


def _dates(store: GraphStore, members: str) -> dict[str, dict[str, list[str]]]:
    props = " ".join(str(ox.NamedNode(DGB + p)) for p in (*_START, *_END))
    out: dict[str, dict[str, list[str]]] = {}
    for row in store.select(
        f"SELECT ?e ?p ?v WHERE {{ {members} VALUES ?p {{ {props} }} ?e ?p ?v FILTER(isLiteral(?v)) }}"
    ):
        prop = row["p"].value[len(DGB) :]
        out.setdefault(row["e"].value, {}).setdefault(prop, []).append(row["v"].value)
    return out


def _span(values: dict[str, list[str]], kind: Kind) -> tuple[Dated, Dated | None] | None:
    """The start and end an item's dates give, each from the first property that holds one."""
    starts = _START[2:] if kind.key == "delivery" else _START[:2]
    ends = _END[2:] if kind.key == "delivery" else _END[:2]
    start = next((Dated(min(values[p]), p) for p in starts if values.get(p)), None)
    end = next((Dated(max(values[p]), p) for p in ends if values.get(p)), None)
    return (start, end) if start is not None else None


def _names(store: GraphStore, members: str) -> dict[str, str]:
    rows = store.select(f"SELECT ?e ?l0 ?l1 WHERE {{ {members} {label_patterns('e', 'l')} }}")
    names: dict[str, str] = {}
    for row in rows:
        label = first_label(row, "l")
        if label is not None:
            names[row["e"].value] = min(names.get(row["e"].value, label), label)
    derived = (
        f"SELECT ?e ?d0 ?d1 ?s0 ?s1 WHERE {{ {members} ?e {ox.NamedNode(DGB + 'derivedSystem')} ?d ; "
        f"{ox.NamedNode(DGB + 'sourceSystem')} ?s {label_patterns('d', 'd')} {label_patterns('s', 's')} }}"
    )
    for row in store.select(derived):  # a derivation has no label of its own: "J-11 from Su-27"
        if row["e"].value not in names:
            to, origin = first_label(row, "d"), first_label(row, "s")
            if to and origin:
                names[row["e"].value] = f"{to} from {origin}"
    return names


def _states(store: GraphStore, members: str) -> dict[str, list[tuple[str, str]]]:
    sparql = (
        f"SELECT ?e ?s ?l0 ?l1 WHERE {{ {members} ?e {ox.NamedNode(DGB + 'involves')} ?s . "
        f"?s a {ox.NamedNode(DGB + 'State')} {label_patterns('s', 'l')} }}"
    )
    out: dict[str, dict[str, str]] = {}
    for row in store.select(sparql):
        iri = row["s"].value
        label = first_label(row, "l") or iri.rsplit("/", 1)[-1]
        seen = out.setdefault(row["e"].value, {})
        seen[iri] = min(seen.get(iri, label), label)
    return {e: sorted(((i, label) for i, label in s.items()), key=lambda p: p[1].casefold()) for e, s in out.items()}


def _sources(store: GraphStore, members: str) -> dict[str, int]:
    sparql = (
        f"SELECT ?e (COUNT(DISTINCT ?src) AS ?n) WHERE {{ {members} ?e {ox.NamedNode(DGB + 'hasAttestation')} ?a . "
        f"?a {ox.NamedNode(DGB + 'source')} ?src }} GROUP BY ?e"
    )
    return {row["e"].value: int(row["n"].value) for row in store.select(sparql)}


def _from_sipri(store: GraphStore, members: str) -> set[str]:
    sparql = f"SELECT DISTINCT ?e WHERE {{ {members} GRAPH {ox.NamedNode(GRAPH_SIPRI)} {{ ?e a ?c }} }}"
    return {row["e"].value for row in store.select(sparql)}


def read_items(store: GraphStore, state: StateChoice | None) -> tuple[list[Item], int]:
    """Every dated item (involving ``state``, when given), oldest first, and how many have no date."""
    members = _members(state)
    kinds, dates, names = _kinds(store, members), _dates(store, members), _names(store, members)
    states, sources, sipri = _states(store, members), _sources(store, members), _from_sipri(store, members)
    items, undated = [], 0
    for iri, kind in kinds.items():
        span = _span(dates.get(iri, {}), kind)
        if span is None:
            undated += 1
            continue
        label = names.get(iri) or iri.rsplit("/", 1)[-1]
        items.append(
            Item(iri, label, kind, span[0], span[1], tuple(states.get(iri, ())), sources.get(iri, 0), iri in sipri)
        )
    items.sort(key=lambda i: (i.start.value, i.label.casefold(), i.iri))
    return items, undated


def choose_state(states: Sequence[StateChoice], raw: str) -> StateChoice:
    """The state ``raw`` names (its local name, IRI or label, ignoring case).

    Raises:
        ParameterError: no state of ``states`` has that name.
    """
    wanted = raw.strip().casefold()
    for state in states:
        if wanted in (state.key.casefold(), state.iri.casefold(), state.label.casefold()):
            return state
    some = ", ".join(s.key for s in states[:12]) + (" ..." if len(states) > 12 else "")
    raise ParameterError(f"no state {raw!r} in the graph; the states include {some}")


def parse_filters(states: Sequence[StateChoice], params: Iterable[tuple[str, str]]) -> TimelineFilters:
    """The filters of a request (``state=china``, ``kind=exercise`` (may repeat), ``from``, ``to``).

    Raises:
        ParameterError: an unknown parameter or state, a kind that is not one of :data:`KINDS`, a year
            that is not a year, ``from`` after ``to``, or a parameter other than ``kind`` given twice.

    >>> parse_filters([StateChoice("https://w3id.org/dragonbear/id/state/china", "China")],
    ...               [("state", "CHINA"), ("kind", "exercise"), ("from", "2010")]).params()
    [('state', 'china'), ('kind', 'exercise'), ('from', '2010')]
    """
    state, kinds, years, seen = None, [], {}, set()
    for name, raw in params:
        if name in seen and name != "kind":
            raise ParameterError(f"parameter {name!r} is given more than once")
        seen.add(name)
        if not raw.strip():
            continue
        if name == "state":
            state = choose_state(states, raw)
        elif name == "kind":
            if raw.strip().lower() not in _RANK:
                raise ParameterError(f"no kind {raw!r}; the kinds are {', '.join(k.key for k in KINDS)}")
            kinds.append(raw.strip().lower())
        elif name in ("from", "to"):
            years[name] = parse_year(raw, name)
        elif name not in ("page",):
            raise ParameterError(f"the timeline has no filter {name!r}; it takes state, kind, from, to and page")
    if "from" in years and "to" in years and years["from"] > years["to"]:
        raise ParameterError(f"from ({years['from']}) is after to ({years['to']})")
    return TimelineFilters(state, tuple(dict.fromkeys(kinds)), years.get("from"), years.get("to"))


def read_timeline(store: GraphStore, filters: TimelineFilters) -> Timeline:
    """The items that pass ``filters``, oldest first.

    Args:
        store: the graph.
        filters: checked filters (:func:`parse_filters`).

    Returns:
        The timeline, with the count per kind of the state's dated items (for the form).
    """
    items, undated = read_items(store, filters.state)
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind.key] = counts.get(item.kind.key, 0) + 1
    return Timeline(filters, [i for i in items if filters.keeps(i)], undated, counts)
