"""A look-up of one subject's values (``GET /sparql?query=SELECT ?l WHERE { <s> rdfs:label ?l }``, the
server's hot path) is answered from the store's index, without the query engine, and its answer is the
engine's to the byte: on every subject of the graph built from the shipped data (the ontology, the curated facts and a cut of the register), on the values that SPARQL JSON writes in
odd ways (control characters, quotes, language tags, datatypes, blank nodes, triple terms, directions,
the same triple in two graphs), and on texts at the edge of the grammar, where the index answers
exactly what the engine answers or leaves the query to it (its errors included)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dragonbear.errors import DragonbearError
from dragonbear.graph.sparql_text import read_lookup
from dragonbear.graph.store import EmbeddedStore
from dragonbear.namespaces import PREFIXES
from dragonbear.service.runtime import jobs
from dragonbear.service.runtime.negotiation import ResultKind, choose

from ..fuzzing import budget

JSON = "application/sparql-results+json"
RDFS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "


def _engine(store: EmbeddedStore, sparql: str, cap: int = 0) -> tuple[bytes, int] | str:
    """The engine's answer (body and row count), or the name of its error."""
    try:
        reply = jobs._bounded_answer(store.query(sparql), choose(ResultKind.RESULTS, JSON), cap)
    except DragonbearError as exc:
        return type(exc).__name__
    assert reply is not None
    return reply.body, reply.count


def _served(store: EmbeddedStore, sparql: str, cap: int = 0) -> tuple[bytes, int] | str:
    """The answer of the look-up path (the index where it reads the query, else the engine)."""
    try:
        reply = jobs.run_lookup(store, sparql, base_iri=None, accept=JSON, cap=cap)
    except DragonbearError as exc:
        return type(exc).__name__
    assert reply is not None
    return reply.body, reply.count


def _indexed(store: EmbeddedStore, sparql: str) -> bool:
    """Whether the index answers ``sparql`` (not the engine)."""
    found = read_lookup(sparql, PREFIXES)
    return found is not None and jobs._indexed(store, found, choose(ResultKind.RESULTS, JSON), 0) is not None


def test_every_subject_of_the_built_graph_gets_the_engines_answer(store: EmbeddedStore) -> None:
    subjects = [
        r["s"].value for r in store.select("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }")
    ]
    assert len(subjects) > 2000
    for subject in subjects:
        query = RDFS + f"SELECT ?label WHERE {{ <{subject}> rdfs:label ?label }}"
        assert _served(store, query) == _engine(store, query), query
    indexed = 0
    for subject in subjects[::7]:  # every form, on a seventh of them
        for query in (
            f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }}",
            f"SELECT ?o ?p {{ <{subject}> ?p ?o . }} LIMIT 3",
            f"select * where {{ <{subject}> a ?type }}",
            f"SELECT $v {{ <{subject}> dgb:confidence $v }}",
            f"ASK {{ <{subject}> ?p ?o }}",
            f"ASK WHERE {{ <{subject}> rdfs:comment ?c }}",
        ):
            assert _served(store, query) == _engine(store, query), query
            indexed += _indexed(store, query)
    assert indexed > 0.9 * 6 * len(subjects[::7])


@pytest.fixture(scope="module")
def odd_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """A store of the values SPARQL JSON writes in odd ways, in two named graphs and the default graph."""
    path: Path = tmp_path_factory.mktemp("odd") / "store"
    writable = EmbeddedStore.open(path)
    n, lit = ox.NamedNode, ox.Literal
    s, p, g1, g2 = n("http://e/s"), n("http://e/p"), n("http://g/1"), n("http://g/2")
    text = "".join(chr(i) for i in [*range(1, 0x80), 0x85, 0xA0, 0x2028, 0x2029, 0xFEFF, 0x1F600])
    quads = [
        ox.Quad(s, p, lit(text), g1),
        ox.Quad(s, p, lit("plain"), g1),
        ox.Quad(s, p, lit("plain"), g2),
        ox.Quad(s, p, lit("default")),
        ox.Quad(s, p, lit("chat", language="fr"), g1),
        ox.Quad(s, p, lit("7", datatype=n("http://www.w3.org/2001/XMLSchema#integer")), g2),
        ox.Quad(s, p, n("http://e/o"), g1),
        ox.Quad(s, n("http://e/q"), n("http://e/o2"), g2),
        ox.Quad(n("http://e/b"), p, ox.BlankNode("b1"), g1),
        ox.Quad(n("http://e/d"), p, lit("left", language="ar", direction=ox.BaseDirection.RTL), g1),
        ox.Quad(n("http://e/t"), p, ox.Triple(s, p, n("http://e/o")), g1),
        *(ox.Quad(n("http://e/many"), p, lit(f"value {i:05} " + "x" * 40), g2) for i in range(3000)),
    ]
    writable.load(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"", format=ox.RdfFormat.N_QUADS)
    del writable
    yield EmbeddedStore.open(path, read_only=True)


@pytest.mark.parametrize(
    ("subject", "indexed"),
    [
        ("http://e/s", True),
        ("http://e/b", False),
        ("http://e/d", False),
        ("http://e/t", False),
        ("http://e/none", True),
    ],
)
def test_odd_values_get_the_engines_answer(odd_store: EmbeddedStore, subject: str, indexed: bool) -> None:
    for query in (
        f"SELECT ?o WHERE {{ <{subject}> <http://e/p> ?o }}",
        f"SELECT ?p ?o WHERE {{ <{subject}> ?p ?o }}",
        f"SELECT ?o ?p WHERE {{ <{subject}> ?p ?o }} LIMIT 2",
        f"ASK {{ <{subject}> ?p ?o }}",
    ):
        assert _served(odd_store, query) == _engine(odd_store, query), query
    assert _indexed(odd_store, f"SELECT ?o WHERE {{ <{subject}> <http://e/p> ?o }}") is indexed


def test_a_long_answer_is_left_to_the_engine(odd_store: EmbeddedStore) -> None:
    query = "SELECT ?o WHERE { <http://e/many> <http://e/p> ?o }"
    assert not _indexed(odd_store, query)  # past INDEXED_BYTES: the engine writes it, in Rust
    assert _indexed(odd_store, query + " LIMIT 100")
    for sparql in (query, query + " LIMIT 100", query + " LIMIT 2999"):
        assert _served(odd_store, sparql) == _engine(odd_store, sparql), sparql
    assert _served(odd_store, query, cap=100) == _engine(odd_store, query, cap=100) == "ResultLimitError"


def test_the_cap_is_the_engines(odd_store: EmbeddedStore) -> None:
    query = "SELECT ?o WHERE { <http://e/s> <http://e/p> ?o }"
    assert _served(odd_store, query, cap=3) == _engine(odd_store, query, cap=3) == "ResultLimitError"
    assert _served(odd_store, query + " LIMIT 3", cap=3) == _engine(odd_store, query + " LIMIT 3", cap=3)


EDGES = [
    # read by the index
    ("PREFIX e: <http://x/> PREFIX e: <http://e/> SELECT ?o { e:s e:p ?o }", True),  # the last declaration counts
    ("PREFIX rdfs: <http://e/> SELECT ?o { <http://e/s> rdfs:p ?o }", True),  # the query's own prefix wins
    ("SELECT ?p?o { <http://e/s> ?p ?o }", True),
    ("\tSeLeCt\n$o\r\nWhErE{<http://e/s> <http://e/p> ?o.}limit 0 ", True),
    ("SELECT * { <http://e/s> <http://e/q> ?o } LIMIT 1", True),
    ("ASK { <http://e/s> a ?o }", True),
    ("ASK { <http://e/s> <http://e/p> ?o } LIMIT 0", True),
    ("SELECT ?o { <http://e/s> <http://e/\u00e9> ?o }", True),
    # left to the engine: its answer, or its error
    ("SELECT ?o { <http://e/s> A ?o }", False),
    ("\u017felect ?o { <http://e/s> <http://e/p> ?o }", False),  # a long s is no S to the parser
    ("SELECT ?o\u00a0{ <http://e/s> <http://e/p> ?o }", False),  # nor a no-break space a space
    ("SELECT ?o { <http://e/%zz> <http://e/p> ?o }", False),
    ("SELECT ?o { <http://h:port/> <http://e/p> ?o }", False),
    ("SELECT ?o { <s> <http://e/p> ?o }", False),
    ("BASE <http://e/> SELECT ?o { <s> <p> ?o }", False),
    ("PREFIX e: <e/> SELECT ?o { <http://e/s> <http://e/p> ?o }", False),
    ("PREFIX e: <http://e/%zz> SELECT ?o { <http://e/s> <http://e/p> ?o }", False),
    ("SELECT ?o { nope:s <http://e/p> ?o }", False),
    ("SELECT ?o ?o { <http://e/s> ?p ?o }", False),
    ("SELECT ?o { <http://e/s> ?o ?o }", False),
    ("SELECT ?x { <http://e/s> <http://e/p> ?o }", False),
    ("SELECT * { <http://e/s> ?p ?o }", False),
    ("SELECT ?o { <http://e/s> <http://e/p> ?o } LIMIT 99999999999999999999", False),
    ("SELECT ?o { <http://e/s> e:p. ?o }", False),
    ("SELECT ?o { <http://e/s> <http://e/p> ?o } # a comment", False),
    ("SELECT ?\u00e9 { <http://e/s> <http://e/p> ?\u00e9 }", False),
]


@pytest.mark.parametrize(("query", "indexed"), EDGES)
def test_texts_at_the_edge_of_the_grammar_get_the_engines_answer(
    odd_store: EmbeddedStore, query: str, indexed: bool
) -> None:
    assert _served(odd_store, query) == _engine(odd_store, query), query
    assert _indexed(odd_store, query) is indexed


def _spaces() -> st.SearchStrategy[str]:
    """White space: SPARQL's own, and characters that are white space to Python only."""
    return st.text(st.sampled_from(" \t\r\n\u00a0\u2028\x0b\x0c"), max_size=2)


@st.composite
def lookups(draw: st.DrawFn) -> str:
    """Look-up texts around the edges of what the index reads: keyword case, white space, prefixes
    declared twice, wrongly or not at all, valid and invalid IRIs, variables, LIMIT, comments."""
    w = lambda: draw(_spaces())  # noqa: E731
    keyword = lambda word: "".join(c.upper() if draw(st.booleans()) else c for c in word.lower())  # noqa: E731
    prologue = "".join(
        f"{keyword('PREFIX')} {name}:{w()}<{iri}>{w()} "
        for name, iri in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(["e", "rdfs", "", "x1"]),
                    st.sampled_from(["http://e/", "http://x/", "e/", "http://e/%zz"]),
                ),
                max_size=3,
            )
        )
    )
    iris = [
        "<http://e/s>",
        "<http://e/p>",
        "<http://e/q>",
        "<http://e/none>",
        "<http://e/%zz>",
        "<s>",
        "e:s",
        "e:p",
        "rdfs:label",
        ":s",
        "x1:s",
        "e:p.",
        "a",
        "A",
    ]
    variables = ["?o", "$o", "?p", "?x", "?\u00e9"]
    s = draw(st.sampled_from([*iris[:7], "x1:s"]))
    p = draw(st.sampled_from([*iris[1:], "?p", "?o"]))
    o = draw(st.sampled_from(variables))
    form = draw(
        st.sampled_from(
            [
                keyword("ASK"),
                f"{keyword('SELECT')} *",
                f"{keyword('SELECT')} {o}",
                f"{keyword('SELECT')} ?p ?o",
                f"{keyword('SELECT')} ?o?p",
                f"{keyword('SELECT')} {o} {o}",
            ]
        )
    )
    where = keyword("WHERE") if draw(st.booleans()) else ""
    dot = "." if draw(st.booleans()) else ""
    limit = draw(st.sampled_from(["", " LIMIT 0", " limit 2", " LIMIT 99999999999", " # c"]))
    return f"{w()}{prologue}{form}{w()} {where}{w()}{{{w()}{s} {p}{w()} {o}{w()}{dot}}}{limit}{w()}"


@pytest.mark.slow
@pytest.mark.fuzz
@given(query=lookups())
@budget(600)
def test_generated_lookups_get_the_engines_answer(odd_store: EmbeddedStore, query: str) -> None:
    assert _served(odd_store, query) == _engine(odd_store, query), query
