"""Keys of the curated format that need code rather than a one-to-one mapping.

A source's metadata, a transfer that attests a SIPRI deal, a derivation's ``enabled_by``, a place's
``point`` (its coordinates with a source of their own), the participant rule of joint exercises, a figure's comparator and bounds, a claim's predicate and a
conflict's sides. Each function takes the ``RecordWriter`` (for ``add``, ``fail``, ``resolve``,
``concept``), the record's subject IRI and its TOML table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from dragonbear.loaders.curated_schema import RECORD_TYPES, SIPRI_PREFIX, SIPRI_SOURCE, is_one_of
from dragonbear.loaders.curated_terms import convert_date, convert_decimal, dgb_term
from dragonbear.namespaces import DCTERMS, GEO, RDF, SCHEMA

if TYPE_CHECKING:
    from dragonbear.loaders.curated_records import RecordWriter

__all__ = ["POINT_KEYS", "RELIABILITIES", "TYPE_WRITERS", "point_iri", "write_sipri_deal", "write_source"]

RELIABILITIES = frozenset("ABCDEF")
_RDF_TYPE = ox.NamedNode(RDF + "type")
# Keys a [[transfer]] with sipri_deal may carry: the rest belongs on the SIPRI row or an attestation.
_SIPRI_DEAL_KEYS = frozenset({"id", "sipri_deal", "sources", "note", "confidence", "rank"})
#: The keys of a place's ``point``: its coordinates and the one attestation that gives them.
POINT_KEYS = frozenset({"lat", "long", "source", "locator", "reliability", "note", "confidence"})
_RANGES = {"lat": 90, "long": 180}

Writer = Callable[["RecordWriter", ox.NamedNode, dict[str, Any]], None]


def write_source(writer: RecordWriter, subject: ox.NamedNode, data: dict[str, Any]) -> None:
    """Write a ``[[source]]``: a ``dgb:SourceDocument`` with key, Dublin Core metadata, type, reliability."""
    writer.add(subject, _RDF_TYPE, dgb_term("SourceDocument"))
    writer.add(subject, dgb_term("sourceKey"), ox.Literal(data["key"]))
    for key, predicate in (("title", "title"), ("author", "creator"), ("publisher", "publisher")):
        for text in writer.strings(key, data[key]) if key in data else []:
            writer.add(subject, ox.NamedNode(DCTERMS + predicate), ox.Literal(text))
    if "issued" in data:
        try:
            writer.add(subject, ox.NamedNode(DCTERMS + "issued"), convert_date(data["issued"])[0])
        except ValueError as exc:
            writer.fail(f"'issued': {exc}")
    if "url" in data:
        url = data["url"]
        try:
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise ValueError(url)
            writer.add(subject, ox.NamedNode(SCHEMA + "url"), ox.NamedNode(url))
        except ValueError:
            writer.fail(f"bad url {url!r}")
    if "type" in data:
        source_type = writer.concept("type", "SourceType", data["type"])
        if source_type is not None:
            writer.add(subject, dgb_term("sourceType"), source_type)
    if "reliability" in data:
        if is_one_of(data["reliability"], RELIABILITIES):
            writer.add(subject, dgb_term("sourceReliability"), dgb_term(f"Reliability{data['reliability']}"))
        else:
            writer.fail(f"bad reliability {data['reliability']!r}: expected A to F")
    writer.write_notes(subject, data)


def write_sipri_deal(writer: RecordWriter, subject: ox.NamedNode, data: dict[str, Any]) -> None:
    """Add a ``[[transfer]]``'s attestations (and any explicit note, confidence, rank) to a SIPRI transfer.

    No new transfer is made: ``subject`` is the SIPRI loader's ``id:transfer/sipri/{deal}``.
    """
    for key in data:
        if key not in _SIPRI_DEAL_KEYS and key in RECORD_TYPES["transfer"].keys:
            writer.fail(f"'{key}' is not used with sipri_deal: put a differing value on the attestation")
    writer.note_sipri_ref(data["sipri_deal"])
    writer.write_notes(subject, data)
    writer.write_verdict(subject, data, statement=False)
    writer.write_attestations(subject, data)


def point_iri(place: str) -> str:
    """The IRI of a place's coordinates: the place's IRI with the fragment ``#point``.

    >>> point_iri("https://w3id.org/dragonbear/id/place/sea-of-japan")
    'https://w3id.org/dragonbear/id/place/sea-of-japan#point'
    """
    return place + "#point"


def _write_point(writer: RecordWriter, subject: ox.NamedNode, data: dict[str, Any]) -> None:
    """A place's ``point``: ``geo:location`` a ``dgb:Coordinates`` node with ``geo:lat`` and ``geo:long``
    (``xsd:decimal``, WGS84 degrees) and its own attestation, ``{place}#point-att-{source}``."""
    if "point" not in data:
        return
    point = data["point"]
    if not isinstance(point, dict):
        writer.fail('\'point\' must be a table { lat = ..., long = ..., source = "...", locator = "..." }')
        return
    for key in point:
        if key not in POINT_KEYS:
            writer.fail(f"unknown key '{key}' in 'point' (expected {', '.join(sorted(POINT_KEYS))})")
    for key in ("lat", "long", "source"):
        if key not in point:
            writer.fail(f"'point' needs '{key}'")
    node = ox.NamedNode(point_iri(subject.value))
    values = []
    for key, limit in _RANGES.items():
        value = point.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not -limit <= value <= limit:
            writer.fail(f"'point.{key}' must be a number of degrees from {-limit} to {limit}, got {value!r}")
            return
        values.append((key, convert_decimal(value)))
    writer.add(subject, ox.NamedNode(GEO + "location"), node)
    writer.add(node, _RDF_TYPE, dgb_term("Coordinates"))
    for key, literal in values:
        writer.add(node, ox.NamedNode(GEO + key), literal)
    attestation = {k: v for k, v in point.items() if k in ("source", "locator", "reliability", "note")}
    writer.write_verdict(
        node,
        {"sources": [attestation]} | ({"confidence": point["confidence"]} if "confidence" in point else {}),
        statement=True,
    )
    writer.write_attestation(node, attestation, f"{node.value}-att-{point.get('source')}")


def _write_derivation(writer: RecordWriter, subject: ox.NamedNode, data: dict[str, Any]) -> None:
    if "enabled_by" in data:
        transfer = writer.resolve("enabled_by", data["enabled_by"], frozenset({"transfer"}))
        if transfer is not None:
            writer.add(transfer, dgb_term("enabledDerivation"), subject)


def _check_exercise(writer: RecordWriter, subject: ox.NamedNode, data: dict[str, Any]) -> None:
    kind = data.get("type", "JointExercise")
    if kind not in ("JointExercise", "JointPatrol"):
        return
    participants = data.get("participants", [])
    # ids only: anything else in the list (a table, a number) is already a problem of the reference itself
    agents = {p for p in (participants if isinstance(participants, list) else [participants]) if isinstance(p, str)}
    if isinstance(data.get("host"), str):
        agents.add(data["host"])
    if len(agents) < 2:
        writer.fail(f"a {kind} needs at least two participants, got {len(agents)}")


def _write_figure(writer: RecordWriter, subject: ox.NamedNode, data: dict[str, Any]) -> None:
    has_bounds = "lower" in data and "upper" in data
    if "value" not in data and not has_bounds:
        writer.fail("a figure needs 'value' or both 'lower' and 'upper'")
    default = "Range" if ("lower" in data or "upper" in data) and "value" not in data else "Exactly"
    comparator = data.get("comparator", default)
    if comparator == "Range" and not has_bounds:
        writer.fail("comparator Range needs both 'lower' and 'upper'")
    lower, upper = data.get("lower"), data.get("upper")
    if isinstance(lower, (int, float)) and isinstance(upper, (int, float)) and lower > upper:
        writer.fail(f"lower bound {lower} is above upper bound {upper}")
    node = writer.concept("comparator", "Comparator", comparator)
    if node is not None:
        writer.add(subject, dgb_term("comparator"), node)
        text = figure_text(data, comparator)
        if text:
            writer.add(subject, dgb_term("figureText"), ox.Literal(text, language="en"))


_COMPARATOR_WORDS = {
    "Exactly": "",
    "MoreThan": "more than",
    "AtLeast": "at least",
    "Nearly": "nearly",
    "About": "about",
    "Range": "",
}


def _number(value: Any) -> str:
    return (
        f"{value:,}"
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and value > 999)
        else str(value)
    )


def figure_text(data: dict[str, Any], comparator: str) -> str:
    """A reported figure as a reader says it: "more than 90 exercises, 2003-2024".

    >>> figure_text({"value": 90, "unit": "exercises", "period_start": 2003, "period_end": 2024}, "MoreThan")
    'more than 90 exercises, 2003-2024'
    >>> figure_text({"lower": 8, "upper": 10, "unit": "ships", "period_start": 2021, "period_end": 2021}, "Range")
    '8 to 10 ships, 2021'
    """
    if "value" in data:
        number = _number(data["value"])
    elif "lower" in data and "upper" in data:
        number = f"{_number(data['lower'])} to {_number(data['upper'])}"
    else:
        return ""
    words = [_COMPARATOR_WORDS.get(comparator, ""), number, str(data.get("unit", ""))]
    text = " ".join(word for word in words if word)
    start, end = data.get("period_start"), data.get("period_end", data.get("period_start"))
    if start is not None:
        text += f", {start}" if end in (None, start) else f", {start}-{end}"
    return text


def _write_claim(writer: RecordWriter, subject: ox.NamedNode, data: dict[str, Any]) -> None:
    parts = [key for key in ("subject", "predicate", "object") if key in data]
    if parts and len(parts) < 3:
        writer.fail("a binary claim needs 'subject', 'predicate' and 'object' together")
    if "predicate" in data:
        predicate = data["predicate"]
        if isinstance(predicate, str) and predicate in writer.vocabulary.properties:
            writer.add(subject, dgb_term("claimPredicate"), dgb_term(predicate))
        else:
            writer.fail(f"unknown predicate {predicate!r}: expected the local name of a dgb: property")


def _write_conflict(writer: RecordWriter, subject: ox.NamedNode, data: dict[str, Any]) -> None:
    sides = data.get("between")
    if not isinstance(sides, list) or len(set(map(str, sides))) < 2:
        writer.fail("'between' must list at least two different references")
        return
    for side in sides:
        node = _resolve_side(writer, side)
        if node is not None:
            writer.add(subject, dgb_term("conflictBetween"), node)


def _resolve_side(writer: RecordWriter, side: Any) -> ox.NamedNode | None:
    """Resolve a side of a conflict: a record id, ``sipri:{deal}``, or ``{ref}@{source key}``."""
    if not isinstance(side, str) or "@" not in side:
        return writer.resolve("between", side, None)
    ref, source = side.rsplit("@", 1)
    statement = writer.resolve("between", ref, None)
    if statement is None:
        return None
    iri = f"{statement.value}#att-{source}"
    if ref.startswith(SIPRI_PREFIX) and source == SIPRI_SOURCE:
        return ox.NamedNode(iri)  # the SIPRI loader's own attestation of its row
    if iri not in writer.index.attestation_iris:
        writer.fail(f"'between' names {side!r}, but {ref!r} has no attestation by {source!r}")
        return None
    return ox.NamedNode(iri)


TYPE_WRITERS: dict[str, Writer] = {
    "place": _write_point,
    "derivation": _write_derivation,
    "exercise": _check_exercise,
    "figure": _write_figure,
    "claim": _write_claim,
    "conflict": _write_conflict,
}
