"""Names of systems in SIPRI's comments, and the systems they name.

:class:`NameIndex` maps the usual spellings of a name to a system: case, spaces, hyphens, dots and
slashes ignored ("Type 052D" = "Type-052D"), a calibre or a Type/Project prefix dropped ("052D"), a
final Roman numeral read as a number ("Luyang III" = "Luyang-3"). Curated names win over SIPRI's, and
a SIPRI system of another kind ("Type-62", a light tank, for a Chinese aircraft) is passed over.
"""

from __future__ import annotations

import re
from collections import defaultdict

from dragonbear.loaders.sipri_comment_names import name_key
from dragonbear.loaders.sipri_designations import FALLBACK_CATEGORY

__all__ = ["NameIndex"]

_CALIBRE_TAIL = re.compile(r"\s+\d+(?:\.\d+)?mm$")
_PREFIX = re.compile(r"^(?:type|project|pr)(?=\d)")
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6", "VII": "7", "VIII": "8", "IX": "9"}
# Category nouns of comments that SIPRI's descriptions table does not hold, by their last words.


def _keys(name: str) -> list[str]:
    """Keys a name is indexed and looked up by: as written, without a calibre, without Type/Project."""
    name = name.strip()
    words = name.split()
    if len(words) > 1 and words[-1] in _ROMAN:
        name = " ".join(words[:-1]) + "-" + _ROMAN[words[-1]]
    keys = [name_key(name), name_key(_CALIBRE_TAIL.sub("", name))]
    keys.append(_PREFIX.sub("", keys[-1]))
    return list(dict.fromkeys(key for key in keys if key))


_FAMILIES = {
    "aircraft": {
        "Aircraft",
        "FighterAircraft",
        "BomberAircraft",
        "TransportAircraft",
        "TrainerAircraft",
        "SpecialMissionAircraft",
        "Helicopter",
        "UAV",
    },
    "ship": {
        "Ship",
        "AircraftCarrier",
        "Submarine",
        "Destroyer",
        "Frigate",
        "Corvette",
        "PatrolCraft",
        "AmphibiousShip",
        "SupportShip",
        "MineWarfareShip",
    },
    "weapon": {
        "Missile",
        "SurfaceToAirMissile",
        "AirToAirMissile",
        "AntiShipMissile",
        "AirToSurfaceMissile",
        "SurfaceToSurfaceMissile",
        "AntiTankMissile",
        "AirDefenceSystem",
        "SAMSystem",
        "AntiAircraftGun",
        "Artillery",
        "NavalWeapon",
    },
    "vehicle": {"ArmouredVehicle"},
    "engine": {"Engine", "AircraftEngine", "ShipEngine", "VehicleEngine"},
    "sensor": {"Sensor", "Radar", "Sonar"},
}
_FAMILY = {concept: family for family, concepts in _FAMILIES.items() for concept in concepts}


def _compatible(a: str | None, b: str | None) -> bool:
    """Whether two categories may name the same system (unknown categories may)."""
    if not a or not b or FALLBACK_CATEGORY in (a, b):
        return True
    return _FAMILY.get(a, a) == _FAMILY.get(b, b)


class NameIndex:
    """Names to system IRIs; a lower rank wins (curated 0, mapped SIPRI 1, SIPRI's own 2, made here 3).

    A SIPRI system of another kind ("Type-62", a light tank, for a Chinese aircraft) is passed over.
    """

    def __init__(self) -> None:
        self._names: dict[str, list[tuple[int, int, str, str | None]]] = defaultdict(list)

    def add(self, name: str, iri: str, rank: int, weight: int = 0, category: str | None = None) -> None:
        """Index ``name`` for ``iri``; among equal ranks the larger ``weight`` (deals) wins."""
        for depth, key in enumerate(_keys(name)):
            entries = self._names[key]
            entry = (rank * 3 + depth, -weight, iri, category)
            if entry not in entries:
                entries.append(entry)
                entries.sort(key=lambda e: e[:3])

    def find(self, name: str, category: str | None = None, *, curated_only: bool = False) -> str | None:
        """The IRI of ``name`` (of a kind compatible with ``category``), or ``None``.

        Args:
            curated_only: look only among curated names.
        """
        for key in _keys(name):
            for order, _weight, iri, found in self._names.get(key, ()):
                if order < 3 or (not curated_only and _compatible(category, found)):  # curated names: always
                    return iri
        return None
