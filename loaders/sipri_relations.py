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

The systems are found or made by ``sipri_comment_systems``, the curated graph is indexed by
``sipri_curated``, and the attestations are written by ``sipri_attestations``.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from dragonbear.loaders.sipri_attestations import AttestationWriter
from dragonbear.loaders.sipri_comment_dependencies import Dependency
from dragonbear.loaders.sipri_comment_derivations import Derivation
from dragonbear.loaders.sipri_comment_systems import CommentSystems
from dragonbear.loaders.sipri_comments import engine_model, read_comment
from dragonbear.loaders.sipri_curated import CuratedContext, CuratedStatement
from dragonbear.loaders.sipri_deals import Deal
from dragonbear.loaders.sipri_designations import FALLBACK_CATEGORY, DesignationMap
from dragonbear.loaders.sipri_rdf import (
    TRANSFER_BASE,
    DealWriter,
    SystemTable,
    iri_tail,
    literal,
    readable_locator,
    slug,
)
from dragonbear.loaders.sipri_states import known_states
from dragonbear.namespaces import DGB, ID, RDF, RDFS, XSD

__all__ = ["MENTIONS", "RelationReport", "RelationWriter"]

# A comment that mentions one of these but gives no relation is listed for review (build report, stats --missed).
MENTIONS = re.compile(r"\bfor\b|licen[cs]|\bcop(?:y|ied)\b|\bkits?\b", re.IGNORECASE)
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
        self.named_systems = CommentSystems(mapping, systems, self.context)
        self.derivation_nodes: dict[tuple[str, str, str, str], dict[str, object]] = {}
        self._local: set[str] = set()
        self.out: list[str] = []
        self.attestations = AttestationWriter(writer, self.out)

    def _system(self, name: str, aliases: Sequence[str], category: str, deal_iri: str) -> str | None:
        """The IRI of a named system: found by its name or an alias, or made; ``None`` if it is no system."""
        iri, made = self.named_systems.find_or_make(name, aliases, category, deal_iri)
        self.report.new_systems += made
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

    def _curated(
        self,
        statement: CuratedStatement,
        deal: Deal,
        key: str,
        hedged: bool,
        disagreements: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Attest a curated statement, unless it already cites the deal's row; record each disagreement.

        Args:
            disagreements: (aspect, what this source reports instead) pairs: ``("kind", "<p> <o>")``.
        """
        row = readable_locator(deal)
        if any(locator.startswith(row) for locators in statement.attestations.values() for locator in locators):
            self.report.restating_curated += 1
            return
        att = self.attestations.attest(f"<{statement.iri}>", deal, key, hedged, [value for _, value in disagreements])
        self.report.attested_curated += 1
        for aspect, _value in disagreements:
            self.attestations.conflict(statement, key, att, aspect)
            self.report.conflicts += 1

    def _fit(self, deal: Deal, key: str, deal_iri: str, system: str, relation: Dependency) -> None:
        platform = self._system(
            relation.platform, relation.aliases, self.named_systems.category(relation.category), deal_iri
        )
        if platform is None:
            return
        if relation.platform_state and platform in self.named_systems.made:
            self.named_systems.made[platform].states[relation.platform_state] += 1
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
        made = self.named_systems.made.get(component)
        if made is not None and component != system and not made.variant_of:
            made.variant_of = system
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
        fit = f"<{ID}fit/sipri/{key}--{iri_tail(platform)}>"
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
        self.attestations.verdict(fit, relation.hedged)
        self.attestations.attest(fit, deal, key, relation.hedged)
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
        iri = f"<{ID}derivation/sipri/{iri_tail(product)}--{iri_tail(system)}--{slug(relation.derivation)}--{iri_tail(licensee)}>"
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
        self.attestations.attest(str(node["iri"]), deal, key, relation.hedged)
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
            self.attestations.verdict(str(node["iri"]), bool(node["hedged"]))
            if node["years"]:
                self.out.append(
                    f'{node["iri"]} <{DGB}startYear> "{min(node["years"])}"'  # type: ignore[call-overload]
                    f"^^<{XSD}integer>{g}"
                )
        self.out.extend(self.named_systems.triples(g, self.writer.party))
        # Two relations of one deal can state the same triple (two names of one system): keep it once.
        return "".join(dict.fromkeys("".join(self.out).splitlines(keepends=True)))
