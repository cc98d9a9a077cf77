"""The shape of the curated-facts format: record types, their keys, and what each key becomes.

One table, ``RECORD_TYPES``, says for every ``[[type]]`` of ``docs/curated-format.md`` its IRI kind,
its class, which keys it requires and how each of its own keys maps to RDF. Keys that need more than
a one-to-one mapping (a source's metadata, an organization's ``type``, a figure's ``comparator``, a
claim's ``predicate``, a conflict's ``between``, a derivation's ``enabled_by``, a transfer's
``sipri_deal``) are listed as ``special`` and handled by ``curated_records``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from dragonbear.namespaces import entity_iri

__all__ = [
    "AGENT",
    "ANY",
    "ATTESTATION_KEYS",
    "COMMON_KEYS",
    "EVENT",
    "LOCATOR_REQUIRED",
    "ORG",
    "PLACE",
    "PRIMARY_SOURCES",
    "RECORD_TYPES",
    "SIPRI_PREFIX",
    "SIPRI_SOURCE",
    "STATE",
    "SYSTEM",
    "Field",
    "Problem",
    "Record",
    "RecordType",
    "is_one_of",
    "is_slug",
    "sipri_transfer_iri",
]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The SIPRI register is emitted by the SIPRI loader; curated records may cite it without defining it.
SIPRI_SOURCE = "sipri-at-2024"
SIPRI_PREFIX = "sipri:"
# Attestations of these three documents must say where in the document the fact is.
LOCATOR_REQUIRED = frozenset({"vonessen-2025", "partnership-2025", "vostok-2022-news"})
# The project's primary sources: the three source documents and the SIPRI register. A statement that one of
# them supports defaults to confidence 0.8; a statement only other (wider-record) sources support, to 0.6.
PRIMARY_SOURCES = LOCATOR_REQUIRED | {"sipri-at-2024"}

# Groups of record types a reference may point to (``None`` means any record).
AGENT = frozenset({"state", "organization", "person"})
STATE = frozenset({"state"})
ORG = frozenset({"organization"})
SYSTEM = frozenset({"system"})
PLACE = frozenset({"place"})
EVENT = frozenset({"event", "exercise"})
ANY: frozenset[str] | None = None

COMMON_KEYS = frozenset(
    {
        "id",
        "names",
        "pinyin",
        "alt",
        "hidden",
        "nato",
        "designations",
        "wikidata",
        "wikidata_candidate",
        "dbpedia",
        "dbpedia_candidate",
        "note",
        "confidence",
        "rank",
        "start",
        "end",
        "date_qualifier",
        "sources",
    }
)
ATTESTATION_KEYS = frozenset(
    {
        "source",
        "locator",
        "stance",
        "reliability",
        "quantity",
        "order_year",
        "delivery_start",
        "delivery_end",
        "note",
    }
)


@dataclass(frozen=True)
class Problem:
    """One error found in the curated files, with where it is."""

    message: str
    path: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = str(self.path) + (f":{self.line}" if self.line is not None else "")
        return f"{where}: {self.message}"


@dataclass(eq=False)
class Record:
    """One ``[[type]]`` table of a curated file.

    Attributes:
        type: the table name (``system``).
        data: the table as tomllib returns it.
        path: the file.
        line: 1-based line of the record's ``id``/``key`` (or of its header), if found.
        local_id: the record's id (a source's key); ``None`` if it has none.
        iri: the IRI the record describes, set by the indexing pass.
        attestations: IRIs of its attestation nodes, one per entry of ``sources``.
    """

    type: str
    data: dict[str, Any]
    path: Path
    line: int | None
    local_id: str | None = None
    iri: str | None = None
    attestations: list[str] = field(default_factory=list)

    @property
    def location(self) -> str:
        """``path:line`` of the record, for messages."""
        return f"{self.path}:{self.line}" if self.line is not None else str(self.path)


@dataclass(frozen=True)
class Field:
    """How one key of a record maps to RDF.

    Attributes:
        conv: ``ref`` (record ids), ``concept`` (a concept of scheme ``arg``), ``year``, ``count``,
            ``decimal``, ``text`` (plain string), ``text_en`` (``@en`` string), ``choice`` (a plain
            string from ``arg``).
        predicate: local name of the ``dgb:`` property.
        arg: allowed record types for ``ref`` (``None``: any), the scheme for ``concept``, the
            allowed strings for ``choice``.
        many: whether a list is allowed.
    """

    conv: str
    predicate: str
    arg: Any = None
    many: bool = False


def _ref(predicate: str, kinds: frozenset[str] | None, many: bool = False) -> Field:
    return Field("ref", predicate, kinds, many)


def _concept(predicate: str, scheme: str) -> Field:
    return Field("concept", predicate, scheme)


@dataclass(frozen=True)
class RecordType:
    """A ``[[type]]`` of the curated format.

    Attributes:
        name: the TOML table name.
        kind: the kind in its IRIs (``id:{kind}/{id}``).
        rdf_class: local name of the ``dgb:`` class every record of the type gets.
        statement: whether it is an attested statement (default confidence and rank).
        required: keys that must be present.
        fields: its own keys with a direct mapping.
        special: its own keys handled by code.
        common: which of the common keys it accepts.
        needs_sources: whether ``sources`` is required.
    """

    name: str
    kind: str
    rdf_class: str
    statement: bool = False
    required: tuple[str, ...] = ("id",)
    fields: dict[str, Field] = field(default_factory=dict)
    special: frozenset[str] = frozenset()
    common: frozenset[str] = COMMON_KEYS
    needs_sources: bool = True

    @cached_property
    def keys(self) -> frozenset[str]:
        """Every key the type accepts."""
        return self.common | self.special | frozenset(self.fields)


_DOMAIN = _concept("operationalDomain", "OperationalDomain")

RECORD_TYPES: dict[str, RecordType] = {
    t.name: t
    for t in [
        RecordType(
            "source",
            "source",
            "SourceDocument",
            required=("key", "title", "type", "reliability"),
            special=frozenset({"key", "title", "author", "publisher", "issued", "url", "type", "reliability"}),
            common=frozenset({"note"}),
            needs_sources=False,
        ),
        RecordType(
            "state",
            "state",
            "State",
            required=("id", "names"),
            fields={"sipri_names": Field("text", "sipriName", many=True)},
        ),
        RecordType(
            "organization",
            "org",
            "Organization",
            required=("id", "names"),
            special=frozenset({"type"}),
            fields={
                "based_in": _ref("basedIn", STATE),
                "subsidiary_of": _ref("subsidiaryOf", ORG),
                "armed_force_of": _ref("armedForceOf", STATE),
            },
        ),
        RecordType(
            "person",
            "person",
            "Person",
            required=("id", "names"),
            fields={
                "affiliation": _ref("affiliatedWith", ORG, many=True),
            },
        ),
        RecordType(
            "place",
            "place",
            "Place",
            required=("id", "names"),
            special=frozenset({"type", "point"}),
            fields={"located_in": _ref("locatedIn", PLACE)},
        ),
        RecordType(
            "system",
            "system",
            "SystemModel",
            required=("id", "names", "category"),
            fields={
                "category": _concept("category", "SystemCategory"),
                "variant_of": _ref("variantOf", SYSTEM),
                "developer": _ref("developer", ORG, many=True),
                "manufacturer": _ref("manufacturer", ORG, many=True),
                "country": _ref("countryOfOrigin", STATE),
                "operator": _ref("operator", AGENT, many=True),
            },
        ),
        RecordType(
            "derivation",
            "derivation",
            "Derivation",
            statement=True,
            required=("id", "derived", "kind"),
            special=frozenset({"enabled_by"}),
            fields={
                "derived": _ref("derivedSystem", SYSTEM),
                "from": _ref("sourceSystem", SYSTEM),
                "kind": _concept("derivationKind", "DerivationKind"),
                "licensor": _ref("licensor", AGENT),
                "licensee": _ref("licensee", AGENT),
                "partners": _ref("partner", AGENT, many=True),
            },
        ),
        RecordType(
            "fit",
            "fit",
            "ComponentFit",
            statement=True,
            required=("id", "platform", "component", "role"),
            fields={
                "platform": _ref("platform", SYSTEM),
                "component": _ref("component", SYSTEM),
                "role": _concept("componentRole", "ComponentRole"),
                "replaces": _ref("replaces", frozenset({"fit"})),
                "ended_by": _ref("endedBy", EVENT),
                "units": Field("count", "fittedUnits"),
                "scope": Field("text", "unitScope"),
            },
        ),
        RecordType(
            "transfer",
            "transfer",
            "ArmsTransfer",
            statement=True,
            required=("id", "supplier", "recipient", "system"),
            special=frozenset({"sipri_deal"}),
            fields={
                "supplier": _ref("supplier", AGENT),
                "recipient": _ref("recipient", AGENT),
                "system": _ref("transferredSystem", SYSTEM),
                "quantity_ordered": Field("count", "quantityOrdered"),
                "quantity_delivered": Field("count", "quantityDelivered"),
                "quantity_qualifier": Field(
                    "choice", "quantityQualifier", frozenset({"at least", "more than", "some", "several"})
                ),
                "order_year": Field("year", "orderYear"),
                "delivery_start": Field("year", "deliveryStartYear"),
                "delivery_end": Field("year", "deliveryEndYear"),
                "status": _concept("transferStatus", "TransferStatus"),
                "seller": _ref("sellerOrg", ORG),
                "end_user": _ref("endUser", AGENT),
            },
        ),
        RecordType(
            "series",
            "series",
            "ExerciseSeries",
            required=("id", "names"),
            fields={
                "domain": _DOMAIN,
                "participants": _ref("participant", AGENT, many=True),
            },
        ),
        RecordType(
            "exercise",
            "exercise",
            "MilitaryActivity",
            statement=True,
            required=("id", "names"),
            special=frozenset({"type"}),
            fields={
                "series": _ref("partOfSeries", frozenset({"series"})),
                "domain": _DOMAIN,
                "participants": _ref("participant", AGENT, many=True),
                "host": _ref("host", AGENT),
                "location": _ref("location", PLACE, many=True),
                "systems": _ref("employedSystem", SYSTEM, many=True),
                "personnel": Field("count", "personnel"),
            },
        ),
        RecordType(
            "event",
            "event",
            "Event",
            statement=True,
            required=("id", "names", "type"),
            special=frozenset({"type"}),
            fields={
                "participants": _ref("participant", AGENT, many=True),
                "sanctioning": _ref("sanctioningAgent", AGENT, many=True),
                "target": _ref("sanctionsTarget", AGENT, many=True),
                "territory": _ref("targetTerritory", PLACE, many=True),
                "location": _ref("location", PLACE, many=True),
                "in_response_to": _ref("inResponseTo", EVENT, many=True),
            },
        ),
        RecordType(
            "figure",
            "figure",
            "ReportedFigure",
            statement=True,
            required=("id", "measure"),
            special=frozenset({"comparator"}),
            fields={
                "measure": _concept("measure", "Measure"),
                "value": Field("decimal", "value"),
                "lower": Field("decimal", "lowerBound"),
                "upper": Field("decimal", "upperBound"),
                "unit": Field("text", "unit"),
                "period_start": Field("year", "periodStartYear"),
                "period_end": Field("year", "periodEndYear"),
                "about": _ref("about", ANY, many=True),
                "domain": _concept("countsDomain", "OperationalDomain"),
                "topic": _concept("topic", "Topic"),
            },
        ),
        RecordType(
            "claim",
            "claim",
            "Claim",
            statement=True,
            required=("id", "statement"),
            special=frozenset({"predicate"}),
            fields={
                "statement": Field("text_en", "statement"),
                "about": _ref("about", ANY, many=True),
                "topic": _concept("topic", "Topic"),
                "subject": _ref("claimSubject", ANY),
                "object": _ref("claimObject", ANY),
            },
        ),
        RecordType(
            "conflict",
            "conflict",
            "Conflict",
            required=("id", "between"),
            needs_sources=False,
            special=frozenset({"between"}),
            fields={
                "concerns": _ref("conflictConcerns", ANY, many=True),
                "aspect": Field("choice", "aspect", frozenset({"quantity", "year", "date", "kind", "fact"})),
            },
        ),
    ]
}


def is_slug(text: object) -> bool:
    """Return whether ``text`` is a lower-case slug usable as a local id (``su-27sk``, ``9m96``).

    >>> is_slug("su-27sk"), is_slug("Su-27"), is_slug("project_636")
    (True, False, False)
    """
    return isinstance(text, str) and _SLUG.match(text) is not None


def is_one_of(value: object, choices: Collection[str]) -> bool:
    """Return whether a record's ``value`` is one of the names ``choices``: a string among them. TOML
    lets any key hold a list, a table or a date, which are never a name (and cannot be looked up in a
    set or a dict of names).

    >>> is_one_of("B", {"A", "B"}), is_one_of(["B"], {"A", "B"}), is_one_of({"B": 1}, {"B": "x"})
    (True, False, False)
    """
    return isinstance(value, str) and value in choices


def sipri_transfer_iri(deal: str) -> str:
    """Return the IRI of the SIPRI transfer with deal key ``deal`` (as the SIPRI loader names it).

    >>> sipri_transfer_iri("russia-china-2015-su-35s")
    'https://w3id.org/dragonbear/id/transfer/sipri/russia-china-2015-su-35s'
    """
    return entity_iri("transfer", f"sipri/{deal}")
