"""The systems SIPRI's comments name: found by a name or an alias, or made for a platform only a comment names.

Names are looked up curated systems first, then the systems ``designations.csv`` maps SIPRI's
designations to, then SIPRI's own systems (:class:`~dragonbear.loaders.sipri_names.NameIndex`). A name
none of them knows becomes a system of its own (``<id/system/sipri/...>``), with the category its
noun implies, the state its platforms come from and the deals that name it; its triples are written
last, by :meth:`CommentSystems.triples`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dragonbear.loaders.sipri_curated import CuratedContext
from dragonbear.loaders.sipri_designations import FALLBACK_CATEGORY, DesignationMap
from dragonbear.loaders.sipri_names import NameIndex
from dragonbear.loaders.sipri_rdf import SystemTable, literal, slug
from dragonbear.namespaces import DGB, ID, RDF, RDFS, SKOS

__all__ = ["CommentSystems", "MadeSystem"]

# Category nouns of comments that SIPRI's descriptions table does not hold.
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


@dataclass
class MadeSystem:
    """A system made for a name only comments give: its names, category, platform states and deals."""

    name: str
    aliases: set[str]
    category: str
    deals: set[str]  # the deals whose comments name it, as <IRI>s
    states: Counter[str] = field(default_factory=Counter)  # the states its platforms come from
    variant_of: str | None = None  # the <IRI> of the system it is a version of


class CommentSystems:
    """The systems of the names a register's comments give.

    Args:
        mapping: the designation map (categories of descriptions).
        systems: the register's ``SystemTable`` (SIPRI's designations and own systems).
        context: the curated graph's names.
    """

    def __init__(self, mapping: DesignationMap, systems: SystemTable, context: CuratedContext) -> None:
        self.mapping = mapping
        self.index = NameIndex()
        for name, iri in context.names:
            self.index.add(name, f"<{iri}>", 0)
        for (_system, designation), iri in systems.canonical.items():
            self.index.add(designation, iri, 1)
        for key, categories in systems.own.items():
            for category, spellings in categories.items():
                iri = systems.own_iri(key, category)
                for spelling, deals in spellings.items():
                    self.index.add(spelling, iri, 2, deals, category)
        self.made: dict[str, MadeSystem] = {}  # by <IRI>
        self._own_iris = {
            systems.own_iri(key, category) for key, categories in systems.own.items() for category in categories
        } | set(systems.canonical.values())

    def category(self, noun: str | None) -> str:
        """The category a comment's noun implies ("combat aircraft", "frigates"), else the fallback."""
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

    def find_or_make(self, name: str, aliases: Sequence[str], category: str, deal_iri: str) -> tuple[str | None, bool]:
        """The IRI of a named system, found by its name or an alias, or made; and whether it was made.

        The IRI is ``None`` if the name is no system (a plain word of no known kind).
        """
        # SIPRI writes two names of one system with a slash ("SA-15/Tor-M1"): a curated part names it
        parts = [part for part in name.split("/") if len(part) > 1] if "/" in name else []
        for candidate, curated_only in [*((n, False) for n in (name, *aliases)), *((p, True) for p in parts)]:
            found = self.index.find(candidate, category, curated_only=curated_only)
            if found is not None:
                if found in self.made:
                    self.made[found].deals.add(deal_iri)
                return found, False
        if not any(c.isdigit() for c in name) and category == FALLBACK_CATEGORY and not aliases:
            return None, False  # "DOSAAF para-military training units": a plain word of no known kind is no platform
        iri = f"<{ID}system/sipri/{slug(name)}>"
        while iri in self.made or iri in self._own_iris:
            iri = iri[:-1] + "-2>"
        self.made[iri] = MadeSystem(name, set(aliases), category, {deal_iri})
        for label in (name, *aliases):
            self.index.add(label, iri, 3, category=category)
        return iri, True

    def triples(self, g: str, party: Callable[[str], str]) -> list[str]:
        """The N-Triples of the systems made (``g`` ends each line; ``party`` gives a state's IRI)."""
        out: list[str] = []
        for iri, made in self.made.items():
            name = made.name
            parts = [
                f"{iri} <{RDF}type> <{DGB}SystemModel>{g}",
                f"{iri} <{RDFS}label> {literal(name)}@en{g}",
                f"{iri} <{SKOS}prefLabel> {literal(name)}@en{g}",
                f"{iri} <{DGB}category> <{DGB}{made.category}>{g}",
            ]
            parts += [
                f"{iri} <{SKOS}altLabel> {literal(alias)}@en{g}" for alias in sorted(made.aliases) if alias != name
            ]
            if made.states:
                parts.append(f"{iri} <{DGB}countryOfOrigin> {party(made.states.most_common(1)[0][0])}{g}")
            if made.variant_of:
                parts.append(f"{iri} <{DGB}variantOf> {made.variant_of}{g}")
            parts += [f"{iri} <{DGB}namedIn> {deal}{g}" for deal in sorted(made.deals)]
            out.extend(parts)
        return out
