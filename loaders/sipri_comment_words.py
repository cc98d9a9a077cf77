"""The words SIPRI's comments are read with: hedges, category words, demonyms, state names, and names.

Tables, small look-ups and the splitting of names and lists for :mod:`dragonbear.loaders.sipri_comments`;
nothing here reads a whole comment.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

__all__ = [
    "ADJECTIVES",
    "CALIBRE",
    "CATEGORY_ACRONYMS",
    "DEMONYMS",
    "HEDGES",
    "ITEM_STOPS",
    "LIST_SEPARATOR",
    "NOT_DEPENDENCY",
    "NOT_NAMES",
    "NUMBER",
    "ORDINAL",
    "OTHER_STATES",
    "STATE_ALIASES",
    "TIME_WORDS",
    "alias_names",
    "category_acronyms",
    "demonym_state",
    "is_hedge",
    "known_states",
    "names_at",
    "split_list",
    "split_tokens",
    "state_at",
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
STATE_ALIASES = {
    "USA": "United States",
    "US": "United States",
    "UK": "United Kingdom",
    "FRG": "Germany",
    "GDR": "East Germany (GDR)",
    "East Germany": "East Germany (GDR)",
    "Turkey": "Turkiye",
    "Czechoslovakian": "Czechoslovakia",
    "USSR": "Soviet Union",
    "Yuguslavia": "Yugoslavia",
    "Chinese": "China",
    "Czech Republic": "Czechia",
    "South Korea": "South Korea",
    "Korea": "South Korea",
}
DEMONYMS = {
    "Chinese": "China",
    "Soviet": "Soviet Union",
    "Russian": "Russia",
    "Ukrainian": "Ukraine",
    "Indian": "India",
    "Pakistani": "Pakistan",
    "Iranian": "Iran",
    "Polish": "Poland",
    "Czechoslovak": "Czechoslovakia",
    "Czechoslovakian": "Czechoslovakia",
    "Czech": "Czechia",
    "Yugoslav": "Yugoslavia",
    "Yugoslavian": "Yugoslavia",
    "Egyptian": "Egypt",
    "North Korean": "North Korea",
    "South Korean": "South Korea",
    "Romanian": "Romania",
    "Bulgarian": "Bulgaria",
    "Hungarian": "Hungary",
    "Finnish": "Finland",
    "Turkish": "Turkiye",
    "GDR": "East Germany (GDR)",
    "Japanese": "Japan",
    "Brazilian": "Brazil",
    "Argentinian": "Argentina",
    "Argentine": "Argentina",
    "Israeli": "Israel",
    "Iraqi": "Iraq",
    "Syrian": "Syria",
    "Algerian": "Algeria",
    "Libyan": "Libya",
    "Belarusian": "Belarus",
    "Kazakh": "Kazakhstan",
    "Vietnamese": "Viet Nam",
    "Indonesian": "Indonesia",
    "Myanmar": "Myanmar",
    "Thai": "Thailand",
    "Bangladeshi": "Bangladesh",
    "Sri Lankan": "Sri Lanka",
    "Spanish": "Spain",
    "Italian": "Italy",
    "French": "France",
    "German": "Germany",
    "British": "United Kingdom",
    "American": "United States",
    "Dutch": "Netherlands",
    "Swedish": "Sweden",
    "Australian": "Australia",
    "Canadian": "Canada",
    "Swiss": "Switzerland",
    "Greek": "Greece",
    "Portuguese": "Portugal",
    "Nigerian": "Nigeria",
    "Sudanese": "Sudan",
    "Ethiopian": "Ethiopia",
    "Angolan": "Angola",
    "Venezuelan": "Venezuela",
    "Peruvian": "Peru",
    "Chilean": "Chile",
    "Mexican": "Mexico",
    "Malaysian": "Malaysia",
    "Singaporean": "Singapore",
    "Philippine": "Philippines",
    "Saudi": "Saudi Arabia",
    "Emirati": "UAE",
    "Jordanian": "Jordan",
    "Moroccan": "Morocco",
    "Tunisian": "Tunisia",
    "Afghan": "Afghanistan",
    "Mongolian": "Mongolia",
    "Cuban": "Cuba",
    "Serbian": "Serbia",
    "Croatian": "Croatia",
    "Slovak": "Slovakia",
    "Slovakian": "Slovakia",
    "Georgian": "Georgia",
    "Armenian": "Armenia",
    "Azerbaijani": "Azerbaijan",
    "Uzbek": "Uzbekistan",
    "Turkmen": "Turkmenistan",
    "Kyrgyz": "Kyrgyzstan",
    "Tajik": "Tajikistan",
    "Austrian": "Austria",
    "Belgian": "Belgium",
    "Norwegian": "Norway",
    "Danish": "Denmark",
    "Irish": "Ireland",
    "Colombian": "Colombia",
    "Ecuadorian": "Ecuador",
    "Bolivian": "Bolivia",
    "Uruguayan": "Uruguay",
    "Paraguayan": "Paraguay",
    "Cambodian": "Cambodia",
    "Lao": "Laos",
    "Laotian": "Laos",
    "Nepalese": "Nepal",
    "Kenyan": "Kenya",
    "Tanzanian": "Tanzania",
    "Ugandan": "Uganda",
    "Zambian": "Zambia",
    "Zimbabwean": "Zimbabwe",
    "Ghanaian": "Ghana",
    "Cameroonian": "Cameroon",
    "Omani": "Oman",
    "Qatari": "Qatar",
    "Kuwaiti": "Kuwait",
    "Bahraini": "Bahrain",
    "Yemeni": "Yemen",
    "Lebanese": "Lebanon",
    "Taiwanese": "Taiwan",
    "East German": "East Germany (GDR)",
    "West German": "Germany",
    "South African": "South Africa",
    "New Zealand": "New Zealand",
    "Estonian": "Estonia",
    "Latvian": "Latvia",
    "Lithuanian": "Lithuania",
    "Slovenian": "Slovenia",
    "Albanian": "Albania",
}


# SIPRI's names of states that supply arms, or that regions.csv (the recipients of Russia's and China's
# arms) does not list.
OTHER_STATES = frozenset(
    {
        "Soviet Union",
        "Czechoslovakia",
        "Yugoslavia",
        "East Germany (GDR)",
        "United States",
        "United Kingdom",
        "Russia",
        "China",
        "Ukraine",
        "Germany",
        "France",
        "Italy",
        "Israel",
        "Sweden",
        "Spain",
        "Canada",
        "Antigua and Barbuda",
        "Aruba",
        "Barbados",
        "Belgium",
        "Belize",
        "Bhutan",
        "Biafra",
        "Brunei",
        "Chile",
        "Comoros",
        "Costa Rica",
        "Denmark",
        "Dominican Republic",
        "El Salvador",
        "Estonia",
        "Fiji",
        "Guatemala",
        "Haiti",
        "Honduras",
        "Iceland",
        "Ireland",
        "Jamaica",
        "Japan",
        "Katanga",
        "Kiribati",
        "Kosovo",
        "Lesotho",
        "Liberia",
        "Luxembourg",
        "Maldives",
        "Malta",
        "Marshall Islands",
        "Mauritius",
        "Micronesia",
        "Moldova",
        "Montenegro",
        "Netherlands",
        "New Zealand",
        "Northern Cyprus",
        "Norway",
        "Palau",
        "Panama",
        "Paraguay",
        "Philippines",
        "Portugal",
        "Saint Kitts and Nevis",
        "Saint Vincent",
        "Samoa",
        "Solomon Islands",
        "South Vietnam",
        "Suriname",
        "Switzerland",
        "Taiwan",
        "Tonga",
        "Tuvalu",
        "Vanuatu",
        "eSwatini",
    }
)


@functools.cache
def known_states() -> frozenset[str]:
    """SIPRI's names of states (the recipients of ``regions.csv``, plus former states).

    >>> "China" in known_states(), "Soviet Union" in known_states()
    (True, True)
    """
    text = resources.files("dragonbear").joinpath("data", "sipri", "regions.csv").read_text(encoding="utf-8")
    names = {line.split(",", 1)[0].strip() for line in text.splitlines()[1:] if line and not line.startswith("#")}
    names |= OTHER_STATES
    return frozenset(name for name in names if name and not name.endswith("*") and name != "recipient")


def is_hedge(word: str) -> bool:
    return word.lower().strip("(),.:") in HEDGES or "?" in word


def state_at(text: str, states: frozenset[str]) -> str | None:
    """The state named at the start of ``text`` ("China for ...", "South Korea"), else None."""
    words = re.findall(r"[A-Za-z][A-Za-z'\-]*", text[:60])
    for n in (3, 2, 1):
        name = " ".join(words[:n])
        name = STATE_ALIASES.get(name, name)
        if name in states:
            return name
    return None


def demonym_state(adjective: str, recipient: str, supplier: str) -> str | None:
    if adjective in DEMONYMS:
        return DEMONYMS[adjective]
    for state in (recipient, supplier):
        if len(adjective) >= 4 and state[:4].lower() == adjective[:4].lower():
            return state
    return None


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
