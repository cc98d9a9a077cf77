"""The HTTP requests the fuzz tests send (issue 16; tests/fuzzing.py has the texts and bodies they carry):
to ``/sparql``, ``/update`` and ``/store``, to the pages under every route of the app, and to the
canned queries with random values for their parameters. Each strategy gives a :data:`Sent`, the
method, path and keyword arguments of ``httpx.Client.request`` (which the in-process client and a
client of a real server both take), so the same requests go to either (:func:`tests.fuzzing.send`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

from dragonbear.graph.chart_data import CHARTS
from dragonbear.namespaces import ENTITY_KINDS
from dragonbear.queries.catalogue import load_catalogue

from .conftest import TOKEN
from .fuzzing import BAD_TEXTS, media_types, mutated_bytes, rdf_bodies, sparql_queries, sparql_updates

__all__ = [
    "ACCEPTS",
    "GRAPH_PARAMS",
    "Sent",
    "canned_requests",
    "page_requests",
    "query_requests",
    "short_link_posts",
    "store_writes",
    "update_requests",
]

Sent = tuple[str, str, dict[str, Any]]
"""A request: its method, its path, and the keyword arguments of ``httpx.Client.request``."""

_IRIS = st.one_of(
    st.sampled_from(
        ["https://w3id.org/dragonbear/graph/curated", "urn:fuzz:g", "http://kasei.us/2009/09/sparql/data/data1.rdf"]
    ),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
)
_PARAM_NAMES = st.sampled_from(
    [
        "default-graph-uri",
        "named-graph-uri",
        "using-graph-uri",
        "using-named-graph-uri",
        "format",
        "query",
        "update",
        "graph",
        "default",
        "timeout",
        "callback",
    ]
)
_HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
ACCEPTS = st.one_of(
    st.sampled_from(
        [
            "*/*",
            "application/sparql-results+json",
            "text/csv",
            "text/turtle",
            "application/ld+json",
            "application/rdf+xml;q=0.5, text/html",
            "text/html",
            "image/png",
            "application/*;q=0",
        ]
    ),
    _HEADER_TEXT,
)


@st.composite
def query_requests(draw: Any) -> Sent:
    """A request to /sparql: a method, a path with its parameters, and what httpx sends."""
    text = draw(sparql_queries())
    extra = draw(st.lists(st.tuples(_PARAM_NAMES, _IRIS), max_size=3)) if draw(st.booleans()) else []
    headers = {"Accept": draw(ACCEPTS)} if draw(st.booleans()) else {}
    how = draw(st.sampled_from(["get", "direct", "form"]))
    if how == "get":
        return "GET", "/sparql", {"params": [("query", text), *extra], "headers": headers}
    if how == "direct":
        body = draw(mutated_bytes(st.just(text)))
        media = draw(st.sampled_from(["application/sparql-query", "application/sparql-query; charset=utf-8"]))
        return "POST", "/sparql", {"params": extra, "content": body, "headers": {**headers, "Content-Type": media}}
    return "POST", "/sparql", {"data": {"query": text, **dict(extra)}, "headers": headers}


_AUTH = st.one_of(
    st.just({}),
    st.sampled_from(
        [
            {"Authorization": f"Bearer {TOKEN}x"},
            {"Authorization": "Bearer"},
            {"Authorization": "Basic dTpw"},
            {"Authorization": TOKEN},
            {"Authorization": f"bearer  {TOKEN[:-1]}"},
        ]
    ),
    st.builds(lambda v: {"Authorization": v}, _HEADER_TEXT),
)


@st.composite
def update_requests(draw: Any, token: bool) -> Sent:
    """A POST to /update, direct or as a form, with or without the token."""
    text = draw(sparql_updates())
    extra = draw(st.lists(st.tuples(_PARAM_NAMES, _IRIS), max_size=2)) if draw(st.booleans()) else []
    auth = {"Authorization": f"Bearer {TOKEN}"} if token else draw(_AUTH)
    if draw(st.booleans()):
        body = draw(mutated_bytes(st.just(text)))
        headers = {**auth, "Content-Type": "application/sparql-update"}
        return "POST", "/update", {"params": extra, "content": body, "headers": headers}
    return "POST", "/update", {"data": {"update": text, **dict(extra)}, "headers": auth}


GRAPH_PARAMS = st.one_of(
    st.builds(
        lambda iri: [("graph", iri)],
        st.sampled_from(["urn:fuzz:g", "urn:fuzz:h", "http://kasei.us/2009/09/sparql/data/data1.rdf"]),
    ),
    st.just([("default", "")]),
    st.lists(
        st.one_of(st.tuples(st.just("graph"), _IRIS), st.just(("default", "")), st.tuples(_PARAM_NAMES, _IRIS)),
        max_size=3,
    ),
)


@st.composite
def store_writes(draw: Any, token: bool) -> Sent:
    """A PUT, POST or DELETE to /store: graph parameters, a media type and a body, mutated."""
    method = draw(st.sampled_from(["PUT", "POST", "DELETE"]))
    media, body = draw(rdf_bodies())
    if draw(st.integers(0, 4)) == 0:
        media = draw(media_types())
    auth = {"Authorization": f"Bearer {TOKEN}"} if token else draw(_AUTH)
    kwargs = {"params": draw(GRAPH_PARAMS), "headers": {**auth, "Content-Type": media}}
    return method, "/store", kwargs if method == "DELETE" else {**kwargs, "content": body}


CATALOGUE = load_catalogue()
IDS = [
    "china",
    "russia",
    "j-11",
    "su-27",
    "vostok-2018",
    "sukhoi",
    "vladivostok",
    "vonessen-2025",
    "sipri/russia-china-1999-su-30mk",
]
ENTITIES = [
    "state/china",
    "state/russia",
    "system/j-11",
    "system/su-27",
    "org/sukhoi",
    "exercise/vostok-2018",
    "place/vladivostok",
    "source/vonessen-2025",
    "transfer/sipri/russia-china-1999-su-30mk",
    "claim/institutionalisation-2014-2022",
    "figure/joint-naval-patrols-2021-2024",
    "event/western-sanctions-2014",
    "series/interaction",
    "derivation/sipri/sipri-type-3--sipri-yak-18--licensedproduction--china",
]
NAMES = [
    "China",
    "Russia",
    "J-11",
    "Su-27",
    "Flanker",
    "歼-11",
    "Су-27",
    "Vostok-2018",
    "dgb:Agent",
    "id:state/china",
    "https://w3id.org/dragonbear/id/system/j-11",
    "https://w3id.org/dragonbear/ontology#SystemModel",
]
EXTENSIONS = [
    "csv",
    "json",
    "xlsx",
    "tsv",
    "xml",
    "ttl",
    "nt",
    "jsonld",
    "rdf",
    "svg",
    "png",
    "dot",
    "graphml",
    "gexf",
    "html",
    "",
]
PARAMS = [
    "q",
    "limit",
    "class",
    "format",
    "page",
    "per_page",
    "sort",
    "state",
    "kind",
    "from",
    "to",
    "year",
    "view",
    "supplier",
    "recipient",
    "direction",
    "as_of",
    "relation",
    "expand",
    "collapse",
    "entity",
    "system",
    "depth",
    "text",
    "topic",
    "source",
    "exercise",
    "category",
    "country",
    "path",
    "query",
]

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
VALUES = st.one_of(
    st.sampled_from(NAMES + IDS + EXTENSIONS),
    st.sampled_from(["0", "-1", "1992", "2022", "99999999999999999999999", "1e308", "NaN", "-0", " 1 ", "1.5", "0x10"]),
    st.sampled_from(BAD_TEXTS),
    _TEXT,
)


def _segment(draw: Any) -> str:
    """A path segment: a real id, odd text percent-encoded, or raw pieces that paths should never hold."""
    return str(
        draw(
            st.one_of(
                st.sampled_from([*IDS, *CATALOGUE, *CHARTS]),
                st.builds(lambda t: quote(t, safe=""), VALUES),
                st.sampled_from(
                    ["..", "../..", "%2e%2e%2f", "%00", "%ff", "%ZZ", "a%2Fb", "~", "a.b.c", "x" * 300, ""]
                ),
            )
        )
    )


@st.composite
def page_paths(draw: Any) -> str:
    """A path under one of the app's routes, its variable parts filled with real or mangled segments."""
    seg = _segment(draw)
    kind = draw(st.sampled_from([*ENTITY_KINDS, "dataset", "nope"]))
    ext = draw(st.sampled_from(EXTENSIONS))
    name = draw(st.sampled_from([*CATALOGUE, "nope"]))
    release = draw(st.sampled_from(["2026.12.1", "2024.1.0", seg]))
    entity = draw(st.sampled_from(ENTITIES))
    return str(
        draw(
            st.sampled_from(
                [
                    "/",
                    "/ontology",
                    "/id/",
                    f"/id/{kind}/",
                    f"/id/{kind}/{seg}",
                    f"/id/{seg}",
                    "/search",
                    f"/id/{entity}",
                    f"/id/{entity}",
                    f"/explore/{entity}",
                    f"/v/{release}/id/{entity}",
                    f"/embed/lineage/{entity.rpartition('/')[2]}",
                    f"/api/lineage/{entity.rpartition('/')[2]}",
                    "/charts",
                    f"/charts/{seg}.{ext}",
                    f"/charts/{seg}",
                    "/timeline",
                    f"/timeline.{ext}",
                    "/map",
                    f"/map.{ext}",
                    f"/q/{seg}",
                    f"/q/{seg}.json",
                    "/queries",
                    f"/queries/{name}",
                    "/explore",
                    f"/explore/{seg}",
                    f"/explore/system/{seg}",
                    f"/embed/lineage/{seg}",
                    f"/embed/chart/{seg}",
                    f"/embed/query/{name}",
                    "/v",
                    "/v/",
                    f"/v/{release}/",
                    f"/v/{release}/id/{kind}/{seg}",
                    f"/v/{release}/sparql",
                    "/.well-known/void",
                    "/download",
                    f"/download/{seg}",
                    f"/static/{seg}",
                    "/api/queries",
                    f"/api/queries/{name}",
                    f"/api/queries/{name}.{ext}",
                    "/api/resolve",
                    "/api/search",
                    f"/api/lineage/{seg}",
                    "/api/cite",
                    f"/{seg}",
                    f"/{seg}/{seg}",
                ]
            )
        )
    )


_PAGE_ACCEPTS = st.sampled_from(
    ["text/html", "application/json", "text/turtle", "*/*", "text/csv", "image/png", "x/y", ""]
)


@st.composite
def page_requests(draw: Any) -> Sent:
    """A GET (or HEAD) of a page with random parameters and Accept header."""
    path = draw(page_paths())
    params = draw(st.lists(st.tuples(st.sampled_from(PARAMS), VALUES), max_size=4))
    headers = {"Accept": draw(_PAGE_ACCEPTS)} if draw(st.booleans()) else {}
    return draw(st.sampled_from(["GET"] * 7 + ["HEAD"])), path, {"params": params, "headers": headers}


@st.composite
def canned_requests(draw: Any) -> Sent:
    """A canned query run through the API (maybe as a file), its form page or its embed, with random
    values for its own parameters, and sometimes unknown or repeated ones."""
    name = draw(st.sampled_from(sorted(CATALOGUE)))
    query = CATALOGUE[name]
    own = [p.name for p in query.parameters]
    params = [
        (p.name, draw(st.one_of(st.just(p.example or "1"), VALUES)))
        for p in query.parameters
        if draw(st.integers(0, 5))
    ]
    if draw(st.integers(0, 2)) == 0:  # unknown or repeated parameters
        params += draw(st.lists(st.tuples(st.sampled_from([*own, *PARAMS]), VALUES), min_size=1, max_size=2))
    where = draw(st.sampled_from(["api", "api", "file", "form", "embed"]))
    path = {
        "api": f"/api/queries/{name}",
        "file": f"/api/queries/{name}.{draw(st.sampled_from(EXTENSIONS[:9]))}",
        "form": f"/queries/{name}",
        "embed": f"/embed/query/{name}",
    }[where]
    return "GET", path, {"params": params}


@st.composite
def short_link_posts(draw: Any) -> Sent:
    """A POST to /q (make a short link) of a path random or mangled, as a form or JSON."""
    path = draw(st.one_of(page_paths(), _TEXT))
    if draw(st.booleans()):
        return "POST", "/q", {"data": {"path": path}}
    return (
        "POST",
        "/q",
        {"json": draw(st.one_of(st.just({"path": path}), st.just([path]), st.just(path), st.just(None)))},
    )
