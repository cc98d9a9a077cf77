"""The base map of ``/map``: Natural Earth's 1:110m countries, shipped as world-atlas's TopoJSON
(``static/world-atlas/countries-110m.json``), decoded here and drawn as SVG paths on the server.

The projection is the **equirectangular** one (plate carrée): a degree of longitude or of latitude is
:data:`SCALE` units everywhere, so a point's place in the drawing is a plain function of its
coordinates (:func:`project`) that a test can check. The drawing is centred on the Pacific: it spans
360 degrees of longitude from :data:`WEST` (in the Atlantic), so the Bering Sea and Alaska, where
Russian and Chinese patrols go, sit beside the Sea of Japan rather than at the opposite edge, and
latitudes :data:`NORTH`..:data:`SOUTH` (Antarctica is cut off). Country paths are written in
longitudes -180..180 (Natural Earth splits its polygons at the antimeridian) and drawn twice, the
second copy 360 degrees east, inside a frame that shows one turn of the globe (:func:`WRAP`).

TopoJSON (https://github.com/topojson/topojson-specification): each arc is a list of quantized
positions, the first absolute and the others deltas; ``transform`` turns them into degrees. A ring is a
list of arc indexes, ``~i`` (``-i - 1``) meaning arc ``i`` reversed; consecutive arcs share their end
point, which is kept once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "ATLAS",
    "HEIGHT",
    "NORTH",
    "SCALE",
    "SOUTH",
    "WEST",
    "WIDTH",
    "WRAP",
    "Country",
    "countries",
    "decode_arcs",
    "project",
]

#: The shipped topology (world-atlas 2.0.2, Natural Earth 4.1.0, 1:110m).
ATLAS = Path(__file__).resolve().parent / "static" / "world-atlas" / "countries-110m.json"
SCALE = 2.0  # drawing units per degree
NORTH, SOUTH = 85.0, -60.0
WEST = -25.0  # the drawing's western edge: east of Greenland's tip, west of Iceland and Africa
WIDTH = 360 * SCALE
HEIGHT = (NORTH - SOUTH) * SCALE
WRAP = (-(WEST + 180) * SCALE, (180 - WEST) * SCALE)
"""The x offsets of the two copies of the country paths (written from -180 degrees) in the drawing."""

Position = tuple[float, float]  # (longitude, latitude) in degrees


def project(lat: float, long: float, *, west: float = WEST) -> tuple[float, float]:
    """The drawing's ``(x, y)`` of a point in WGS84 degrees, for a drawing whose western edge is ``west``.

    >>> project(0, 0), project(NORTH, WEST), project(39.1345, 133.6522), project(58.0, -175.0)
    ((50.0, 170.0), (0.0, 0.0), (317.3044, 91.731), (420.0, 54.0))
    >>> project(0, 0, west=-180)
    (360.0, 170.0)
    """
    return round(((long - west) % 360) * SCALE, 4), round((NORTH - lat) * SCALE, 4)


@dataclass(frozen=True)
class Country:
    """A country of the base map: its ISO 3166-1 numeric ``id`` (None for the three features without
    one), its name as world-atlas writes it, and its rings in degrees."""

    id: str | None
    name: str
    rings: tuple[tuple[Position, ...], ...]

    def path(self) -> str:
        """The SVG path data of the country, projected, to a tenth of a unit.

        >>> Country("1", "Square", (((0.0, 0.0), (1.0, 0.0), (1.0, 1.0)),)).path()
        'M360,170L362,170L362,168Z'
        """
        parts = []
        for ring in self.rings:
            points = [(x + 360 * SCALE * turn, y) for (x, y), turn in zip(_projected(ring), _turns(ring), strict=True)]
            parts.append("M" + "L".join(f"{_num(x)},{_num(y)}" for x, y in points) + "Z")
        return "".join(parts)


def _projected(ring: tuple[Position, ...]) -> list[tuple[float, float]]:
    return [(round((long + 180) * SCALE, 4), round((NORTH - lat) * SCALE, 4)) for long, lat in ring]


def _turns(ring: tuple[Position, ...]) -> list[int]:
    """For each position, the whole turns to add to keep the ring continuous where it crosses the
    antimeridian (world-atlas jumps from 180 to -180 degrees there: drawn as they are, the ring would
    cross the whole map; unwrapped, its far side falls in the second copy of :data:`WRAP`).

    >>> _turns(((170.0, 60.0), (179.0, 62.0), (-179.0, 63.0), (-175.0, 60.0), (179.5, 59.0)))
    [0, 0, 1, 1, 0]
    """
    turns, turn = [], 0
    for i, (long, _lat) in enumerate(ring):
        if i:
            step = long - ring[i - 1][0]
            turn += -1 if step > 180 else 1 if step < -180 else 0
        turns.append(turn)
    return turns


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def decode_arcs(topology: dict[str, Any]) -> list[list[Position]]:
    """Every arc of ``topology`` in degrees (delta-decoded and, when quantized, transformed).

    >>> decode_arcs({"transform": {"scale": [0.5, 0.25], "translate": [-10, 20]}, "arcs": [[[0, 0], [2, 4], [1, -4]]]})
    [[(-10.0, 20.0), (-9.0, 21.0), (-8.5, 20.0)]]
    """
    transform = topology.get("transform")
    (sx, sy), (tx, ty) = (transform["scale"], transform["translate"]) if transform else ((1, 1), (0, 0))
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        positions = []
        for dx, dy, *_ in arc:
            if transform:
                x, y = x + dx, y + dy
            else:
                x, y = dx, dy
            positions.append((x * sx + tx, y * sy + ty))
        arcs.append(positions)
    return arcs


def _ring(arcs: list[list[Position]], indexes: list[int]) -> tuple[Position, ...]:
    ring: list[Position] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc if not ring else arc[1:])
    return tuple(ring)


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """The countries of the shipped base map, in the file's order."""
    topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    found = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}.get(
            geometry["type"], []
        )
        rings = tuple(_ring(arcs, ring) for polygon in polygons for ring in polygon)
        found.append(Country(geometry.get("id"), geometry["properties"]["name"], rings))
    return tuple(found)
