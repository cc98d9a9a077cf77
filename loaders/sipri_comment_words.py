"""The words SIPRI's comments are read with: hedges, category words, adjectives and stops, numbers.

Tables and small look-ups for :mod:`dragonbear.loaders.sipri_comments`; the names of states are in
:mod:`dragonbear.loaders.sipri_states`, the splitting of names and lists in
:mod:`dragonbear.loaders.sipri_comment_names`. Nothing here reads a whole comment.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

__all__ = [
    "ADJECTIVES",
    "CALIBRE",
    "CATEGORY_ACRONYMS",
    "HEDGES",
    "ITEM_STOPS",
    "NOT_DEPENDENCY",
    "NOT_NAMES",
    "NUMBER",
    "ORDINAL",
    "TIME_WORDS",
    "category_acronyms",
    "is_hedge",
]

HEDGES = frozenset(
    {
        "probably",
        "possibly",
        "reportedly",
        "uncertain",
        "unconfirmed",
        "presumably",
        "apparently",
        "may",
        "might",
        "perhaps",
        "unclear",
        "likely",
    }
)

# -- words --------------------------------------------------------------------------------------

# Capitalised words that open no platform name ("for Coast Guard", "for Royal Navy").
NOT_NAMES = frozenset(
    [
        "coast",
        "guard",
        "navy",
        "air",
        "army",
        "police",
        "presidential",
        "national",
        "royal",
        "marines",
        "marine",
        "border",
        "special",
        "forces",
        "force",
        "un",
        "nato",
        "government",
        "president",
        "ministry",
        "republican",
        "gendarmerie",
        "customs",
        "vip",
        "the",
        "a",
        "an",
        "its",
        "their",
        "ex",
        "former",
        "mdap",
        "fms",
        "eu",
        "ec",
        "nato's",
        "un's",
        "iaea",
        "opec",
        "pla",
        "usaf",
        "usn",
        "raf",
        "mod",
        "ir",
    ]
)
# Upper-case words that are categories, not names ("Wing Loong-2 UCAV").
CATEGORY_ACRONYMS = frozenset(
    [
        "sam",
        "sams",
        "ad",
        "fac",
        "facs",
        "apc",
        "apcs",
        "ifv",
        "ifvs",
        "arv",
        "arvs",
        "ucav",
        "ucavs",
        "uav",
        "uavs",
        "mbt",
        "mbts",
        "afv",
        "afvs",
        "aev",
        "aevs",
        "asw",
        "aew",
        "aew&c",
        "mrl",
        "mrls",
        "spg",
        "spgs",
        "ssm",
        "ssms",
        "opv",
        "opvs",
        "lst",
        "lsts",
        "lcm",
        "lcu",
        "aifv",
        "apv",
        "apvs",
        "aav",
        "aavs",
        "pc",
        "bvraam",
        "sraam",
        "abm",
        "mpa",
        "ags",
        "ciws",
        "atgm",
        "fga",
        "tel",
        "tels",
        "mlrs",
        "sp",
        "ssk",
        "ssn",
        "ssbn",
        "lhd",
        "lpd",
        "lha",
        "mcm",
        "ew",
        "sigint",
        "elint",
        "class",
        "classes",
        "version",
        "versions",
        "type-class",
        "aa",
        "av",
        "avs",
        "tank-destroyer",
        "cp",
    ]
)
ADJECTIVES = frozenset(
    [
        "modernized",
        "modernised",
        "modified",
        "new",
        "upgraded",
        "refitted",
        "former",
        "second-hand",
        "older",
        "existing",
        "additional",
        "the",
        "all",
        "its",
        "their",
        "some",
        "locally",
        "licence-produced",
        "licensed",
        "further",
        "more",
        "other",
        "planned",
    ]
)
ITEM_STOPS = frozenset(
    [
        "produced",
        "built",
        "from",
        "in",
        "with",
        "to",
        "modernized",
        "modernised",
        "and",
        "or",
        "but",
        "ordered",
        "delivered",
        "being",
        "operated",
        "on",
        "which",
        "that",
        "after",
        "before",
        "during",
        "since",
        "until",
        "planned",
        "as",
        "by",
        "of",
        "armed",
        "fitted",
        "used",
    ]
)
NOT_DEPENDENCY = re.compile(
    r"(?:replacement|exchange|compensation|payment|paid|option|waiting|used|money|funds?|credit|loan|"
    r"responsible|reason|reasons|known|sold|ordered|designed|developed|intended|selected|chosen|order|"
    r"requirement|competition|tender|programme|program|licence|license|aid|deal|\$[\d.,\- ]+\s*[mb])\s*$",
    re.IGNORECASE,
)
TIME_WORDS = frozenset({"years", "year", "months", "month", "days", "hours", "weeks"})
CALIBRE = re.compile(r"\d+(?:\.\d+)?mm$")
NUMBER = re.compile(r"\d{1,4}$")
ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)$", re.IGNORECASE)


def is_hedge(word: str) -> bool:
    return word.lower().strip("(),.:") in HEDGES or "?" in word


@functools.cache
def category_acronyms() -> frozenset[str]:
    """Upper-case words of SIPRI's weapon descriptions ("AALS", "UCAV"), with the hand-listed ones."""
    text = resources.files("dragonbear").joinpath("data", "sipri", "descriptions.csv").read_text(encoding="utf-8")
    words = {
        word.lower()
        for line in text.splitlines()[1:]
        for word in re.split(r"[\s/,]+", line.split(",", 1)[0])
        if word.isupper() and len(word) > 1
    }
    return frozenset(words) | CATEGORY_ACRONYMS
