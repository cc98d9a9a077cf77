"""The coordinates of places (``point`` of ``[[place]]``): WGS84 decimals on a ``#point`` node of their own,
attested by the dataset they come from; on the real curated facts and on small files that break the rules."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from dragonbear.errors import LoadError
from dragonbear.loaders.curated import load_curated
from dragonbear.namespaces import DGB, GEO, ID, RDF, XSD

REAL = Path(__file__).resolve().parents[2] / "core" / "data" / "curated"
PLACE = ID + "place/"


@pytest.fixture(scope="module")
def quads() -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.predicate.value, q.object.value) for q in load_curated(REAL).quads}


def test_the_sea_of_japan_has_the_natural_earth_label_point_with_its_source(quads: set[tuple[str, str, str]]) -> None:
    point = PLACE + "sea-of-japan#point"
    attestation = point + "-att-natural-earth-4-0-0"
    assert (PLACE + "sea-of-japan", GEO + "location", point) in quads
    assert {(p, o) for s, p, o in quads if s == point} >= {
        (RDF + "type", DGB + "Coordinates"),
        (GEO + "lat", "39.1345"),
        (GEO + "long", "133.6522"),
        (DGB + "confidence", "0.6"),
        (DGB + "hasAttestation", attestation),
    }
    assert (attestation, DGB + "source", ID + "source/natural-earth-4-0-0") in quads
    locator = next(o for s, p, o in quads if s == attestation and p == DGB + "locator")
    assert locator.startswith("ne_10m_geography_marine_polys: feature 'Sea of Japan'")


def test_a_city_point_is_the_dataset_s_own_latitude_and_longitude(quads: set[tuple[str, str, str]]) -> None:
    point = PLACE + "vladivostok#point"
    assert (point, GEO + "lat", "43.1300146678") in quads and (point, GEO + "long", "131.910025593") in quads


@pytest.mark.parametrize(
    "place",
    ["pacific-ocean", "chebarkul-training-ground", "russian-far-east", "kwazulu-natal-coast", "baltiysk"],
)
def test_a_place_without_a_feature_of_its_name_has_no_point(quads: set[tuple[str, str, str]], place: str) -> None:
    assert not any(s == PLACE + place and p == GEO + "location" for s, p, _ in quads)


def test_every_point_cites_natural_earth_at_the_lower_confidence(quads: set[tuple[str, str, str]]) -> None:
    points = {s for s, p, o in quads if p == RDF + "type" and o == DGB + "Coordinates"}
    assert len(points) == 23
    for point in points:
        assert (point, DGB + "confidence", "0.6") in quads
        assert (point + "-att-natural-earth-4-0-0", DGB + "source", ID + "source/natural-earth-4-0-0") in quads
    source = ID + "source/natural-earth-4-0-0"
    assert (source, DGB + "sourceType", DGB + "ReferenceWork") in quads
    assert (source, "https://schema.org/url", "https://www.naturalearthdata.com/") in quads


def _write(folder: Path, point: str) -> Path:
    (folder / "sources.toml").write_text(
        '[[source]]\nkey = "atlas"\ntitle = "An atlas"\ntype = "ReferenceWork"\nreliability = "B"\n', encoding="utf-8"
    )
    (folder / "places.toml").write_text(
        f'[[place]]\nid = "somewhere"\nnames = {{ en = "Somewhere" }}\ntype = "Place"\n{point}\n'
        'sources = [ { source = "atlas" } ]\n',
        encoding="utf-8",
    )
    return folder


def test_a_point_is_typed_decimal(tmp_path: Path) -> None:
    loaded = load_curated(_write(tmp_path, 'point = { lat = -33.92, long = 18, source = "atlas", locator = "p. 4" }'))
    values = {q.predicate.value: q.object for q in loaded.quads if q.subject.value.endswith("#point")}
    assert values[GEO + "lat"] == ox.Literal("-33.92", datatype=ox.NamedNode(XSD + "decimal"))
    assert values[GEO + "long"] == ox.Literal("18", datatype=ox.NamedNode(XSD + "decimal"))


@pytest.mark.parametrize(
    ("point", "message"),
    [
        pytest.param('point = { lat = 91, long = 0, source = "atlas" }', "'point.lat' must be a number of degrees from -90 to 90", id="past-the-pole"),
        pytest.param('point = { lat = 10, long = "east", source = "atlas" }', "'point.long' must be a number", id="text"),
        pytest.param("point = { lat = 10, long = 20 }", "'point' needs 'source'", id="no-source"),
        pytest.param('point = { lat = 10, long = 20, source = "memory" }', "unknown source 'memory'", id="unknown-source"),
        pytest.param('point = { lat = 10, long = 20, source = "atlas", zoom = 3 }', "unknown key 'zoom' in 'point'", id="unknown-key"),
        pytest.param('point = "40N 135E"', "'point' must be a table", id="not-a-table"),
    ],
)  # fmt: skip
def test_a_bad_point_is_a_load_error(tmp_path: Path, point: str, message: str) -> None:
    with pytest.raises(LoadError, match=message.replace("(", r"\(").replace(".", r"\.")):
        load_curated(_write(tmp_path, point))
