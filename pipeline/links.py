"""External links of our entities: which have them (coverage), and candidates by name (suggestions).

Links are ``skos:exactMatch`` for checked Wikidata and DBpedia ids and ``skos:closeMatch`` for
candidates under review (never ``owl:sameAs``). :func:`link_coverage` counts, per entity class, the
entities with each kind of link and lists those without; :func:`suggest_links` reads a Wikidata or
DBpedia file, matches its labels and aliases against our names with
:class:`~dragonbear.graph.resolve.NameIndex` (same normalization and score tiers) and returns the
candidate pairs for review. Suggesting never writes into the store; :func:`review_turtle` renders
the candidates as ``skos:closeMatch`` triples that a reviewer edits and loads with ``dragonbear load``.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

from dragonbear.errors import LoadError
from dragonbear.graph.resolve import NameIndex
from dragonbear.graph.store import GraphStore
from dragonbear.loaders.rdf import parse_rdf_file
from dragonbear.loaders.wikidata_formats import read_wikidata_file
from dragonbear.namespaces import DBR, DGB, GRAPH_CURATED, ID, RDFS, SKOS, WD

__all__ = [
    "LINKABLE_CLASSES",
    "CoverageReport",
    "EntityLinks",
    "ExternalRecord",
    "Suggestion",
    "link_coverage",
    "read_external_names",
    "review_turtle",
    "suggest_links",
]

# The classes a link may be made for, most specific first: an entity is counted under the first it has.
LINKABLE_CLASSES = (
    "SystemModel",
    "State",
    "Organization",
    "Person",
    "ExerciseSeries",
    "MilitaryActivity",
    "Event",
    "Place",
)
_LINKS_QUERY = """
SELECT ?entity ?label ?type ?p ?target WHERE {
  ?entity a ?type . FILTER(?type IN (%s))
  FILTER(STRSTARTS(STR(?entity), "%s") && !CONTAINS(STR(?entity), "#"))
  %s
  OPTIONAL { ?entity rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en") || LANG(?label) = "") }
  OPTIONAL { VALUES ?p { skos:exactMatch skos:closeMatch } ?entity ?p ?target }
}"""
_LABEL_PROPERTIES = (
    RDFS + "label",
    SKOS + "prefLabel",
    SKOS + "altLabel",
    "http://xmlns.com/foaf/0.1/name",
    "http://dbpedia.org/ontology/alias",
    "http://dbpedia.org/property/name",
)


@dataclass
class EntityLinks:
    """One entity and its external links (IRIs)."""

    iri: str
    label: str
    entity_class: str
    wikidata_exact: list[str] = field(default_factory=list)
    dbpedia_exact: list[str] = field(default_factory=list)
    wikidata_close: list[str] = field(default_factory=list)
    dbpedia_close: list[str] = field(default_factory=list)

    @property
    def linked(self) -> bool:
        """Whether it has any link at all."""
        return bool(self.wikidata_exact or self.dbpedia_exact or self.wikidata_close or self.dbpedia_close)

    @property
    def checked(self) -> bool:
        """Whether it has a checked (exactMatch) link."""
        return bool(self.wikidata_exact or self.dbpedia_exact)


@dataclass
class CoverageReport:
    """Links per entity, grouped by class."""

    entities: list[EntityLinks]

    def summary(self) -> list[dict[str, object]]:
        """Per class: entities, with each kind of link, with only candidates, and without any."""
        rows = []
        for name in LINKABLE_CLASSES:
            group = [e for e in self.entities if e.entity_class == name]
            if group:
                rows.append(
                    {
                        "class": name,
                        "entities": len(group),
                        "wikidata_exact": sum(bool(e.wikidata_exact) for e in group),
                        "dbpedia_exact": sum(bool(e.dbpedia_exact) for e in group),
                        "close_only": sum(e.linked and not e.checked for e in group),
                        "unlinked": sum(not e.linked for e in group),
                    }
                )
        return rows

    def unlinked(self) -> list[EntityLinks]:
        """The entities without any link, by class and label."""
        return [e for e in self.entities if not e.linked]


def link_coverage(store: GraphStore, *, include_all: bool = False) -> CoverageReport:
    """Count and list the external links of the graph's entities.

    Args:
        store: the store.
        include_all: also count entities known only from other graphs (the SIPRI register's own
            systems and parties); by default only the curated entities.

    Returns:
        The report, entities sorted by class and label.
    """
    types = ", ".join(f"<{DGB}{name}>" for name in LINKABLE_CLASSES)
    scope = "" if include_all else f"FILTER EXISTS {{ GRAPH <{GRAPH_CURATED}> {{ ?entity a ?anyType }} }}"
    rows = store.query(_LINKS_QUERY % (types, ID, scope))
    found: dict[str, EntityLinks] = {}
    rank = {f"{DGB}{name}": n for n, name in enumerate(LINKABLE_CLASSES)}
    best: dict[str, int] = {}
    for row in rows:  # type: ignore[union-attr]
        iri = row["entity"].value
        entry = found.setdefault(iri, EntityLinks(iri, iri.rsplit("/", 1)[-1], ""))
        if row["label"] is not None:
            entry.label = row["label"].value
        position = rank[row["type"].value]
        if position < best.get(iri, len(rank)):
            best[iri], entry.entity_class = position, LINKABLE_CLASSES[position]
        if row["target"] is not None:
            target, exact = row["target"].value, row["p"].value.endswith("exactMatch")
            kind = "wikidata" if target.startswith(WD) else "dbpedia" if target.startswith(DBR) else None
            if kind:
                bucket = getattr(entry, f"{kind}_{'exact' if exact else 'close'}")
                if target not in bucket:
                    bucket.append(target)
    entities = sorted(found.values(), key=lambda e: (rank[DGB + e.entity_class], e.label.casefold(), e.iri))
    return CoverageReport(entities)


# --- suggestions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExternalRecord:
    """An item of a Wikidata or DBpedia file with its names ((text, language) pairs)."""

    iri: str
    names: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Suggestion:
    """A candidate link for review: our entity, the external id, the name that matched and its score.

    ``status`` is ``new``, ``candidate`` (already a closeMatch), ``linked`` (already an exactMatch)
    or ``other-id`` (the entity already has a checked link to another id of the same source).
    """

    entity: str
    entity_label: str
    external: str
    external_label: str
    matched: str
    score: int
    status: str

    def as_dict(self) -> dict[str, object]:
        """The suggestion as a JSON-ready dict."""
        return asdict(self)


def read_external_names(path: Path) -> list[ExternalRecord]:
    """Read the items and their names of a Wikidata or DBpedia file.

    Wikidata: entity JSON, dump lines or SPARQL JSON results (see
    :mod:`dragonbear.loaders.wikidata_formats`). DBpedia: Turtle, N-Triples, JSON-LD or DBpedia's
    RDF/JSON (``/data/Title.json``) with ``rdfs:label`` (also ``foaf:name``, ``dbo:alias``), or
    SPARQL JSON results whose first column is the resource and whose literal columns are names.

    Raises:
        LoadError: the file cannot be read or parsed (with its line and column where known).
    """
    path = Path(path)
    if path.suffix.lower() in (".ttl", ".nt", ".turtle", ".ntriples", ".jsonld", ".rdf", ".xml"):
        return _records_from_quads(parse_rdf_file(path, graph=f"{ID}review"))
    try:
        head = path.read_bytes()[:4096].lstrip()
    except OSError as exc:
        raise LoadError(f"cannot read the file: {exc.strerror or exc}", path=path) from exc
    if head.startswith(b"{") and (b'"@context"' in head or b'"@id"' in head):
        return _records_from_quads(parse_rdf_file(path, graph=f"{ID}review"))
    if head.startswith(b"{") and b'"entities"' not in head and b'"head"' not in head:
        return _records_from_rdf_json(path)
    if head.startswith(b"{") and b'"head"' in head and WD.encode() not in head and b"wikidata.org" not in head:
        return _records_from_results(path)
    records = []
    for item in read_wikidata_file(path):
        names = [(text, lang) for lang, text in item.labels.items()]
        names += [(text, lang) for lang, texts in item.aliases.items() for text in texts]
        records.append(ExternalRecord(WD + item.qid, tuple(dict.fromkeys(names))))
    return records


def _records_from_quads(quads: list[ox.Quad]) -> list[ExternalRecord]:
    names: dict[str, list[tuple[str, str]]] = {}
    for quad in quads:
        if (
            quad.predicate.value in _LABEL_PROPERTIES
            and isinstance(quad.object, ox.Literal)
            and isinstance(quad.subject, ox.NamedNode)
        ):
            names.setdefault(quad.subject.value, []).append((quad.object.value, quad.object.language or ""))
    return [ExternalRecord(iri, tuple(dict.fromkeys(n))) for iri, n in names.items()]


def _load_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise LoadError(f"JSON syntax error: {exc.msg}", path=path, line=exc.lineno, column=exc.colno) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"cannot read the file: {exc}", path=path) from exc


def _records_from_rdf_json(path: Path) -> list[ExternalRecord]:
    document = _load_json(path)
    if not isinstance(document, dict):
        raise LoadError("not RDF/JSON: expected an object keyed by subject IRI", path=path, line=1, column=1)
    records = []
    for subject, properties in document.items():
        if not isinstance(properties, dict):
            continue
        names = [
            (o["value"], o.get("lang", ""))
            for p in _LABEL_PROPERTIES
            for o in properties.get(p, [])
            if isinstance(o, dict) and o.get("type") == "literal" and isinstance(o.get("value"), str)
        ]
        if names:
            records.append(ExternalRecord(subject, tuple(dict.fromkeys(names))))
    return records


def _records_from_results(path: Path) -> list[ExternalRecord]:
    document = _load_json(path)
    try:
        variables = document["head"]["vars"]  # type: ignore[index]
        bindings = document["results"]["bindings"]  # type: ignore[index]
    except (KeyError, TypeError) as exc:
        raise LoadError(
            "SPARQL JSON results need 'head.vars' and 'results.bindings'", path=path, line=1, column=1
        ) from exc
    names: dict[str, list[tuple[str, str]]] = {}
    for row in bindings:
        subject = row.get(variables[0]) if isinstance(row, dict) and variables else None
        if not isinstance(subject, dict) or subject.get("type") != "uri":
            continue
        for var in variables[1:]:
            term = row.get(var)
            if isinstance(term, dict) and term.get("type") == "literal" and isinstance(term.get("value"), str):
                names.setdefault(subject["value"], []).append((term["value"], term.get("xml:lang", "")))
    return [ExternalRecord(iri, tuple(dict.fromkeys(n))) for iri, n in names.items()]


def suggest_links(store: GraphStore, records: list[ExternalRecord], *, min_score: int = 80) -> list[Suggestion]:
    """Candidate links between our entities and the external ``records``, best first. Reads only.

    Args:
        store: the store whose names are matched (it is only queried).
        records: external items and their names (:func:`read_external_names`).
        min_score: the lowest :class:`~dragonbear.graph.resolve.NameIndex` score kept (95 exact
            label, 90 other name, 80 equal after normalization, 60 one edit, 40 prefix).

    Returns:
        One suggestion per (entity, external id) pair with its best-scoring name.
    """
    index = NameIndex.from_store(store)
    types = set().union(*(index.expand_type(f"dgb:{name}") for name in LINKABLE_CLASSES))
    links = link_coverage(store, include_all=True)
    by_iri = {e.iri: e for e in links.entities}
    best: dict[tuple[str, str], Suggestion] = {}
    for record in records:
        external_label = next(
            (t for t, lang in record.names if lang in ("en", "")), record.names[0][0] if record.names else record.iri
        )
        for text, _lang in record.names:
            for candidate in index.candidates(text, types=types, limit=5):
                if candidate.score < min_score or candidate.score == 100:
                    continue  # 100 is a match on our own id, not on a name
                key = (candidate.iri, record.iri)
                if key in best and best[key].score >= candidate.score:
                    continue
                status = _status(by_iri.get(candidate.iri), record.iri)
                best[key] = Suggestion(
                    candidate.iri, candidate.label, record.iri, external_label, text, candidate.score, status
                )
    return sorted(best.values(), key=lambda s: (-s.score, s.entity_label.casefold(), s.external))


def _same_iri(a: str, b: str) -> bool:
    return unquote(a) == unquote(b)


def _status(links: EntityLinks | None, external: str) -> str:
    if links is None:
        return "new"
    exact = links.wikidata_exact + links.dbpedia_exact
    if any(_same_iri(external, iri) for iri in exact):
        return "linked"
    if any(_same_iri(external, iri) for iri in links.wikidata_close + links.dbpedia_close):
        return "candidate"
    same_source = links.wikidata_exact if external.startswith(WD) else links.dbpedia_exact
    return "other-id" if same_source else "new"


def review_turtle(suggestions: list[Suggestion], *, source: str) -> str:
    """The suggestions not yet linked as ``skos:closeMatch`` triples in Turtle, one commented line each.

    Args:
        suggestions: from :func:`suggest_links`.
        source: the file the external names came from, for the header.
    """
    today = datetime.date.today().isoformat()
    lines = [
        f"# Candidate links proposed by `dragonbear link --suggest {source}` on {today}, for review.",
        "# They matched by name only. Delete the wrong ones; keep the others as skos:closeMatch (candidates)",
        "# or change them to skos:exactMatch once checked. Then load the file, for example:",
        "#   dragonbear load THIS_FILE.ttl --graph https://w3id.org/dragonbear/graph/links-review",
        f"@prefix skos: <{SKOS}> .",
        "",
    ]
    for s in suggestions:
        if s.status == "linked":
            continue
        note = f"score {s.score}, matched {json.dumps(s.matched, ensure_ascii=False)}"
        if s.status != "new":
            note += f", {s.status}"
        external = s.external.replace(">", "%3E").replace(" ", "%20")
        lines.append(
            f"<{s.entity}> skos:closeMatch <{external}> .  # {s.entity_label} ~ "
            f"{json.dumps(s.external_label, ensure_ascii=False)}: {note}"
        )
    return "\n".join(lines) + "\n"
