"""The web pages: the query page at ``/``, entity pages at ``/id/...``, the ontology at ``/ontology``.

``pages_router(store_provider)`` returns the router; ``store_provider`` is called on every request
so that the app can swap stores. The IRIs ``https://w3id.org/dragonbear/id/{kind}/{id}`` and
``https://w3id.org/dragonbear/ontology#Term`` resolve to these paths: a browser gets HTML, an RDF
client gets Turtle (the default for RDF), JSON-LD, N-Triples or RDF/XML by content negotiation, or
with ``?format=turtle`` (``jsonld``, ``ntriples``, ``rdfxml``, ``html``).

YASGUI is served from the package (``/static/yasgui/``), never from a CDN.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from dragonbear.errors import DragonbearError, NotAcceptableError, ProtocolError
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import ID, ONTOLOGY_IRI, PREFIXES
from dragonbear.queries.catalogue import load_catalogue
from dragonbear.service.web.entity import entity_triples, read_entity
from dragonbear.service.web.entity_page import entity_html, not_found_html
from dragonbear.service.web.examples import example_queries
from dragonbear.service.web.layout import esc, iri_link, page
from dragonbear.service.web.lineage import lineage_of
from dragonbear.service.web.lineage_section import lineage_section
from dragonbear.service.runtime.names import name_index
from dragonbear.service.runtime.negotiation import GRAPHS, Representation, ResultKind, choose
from dragonbear.service.web.ontology_page import ontology_html, ontology_triples

__all__ = ["SPARQL_PATH", "STATIC_DIR", "pages_router"]

STATIC_DIR = Path(__file__).resolve().parent / "static"
SPARQL_PATH = "/sparql"
_HTML_TYPES = ("text/html", "application/xhtml+xml")

StoreProvider = Callable[[], GraphStore]


def _media_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for item in accept.split(","):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        media = "*/*" if media == "*" else media
        q = 1.0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value)))
                except ValueError:
                    q = 1.0
        if "/" in media:
            ranges.append((media, q))
    return ranges


def _score(media_types: tuple[str, ...], ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """(q, specificity) of the most specific range matching one of ``media_types``."""
    best = (0.0, -1)
    for media in media_types:
        kind = media.split("/", 1)[0]
        for rng, q in ranges:
            spec = 2 if rng == media else 1 if rng == f"{kind}/*" else 0 if rng == "*/*" else -1
            if spec > best[1] or (spec == best[1] and q > best[0]):
                best = (q, spec) if spec >= 0 else best
    return best


def pick_representation(accept: str | None, fmt: str | None) -> Representation | None:
    """The RDF representation to answer with, or None for HTML.

    No Accept header, or one that ranks HTML at least as high as any RDF syntax, gets HTML (a
    browser); an RDF client gets what it asks for, Turtle first among equals.

    Raises:
        NotAcceptableError: nothing the client accepts is offered.
        ProtocolError: an unknown ``format=`` value.

    >>> pick_representation("text/html,application/xhtml+xml,*/*;q=0.8", None) is None
    True
    >>> pick_representation("text/turtle", None).media_type, pick_representation("*/*;q=0.1", "jsonld").media_type
    ('text/turtle', 'application/ld+json')
    """
    if fmt:
        return None if fmt.strip().lower() in ("html", "text/html") else choose(ResultKind.GRAPH, None, fmt)
    if accept is None or not accept.strip():
        return None
    ranges = _media_ranges(accept)
    html = _score(_HTML_TYPES, ranges)
    scored = [(_score((rep.media_type, *rep.aliases), ranges), -i, rep) for i, rep in enumerate(GRAPHS)]
    (q, spec), _, best = max(scored, key=lambda t: (t[0][0], t[0][1], t[1]))
    if html[0] > 0 and (html[0], html[1]) >= (q, spec):
        return None
    if q <= 0:
        raise NotAcceptableError(f"cannot answer with any of the accepted media types ({accept}); offered: "
                                 + ", ".join(("text/html", *(r.media_type for r in GRAPHS))))
    return best


def _rdf_response(triples: list[ox.Triple], rep: Representation) -> Response:
    fmt = rep.rdf_format or ox.RdfFormat.TURTLE
    items: list[ox.Triple] | list[ox.Quad] = triples
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        items = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None
    body = ox.serialize(items, format=fmt, prefixes=prefixes) or b""
    return Response(body, media_type=rep.content_type, headers={"Vary": "Accept"})


def _error_page(status: int, title: str, message: str) -> HTMLResponse:
    return HTMLResponse(page(title, f"<h1>{esc(title)}</h1><p>{esc(message)}</p>"), status_code=status,
                        headers={"Vary": "Accept"})


def _script_json(data: object) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>``, no HTML comment openers)."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace(
        "&", "\\u0026")


_DEFAULT_QUERY = """SELECT ?system ?label ?country WHERE {
  ?system a dgb:SystemModel ; rdfs:label ?label ; dgb:countryOfOrigin ?country .
  FILTER(LANG(?label) = "en")
}
ORDER BY ?label
LIMIT 50"""


def query_page_html(store: GraphStore) -> str:
    """The query page: YASGUI on ``/sparql``, one tab per canned query with its examples bound."""
    examples = example_queries(load_catalogue(), name_index(store))
    used = ("dgb", "rdf", "rdfs", "skos", "xsd", "prov", "dcterms", "system", "state", "org", "sipri")
    prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in used)
    config = {
        "endpoint": SPARQL_PATH,
        "prefixes": PREFIXES,
        "defaultQuery": prologue + "\n" + _DEFAULT_QUERY,
        "examples": [{"name": e.name, "title": e.title, "query": e.sparql} for e in examples],
    }
    listing = "".join(f"<li><b>{esc(e.name)}</b>: {esc(e.title)}. <span class=\"muted\">{esc(e.description)}</span> "
                      f"(<a href=\"/api/queries/{quote(e.name)}\">JSON API</a>)</li>" for e in examples)
    head = ('<link rel="stylesheet" href="/static/yasgui/yasgui.min.css">'
            '<script src="/static/yasgui/yasgui.min.js"></script>'
            "<style>#yasgui { background: #fff; } .yasgui .autocompleteWrapper { display: none !important; }</style>")
    body = (
        "<h1>Query the graph</h1>"
        f"<p>SPARQL endpoint: <code>{esc(SPARQL_PATH)}</code>. The default graph is the union of all named "
        "graphs; every project prefix is predeclared. The tabs hold the canned queries with example values. "
        f"Entities resolve as pages, for example {iri_link(ID + 'system/j-11', 'Shenyang J-11')}; "
        f"the terms are documented under {iri_link(ONTOLOGY_IRI, 'the ontology')}. "
        '<a href="/download">Download the whole graph</a> (N-Quads, TriG, Turtle, JSON-LD).</p>'
        '<div id="yasgui"></div>'
        f"<h2>Canned queries</h2><ul>{listing}</ul>"
        f'<script id="dragonbear-config" type="application/json">{_script_json(config)}</script>'
        "<script>\n" + _QUERY_PAGE_SCRIPT + "\n</script>"
    )
    return page("Query", body, head=head, wide=True)


_QUERY_PAGE_SCRIPT = """
(function () {
  var cfg = JSON.parse(document.getElementById("dragonbear-config").textContent);
  var endpoint = new URL(cfg.endpoint, window.location.href).href;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { autocompleters: [], value: cfg.defaultQuery }
  });
  var first = yasgui.getTab();
  if (first) { first.setQuery(cfg.defaultQuery); first.setName("Query"); }
  cfg.examples.forEach(function (ex) {
    yasgui.addTab(false, { name: ex.name, yasqe: { value: ex.query }, requestConfig: { endpoint: endpoint } });
  });
  window.dragonbearYasgui = yasgui;
})();
"""


def pages_router(store_provider: StoreProvider) -> APIRouter:
    """The router of the web pages.

    Args:
        store_provider: a zero-argument callable returning the store to read (called per request).
    """
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    def query_page() -> HTMLResponse:
        return HTMLResponse(query_page_html(store_provider()))

    @router.get("/static/{path:path}")
    def static_file(path: str) -> Response:
        target = (STATIC_DIR / path).resolve()
        if not target.is_relative_to(STATIC_DIR) or not target.is_file():
            return _error_page(404, "Not found", f"no static file {path!r}")
        media = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return FileResponse(target, media_type=media, headers={"Cache-Control": "public, max-age=3600"})

    @router.get("/ontology")
    def ontology(request: Request, format: str | None = None) -> Response:
        try:
            rep = pick_representation(request.headers.get("accept"), format)
        except (NotAcceptableError, ProtocolError) as exc:
            return _error_page(406 if isinstance(exc, NotAcceptableError) else 400, "Not acceptable", str(exc))
        store = store_provider()
        if rep is None:
            return HTMLResponse(ontology_html(store), headers={"Vary": "Accept"})
        return _rdf_response(ontology_triples(store), rep)

    @router.get("/id/{path:path}")
    def entity(path: str, request: Request, format: str | None = None) -> Response:
        iri = ID + path
        try:
            node_iri = ox.NamedNode(iri).value
            rep = pick_representation(request.headers.get("accept"), format)
        except ValueError:
            return HTMLResponse(not_found_html(iri), status_code=404)
        except (NotAcceptableError, ProtocolError) as exc:
            return _error_page(406 if isinstance(exc, NotAcceptableError) else 400, "Not acceptable", str(exc))
        store = store_provider()
        catalogue = load_catalogue()
        if rep is not None:
            triples = entity_triples(store, node_iri)
            if not triples:
                return Response(f"nothing is known about <{node_iri}>\n", status_code=404, media_type="text/plain")
            return _rdf_response(triples, rep)
        view = read_entity(store, node_iri, catalogue)
        if view is None:
            return HTMLResponse(not_found_html(node_iri), status_code=404, headers={"Vary": "Accept"})
        section = None
        if view.is_system:
            try:
                lineage = lineage_of(store, node_iri, catalogue)
            except DragonbearError:
                lineage = None
            if lineage is not None:
                section = lineage_section(lineage, opened=request.query_params.getlist("expand"),
                                          closed=request.query_params.getlist("collapse"))
        return HTMLResponse(entity_html(view, lineage_html=section), headers={"Vary": "Accept"})

    return router
