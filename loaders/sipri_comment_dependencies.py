"""Dependencies a SIPRI comment states: the deal's item is for a named platform.

"for 50 Type-054A (Jiangkai-2) frigates produced in China", "spare engines for Mi-24 combat
helicopters", "for use with S-75 (SA-2) SAM systems": each names platforms, with their number, their
state and the version of the item fitted ("RD-93 version; for JF-17"). Read clause by clause for
:func:`dragonbear.loaders.sipri_comments.read_comment`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dragonbear.loaders.sipri_comment_names import find_version, read_platform, read_platforms, split_list
from dragonbear.loaders.sipri_comment_words import NOT_DEPENDENCY, is_hedge

__all__ = ["FOR_WORD", "Dependency", "read_dependencies"]


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


FOR_WORD = re.compile(r"\bfor\b", re.IGNORECASE)
_FOR_PREFIX = re.compile(
    r"^(?:use\s+(?:with|on|in)|modernization\s+of|modification\s+of|modernisation\s+of|upgrade\s+of|"
    r"upgrading\s+of|refit\s+of|installation\s+on|installation\s+in|fitting\s+(?:on|to)|"
    r"production\s+of|re-?engining\s+of|replacement\s+of\s+\w+\s+(?:on|in))\s+",
    re.IGNORECASE,
)
_NOT_PLATFORM_START = frozenset(
    {"training", "evaluation", "export", "testing", "tests", "trials", "use", "spares", "components"}
)


def read_dependencies(
    clause: str, states: frozenset[str], designation: str, inherited_hedge: bool
) -> tuple[list[Dependency], bool]:
    """Dependencies in one clause; and whether its list runs on (no category noun closed it)."""
    out: list[Dependency] = []
    open_list = False
    for match in FOR_WORD.finditer(clause):
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
        version = find_version(before)
        parts = split_list(after)
        for item in [
            item
            for part in re.split(r"\s+on\s+(?=\d|[A-Z])", after)
            for item in read_platforms(part, states, designation)
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
            last = read_platform(parts[-1], states)
            open_list = last is not None and last.category is None
    return out, open_list


def _last_phrase(before: str) -> str:
    """The words just before a trigger that can hedge it (back to the last comma or parenthesis)."""
    return re.split(r"[,(]", before)[-1]
