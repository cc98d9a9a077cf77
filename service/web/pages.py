"""The web pages: the query page at ``/``, entity pages at ``/id/...``, the ontology at ``/ontology``.

``router`` holds the routes; each reads the store through the served store's runner (the time limit
applies, and each page is kept per store generation). The IRIs ``https://w3id.org/dragonbear/id/{kind}/{id}`` and
``https://w3id.org/dragonbear/ontology#Term`` resolve to these paths: a browser gets HTML, an RDF
client gets Turtle (the default for RDF), JSON-LD, N-Triples or RDF/XML by content negotiation, or
with ``?format=turtle`` (``jsonld``, ``ntriples``, ``rdfxml``, ``html``).

YASGUI is served from the package (``/static/yasgui/``), never from a CDN.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from dragonbear.errors import DragonbearError, NotFoundError
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import ID, PREFIXES
from dragonbear.queries.catalogue import load_catalogue
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.runtime.negotiation import Representation, choose_page
from dragonbear.service.web.entity import entity_triples, read_entity
from dragonbear.service.web.entity_page import entity_html, not_found_html
from dragonbear.service.web.layout import esc, page
from dragonbear.service.web.lineage import lineage_of
from dragonbear.service.web.lineage_section import lineage_section
from dragonbear.service.web.ontology_page import ontology_html, ontology_triples
from dragonbear.service.web.query_page import SPARQL_PATH, query_page_html

__all__ = ["SPARQL_PATH", "STATIC_DIR", "error_page", "pick_representation", "query_page_html", "router"]

STATIC_DIR = Path(__file__).resolve().parent / "static"


def pick_representation(accept: str | None, fmt: str | None) -> Representation | None:
    """The RDF representation to answer with, or None for HTML (see
    :func:`dragonbear.service.runtime.negotiation.choose_page`, the one Accept parser).

    >>> pick_representation("text/html,application/xhtml+xml,*/*;q=0.8", None) is None
    True
    >>> pick_representation("text/turtle", None).media_type, pick_representation("*/*;q=0.1", "jsonld").media_type
    ('text/turtle', 'application/ld+json')
    """
    return choose_page(accept, fmt)


def _rdf_response(triples: list[ox.Triple], rep: Representation) -> Response:
    fmt = rep.rdf_format or ox.RdfFormat.TURTLE
    items: list[ox.Triple] | list[ox.Quad] = triples
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        items = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    prefixes = PREFIXES if rep.format is not None and rep.format.takes_prefixes else None
    body = ox.serialize(items, format=fmt, prefixes=prefixes) or b""
    return Response(body, media_type=rep.content_type, headers={"Vary": "Accept"})


router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def query_page(served: ServedDep) -> HTMLResponse:
    """The query page (kept per store generation)."""
    return HTMLResponse(served.read(query_page_html, key=("page", "/")))


@router.get("/static/{path:path}")
def static_file(path: str) -> Response:
    """A file of the package's ``static/`` folder (YASGUI, cytoscape.js, the explorer's script)."""
    try:
        target = (STATIC_DIR / path).resolve()
        found = target.is_relative_to(STATIC_DIR) and target.is_file()
    except (OSError, ValueError):  # a NUL byte, a name longer than the file system takes: no such file
        found = False
    if not found:
        raise NotFoundError(f"no static file {path[:200]!r}")
    media = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(target, media_type=media, headers={"Cache-Control": "public, max-age=3600"})


@router.get("/ontology")
def ontology(request: Request, served: ServedDep, format: str | None = None) -> Response:
    """The ontology's documentation page, or its RDF by content negotiation."""
    rep = pick_representation(request.headers.get("accept"), format)
    if rep is None:
        return HTMLResponse(served.read(ontology_html, key=("page", "/ontology")), headers={"Vary": "Accept"})
    return _rdf_response(served.read(ontology_triples, key=("rdf", "/ontology")), rep)


def _entity_html(store: GraphStore, iri: str, opened: list[str], closed: list[str], base: str) -> str | None:
    catalogue = load_catalogue()
    view = read_entity(store, iri, catalogue)
    if view is None:
        return None
    section = None
    if view.is_system:
        try:
            lineage = lineage_of(store, iri, catalogue)
        except DragonbearError:
            lineage = None
        if lineage is not None:
            section = lineage_section(lineage, opened=opened, closed=closed, base_url=base)
    return entity_html(view, lineage_html=section)


@router.get("/id/{path:path}")
def entity(path: str, request: Request, served: ServedDep, format: str | None = None) -> Response:
    """The page of an entity, or its RDF by content negotiation (kept per store generation)."""
    iri = ID + path
    try:
        node_iri = ox.NamedNode(iri).value
    except ValueError:
        return HTMLResponse(not_found_html(iri), status_code=404)
    rep = pick_representation(request.headers.get("accept"), format)
    if rep is not None:
        triples = served.read(lambda store: entity_triples(store, node_iri), key=("rdf", node_iri))
        if not triples:
            raise NotFoundError(f"nothing is known about <{node_iri}>")
        return _rdf_response(triples, rep)
    opened, closed = request.query_params.getlist("expand"), request.query_params.getlist("collapse")
    base = str(request.base_url).rstrip("/")
    html = served.read(
        lambda store: _entity_html(store, node_iri, opened, closed, base),
        key=("page", node_iri, tuple(opened), tuple(closed), base),
    )
    if html is None:
        return HTMLResponse(not_found_html(node_iri), status_code=404, headers={"Vary": "Accept"})
    return HTMLResponse(html, headers={"Vary": "Accept"})


def error_page(status: int, message: str) -> str:
    """The HTML page of an error (for the app's one error handler)."""
    title = {404: "Not found", 406: "Not acceptable", 503: "Busy"}.get(
        status, "Error" if status >= 500 else "Bad request"
    )
    return page(title, f"<h1>{esc(title)}</h1><p>{esc(message)}</p>")
