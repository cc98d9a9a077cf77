"""The relations SIPRI's comments state, as graph statements attested by their deals.

``loaders/sipri_comments.py`` reads each comment into dependencies and derivations with names as
written. This module resolves the names to systems (curated ones first, then SIPRI's designations,
then systems it makes for platforms that only a comment names) and writes N-Triples for the SIPRI
graph:

- a dependency becomes a ``dgb:ComponentFit`` per deal and platform: the platform, the component (the
  deal's system, or the version the comment names, made a variant of it), the role the deal's
  description implies, the number of platforms, the delivery years, the supplier of the components
  (``dgb:componentSupplier``), the recipient whose platforms got them (``dgb:platformOperator``) and
  the deal (``dgb:supplyTransfer``);
- a derivation with a named product becomes a ``dgb:Derivation`` (one per product, source system,
  kind and producing state, attested by every deal that states it), linked from each deal by
  ``dgb:enabledDerivation``. Production without a named product marks the deal
  ``dgb:localProduction`` where the recipient produced it (there is no second system to link).

Every statement carries an attestation to the SIPRI register with one locator naming the deal's row
and quoting the comment, ``dgb:readFromText true``, stance ``Hedged`` where the comment hedges, and a
confidence below that of the register's structured fields (0.7, or 0.45 when hedged). A relation a
curated record already states gets the SIPRI attestation on the curated statement instead of a
second statement, unless the curated record already cites the same row; where they disagree on kind
or number, a ``dgb:Conflict`` names both sides.
"""

from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from dragonbear.loaders.sipri_comment_dependencies import Dependency
from dragonbear.loaders.sipri_comment_derivations import Derivation
from dragonbear.loaders.sipri_comments import engine_model, read_comment
from dragonbear.loaders.sipri_designations import FALLBACK_CATEGORY, DesignationMap
from dragonbear.loaders.sipri_layouts import Deal
from dragonbear.loaders.sipri_names import NameIndex
from dragonbear.loaders.sipri_rdf import TRANSFER_BASE, DealWriter, SystemTable, literal, readable_locator, slug
from dragonbear.loaders.sipri_states import known_states
from dragonbear.namespaces import DGB, ID, RDF, RDFS, SKOS, XSD

__all__ = ["MENTIONS", "CuratedContext", "RelationReport", "RelationWriter", "curated_context"]

CONFIDENCE, CONFIDENCE_HEDGED = "0.7", "0.45"
# A comment that mentions one of these but gives no relation is listed for review (build report, stats --missed).
MENTIONS = re.compile(r"\bfor\b|licen[cs]|\bcop(?:y|ied)\b|\bkits?\b", re.IGNORECASE)
_NOUNS = {
    "combat aircraft": "FighterAircraft",
    "aircraft": "Aircraft",
    "helicopter": "Helicopter",
    "combat helicopter": "Helicopter",
    "ship": "Ship",
    "tank": "ArmouredVehicle",
    "mbt": "ArmouredVehicle",
    "fac": "PatrolCraft",
    "sam system": "SAMSystem",
    "ad system": "AirDefenceSystem",
    "air-defence system": "AirDefenceSystem",
    "class": FALLBACK_CATEGORY,
    "vehicle": "ArmouredVehicle",
    "armoured vehicle": "ArmouredVehicle",
    "gun": "Artillery",
    "aa gun": "AntiAircraftGun",
    "ucav": "UAV",
    "uav": "UAV",
    "apc": "ArmouredVehicle",
    "ifv": "ArmouredVehicle",
    "boat": "PatrolCraft",
}
_ROLES = {
    "Engine": "MainPropulsion",
    "AircraftEngine": "MainPropulsion",
    "ShipEngine": "MainPropulsion",
    "VehicleEngine": "MainPropulsion",
    "Radar": "SensorRole",
    "Sonar": "SensorRole",
    "Sensor": "SensorRole",
    "Missile": "WeaponRole",
    "SurfaceToAirMissile": "WeaponRole",
    "AirToAirMissile": "WeaponRole",
    "AntiShipMissile": "WeaponRole",
    "AirToSurfaceMissile": "WeaponRole",
    "AntiTankMissile": "WeaponRole",
    "SurfaceToSurfaceMissile": "WeaponRole",
    "NavalWeapon": "WeaponRole",
    "AntiAircraftGun": "WeaponRole",
    "Artillery": "WeaponRole",
}


@dataclass
class _Statement:
    """A curated derivation or fit: its ends, values and attestations (IRI -> source IRI, locators)."""

    iri: str
    kind: str | None = None
    units: int | None = None
    start: int | None = None  # start year
    attestations: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class CuratedContext:
    """What the relation writer needs of the curated graph: system names and statements."""

    names: list[tuple[str, str]] = field(default_factory=list)  # (name, system IRI)
    relatives: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # variants and bases
    derivations: dict[tuple[str, str], _Statement] = field(default_factory=dict)  # (derived, source)
    fits: dict[tuple[str, str], _Statement] = field(default_factory=dict)  # (platform, component)


_NAME_PREDICATES = {
    RDFS + "label",
    SKOS + "prefLabel",
    SKOS + "altLabel",
    SKOS + "hiddenLabel",
    DGB + "designation",
    DGB + "natoReportingName",
}


def curated_context(quads: Iterable[ox.Quad]) -> CuratedContext:
    """Index curated quads: names of systems, derivations by (derived, source), fits by (platform, component).

    >>> curated_context([]).names
    []
    """
    by_subject: dict[str, dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for quad in quads:
        by_subject[quad.subject.value][quad.predicate.value].append(quad.object)  # type: ignore[union-attr, arg-type]
    context = CuratedContext()
    system = DGB + "SystemModel"
    for subject, props in by_subject.items():
        types = {o.value for o in props.get(RDF + "type", [])}
        if system in types:
            context.names.append((subject.rsplit("/", 1)[-1], subject))  # the id: "mig-21"
            for predicate in _NAME_PREDICATES:
                context.names += [(o.value, subject) for o in props.get(predicate, [])]
            for base in props.get(DGB + "variantOf", []):
                context.relatives[subject].add(base.value)
                context.relatives[base.value].add(subject)

        def first(p: str, props: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = props) -> str | None:
            return props[p][0].value if props.get(p) else None

        atts = {
            o.value: [loc.value for loc in by_subject.get(o.value, {}).get(DGB + "locator", [])]
            + [src.value for src in by_subject.get(o.value, {}).get(DGB + "source", [])]
            for o in props.get(DGB + "hasAttestation", [])
        }
        derived, source = first(DGB + "derivedSystem"), first(DGB + "sourceSystem")
        if derived and source:
            start = first(DGB + "startYear")
            context.derivations[(derived, source)] = _Statement(
                subject, first(DGB + "derivationKind"), start=int(start) if start else None, attestations=atts
            )
        platform, component = first(DGB + "platform"), first(DGB + "component")
        if platform and component:
            units = first(DGB + "fittedUnits")
            start = first(DGB + "startYear")
            context.fits[(platform, component)] = _Statement(
                subject, units=int(units) if units else None, start=int(start) if start else None, attestations=atts
            )
    return context


@dataclass
class RelationReport:
    """What the comment reading gave: relations read and written, merges, conflicts, what was missed."""

    comments: int = 0
    read: Counter[str] = field(default_factory=Counter)  # dependency, and each derivation kind
    hedged: int = 0
    fits: int = 0
    derivations: int = 0
    attested_curated: int = 0
    restating_curated: int = 0
    conflicts: int = 0
    new_systems: int = 0
    variants: int = 0
    local_production: int = 0
    missed: list[str] = field(default_factory=list)
    seconds: float = 0.0  # reading the comments and writing their relations
    unnamed_components: int = 0  # dependencies on a generic item ("vehicle engine") the comment does not name

    def summary(self) -> str:
        """One paragraph for the build report."""
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.read.items()))
        return (
            f"Relations read from {self.comments:,} SIPRI comments: {kinds} ({self.hedged} hedged); written as"
            f" {self.fits:,} component fits and {self.derivations:,} derivations; {self.attested_curated} attest"
            f" a curated statement ({self.restating_curated} more restate a row it cites), {self.conflicts}"
            f" conflicts recorded; {self.new_systems:,} systems named only in comments,"
            f" {self.variants} versions made variants; {self.unnamed_components} dependencies on a generic item"
            f" that the comment does not name left out; {self.local_production} deals marked local"
            f" production; {len(self.missed):,} comments mention for/licence/copy/kits but gave nothing;"
            f" read in {self.seconds:.2f}s"
        )


def _tail(iri: str) -> str:
    """The part of an ``<IRI>`` after its kind: ``<.../system/sipri/rd-93>`` gives ``sipri-rd-93``."""
    path = iri.strip("<>").removeprefix(ID)
    return path.split("/", 1)[-1].replace("/", "-")


class RelationWriter:
    """Resolves the relations of a register's comments and writes them as N-Triples.

    Args:
        mapping: the designation map (categories of descriptions).
        systems: the register's ``SystemTable`` (the system of each deal, SIPRI's own systems).
        writer: the register's ``DealWriter`` (graph term, parties, source).
        context: the curated graph's names and statements, if any.
    """

    def __init__(
        self, mapping: DesignationMap, systems: SystemTable, writer: DealWriter, context: CuratedContext | None = None
    ) -> None:
        self.mapping, self.systems, self.writer = mapping, systems, writer
        self.context = context or CuratedContext()
        self.report = RelationReport()
        self.index = NameIndex()
        for name, iri in self.context.names:
            self.index.add(name, f"<{iri}>", 0)
        for (_system, designation), iri in systems.canonical.items():
            self.index.add(designation, iri, 1)
        for key, categories in systems.own.items():
            for category, spellings in categories.items():
                iri = systems.own_iri(key, category)
                for spelling, deals in spellings.items():
                    self.index.add(spelling, iri, 2, deals, category)
        self.made: dict[str, dict[str, object]] = {}  # IRI -> name, aliases, category, states, deals
        self.derivation_nodes: dict[tuple[str, str, str, str], dict[str, object]] = {}
        self._local: set[str] = set()
        self._own_iris = {
            systems.own_iri(key, category) for key, categories in systems.own.items() for category in categories
        } | set(systems.canonical.values())
        self.out: list[str] = []

    # -- systems ----------------------------------------------------------------------------------

    def _category(self, noun: str | None) -> str:
        if not noun:
            return FALLBACK_CATEGORY
        words = [
            w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > 3 else w
            for w in noun.replace("/", " ").split()
        ]
        for n in range(len(words), 0, -1):
            phrase = " ".join(words[-n:])
            found = self.mapping.category_for(phrase) or _NOUNS.get(phrase.lower())
            if found:
                return found
        return FALLBACK_CATEGORY

    def _system(self, name: str, aliases: Sequence[str], category: str, deal_iri: str) -> str | None:
        """The IRI of a named system: found by its name or an alias, or made; ``None`` if it is no system."""
        # SIPRI writes two names of one system with a slash ("SA-15/Tor-M1"): a curated part names it
        parts = [part for part in name.split("/") if len(part) > 1] if "/" in name else []
        for candidate, curated_only in [*((n, False) for n in (name, *aliases)), *((p, True) for p in parts)]:
            found = self.index.find(candidate, category, curated_only=curated_only)
            if found is not None:
                if found in self.made:
                    self.made[found]["deals"].add(deal_iri)  # type: ignore[attr-defined]
                return found
        if not any(c.isdigit() for c in name) and category == FALLBACK_CATEGORY and not aliases:
            return None  # "DOSAAF para-military training units": a plain word of no known kind is no platform
        iri = f"<{ID}system/sipri/{slug(name)}>"
        while iri in self.made or iri in self._own_iris:
            iri = iri[:-1] + "-2>"
        self.made[iri] = {
            "name": name,
            "aliases": set(aliases),
            "category": category,
            "states": Counter(),
            "deals": {deal_iri},
        }
        for label in (name, *aliases):
            self.index.add(label, iri, 3, category=category)
        self.report.new_systems += 1
        return iri

    # -- relations --------------------------------------------------------------------------------

    def add_deal(self, deal: Deal, key: str, system: str) -> None:
        """Read the deal's comment and keep what it states."""
        if not deal.comments:
            return
        start = time.perf_counter()
        try:
            self._add_deal(deal, key, system)
        finally:
            self.report.seconds += time.perf_counter() - start

    def _add_deal(self, deal: Deal, key: str, system: str) -> None:
        self.report.comments += 1
        relations = read_comment(
            deal.comments,
            recipient=deal.recipient,
            supplier=deal.supplier,
            designation=deal.designation,
            states=known_states(),
        )
        if not relations:
            if MENTIONS.search(deal.comments):
                self.report.missed.append(f"{readable_locator(deal)}: {deal.comments}")
            return
        deal_iri = f"<{TRANSFER_BASE}{key}>"
        for relation in relations:
            self.report.read[relation.kind if isinstance(relation, Dependency) else relation.derivation] += 1
            self.report.hedged += relation.hedged
            if isinstance(relation, Dependency):
                self._fit(deal, key, deal_iri, system, relation)
            else:
                self._derivation(deal, key, deal_iri, system, relation)

    def _attestation(self, node: str, deal: Deal, key: str, hedged: bool, values: Sequence[str] = ()) -> str:
        """Attest ``node`` by the deal's row and comment; ``values`` are predicate-object texts it reports."""
        g = self.writer.g
        att = f"{node[:-1]}#att-sipri-{key}>"
        locator = f'{readable_locator(deal)}; comment: "{deal.comments}"'
        self.out.append(
            f"{node} <{DGB}hasAttestation> {att}{g}"
            f"{att} <{RDF}type> <{DGB}Attestation>{g}"
            f"{att} <{DGB}source> {self.writer.source}{g}"
            f"{att} <{DGB}stance> <{DGB}{'Hedged' if hedged else 'Asserts'}>{g}"
            f"{att} <{DGB}sourceReliability> <{DGB}ReliabilityA>{g}"
            f"{att} <{DGB}locator> {literal(locator)}{g}"
            f'{att} <{DGB}readFromText> "true"^^<{XSD}boolean>{g}'
        )
        self.out.extend(f"{att} {value}{g}" for value in values)
        return att

    def _verdict(self, node: str, hedged: bool) -> None:
        g, confidence = self.writer.g, CONFIDENCE_HEDGED if hedged else CONFIDENCE
        level = "LowConfidence" if hedged else "ModerateConfidence"
        self.out.append(
            f'{node} <{DGB}confidence> "{confidence}"^^<{XSD}decimal>{g}'
            f"{node} <{DGB}confidenceLevel> <{DGB}{level}>{g}"
            f"{node} <{DGB}rank> <{DGB}NormalRank>{g}"
        )

    def _curated(
        self, statement: _Statement, deal: Deal, key: str, hedged: bool, disagreements: Sequence[tuple[str, str]] = ()
    ) -> None:
        """Attest a curated statement, unless it already cites the deal's row; record each disagreement.

        Args:
            disagreements: (aspect, what this source reports instead) pairs: ``("kind", "<p> <o>")``.
        """
        row = readable_locator(deal)
        if any(locator.startswith(row) for locators in statement.attestations.values() for locator in locators):
            self.report.restating_curated += 1
            return
        node = f"<{statement.iri}>"
        att = self._attestation(node, deal, key, hedged, [value for _, value in disagreements])
        self.report.attested_curated += 1
        g = self.writer.g
        for aspect, _value in disagreements:
            conflict = f"<{ID}conflict/sipri/{key}--{_tail(statement.iri)}--{aspect}>"
            self.out.append(
                f"{conflict} <{RDF}type> <{DGB}Conflict>{g}"
                f"{conflict} <{DGB}aspect> {literal(aspect)}{g}"
                f"{conflict} <{DGB}conflictConcerns> {node}{g}"
                f"{conflict} <{DGB}conflictBetween> {att}{g}"
            )
            others = [iri for iri in statement.attestations] or [statement.iri]
            self.out.extend(f"{conflict} <{DGB}conflictBetween> <{iri}>{g}" for iri in others)
            self.report.conflicts += 1

    def _fit(self, deal: Deal, key: str, deal_iri: str, system: str, relation: Dependency) -> None:
        platform = self._system(relation.platform, relation.aliases, self._category(relation.category), deal_iri)
        if platform is None:
            return
        if relation.platform_state and platform in self.made:
            self.made[platform]["states"][relation.platform_state] += 1  # type: ignore[index]
        component = self._component(deal, deal_iri, system, relation.version)
        if component == system and self._generic(deal, system):
            component = self._engine(deal, deal_iri) or system
            if component == system:  # "Diesel engine; for 10 Casspir": no engine named, no hub of strangers
                self.report.unnamed_components += 1
                return
        if platform in (component, system):
            return
        if not self._attest_curated_fit(deal, key, deal_iri, platform, (component, system), relation):
            self._write_fit(deal, key, deal_iri, platform, component, relation)

    def _component(self, deal: Deal, deal_iri: str, system: str, version: str | None) -> str:
        """The fitted component: the version the comment names (a variant of the deal's system), or the system."""
        if not version:
            return system
        component = (
            self._system(version, (), self.mapping.category_for(deal.description) or FALLBACK_CATEGORY, deal_iri)
            or system
        )
        if component in self.made and component != system and not self.made[component].get("variant_of"):
            self.made[component]["variant_of"] = system
            self.report.variants += 1
        return component

    @staticmethod
    def _generic(deal: Deal, system: str) -> bool:
        """Whether the deal's item is one of SIPRI's generic designations ("ship engine", "vehicle engine")."""
        return deal.designation.casefold() == deal.description.casefold() and "/system/sipri/" in system

    def _engine(self, deal: Deal, deal_iri: str) -> str | None:
        """The engine the comment of a generic deal names ("MTU 12V1163 (8850hp) diesel engine for ...")."""
        model = engine_model(deal.comments or "")
        if model is None:
            return None
        words = model.split()
        bare = (" ".join(words[1:]),) if len(words) > 1 and not any(c.isdigit() for c in words[0]) else ()
        return self._system(model, bare, self.mapping.category_for(deal.description) or FALLBACK_CATEGORY, deal_iri)

    def _attest_curated_fit(
        self, deal: Deal, key: str, deal_iri: str, platform: str, components: tuple[str, str], relation: Dependency
    ) -> bool:
        """Attest the curated fit of ``platform`` with a component (or a variant or base of it), if any."""
        g = self.writer.g
        relatives = set().union(*(self.context.relatives.get(c[1:-1], set()) for c in components))
        for candidate in dict.fromkeys([*components, *(f"<{iri}>" for iri in sorted(relatives))]):
            statement = self.context.fits.get((platform[1:-1], candidate[1:-1]))
            if statement is None:
                continue
            self.out.append(
                f"<{statement.iri}> <{DGB}supplyTransfer> {deal_iri}{g}"
                f"<{statement.iri}> <{DGB}componentSupplier> {self.writer.party(deal.supplier)}{g}"
                f"<{statement.iri}> <{DGB}platformOperator> {self.writer.party(deal.recipient)}{g}"
            )
            disagreements = []
            if relation.count is not None and statement.units is not None and relation.count != statement.units:
                disagreements.append(
                    ("quantity", f'<{DGB}reportedQuantity> "{relation.count}"^^<{XSD}nonNegativeInteger>')
                )
            # a later deal is a later batch; components delivered before the fit began contradict its start
            first = deal.delivery_years[0] if deal.delivery_years else None
            if first is not None and statement.start is not None and first < statement.start:
                disagreements.append(("year", f'<{DGB}reportedDeliveryStartYear> "{first}"^^<{XSD}integer>'))
            self._curated(statement, deal, key, relation.hedged, disagreements)
            return True
        return False

    def _write_fit(
        self, deal: Deal, key: str, deal_iri: str, platform: str, component: str, relation: Dependency
    ) -> None:
        g = self.writer.g
        fit = f"<{ID}fit/sipri/{key}--{_tail(platform)}>"
        parts = [
            f"{fit} <{RDF}type> <{DGB}ComponentFit>{g}",
            f"{fit} <{DGB}platform> {platform}{g}",
            f"{fit} <{DGB}component> {component}{g}",
            f"{fit} <{DGB}supplyTransfer> {deal_iri}{g}",
            f"{fit} <{DGB}componentSupplier> {self.writer.party(deal.supplier)}{g}",
            f"{fit} <{DGB}platformOperator> {self.writer.party(deal.recipient)}{g}",
            f"{fit} <{RDFS}label> {literal(self._fit_label(deal, relation))}@en{g}",
        ]
        role = _ROLES.get(self.mapping.category_for(deal.description) or "")
        if role:
            parts.append(f"{fit} <{DGB}componentRole> <{DGB}{role}>{g}")
        if relation.count is not None:
            parts.append(f'{fit} <{DGB}fittedUnits> "{relation.count}"^^<{XSD}nonNegativeInteger>{g}')
        if deal.delivery_years:
            parts.append(
                f'{fit} <{DGB}startYear> "{deal.delivery_years[0]}"^^<{XSD}integer>{g}'
                f'{fit} <{DGB}endYear> "{deal.delivery_years[-1]}"^^<{XSD}integer>{g}'
            )
        self.out.extend(parts)
        self._verdict(fit, relation.hedged)
        self._attestation(fit, deal, key, relation.hedged)
        self.report.fits += 1

    @staticmethod
    def _fit_label(deal: Deal, relation: Dependency) -> str:
        item = relation.version or deal.designation
        return (
            f"{item} for {relation.platform} ({deal.supplier.rstrip('*')} to {deal.recipient.rstrip('*')}, "
            f"{deal.order_year or 'n.d.'})"
        )

    def _derivation(self, deal: Deal, key: str, deal_iri: str, system: str, relation: Derivation) -> None:
        g = self.writer.g
        state = relation.state or deal.recipient
        if relation.product is None:
            if state == deal.recipient and deal.local_production is None and key not in self._local:
                self._local.add(key)
                self.out.append(f'{deal_iri} <{DGB}localProduction> "true"^^<{XSD}boolean>{g}')
                self.report.local_production += 1
            return
        category = self.mapping.category_for(deal.description) or FALLBACK_CATEGORY
        product = self._system(relation.product, relation.aliases, category, deal_iri)
        if product is None or product == system:
            return
        statement = self.context.derivations.get((product[1:-1], system[1:-1]))
        if statement is not None:
            disagreements = []
            if statement.kind is not None and statement.kind != DGB + relation.derivation:
                disagreements.append(("kind", f"<{DGB}reportedDerivationKind> <{DGB}{relation.derivation}>"))
            self._curated(statement, deal, key, relation.hedged, disagreements)
            self.out.append(f"{deal_iri} <{DGB}enabledDerivation> <{statement.iri}>{g}")
            return
        licensee = self.writer.party(state)
        node_key = (product, system, relation.derivation, licensee)
        node = self.derivation_nodes.get(node_key)
        iri = (
            f"<{ID}derivation/sipri/{_tail(product)}--{_tail(system)}--{slug(relation.derivation)}--{_tail(licensee)}>"
        )
        if node is None:
            node = self.derivation_nodes[node_key] = {"iri": iri, "hedged": True, "years": []}
            parts = [
                f"{iri} <{RDF}type> <{DGB}Derivation>{g}",
                f"{iri} <{DGB}derivedSystem> {product}{g}",
                f"{iri} <{DGB}sourceSystem> {system}{g}",
                f"{iri} <{DGB}derivationKind> <{DGB}{relation.derivation}>{g}",
                f"{iri} <{DGB}licensee> {licensee}{g}",
            ]
            if relation.derivation in ("LicensedProduction", "KitAssembly") and deal.supplier != state:
                parts.append(f"{iri} <{DGB}licensor> {self.writer.party(deal.supplier)}{g}")
            self.out.extend(parts)
            self.report.derivations += 1
        node["hedged"] = bool(node["hedged"]) and relation.hedged
        year = deal.delivery_years[0] if deal.delivery_years else deal.order_year
        if year is not None:
            node["years"].append(year)  # type: ignore[attr-defined]
        self._attestation(str(node["iri"]), deal, key, relation.hedged)
        self.out.append(f"{deal_iri} <{DGB}enabledDerivation> {node['iri']}{g}")

    def text(self) -> str:
        """All the N-Triples: statements, then the systems made for names only comments give."""
        start = time.perf_counter()
        try:
            return self._text()
        finally:
            self.report.seconds += time.perf_counter() - start

    def _text(self) -> str:
        g = self.writer.g
        for node in self.derivation_nodes.values():
            self._verdict(str(node["iri"]), bool(node["hedged"]))
            if node["years"]:
                self.out.append(
                    f'{node["iri"]} <{DGB}startYear> "{min(node["years"])}"'  # type: ignore[call-overload]
                    f"^^<{XSD}integer>{g}"
                )
        for iri, made in self.made.items():
            name = str(made["name"])
            parts = [
                f"{iri} <{RDF}type> <{DGB}SystemModel>{g}",
                f"{iri} <{RDFS}label> {literal(name)}@en{g}",
                f"{iri} <{SKOS}prefLabel> {literal(name)}@en{g}",
                f"{iri} <{DGB}category> <{DGB}{made['category']}>{g}",
            ]
            parts += [
                f"{iri} <{SKOS}altLabel> {literal(alias)}@en{g}"
                for alias in sorted(made["aliases"])  # type: ignore[call-overload]
                if alias != name
            ]
            states: Counter[str] = made["states"]  # type: ignore[assignment]
            if states:
                parts.append(f"{iri} <{DGB}countryOfOrigin> {self.writer.party(states.most_common(1)[0][0])}{g}")
            if made.get("variant_of"):
                parts.append(f"{iri} <{DGB}variantOf> {made['variant_of']}{g}")
            parts += [f"{iri} <{DGB}namedIn> {deal}{g}" for deal in sorted(made["deals"])]  # type: ignore[call-overload]
            self.out.extend(parts)
        # Two relations of one deal can state the same triple (two names of one system): keep it once.
        return "".join(dict.fromkeys("".join(self.out).splitlines(keepends=True)))
