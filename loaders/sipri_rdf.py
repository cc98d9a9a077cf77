"""N-Quads text for SIPRI deals, their parties, systems and source document.

The text is built with f-strings from precomputed terms rather than through ``Quad`` objects:
on the full register this is several times faster, and ``Store.bulk_load`` parses N-Quads at
native speed. Only string literals need escaping (``_literal``); every IRI is made of slugs.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Sequence

from dragonbear.loaders.sipri_deals import Deal, Register
from dragonbear.loaders.sipri_designations import FALLBACK_CATEGORY, DesignationMap
from dragonbear.namespaces import DCTERMS, DGB, ID, RDF, RDFS, SCHEMA, SKOS, XSD, party_class, party_iri, slugify

__all__ = [
    "ATTRIBUTION",
    "CONFIDENCE",
    "CONFIDENCE_UNCERTAIN",
    "PUBLISHER",
    "REGISTER_TITLE",
    "TRANSFER_BASE",
    "DealWriter",
    "SystemTable",
    "iri_tail",
    "literal",
    "party_class",
    "party_iri",
    "readable_locator",
    "slug",
]

ATTRIBUTION = "Source: SIPRI Arms Transfers Database"
CONFIDENCE, CONFIDENCE_UNCERTAIN = "0.9", "0.75"
TRANSFER_BASE = f"{ID}transfer/sipri/"
REGISTER_TITLE = "SIPRI Arms Transfers Database, trade register"
PUBLISHER = "Stockholm International Peace Research Institute"
_STATUS = {"New": "NewEquipment", "Second hand": "SecondHand", "Second hand but modernized": "SecondHandModernized"}


@functools.cache
def slug(text: str) -> str:
    """``slugify``, memoized: a register repeats a few thousand names over its rows."""
    return slugify(text)


def literal(text: str) -> str:
    """An N-Triples string literal.

    >>> literal('say "hi"\\n')
    '"say \\\\"hi\\\\"\\\\n"'
    """
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"'


def iri_tail(iri: str) -> str:
    """The part of an ``<IRI>`` after its kind, for the IRIs of statements about it.

    >>> iri_tail("<https://w3id.org/dragonbear/id/system/sipri/rd-93>")
    'sipri-rd-93'
    """
    path = iri.strip("<>").removeprefix(ID)
    return path.split("/", 1)[-1].replace("/", "-")


def _en(text: str) -> str:
    return literal(text) + "@en"


def _t(local: str) -> str:
    return f"<{DGB}{local}>"


def _row_locator(lines: tuple[int, ...]) -> str:
    if len(lines) == 1:
        return f"row {lines[0]}"
    if list(lines) == list(range(lines[0], lines[0] + len(lines))):
        return f"rows {lines[0]}-{lines[-1]}"
    return "rows " + ", ".join(str(line) for line in lines)


def _plain(name: str) -> str:
    return name.rstrip("*").strip()


def _p(local: str, base: str = DGB) -> str:
    return f"<{base}{local}> "


# Predicates with their trailing space, and frequent objects, written once.
_TYPE, _LABEL = _p("type", RDF), _p("label", RDFS)
_SUPPLIER, _RECIPIENT, _SYSTEM, _DESIGNATION = (
    _p("supplier"),
    _p("recipient"),
    _p("transferredSystem"),
    _p("sipriDesignation"),
)
_ORDER_YEAR, _ORDER_YEAR_U = _p("orderYear"), _p("orderYearUncertain")
_QUANTITY_ORDERED, _QUANTITY_ORDERED_U = _p("quantityOrdered"), _p("quantityOrderedUncertain")
_QUANTITY_DELIVERED, _QUANTITY_DELIVERED_U = _p("quantityDelivered"), _p("quantityDeliveredUncertain")
_DELIVERY_YEAR, _DELIVERY_YEARS_U = _p("deliveryYear"), _p("deliveryYearsUncertain")
_DELIVERY_START, _DELIVERY_END = _p("deliveryStartYear"), _p("deliveryEndYear")
_STATUS_P, _DESCRIPTION, _COMMENT, _DEAL_ID = (
    _p("transferStatus"),
    _p("sipriDescription"),
    _p("sipriComment"),
    _p("sipriDealId"),
)
_LOCAL, _TIV_UNIT, _TIV_TOTAL, _TIV_DELIVERED = (
    _p("localProduction"),
    _p("tivPerUnit"),
    _p("tivTotalOrder"),
    _p("tivDelivered"),
)
_CONFIDENCE, _LEVEL, _RANK, _ATTESTATION = _p("confidence"), _p("confidenceLevel"), _p("rank"), _p("hasAttestation")
_SOURCE, _STANCE, _RELIABILITY, _LOCATOR = _p("source"), _p("stance"), _p("sourceReliability"), _p("locator")
_ARMS_TRANSFER, _ATTESTATION_CLASS = f"<{DGB}ArmsTransfer>", f"<{DGB}Attestation>"
_HIGH, _MODERATE = f"<{DGB}HighConfidence>", f"<{DGB}ModerateConfidence>"
_NORMAL, _ASSERTS, _RELIABLE_A = f"<{DGB}NormalRank>", f"<{DGB}Asserts>", f"<{DGB}ReliabilityA>"


class DealWriter:
    """Writes the quads of one deal at a time; remembers the parties it has seen.

    Args:
        graph: the named graph's IRI, or ``None`` to write N-Triples.
        source_key: the register's source key, for the attestations.
    """

    def __init__(self, graph: str | None, source_key: str) -> None:
        self.g = f" <{graph}> .\n" if graph is not None else " .\n"
        self.source_key = source_key
        self.parties: dict[str, str] = {}
        self.statuses = {name: _t(concept) for name, concept in _STATUS.items()}
        g = self.g
        self.true, self.false = f'"true"^^<{XSD}boolean>{g}', f'"false"^^<{XSD}boolean>{g}'
        self.integer, self.count = f"^^<{XSD}integer>{g}", f"^^<{XSD}nonNegativeInteger>{g}"
        self.decimal = f"^^<{XSD}decimal>{g}"
        self.certain = f'"{CONFIDENCE}"{self.decimal}'
        self.uncertain = f'"{CONFIDENCE_UNCERTAIN}"{self.decimal}'
        self.attestation_tail = f"#att-{source_key}>"
        self.source = f"<{ID}source/{source_key}>"

    def party(self, name: str) -> str:
        """The ``<IRI>`` of the party SIPRI names ``name``, remembered for ``parties_quads``."""
        iri = self.parties.get(name)
        if iri is None:
            iri = self.parties[name] = f"<{party_iri(name)}>"
        return iri

    _party = party

    def deal(self, deal: Deal, key: str, system: str) -> str:
        """All quads of ``deal`` (IRI key ``key``, system ``<IRI>``) and of its attestation."""
        s = f"<{TRANSFER_BASE}{key}"
        sp = s + "> "
        return (
            self._stated(deal, sp, system)
            + self._counted(deal, sp)
            + self._described(deal, sp)
            + self._attested(deal, s)
        )

    def _stated(self, deal: Deal, sp: str, system: str) -> str:
        """What every deal states: its type, parties, system, label, designation and uncertainty flags."""
        g, true, false = self.g, self.true, self.false
        return (
            f"{sp}{_TYPE}{_ARMS_TRANSFER}{g}"
            f"{sp}{_SUPPLIER}{self._party(deal.supplier)}{g}"
            f"{sp}{_RECIPIENT}{self._party(deal.recipient)}{g}"
            f"{sp}{_SYSTEM}{system}{g}"
            f"{sp}{_LABEL}{_en(_deal_label(deal))}{g}"
            f"{sp}{_ORDER_YEAR_U}{true if deal.order_year_uncertain else false}"
            f"{sp}{_QUANTITY_DELIVERED_U}{true if deal.quantity_delivered_uncertain else false}"
            f"{sp}{_DESIGNATION}{literal(deal.designation)}{g}"
        )

    def _counted(self, deal: Deal, sp: str) -> str:
        """The years and numbers a deal has: order year, quantities, delivery years, with their flags."""
        true, false, integer, count = self.true, self.false, self.integer, self.count
        parts: list[str] = []
        add = parts.append
        if deal.order_year is not None:
            add(f'{sp}{_ORDER_YEAR}"{deal.order_year}"{integer}')
        if deal.quantity_ordered is not None:
            add(f'{sp}{_QUANTITY_ORDERED}"{deal.quantity_ordered}"{count}')
        if deal.quantity_ordered_uncertain is not None:
            add(f"{sp}{_QUANTITY_ORDERED_U}{true if deal.quantity_ordered_uncertain else false}")
        if deal.quantity_delivered is not None:
            add(f'{sp}{_QUANTITY_DELIVERED}"{deal.quantity_delivered}"{count}')
        years = deal.delivery_years
        if years:
            add("".join([f'{sp}{_DELIVERY_YEAR}"{year}"{integer}' for year in years]))
            add(f'{sp}{_DELIVERY_START}"{years[0]}"{integer}{sp}{_DELIVERY_END}"{years[-1]}"{integer}')
        if deal.delivery_years_uncertain is not None:
            add(f"{sp}{_DELIVERY_YEARS_U}{true if deal.delivery_years_uncertain else false}")
        return "".join(parts)

    def _described(self, deal: Deal, sp: str) -> str:
        """The texts and values a deal has: status, description, comment, id, local production, TIV."""
        g, decimal = self.g, self.decimal
        parts: list[str] = []
        add = parts.append
        if deal.status is not None:
            add(f"{sp}{_STATUS_P}{self.statuses[deal.status]}{g}")
        if deal.description:
            add(f"{sp}{_DESCRIPTION}{literal(deal.description)}{g}")
        if deal.comments:
            add(f"{sp}{_COMMENT}{literal(deal.comments)}{g}")
        if deal.deal_id is not None:
            add(f"{sp}{_DEAL_ID}{literal(deal.deal_id)}{g}")
        if deal.local_production is not None:
            add(f"{sp}{_LOCAL}{self.true if deal.local_production else self.false}")
        if deal.tiv_per_unit is not None:
            add(f'{sp}{_TIV_UNIT}"{deal.tiv_per_unit}"{decimal}')
        if deal.tiv_total_order is not None:
            add(f'{sp}{_TIV_TOTAL}"{deal.tiv_total_order}"{decimal}')
        if deal.tiv_delivered is not None:
            add(f'{sp}{_TIV_DELIVERED}"{deal.tiv_delivered}"{decimal}')
        return "".join(parts)

    def _attested(self, deal: Deal, s: str) -> str:
        """The deal's confidence and rank, and its attestation by the register's row."""
        g, sp, uncertain = self.g, s + "> ", deal.uncertain
        att = s + self.attestation_tail
        at = att + " "
        return (
            f"{sp}{_CONFIDENCE}{self.uncertain if uncertain else self.certain}"
            f"{sp}{_LEVEL}{_MODERATE if uncertain else _HIGH}{g}"
            f"{sp}{_RANK}{_NORMAL}{g}"
            f"{sp}{_ATTESTATION}{att}{g}"
            f"{at}{_TYPE}{_ATTESTATION_CLASS}{g}"
            f"{at}{_SOURCE}{self.source}{g}"
            f"{at}{_STANCE}{_ASSERTS}{g}"
            f"{at}{_RELIABILITY}{_RELIABLE_A}{g}"
            f"{at}{_LOCATOR}{literal(readable_locator(deal) + ' (' + _row_locator(deal.lines) + ' of the file)')}{g}"
        )

    def parties_quads(self) -> str:
        """The ``dgb:State``/``dgb:Organization`` description of every party seen."""
        g, out = self.g, []
        for name, iri in sorted(self.parties.items()):
            out.append(
                f"{iri} <{RDF}type> {_t(party_class(name))}{g}"
                f"{iri} <{DGB}sipriName> {literal(name)}{g}"
                f"{iri} <{RDFS}label> {_en(_plain(name))}{g}"
            )
        return "".join(out)

    def source_quads(self, register: Register) -> str:
        """The register's ``dgb:SourceDocument``, with SIPRI's required attribution."""
        g, s, d = self.g, f"<{ID}source/{register.source_key}> ", DGB
        issued = (
            f'{s}<{DCTERMS}issued> "{register.issued.isoformat()}"^^<{XSD}date>{g}'
            if register.issued is not None
            else ""
        )
        return (
            f"{s}<{RDF}type> <{d}SourceDocument>{g}"
            f"{s}<{d}sourceKey> {literal(register.source_key)}{g}"
            f"{s}<{DCTERMS}title> {literal(REGISTER_TITLE)}{g}"
            f"{s}<{DCTERMS}publisher> {literal(PUBLISHER)}{g}"
            f"{s}<{d}publisher> <{ID}org/sipri>{g}"
            f"{issued}"
            f"{s}<{SCHEMA}url> <https://www.sipri.org/databases/armstransfers>{g}"
            f"{s}<{d}sourceType> <{d}DataRegister>{g}"
            f"{s}<{d}sourceReliability> <{d}ReliabilityA>{g}"
            f"{s}<{RDFS}comment> {_en(ATTRIBUTION)}{g}"
        )


def _deal_label(deal: Deal) -> str:
    return f"{deal.designation}: {_plain(deal.supplier)} to {_plain(deal.recipient)}, {deal.order_year or 'n.d.'}"


def readable_locator(deal: Deal) -> str:
    """``row: Recipient,Supplier,Year,Designation``, the locator curated records also use."""
    return f"row: {deal.recipient},{deal.supplier},{deal.order_year or ''},{deal.designation}"


class SystemTable:
    """The system of every deal: canonical where designations.csv maps it, else one of SIPRI's own.

    The mapping is looked up once per designation, supplier, recipient and year of order (a row of
    designations.csv may name a year). A mapped designation becomes a ``dgb:sipriDesignation`` of the
    system it maps to (``named``); where a row with a year picked a deal out as another version, of the
    system the designation maps to without the year, if any (SIPRI's "Kuznetsov" names the class, not
    the Varyag hull its 1998 deal maps to). SIPRI's own systems are ``id:system/sipri/{slug of
    designation}``. Where one designation slug names things of different categories (SIPRI's "Cobra"
    vehicle and "COBRA" radar), each gets ``id:system/sipri/{slug}-{category slug}`` instead, listed
    in ``split``. ``iris`` holds the ``<IRI>`` of each deal's system, in the order of the deals.
    """

    def __init__(self, mapping: DesignationMap, deals: Sequence[Deal]) -> None:
        self.canonical: dict[tuple[str, str], str] = {}  # (system id, designation) -> <IRI>
        self.named: set[tuple[str, str]] = set()  # (system id, designation) for dgb:sipriDesignation
        self.unknown_descriptions: Counter[str] = Counter()
        self.own: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
        self.own_deals: Counter[str] = Counter()
        rules: dict[tuple[str, str, str, int | None], tuple[str | None, str | None]] = {}
        resolved: list[str | tuple[str, str]] = []  # a canonical <IRI>, or (slug, category)
        for deal in deals:
            rule_key = (deal.designation, deal.supplier, deal.recipient, deal.order_year)
            if rule_key not in rules:
                rules[rule_key] = _look_up(mapping, *rule_key)
            system, named = rules[rule_key]
            if system is None:
                own_key = (slug(deal.designation), self._category(mapping, deal.description))
                self.own[own_key[0]][own_key[1]][deal.designation] += 1
                self.own_deals[deal.designation] += 1
                resolved.append(own_key)
            else:
                resolved.append(self.canonical.setdefault((system, deal.designation), f"<{ID}system/{system}>"))
                if named is not None:
                    self.named.add((named, deal.designation))
        self.split = {key: tuple(sorted(categories)) for key, categories in self.own.items() if len(categories) > 1}
        self.mapped_deals = len(deals) - sum(self.own_deals.values())
        self.iris = [item if isinstance(item, str) else self._own_iri(*item) for item in resolved]

    def _category(self, mapping: DesignationMap, description: str) -> str:
        category = mapping.category_for(description)
        if category is None:
            self.unknown_descriptions[description] += 1
            return FALLBACK_CATEGORY
        return category

    def own_iri(self, key: str, category: str) -> str:
        """The ``<IRI>`` of SIPRI's own system with designation slug ``key`` and ``category``."""
        return self._own_iri(key, category)

    def _own_iri(self, key: str, category: str) -> str:
        if key in self.split:
            return f"<{ID}system/sipri/{key}-{slugify(_words(category))}>"
        return f"<{ID}system/sipri/{key}>"

    def unmapped_counts(self) -> dict[str, int]:
        """Unmapped designation -> number of deals, most frequent first."""
        return dict(sorted(self.own_deals.items(), key=lambda item: (-item[1], item[0])))

    def quads(self, g: str) -> str:
        """``dgb:sipriDesignation`` on canonical systems; full descriptions of SIPRI's own systems.
        ``g`` ends each line: the graph term and the full stop."""
        out: list[str] = []
        for system, designation in sorted(self.named):
            out.append(f"<{ID}system/{system}> <{DGB}sipriDesignation> {literal(designation)}{g}")
        for key, categories in sorted(self.own.items()):
            for category, spellings in sorted(categories.items()):
                iri = self._own_iri(key, category)
                name = min(spellings, key=lambda spelling: (-spellings[spelling], spelling))
                out.append(
                    f"{iri} <{RDF}type> <{DGB}SystemModel>{g}"
                    f"{iri} <{RDFS}label> {_en(name)}{g}"
                    f"{iri} <{SKOS}prefLabel> {_en(name)}{g}"
                    f"{iri} <{DGB}category> {_t(category)}{g}"
                )
                out.extend(f"{iri} <{DGB}sipriDesignation> {literal(spelling)}{g}" for spelling in sorted(spellings))
        return "".join(out)


def _look_up(
    mapping: DesignationMap, designation: str, supplier: str, recipient: str, order_year: int | None
) -> tuple[str | None, str | None]:
    """A deal's system, and the system its designation names: the same, unless a row with a year
    picked the deal out, when it is the system of the designation and parties without the year."""
    rule = mapping.rule_for(designation, supplier, recipient, order_year)
    if rule is None:
        return None, None
    if rule.order_year is None:
        return rule.system, rule.system
    return rule.system, mapping.system_for(designation, supplier, recipient)


def _words(concept: str) -> str:
    return "".join(f" {c}" if c.isupper() else c for c in concept).strip()
