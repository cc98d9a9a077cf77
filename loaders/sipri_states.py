"""SIPRI's names of states, and the names and demonyms its comments use for them.

:func:`known_states` is every state SIPRI names (the recipients of ``regions.csv``, the suppliers and
former states); :func:`state_at` and :func:`demonym_state` find one at the start of a phrase or behind
an adjective ("Chinese designation"). Used by the comment reader (:mod:`dragonbear.loaders.sipri_comments`)
and the relation writer.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

__all__ = [
    "DEMONYMS",
    "OTHER_STATES",
    "STATE_ALIASES",
    "demonym_state",
    "known_states",
    "state_at",
]

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
