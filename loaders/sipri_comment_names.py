"""The names in SIPRI's comments: tokens, aliases, lists, and the platforms a list names.

Splits text for :mod:`dragonbear.loaders.sipri_comments` and its readers of dependencies and
derivations: the names at the start of a phrase, the platforms of a list with their number, category
and state (:func:`read_platforms`), the version of an item, and the key names are compared by. It knows
no systems and returns names as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dragonbear.loaders.sipri_comment_words import (
    ADJECTIVES,
    CALIBRE,
    ITEM_STOPS,
    NOT_NAMES,
    NUMBER,
    ORDINAL,
    TIME_WORDS,
    category_acronyms,
    is_hedge,
)
from dragonbear.loaders.sipri_states import DEMONYMS, STATE_ALIASES, state_at

__all__ = [
    "LIST_SEPARATOR",
    "PlatformItem",
    "alias_names",
    "find_version",
    "name_key",
    "names_at",
    "read_platform",
    "read_platforms",
    "split_list",
    "split_tokens",
]


def split_tokens(text: str) -> list[str]:
    """Words, with a parenthesised group kept as one token."""
    if "(" not in text:
        return text.split()
    tokens: list[str] = []
    depth, current = 0, ""
    for char in text:
        if char == "(":
            if depth == 0 and current.strip():
                tokens.extend(current.split())
                current = ""
            depth += 1
            current += char
        elif char == ")" and depth:
            depth -= 1
            current += char
            if depth == 0:
                tokens.append(current.strip())
                current = ""
        elif char.isspace() and depth == 0:
            if current:
                tokens.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        tokens.extend(current.split() if depth == 0 else [current.strip()])
    return tokens


def alias_names(group: str) -> list[str]:
    """Names in a parenthesised alias: "(Jiangkai-2)", "(Luzhou or Shenyang)", "(SA-10)"."""
    inner = group.strip("()")
    if any(word in inner.lower().split() for word in ("for", "possibly", "probably", "incl", "version", "from")):
        return []
    parts = re.split(r"\s+or\s+|\s*/\s*|,\s*", inner)
    return [part.strip() for part in parts if part.strip() and part.strip()[0].isupper()]


LIST_SEPARATOR = re.compile(r" and |, | or | & ")


def split_list(text: str) -> list[str]:
    """Split "A and B" / "A, B" / "A or B" at depth 0."""
    if "(" not in text:
        return [part.strip() for part in LIST_SEPARATOR.split(text) if part.strip()]
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            for sep in (" and ", ", ", " or ", " & "):
                if text.startswith(sep, i):
                    parts.append(text[start:i])
                    start = i + len(sep)
                    i = start - 1
                    break
        i += 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def names_at(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The names at the start of ``text``: "WS-9 and WS-9A", "J-6 (F-6)", "A-36 Halcon and T-36 Halcon".

    >>> names_at("Kalyani M4; incl 30")
    [('Kalyani M4', ())]
    """
    out: list[tuple[str, tuple[str, ...]]] = []
    current: list[str] = []
    aliases: list[str] = []

    def close() -> None:
        if current:
            out.append((" ".join(current), tuple(aliases)))
        current.clear()
        aliases.clear()

    for token in split_tokens(text.split(";")[0]):
        bare = token.rstrip(",.:")
        if token.startswith("("):
            aliases.extend(alias_names(token))
            continue
        if bare in ("and", "or"):
            close()
            continue
        if not bare or not (bare[0].isupper() or bare[0].isdigit()) or bare.startswith("$"):
            break
        if bare.lower() in category_acronyms():
            break
        current.append(bare)
        if token != bare:  # a comma or full stop ends the name
            close()
    close()
    return out


def _name_token(token: str) -> bool:
    bare = token.strip(",.:")
    if not bare or ORDINAL.match(bare) or bare.startswith("$"):
        return False
    acronyms = category_acronyms()
    if bare.lower() in acronyms or bare.lower().rstrip("s") in acronyms:
        return False
    return bare[0].isupper() or bare[0].isdigit() or any(c.isdigit() for c in bare)


@dataclass(slots=True)
class PlatformItem:
    """One platform of a list, as written: its name and aliases, number, category noun, state and hedge."""

    name: str
    aliases: tuple[str, ...]
    count: int | None
    category: str | None
    state: str | None
    hedged: bool


def read_platform(text: str, states: frozenset[str]) -> PlatformItem | None:
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
    return PlatformItem(plain_name, tuple(aliases), count, category, state, hedged)


def _plausible(item: PlatformItem) -> bool:
    """A plain word ("for Coast Guard") is a platform only with a category noun or an alias."""
    return any(c.isdigit() for c in item.name) or item.category is not None or bool(item.aliases)


def read_platforms(text: str, states: frozenset[str], designation: str) -> list[PlatformItem]:
    """The platforms of "A and 3 B (C) frigates produced in X": the last category and state apply to all."""
    items = [item for item in (read_platform(part, states) for part in split_list(text)) if item is not None]
    for index in range(len(items) - 2, -1, -1):
        later = items[index + 1]
        if items[index].category is None:
            items[index].category = later.category
        if items[index].state is None:
            items[index].state = later.state
    return [item for item in items if _plausible(item) and not _same_name(item.name, designation)]


_VERSION = re.compile(r"(?:^|\bincl\s+)([A-Z0-9][^\s;()]*(?:\s+\([^)]*\))?)(?:\s+[a-z][\w/-]*)*\s+version\b")


def find_version(text: str) -> str | None:
    """The version of the deal's item that ``text`` names ("RD-93 version"), else None.

    >>> find_version("RD-93 version"), find_version("for JF-17")
    ('RD-93', None)
    """
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
