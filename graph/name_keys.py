"""Search keys of names: one spelling-blind form per name, shared by the resolver and the graph.

A name's **key** is its text with width folded (NFKC), lowercased, and everything but letters and
digits removed, so ``"Su-27"``, ``"SU 27"`` and ``"su27"`` share the key ``su27``; Cyrillic and
Chinese stay as they are (``"Су-27"`` → ``су27``, ``"歼-11"`` → ``歼11``). Without NFKC this is
exactly what SPARQL computes with ``LCASE(REPLACE(?text, "[^\\\\p{L}\\\\p{N}]", ""))``, so a query
can normalize its search text the same way on any SPARQL 1.1 server.

A name also has a **Latin key** when it holds Cyrillic letters or a PLA designation prefix: the key
transliterated (a simplified BGN/PCGN romanization, ``"Су-27"`` → ``su27``, ``"Фланкер"`` →
``flanker``; ``"歼-11"`` → ``j11``). The resolver compares keys and Latin keys; the build stores both
as ``dgb:nameKey`` (see :mod:`dragonbear.graph.derive` and docs/decisions/0014-name-search.md).

A name in Chinese characters also has **pinyin keys**, for the resolver only: its key read in
pinyin by the pypinyin library (its dictionary of single characters and phrases, so every Chinese
name, not only the PLA prefixes), without tones (``"歼-11"`` → ``jian11``) and, for a search text
that is the whole name, with tone numbers (``jian111``); a name in Latin letters with tone marks or accents has its key without them
(``"Jiān-11"`` → ``jian11``). :func:`query_pinyin` reads a search text the same way, so ``jian-11``,
``jiān 11``, ``Jian11`` and the traditional ``殲-11`` all meet ``歼-11``.

:data:`NAME_KINDS` lists the properties that name an entity, strongest attachment first; the
resolver breaks ties with this order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from dragonbear.namespaces import DGB, RDFS, SKOS

__all__ = [
    "ENTITY_FILTER",
    "NAMES_QUERY",
    "NAME_KINDS",
    "NameKind",
    "has_han",
    "latin_key",
    "name_keys",
    "normalize_name",
    "pinyin_keys",
    "pinyin_tone_key",
    "query_pinyin",
    "toneless",
]


@dataclass(frozen=True)
class NameKind:
    """How a name is attached to its entity: the property, a readable kind and its tie-break rank."""

    prop: str
    kind: str
    rank: int
    primary: bool = False


NAME_KINDS: dict[str, NameKind] = {
    k.prop: k
    for k in (
        NameKind(SKOS + "prefLabel", "preferred label", 0, primary=True),
        NameKind(RDFS + "label", "label", 1, primary=True),
        NameKind(DGB + "natoReportingName", "NATO reporting name", 2),
        NameKind(DGB + "designation", "designation", 3),
        NameKind(SKOS + "altLabel", "alternative name", 4),
        NameKind(DGB + "sipriDesignation", "SIPRI designation", 5),
        NameKind(DGB + "sipriName", "SIPRI name", 6),
        NameKind(SKOS + "hiddenLabel", "spelling variant", 7),
    )
}

# Named entities: everything under id: but transfers (statements named by their row) and
# attestations (fragments of a statement's IRI).
ENTITY_FILTER = "isIRI(?entity) && STRSTARTS(STR(?entity), STR(id:)) && !STRSTARTS(STR(?entity), STR(transfer:))"
NAMES_QUERY = f"""
SELECT ?entity ?name ?prop WHERE {{
  VALUES ?prop {{ {" ".join(f"<{p}>" for p in NAME_KINDS)} }}
  ?entity ?prop ?name .
  FILTER({ENTITY_FILTER} && isLiteral(?name))
}}"""
"""Every name of every named entity, with the property that attaches it (prefixes of PREFIXES)."""

# Russian and Ukrainian Cyrillic, romanized letter by letter (BGN/PCGN, simplified: no diacritics,
# ё as e, й and ы as y, hard and soft signs dropped).
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
            "i",
            "yi",
            "ye",
            "g",
        ],
        strict=True,
    )
)
# The letters of PLA type designations (歼-11 is J-11): fighter, bomber, transport, helicopter,
# attack; surface-to-air, anti-ship and air-to-air missiles. Longest first.
_PLA_PREFIXES = (
    ("红旗", "hq"),
    ("鹰击", "yj"),
    ("霹雳", "pl"),
    ("歼", "j"),
    ("轰", "h"),
    ("运", "y"),
    ("直", "z"),
    ("强", "q"),
)


def normalize_name(text: str) -> str:
    """The key of a name: NFKC, lowercase, letters and digits only.

    Args:
        text: a name in any script.

    Returns:
        The key; empty when the name has no letter or digit.

    >>> normalize_name("J-11"), normalize_name("j 11"), normalize_name("Су-27"), normalize_name("歼-11")
    ('j11', 'j11', 'су27', '歼11')
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def latin_key(key: str) -> str:
    """A key (from :func:`normalize_name`) with Cyrillic and PLA designation prefixes romanized.

    Args:
        key: a normalized key.

    Returns:
        The romanized key (the key itself when there is nothing to romanize).

    >>> latin_key("су27ск"), latin_key("фланкер"), latin_key("歼11"), latin_key("j11")
    ('su27sk', 'flanker', 'j11', 'j11')
    """
    for han, latin in _PLA_PREFIXES:
        if key.startswith(han):
            key = latin + key[len(han) :]
            break
    return "".join(_CYRILLIC.get(ch, ch) for ch in key)


def name_keys(text: str) -> set[str]:
    """Every search key of a name: its key and, when different, its Latin key.

    >>> sorted(name_keys("Су-27"))
    ['su27', 'су27']
    >>> sorted(name_keys("Flanker-B"))
    ['flankerb']
    """
    key = normalize_name(text)
    return {k for k in (key, latin_key(key)) if k}


# CJK unified ideographs (with extension A and the supplementary planes) and compatibility ideographs.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def has_han(text: str) -> bool:
    """Whether ``text`` holds a Chinese character.

    >>> has_han("歼-11"), has_han("J-11"), has_han("Су-27")
    (True, False, False)
    """
    return _HAN.search(text) is not None


def toneless(key: str) -> str:
    """``key`` with the tone marks and accents of Latin letters dropped (``ü`` as ``u``); other scripts
    keep theirs (the breve of Cyrillic ``й`` is a letter, not an accent).

    >>> toneless("jiān11"), toneless("lüzhou"), toneless("йемен"), toneless("j11")
    ('jian11', 'luzhou', 'йемен', 'j11')
    """
    if key.isascii():
        return key
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", key):
        if unicodedata.combining(ch) and out and "a" <= out[-1] <= "z":
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _pinyin(key: str, *, numbers: bool = False) -> list[str]:
    """The Chinese characters of ``key`` in pinyin, a syllable each (pypinyin: without tones, or with
    tone numbers), the runs of other characters as they are."""
    from pypinyin import Style, lazy_pinyin  # imported on first use: its dictionaries take 0.4 s to load

    return lazy_pinyin(key, style=Style.TONE3 if numbers else Style.NORMAL, v_to_u=True, errors="default")


def pinyin_keys(key: str) -> tuple[str, ...]:
    """The other forms of a normalized key that a search in pinyin meets: for Chinese characters the key
    in pinyin without tones (``ü`` as ``u`` and as ``v``); for Latin letters with tone marks or accents
    the key without them. Empty when there is nothing to read otherwise.

    Args:
        key: a key from :func:`normalize_name`.

    Returns:
        The forms, each different from ``key``, without repeats.

    >>> pinyin_keys("歼11"), pinyin_keys("绿洲")
    (('jian11',), ('luzhou', 'lvzhou'))
    >>> pinyin_keys("jiān11"), pinyin_keys("j11"), pinyin_keys("су27")
    (('jian11',), (), ())
    """
    if not has_han(key):
        plain = toneless(key)
        return (plain,) if plain != key else ()
    syllables = "".join(_pinyin(key))
    forms = (toneless(syllables), syllables.replace("ü", "v"))
    return tuple(dict.fromkeys(f for f in forms if f and f != key))


def pinyin_tone_key(key: str) -> str:
    """A key in Chinese characters in pinyin with tone numbers (``ü`` as ``v``), else empty. Only a
    whole search text meets it: its digits would make ``jian1`` (歼, tone 1) the start of ``jian16``
    (歼-6).

    >>> pinyin_tone_key("歼11"), pinyin_tone_key("绿洲"), pinyin_tone_key("j11")
    ('jian111', 'lv4zhou1', '')
    """
    return "".join(_pinyin(key, numbers=True)).replace("ü", "v") if has_han(key) else ""


def query_pinyin(key: str) -> str:
    """A search text's key as :func:`pinyin_keys` writes names: Chinese characters in pinyin, no tones.

    >>> query_pinyin("jiān11"), query_pinyin("殲11"), query_pinyin("jian11")
    ('jian11', 'jian11', 'jian11')
    """
    return toneless("".join(_pinyin(key))) if has_han(key) else toneless(key)
