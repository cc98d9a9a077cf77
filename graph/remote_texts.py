"""The texts a :class:`~dragonbear.graph.remote.RemoteStore` sends and the answers it reads: the
project's prefixes, initial bindings and data blocks written into requests, and an answer checked and
made canonical before it is parsed (Virtuoso's booleans, its silent cut at ``ResultSetMaxRows``, a
bound on the size read).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import httpx
import pyoxigraph as ox

from dragonbear.errors import ResultLimitError
from dragonbear.namespaces import PREFIXES

__all__ = [
    "canonical_booleans",
    "canonical_triple",
    "check_not_cut",
    "data_block",
    "prologue",
    "read_bounded",
    "values_block",
]

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def prologue(sparql: str) -> str:
    """PREFIX declarations for the project prefixes a text uses (the embedded store predeclares them)."""
    used = (
        PREFIXES
        if ("\\u" in sparql or "\\U" in sparql)
        else {name: iri for name, iri in PREFIXES.items() if name + ":" in sparql}
    )
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in used.items())


def values_block(substitutions: Mapping[str, Term] | None) -> str:
    """A VALUES block binding ``substitutions`` (prepended to a query's text as an initial binding)."""
    if not substitutions:
        return ""
    names = " ".join(f"?{name}" for name in substitutions)
    row = " ".join(str(term) for term in substitutions.values())
    return f"VALUES ({names}) {{ ({row}) }}"


def data_block(quads: list[ox.Quad]) -> str:
    """The body of an ``INSERT DATA`` or ``DELETE DATA``: each quad in its graph.

    >>> a, p = ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p")
    >>> print(data_block([ox.Quad(a, p, ox.Literal("1")), ox.Quad(a, p, a, ox.NamedNode("http://e/g"))]))
    <http://e/a> <http://e/p> "1" .
    GRAPH <http://e/g> { <http://e/a> <http://e/p> <http://e/a> }
    """
    return "\n".join(
        f"{q.subject} {q.predicate} {q.object} ."
        if isinstance(q.graph_name, ox.DefaultGraph)
        else f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}"
        for q in quads
    )


def canonical_booleans(payload: bytes) -> bytes:
    """SPARQL JSON results with every ``xsd:boolean`` written ``true`` or ``false``.

    Virtuoso writes booleans as ``"1"`` and ``"0"``: valid lexical forms, but every other engine writes
    the canonical ones, and an answer must read the same on every engine.

    >>> one = {"type": "literal", "datatype": _XSD_BOOLEAN, "value": "1"}
    >>> payload = json.dumps({"head": {"vars": ["b"]}, "results": {"bindings": [{"b": one}]}}).encode()
    >>> json.loads(canonical_booleans(payload))["results"]["bindings"][0]["b"]["value"]
    'true'
    """
    if _XSD_BOOLEAN.encode() not in payload:
        return payload
    document = json.loads(payload)
    for row in document.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("datatype") == _XSD_BOOLEAN and term.get("value") in ("0", "1"):
                term["value"] = "true" if term["value"] == "1" else "false"
    return json.dumps(document).encode()


def canonical_triple(triple: ox.Triple) -> ox.Triple:
    """``triple`` with an ``xsd:boolean`` object written ``true`` or ``false`` (see :func:`canonical_booleans`)."""
    o = triple.object
    if isinstance(o, ox.Literal) and o.datatype.value == _XSD_BOOLEAN and o.value in ("0", "1"):
        return ox.Triple(triple.subject, triple.predicate, ox.Literal(o.value == "1"))
    return triple


def read_bounded(response: httpx.Response, max_bytes: int | None) -> bytes:
    """The body of a streamed response, read up to ``max_bytes``.

    Raises:
        ResultLimitError: the body is larger (the rest is not read).
    """
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            if response.status_code >= 400:  # an error page: its beginning is enough
                chunks.append(chunk)
                break
            raise ResultLimitError(
                f"the SPARQL server's answer passed {max_bytes:,} bytes and was not read further; "
                "narrow the query, or page through it with LIMIT and OFFSET"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def check_not_cut(headers: httpx.Headers, payload: bytes) -> None:
    """Raise :class:`ResultLimitError` when the server cut a SELECT's answer at its row limit.

    Virtuoso ends a SELECT at ``ResultSetMaxRows`` rows without an error and says so only in an
    ``X-SPARQL-MaxRows`` header (checked on Virtuoso 7.2.5: sent with an answer of exactly that many
    rows, never with a shorter one). An answer that fills the limit is taken as cut: one that fits it
    exactly (a LIMIT as large as the limit) cannot be told apart.

    >>> check_not_cut(httpx.Headers({"X-SPARQL-MaxRows": "1"}), b'{"results": {"bindings": [{}]}}')
    Traceback (most recent call last):
    ...
    dragonbear.errors.ResultLimitError: the SPARQL server cut the answer at its limit of 1 rows ...
    """
    limit = headers.get("x-sparql-maxrows", "")
    if not limit.isdigit():
        return
    rows = len(json.loads(payload).get("results", {}).get("bindings", []))
    if rows >= int(limit):
        raise ResultLimitError(
            f"the SPARQL server cut the answer at its limit of {int(limit):,} rows (X-SPARQL-MaxRows; "
            "Virtuoso's ResultSetMaxRows); nothing was returned. Narrow the query, or page through it with "
            "LIMIT and OFFSET"
        )
