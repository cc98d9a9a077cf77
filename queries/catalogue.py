"""The catalogue of canned queries: ``.rq`` files with a header, run with typed parameters.

Each file in this package starts with a header of ``#`` lines::

    # title: Ancestors of a system
    # description: Every system the given system derives from ...
    # param: system | entity dgb:SystemModel | required | the system to trace | J-11
    # param: from | year | optional | first year | 1992
    # returns: one row per derivation step ...

A parameter line gives name | type | required/optional | description | example [| variable]. Types:
``entity CLASS`` (an IRI or any name of an entity of that class, resolved with
:class:`~dragonbear.graph.resolve.NameIndex`), ``year``, ``integer``, ``decimal``, ``string``.
Values are bound by a ``VALUES`` block at the top of the query's ``WHERE`` group, each term written
by pyoxigraph's own serializer (never the user's text), so that the engine starts from the bound
values: pyoxigraph's ``substitutions=`` filters the whole result instead, which made ``claims`` for
Russia take 178 s instead of 2 s. An optional parameter that is not given stays unbound; queries test
it with ``FILTER(COALESCE(?year >= ?from, true))``. Every parameter is also projected, so each row
says what it answers. The optional sixth field names the query variable the value binds when it differs
from the parameter's name: ``depth`` of ``ancestors`` binds ``?maxDepth``, because ``?depth`` is a
result column (a VALUES variable cannot also be the target of a ``BIND``).

A query may be a SELECT or a CONSTRUCT (``lineage``); :attr:`CannedQuery.form` says which, so that
callers choose a results format or an RDF format before running it.

Derived triples: the build materializes inverses (``dgb:hasVariant``, ``dgb:componentOf``,
``dgb:participatedIn`` ...), super-properties (``dgb:involves``, ``dgb:participant`` from ``dgb:host``,
``dgb:dependsOn`` from ``dgb:usesComponent``) and transitive closures (``dgb:technologyAncestor``,
``dgb:dependsOn``, ``dgb:withinGroupOf``) into the named graph ``GRAPH_DERIVED``. Queries see them by
default (the default graph is the union of all graphs); ``run_canned(..., derived=False)`` (and
``dragonbear query --asserted-only``) runs a query over the asserted graphs only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from dragonbear.errors import ParameterError, UnknownQueryError
from dragonbear.graph.resolve import NameIndex
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import GRAPH_DERIVED, XSD

__all__ = ["CannedQuery", "Parameter", "bind_parameters", "bind_values", "load_catalogue", "run_canned"]

_HEADER = re.compile(r"^#\s*(\w+):\s*(.*)$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Parameter:
    """A typed parameter of a canned query."""

    name: str
    type: str
    required: bool
    description: str
    example: str = ""
    variable: str = ""

    @property
    def var(self) -> str:
        """The query variable the value binds (the parameter's name unless the header names another)."""
        return self.variable or self.name

    @property
    def entity_class(self) -> str | None:
        """The class an entity parameter must be an instance of, or None for other types."""
        return self.type.split(None, 1)[1] if self.type.startswith("entity ") else None

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "description": self.description,
            "example": self.example,
        }


@dataclass(frozen=True)
class CannedQuery:
    """A named SPARQL query with its header."""

    name: str
    title: str
    description: str
    returns: str
    sparql: str
    parameters: list[Parameter] = field(default_factory=list)
    path: Path | None = None

    @property
    def form(self) -> str:
        """``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE``: the first query-form keyword after the header.

        >>> CannedQuery("q", "t", "", "", "# title: t\\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").form
        'CONSTRUCT'
        """
        body = "\n".join(line for line in self.sparql.splitlines() if not line.lstrip().startswith("#"))
        match = _FORM.search(body)
        return match.group(1).upper() if match else "SELECT"

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "returns": self.returns,
            "parameters": [p.as_dict() for p in self.parameters],
        }


def _parse_header(name: str, text: str, path: Path | None) -> CannedQuery:
    meta: dict[str, str] = {}
    params: list[Parameter] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            parts = [p.strip() for p in value.split("|")]
            parts += [""] * (6 - len(parts))
            params.append(Parameter(parts[0], parts[1], parts[2] == "required", parts[3], parts[4], parts[5]))
        else:
            meta[key] = (meta[key] + " " + value) if key in meta else value
    return CannedQuery(
        name, meta.get("title", name), meta.get("description", ""), meta.get("returns", ""), text, params, path
    )


def load_catalogue(directory: Path | None = None) -> dict[str, CannedQuery]:
    """Every canned query in ``directory`` (default: the shipped ``queries`` package), by name."""
    if directory is None:
        root = resources.files("dragonbear.queries")
        files = sorted((f.name, f.read_text(encoding="utf-8")) for f in root.iterdir() if f.name.endswith(".rq"))
        return {n[:-3]: _parse_header(n[:-3], t, None) for n, t in files}
    return {p.stem: _parse_header(p.stem, p.read_text(encoding="utf-8"), p) for p in sorted(directory.glob("*.rq"))}


def _bind(param: Parameter, raw: str, names: NameIndex | None) -> ox.NamedNode | ox.Literal:
    cls = param.entity_class
    if cls is not None:
        if names is None:
            raise ParameterError("entity parameters need a name index")
        types: set[str] = set().union(*(names.expand_type(c.strip()) for c in cls.split(",")))
        return ox.NamedNode(names.resolve(raw, types=types, what=param.name))
    if param.type in ("year", "integer"):
        if not re.fullmatch(r"-?\d+", raw.strip()):
            raise ParameterError(f"parameter {param.name!r} must be a whole number, not {raw!r}")
        return ox.Literal(raw.strip(), datatype=ox.NamedNode(XSD + "integer"))
    if param.type == "decimal":
        try:
            float(raw)
        except ValueError:
            raise ParameterError(f"parameter {param.name!r} must be a number, not {raw!r}") from None
        return ox.Literal(raw.strip(), datatype=ox.NamedNode(XSD + "decimal"))
    return ox.Literal(raw)


def bind_parameters(
    query: CannedQuery, values: dict[str, str], names: NameIndex | None
) -> dict[str, ox.NamedNode | ox.Literal]:
    """Check ``values`` against the query's parameters and turn them into RDF terms.

    Returns:
        The terms keyed by the query variable each binds (:attr:`Parameter.var`).

    Raises:
        ParameterError: an unknown, missing, mistyped or ambiguous parameter.
    """
    known = {p.name: p for p in query.parameters}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ParameterError(
            f"query {query.name!r} has no parameter {', '.join(unknown)}; it takes: {', '.join(known) or 'none'}"
        )
    missing = [p.name for p in query.parameters if p.required and p.name not in values]
    if missing:
        raise ParameterError(f"query {query.name!r} needs parameter {', '.join(missing)}")
    return {known[k].var: _bind(known[k], v, names) for k, v in values.items()}


def bind_values(sparql: str, terms: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """``sparql`` with ``terms`` bound by a ``VALUES`` block at the top of its first ``WHERE`` group.

    The terms are written by pyoxigraph's own serializer (N-Triples syntax, which SPARQL reads), never
    as raw text, so a value cannot change the query. Binding this way lets the engine start from the
    bound values; pyoxigraph's ``substitutions=`` filters the whole result instead, which can be
    slower by orders of magnitude (an entity with thousands of statements).

    Raises:
        ParameterError: the query has no ``WHERE`` clause.

    >>> print(bind_values("SELECT ?x WHERE { ?x a ?t }", {"t": ox.NamedNode("http://example.org/T")}))
    SELECT ?x WHERE {
      VALUES (?t) { (<http://example.org/T>) }
    ?x a ?t }
    """
    if not terms:
        return sparql
    match = _WHERE.search(sparql)
    if match is None:
        raise ParameterError("the query has no WHERE clause to bind parameters in")
    names_part = " ".join(f"?{k}" for k in terms)
    row = " ".join(str(v) for v in terms.values())
    block = f"\n  VALUES ({names_part}) {{ ({row}) }}\n"
    rest = sparql[match.end() :]
    return sparql[: match.end()] + block + (rest[1:] if rest.startswith("\n") else rest.lstrip(" "))


def run_canned(
    store: GraphStore,
    name: str,
    values: dict[str, str],
    *,
    catalogue: dict[str, CannedQuery] | None = None,
    names: NameIndex | None = None,
    derived: bool = True,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run the canned query ``name`` with parameter ``values`` (strings, as a user types them).

    Args:
        derived: include the derived graph (inverses, super-properties, transitive closures); with
            False the query sees only the asserted graphs, so answers that need inference drop out.

    Raises:
        UnknownQueryError: no query has that name.
        ParameterError: a parameter is unknown, missing, mistyped or ambiguous.
        NotFoundError: an entity parameter names nothing.
    """
    catalogue = catalogue if catalogue is not None else load_catalogue()
    if name not in catalogue:
        raise UnknownQueryError(f"no canned query named {name!r}; known: {', '.join(sorted(catalogue))}")
    query = catalogue[name]
    needs_names = any(p.entity_class for p in query.parameters)
    if needs_names and names is None:
        names = NameIndex.from_store(store)
    terms = bind_parameters(query, values, names)
    graphs = None if derived else [g for g in store.graphs() if g != GRAPH_DERIVED]
    return store.query(bind_values(query.sparql, terms), default_graph=graphs)
