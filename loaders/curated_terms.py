"""Terms and literal conversions for the curated-facts loader.

The controlled vocabularies (concept names by scheme) and the ontology's property names are read
once from ``ontology/vocabularies.ttl`` and ``ontology/dragonbear.ttl``; the functions below turn
TOML values (dates, decimals, titles) into pyoxigraph terms. Each converter raises ``ValueError``
with a message meant for the data author; the loader turns it into a ``LoadError``.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

import dragonbear.ontology
from dragonbear.namespaces import DBR, DGB, OWL, RDF, SKOS, WD, XSD

__all__ = [
    "Vocabulary",
    "confidence_level",
    "convert_count",
    "convert_date",
    "convert_decimal",
    "convert_year",
    "dbpedia_iri",
    "dgb_term",
    "load_vocabulary",
    "wikidata_iri",
    "xsd_type",
]

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
# Characters that may not stand raw in an IRI path segment (plus '/' which would split the title).
_IRI_UNSAFE = set('/?#%<>"{}|\\^`[]')


@dataclass(frozen=True)
class Vocabulary:
    """The names the curated format may use, read from the ontology files.

    Attributes:
        concepts: concept scheme local name (``SystemCategory``) -> local names of its concepts.
        properties: local names of the ontology's properties (for a claim's ``predicate``).
    """

    concepts: dict[str, frozenset[str]]
    properties: frozenset[str]

    def has_concept(self, scheme: str, name: str) -> bool:
        """Return whether ``name`` is a concept of ``scheme``."""
        return name in self.concepts.get(scheme, frozenset())


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """Read concept schemes and property names from the package's ontology files.

    Returns:
        The vocabulary, cached after the first call.

    >>> "FighterAircraft" in load_vocabulary().concepts["SystemCategory"]
    True
    """
    ontology_dir = Path(dragonbear.ontology.__file__).parent
    in_scheme = ox.NamedNode(SKOS + "inScheme")
    concepts: dict[str, set[str]] = {}
    for triple in ox.parse(path=ontology_dir / "vocabularies.ttl", format=ox.RdfFormat.TURTLE):
        if triple.predicate == in_scheme and isinstance(triple.object, ox.NamedNode):
            scheme = triple.object.value.removeprefix(DGB)
            concepts.setdefault(scheme, set()).add(triple.subject.value.removeprefix(DGB))
    property_types = {ox.NamedNode(OWL + name) for name in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty")}
    rdf_type = ox.NamedNode(RDF + "type")
    properties = {
        t.subject.value.removeprefix(DGB)
        for t in ox.parse(path=ontology_dir / "dragonbear.ttl", format=ox.RdfFormat.TURTLE)
        if t.predicate == rdf_type and t.object in property_types and t.subject.value.startswith(DGB)
    }
    return Vocabulary({k: frozenset(v) for k, v in concepts.items()}, frozenset(properties))


@lru_cache(maxsize=1024)
def dgb_term(local: str) -> ox.NamedNode:
    """Return the ontology term ``dgb:{local}``.

    >>> dgb_term("Asserts").value
    'https://w3id.org/dragonbear/ontology#Asserts'
    """
    return ox.NamedNode(DGB + local)


@lru_cache(maxsize=64)
def xsd_type(local: str) -> ox.NamedNode:
    """Return the datatype ``xsd:{local}``."""
    return ox.NamedNode(XSD + local)


def convert_date(value: object) -> tuple[ox.Literal, int]:
    """Convert ``"1998"``, ``"2018-09"`` or ``"2018-09-11"`` to a typed literal and its year.

    Args:
        value: a string; a TOML date or a bare integer year are accepted too.

    Returns:
        The ``xsd:gYear``/``xsd:gYearMonth``/``xsd:date`` literal and the year as an int.

    Raises:
        ValueError: the value is not a date in one of the three forms.

    >>> lit, year = convert_date("2018-09")
    >>> lit.value, lit.datatype.value.rsplit("#")[1], year
    ('2018-09', 'gYearMonth', 2018)
    >>> convert_date(datetime.date(882, 1, 10))
    Traceback (most recent call last):
    ValueError: bad date datetime.date(882, 1, 10): the year must be from 1000 to 9999
    """
    text = value
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        text = value.isoformat()
    elif isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        text = str(value)
    match = _DATE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f'bad date {value!r}: write "1998", "2018-09" or "2018-09-11"')
    year, month, day = match.groups()
    if int(year) < 1000:  # dgb:startYear and dgb:endYear are years from 1000 to 9999 (convert_year)
        raise ValueError(f"bad date {value!r}: the year must be from 1000 to 9999")
    try:
        datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"bad date {value!r}: no such month or day") from None
    datatype = "date" if day else "gYearMonth" if month else "gYear"
    return ox.Literal(match.group(0), datatype=xsd_type(datatype)), int(year)


def convert_decimal(value: object) -> ox.Literal:
    """Convert a TOML number to an ``xsd:decimal`` literal.

    Raises:
        ValueError: the value is not a finite number.

    >>> convert_decimal(0.8).value
    '0.8'
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"expected a number, got {value!r}")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return ox.Literal(format(number, "f"), datatype=xsd_type("decimal"))


def convert_year(value: object) -> ox.Literal:
    """Convert a TOML integer year to an ``xsd:integer`` literal.

    Raises:
        ValueError: the value is not an integer from 1000 to 9999.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 9999:
        raise ValueError(f"expected a year as an integer such as 1998, got {value!r}")
    return ox.Literal(str(value), datatype=xsd_type("integer"))


def convert_count(value: object) -> ox.Literal:
    """Convert a TOML integer count to an ``xsd:nonNegativeInteger`` literal.

    Raises:
        ValueError: the value is not a non-negative integer.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a non-negative integer, got {value!r}")
    return ox.Literal(str(value), datatype=xsd_type("nonNegativeInteger"))


def confidence_level(value: float) -> str:
    """Return the ConfidenceLevel concept name for a confidence from 0 to 1.

    >>> confidence_level(0.8), confidence_level(0.6), confidence_level(0.3)
    ('HighConfidence', 'ModerateConfidence', 'LowConfidence')
    """
    if value >= 0.8:
        return "HighConfidence"
    return "ModerateConfidence" if value >= 0.5 else "LowConfidence"


def dbpedia_iri(title: str) -> ox.NamedNode:
    """Return the DBpedia resource of an English Wikipedia title, with ``/`` encoded as ``%2F``.

    Raises:
        ValueError: the title is empty.

    >>> dbpedia_iri("CAC/PAC_JF-17_Thunder").value
    'http://dbpedia.org/resource/CAC%2FPAC_JF-17_Thunder'
    >>> dbpedia_iri("Су-27\x95\x7f").value  # a control character is encoded like the unsafe ones
    'http://dbpedia.org/resource/Су-27%C2%95%7F'
    """
    title = title.strip().replace(" ", "_")
    if not title:
        raise ValueError("empty DBpedia title")
    encoded = "".join(
        ch if ch not in _IRI_UNSAFE and _in_iri(ord(ch)) else "".join(f"%{byte:02X}" for byte in ch.encode("utf-8"))
        for ch in title
    )
    return ox.NamedNode(DBR + encoded)


# The characters an IRI's path may hold unencoded besides printable ASCII: RFC 3987's ``ucschar``.
_UCSCHAR = (
    (0xA0, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFEF),
    *((plane, plane + 0xFFFD) for plane in range(0x10000, 0xE0000, 0x10000)),
    (0xE1000, 0xEFFFD),
)


def _in_iri(code: int) -> bool:
    """Whether the character ``code`` may stand unencoded in an IRI's path (controls, surrogates,
    private use and non-characters may not)."""
    return 0x21 <= code <= 0x7E or any(low <= code <= high for low, high in _UCSCHAR)


def wikidata_iri(qid: object) -> ox.NamedNode:
    """Return the Wikidata entity IRI of ``qid``.

    Raises:
        ValueError: ``qid`` does not match ``^Q[1-9][0-9]*$``.

    >>> wikidata_iri("Q159").value
    'http://www.wikidata.org/entity/Q159'
    """
    if not isinstance(qid, str) or not _QID.match(qid):
        raise ValueError(f'bad Wikidata id {qid!r}: expected Q followed by digits, such as "Q159"')
    return ox.NamedNode(WD + qid)
