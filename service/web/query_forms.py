"""The canned queries for people who do not write SPARQL: a form per query, its answer as a table.

``/queries`` lists the canned queries; ``/queries/{name}`` is one query's page: a form built from its
parameters (an entity parameter is a text field that takes any name, with the search's suggestions; a
year is a number field), and, once the required parameters are filled in, the answer as a table, the
SPARQL that gave it, and a "get this data" panel (files with stable URLs and code that fetches them).
The form is sent by GET, so the page's URL carries the parameters and can be bookmarked or shared.

The answer runs as every page's does: through the served store's runner (the time limit applies) and
kept per store generation. The table shows the first :data:`SHOWN_ROWS` rows; the files hold them all,
within the server's result cap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dragonbear.errors import NotFoundError, ParameterError, UnknownQueryError
from dragonbear.graph.dataset import SIPRI_ATTRIBUTION
from dragonbear.graph.store import GraphStore
from dragonbear.queries.catalogue import CannedQuery, Parameter, bind_parameters, bind_values, load_catalogue
from dragonbear.service.runtime.answer_files import CC_BY, FileFacts, file_facts
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.runtime.names import name_index
from dragonbear.service.web.data_panel import data_panel, table_snippets
from dragonbear.service.web.embed_frame import embed_snippet
from dragonbear.service.web.examples import runnable_query
from dragonbear.service.web.layout import esc, iri_link, page, table
from dragonbear.service.web.share import share_form, share_path

__all__ = ["SHOWN_ROWS", "Answer", "canned_answer", "form_values", "provenance_note", "query_form_html", "router"]

SHOWN_ROWS = 500
_GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class Answer:
    """What a query page shows of an answer."""

    headers: list[str]
    rows: list[list[str]]  # cells as HTML
    total: int
    sparql: str
    facts: FileFacts


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return iri_link(term.value)
    if isinstance(term, ox.Literal):
        return esc(term.value)
    return esc(str(term))


def canned_answer(store: GraphStore, query: CannedQuery, values: dict[str, str]) -> Answer:
    """The answer of ``query`` with ``values`` bound: its first :data:`SHOWN_ROWS` rows as HTML cells.

    Raises:
        ParameterError: a value that names nothing, or names several things.
    """
    names = name_index(store) if any(p.entity_class for p in query.parameters) else None
    try:
        terms = bind_parameters(query, values, names)
        shown = runnable_query(query, values, names)
    except NotFoundError as exc:
        raise ParameterError(str(exc)) from exc
    sparql = bind_values(query.sparql, terms)
    result = store.query(sparql)
    rows: list[list[str]] = []
    total = 0
    if isinstance(result, ox.QueryBoolean):
        headers, rows, total = ["answer"], [["yes" if bool(result) else "no"]], 1
    elif isinstance(result, ox.QuerySolutions):
        headers = [v.value for v in result.variables]
        for solution in result:
            total += 1
            if total <= SHOWN_ROWS:
                rows.append([_cell(solution[h]) for h in headers])
    else:
        headers = ["subject", "predicate", "object"]
        for triple in result:
            total += 1
            if total <= SHOWN_ROWS:
                rows.append([_cell(triple.subject), _cell(triple.predicate), _cell(triple.object)])
    return Answer(headers, rows, total, shown, file_facts(store, sparql))


def _field(param: Parameter, value: str | None) -> str:
    ident = f"param-{param.name}"
    need = " required" if param.required else ""
    shown = esc(value if value is not None else "")
    hint = f"{esc(param.description)}" + (f"; for example {esc(param.example)}" if param.example else "")
    if param.type in ("year", "integer"):
        control = f'<input id="{ident}" name="{esc(param.name)}" type="number" step="1" inputmode="numeric" value="{shown}"{need}'
        control += ' min="1900" max="2100">' if param.type == "year" else ">"
    elif param.type == "decimal":
        control = f'<input id="{ident}" name="{esc(param.name)}" type="number" step="any" value="{shown}"{need}>'
    else:
        kind = param.entity_class or ""
        suggest = f' data-suggest="entity" data-class="{esc(kind)}" autocomplete="off"' if kind else ""
        control = (
            f'<input id="{ident}" name="{esc(param.name)}" type="text" value="{shown}"{need}{suggest} '
            f'aria-describedby="{ident}-hint" spellcheck="false">'
        )
    label = esc(param.name) + ("" if param.required else ' <span class="muted">(optional)</span>')
    return (
        f'<div class="field"><label for="{ident}">{label}</label>{control}'
        f'<small id="{ident}-hint" class="muted">{hint}</small></div>'
    )


def _form(query: CannedQuery, values: dict[str, str]) -> str:
    fields = "".join(_field(p, values.get(p.name)) for p in query.parameters) or (
        '<p class="muted">This query takes no parameters.</p>'
    )
    examples = {p.name: p.example for p in query.parameters if p.example}
    example = (
        f' <a href="/queries/{quote(query.name)}?{esc(urlencode(examples))}">Fill in the example</a>'
        if examples
        else ""
    )
    return (
        f'<form class="query-form" method="get" action="/queries/{quote(query.name)}">{fields}'
        f'<div class="actions"><button type="submit">Run the query</button>{example}</div></form>'
    )


def _files(request: Request, query: CannedQuery, values: dict[str, str], sparql: str) -> str:
    """The "get this data" panel: file links and code that fetches the same answer."""
    base = str(request.base_url).rstrip("/")
    params = f"?{urlencode(values)}" if values else ""
    graph = query.form in _GRAPH_FORMS
    kinds = [("ttl", "Turtle"), ("nt", "N-Triples"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML")] if graph else [
        ("csv", "CSV"), ("xlsx", "Excel (.xlsx)"), ("json", "JSON"), ("tsv", "TSV")]  # fmt: skip
    links = [(f"/api/queries/{quote(query.name)}.{ext}{params}", label) for ext, label in kinds]
    first = kinds[0][0]
    url = f"{base}/api/queries/{quote(query.name)}.{first}{params}"
    snippets = table_snippets(url, f"{query.name}.{first}")
    if graph:
        snippets["Python (rdflib)"] = f'import rdflib\n\ng = rdflib.Graph().parse("{url}", format="turtle")'
        snippets["R (rdflib)"] = f'# R: rdflib (CRAN)\nlibrary(rdflib)\n\ng <- rdf_parse("{url}", format = "turtle")'
        del snippets["Python (pandas)"], snippets["R (readr)"]
    snippets["Python (SPARQLWrapper)"] = (
        "from SPARQLWrapper import SPARQLWrapper, JSON\n\n"
        f'sparql = SPARQLWrapper("{base}/sparql")\nsparql.setQuery("""\n{sparql}\n""")\n'
        + ("sparql.setReturnFormat(JSON)\nrows = sparql.queryAndConvert()[\"results\"][\"bindings\"]" if not graph else
           "sparql.setReturnFormat(\"turtle\")\ngraph = sparql.queryAndConvert()")
    )  # fmt: skip
    snippets["Embed (iframe)"] = embed_snippet(f"{base}/embed/query/{quote(query.name)}{params}", query.title, 480)
    return data_panel(links, snippets)


def provenance_note(facts: FileFacts) -> str:
    """The release, the licence and (for SIPRI rows) SIPRI's attribution, as a note (HTML)."""
    sipri = f" {esc(SIPRI_ATTRIBUTION)}; SIPRI's facts remain under SIPRI's terms." if facts.sipri else ""
    return (
        f'<p class="note">Data release {esc(facts.release)}. Dragonbear data is licensed under '
        f'<a href="{CC_BY}">CC BY 4.0</a>.{sipri}</p>'
    )


def _results(answer: Answer) -> str:
    more = f" The table shows the first {SHOWN_ROWS}; the files hold them all." if answer.total > SHOWN_ROWS else ""
    count = f"<p><b>{answer.total}</b> {'row' if answer.total == 1 else 'rows'}.{more}</p>"
    body = (
        table(answer.headers, answer.rows, css_class="results") if answer.rows else '<p class="muted">No results.</p>'
    )
    return f'<h2 id="results">Results</h2>{count}{body}{provenance_note(answer.facts)}'


_FORM_STYLE = """<style>
.query-form { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .8rem 1.2rem;
  background: #fff; border: 1px solid var(--line); padding: .8rem; }
.query-form .field { display: flex; flex-direction: column; gap: .15rem; }
.query-form label { font-weight: 600; } .query-form input { font: inherit; padding: .3rem .4rem; }
.query-form .combo input { width: 100%; box-sizing: border-box; } .query-form ul.suggestions { min-width: 100%; }
.query-form .actions { grid-column: 1 / -1; display: flex; gap: 1rem; align-items: center; }
.query-form button { font: inherit; padding: .35rem 1rem; }
.error { background: #fff4f2; border-left: 4px solid var(--accent); padding: .4rem .8rem; }
pre { background: #fff; border: 1px solid var(--line); padding: .5rem; overflow-x: auto; }
</style>"""


def query_form_html(
    request: Request, query: CannedQuery, values: dict[str, str], run: Callable[[], Answer]
) -> tuple[str, int]:
    """The page of ``query``: its form filled with ``values``, and its answer when the required
    parameters are given. Returns the page and its status (400 when a value is wrong)."""
    ready = all(p.name in values for p in query.parameters if p.required)
    status, outcome = 200, ""
    if ready:
        try:
            answer = run()
        except ParameterError as exc:
            status, outcome = 400, f'<p class="error" role="alert">{esc(exc)}</p>'
        else:
            outcome = share_form(share_path(str(request.url))) + _results(answer)
            outcome += _files(request, query, values, answer.sparql)
            outcome += f"<details><summary>The SPARQL behind it</summary><pre><code>{esc(answer.sparql)}</code></pre></details>"
    elif values:
        missing = [p.name for p in query.parameters if p.required and p.name not in values]
        status, outcome = 400, f'<p class="error" role="alert">Fill in {esc(", ".join(missing))} to run the query.</p>'
    body = (
        f'<p class="muted"><a href="/queries">Canned queries</a> › {esc(query.name)}</p><h1>{esc(query.title)}</h1>'
        f"<p>{esc(query.description)}</p>{_form(query, values)}{outcome}"
    )
    return page(query.title, body, head=_FORM_STYLE), status


def _index_html(catalogue: dict[str, CannedQuery]) -> str:
    items = "".join(
        f'<li><a href="/queries/{quote(q.name)}"><b>{esc(q.title)}</b></a> <span class="muted">({esc(q.name)})</span>'
        f"<br>{esc(q.description)}</li>"
        for q in catalogue.values()
    )
    return page(
        "Canned queries",
        "<h1>Canned queries</h1><p>Questions the graph answers without SPARQL: pick one, fill in the form, "
        f'get the table and the files. Each also runs as SPARQL in <a href="/">the query editor</a> and as JSON at '
        f'<a href="/api/queries">/api/queries</a>.</p><ul class="queries">{items}</ul>',
    )


router = APIRouter(include_in_schema=False)


def form_values(name: str, request: Request) -> tuple[CannedQuery, dict[str, str]]:
    """The canned query ``name`` and the non-empty values of its parameters in ``request``'s URL.

    Raises:
        UnknownQueryError: no canned query is named ``name``.
        ParameterError: the URL names a parameter the query does not take.
    """
    catalogue = load_catalogue()
    if name not in catalogue:
        raise UnknownQueryError(f"no canned query named {name!r}; known: {', '.join(sorted(catalogue))}")
    query = catalogue[name]
    known = {p.name for p in query.parameters}
    values: dict[str, str] = {}
    for param, value in request.query_params.multi_items():
        if param not in known:
            raise ParameterError(
                f"query {name!r} has no parameter {param!r}; it takes: {', '.join(sorted(known)) or 'none'}"
            )
        if value.strip():
            values[param] = value.strip()
    return query, values


@router.get("/queries", response_class=HTMLResponse)
def query_index() -> HTMLResponse:
    """Every canned query, linked to its form."""
    return HTMLResponse(_index_html(load_catalogue()))


@router.get("/queries/{name}", response_class=HTMLResponse)
def query_form(name: str, request: Request, served: ServedDep) -> HTMLResponse:
    """The form of a canned query and, with its parameters in the URL, its answer."""
    query, values = form_values(name, request)
    key = ("queries/page", name, tuple(sorted(values.items())))

    def run() -> Answer:
        return served.read(lambda store: canned_answer(store, query, values), key=key)

    html, status = query_form_html(request, query, values, run)
    return HTMLResponse(html, status_code=status)
