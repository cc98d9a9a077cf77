"""The lineage explorer: an interactive graph of a system's ancestors and descendants in the browser.

===========================  ================================================================
``GET /explore``             a search box (``?q=NAME`` lists the systems a name may denote, and
                             goes straight to the explorer when one system is the clear match)
``GET /explore/{id}``        the explorer of one system (``j-11``, or the system's full IRI)
===========================  ================================================================

The page is a shell: ``/static/explorer.js`` fetches ``/api/lineage/{id}`` and draws it with
Cytoscape.js and the dagre layout, both served from the package (``/static/cytoscape/``), never
from a CDN. Like every page, it is sent with a Content-Security-Policy that allows only this origin
(:data:`~dragonbear.service.runtime.security_headers.PAGE_POLICY`), so a browser refuses anything
from elsewhere. The controls (direction, year, relation kinds, minimum
confidence) filter the drawing in the browser. A large lineage is drawn with its big groups collapsed
into one box each, with its count (``/static/explorer.groups.js``, the rule of
:mod:`dragonbear.service.web.lineage_groups`); a table under the graph lists every link that passes the
filters, drawn or not, grouped by relation and kind (``/static/explorer.table.js``), as the text
alternative of the drawing. The search form works without JavaScript.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dragonbear import __version__
from dragonbear.graph.resolve import Candidate
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import DGB, ID
from dragonbear.queries.catalogue import bind_values
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.runtime.names import name_index
from dragonbear.service.web.layout import esc, iri_link, page

__all__ = ["explore_path", "explorer_html", "router", "search_html"]

SYSTEM_PREFIX = ID + "system/"

_SYSTEM_QUERY = """
SELECT ?system ?label WHERE {
  ?system a dgb:SystemModel .
  OPTIONAL { ?system rdfs:label ?l FILTER(LANG(?l) = "en" || LANG(?l) = "") }
  BIND(COALESCE(?l, STR(?system)) AS ?label)
} LIMIT 1"""


def explore_path(iri: str) -> str | None:
    """The explorer's path for the system ``iri``, or None for an IRI outside the project's systems.

    >>> explore_path("https://w3id.org/dragonbear/id/system/j-11")
    '/explore/j-11'
    >>> explore_path("https://w3id.org/dragonbear/id/state/china") is None
    True
    """
    if not iri.startswith(SYSTEM_PREFIX) or len(iri) == len(SYSTEM_PREFIX):
        return None
    return "/explore/" + quote(iri[len(SYSTEM_PREFIX) :], safe="-._~")


def _system_label(store: GraphStore, iri: str) -> str | None:
    """The English label of the system ``iri``, or None when the store has no such system."""
    for row in store.select(bind_values(_SYSTEM_QUERY, {"system": ox.NamedNode(iri)})):
        label = row["label"]
        return label.value if isinstance(label, ox.Literal) else iri
    return None


def _head() -> str:
    v = quote(__version__)
    return (
        f'<link rel="stylesheet" href="/static/explorer.css?v={v}">'
        f'<script src="/static/cytoscape/cytoscape.min.js?v={v}" defer></script>'
        f'<script src="/static/cytoscape/cytoscape-dagre.min.js?v={v}" defer></script>'
        f'<script src="/static/explorer.search.js?v={v}" defer></script>'
        f'<script src="/static/explorer.groups.js?v={v}" defer></script>'
        f'<script src="/static/explorer.table.js?v={v}" defer></script>'
        f'<script src="/static/explorer.panels.js?v={v}" defer></script>'
        f'<script src="/static/explorer.js?v={v}" defer></script>'
    )


def _search_form(value: str = "") -> str:
    return (
        '<form class="explorer-search" action="/explore" method="get" role="search">'
        '<label for="explorer-q">System</label> '
        f'<input id="explorer-q" name="q" type="search" value="{esc(value)}" autocomplete="off" '
        'placeholder="a name in any language: J-11, Flanker, 歼-11" aria-describedby="explorer-q-help" '
        'aria-controls="explorer-suggestions">'
        '<button type="submit">Explore</button>'
        '<span id="explorer-q-help" class="muted"> names are looked up with the resolver '
        '(<a href="/api/resolve?q=J-11">/api/resolve</a>)</span>'
        '<ul id="explorer-suggestions" class="explorer-suggestions" aria-label="Matching systems"></ul></form>'
    )


def _candidate_list(candidates: list[Candidate]) -> str:
    items = "".join(
        f'<li><a href="{esc(explore_path(c.iri))}">{esc(c.label)}</a> '
        f'<span class="muted">({esc(c.matched)}; {iri_link(c.iri, "entity page")})</span></li>'
        for c in candidates
        if explore_path(c.iri)
    )
    return f'<ul class="explorer-candidates">{items}</ul>'


def search_html(query: str = "", candidates: list[Candidate] | None = None, *, notice: str = "") -> str:
    """The explorer's start page: the search box, and the systems ``query`` may denote (already looked up).

    Args:
        query: what the user typed, or "" before any search.
        candidates: the systems the name may denote, best first.
        notice: a message shown under the title (plain text, escaped here).
    """
    parts = [
        "<h1>Lineage explorer</h1>",
        f'<p class="note" role="alert">{esc(notice)}</p>' if notice else "",
        (
            "<p>Choose a system to see where it came from and what came of it: derivations, variants, "
            "component fits and transfers, with a year slider and filters. Every link names its kind, "
            "year, confidence and sources.</p>"
        ),
        _search_form(query),
    ]
    if query:
        if candidates:
            parts.append(f"<h2>Systems that “{esc(query)}” may denote</h2>" + _candidate_list(candidates))
        else:
            parts.append(f"<p>No system is known by the name “{esc(query)}”.</p>")
    return page("Lineage explorer", "".join(parts), head=_head())


def _config(iri: str, label: str) -> str:
    local = iri[len(SYSTEM_PREFIX) :]
    config = {
        "system": iri,
        "label": label,
        "api": "/api/lineage/" + quote(local, safe="-._~"),
        "entity": "/id/system/" + quote(local, safe="-._~"),
        "idBase": ID,
        "systemBase": SYSTEM_PREFIX,
    }
    text = json.dumps(config, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def explorer_html(iri: str, label: str) -> str:
    """The explorer page of the system ``iri`` (labelled ``label``); the graph is drawn by the script.

    Args:
        iri: the system's IRI (under ``https://w3id.org/dragonbear/id/system/``).
        label: its English label, for the title.
    """
    entity = "/id/system/" + quote(iri[len(SYSTEM_PREFIX) :], safe="-._~")
    body = (
        f"<h1>Lineage of {esc(label)}</h1>"
        '<p class="muted">Arrows point from what comes from something to what it comes from: a derived system '
        "to its origin and licensor, a platform to its component, a recipient to the system it received. "
        f'Double-click a system to open its page. <a href="{esc(entity)}">The entity page of {esc(label)}</a>.'
        "</p>"
        + _search_form()
        + '<noscript><p class="note">The interactive graph needs JavaScript; the entity page draws the same '
        "lineage without it.</p></noscript>"
        f'<div class="explorer">{_CONTROLS}{_stage(label)}</div>{_LINKS}'
        f'<script id="explorer-config" type="application/json">{_config(iri, label)}</script>'
    )
    return page(f"Lineage of {label}", body, head=_head(), wide=True)


# The filters of the explorer: direction, year, confidence, relations, colours.
_CONTROLS = (
    '<form class="explorer-controls" id="explorer-controls" aria-label="Filters">'
    "<fieldset><legend>Direction</legend>"
    + "".join(
        f'<label><input type="radio" name="direction" value="{v}"{" checked" if v == "both" else ""}> {t}</label>'
        for v, t in (("up", "ancestors"), ("down", "descendants"), ("both", "both"))
    )
    + "</fieldset>"
    '<fieldset><legend>Year</legend><label for="explorer-year">Show links up to the year</label>'
    '<input type="range" id="explorer-year" name="year" min="1950" '
    'max="2030" step="1" value="2030" aria-valuetext="all years" aria-describedby="explorer-year-help"> '
    '<output id="explorer-year-value" for="explorer-year">all years</output>'
    '<p id="explorer-year-help" class="muted">Links appear from their year (a transfer from its order); '
    "component fits end with their period. Undated links are always shown.</p></fieldset>"
    "<fieldset><legend>Minimum confidence</legend>"
    '<label for="explorer-confidence">Hide links rated below</label><input type="range" id="explorer-confidence" '
    'name="confidence" min="0" max="1" step="0.05" value="0"> '
    '<output id="explorer-confidence-value" for="explorer-confidence">0.00</output>'
    '<label><input type="checkbox" id="explorer-unrated" checked> links with no recorded confidence'
    "</label></fieldset>"
    '<fieldset id="explorer-relations"><legend>Relations</legend></fieldset>'
    '<fieldset><legend>Colour</legend><label for="explorer-colour">nodes by</label> '
    '<select id="explorer-colour"><option value="country">country</option>'
    '<option value="type">type</option></select><ul id="explorer-legend" class="explorer-legend"></ul>'
    "</fieldset></form>"
)


def _stage(label: str) -> str:
    """The graph's place, with the details of what is clicked and the groups the drawing collapsed."""
    return (
        '<div class="explorer-stage">'
        f'<div id="explorer-graph" class="explorer-graph" role="img" aria-label="Lineage graph of {esc(label)}; '
        'the table “Links” below lists every link, drawn or in a collapsed group" '
        'aria-describedby="explorer-summary"></div>'
        '<div class="explorer-side">'
        '<aside id="explorer-details" class="explorer-details" aria-live="polite"><h2>Details</h2>'
        '<p class="muted">Click a system or a link to see it here. Double-click a system to open its page.</p>'
        "</aside>"
        '<section id="explorer-groups" class="explorer-groups" aria-labelledby="explorer-groups-title">'
        '<h2 id="explorer-groups-title">Groups in the drawing</h2></section></div></div>'
    )


# The table of every link that passes the filters.
_LINKS = (
    '<section class="explorer-list" aria-labelledby="explorer-list-title">'
    '<h2 id="explorer-list-title">Links</h2>'
    '<p id="explorer-summary" class="muted" aria-live="polite">Loading the lineage…</p>'
    '<p class="muted">Every link that passes the filters, drawn or in a collapsed group of the drawing, '
    "grouped by relation and kind; a group's header folds it, a column's header sorts by it.</p>"
    '<div class="table-wrap"><table id="explorer-edges" class="explorer-edges"><thead><tr>'
    + "".join(
        f'<th scope="col" data-column="{c}">{c}</th>'
        for c in ("from", "relation", "how", "to", "year", "confidence", "sources")
    )
    + "</tr></thead></table></div></section>"
)


router = APIRouter(include_in_schema=False)


def _search(store: GraphStore, query: str) -> tuple[str | None, list[Candidate]]:
    names = name_index(store)
    found = names.candidates(query, types=names.expand_type(DGB + "SystemModel"), limit=20)
    clear = found and (len(found) == 1 or found[0].score > found[1].score) and found[0].score >= 90
    return (explore_path(found[0].iri) if clear else None), found


@router.get("/explore")
def search(served: ServedDep, q: str | None = None) -> Response:
    """The search box, or the systems a name may denote (straight to the explorer for a clear match)."""
    query = (q or "").strip()
    if not query:
        return HTMLResponse(search_html())
    target, found = served.read(lambda store: _search(store, query), key=("explore-search", query))
    if target:
        return RedirectResponse(target, status_code=303)
    return HTMLResponse(search_html(query, found))


def _explore(store: GraphStore, system: str, iri: str, valid: bool) -> tuple[int, str]:
    label = _system_label(store, iri) if valid else None
    if label is None:
        names = name_index(store)
        found = names.candidates(system.rsplit("/", 1)[-1], types=names.expand_type(DGB + "SystemModel"))
        return 404, search_html(system, found, notice=f"The graph has no system {iri}.")
    return 200, explorer_html(iri, label)


@router.get("/explore/{system:path}")
def explore(system: str, served: ServedDep) -> Response:
    """The explorer of one system (its id or IRI); a 404 with suggestions for a system the graph lacks."""
    iri = system if system.startswith(SYSTEM_PREFIX) else SYSTEM_PREFIX + system
    try:
        ox.NamedNode(iri)
        valid = explore_path(iri) is not None
    except ValueError:
        valid = False
    status, html = served.read(lambda store: _explore(store, system, iri, valid), key=("explore", system))
    return HTMLResponse(html, status_code=status)
