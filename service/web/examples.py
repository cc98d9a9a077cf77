"""The canned queries as runnable SPARQL, for the example tabs of the query page.

A canned query binds its parameters with pyoxigraph substitutions, which a SPARQL endpoint cannot
take. :func:`runnable_query` writes the query's example values into a ``VALUES`` block at the top of
its ``WHERE`` clause instead, as serialized RDF terms (entity names resolved to IRIs), and declares
the prefixes the query uses, so that the text runs as it is anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dragonbear.errors import DragonbearError
from dragonbear.graph.resolve import NameIndex
from dragonbear.namespaces import PREFIXES
from dragonbear.queries.catalogue import CannedQuery, bind_parameters, bind_values

__all__ = ["ExampleQuery", "bind_values", "example_queries", "runnable_query"]

_IRI_OR_STRING = re.compile(r'<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"' + r"|'(?:[^'\\\n]|\\.)*'")


@dataclass(frozen=True)
class ExampleQuery:
    """A canned query made runnable with its example values."""

    name: str
    title: str
    description: str
    sparql: str


def _used_prefixes(text: str) -> list[str]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    body = _IRI_OR_STRING.sub(" ", body)
    return [p for p in PREFIXES if re.search(rf"(?<![\w?$:-]){re.escape(p)}:", body)]


def runnable_query(query: CannedQuery, values: dict[str, str], names: NameIndex | None) -> str:
    """The text of ``query`` with ``values`` bound in a ``VALUES`` block and its prefixes declared.

    Args:
        query: a canned query.
        values: parameter values as a user types them (entity parameters take any name).
        names: the name index that resolves entity parameters.

    Returns:
        SPARQL that runs on any endpoint, the query's header comments kept at the top.

    Raises:
        ParameterError: a value is missing, mistyped or ambiguous, or the query has no WHERE clause.
        NotFoundError: an entity parameter names nothing.

    >>> from dragonbear.queries.catalogue import Parameter
    >>> q = CannedQuery("q", "t", "", "", "SELECT ?n ?x WHERE { ?x dgb:n ?n }", [Parameter("n", "year", True, "")])
    >>> print(runnable_query(q, {"n": "1998"}, None))
    PREFIX dgb: <https://w3id.org/dragonbear/ontology#>
    <BLANKLINE>
    SELECT ?n ?x WHERE {
      VALUES (?n) { ("1998"^^<http://www.w3.org/2001/XMLSchema#integer>) }
    ?x dgb:n ?n }
    """
    terms = bind_parameters(query, values, names)
    text = query.sparql
    header = [line for line in text.splitlines() if line.startswith("#")]
    body = "\n".join(text.splitlines()[len(header) :]).strip("\n")
    body = bind_values(body, terms)
    prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in _used_prefixes(body))
    return "\n".join([*header, prologue]) + "\n" + body if header else prologue + "\n" + body


def example_queries(catalogue: dict[str, CannedQuery], names: NameIndex) -> list[ExampleQuery]:
    """Every canned query with its example values bound; a query whose examples fail is shown unbound.

    Args:
        catalogue: the canned queries by name.
        names: the name index that resolves entity examples.
    """
    examples = []
    for query in catalogue.values():
        values = {p.name: p.example for p in query.parameters if p.example}
        try:
            sparql = runnable_query(query, values, names)
        except DragonbearError:
            sparql = runnable_query(query, {}, names) if not any(p.required for p in query.parameters) else query.sparql
        examples.append(ExampleQuery(query.name, query.title, query.description, sparql))
    return examples
