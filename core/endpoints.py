"""Remote SPARQL endpoint IRIs: their normal form and the federation allowlist read from settings.

Here rather than in :mod:`dragonbear.graph.federation` (which checks the ``SERVICE`` calls of a query
against the allowlist) because the settings read the allowlist, and settings import no layer.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from dragonbear.errors import UsageError

__all__ = ["DEFAULT_ALLOWLIST", "normalize_endpoint", "parse_allowlist"]

DEFAULT_ALLOWLIST: tuple[str, ...] = ("https://query.wikidata.org/sparql", "https://dbpedia.org/sparql")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_endpoint(iri: str) -> str:
    """The endpoint IRI with its scheme and host in lower case and without a default port.

    Raises:
        UsageError: ``iri`` is not an absolute ``http`` or ``https`` IRI with a host.

    >>> normalize_endpoint("HTTPS://Query.Wikidata.org:443/sparql")
    'https://query.wikidata.org/sparql'
    >>> normalize_endpoint("http://127.0.0.1:7878/query")
    'http://127.0.0.1:7878/query'
    """
    try:
        parts = urlsplit(iri)
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"{iri!r} is not an endpoint IRI: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username is not None or parts.password is not None:
        raise UsageError(f"{iri!r} is not an endpoint IRI: an http or https IRI with a host (and no user) is needed")
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment))


def parse_allowlist(raw: str | None) -> tuple[str, ...]:
    """The allowlist from the value of ``DRAGONBEAR_FEDERATION_ALLOWLIST``.

    Args:
        raw: the variable's value; None (unset) gives :data:`DEFAULT_ALLOWLIST`, an empty or blank
            value gives an empty allowlist (no federation).

    Returns:
        The normalized endpoint IRIs, in the order given, without duplicates.

    Raises:
        UsageError: an entry that is not an absolute http(s) IRI.

    >>> parse_allowlist(None) == DEFAULT_ALLOWLIST
    True
    >>> parse_allowlist("")
    ()
    >>> parse_allowlist("http://127.0.0.1:7878/query, https://DBpedia.org/sparql")
    ('http://127.0.0.1:7878/query', 'https://dbpedia.org/sparql')
    """
    if raw is None:
        return DEFAULT_ALLOWLIST
    entries = [normalize_endpoint(e.strip("<>")) for e in raw.replace(",", " ").split()]
    return tuple(dict.fromkeys(entries))
