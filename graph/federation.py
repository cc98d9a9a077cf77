"""Which SPARQL endpoints a query may call with ``SERVICE``: the federation allowlist.

pyoxigraph runs ``SERVICE`` calls itself, over HTTP, from the process that evaluates the query. A
public endpoint that called any address it was given could be made to reach hosts behind its
firewall, so every query and update is checked *before* it runs: each ``SERVICE`` target must be an
IRI on the allowlist. A prefixed name counts as the IRI it expands to, by the query's own PREFIX
declarations or the predeclared project prefixes, as the SPARQL parser expands it
(:func:`~dragonbear.graph.sparql_text.service_targets`). A variable endpoint (``SERVICE ?x``)
cannot be checked before the query runs and is refused; so are relative IRIs and prefixed names
that cannot be expanded before the query runs (write the endpoint's full IRI).

The allowlist holds endpoint IRIs, compared after :func:`normalize_endpoint` (scheme and host in
lower case, default port dropped). Nothing else is equivalent: ``http`` and ``https`` are different
endpoints, and so are ``/sparql`` and ``/sparql/`` (pyoxigraph does not follow redirects, so a call
to the ``http`` address of an endpoint that redirects to ``https`` fails anyway). A refusal names the
allowlisted endpoint the target differs from only by scheme or a trailing slash, if any.

The default allowlist is Wikidata's and DBpedia's public endpoints, :data:`DEFAULT_ALLOWLIST`;
``DRAGONBEAR_FEDERATION_ALLOWLIST`` (endpoint IRIs separated by spaces or commas) replaces it, and an
empty value allows none.
"""

from __future__ import annotations

from dragonbear.endpoints import DEFAULT_ALLOWLIST, normalize_endpoint, parse_allowlist
from dragonbear.errors import ProtocolError, UsageError
from dragonbear.graph.sparql_text import service_targets
from dragonbear.namespaces import PREFIXES

__all__ = ["DEFAULT_ALLOWLIST", "check_service_calls", "normalize_endpoint", "parse_allowlist"]


def _near_miss(target: str, allowlist: tuple[str, ...]) -> str | None:
    """An allowlisted endpoint that ``target`` differs from only by scheme or a trailing slash."""

    def key(iri: str) -> str:
        return iri.split("://", 1)[-1].rstrip("/")

    return next((a for a in allowlist if key(a) == key(target)), None)


def check_service_calls(text: str, allowlist: tuple[str, ...]) -> None:
    """Refuse a query or update whose ``SERVICE`` calls are not all to allowlisted endpoints.

    Args:
        text: the SPARQL query or update.
        allowlist: normalized endpoint IRIs (see :func:`parse_allowlist`).

    Raises:
        ProtocolError: a SERVICE call to an endpoint not on the allowlist, to a variable, to a
            relative IRI or to a prefixed name whose prefix is undeclared.

    >>> check_service_calls("SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }",
    ...                     DEFAULT_ALLOWLIST)
    >>> check_service_calls("SELECT * { SERVICE <http://10.0.0.1/sparql> {} }", DEFAULT_ALLOWLIST)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dragonbear.errors.ProtocolError: SERVICE <http://10.0.0.1/sparql> is refused: ...
    >>> check_service_calls("PREFIX q: <https://query.wikidata.org/> SELECT * { SERVICE q:sparql {} }",
    ...                     DEFAULT_ALLOWLIST)
    """
    allowed = ", ".join(f"<{a}>" for a in allowlist) or "none are configured"
    tail = (
        f"federation is limited to the endpoints on the allowlist ({allowed}); "
        "set DRAGONBEAR_FEDERATION_ALLOWLIST to change it"
    )
    for target in service_targets(text, PREFIXES):
        if target.startswith(("?", "$")):
            raise ProtocolError(
                f"SERVICE {target} is refused: a variable endpoint cannot be checked before the "
                f"query runs; name the endpoint with its IRI. {_capital(tail)}"
            )
        try:
            endpoint = normalize_endpoint(target)
        except UsageError:
            raise ProtocolError(
                f"SERVICE {target} is refused: name the endpoint with its full IRI (not a relative IRI, "
                f"nor a prefixed name whose prefix is not declared). {_capital(tail)}"
            ) from None
        if endpoint not in allowlist:
            near = _near_miss(endpoint, allowlist)
            hint = f" Did you mean <{near}>?" if near else ""
            raise ProtocolError(f"SERVICE <{target}> is refused: {tail}.{hint}")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] + "."
