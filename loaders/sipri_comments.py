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
systems: it returns names as written, and ``loaders/sipri_relations.py`` resolves them.

>>> [r.platform for r in read_comment("For 50 Type-054A (Jiangkai-2) frigates produced in China")]
['Type-054A']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dragonbear.loaders.sipri_comment_words import (
    ADJECTIVES,
    CALIBRE,
    DEMONYMS,
    ITEM_STOPS,
    NOT_DEPENDENCY,
    NOT_NAMES,
    NUMBER,
    ORDINAL,
    STATE_ALIASES,
    TIME_WORDS,
    alias_names,
    category_acronyms,
    demonym_state,
    is_hedge,
    known_states,
    names_at,
    split_list,
    split_tokens,
    state_at,
)

__all__ = [
    "Dependency",
    "Derivation",
    "Relation",
    "engine_model",
    "known_states",
    "name_key",
    "read_comment",
    "split_clauses",
]


@dataclass(frozen=True, slots=True)
class Dependency:
    """The deal's item (or ``version`` of it) is fitted to, or used with, ``platform``."""

    platform: str
    aliases: tuple[str, ...] = ()
    count: int | None = None
    category: str | None = None  # the category noun as written ("frigates")
    platform_state: str | None = None
    hedged: bool = False
    version: str | None = None
    clause: str = ""
    kind: str = field(default="dependency", init=False)


@dataclass(frozen=True, slots=True)
class Derivation:
    """The deal's item was produced, assembled or copied in ``state`` (as ``product``, if named)."""

    derivation: str  # LicensedProduction, KitAssembly, ReverseEngineering, DerivedDesign
    product: str | None = None
    aliases: tuple[str, ...] = ()
    state: str | None = None
    hedged: bool = False
    clause: str = ""
    kind: str = field(default="derivation", init=False)


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


# -- names ----------------------------------------------------------------------------------------


def _name_token(token: str) -> bool:
    bare = token.strip(",.:")
    if not bare or ORDINAL.match(bare) or bare.startswith("$"):
        return False
    acronyms = category_acronyms()
    if bare.lower() in acronyms or bare.lower().rstrip("s") in acronyms:
        return False
    return bare[0].isupper() or bare[0].isdigit() or any(c.isdigit() for c in bare)


@dataclass(slots=True)
class _Item:
    name: str
    aliases: tuple[str, ...]
    count: int | None
    category: str | None
    state: str | None
    hedged: bool


def _parse_item(text: str, states: frozenset[str]) -> _Item | None:
    """One platform of a list: [hedge] [count] [adjectives] NAME [(ALIAS)] [category] [produced in C]."""
    tokens = split_tokens(text)
    i, hedged, count = 0, False, None
    while i < len(tokens) and (is_hedge(tokens[i]) or tokens[i].lower() in {"incl", "also", "mainly", "only"}):
        hedged = hedged or is_hedge(tokens[i])
        i += 1
    if i < len(tokens) and tokens[i].lower() in {"up", "some", "about", "at"}:
        return None  # "up to 24 ...", "some ...": no named platform follows reliably
    if i + 1 < len(tokens) and NUMBER.match(tokens[i]) and not CALIBRE.match(tokens[i + 1]):
        if tokens[i + 1].lower().strip(",.") in TIME_WORDS:
            return None
        count = int(tokens[i])
        i += 1
    while i < len(tokens) and (
        tokens[i] in ADJECTIVES
        or tokens[i] in DEMONYMS
        or tokens[i].lower() in ("second-hand", "ex-soviet", "ex-russian")
    ):
        i += 1
    name: list[str] = []
    aliases: list[str] = []
    while i < len(tokens):
        token = tokens[i]
        if token.startswith("("):
            if not name:
                return None
            aliases.extend(alias_names(token))
            i += 1
            break
        if not _name_token(token) or (not name and token.lower().strip(",.") in NOT_NAMES):
            break
        if name and CALIBRE.match(token):
            name.append(token)
            i += 1
            continue
        name.append(token.strip(",.:"))
        i += 1
    if not name or CALIBRE.match(name[0]):
        return None
    rest = tokens[i:]
    category_words: list[str] = []
    for token in rest:
        bare = token.strip(",.:")
        if bare.lower() in ITEM_STOPS or token.startswith("("):
            break
        category_words.append(bare)
    category = " ".join(category_words) or None
    plain_name = " ".join(name)
    if plain_name in states or STATE_ALIASES.get(plain_name) in states:
        return None
    state = None
    tail = " ".join(rest[len(category_words) :])
    match = re.match(r"(?:\([^)]*\)\s*)?(?:(?:produced|built|assembled|made|manufactured)\s+in|from)\s+(.+)", tail)
    if match:
        state = state_at(match.group(1), states)
    return _Item(plain_name, tuple(aliases), count, category, state, hedged)


def _plausible(item: _Item) -> bool:
    """A plain word ("for Coast Guard") is a platform only with a category noun or an alias."""
    return any(c.isdigit() for c in item.name) or item.category is not None or bool(item.aliases)


def _parse_list(text: str, states: frozenset[str], designation: str) -> list[_Item]:
    """The platforms of "A and 3 B (C) frigates produced in X": the last category and state apply to all."""
    items = [item for item in (_parse_item(part, states) for part in split_list(text)) if item is not None]
    for index in range(len(items) - 2, -1, -1):
        later = items[index + 1]
        if items[index].category is None:
            items[index].category = later.category
        if items[index].state is None:
            items[index].state = later.state
    return [item for item in items if _plausible(item) and not _same_name(item.name, designation)]


# -- dependencies ---------------------------------------------------------------------------------

_FOR = re.compile(r"\bfor\b", re.IGNORECASE)
_FOR_PREFIX = re.compile(
    r"^(?:use\s+(?:with|on|in)|modernization\s+of|modification\s+of|modernisation\s+of|upgrade\s+of|"
    r"upgrading\s+of|refit\s+of|installation\s+on|installation\s+in|fitting\s+(?:on|to)|"
    r"production\s+of|re-?engining\s+of|replacement\s+of\s+\w+\s+(?:on|in))\s+",
    re.IGNORECASE,
)
_VERSION = re.compile(r"(?:^|\bincl\s+)([A-Z0-9][^\s;()]*(?:\s+\([^)]*\))?)(?:\s+[a-z][\w/-]*)*\s+version\b")
_NOT_PLATFORM_START = frozenset(
    {"training", "evaluation", "export", "testing", "tests", "trials", "use", "spares", "components"}
)


def _dependencies(
    clause: str, states: frozenset[str], designation: str, inherited_hedge: bool
) -> tuple[list[Dependency], bool]:
    """Dependencies in one clause; and whether its list runs on (no category noun closed it)."""
    out: list[Dependency] = []
    open_list = False
    for match in _FOR.finditer(clause):
        before = clause[: match.start()]
        after_for = clause[match.end() :].strip()
        if NOT_DEPENDENCY.search(before.rstrip()) and not (
            before.rstrip().endswith("deal") and _FOR_PREFIX.match(after_for)
        ):
            continue
        # "for" inside a parenthesis that says something else ("(planned for 2020)") still counts
        hedged = inherited_hedge or any(is_hedge(w) for w in re.split(r"\s+", _last_phrase(before)))
        after = clause[match.end() :].strip()
        prefix = _FOR_PREFIX.match(after)
        if prefix:
            after = after[prefix.end() :]
        after = (
            re.split(r"\bfor\b|\bincl\b|\bwith\b(?! kits)", after, maxsplit=1)[0]
            if not prefix
            else re.split(r"\bfor\b|\bincl\b", after, maxsplit=1)[0]
        )
        if not after or after.split()[0].lower() in _NOT_PLATFORM_START:
            continue
        version = _version_in(before)
        parts = split_list(after)
        for item in [
            item for part in re.split(r"\s+on\s+(?=\d|[A-Z])", after) for item in _parse_list(part, states, designation)
        ]:
            out.append(
                Dependency(
                    item.name,
                    item.aliases,
                    item.count,
                    item.category,
                    item.state,
                    hedged or item.hedged,
                    version,
                    clause,
                )
            )
        if parts:
            last = _parse_item(parts[-1], states)
            open_list = last is not None and last.category is None
    return out, open_list


def _last_phrase(before: str) -> str:
    """The words just before a trigger that can hedge it (back to the last comma or parenthesis)."""
    return re.split(r"[,(]", before)[-1]


def _version_in(text: str) -> str | None:
    match = _VERSION.search(text)
    if match is None:
        return None
    return re.sub(r"\s+\([^)]*\)", "", match.group(1)).strip(",.: ")


def _same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


def name_key(name: str) -> str:
    """The key names are compared by: case, spaces, hyphens, dots and slashes ignored.

    >>> name_key("Type 052D") == name_key("type-052d")
    True
    """
    return re.sub(r"[\s\-./]", "", name).casefold()


# -- derivations ----------------------------------------------------------------------------------

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "DerivedDesign",
        re.compile(r"\btechnology\s+(?:was\s+)?used\s+(?:in|for)\s+(?:the\s+)?development\s+of\s+", re.IGNORECASE),
    ),
    (
        "ReverseEngineering",
        re.compile(
            r"\b(?:illegal(?:ly)?\s+)?cop(?:ied|y|ies)\b|\bwithout\s+(?:a\s+)?"
            r"(?:\w+\s+)?licen[cs]e\b",
            re.IGNORECASE,
        ),
    ),
    (
        "LicensedProduction",
        re.compile(
            r"\bassembl(?:ed|y)\s*(?:/|\s+or\s+)\s*produc(?:ed|tion)\b|\bunder\s+(?:\w+\s+)?licen[cs]e\b|"
            r"\blicen[cs]ed\s+production\b|\blicen[cs]e[d]?[- ]produc|\bdesigned\s+for\s+production\s+in\b|"
            r"\bproduction\s+line\b",
            re.IGNORECASE,
        ),
    ),
    ("KitAssembly", re.compile(r"\bassembled\b|\bassembly\s+(?:in|from|of)\b|\bkits?\b", re.IGNORECASE)),
]
_PRODUCED_IN = re.compile(
    r"^(?:(?:incl|most|more|all|some|\d+|later|partly|also|locally|probably|possibly|"
    r"reportedly)\s+)*(?:production|produced|built|manufactured)\s+in\s+",
    re.IGNORECASE,
)
_PRODUCTION_LINE = re.compile(r"\b[Ff]rom\s+(?:the\s+)?([A-Z][A-Za-z]*(?:\s+[A-Z][A-Za-z]*)?)\s+production\s+line")
_DESIGNATION = re.compile(r"\b([A-Z][A-Za-z]+(?:\s+[A-Z][a-z]+)?)\s+designations?\s+")


def _derivations(clause: str, states: frozenset[str]) -> list[Derivation]:
    """The derivations one clause states (at most one per kind)."""
    out: list[Derivation] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(clause):
            if any(a <= match.start() < b for a, b in taken):
                continue  # "assembled/produced under licence" is one licensed production
            text = match.group(0).lower()
            if kind == "LicensedProduction" and text.startswith("assembl") and re.search(r"\bkits?\b", clause):
                kind = "KitAssembly"  # "assembled/produced in China from kits"
            taken.append((match.start(), match.end()))
            out += _derivation(kind, clause, match, states)
            break  # one relation per kind per clause: later matches restate it
    if not any(d.derivation == "LicensedProduction" for d in out):
        produced = _PRODUCED_IN.match(clause)
        if produced and state_at(clause[produced.end() :], states):
            out += _derivation("LicensedProduction", clause, produced, states)
    return out


def _derivation(kind: str, clause: str, match: re.Match[str], states: frozenset[str]) -> list[Derivation]:
    hedged = _hedged_before(clause, match.start())
    tail = clause[match.start() :]
    state = _state_after_in(tail, states)
    products: list[tuple[str, tuple[str, ...]]] = []
    if kind == "DerivedDesign":
        products = names_at(clause[match.end() :])
    elif "production line" in match.group(0).lower():
        line = _PRODUCTION_LINE.search(clause)
        if line is None:
            return []
        state = demonym_state(line.group(1), "", "") or state_at(line.group(1), states)
        version = _version_in(clause[: match.start()])
        products = [(version, ())] if version else []
    else:
        as_match = re.search(r"\bas\s+(?=[A-Z0-9])", tail[:160])
        products = names_at(tail[as_match.end() :]) if as_match else []
    if not products:
        products = [("", ())]
    return [Derivation(kind, name or None, aliases, state, hedged, clause) for name, aliases in products]


def _hedged_before(clause: str, position: int) -> bool:
    start = max(clause.rfind("(", 0, position), 0)
    words = re.split(r"\s+", clause[start:position])
    return any(is_hedge(word) for word in words)


def _state_after_in(text: str, states: frozenset[str]) -> str | None:
    match = re.search(r"\bin\s+([A-Z][^;,()]*)", text[:120])
    return state_at(match.group(1), states) if match else None


# -- the comment ----------------------------------------------------------------------------------

# A comment without any of these words states no relation (most say "second-hand", "aid", a deal's value).
_TRIGGERS = re.compile(r"for\b|licen|cop[yi]|kit|assembl|produc|technology|line\b|built|manufactur", re.IGNORECASE)


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
    clauses = split_clauses(comment)
    relations: list[Relation] = []
    version = None
    open_list, open_count, open_hedge, open_version = False, False, False, None
    for clause in clauses:
        clause_version = _version_in(clause)
        if clause_version and not _FOR.search(clause):
            version = version or clause_version
        continued: list[Dependency] = []
        starts_item = (open_list and clause[:1].isupper()) or (open_count and re.match(r"\d+ [A-Z]", clause))
        if (
            starts_item
            and "version" not in clause
            and not re.match(
                r"(?:Incl|For|Probably|Possibly|Second|Aid|Part|Ordered|Delivered|Produced|Assembled|Designation)\b",
                clause,
            )
        ):
            for item in _parse_list(clause, states, designation):
                continued.append(
                    Dependency(
                        item.name,
                        item.aliases,
                        item.count,
                        item.category,
                        item.state,
                        open_hedge or item.hedged,
                        open_version,
                        clause,
                    )
                )
            last = _parse_item(split_list(clause)[-1], states)
            open_list = last is not None and last.category is None
        else:
            open_list = open_count = False
        if continued:
            relations.extend(continued)
            continue
        dependencies, runs_on = _dependencies(clause, states, designation, False)
        relations.extend(dependencies)
        if dependencies:
            open_list, open_hedge = runs_on, dependencies[-1].hedged
            open_count = dependencies[-1].count is not None
            open_version = dependencies[-1].version
        relations.extend(_derivations(clause, states))
    relations = _with_designations(relations, comment, recipient, supplier, states)
    return tuple(_with_version(relation, version) for relation in relations)


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
