"""Turn indexed curated records into quads of the curated graph (the loader's second pass).

``RecordWriter`` writes one record at a time, checking its keys and values against
``curated_schema.RECORD_TYPES`` and the ontology's vocabularies. It never stops at a bad value: each
problem is collected with the record's file and line, and the loader raises them together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from dragonbear.loaders.curated_schema import (
    ATTESTATION_KEYS, LOCATOR_REQUIRED, LOW_CONFIDENCE_SOURCE_TYPES, RECORD_TYPES, SIPRI_PREFIX, SIPRI_SOURCE,
    Field, Problem, Record, RecordType, is_slug, sipri_transfer_iri,
)
from dragonbear.loaders.curated_terms import (
    Vocabulary, confidence_level, convert_count, convert_date, convert_decimal, convert_year, dbpedia_iri,
    dgb_term, wikidata_iri,
)
from dragonbear.namespaces import DCTERMS, GRAPH_CURATED, RDF, RDFS, SCHEMA, SKOS, entity_iri

__all__ = ["SourceInfo", "CuratedIndex", "RecordWriter"]

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
_RELIABILITIES = frozenset("ABCDEF")
# The class a record's `type` key may name, and its default, per record type.
_TYPE_CHOICES: dict[str, tuple[frozenset[str], str | None]] = {
    "organization": (frozenset({"Company", "GovernmentBody", "ArmedForce", "IntergovernmentalOrganization",
                                "ResearchOrganization"}), None),
    "place": (frozenset({"Place", "Territory"}), None),
    "exercise": (frozenset({"JointExercise", "JointPatrol", "MilitaryActivity"}), "JointExercise"),
    "event": (frozenset({"Annexation", "Invasion", "SanctionsAction", "Agreement", "GeopoliticalEvent"}), None),
}
_SIPRI_DEAL_KEYS = frozenset({"id", "sipri_deal", "sources", "note", "confidence", "rank"})
_ATT_VALUES = {"quantity": ("reportedQuantity", convert_count), "order_year": ("reportedOrderYear", convert_year),
               "delivery_start": ("reportedDeliveryStartYear", convert_year),
               "delivery_end": ("reportedDeliveryEndYear", convert_year)}


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
        self._record: Record | None = None

    # -- plumbing ---------------------------------------------------------------------------------

    def _add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> None:
        self.quads.append(ox.Quad(subject, predicate, obj, self._graph))

    def _fail(self, message: str) -> None:
        record = self._record
        assert record is not None
        prefix = f"[[{record.type}]] {record.local_id!r}" if record.local_id else f"[[{record.type}]]"
        self.problems.append(Problem(f"{prefix}: {message}", record.path, record.line))

    def _strings(self, key: str, value: Any) -> list[str]:
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) and v.strip() for v in values):
            self._fail(f"'{key}' must be a non-empty string or a list of them, got {value!r}")
            return []
        return values

    def _concept(self, key: str, scheme: str, name: Any) -> ox.NamedNode | None:
        if isinstance(name, str) and self.vocabulary.has_concept(scheme, name):
            return dgb_term(name)
        choices = ", ".join(sorted(self.vocabulary.concepts.get(scheme, ())))
        self._fail(f"unknown {key} {name!r}: expected a {scheme} concept ({choices})")
        return None

    def _resolve(self, key: str, ref: Any, kinds: frozenset[str] | None) -> ox.NamedNode | None:
        if not isinstance(ref, str):
            self._fail(f"'{key}' must be a record id, got {ref!r}")
            return None
        if ref.startswith(SIPRI_PREFIX):
            deal = ref[len(SIPRI_PREFIX):]
            if not is_slug(deal):
                self._fail(f"bad SIPRI deal key in '{key}': {ref!r}")
                return None
            if kinds is not None and "transfer" not in kinds:
                self._fail(f"'{key}' cannot refer to a SIPRI deal ({ref!r})")
                return None
            assert self._record is not None
            self.sipri_refs.setdefault(deal, self._record.location)
            return ox.NamedNode(sipri_transfer_iri(deal))
        target = self.index.records_by_id.get(ref)
        if target is None or target.iri is None:
            self._fail(f"unknown reference {ref!r} in '{key}'")
            return None
        if kinds is not None and target.type not in kinds:
            self._fail(f"'{key}' refers to {ref!r}, a {target.type}; expected a {' or '.join(sorted(kinds))}")
            return None
        return ox.NamedNode(target.iri)

    # -- records ----------------------------------------------------------------------------------

    def write_record(self, record: Record) -> None:
        """Check one record and append its quads; problems go to ``self.problems``."""
        self._record = record
        spec = RECORD_TYPES[record.type]
        data = record.data
        for key in data:
            if key not in spec.keys:
                self._fail(f"unknown key '{key}'")
        sipri_deal = record.type == "transfer" and "sipri_deal" in data
        required = spec.required + (("sources",) if spec.needs_sources else ())
        if sipri_deal:
            required = ("sources",)
        for key in required:
            if key not in data:
                self._fail(f"missing required key '{key}'")
        if record.iri is None:
            return
        subject = ox.NamedNode(record.iri)
        if record.type == "source":
            self._write_source(subject, data)
        elif sipri_deal:
            self._write_sipri_deal(subject, data, spec)
        else:
            self._write_entity(subject, data, spec)

    def _write_entity(self, subject: ox.NamedNode, data: dict[str, Any], spec: RecordType) -> None:
        self._add(subject, _RDF_TYPE, dgb_term(spec.rdf_class))
        if spec.name in _TYPE_CHOICES:
            self._write_type(subject, data, spec)
        self._write_labels(subject, data)
        self._write_dates(subject, data)
        for key, field in spec.fields.items():
            if key in data:
                self._write_field(subject, key, field, data[key])
        self._write_verdict(subject, data, spec.statement)
        self._write_attestations(subject, data)
        special = getattr(self, f"_write_{spec.name}", None)
        if special is not None:
            special(subject, data)

    def _write_type(self, subject: ox.NamedNode, data: dict[str, Any], spec: RecordType) -> None:
        choices, default = _TYPE_CHOICES[spec.name]
        name = data.get("type", default)
        if name is None:
            return
        if name not in choices:
            self._fail(f"unknown type {name!r}: expected one of {', '.join(sorted(choices))}")
        elif name != spec.rdf_class:
            self._add(subject, _RDF_TYPE, dgb_term(name))

    def _write_field(self, subject: ox.NamedNode, key: str, field: Field, value: Any) -> None:
        if isinstance(value, list) and not field.many:
            self._fail(f"'{key}' takes a single value, got a list")
            return
        predicate = dgb_term(field.predicate)
        for item in value if isinstance(value, list) else [value]:
            obj: ox.NamedNode | ox.Literal | None = None
            if field.conv == "ref":
                obj = self._resolve(key, item, field.arg)
            elif field.conv == "concept":
                obj = self._concept(key, field.arg, item)
            elif field.conv in ("text", "text_en"):
                if self._strings(key, item):
                    obj = ox.Literal(item, language="en" if field.conv == "text_en" else None)
            elif field.conv == "choice":
                if item in field.arg:
                    obj = ox.Literal(item)
                else:
                    self._fail(f"bad {key} {item!r}: expected one of {', '.join(sorted(field.arg))}")
            else:
                convert = {"year": convert_year, "count": convert_count, "decimal": convert_decimal}[field.conv]
                try:
                    obj = convert(item)
                except ValueError as exc:
                    self._fail(f"'{key}': {exc}")
            if obj is not None:
                self._add(subject, predicate, obj)

    def _write_labels(self, subject: ox.NamedNode, data: dict[str, Any]) -> None:
        names = data.get("names", {})
        if not isinstance(names, dict):
            self._fail("'names' must be a table such as { en = \"...\", ru = \"...\", zh = \"...\" }")
            names = {}
        for lang, name in names.items():
            if lang not in _NAME_TAGS:
                self._fail(f"unknown language '{lang}' in 'names': expected en, ru or zh")
            elif not isinstance(name, str) or not name.strip():
                self._fail(f"'names.{lang}' must be one non-empty string (put other names in 'alt')")
            else:
                label = ox.Literal(name, language=_NAME_TAGS[lang])
                self._add(subject, _PREF_LABEL, label)
                if lang == "en":
                    self._add(subject, _RDFS_LABEL, label)
        for key, predicate, lang in (("pinyin", _ALT_LABEL, "zh-Latn-pinyin"), ("alt", _ALT_LABEL, "en"),
                                     ("hidden", _HIDDEN_LABEL, None),
                                     ("nato", dgb_term("natoReportingName"), "en"),
                                     ("designations", dgb_term("designation"), None)):
            for text in self._strings(key, data[key]) if key in data else []:
                self._add(subject, predicate, ox.Literal(text, language=lang))
        for key, predicate in (("wikidata", _EXACT_MATCH), ("wikidata_candidate", _CLOSE_MATCH)):
            if key in data:
                try:
                    self._add(subject, predicate, wikidata_iri(data[key]))
                except ValueError as exc:
                    self._fail(str(exc))
        if "dbpedia" in data:
            titles = self._strings("dbpedia", data["dbpedia"])
            for title in titles:
                self._add(subject, _EXACT_MATCH, dbpedia_iri(title))
        for note in self._strings("note", data["note"]) if "note" in data else []:
            self._add(subject, dgb_term("note"), ox.Literal(note, language="en"))

    def _write_dates(self, subject: ox.NamedNode, data: dict[str, Any]) -> None:
        for key in ("start", "end"):
            if key in data:
                try:
                    literal, year = convert_date(data[key])
                except ValueError as exc:
                    self._fail(f"'{key}': {exc}")
                    continue
                self._add(subject, dgb_term(f"{key}Date"), literal)
                self._add(subject, dgb_term(f"{key}Year"), convert_year(year))
        if "date_qualifier" in data:
            qualifier = data["date_qualifier"]
            if qualifier in _DATE_QUALIFIERS:
                self._add(subject, dgb_term("dateQualifier"), ox.Literal(qualifier))
            else:
                self._fail(f"bad date_qualifier {qualifier!r}: expected one of {', '.join(sorted(_DATE_QUALIFIERS))}")

    def _write_verdict(self, subject: ox.NamedNode, data: dict[str, Any], statement: bool) -> None:
        """Write confidence, its level and rank: defaults on statements, explicit values anywhere."""
        if "confidence" in data or statement:
            value = data.get("confidence", self._default_confidence(data))
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                self._fail(f"confidence must be a number from 0 to 1, got {value!r}")
            else:
                self._add(subject, dgb_term("confidence"), convert_decimal(value))
                self._add(subject, dgb_term("confidenceLevel"), dgb_term(confidence_level(value)))
        if "rank" in data or statement:
            rank = data.get("rank", "Normal")
            if rank in _RANKS:
                self._add(subject, dgb_term("rank"), dgb_term(_RANKS[rank]))
            else:
                self._fail(f"bad rank {rank!r}: expected Preferred, Normal or Deprecated")

    def _default_confidence(self, data: dict[str, Any]) -> float:
        attestations = data.get("sources")
        if not isinstance(attestations, list) or not attestations:
            return 0.8
        infos = [self._source_info(a.get("source")) if isinstance(a, dict) else None for a in attestations]
        low = all(info is not None and info.type in LOW_CONFIDENCE_SOURCE_TYPES for info in infos)
        return 0.6 if low else 0.8

    def _source_info(self, key: Any) -> SourceInfo | None:
        if not isinstance(key, str):
            return None
        if key == SIPRI_SOURCE and key not in self.index.sources:
            return SourceInfo("DataRegister", "A")
        return self.index.sources.get(key)

    def _write_attestations(self, subject: ox.NamedNode, data: dict[str, Any]) -> None:
        attestations = data.get("sources")
        if attestations is None:
            return
        if not isinstance(attestations, list) or not attestations:
            self._fail("'sources' must be a non-empty list of { source = \"...\", locator = \"...\" } tables")
            return
        assert self._record is not None
        for attestation, iri in zip(attestations, self._record.attestations):
            if not isinstance(attestation, dict):
                self._fail(f"each entry of 'sources' must be a table {{ source = ... }}, got {attestation!r}")
                continue
            for key in attestation:
                if key not in ATTESTATION_KEYS:
                    self._fail(f"unknown key '{key}' in an attestation")
            key = attestation.get("source")
            info = self._source_info(key)
            if info is None:
                self._fail(f"unknown source {key!r} in 'sources'" if key is not None
                           else "an attestation has no 'source'")
                continue
            self._write_attestation(subject, ox.NamedNode(iri), key, attestation, info)

    def _write_attestation(self, subject: ox.NamedNode, node: ox.NamedNode, key: str,
                           attestation: dict[str, Any], info: SourceInfo) -> None:
        self._add(subject, dgb_term("hasAttestation"), node)
        self._add(node, _RDF_TYPE, dgb_term("Attestation"))
        self._add(node, dgb_term("source"), ox.NamedNode(entity_iri("source", key)))
        stance = self._concept("stance", "Stance", attestation.get("stance", "Asserts"))
        if stance is not None:
            self._add(node, dgb_term("stance"), stance)
        reliability = attestation.get("reliability", info.reliability)
        if reliability in _RELIABILITIES:
            self._add(node, dgb_term("sourceReliability"), dgb_term(f"Reliability{reliability}"))
        elif "reliability" in attestation:
            self._fail(f"bad reliability {reliability!r} in an attestation: expected A to F")
        locator = attestation.get("locator")
        if isinstance(locator, str) and locator.strip():
            self._add(node, dgb_term("locator"), ox.Literal(locator))
        elif locator is not None:
            self._fail(f"'locator' must be a non-empty string, got {locator!r}")
        elif key in LOCATOR_REQUIRED:
            self._fail(f"an attestation of '{key}' needs a 'locator'")
        for value_key, (predicate, convert) in _ATT_VALUES.items():
            if value_key in attestation:
                try:
                    self._add(node, dgb_term(predicate), convert(attestation[value_key]))
                except ValueError as exc:
                    self._fail(f"'{value_key}' in an attestation: {exc}")
        for note in self._strings("note", attestation["note"]) if "note" in attestation else []:
            self._add(node, dgb_term("note"), ox.Literal(note, language="en"))

    # -- type-specific keys -----------------------------------------------------------------------

    def _write_source(self, subject: ox.NamedNode, data: dict[str, Any]) -> None:
        self._add(subject, _RDF_TYPE, dgb_term("SourceDocument"))
        self._add(subject, dgb_term("sourceKey"), ox.Literal(data["key"]))
        for key, predicate in (("title", "title"), ("author", "creator"), ("publisher", "publisher")):
            for text in self._strings(key, data[key]) if key in data else []:
                self._add(subject, ox.NamedNode(DCTERMS + predicate), ox.Literal(text))
        if "issued" in data:
            try:
                self._add(subject, ox.NamedNode(DCTERMS + "issued"), convert_date(data["issued"])[0])
            except ValueError as exc:
                self._fail(f"'issued': {exc}")
        if "url" in data:
            url = data["url"]
            try:
                if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                    raise ValueError
                self._add(subject, ox.NamedNode(SCHEMA + "url"), ox.NamedNode(url))
            except ValueError:
                self._fail(f"bad url {url!r}")
        if "type" in data:
            source_type = self._concept("type", "SourceType", data["type"])
            if source_type is not None:
                self._add(subject, dgb_term("sourceType"), source_type)
        if "reliability" in data:
            if data["reliability"] in _RELIABILITIES:
                self._add(subject, dgb_term("sourceReliability"), dgb_term(f"Reliability{data['reliability']}"))
            else:
                self._fail(f"bad reliability {data['reliability']!r}: expected A to F")
        for note in self._strings("note", data["note"]) if "note" in data else []:
            self._add(subject, dgb_term("note"), ox.Literal(note, language="en"))

    def _write_sipri_deal(self, subject: ox.NamedNode, data: dict[str, Any], spec: RecordType) -> None:
        """Add a record's attestations (and any explicit note, confidence, rank) to a SIPRI transfer."""
        for key in data:
            if key not in _SIPRI_DEAL_KEYS and key in spec.keys:
                self._fail(f"'{key}' is not used with sipri_deal: put a differing value on the attestation")
        assert self._record is not None
        self.sipri_refs.setdefault(data["sipri_deal"], self._record.location)
        for note in self._strings("note", data["note"]) if "note" in data else []:
            self._add(subject, dgb_term("note"), ox.Literal(note, language="en"))
        self._write_verdict(subject, data, statement=False)
        self._write_attestations(subject, data)

    def _write_derivation(self, subject: ox.NamedNode, data: dict[str, Any]) -> None:
        if "enabled_by" in data:
            transfer = self._resolve("enabled_by", data["enabled_by"], frozenset({"transfer"}))
            if transfer is not None:
                self._add(transfer, dgb_term("enabledDerivation"), subject)

    def _write_exercise(self, subject: ox.NamedNode, data: dict[str, Any]) -> None:
        if data.get("type", "JointExercise") not in ("JointExercise", "JointPatrol"):
            return
        participants = data.get("participants", [])
        agents = set(participants if isinstance(participants, list) else [participants])
        if isinstance(data.get("host"), str):
            agents.add(data["host"])
        if len(agents) < 2:
            self._fail(f"a {data.get('type', 'JointExercise')} needs at least two participants, "
                       f"got {len(agents)}")

    def _write_figure(self, subject: ox.NamedNode, data: dict[str, Any]) -> None:
        bounds = "lower" in data or "upper" in data
        if "value" not in data and not ("lower" in data and "upper" in data):
            self._fail("a figure needs 'value' or both 'lower' and 'upper'")
        comparator = data.get("comparator", "Range" if bounds and "value" not in data else "Exactly")
        if comparator == "Range" and not ("lower" in data and "upper" in data):
            self._fail("comparator Range needs both 'lower' and 'upper'")
        lower, upper = data.get("lower"), data.get("upper")
        if isinstance(lower, (int, float)) and isinstance(upper, (int, float)) and lower > upper:
            self._fail(f"lower bound {lower} is above upper bound {upper}")
        node = self._concept("comparator", "Comparator", comparator)
        if node is not None:
            self._add(subject, dgb_term("comparator"), node)

    def _write_claim(self, subject: ox.NamedNode, data: dict[str, Any]) -> None:
        parts = [key for key in ("subject", "predicate", "object") if key in data]
        if parts and len(parts) < 3:
            self._fail("a binary claim needs 'subject', 'predicate' and 'object' together")
        if "predicate" in data:
            predicate = data["predicate"]
            if isinstance(predicate, str) and predicate in self.vocabulary.properties:
                self._add(subject, dgb_term("claimPredicate"), dgb_term(predicate))
            else:
                self._fail(f"unknown predicate {predicate!r}: expected the local name of a dgb: property")

    def _write_conflict(self, subject: ox.NamedNode, data: dict[str, Any]) -> None:
        sides = data.get("between")
        if not isinstance(sides, list) or len(set(map(str, sides))) < 2:
            self._fail("'between' must list at least two different references")
            return
        for side in sides:
            node = self._resolve_side(side)
            if node is not None:
                self._add(subject, dgb_term("conflictBetween"), node)

    def _resolve_side(self, side: Any) -> ox.NamedNode | None:
        """Resolve a side of a conflict: a record id, ``sipri:{deal}``, or ``{ref}@{source key}``."""
        if not isinstance(side, str) or "@" not in side:
            return self._resolve("between", side, None)
        ref, source = side.rsplit("@", 1)
        statement = self._resolve("between", ref, None)
        if statement is None:
            return None
        iri = f"{statement.value}#att-{source}"
        if ref.startswith(SIPRI_PREFIX) and source == SIPRI_SOURCE:
            return ox.NamedNode(iri)  # the SIPRI loader's own attestation of its row
        if iri not in self.index.attestation_iris:
            self._fail(f"'between' names {side!r}, but {ref!r} has no attestation by {source!r}")
            return None
        return ox.NamedNode(iri)
