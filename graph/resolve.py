"""Find the entities a name denotes, in any language, best first.

A name matches in tiers (the score of a candidate is its best match):

===== ====================================================================================
score match
===== ====================================================================================
100   the IRI, or the local id (``j-11``)
 95   exactly (ignoring case) a preferred label or rdfs:label in any language
 90   exactly another name: alternative label, NATO name, designation, SIPRI designation
 80   equal after normalization, which drops spaces, hyphens and punctuation (``J11`` = ``J-11``)
 60   one edit (a typo of one letter) away after normalization, for names of 4+ characters
 40   the name starts with the text (3+ characters)
===== ====================================================================================

An entity parameter resolves when exactly one entity holds the best score; otherwise the name is
ambiguous and :class:`~dragonbear.errors.ParameterError` lists the candidates.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pyoxigraph as ox

from dragonbear.errors import NotFoundError, ParameterError
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import DGB, PREFIXES

__all__ = ["Candidate", "NameIndex", "normalize_name"]

# Named entities: everything under id: but transfers (statements named by their row) and
# attestations (fragments of a statement's IRI).
_ENTITY_FILTER = "isIRI(?entity) && STRSTARTS(STR(?entity), STR(id:)) && !STRSTARTS(STR(?entity), STR(transfer:))"
_NAMES_QUERY = f"""
SELECT ?entity ?name ?prop WHERE {{
  VALUES ?prop {{ skos:prefLabel rdfs:label skos:altLabel skos:hiddenLabel dgb:natoReportingName
                 dgb:designation dgb:sipriDesignation dgb:sipriName }}
  ?entity ?prop ?name .
  FILTER({_ENTITY_FILTER})
}}"""
_TYPES_QUERY = f"""
SELECT ?entity ?type WHERE {{
  ?entity a ?type . FILTER({_ENTITY_FILTER} && STRSTARTS(STR(?type), STR(dgb:)) && !CONTAINS(STR(?entity), "#"))
}}"""

_PRIMARY = {PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label"}


def normalize_name(text: str) -> str:
    """Fold case, width and punctuation so that spellings of one name compare equal.

    >>> normalize_name("J-11"), normalize_name("j11"), normalize_name("Су-27"), normalize_name("歼-11")
    ('j11', 'j11', 'су27', '歼11')
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s\-_./,'\"()«»“”’]+", "", folded)


def _one_edit(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


@dataclass
class Candidate:
    """An entity a name may denote."""

    iri: str
    label: str
    types: list[str] = field(default_factory=list)
    score: int = 0
    matched: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"iri": self.iri, "label": self.label, "types": self.types, "score": self.score,
                "matched": self.matched}


@dataclass
class _Entry:
    label: str = ""
    label_rank: int = 9
    types: set[str] = field(default_factory=set)
    names: list[tuple[str, str, str, bool]] = field(default_factory=list)  # (name, folded, normalized, primary)


class NameIndex:
    """An index of every name of every entity in a store, for resolving names.

    Build it once per store version: ``NameIndex.from_store(store)``.
    """

    def __init__(self, entries: dict[str, _Entry], subclasses: dict[str, set[str]] | None = None) -> None:
        self._entries = entries
        self._subclasses = subclasses or {}

    def expand_type(self, curie: str) -> set[str]:
        """A class (``dgb:SystemModel`` or a full IRI) and all its subclasses in the ontology."""
        iri = DGB + curie[4:] if curie.startswith("dgb:") else curie
        return self._subclasses.get(iri, set()) | {iri}

    @classmethod
    def from_store(cls, store: GraphStore) -> NameIndex:
        """Read every name of every entity from ``store``."""
        entries: dict[str, _Entry] = {}
        for row in store.query(_NAMES_QUERY):  # type: ignore[union-attr]
            iri = row["entity"].value
            entry = entries.setdefault(iri, _Entry())
            name = row["name"]
            prop = row["prop"].value
            primary = prop in _PRIMARY
            folded_name = unicodedata.normalize("NFKC", name.value).casefold()
            entry.names.append((name.value, folded_name, normalize_name(name.value), primary))
            lang = name.language if isinstance(name, ox.Literal) else None
            rank = 0 if (primary and lang == "en") else 1 if primary else 2
            if rank < entry.label_rank:
                entry.label, entry.label_rank = name.value, rank
        for row in store.query(_TYPES_QUERY):  # type: ignore[union-attr]
            if row["entity"].value in entries:
                entries[row["entity"].value].types.add(row["type"].value)
        subclasses: dict[str, set[str]] = {}
        for row in store.query("SELECT ?sub ?sup WHERE { ?sub rdfs:subClassOf+ ?sup }"):  # type: ignore[union-attr]
            subclasses.setdefault(row["sup"].value, set()).add(row["sub"].value)
        return cls(entries, subclasses)

    def candidates(self, text: str, *, types: set[str] | None = None, limit: int = 10) -> list[Candidate]:
        """Entities ``text`` may denote, best first.

        Args:
            text: a name in any language, an IRI, a prefixed name (``system:j-11``) or a local id (``j-11``).
            types: if given, only entities of one of these class IRIs.
            limit: at most this many candidates.
        """
        text = text.strip()
        prefix, sep, local = text.partition(":")
        if sep and prefix in PREFIXES and not local.startswith("//"):
            text = PREFIXES[prefix] + local
        folded = unicodedata.normalize("NFKC", text).casefold()
        norm = normalize_name(text)
        found: list[Candidate] = []
        for iri, entry in self._entries.items():
            if types and not (entry.types & types):
                continue
            score, matched = 0, ""
            if iri == text or iri.rsplit("/", 1)[-1] == folded:
                score, matched = 100, text
            for name, name_folded, name_norm, primary in entry.names:
                if score >= 95:
                    break
                if name_folded == folded:
                    s = 95 if primary else 90
                elif name_norm and name_norm == norm:
                    s = 80
                elif len(norm) >= 4 and _one_edit(name_norm, norm):
                    s = 60
                elif len(norm) >= 3 and name_norm.startswith(norm):
                    s = 40
                else:
                    continue
                if s > score:
                    score, matched = s, name
            if score:
                found.append(Candidate(iri, entry.label or iri, sorted(entry.types), score, matched))
        found.sort(key=lambda c: (-c.score, c.label.casefold(), c.iri))
        return found[:limit]

    def resolve(self, text: str, *, types: set[str] | None = None, what: str = "entity") -> str:
        """The IRI of the one entity ``text`` denotes.

        Raises:
            NotFoundError: nothing matches.
            ParameterError: several entities match equally well; lists them.
        """
        found = self.candidates(text, types=types, limit=20)
        if not found:
            raise NotFoundError(f"no {what} is named {text!r}")
        best = [c for c in found if c.score == found[0].score]
        if len(best) > 1:
            listing = "; ".join(f"{c.label} <{c.iri}>" for c in best)
            raise ParameterError(f"{text!r} is ambiguous: it may name {listing}",
                                 candidates=[(c.iri, c.label) for c in best])
        return best[0].iri
