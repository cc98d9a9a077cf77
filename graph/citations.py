"""The reference list behind what the graph says about an entity: BibTeX, RIS, CSL-JSON or text.

:func:`references_for` collects every source that attests a statement involving the entity (through
``dgb:involves``, materialized in the derived graph) or the entity's own description, with the
locators the attestations give; :func:`format_references` writes them in the format a reference
manager or a citation processor reads:

======== =================================== ==================================================
format   media type                          read by
======== =================================== ==================================================
bibtex   ``application/x-bibtex``             BibTeX, biblatex, Zotero, JabRef
ris      ``application/x-research-info-systems`` Zotero, EndNote, Mendeley
csl-json ``application/vnd.citationstyles.csl+json`` citeproc processors (citeproc-py, citeproc-js), Pandoc
text     ``text/plain``                      a reader: one reference a paragraph
======== =================================== ==================================================

Each entry carries the locators of the statements it supports (a section and paragraph, a register
row) in its note, so a reader can open the source at the place that says it. A source's missing
author, date or URL is left out of the entry, never invented.

>>> ref = Reference("https://w3id.org/dragonbear/id/source/x", "x", "A title", ("A. Author",), "Pub", "2024-05",
...                 "https://example.org/x", "NewsReport", ("paragraph 2",))
>>> format_references([ref], CitationFormat.TEXT)
'A. Author (2024). A title. Pub. https://example.org/x. Cited for: paragraph 2.\\n'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum

import pyoxigraph as ox

from dragonbear.formats import FileFormat
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import DGB

__all__ = ["KINDS", "CitationFormat", "Reference", "format_references", "references_for"]

# Statement kinds an analyst filters by, and the class of each.
KINDS = {
    "claims": "Claim",
    "figures": "ReportedFigure",
    "derivations": "Derivation",
    "dependencies": "ComponentFit",
    "transfers": "ArmsTransfer",
    "exercises": "MilitaryActivity",
    "events": "GeopoliticalEvent",
}


class CitationFormat(StrEnum):
    """The formats of a reference list, by name; ``media_type`` gives each one's media type."""

    BIBTEX = "bibtex"
    RIS = "ris"
    CSL_JSON = "csl-json"
    TEXT = "text"

    @property
    def media_type(self) -> str:
        """The media type of the format."""
        return FileFormat[self.name].media_type


@dataclass(frozen=True)
class Reference:
    """One source with the locators of the statements it supports about the entity."""

    iri: str
    key: str
    title: str
    authors: tuple[str, ...]
    publisher: str | None
    issued: str | None  # ISO date, year-month or year
    url: str | None
    source_type: str | None
    locators: tuple[str, ...]


_QUERY = """
SELECT ?doc (SAMPLE(?k) AS ?key) (SAMPLE(?t) AS ?title) (GROUP_CONCAT(DISTINCT ?creator; SEPARATOR="\\u001f") AS ?authors)
       (SAMPLE(?p) AS ?publisher) (SAMPLE(STR(?i)) AS ?issued) (SAMPLE(STR(?u)) AS ?url) (SAMPLE(?st) AS ?type)
       (GROUP_CONCAT(DISTINCT ?locator; SEPARATOR="\\u001f") AS ?locators)
WHERE {
  { ?statement dgb:involves ?entity ; dgb:hasAttestation ?att } UNION { ?entity dgb:hasAttestation ?att BIND(?entity AS ?statement) }
  FILTER(!BOUND(?kindClass) || EXISTS { ?statement a ?kindClass })
  ?att dgb:source ?doc .
  FILTER NOT EXISTS { ?att dgb:stance dgb:Denies }
  OPTIONAL { ?att dgb:locator ?locator }
  OPTIONAL { ?doc dgb:sourceKey ?k }
  OPTIONAL { ?doc dcterms:title ?t }
  OPTIONAL { ?doc dcterms:creator ?creator }
  OPTIONAL { ?doc dcterms:publisher ?p FILTER(isLiteral(?p)) }
  OPTIONAL { ?doc dcterms:issued ?i }
  OPTIONAL { ?doc schema:url ?u }
  OPTIONAL { ?doc dgb:sourceType ?stype BIND(STRAFTER(STR(?stype), STR(dgb:)) AS ?st) }
}
GROUP BY ?doc ORDER BY ?key
"""


def references_for(store: GraphStore, entity: str, *, kind: str | None = None) -> list[Reference]:
    """The sources behind what the graph says about ``entity`` (an IRI), optionally one kind of statement.

    Args:
        kind: one of :data:`KINDS` (claims, figures, derivations, dependencies, transfers, exercises, events).

    Raises:
        ValueError: an unknown kind.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    values = f"VALUES (?entity) {{ (<{entity}>) }}"
    if kind is not None:
        values = f"VALUES (?entity ?kindClass) {{ (<{entity}> <{DGB}{KINDS[kind]}>) }}"
    query = _QUERY.replace("WHERE {\n", "WHERE {\n  " + values + "\n", 1)
    out = []
    for row in store.select(query):

        def text(name: str, row: ox.QuerySolution = row) -> str | None:
            term = row[name]
            return term.value if term is not None and term.value else None

        out.append(
            Reference(
                row["doc"].value,
                text("key") or row["doc"].value.rsplit("/", 1)[-1],
                text("title") or "(untitled)",
                tuple(sorted(filter(None, (text("authors") or "").split("\x1f")))),
                text("publisher"),
                text("issued"),
                text("url"),
                text("type"),
                tuple(sorted(filter(None, (text("locators") or "").split("\x1f")))),
            )
        )
    return out


def format_references(references: list[Reference], fmt: CitationFormat) -> str:
    """The reference list in ``fmt``."""
    if fmt is CitationFormat.BIBTEX:
        return "\n".join(_bibtex(r) for r in references)
    if fmt is CitationFormat.RIS:
        return "".join(_ris(r) for r in references)
    if fmt is CitationFormat.CSL_JSON:
        return json.dumps([_csl(r) for r in references], ensure_ascii=False, indent=2) + "\n"
    return "\n".join(_text(r) for r in references) + ("\n" if references else "")


def _year(issued: str | None) -> str | None:
    return issued[:4] if issued and re.match(r"\d{4}", issued) else None


def _note(ref: Reference) -> str:
    return "Cited for: " + "; ".join(ref.locators) if ref.locators else ""


_BIB_TYPES = {
    "ThinkTankAnalysis": "techreport",
    "NewsReport": "article",
    "TradePress": "article",
    "DataRegister": "misc",
    "ReferenceWork": "misc",
    "OfficialStatement": "misc",
}
_BIB_SPECIAL = re.compile(r"[{}\\&%$#_^~]")
_BIB_ESCAPES = {"{": "\\{", "}": "\\}", "\\": "\\textbackslash{}", "^": "\\^{}", "~": "\\~{}"}


def _bib(value: str) -> str:
    """A BibTeX field value: special characters escaped, in braces.

    >>> print(_bib("R&D {50%}"))
    {R\\&D \\{50\\%\\}}
    """
    return "{" + _BIB_SPECIAL.sub(lambda m: _BIB_ESCAPES.get(m.group(0), "\\" + m.group(0)), value) + "}"


def _bibtex(ref: Reference) -> str:
    kind = _BIB_TYPES.get(ref.source_type or "", "misc")
    fields = [("title", ref.title)]
    if ref.authors:
        fields.append(("author", " and ".join(ref.authors)))
    if ref.publisher:
        fields.append(({"techreport": "institution", "article": "journal"}.get(kind, "publisher"), ref.publisher))
    if _year(ref.issued):
        fields.append(("year", _year(ref.issued) or ""))
    if ref.issued and len(ref.issued) >= 7:
        fields.append(("date", ref.issued))
    if ref.url:
        fields.append(("url", ref.url))
    if ref.locators:
        fields.append(("note", _note(ref)))
    body = ",\n".join(f"  {name} = {_bib(value)}" for name, value in fields)
    return f"@{kind}{{{re.sub(r'[^A-Za-z0-9_:-]', '-', ref.key)},\n{body}\n}}\n"


_RIS_TYPES = {
    "ThinkTankAnalysis": "RPRT",
    "NewsReport": "NEWS",
    "TradePress": "MGZN",
    "DataRegister": "DATA",
    "ReferenceWork": "ELEC",
    "OfficialStatement": "GOVDOC",
}


def _ris(ref: Reference) -> str:
    lines = [("TY", _RIS_TYPES.get(ref.source_type or "", "GEN")), ("ID", ref.key), ("TI", ref.title)]
    lines += [("AU", author) for author in ref.authors]
    if ref.publisher:
        lines.append(("PB", ref.publisher))
    if _year(ref.issued):
        lines.append(("PY", _year(ref.issued) or ""))
    if ref.issued:
        lines.append(("DA", ref.issued.replace("-", "/")))
    if ref.url:
        lines.append(("UR", ref.url))
    if ref.locators:
        lines.append(("N1", _note(ref)))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\n" for tag, value in lines)


_CSL_TYPES = {
    "ThinkTankAnalysis": "report",
    "NewsReport": "article-newspaper",
    "TradePress": "article-magazine",
    "DataRegister": "dataset",
    "ReferenceWork": "entry-encyclopedia",
    "OfficialStatement": "document",
}


def _csl(ref: Reference) -> dict[str, object]:
    item: dict[str, object] = {
        "id": ref.key,
        "type": _CSL_TYPES.get(ref.source_type or "", "document"),
        "title": ref.title,
    }
    if ref.authors:
        item["author"] = [_csl_name(author) for author in ref.authors]
    if ref.publisher:
        item["publisher"] = ref.publisher
    if ref.issued and re.match(r"\d{4}", ref.issued):
        item["issued"] = {"date-parts": [[int(part) for part in ref.issued.split("-")[:3]]]}
    if ref.url:
        item["URL"] = ref.url
    if ref.locators:
        item["note"] = _note(ref)
    return item


def _csl_name(name: str) -> dict[str, str]:
    parts = name.split()
    if len(parts) < 2:
        return {"literal": name}
    particles = [p for p in parts[1:-1] if p.islower()]  # "Hugo von Essen": family "von Essen"
    family_start = parts.index(particles[0]) if particles else len(parts) - 1
    return {"given": " ".join(parts[:family_start]), "family": " ".join(parts[family_start:])}


def _text(ref: Reference) -> str:
    head = ", ".join(ref.authors) if ref.authors else (ref.publisher or ref.title)
    year = _year(ref.issued) or "n.d."
    parts = [f"{head} ({year}). {ref.title}."]
    if ref.publisher and ref.authors:
        parts.append(f"{ref.publisher}.")
    if ref.url:
        parts.append(f"{ref.url}.")
    if ref.locators:
        parts.append(f"{_note(ref)}.")
    return " ".join(parts)
