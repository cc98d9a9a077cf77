"""What the fuzz tests share (issue 16; ``docs/decisions/0030-fuzzing.md``): hypothesis's settings
profiles, the strategies of hostile input (SPARQL texts random and mutated from the canned queries
and valid ones, RDF bodies in every format the store reads, media types, graph parameters, page
paths), the in-process app they are sent to, and the checks every answer must pass.

Profiles (``DRAGONBEAR_FUZZ_PROFILE``):

- ``ci`` (the default): each test runs its fixed number of examples (:func:`budget`), derandomized
  (the same examples on every run, so CI is reproducible), no example database, no deadline (a
  slow example is not a failure; a hang is, by the guards below). About two minutes in all.
- ``long``: :data:`SCALE` times as many examples (``DRAGONBEAR_FUZZ_SCALE``, default 10), random
  (a new seed each run, printed by hypothesis when an example fails), failing examples kept in
  ``.hypothesis/`` and replayed first. ``bench/fuzz.py --minutes 30`` runs rounds of it.

A failure found by either stays as an explicit case in the ``REGRESSIONS`` list of its test module,
which the inner loop runs (``-m "not slow"``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, reject, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from starlette.testclient import TestClient

from dragonbear.formats import RDF_FORMATS

__all__ = [
    "BAD_TEXTS",
    "FUZZ_TIMEOUT",
    "HANG_SECONDS",
    "LOADER_SECONDS",
    "PROFILE",
    "RDF_SEEDS",
    "ROOT",
    "SCALE",
    "VALID_QUERIES",
    "VALID_UPDATES",
    "assert_answers",
    "assert_no_server_error",
    "budget",
    "canned_texts",
    "fuzz_app",
    "media_types",
    "mutated",
    "mutated_bytes",
    "rdf_bodies",
    "send",
    "sparql_queries",
    "sparql_updates",
    "tiny_store",
    "token_soup",
    "within",
]

ROOT = Path(__file__).resolve().parents[1]
PROFILE = os.environ.get("DRAGONBEAR_FUZZ_PROFILE", "ci")
SCALE = float(os.environ.get("DRAGONBEAR_FUZZ_SCALE", "10"))
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, print_blob=True, suppress_health_check=_SLOW_IS_FINE
)
settings.register_profile(
    "long",
    derandomize=False,
    database=DirectoryBasedExampleDatabase(ROOT / ".hypothesis" / "examples"),
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW_IS_FINE,
)
settings.load_profile(PROFILE)


def budget(examples: int) -> settings:
    """The settings of a fuzz test that runs ``examples`` examples in CI (:data:`SCALE` times as many
    in the long profile)."""
    return settings(max_examples=examples if PROFILE == "ci" else int(examples * SCALE))


# --- Time: the fuzz apps' query time limit, and the guard against a request that never comes back.

FUZZ_TIMEOUT = 5.0
"""The query time limit of the fuzz apps and server, in seconds."""
HANG_SECONDS = FUZZ_TIMEOUT + 5
"""How long a read may take before it counts as a hang: a little over the time limit (past which the
server answers 503). A write gets the writer's own ten seconds more."""

_GUARD = ThreadPoolExecutor(max_workers=4, thread_name_prefix="fuzz-request")


def send(client: httpx.Client, sent: tuple[str, str, dict[str, Any]], *, write: bool = False) -> httpx.Response:
    """Send ``sent`` (method, path, keyword arguments of ``client.request``) with ``client``: the app in
    this process (a ``TestClient``, which has no timeout) or a real server. The test fails if no answer
    comes within :data:`HANG_SECONDS` (ten more for a ``write``, the writer's own margin), or if the
    connection is lost. A request no client could send (a path that is not a URL) is not an example.
    """
    method, path, kwargs = sent
    try:
        client.build_request(method, path, **kwargs)
    except (httpx.InvalidURL, UnicodeError):
        reject()
    limit = HANG_SECONDS + (10 if write else 0)
    future = _GUARD.submit(client.request, method, path, **kwargs)
    try:
        return future.result(timeout=limit)
    except (FutureTimeout, httpx.TimeoutException):
        pytest.fail(f"{method} {path} {kwargs!r:.300} hung: no answer in {limit:g} s")
    except httpx.LocalProtocolError:  # the client's own HTTP library will not send it (a blank header)
        reject()
    except httpx.TransportError as exc:
        pytest.fail(f"{method} {path} {kwargs!r:.300}: the connection was lost ({exc!r}): did a process die?")


LOADER_SECONDS = 30.0
"""How long a loader may take on one fuzzed file (they take milliseconds) before it counts as a hang."""


def within(seconds: float, work: Callable[..., None], *args: object) -> None:
    """Run ``work(*args)``, failing the test if it has not returned within ``seconds`` (a hang); its
    exceptions and failed assertions come through as they are."""
    future = _GUARD.submit(work, *args)
    try:
        future.result(timeout=seconds)
    except FutureTimeout:
        pytest.fail(f"{getattr(work, '__name__', work)}{args!r:.300} hung: not done in {seconds:g} s")


#: What a 503 may say: the time limit, a busy server or its memory ceiling. Any other 5xx is a bug.
DESIGNED_503 = re.compile(r"time limit|try again later|memory", re.IGNORECASE)


def assert_no_server_error(reply: httpx.Response, sent: object) -> None:
    """No 5xx, except the designed 503 of the time limit or an overloaded server (with Retry-After)."""
    if reply.status_code < 500:
        return
    designed = reply.status_code == 503 and "retry-after" in reply.headers and DESIGNED_503.search(reply.text)
    assert designed, f"{reply.status_code} for {sent!r:.2000}:\n{reply.text[:1000]}"


_ASKS = iter(range(1, 1 << 62))


def assert_answers(client: httpx.Client) -> None:
    """The app still answers a simple ASK, one it has not cached (a new number each time)."""
    n = next(_ASKS)
    reply = send(client, ("POST", "/sparql", {"data": {"query": f"ASK {{ FILTER({n} > 0) }}"}}))
    assert reply.status_code == 200 and "true" in reply.text, (reply.status_code, reply.text[:300])


def tiny_store(root: Path) -> Path:
    """A store of the ontology and the three W3C protocol test graphs (about 1,800 quads) in ``root``:
    small enough that no query mutated from the seeds here runs into the time limit in this process,
    where a query past it cannot be stopped (a server process retires instead; ``test_fuzz_server.py``)."""
    from dragonbear.pipeline.update import load_files

    from .conftest import W3C_PROTOCOL_NQUADS

    nquads = root / "w3c-protocol.nq"
    nquads.write_text(W3C_PROTOCOL_NQUADS, encoding="utf-8")
    load_files(root / "store", [nquads])
    return root / "store"


@contextmanager
def fuzz_app(store_dir: Path, token: str) -> Iterator[TestClient]:
    """The app of `dragonbear serve` in this process on ``store_dir``, for fuzzing: updates on with
    ``token``, the fuzz time limit, no federation (a mutated ``SERVICE`` must never reach a host), and
    wrong tokens refused without the backoff (the fuzz sends hundreds of them from one address)."""
    from dragonbear.service.runtime.auth import TokenGuard

    from .conftest import app_client

    with app_client(store_dir, update_token=token, query_timeout=FUZZ_TIMEOUT, federation_allowlist=()) as client:
        client.app.state.token_guard = TokenGuard(base_delay=0.0)  # type: ignore[attr-defined]
        yield client


# --- Seeds: what valid input looks like, for the mutations to start from -------------------------------

DGB = "PREFIX dgb: <https://w3id.org/dragonbear/ontology#> PREFIX id: <https://w3id.org/dragonbear/id/> "
VALID_QUERIES = [
    "ASK {}",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
    DGB + "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s a dgb:SystemModel ; ?p ?o } GROUP BY ?s ORDER BY DESC(?n) LIMIT 5",
    DGB + "CONSTRUCT { ?s dgb:derivedFrom ?o } WHERE { ?s dgb:derivedFrom+ ?o } LIMIT 10",
    DGB + "DESCRIBE id:system/j-11",
    'SELECT ?l WHERE { ?s rdfs:label ?l FILTER(REGEX(?l, "^Su-2[0-9]", "i") && LANG(?l) = "en") } LIMIT 5',
    'SELECT * WHERE { VALUES (?x ?y) { (1 "a"@en) (2.5e3 "b"^^xsd:string) (UNDEF true) } BIND(?x * 2 AS ?z) }',
    "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 2 } OPTIONAL { ?s ?q ?v } MINUS { ?s a owl:Class } }",
    "SELECT * FROM <https://w3id.org/dragonbear/graph/curated> WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 3",
    'SELECT (STRLEN(CONCAT("a", STR(NOW()))) AS ?n) (SHA256("x") AS ?h) WHERE {} ',
    "SELECT * WHERE { ?s (rdfs:subClassOf|^owl:equivalentClass)*/rdf:type? ?o . FILTER EXISTS { ?o ?p [] } } LIMIT 2",
    "SELECT * WHERE { SERVICE <urn:fuzz:nowhere> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ( 1 2 ( 3 ) ) ; <urn:p> [ <urn:q> _:b ] }",
]
VALID_UPDATES = [
    "INSERT DATA { <urn:fuzz:s> <urn:fuzz:p> 'o', 1, 2.5, true, <urn:fuzz:o> }",
    'INSERT DATA { GRAPH <urn:fuzz:g> { <urn:fuzz:s> <urn:fuzz:p> "x"@en-GB } }',
    "DELETE DATA { <urn:fuzz:s> <urn:fuzz:p> 'o' }",
    "DELETE WHERE { GRAPH <urn:fuzz:g> { ?s ?p ?o } }",
    "WITH <urn:fuzz:g> DELETE { ?s ?p ?o } INSERT { ?s ?p 'new' } WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }",
    "INSERT { GRAPH <urn:fuzz:h> { ?s <urn:fuzz:seen> ?c } } WHERE { ?s a ?c } ",
    "CLEAR SILENT GRAPH <urn:fuzz:g> ; CREATE SILENT GRAPH <urn:fuzz:k>",
    "DROP SILENT GRAPH <urn:fuzz:k>; COPY SILENT <urn:fuzz:h> TO <urn:fuzz:g>; MOVE SILENT DEFAULT TO <urn:fuzz:m>",
    "ADD SILENT <urn:fuzz:m> TO DEFAULT",
    "PREFIX f: <urn:fuzz:> BASE <urn:base/> INSERT DATA { f:a <rel> f:b . [] f:p ( 1 2 ) }",
    "LOAD <urn:fuzz:nothing> INTO GRAPH <urn:fuzz:g>",
]


def canned_texts() -> list[str]:
    """The text of every canned query of ``queries/`` (header comments and all)."""
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("*.rq"))]


# Pieces that tend to break parsers and the checks before them.
BAD_TEXTS = [
    "\x00",
    "\\u0000",
    "\\uD800",
    "\\U0010FFFF",
    "\\U00110000",
    "\ufeff",
    "\u202e",
    "\U0001f600",
    "\uffff",
    "\x7f",
    "\r\n",
    "9" * 400,
    "1e999999",
    "-0.0e-99999",
    ".5e",
    '"""',
    "'''",
    '"\\',
    "<",
    ">",
    "<http://a b>",
    "<\\u003E>",
    "< >",
    "<:>",
    "<//x>",
    "_:",
    "[]",
    "?",
    "$",
    "@",
    "@en-",
    "^^",
    "^^<",
    "#",
    "PREFIX : <",
    "PREFIX x: <urn:x>",
    "BASE <%%>",
    "nope:x",
    ":",
    "a",
    "GRAPH",
    "SERVICE SILENT ?x",
    "VALUES",
    "UNDEF",
    "FILTER(",
    "BIND(",
    "SELECT",
    "WHERE",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ";",
    ",",
    ".",
    "*",
    "|",
    "/",
    "^",
    "!",
    "+",
    "&&",
    "||",
    "\u0430",  # Cyrillic a
    "歼",
]
_ODD_CHARS = st.one_of(st.sampled_from(BAD_TEXTS), st.characters(exclude_categories=["Cs"]))


# --- Mutations -----------------------------------------------------------------------------------------


def _mutation(draw: Callable[..., Any], text: str) -> str:
    """One random change to ``text``: a flipped character, a cut, a slice dropped or doubled, a run of
    brackets, a wrapping many levels deep, an odd piece inserted, or the case swapped."""
    n = len(text)
    i = draw(st.integers(0, n))
    j = draw(st.integers(i, min(n, i + 200)))
    kind = draw(st.integers(0, 8))
    if kind == 0 and n:  # flip
        return text[: min(i, n - 1)] + draw(_ODD_CHARS) + text[min(i, n - 1) + 1 :]
    if kind == 1:  # truncate
        return text[:i]
    if kind == 2:  # drop a slice
        return text[:i] + text[j:]
    if kind == 3:  # double a slice, up to a few times
        return text[:j] + text[i:j] * draw(st.integers(1, 4)) + text[j:]
    if kind == 4:  # a run of opening (and maybe closing) brackets
        opener, closer = draw(st.sampled_from([("{", "}"), ("(", ")"), ("[", "]"), ("<", ">"), ('"', '"')]))
        depth = draw(st.integers(1, 400))
        return text[:i] + opener * depth + (closer * depth if draw(st.booleans()) else "") + text[i:]
    if kind == 5:  # wrap many levels deep
        depth = draw(st.integers(1, 300))
        left, right = draw(st.sampled_from([("{ ", " }"), ("{ SELECT * WHERE { ", " } }"), ("OPTIONAL { ", " }")]))
        return text[:i] + left * depth + text[i:j] + right * depth + text[j:]
    if kind == 6:
        return text.swapcase()
    return text[:i] + draw(_ODD_CHARS) + text[i:]  # insert


@st.composite
def mutated(draw: Callable[..., Any], seeds: list[str], max_mutations: int = 4) -> str:
    """A seed from ``seeds`` changed by one to ``max_mutations`` mutations (:func:`_mutation`)."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, max_mutations))):
        text = _mutation(draw, text)
    return text


@st.composite
def mutated_bytes(draw: Callable[..., Any], texts: st.SearchStrategy[str]) -> bytes:
    """A text encoded as UTF-8, then maybe with bytes that are not UTF-8 (a lone continuation byte,
    an overlong form, a surrogate encoded, a cut multi-byte character) put in."""
    data = draw(texts).encode("utf-8")
    if draw(st.integers(0, 3)):  # three in four stay UTF-8, to reach the parsers behind the decoding
        return data
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(data)))
        piece = draw(
            st.sampled_from([b"\xff", b"\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe6\xad", b"\x00", b"\xfe\xff"])
        )
        data = data[:i] + piece + data[i:]
    return data


_SOUP_WORDS = """
SELECT ASK CONSTRUCT DESCRIBE WHERE FROM NAMED LIMIT OFFSET ORDER BY GROUP HAVING DISTINCT OPTIONAL UNION MINUS FILTER
EXISTS NOT BIND AS IN INSERT DELETE DATA WITH USING CLEAR DROP CREATE ADD MOVE COPY TO INTO DEFAULT ALL SILENT COUNT
SUM STR LANG REGEX IRI BNODE ?s ?p ?o ?x $y <urn:a> <urn:b> rdf:type rdfs:label owl:Class dgb:SystemModel 'x' "y"@ru
1 -2 3.5 4e5 true false
"""
_SOUP_TOKENS = st.one_of(
    st.sampled_from(BAD_TEXTS),
    st.sampled_from(_SOUP_WORDS.split()),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=8),
)


@st.composite
def token_soup(draw: Callable[..., Any]) -> str:
    """Up to 60 SPARQL keywords, terms, punctuation and odd pieces in random order."""
    return " ".join(draw(st.lists(_SOUP_TOKENS, max_size=60)))


def sparql_queries() -> st.SearchStrategy[str]:
    """Query texts: random, token soup, and the canned and valid queries mutated."""
    return st.one_of(
        st.text(st.characters(exclude_categories=["Cs"]), max_size=200),
        token_soup(),
        mutated(canned_texts()),
        mutated(VALID_QUERIES),
        mutated(VALID_QUERIES, max_mutations=1),
        st.sampled_from(VALID_QUERIES),
    )


def sparql_updates() -> st.SearchStrategy[str]:
    """Update texts: random, token soup, and valid updates (and a few queries) mutated."""
    return st.one_of(
        st.text(st.characters(exclude_categories=["Cs"]), max_size=200),
        token_soup(),
        mutated(VALID_UPDATES),
        mutated(VALID_UPDATES, max_mutations=1),
        mutated(VALID_UPDATES + VALID_QUERIES[:4]),
        st.sampled_from(VALID_UPDATES),
    )


# --- RDF bodies: a little graph in every format the store reads, then mutated ---------------------------

_SEED_QUADS = [
    ox.Quad(ox.NamedNode("urn:fuzz:s"), ox.NamedNode("urn:fuzz:p"), ox.Literal("Су-27 歼-11", language="ru")),
    ox.Quad(
        ox.NamedNode("urn:fuzz:s"),
        ox.NamedNode("urn:fuzz:n"),
        ox.Literal("1998", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
    ),
    ox.Quad(ox.BlankNode("b0"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal('a "q"\n')),
    ox.Quad(ox.NamedNode("urn:fuzz:s"), ox.NamedNode("urn:fuzz:link"), ox.BlankNode("b0"), ox.NamedNode("urn:fuzz:g")),
]
XML_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="urn:x">'
    "<rdf:value>&d;</rdf:value></rdf:Description></rdf:RDF>"
)
XML_EXTERNAL = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="urn:x">'
    "<rdf:value>&e;</rdf:value></rdf:Description></rdf:RDF>"
)


def _seed(fmt: ox.RdfFormat) -> str:
    quads = _SEED_QUADS if fmt.supports_datasets else [ox.Quad(q.subject, q.predicate, q.object) for q in _SEED_QUADS]
    return ox.serialize(quads, format=fmt).decode("utf-8")  # type: ignore[arg-type]


RDF_SEEDS: dict[str, list[str]] = {f.media_type: [_seed(f.rdf_format)] for f in RDF_FORMATS if f.rdf_format is not None}
RDF_SEEDS["application/rdf+xml"] += [XML_BOMB, XML_EXTERNAL]


@st.composite
def rdf_bodies(draw: Callable[..., Any]) -> tuple[str, bytes]:
    """An RDF media type and a body: that format's seed mutated, or another format's (a body that
    lies about its type), sometimes with bytes that are not UTF-8."""
    media = draw(st.sampled_from(sorted(RDF_SEEDS)))
    source = media if draw(st.integers(0, 3)) else draw(st.sampled_from(sorted(RDF_SEEDS)))
    seeds = RDF_SEEDS[source]
    return media, draw(
        mutated_bytes(st.one_of(st.sampled_from(seeds), mutated(seeds, max_mutations=1), mutated(seeds)))
    )


def media_types() -> st.SearchStrategy[str]:
    """Content-Type values: the RDF formats' own, with odd parameters, and junk."""
    known = sorted(
        {*RDF_SEEDS, "text/plain", "text/n3", "application/sparql-query", "application/x-www-form-urlencoded"}
    )
    header = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
    return st.one_of(
        st.sampled_from(known),
        st.builds(lambda m, p: f"{m}; {p}", st.sampled_from(known), header),
        st.builds(lambda m: f"{m}; charset=latin-1", st.sampled_from(known)),
        header,
    )
