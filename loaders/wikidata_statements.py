"""Write Wikidata items as quads of the Wikidata graph: sources, names, statements and conflicts.

Used by :mod:`dragonbear.loaders.wikidata`; see there for the model. IRIs are derived from the
QIDs, so a reload of the same files yields the same nodes:

* source ``id:source/wikidata-q173680-r2150000001`` (one per item revision; query results without
  revisions get ``id:source/wikidata-query-{file}``);
* claim ``id:claim/wikidata-q173680-p495-q159``; service entry ``id:claim/wikidata-q173680-p729-1985``;
* derivation ``id:derivation/wikidata-q245275-from-q173680``;
* attestation ``{statement}#att-wikidata-{qid of the item read}``;
* conflict ``id:conflict/wikidata-q173680-p495``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from dragonbear.loaders.curated_terms import confidence_level, convert_decimal, dgb_term, xsd_type
from dragonbear.loaders.wikidata_context import LinkContext
from dragonbear.loaders.wikidata_formats import IMPORTED_PROPERTIES, ItemRecord, ItemValue
from dragonbear.namespaces import DCTERMS, GRAPH_WIKIDATA, PROV, RDF, SCHEMA, SKOS, WD, entity_iri, slugify

__all__ = ["CONFIDENCE", "RELIABILITY", "StatementWriter"]

CONFIDENCE = 0.5  # below the curated facts' 0.6-0.8: Wikidata is crowd-edited and often unreferenced
RELIABILITY = "C"  # Admiralty scale: fairly reliable
_PROPERTY_OF = {"P176": "manufacturer", "P495": "countryOfOrigin", "P137": "operator", "P729": "serviceEntry"}
_RANKS = {"preferred": "PreferredRank", "normal": "NormalRank", "deprecated": "DeprecatedRank"}
_RANK_ORDER = ["preferred", "normal", "deprecated"]
_LANGS = {
    "ru": "ru",
    "zh": "zh",
    "zh-hans": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-my": "zh-Hans",
    "zh-hant": "zh-Hant",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "zh-mo": "zh-Hant",
}
_TIME = re.compile(r"^\+(\d{4})-(\d{2})-(\d{2})T")
_TYPE = ox.NamedNode(RDF + "type")
_ALT_LABEL = ox.NamedNode(SKOS + "altLabel")


@dataclass
class _Statement:
    node: ox.NamedNode
    entity: str
    prop: str
    value: str  # an IRI, or a date
    ranks: list[str] = field(default_factory=list)


class StatementWriter:
    """Collects the quads of one import.

    Args:
        context: the links and curated facts of the graph receiving the import.
    """

    def __init__(self, context: LinkContext) -> None:
        self.context = context
        self.quads: list[ox.Quad] = []
        self._graph = ox.NamedNode(GRAPH_WIKIDATA)
        self._sources: set[str] = set()
        self._statements: dict[str, _Statement] = {}

    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> None:
        """Append the triple to the Wikidata graph."""
        self.quads.append(ox.Quad(subject, predicate, obj, self._graph))

    def source(self, item: ItemRecord) -> ox.NamedNode:
        """The source document of ``item``'s revision (written once), with its date, revision and file."""
        if item.revision is not None:
            key = f"wikidata-{item.qid.lower()}-r{item.revision}"
            title = f"Wikidata item {item.qid} ({self._item_label(item)}), revision {item.revision}"
            url = f"https://www.wikidata.org/w/index.php?title={item.qid}&oldid={item.revision}"
        else:
            key = f"wikidata-query-{slugify(item.path.stem)}"
            title = f"Wikidata Query Service results ({item.path.name})"
            url = "https://query.wikidata.org/"
        node = ox.NamedNode(entity_iri("source", key))
        if key in self._sources:
            return node
        self._sources.add(key)
        add = self.add
        add(node, _TYPE, dgb_term("SourceDocument"))
        add(node, dgb_term("sourceKey"), ox.Literal(key))
        add(node, ox.NamedNode(DCTERMS + "title"), ox.Literal(title))
        add(node, ox.NamedNode(DCTERMS + "publisher"), ox.Literal("Wikidata (Wikimedia Foundation)"))
        add(node, ox.NamedNode(SCHEMA + "url"), ox.NamedNode(url))
        add(node, dgb_term("sourceType"), dgb_term("ReferenceWork"))
        add(node, dgb_term("sourceReliability"), dgb_term(f"Reliability{RELIABILITY}"))
        if item.modified and re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", item.modified):
            add(node, ox.NamedNode(DCTERMS + "issued"), ox.Literal(item.modified[:10], datatype=xsd_type("date")))
            add(node, ox.NamedNode(DCTERMS + "modified"), ox.Literal(item.modified, datatype=xsd_type("dateTime")))
        what = {
            "entity-json": "entity JSON (Special:EntityData)",
            "dump": "a JSON dump",
            "sparql-results": "SPARQL JSON results",
        }[item.form]
        today = datetime.date.today().isoformat()
        add(
            node,
            dgb_term("note"),
            ox.Literal(
                f"Read from the file {item.path.name} ({what}) by `dragonbear load-wikidata` on {today}.", language="en"
            ),
        )
        add(self._graph, ox.NamedNode(PROV + "wasDerivedFrom"), node)
        return node

    def names(self, entity: str, item: ItemRecord) -> int:
        """Add the Russian and Chinese labels and aliases of ``item`` that ``entity`` lacks; return how many."""
        known = self.context.names.setdefault(entity, set())
        added = 0
        pairs = [(lang, text) for lang, text in item.labels.items()]
        pairs += [(lang, text) for lang, texts in item.aliases.items() for text in texts]
        for lang, text in pairs:
            tag = _LANGS.get(lang.lower())
            text = text.strip()
            if tag is None or not text or text in known:
                continue
            known.add(text)
            self.add(ox.NamedNode(entity), _ALT_LABEL, ox.Literal(text, language=tag))
            added += 1
        return added

    def claim(self, entity: str, item: ItemRecord, value: ItemValue, source: ox.NamedNode) -> None:
        """A manufacturer, country of origin or operator claim about ``entity``."""
        assert value.qid is not None
        ours = self.context.entity_of(value.qid)
        obj = ours or WD + value.qid
        node = ox.NamedNode(entity_iri("claim", f"wikidata-{item.qid}-{value.pid}-{value.qid}".lower()))
        statement = self._statement(node, entity, _PROPERTY_OF[value.pid], obj, value)
        if statement.ranks[1:]:
            self._attest(node, item, value, source)
            return
        shown = (
            self.context.label(ours)
            if ours
            else (f"{value.value_label} ({value.qid})" if value.value_label else value.qid)
        )
        self._claim_node(
            node, entity, value, f"the {IMPORTED_PROPERTIES[value.pid]} of {self.context.label(entity)} is {shown}"
        )
        self.add(node, dgb_term("claimObject"), ox.NamedNode(obj))
        self._attest(node, item, value, source)

    def service_entry(self, entity: str, item: ItemRecord, value: ItemValue, source: ox.NamedNode) -> bool:
        """A service-entry claim with the date at Wikidata's precision; False when it has none usable."""
        literal = _time_literal(value)
        if literal is None:
            return False
        node = ox.NamedNode(entity_iri("claim", f"wikidata-{item.qid}-p729-{literal.value}".lower()))
        statement = self._statement(node, entity, "serviceEntry", literal.value, value)
        if not statement.ranks[1:]:
            self._claim_node(
                node,
                entity,
                value,
                f"{self.context.label(entity)} entered service "
                f"{'on' if len(literal.value) == 10 else 'in'} {literal.value}",
            )
            self.add(node, dgb_term("serviceEntry"), literal)
        self._attest(node, item, value, source)
        return True

    def derivation(self, derived: str, origin: str, item: ItemRecord, value: ItemValue, source: ox.NamedNode) -> None:
        """A based-on link (P144 from the derived item, or P4969 from its origin) as a derivation."""
        d_qid, o_qid = self.context.qid_of(derived) or "", self.context.qid_of(origin) or ""
        node = ox.NamedNode(entity_iri("derivation", f"wikidata-{d_qid}-from-{o_qid}".lower()))
        statement = self._statement(node, derived, "derivedFrom", origin, value)
        if not statement.ranks[1:]:
            self.add(node, _TYPE, dgb_term("Derivation"))
            self.add(node, dgb_term("derivedSystem"), ox.NamedNode(derived))
            self.add(node, dgb_term("sourceSystem"), ox.NamedNode(origin))
            self.add(node, dgb_term("derivationKind"), dgb_term("DerivedDesign"))
            self._verdict(node)
            self.add(
                node,
                dgb_term("note"),
                ox.Literal(
                    f"Wikidata: {self.context.label(derived)} is based on {self.context.label(origin)} "
                    f"(based on, P144, or its inverse derivative work, P4969).",
                    language="en",
                ),
            )
        self._attest(node, item, value, source)

    def conflicts(self) -> list[str]:
        """Write the ranks of every statement and a conflict wherever Wikidata disagrees with the
        curated facts; return one line per conflict."""
        for statement in self._statements.values():
            best = min(statement.ranks, key=_RANK_ORDER.index)
            self.add(statement.node, dgb_term("rank"), dgb_term(_RANKS[best]))
        grouped: dict[tuple[str, str], list[_Statement]] = {}
        for statement in self._statements.values():
            if set(statement.ranks) != {"deprecated"}:  # deprecated statements never contradict
                grouped.setdefault((statement.entity, statement.prop), []).append(statement)
        lines = []
        for (entity, prop), statements in sorted(grouped.items()):
            found = self._disagreement(entity, prop, statements)
            if found:
                lines.append(self._conflict(entity, prop, statements, *found))
        return lines

    # -- internals --------------------------------------------------------------------------------

    def _statement(self, node: ox.NamedNode, entity: str, prop: str, value: str, item_value: ItemValue) -> _Statement:
        statement = self._statements.setdefault(node.value, _Statement(node, entity, prop, value))
        statement.ranks.append(item_value.rank)
        return statement

    def _claim_node(self, node: ox.NamedNode, entity: str, value: ItemValue, text: str) -> None:
        self.add(node, _TYPE, dgb_term("Claim"))
        self.add(node, dgb_term("statement"), ox.Literal(f"Wikidata states that {text}.", language="en"))
        self.add(node, dgb_term("claimSubject"), ox.NamedNode(entity))
        self.add(node, dgb_term("claimPredicate"), dgb_term(_PROPERTY_OF[value.pid]))
        self._verdict(node)

    def _verdict(self, node: ox.NamedNode) -> None:
        self.add(node, dgb_term("confidence"), convert_decimal(CONFIDENCE))
        self.add(node, dgb_term("confidenceLevel"), dgb_term(confidence_level(CONFIDENCE)))

    def _attest(self, node: ox.NamedNode, item: ItemRecord, value: ItemValue, source: ox.NamedNode) -> None:
        att = ox.NamedNode(f"{node.value}#att-wikidata-{item.qid.lower()}")
        self.add(node, dgb_term("hasAttestation"), att)
        self.add(att, _TYPE, dgb_term("Attestation"))
        self.add(att, dgb_term("source"), source)
        self.add(att, dgb_term("stance"), dgb_term("Asserts"))
        self.add(att, dgb_term("sourceReliability"), dgb_term(f"Reliability{RELIABILITY}"))
        where = (
            f", statement {value.statement_id}"
            if value.statement_id.startswith(item.qid)
            else f", {value.statement_id}"
            if value.statement_id
            else ""
        )
        self.add(
            att,
            dgb_term("locator"),
            ox.Literal(f"{item.qid} {value.pid} ({IMPORTED_PROPERTIES[value.pid]}){where}; rank {value.rank}"),
        )

    def _disagreement(self, entity: str, prop: str, statements: list[_Statement]) -> tuple[str, list[str], str] | None:
        """(aspect, curated sides, what the curated facts say) when Wikidata contradicts them."""
        context = self.context
        if prop == "derivedFrom":
            curated = [(node, src) for node, src in context.derivations.get(entity, []) if src]
            if not curated or any(context.related(s.value, src) for s in statements for _, src in curated):
                return None
            return (
                "fact",
                [node for node, _ in curated],
                " and ".join(sorted({context.label(src) for _, src in curated if src})),
            )
        values = context.curated.get((entity, prop), set())
        sides = context.attestations.get(entity, [])
        if prop == "operator" or not values or not sides:
            return None
        if prop == "serviceEntry":
            if {v[:4] for v in values} & {s.value[:4] for s in statements}:
                return None
            return "year", sides, " or ".join(sorted(values))
        if any(s.value in values for s in statements):
            return None
        decidable = any(not s.value.startswith(WD) for s in statements) or all(context.qid_of(v) for v in values)
        return ("fact", sides, " and ".join(sorted(context.label(v) for v in values))) if decidable else None

    def _conflict(
        self, entity: str, prop: str, statements: list[_Statement], aspect: str, sides: list[str], curated_text: str
    ) -> str:
        context = self.context
        qid = (context.qid_of(entity) or slugify(entity.rsplit("/", 1)[-1])).lower()
        suffix = "based-on" if prop == "derivedFrom" else {v: k for k, v in _PROPERTY_OF.items()}[prop].lower()
        node = ox.NamedNode(entity_iri("conflict", f"wikidata-{qid}-{suffix}"))
        said = " and ".join(
            sorted(
                context.label(s.value) if not s.value.startswith(WD) and "/" in s.value else s.value.removeprefix(WD)
                for s in statements
            )
        )
        what = "is based on" if prop == "derivedFrom" else f"has the {_words(prop)}"
        note = (
            f"Wikidata says {context.label(entity)} {what} {said}; the curated facts say {curated_text}. Both are kept."
        )
        self.add(node, _TYPE, dgb_term("Conflict"))
        for statement in statements:
            self.add(node, dgb_term("conflictBetween"), statement.node)
        for side in sides:
            self.add(node, dgb_term("conflictBetween"), ox.NamedNode(side))
        self.add(node, dgb_term("conflictConcerns"), ox.NamedNode(entity))
        self.add(node, dgb_term("aspect"), ox.Literal(aspect))
        self.add(node, dgb_term("note"), ox.Literal(note, language="en"))
        return f"{context.label(entity)}: {aspect} — {note}"

    @staticmethod
    def _item_label(item: ItemRecord) -> str:
        return item.labels.get("en") or next(iter(item.labels.values()), item.qid)


def _words(prop: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", lambda m: " " + m.group(1).lower(), prop)


def _time_literal(value: ItemValue) -> ox.Literal | None:
    """The time value as xsd:gYear / gYearMonth / date by its precision (9, 10, 11+); None below a year."""
    match = _TIME.match(value.time or "")
    if match is None or value.precision is None or value.precision < 9:
        return None
    year, month, day = match.groups()
    if value.precision >= 11 and month != "00" and day != "00":
        return ox.Literal(f"{year}-{month}-{day}", datatype=xsd_type("date"))
    if value.precision >= 10 and month != "00":
        return ox.Literal(f"{year}-{month}", datatype=xsd_type("gYearMonth"))
    return ox.Literal(year, datatype=xsd_type("gYear"))
