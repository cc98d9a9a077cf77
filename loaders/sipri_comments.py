"""Read what a SIPRI comment says about lineage and dependencies.

SIPRI's comments are short English notes in a stable house style: clauses separated by ``;`` (the
export turns the comments' commas into semicolons too), with recurring phrases. This module reads
one comment into the relations it states, in the terms of ``docs/sipri-comment-relations.md``:

- ``Dependency``: the deal's item is for a named platform ("for 50 Type-054A (Jiangkai-2) frigates
  produced in China", "spare engines for Mi-24 combat helicopters", "for use with S-75 (SA-2) SAM
  systems"), with the number of platforms, the platform's state and the version of the item fitted
  ("RD-93 version; for JF-17");
- ``Derivation``: the item was produced under licence, assembled from kits, copied, or its
  technology used, in a state, optionally as a named product ("Incl production under licence in
  China as WS-9 and WS-9A", "assembled from kits; Chinese designation J-11").

Each relation says whether it is hedged ("probably for", "possibly copied") and quotes the clause it
came from. A platform the comment does not name ("for frigates") gives nothing. The reader knows no
systems: it returns names as written, and ``loaders/sipri_relations.py`` resolves them. Each clause
is read by ``sipri_comment_dependencies`` and ``sipri_comment_derivations``, which split names and
lists with ``sipri_comment_names``.

>>> [r.platform for r in read_comment("For 50 Type-054A (Jiangkai-2) frigates produced in China")]
['Type-054A']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dragonbear.loaders.sipri_comment_dependencies import FOR_WORD, Dependency, read_dependencies
from dragonbear.loaders.sipri_comment_derivations import Derivation, read_derivations
from dragonbear.loaders.sipri_comment_names import find_version, names_at, read_platform, read_platforms, split_list
from dragonbear.loaders.sipri_states import demonym_state, known_states

__all__ = [
    "Relation",
    "engine_model",
    "read_comment",
    "split_clauses",
]

Relation = Dependency | Derivation

# -- clauses ------------------------------------------------------------------------------------


def split_clauses(comment: str) -> list[str]:
    """The ``;``-separated clauses of a comment, keeping parentheses whole.

    >>> split_clauses("Second-hand; for 2 X (a; b) frigates")
    ['Second-hand', 'for 2 X (a; b) frigates']
    """
    clauses, depth, start = [], 0, 0
    for i, char in enumerate(comment):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            clauses.append(comment[start:i].strip())
            start = i + 1
    clauses.append(comment[start:].strip())
    return [clause for clause in clauses if clause]


# -- the comment ----------------------------------------------------------------------------------

# A comment without any of these words states no relation (most say "second-hand", "aid", a deal's value).
_TRIGGERS = re.compile(r"for\b|licen|cop[yi]|kit|assembl|produc|technology|line\b|built|manufactur", re.IGNORECASE)
# "Chinese designation J-11": the local name of a derivation's product.
_DESIGNATION = re.compile(r"\b([A-Z][A-Za-z]+(?:\s+[A-Z][a-z]+)?)\s+designations?\s+")


def read_comment(
    comment: str,
    *,
    recipient: str = "",
    supplier: str = "",
    designation: str = "",
    states: frozenset[str] | None = None,
) -> tuple[Relation, ...]:
    """The relations a SIPRI comment states about its deal's item.

    Args:
        comment: the comment, as the register gives it.
        recipient, supplier: the deal's parties (SIPRI names): the default producing state of a
            derivation is the recipient; a demonym ("Chinese designation") is matched against both.
        designation: the deal's item, never its own platform.
        states: SIPRI's state names (default :func:`known_states`).

    Returns:
        The dependencies and derivations, in the order the comment states them.

    >>> read_comment("RD-93 version; for JF-17 combat aircraft from China; incl spare engines")
    (Dependency(platform='JF-17', aliases=(), count=None, category='combat aircraft', platform_state='China', hedged=False, version='RD-93', clause='for JF-17 combat aircraft from China', kind='dependency'),)
    >>> [(r.derivation, r.product, r.state) for r in read_comment(
    ...     "Incl production under licence in China as WS-9 and WS-9A; for JH-7 combat aircraft produced in China",
    ...     recipient="China", supplier="United Kingdom", designation="Spey") if r.kind == "derivation"]
    [('LicensedProduction', 'WS-9', 'China'), ('LicensedProduction', 'WS-9A', 'China')]
    """
    if not _TRIGGERS.search(comment):
        return ()
    states = states or known_states()
    relations: list[Relation] = []
    version = None
    open_list = _OpenList()
    for clause in split_clauses(comment):
        clause_version = find_version(clause)
        if clause_version and not FOR_WORD.search(clause):
            version = version or clause_version
        continued = open_list.continued_in(clause, states, designation)
        if continued:
            relations.extend(continued)
            continue
        dependencies, runs_on = read_dependencies(clause, states, designation, False)
        relations.extend(dependencies)
        open_list.opened_by(dependencies, runs_on)
        relations.extend(read_derivations(clause, states))
    relations = _with_designations(relations, comment, recipient, supplier, states)
    return tuple(_with_version(relation, version) for relation in relations)


# A clause that opens with one of these words starts something new, not the next platforms of a list.
_NOT_CONTINUED = re.compile(
    r"(?:Incl|For|Probably|Possibly|Second|Aid|Part|Ordered|Delivered|Produced|Assembled|Designation)\b"
)


@dataclass(slots=True)
class _OpenList:
    """A list of platforms that may run on into the next clause ("for 2 Type-052 destroyers; 4 Type-054")."""

    runs_on: bool = False  # the list's last platform had no category noun to close it
    counted: bool = False  # its last platform had a number
    hedged: bool = False
    version: str | None = None

    def continued_in(self, clause: str, states: frozenset[str], designation: str) -> list[Dependency]:
        """The platforms of ``clause`` if it continues the list (and whether the list still runs on)."""
        starts_item = (self.runs_on and clause[:1].isupper()) or (self.counted and re.match(r"\d+ [A-Z]", clause))
        if not starts_item or "version" in clause or _NOT_CONTINUED.match(clause):
            self.runs_on = self.counted = False
            return []
        continued = [
            Dependency(
                item.name,
                item.aliases,
                item.count,
                item.category,
                item.state,
                self.hedged or item.hedged,
                self.version,
                clause,
            )
            for item in read_platforms(clause, states, designation)
        ]
        last = read_platform(split_list(clause)[-1], states)
        self.runs_on = last is not None and last.category is None
        return continued

    def opened_by(self, dependencies: list[Dependency], runs_on: bool) -> None:
        """Keep the list of the clause's dependencies open, if it has any."""
        if dependencies:
            self.runs_on, self.hedged = runs_on, dependencies[-1].hedged
            self.counted = dependencies[-1].count is not None
            self.version = dependencies[-1].version


def _with_version(relation: Relation, version: str | None) -> Relation:
    if isinstance(relation, Dependency) and relation.version is None and version is not None:
        return Dependency(
            relation.platform,
            relation.aliases,
            relation.count,
            relation.category,
            relation.platform_state,
            relation.hedged,
            version,
            relation.clause,
        )
    return relation


def _with_designations(
    relations: list[Relation], comment: str, recipient: str, supplier: str, states: frozenset[str]
) -> list[Relation]:
    """Give derivations without a product the local designation the comment names, and a state."""
    designations: list[tuple[str, tuple[str, ...], str | None]] = []
    for match in _DESIGNATION.finditer(comment):
        state = demonym_state(match.group(1), recipient, supplier) or demonym_state(
            match.group(1).split()[-1], recipient, supplier
        )
        designations += [(name, aliases, state) for name, aliases in names_at(comment[match.end() :])]
    out: list[Relation] = []
    for relation in relations:
        if not isinstance(relation, Derivation):
            out.append(relation)
            continue
        state = relation.state or recipient or None
        if relation.product is None and designations:
            matching = [d for d in designations if d[2] in (None, state)]
            for name, aliases, _ in matching or designations:
                out.append(Derivation(relation.derivation, name, aliases, state, relation.hedged, relation.clause))
            continue
        out.append(
            Derivation(relation.derivation, relation.product, relation.aliases, state, relation.hedged, relation.clause)
        )
    return _dedupe(out)


def _dedupe(relations: list[Relation]) -> list[Relation]:
    seen: set[tuple[object, ...]] = set()
    out: list[Relation] = []
    for relation in relations:
        key: tuple[object, ...]
        if isinstance(relation, Dependency):
            key = ("dependency", relation.platform.casefold())
        else:
            key = ("derivation", relation.derivation, (relation.product or "").casefold())
        if key not in seen:
            seen.add(key)
            out.append(relation)
    return out


_ENGINE_WORDS = (
    r"(?:(?:diesel|petrol|gasoline|multi-fuel|marine)\s+)?(?:engines?|gas\s+turbines?|steam\s+turbines?|"
    r"turbofans?|turbojets?|turboprops?|turboshafts?|turbines?)"
)
_MODEL = re.compile(
    r"^(?:(?:probably|possibly)\s+)?(?P<model>[A-Z0-9][^;()]*?)\s*(?:\([^)]*\)\s*)?"
    r"(?:" + _ENGINE_WORDS + r")?\s*(?:\bfor\b.*)?$",
    re.IGNORECASE,
)
_POWER = re.compile(r"\s+\d[\d,.-]*\s*(?:hp|shp|kW)$", re.IGNORECASE)


def engine_model(comment: str) -> str | None:
    """The engine a comment names first, for deals SIPRI lists under a generic designation ("ship engine").

    >>> engine_model("MTU 12V1163 (8850hp) diesel engine for 2 Type-051C (Luzhou) destroyers")
    'MTU 12V1163'
    >>> engine_model("Klimov TV-3-117 turboshaft; spare engines for Mi-24 combat helicopters")
    'Klimov TV-3-117'
    >>> engine_model("Henan Diesel CHD622V20 3700hp diesel engine for 7 Project-21631 (Buyan-M) corvettes")
    'Henan Diesel CHD622V20'
    >>> engine_model("1200hp diesel engine; for 44 Type-90-2 tanks"), engine_model("SEMT-Pielstick 12000hp diesel engine")
    (None, None)
    """
    clauses = split_clauses(comment) if comment else []
    for index, clause in enumerate(clauses):
        if index == 0 or re.search(_ENGINE_WORDS, clause, re.IGNORECASE):
            model = _model_of(clause)
            if model is not None:
                return model
    return None


def _model_of(clause: str) -> str | None:
    match = _MODEL.match(clause)
    if match is None:
        return None
    model = _POWER.sub("", match.group("model").strip(" ,.:"))
    model = re.sub(_ENGINE_WORDS + r"$", "", model, flags=re.IGNORECASE).strip(" ,.:")
    words = model.split()
    if (
        not words
        or not any(c.isdigit() for c in model)
        or re.fullmatch(r"[\d,.-]+\s*(?:hp)?", model, re.I)
        or any(w[0].islower() for w in words)
        or len(words) > 5
    ):
        return None
    return model
