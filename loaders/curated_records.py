"""Turn indexed curated records into quads of the curated graph (the loader's second pass).

``RecordWriter`` writes one record at a time, checking its keys and values against
``curated_schema.RECORD_TYPES`` and the ontology's vocabularies. It never stops at a bad value: each
problem is collected with the record's file and line, and the loader raises them together.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from dragonbear.loaders.curated_schema import (
    ATTESTATION_KEYS,
    LOCATOR_REQUIRED,
    PRIMARY_SOURCES,
    RECORD_TYPES,
    SIPRI_PREFIX,
    SIPRI_SOURCE,
    Field,
    Problem,
    Record,
    RecordType,
    is_one_of,
    is_slug,
    sipri_transfer_iri,
)
from dragonbear.loaders.curated_terms import (
    Vocabulary,
    confidence_level,
    convert_count,
    convert_date,
    convert_decimal,
    convert_year,
    dbpedia_iri,
    dgb_term,
    wikidata_iri,
)
from dragonbear.loaders.curated_types import RELIABILITIES, TYPE_WRITERS, write_sipri_deal, write_source
from dragonbear.namespaces import GRAPH_CURATED, RDF, RDFS, SKOS, entity_iri

__all__ = ["CuratedIndex", "RecordWriter", "SourceInfo"]

_QUAD = ox.Quad
_RDF_TYPE = ox.NamedNode(RDF + "type")
_PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
_ALT_LABEL = ox.NamedNode(SKOS + "altLabel")
_HIDDEN_LABEL = ox.NamedNode(SKOS + "hiddenLabel")
_EXACT_MATCH = ox.NamedNode(SKOS + "exactMatch")
_CLOSE_MATCH = ox.NamedNode(SKOS + "closeMatch")
_RDFS_LABEL = ox.NamedNode(RDFS + "label")
_NAME_TAGS = {"en": "en", "ru": "ru", "zh": "zh-Hans"}
_RANKS = {"Preferred": "PreferredRank", "Normal": "NormalRank", "Deprecated": "DeprecatedRank"}
_DATE_QUALIFIERS = frozenset({"circa", "not-before", "not-after", "by"})
# The class a record's `type` key may name, and its default, per record type.
_TYPE_CHOICES: dict[str, tuple[frozenset[str], str | None]] = {
    "organization": (
        frozenset({"Company", "GovernmentBody", "ArmedForce", "IntergovernmentalOrganization", "ResearchOrganization"}),
        None,
    ),
    "place": (frozenset({"Place", "Territory"}), None),
    "exercise": (frozenset({"JointExercise", "JointPatrol", "MilitaryActivity"}), "JointExercise"),
    "event": (frozenset({"Annexation", "Invasion", "SanctionsAction", "Agreement", "GeopoliticalEvent"}), None),
}
# Values an attestation may state where they differ from the record: key -> (property, converter).
_ATT_VALUES = {
    "quantity": ("reportedQuantity", convert_count),
    "order_year": ("reportedOrderYear", convert_year),
    "delivery_start": ("reportedDeliveryStartYear", convert_year),
    "delivery_end": ("reportedDeliveryEndYear", convert_year),
}
_CONVERTERS = {"year": convert_year, "count": convert_count, "decimal": convert_decimal}


@dataclass(frozen=True)
class SourceInfo:
    """What attestations need to know about a source: its type and reliability (raw values)."""

    type: Any
    reliability: Any


@dataclass
class CuratedIndex:
    """What the first pass learned: every record by id, every source, every attestation IRI."""

    records_by_id: dict[str, Record]
    sources: dict[str, SourceInfo]
    attestation_iris: set[str]


class RecordWriter:
    """Write records as quads in the curated graph, collecting problems.

    Args:
        index: the result of the indexing pass.
        vocabulary: concept and property names of the ontology.
    """

    def __init__(self, index: CuratedIndex, vocabulary: Vocabulary) -> None:
        self.index = index
        self.vocabulary = vocabulary
        self.quads: list[ox.Quad] = []
        self.problems: list[Problem] = []
        self.sipri_refs: dict[str, str] = {}
        self._graph = ox.NamedNode(GRAPH_CURATED)
        self._append = self.quads.append
        self._record: Record | None = None

    # -- plumbing ---------------------------------------------------------------------------------

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> None:
        """Append the triple as a quad of the curated graph."""
        self._append(_QUAD(subject, predicate, obj, self._graph))

    def fail(self, message: str) -> None:
        """Record a problem with the current record, at its file and line."""
        record = self._record
        assert record is not None
        prefix = f"[[{record.type}]] {record.local_id!r}" if record.local_id else f"[[{record.type}]]"
        self.problems.append(Problem(f"{prefix}: {message}", record.path, record.line))

    def strings(self, key: str, value: Any) -> list[str]:
        """Return ``value`` (a string or list of strings) as a list; on anything else record a problem."""
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) and v.strip() for v in values):
            self.fail(f"'{key}' must be a non-empty string or a list of them, got {value!r}")
            return []
        return values

    def concept(self, key: str, scheme: str, name: Any) -> ox.NamedNode | None:
        """Return ``dgb:{name}`` if it is a concept of ``scheme``; else record a problem and return None."""
        if isinstance(name, str) and self.vocabulary.has_concept(scheme, name):
            return dgb_term(name)
        names = sorted(self.vocabulary.concepts.get(scheme, ()))
        close = difflib.get_close_matches(str(name), names, n=3, cutoff=0.5)
        hint = f"did you mean {' or '.join(close)}?" if close else f"one of {', '.join(names)}"
        self.fail(f"unknown {key} {name!r}: not a {scheme} concept ({hint})")
        return None

    def resolve(self, key: str, ref: Any, kinds: frozenset[str] | None) -> ox.NamedNode | None:
        """Return the IRI of record id (or ``sipri:{deal}``) ``ref`` found in key ``key``.

        Args:
            key: the key the reference is written in, for messages.
            ref: the reference.
            kinds: record types it may point to; ``None`` for any.

        Returns:
            The IRI, or None after recording a problem (unknown id, wrong type of record).
        """
        if not isinstance(ref, str):
            self.fail(f"'{key}' must be a record id, got {ref!r}")
            return None
        if ref.startswith(SIPRI_PREFIX):
            deal = ref[len(SIPRI_PREFIX) :]
            if not is_slug(deal):
                self.fail(f"bad SIPRI deal key in '{key}': {ref!r}")
                return None
            if kinds is not None and "transfer" not in kinds:
                self.fail(f"'{key}' cannot refer to a SIPRI deal ({ref!r})")
                return None
            self.note_sipri_ref(deal)
            return ox.NamedNode(sipri_transfer_iri(deal))
        target = self.index.records_by_id.get(ref)
        if target is None or target.iri is None:
            self.fail(f"unknown reference {ref!r} in '{key}'")
            return None
        if kinds is not None and target.type not in kinds:
            self.fail(f"'{key}' refers to {ref!r}, a {target.type}; expected a {' or '.join(sorted(kinds))}")
            return None
        return ox.NamedNode(target.iri)

    def note_sipri_ref(self, deal: str) -> None:
        """Remember that the current record references SIPRI deal ``deal``."""
        assert self._record is not None
        self.sipri_refs.setdefault(deal, self._record.location)

    def write_notes(self, subject: ox.NamedNode, data: dict[str, Any]) -> None:
        """Write the record's ``note`` (a string or list) as ``dgb:note`` in English."""
        for note in self.strings("note", data["note"]) if "note" in data else []:
            self.add(subject, dgb_term("note"), ox.Literal(note, language="en"))

    # -- records ----------------------------------------------------------------------------------

    def write_record(self, record: Record) -> None:
        """Check one record and append its quads; problems go to ``self.problems``."""
        self._record = record
        spec = RECORD_TYPES[record.type]
        data = record.data
        for key in data:
            if key not in spec.keys:
                self.fail(f"unknown key '{key}'")
        sipri_deal = record.type == "transfer" and "sipri_deal" in data
        required = spec.required + (("sources",) if spec.needs_sources else ())
        if sipri_deal:
            required = ("sources",)
        for key in required:
            if key not in data:
                self.fail(f"missing required key '{key}'")
        if record.iri is None:
            return
        subject = ox.NamedNode(record.iri)
        if record.type == "source":
            write_source(self, subject, data)
        elif sipri_deal:
            write_sipri_deal(self, subject, data)
        else:
            self._write_entity(subject, data, spec)

    def _write_entity(self, subject: ox.NamedNode, data: dict[str, Any], spec: RecordType) -> None:
        self.add(subject, _RDF_TYPE, dgb_term(spec.rdf_class))
        if spec.name in _TYPE_CHOICES:
            self._write_type(subject, data, spec)
        self._write_labels(subject, data)
        self._write_dates(subject, data)
        for key, field in spec.fields.items():
            if key in data:
                self._write_field(subject, key, field, data[key])
        self.write_verdict(subject, data, spec.statement)
        self.write_attestations(subject, data)
        if spec.name in TYPE_WRITERS:
            TYPE_WRITERS[spec.name](self, subject, data)

    def _write_type(self, subject: ox.NamedNode, data: dict[str, Any], spec: RecordType) -> None:
        choices, default = _TYPE_CHOICES[spec.name]
        name = data.get("type", default)
        if name is None:
            return
        if not is_one_of(name, choices):
            self.fail(f"unknown type {name!r}: expected one of {', '.join(sorted(choices))}")
        elif name != spec.rdf_class:
            self.add(subject, _RDF_TYPE, dgb_term(name))

    def _write_field(self, subject: ox.NamedNode, key: str, field: Field, value: Any) -> None:
        if isinstance(value, list) and not field.many:
            self.fail(f"'{key}' takes a single value, got a list")
            return
        predicate = dgb_term(field.predicate)
        for item in value if isinstance(value, list) else [value]:
            obj: ox.NamedNode | ox.Literal | None = None
            if field.conv == "ref":
                obj = self.resolve(key, item, field.arg)
            elif field.conv == "concept":
                obj = self.concept(key, field.arg, item)
            elif field.conv in ("text", "text_en"):
                if self.strings(key, item):
                    obj = ox.Literal(item, language="en" if field.conv == "text_en" else None)
            elif field.conv == "choice":
                if is_one_of(item, field.arg):
                    obj = ox.Literal(item)
                else:
                    self.fail(f"bad {key} {item!r}: expected one of {', '.join(sorted(field.arg))}")
            else:
                convert = _CONVERTERS[field.conv]
                try:
                    obj = convert(item)
                except ValueError as exc:
                    self.fail(f"'{key}': {exc}")
            if obj is not None:
                self.add(subject, predicate, obj)

    def _write_labels(self, subject: ox.NamedNode, data: dict[str, Any]) -> None:
        names = data.get("names", {})
        if not isinstance(names, dict):
            self.fail('\'names\' must be a table such as { en = "...", ru = "...", zh = "..." }')
            names = {}
        for lang, name in names.items():
            if lang not in _NAME_TAGS:
                self.fail(f"unknown language '{lang}' in 'names': expected en, ru or zh")
            elif not isinstance(name, str) or not name.strip():
                self.fail(f"'names.{lang}' must be one non-empty string (put other names in 'alt')")
            else:
                label = ox.Literal(name, language=_NAME_TAGS[lang])
                self.add(subject, _PREF_LABEL, label)
                if lang == "en":
                    self.add(subject, _RDFS_LABEL, label)
        for key, predicate, lang in (
            ("pinyin", _ALT_LABEL, "zh-Latn-pinyin"),
            ("alt", _ALT_LABEL, "en"),
            ("hidden", _HIDDEN_LABEL, None),
            ("nato", dgb_term("natoReportingName"), "en"),
            ("designations", dgb_term("designation"), None),
        ):
            for text in self.strings(key, data[key]) if key in data else []:
                self.add(subject, predicate, ox.Literal(text, language=lang))
        for key, predicate in (("wikidata", _EXACT_MATCH), ("wikidata_candidate", _CLOSE_MATCH)):
            if key in data:
                try:
                    self.add(subject, predicate, wikidata_iri(data[key]))
                except ValueError as exc:
                    self.fail(str(exc))
        for key, predicate in (("dbpedia", _EXACT_MATCH), ("dbpedia_candidate", _CLOSE_MATCH)):
            for title in self.strings(key, data[key]) if key in data else []:
                try:
                    self.add(subject, predicate, dbpedia_iri(title))
                except ValueError as exc:
                    self.fail(f"'{key}': {exc}")
        self.write_notes(subject, data)

    def _write_dates(self, subject: ox.NamedNode, data: dict[str, Any]) -> None:
        for key in ("start", "end"):
            if key in data:
                try:
                    literal, year = convert_date(data[key])
                except ValueError as exc:
                    self.fail(f"'{key}': {exc}")
                    continue
                self.add(subject, dgb_term(f"{key}Date"), literal)
                self.add(subject, dgb_term(f"{key}Year"), convert_year(year))
        if "date_qualifier" in data:
            qualifier = data["date_qualifier"]
            if is_one_of(qualifier, _DATE_QUALIFIERS):
                self.add(subject, dgb_term("dateQualifier"), ox.Literal(qualifier))
            else:
                choices = ", ".join(sorted(_DATE_QUALIFIERS))
                self.fail(f"bad date_qualifier {qualifier!r}: expected one of {choices}")

    def write_verdict(self, subject: ox.NamedNode, data: dict[str, Any], statement: bool) -> None:
        """Write confidence, its level and rank: defaults on statements, explicit values anywhere."""
        if "confidence" in data or statement:
            value = data.get("confidence", self._default_confidence(data))
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                self.fail(f"confidence must be a number from 0 to 1, got {value!r}")
            else:
                self.add(subject, dgb_term("confidence"), convert_decimal(value))
                self.add(subject, dgb_term("confidenceLevel"), dgb_term(confidence_level(value)))
        if "rank" in data or statement:
            rank = data.get("rank", "Normal")
            if is_one_of(rank, _RANKS):
                self.add(subject, dgb_term("rank"), dgb_term(_RANKS[rank]))
            else:
                self.fail(f"bad rank {rank!r}: expected Preferred, Normal or Deprecated")

    def _default_confidence(self, data: dict[str, Any]) -> float:
        """0.8 when a primary source (the three documents, SIPRI) supports the statement, else 0.6."""
        attestations = data.get("sources")
        if not isinstance(attestations, list) or not attestations:
            return 0.8
        primary = any(
            isinstance(a, dict) and is_one_of(a.get("source"), PRIMARY_SOURCES) and a.get("stance") != "Denies"
            for a in attestations
        )
        return 0.8 if primary else 0.6

    def source_info(self, key: Any) -> SourceInfo | None:
        """Return what is known of source ``key`` (the SIPRI register is known without a record)."""
        if not isinstance(key, str):
            return None
        if key == SIPRI_SOURCE and key not in self.index.sources:
            return SourceInfo("DataRegister", "A")
        return self.index.sources.get(key)

    def write_attestations(self, subject: ox.NamedNode, data: dict[str, Any]) -> None:
        """Write the record's ``sources`` as ``dgb:Attestation`` nodes linked by ``dgb:hasAttestation``."""
        attestations = data.get("sources")
        if attestations is None:
            return
        if not isinstance(attestations, list) or not attestations:
            self.fail('\'sources\' must be a non-empty list of { source = "...", locator = "..." } tables')
            return
        assert self._record is not None
        for attestation, iri in zip(attestations, self._record.attestations, strict=True):
            if not isinstance(attestation, dict):
                self.fail(f"each entry of 'sources' must be a table {{ source = ... }}, got {attestation!r}")
                continue
            self.write_attestation(subject, attestation, iri)

    def write_attestation(self, subject: ox.NamedNode, attestation: dict[str, Any], iri: str) -> None:
        """Write one attestation table as the node ``iri`` of statement ``subject`` (checking its keys)."""
        for name in attestation:
            if name not in ATTESTATION_KEYS:
                self.fail(f"unknown key '{name}' in an attestation")
        key = attestation.get("source")
        info = self.source_info(key)
        if info is None:
            self.fail(f"unknown source {key!r} in 'sources'" if key is not None else "an attestation has no 'source'")
            return
        self._write_attestation(subject, ox.NamedNode(iri), str(key), attestation, info)

    def _write_attestation(
        self, subject: ox.NamedNode, node: ox.NamedNode, key: str, attestation: dict[str, Any], info: SourceInfo
    ) -> None:
        self.add(subject, dgb_term("hasAttestation"), node)
        self.add(node, _RDF_TYPE, dgb_term("Attestation"))
        self.add(node, dgb_term("source"), _source_node(key))
        stance = self.concept("stance", "Stance", attestation.get("stance", "Asserts"))
        if stance is not None:
            self.add(node, dgb_term("stance"), stance)
        reliability = attestation.get("reliability", info.reliability)
        if is_one_of(reliability, RELIABILITIES):
            self.add(node, dgb_term("sourceReliability"), dgb_term(f"Reliability{reliability}"))
        elif "reliability" in attestation:
            self.fail(f"bad reliability {reliability!r} in an attestation: expected A to F")
        locator = attestation.get("locator")
        if isinstance(locator, str) and locator.strip():
            self.add(node, dgb_term("locator"), ox.Literal(locator))
        elif locator is not None:
            self.fail(f"'locator' must be a non-empty string, got {locator!r}")
        elif key in LOCATOR_REQUIRED:
            self.fail(f"an attestation of '{key}' needs a 'locator'")
        for value_key, (predicate, convert) in _ATT_VALUES.items():
            if value_key in attestation:
                try:
                    self.add(node, dgb_term(predicate), convert(attestation[value_key]))
                except ValueError as exc:
                    self.fail(f"'{value_key}' in an attestation: {exc}")
        for note in self.strings("note", attestation["note"]) if "note" in attestation else []:
            self.add(node, dgb_term("note"), ox.Literal(note, language="en"))


@lru_cache(maxsize=256)
def _source_node(key: str) -> ox.NamedNode:
    """The IRI of source ``key``."""
    return ox.NamedNode(entity_iri("source", key))
