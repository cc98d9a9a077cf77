"""Derivations a SIPRI comment states: the deal's item was produced, assembled or copied elsewhere.

"Incl production under licence in China as WS-9 and WS-9A", "assembled from kits; Chinese designation
J-11": the kind of derivation, the producing state and the product, if named. Read clause by clause
for :func:`dragonbear.loaders.sipri_comments.read_comment`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dragonbear.loaders.sipri_comment_names import find_version, names_at
from dragonbear.loaders.sipri_comment_words import is_hedge
from dragonbear.loaders.sipri_states import demonym_state, state_at

__all__ = ["Derivation", "read_derivations"]


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


def read_derivations(clause: str, states: frozenset[str]) -> list[Derivation]:
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
        version = find_version(clause[: match.start()])
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
