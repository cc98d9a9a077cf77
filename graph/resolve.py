"""Find the entities a name denotes, in any language, best first, and say why.

A name matches in tiers (the score of a candidate is its best match):

===== ====================================================================================
score match
===== ====================================================================================
100   the IRI, or the local id (``j-11``)
 95   exactly (ignoring case) a preferred label or rdfs:label in any language
 90   exactly another name: NATO name, designation, alternative label, SIPRI designation
 80   equal keys (:mod:`~dragonbear.graph.name_keys`: case, spaces and punctuation dropped,
      ``J11`` = ``J-11``), or equal after romanizing Cyrillic (``Су27СК`` = ``Su-27SK``), or
      equal in pinyin: a Chinese name read by pypinyin, tones and accents ignored on both sides
      (``jian-11``, ``jiān 11``, ``Jian11``, the traditional ``殲-11`` = ``歼-11``; also with tone
      numbers, ``jian1 11``)
 60   one edit (a typo of one letter) between keys, Latin keys or pinyin keys, for keys of 4+
      characters
 40   the name's key, Latin key or pinyin key starts with the text's (3+ characters)
 20   only when asked (``contains=True``, the search pages): the name's key, Latin key or pinyin key
      holds the text's (4+ characters), as ``submarine`` in ``Kilo-class submarine``
===== ====================================================================================

Within a score, candidates are ordered by, in turn:

1. **name kind**: how the matching name is attached (:data:`~dragonbear.graph.name_keys.NAME_KINDS`:
   preferred label, label, NATO reporting name, designation, alternative name, SIPRI designation,
   SIPRI name, spelling variant);
2. **family**: a system whose variants (``dgb:variantOf``, at any depth) also match with the same
   score comes before them, as the name is the family's (NATO named the Kilo class; Project 877
   and 636 carry the name as its members);
3. **statements**: how many statements (transfers, derivations, fits, claims ...) involve it;
4. the label, then the IRI, so the order is stable.

Each :class:`Candidate` carries these values, the criterion that puts it above the next one
(``ahead_by``) and a sentence (``why``).

An entity parameter resolves only when one entity holds the best score alone. Ties within a score
are ordered but never chosen: the order says what is likelier, not what was meant, and a canned
query given the family (``Kilo``) answers for the family node only, not for its members. So a tie
raises :class:`~dragonbear.errors.ParameterError` listing the tied candidates best first. The
tier of 20 never resolves a parameter: :meth:`NameIndex.resolve` does not ask for it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import pyoxigraph as ox

from dragonbear.errors import NotFoundError, ParameterError
from dragonbear.graph.name_keys import ENTITY_FILTER as _ENTITY_FILTER
from dragonbear.graph.name_keys import (
    NAME_KINDS,
    NAMES_QUERY,
    NameKind,
    has_han,
    latin_key,
    normalize_name,
    pinyin_keys,
    pinyin_tone_key,
    query_pinyin,
)
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import DGB, PREFIXES

__all__ = ["Candidate", "NameIndex", "normalize_name"]

_TYPES_QUERY = f"""
SELECT ?entity ?type WHERE {{
  ?entity a ?type . FILTER({_ENTITY_FILTER} && STRSTARTS(STR(?type), STR(dgb:)) && !CONTAINS(STR(?entity), "#"))
}}"""
_STATEMENTS_QUERY = f"""
SELECT ?entity (COUNT(DISTINCT ?statement) AS ?n) WHERE {{
  ?statement dgb:involves ?entity . FILTER({_ENTITY_FILTER})
}} GROUP BY ?entity"""
_VARIANTS_QUERY = "SELECT DISTINCT ?variant ?family WHERE { ?variant dgb:variantOf ?family }"

_ID_KIND = NameKind("", "id", -1)
_MATCH_PHRASES = {
    "id": "its {kind}",
    "exact": "exactly its {kind}",
    "normalized": "its {kind}, spelled differently",
    "transliterated": "its {kind}, romanized",
    "pinyin": "its {kind}, in pinyin",
    "toneless": "its {kind}, without tones or accents",
    "one edit": "one letter away from its {kind}",
    "prefix": "the start of its {kind}",
    "contains": "a part of its {kind}",
}


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one letter: inserted, deleted, replaced, or swapped with its neighbour.

    Digits never count as typos: ``su27`` and ``su25`` name different aircraft.

    >>> _one_edit("flankr", "flanker"), _one_edit("kiol", "kilo"), _one_edit("su27", "su25")
    (True, True, False)
    """
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        edited = {a[i] for i in diffs} | {b[i] for i in diffs}
        typo = len(diffs) == 1 or (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
        return typo and not any(ch.isdigit() for ch in edited)
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(not long_[i].isdigit() and long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass
class Candidate:
    """An entity a name may denote, with the reasons for its place in the ranking."""

    iri: str
    label: str
    types: list[str] = field(default_factory=list)
    score: int = 0
    matched: str = ""
    match: str = ""
    name_kind: str = ""
    name_property: str = ""
    family_of: int = 0
    statements: int = 0
    rank: int = 0
    ahead_by: str | None = None
    why: str = ""
    kind_rank: int = field(default=9, repr=False)

    def sort_key(self) -> tuple[int, int, int, int, str, str]:
        """The ranking order: score, name kind, family, statements, label, IRI."""
        return (-self.score, self.kind_rank, -self.family_of, -self.statements, self.label.casefold(), self.iri)

    def as_dict(self) -> dict[str, object]:
        """The candidate as JSON-ready values (the fields of the API's ``CandidateInfo``)."""
        return {
            "iri": self.iri,
            "label": self.label,
            "types": self.types,
            "score": self.score,
            "matched": self.matched,
            "match": self.match,
            "name_kind": self.name_kind,
            "name_property": self.name_property or None,
            "family_of": self.family_of,
            "statements": self.statements,
            "rank": self.rank,
            "ahead_by": self.ahead_by,
            "why": self.why,
        }


@dataclass(frozen=True)
class _Name:
    text: str
    folded: str
    key: str
    latin: str
    kind: NameKind
    roman: tuple[str, ...] = ()  # its pinyin keys (name_keys.pinyin_keys), other than its key
    han: bool = False  # written in Chinese characters
    tones: str = ""  # in pinyin with tone numbers (name_keys.pinyin_tone_key): for equal keys only

    @classmethod
    def of(cls, text: str, kind: NameKind) -> _Name:
        """The name ``text`` with its keys."""
        key = normalize_name(text)
        return cls(text, _fold(text), key, latin_key(key), kind, pinyin_keys(key), has_han(key), pinyin_tone_key(key))


@dataclass
class _Entry:
    label: str = ""
    label_rank: int = 9
    types: set[str] = field(default_factory=set)
    names: list[_Name] = field(default_factory=list)


@dataclass(frozen=True)
class _Text:
    """A search text's forms: folded, key, Latin key, and its pinyin key (:func:`query_pinyin`) when
    that differs from the key (else empty)."""

    folded: str
    key: str
    latin: str
    roman: str = ""
    contains: bool = False

    @classmethod
    def of(cls, text: str, *, contains: bool = False) -> _Text:
        key = normalize_name(text)
        roman = query_pinyin(key)
        return cls(_fold(text), key, latin_key(key), "" if roman == key else roman, contains)


def _pinyin_match(name: _Name, text: _Text) -> tuple[int, str]:
    """:func:`_match` for the pinyin forms: of the name (its pinyin keys) or of the text (its pinyin key)."""
    probe = text.roman or text.key
    if not probe:  # a text of no letter or digit
        return 0, ""
    forms = (name.key, *name.roman) if text.roman else name.roman
    if probe in forms or probe == name.tones:
        return 80, "pinyin" if name.han else "toneless"
    if len(probe) >= 4 and any(_one_edit(f, probe) for f in forms):
        return 60, "one edit"
    if len(probe) >= 3 and any(f.startswith(probe) for f in forms):
        return 40, "prefix"
    if text.contains and len(probe) >= 4 and any(probe in f for f in forms):
        return 20, "contains"
    return 0, ""


def _match(name: _Name, text: _Text) -> tuple[int, str]:
    """The score and kind of match of a search text against one name (the tiers of the module docstring)."""
    key, latin = text.key, text.latin
    if name.folded == text.folded:
        return (95 if name.kind.primary else 90), "exact"
    if name.key and name.key == key:
        return 80, "normalized"
    if name.latin and name.latin == latin:
        return 80, "transliterated"
    pinyin = _pinyin_match(name, text) if (name.roman or text.roman) else (0, "")
    if pinyin[0] >= 60:
        return pinyin
    if len(key) >= 4 and (_one_edit(name.key, key) or (len(latin) >= 4 and _one_edit(name.latin, latin))):
        return 60, "one edit"
    if pinyin[0] == 40 or (len(key) >= 3 and (name.key.startswith(key) or name.latin.startswith(latin))):
        return 40, "prefix"
    if pinyin[0] == 20 or (
        text.contains and len(key) >= 4 and (key in name.key or (len(latin) >= 4 and latin in name.latin))
    ):
        return 20, "contains"
    return 0, ""


_CRITERIA = ("score", "name kind", "family", "statements", "label", "IRI")


def _explain(found: list[Candidate]) -> None:
    """Number the sorted candidates and write each one's ``ahead_by`` and ``why``."""
    for i, c in enumerate(found):
        c.rank = i + 1
        if i + 1 < len(found):
            mine, theirs = c.sort_key(), found[i + 1].sort_key()
            c.ahead_by = next((_CRITERIA[j] for j in range(6) if mine[j] != theirs[j]), "IRI")
        why = f"{_MATCH_PHRASES[c.match].format(kind=c.name_kind)} {c.matched!r} (score {c.score})"
        if c.family_of:
            why += (
                f"; {c.family_of} other candidate{'s' if c.family_of > 1 else ''} with this score "
                f"{'are its variants' if c.family_of > 1 else 'is its variant'}"
            )
        why += (
            f"; {c.statements} statement{'' if c.statements == 1 else 's'} involve{'s' if c.statements == 1 else ''} it"
        )
        if c.ahead_by:
            why += f"; above the next by {c.ahead_by}"
        c.why = why


def _subclass_closure(store: GraphStore) -> dict[str, set[str]]:
    """Each class's subclasses at any depth, closed here from the direct ``rdfs:subClassOf`` edges
    (a path with both ends unbound, ``?sub rdfs:subClassOf+ ?sup``, is refused by Virtuoso)."""
    direct: dict[str, set[str]] = {}
    for row in store.select("SELECT ?sub ?sup WHERE { ?sub rdfs:subClassOf ?sup FILTER(isIRI(?sub) && isIRI(?sup)) }"):
        direct.setdefault(row["sup"].value, set()).add(row["sub"].value)
    closed: dict[str, set[str]] = {}
    for top in direct:
        seen: set[str] = set()
        stack = list(direct[top])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(direct.get(node, ()))
        closed[top] = seen
    return closed


class NameIndex:
    """An index of every name of every entity in a store, for resolving names.

    Build it once per store version: ``NameIndex.from_store(store)``.
    """

    def __init__(
        self,
        entries: dict[str, _Entry],
        subclasses: dict[str, set[str]] | None = None,
        *,
        statements: dict[str, int] | None = None,
        families: dict[str, set[str]] | None = None,
    ) -> None:
        self._entries = entries
        self._subclasses = subclasses or {}
        self._statements = statements or {}
        self._families = families or {}  # variant -> the systems it is directly a variant of

    def expand_type(self, curie: str) -> set[str]:
        """A class (``dgb:SystemModel`` or a full IRI) and all its subclasses in the ontology."""
        iri = DGB + curie[4:] if curie.startswith("dgb:") else curie
        return self._subclasses.get(iri, set()) | {iri}

    @classmethod
    def from_store(cls, store: GraphStore) -> NameIndex:
        """Read every name, type, statement count and variant link of every entity from ``store``."""
        entries: dict[str, _Entry] = {}
        for row in store.select(NAMES_QUERY):
            entry = entries.setdefault(row["entity"].value, _Entry())
            name, kind = row["name"], NAME_KINDS[row["prop"].value]
            entry.names.append(_Name.of(name.value, kind))
            lang = name.language if isinstance(name, ox.Literal) else None
            rank = 0 if (kind.primary and lang == "en") else 1 if kind.primary else 2
            if rank < entry.label_rank:
                entry.label, entry.label_rank = name.value, rank
        for row in store.select(_TYPES_QUERY):
            if row["entity"].value in entries:
                entries[row["entity"].value].types.add(row["type"].value)
        subclasses = _subclass_closure(store)
        statements = {row["entity"].value: int(row["n"].value) for row in store.select(_STATEMENTS_QUERY)}
        families: dict[str, set[str]] = {}
        for row in store.select(_VARIANTS_QUERY):
            families.setdefault(row["variant"].value, set()).add(row["family"].value)
        return cls(entries, subclasses, statements=statements, families=families)

    def _is_variant_of(self, variant: str, family: str) -> bool:
        seen: set[str] = set()
        stack = list(self._families.get(variant, ()))
        while stack:
            node = stack.pop()
            if node == family:
                return True
            if node not in seen:
                seen.add(node)
                stack.extend(self._families.get(node, ()))
        return False

    def _best_match(self, iri: str, entry: _Entry, text: str, forms: _Text) -> Candidate | None:
        if iri == text or iri.rsplit("/", 1)[-1] == forms.folded:
            best: tuple[int, int, str, str, NameKind] = (100, _ID_KIND.rank, "id", text, _ID_KIND)
        else:
            best = (0, 99, "", "", _ID_KIND)
            for name in entry.names:
                score, how = _match(name, forms)
                if score and (score, -name.kind.rank) > (best[0], -best[1]):
                    best = (score, name.kind.rank, how, name.text, name.kind)
        score, kind_rank, how, matched, kind = best
        if not score:
            return None
        return Candidate(
            iri,
            entry.label or iri,
            sorted(entry.types),
            score,
            matched,
            how,
            kind.kind,
            kind.prop,
            statements=self._statements.get(iri, 0),
            kind_rank=kind_rank,
        )

    def candidates(
        self, text: str, *, types: set[str] | None = None, limit: int = 10, contains: bool = False
    ) -> list[Candidate]:
        """Entities ``text`` may denote, best first, each with the reasons for its rank.

        Args:
            text: a name in any language, an IRI, a prefixed name (``system:j-11``) or a local id (``j-11``).
            types: if given, only entities of one of these class IRIs.
            limit: at most this many candidates.
            contains: also take names that merely hold the text (score 20; for searches, never for
                resolving a parameter).

        Returns:
            The candidates in the order of the module docstring, numbered from 1.
        """
        text = text.strip()
        prefix, sep, local = text.partition(":")
        if sep and prefix in PREFIXES and not local.startswith("//"):
            text = PREFIXES[prefix] + local
        forms = _Text.of(text, contains=contains)
        found = [
            c
            for iri, entry in self._entries.items()
            if not (types and not (entry.types & types))
            and (c := self._best_match(iri, entry, text, forms)) is not None
        ]
        by_score: dict[int, list[Candidate]] = {}
        for c in found:
            by_score.setdefault(c.score, []).append(c)
        for tied in by_score.values():
            if 1 < len(tied) <= 50:  # a family is a handful of systems; a prefix of 3 letters may match hundreds
                for c in tied:
                    c.family_of = sum(1 for o in tied if o is not c and self._is_variant_of(o.iri, c.iri))
        found.sort(key=Candidate.sort_key)
        found = found[:limit]
        _explain(found)
        return found

    def resolve(self, text: str, *, types: set[str] | None = None, what: str = "entity") -> str:
        """The IRI of the one entity ``text`` denotes: the only candidate with the best score.

        Args:
            text: as for :meth:`candidates`.
            types: as for :meth:`candidates`.
            what: what the name stands for, in messages (a parameter's name).

        Returns:
            The entity's IRI.

        Raises:
            NotFoundError: nothing matches.
            ParameterError: several entities share the best score; lists them best first.
        """
        found = self.candidates(text, types=types, limit=50)
        if not found:
            raise NotFoundError(f"no {what} is named {text!r}")
        best = [c for c in found if c.score == found[0].score]
        if len(best) > 1:
            listing = "; ".join(f"{c.label} <{c.iri}> ({c.name_kind} {c.matched!r})" for c in best)
            raise ParameterError(
                f"{text!r} is ambiguous: it may name, best first, {listing}",
                candidates=[(c.iri, c.label) for c in best],
            )
        return best[0].iri
