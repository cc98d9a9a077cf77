"""The query page at ``/``: YASGUI on the server's SPARQL endpoint, set up for this project.

The page carries, in a JSON script element, what ``static/query-page.js`` needs: the endpoint, the
predeclared prefixes (so the editor does not mark ``dgb:`` as undefined), the classes and properties
the editor completes (the ontology's terms and every class and predicate the graph uses: the editor
asks the server, never prefix.cc or LOV), the canned queries as tabs with their examples bound, and
the namespaces whose IRIs link to this server's pages. YASGUI's share links restore a query and its
view. Escape leaves the editor for its run button, so Tab never traps a keyboard user.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import DGB, GRAPH_ONTOLOGY, ID, ONTOLOGY_IRI, PREFIXES
from dragonbear.queries.catalogue import Parameter, load_catalogue
from dragonbear.service.runtime.names import name_index
from dragonbear.service.web.examples import example_queries
from dragonbear.service.web.home import home_summary_html
from dragonbear.service.web.layout import esc, iri_link, page

__all__ = ["SPARQL_PATH", "query_page_html", "script_json", "vocabulary"]

SPARQL_PATH = "/sparql"

_DEFAULT_QUERY = """SELECT ?system ?label ?country WHERE {
  ?system a dgb:SystemModel ; rdfs:label ?label ; dgb:countryOfOrigin ?country .
  FILTER(LANG(?label) = "en")
}
ORDER BY ?label
LIMIT 50"""

_TERMS = f"""
SELECT DISTINCT ?term ?kind WHERE {{
  {{ GRAPH <{GRAPH_ONTOLOGY}> {{ ?term a ?type }}
     VALUES (?type ?kind) {{
       (<http://www.w3.org/2002/07/owl#Class> "class") (<http://www.w3.org/2000/01/rdf-schema#Class> "class")
       (<http://www.w3.org/2002/07/owl#ObjectProperty> "property")
       (<http://www.w3.org/2002/07/owl#DatatypeProperty> "property")
       (<http://www.w3.org/2002/07/owl#AnnotationProperty> "property")
       (<http://www.w3.org/1999/02/22-rdf-syntax-ns#Property> "property") }} }}
  UNION {{ SELECT DISTINCT ?term ("class" AS ?kind) WHERE {{ ?s a ?term }} }}
  UNION {{ SELECT DISTINCT ?term ("property" AS ?kind) WHERE {{ ?s ?term ?o }} }}
  FILTER(isIRI(?term))
}}"""


def script_json(data: object) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>``, no HTML comment openers).

    >>> script_json({"a": "</script>"})
    '{"a": "\\\\u003c/script\\\\u003e"}'
    """
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _prefixed(iri: str) -> str:
    best = max(((p, ns) for p, ns in PREFIXES.items() if iri.startswith(ns)), key=lambda pn: len(pn[1]), default=None)
    if best is None:
        return iri
    rest = iri[len(best[1]) :]
    return f"{best[0]}:{rest}" if rest and all(c.isalnum() or c in "_-." for c in rest) else iri


def vocabulary(store: GraphStore) -> dict[str, list[str]]:
    """The classes and properties the editor completes, as prefixed names where a project prefix fits.

    Returns:
        ``{"classes": [...], "properties": [...]}``, each sorted.
    """
    found: dict[str, set[str]] = {"class": set(), "property": set()}
    for row in store.select(_TERMS):
        found[row["kind"].value].add(_prefixed(row["term"].value))
    return {"classes": sorted(found["class"]), "properties": sorted(found["property"])}


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
        **vocabulary(store),
        "localNamespace": ID.rsplit("/id/", 1)[0] + "/",
        "idNamespace": ID,
        "ontologyNamespace": DGB,
        "ontologyIri": ONTOLOGY_IRI,
    }
    catalogue = load_catalogue()
    listing = "".join(
        f'<li><a href="/queries/{quote(e.name)}"><b>{esc(e.title)}</b></a> <span class="muted">({esc(e.name)}; '
        f'<a href="/api/queries/{quote(e.name)}{_example_query(catalogue[e.name].parameters)}">JSON API</a>)</span><br>'
        f'<span class="muted">{esc(e.description)}</span></li>'
        for e in examples
    )
    head = (
        '<link rel="stylesheet" href="/static/yasgui/yasgui.min.css">'
        '<script src="/static/yasgui/yasgui.min.js"></script>'
        f"<style>{_YASGUI_STYLE}</style>"
    )
    body = (
        "<h1>Query the graph</h1>"
        f"<p>SPARQL endpoint: <code>{esc(SPARQL_PATH)}</code>. The default graph is the union of all named "
        "graphs; every project prefix is predeclared. The tabs hold the canned queries with example values; "
        "Ctrl-Space completes prefixes, classes and properties; Escape leaves the editor. "
        f"Entities resolve as pages, for example {iri_link(ID + 'system/j-11', 'Shenyang J-11')}; "
        f"the terms are documented under {iri_link(ONTOLOGY_IRI, 'the ontology')}. "
        '<a href="/download">Download the whole graph</a> (N-Quads, TriG, Turtle, JSON-LD).</p>'
        f"{home_summary_html(store)}"
        '<div id="yasgui"></div>'
        "<h2>Canned queries</h2><p>Each has a form, for those who would rather not write SPARQL: "
        f'<a href="/queries">all canned queries</a>.</p><ul>{listing}</ul>'
        f'<script id="dragonbear-config" type="application/json">{script_json(config)}</script>'
        '<script src="/static/query-page.js"></script>'
    )
    return page("Query", body, head=head, wide=True)


# YASGUI's colours that fall short of WCAG AA contrast (4.5:1), darkened; the focus of its tabs shown.
_YASGUI_STYLE = (
    "#yasgui { background: #fff; }"
    " .yasgui .tabsList a, .yasgui .tabsList a span { color: #4a5260; }"
    " .yasgui .tabsList .tab.active a { color: #1d2430; }"
    " .yasgui .tabsList a:focus-visible { outline: 3px solid #f0b429; outline-offset: -3px; }"
    " .yasqe .cm-s-default .cm-string-2 { color: #a33a00; }"
    " .yasqe .CodeMirror-linenumber { color: #5f6670; }"
    " .dragonbear-new-tab { font: inherit; font-size: .9em; margin: .2rem 0; padding: .1rem .6rem;"
    " border: 1px solid #8792a2; border-radius: 3px; background: #eef1f5; color: #1d2430; cursor: pointer; }"
)


def _example_query(parameters: list[Parameter]) -> str:
    """The query string of a JSON API link: the examples (so a query with required parameters answers)
    and ``format=json`` (a browser's Accept ranks XML above ``*/*``)."""
    examples = {p.name: p.example for p in parameters if p.example}
    return "?" + esc(urlencode({**examples, "format": "json"}))
