"""Embeddable read-only views for other sites' iframes (frame: :mod:`~dragonbear.service.web.embed_frame`).

======================================  ==============================================================
``GET /embed/lineage/{system}``         the lineage drawing of a system (``j-11``); ``direction`` (up,
                                        down, both), ``as_of`` (a year), ``relation`` (derivation,
                                        variant, component, transfer; repeatable; default the entity
                                        page's: derivations, variants, component fits)
``GET /embed/lineage/{system}.svg``     the drawing alone, as SVG; ``.png``: as PNG, for print
``GET /embed/chart/{name}``             a chart of ``/charts``; ``from`` and ``to`` (years)
``GET /embed/chart/{name}.svg``         the chart's drawing as SVG; ``.png`` as PNG
``GET /embed/query/{name}?PARAMS``      a canned query's answer as a table (its first 500 rows)
======================================  ==============================================================

Each view is read through the served store's runner and kept per store generation, as the pages are.
An unknown system, chart or query is a 404, a wrong option or a missing parameter a 400, each with a
message. A lineage owes SIPRI its attribution when one of its links is attested by a SIPRI deal or
one of its systems is named by SIPRI alone; a chart or an answer when its rows come from SIPRI
(:func:`~dragonbear.service.runtime.answer_files.rows_from_sipri`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from dragonbear import data_release
from dragonbear.errors import NotFoundError, ParameterError
from dragonbear.graph.chart_data import CHARTS
from dragonbear.graph.dataset import store_release
from dragonbear.graph.lineage import lineage_subgraph, lineage_view
from dragonbear.graph.lineage_drawing import lineage_svg
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import ID, PREFIXES
from dragonbear.service.runtime.answer_files import FileFacts
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.web import charts_page
from dragonbear.service.web.embed_frame import embed_headers, embed_page
from dragonbear.service.web.layout import esc, local_path, table
from dragonbear.service.web.lineage import ENTITY_RELATIONS, LineageOptions, lineage_options
from dragonbear.service.web.query_forms import SHOWN_ROWS, Answer, canned_answer, form_values

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["router"]

router = APIRouter(prefix="/embed", include_in_schema=False)

IMAGES = {"svg": "image/svg+xml", "png": "image/png"}
WRAP = 5  # boxes side by side, as on the entity page
_SIPRI = (PREFIXES["sipri"], PREFIXES["sipri-system"])


def _image_name(name: str) -> tuple[str, str | None]:
    """``j-11.svg`` as ("j-11", "svg"); a name without an image extension as (name, None)."""
    stem, dot, ext = name.rpartition(".")
    return (stem, ext) if dot and ext in IMAGES else (name, None)


def _lineage_sipri(graph: nx.MultiDiGraph[str]) -> bool:
    if any(str(n).startswith(_SIPRI) for n in graph):
        return True
    return any(
        str(s.get("iri", "")).startswith(_SIPRI) for _a, _b, d in graph.edges(data=True) for s in d.get("sources", [])
    )


def _lineage(store: GraphStore, iri: str, system: str, options: LineageOptions) -> tuple[str, str, int, FileFacts]:
    """The lineage drawing of ``iri`` (SVG), the system's label, its number of links, and its facts."""
    view = lineage_view(store)
    if iri not in view or view.nodes[iri].get("type") != "system":
        raise NotFoundError(f"no system {system!r}: see /api/resolve?q={quote(system)}")
    graph = lineage_subgraph(view, iri, direction=options.direction, relations=options.relations, year=options.year)
    svg = lineage_svg(graph, href=local_path, wrap=WRAP)
    facts = FileFacts(store_release(store) or data_release().version, _lineage_sipri(graph))
    return svg, str(view.nodes[iri].get("label", system)), graph.number_of_edges(), facts


def _lineage_body(label: str, svg: str, links: int, year: int | None) -> str:
    when = f" as it stood in {year}" if year is not None else ""
    count = f"{links} link{'' if links == 1 else 's'}" if links else "No links with these options"
    return (
        f"<h1>Lineage of {esc(label)}{esc(when)}</h1>"
        '<p class="muted">Arrows point from a system to the system it comes from or depends on: solid derivations, '
        f"dashed variants, dotted component fits and transfers. {esc(count)}.</p>"
        f'<div class="lineage">{svg}</div>'
    )


@router.get("/lineage/{system}")
def embed_lineage(
    system: str,
    served: ServedDep,
    direction: str = "both",
    as_of: str | None = None,
    relation: Annotated[list[str] | None, Query()] = None,
) -> Response:
    """The lineage drawing of a system, as an embeddable page, an SVG or a PNG."""
    name, image = _image_name(system)
    options = lineage_options(direction, as_of, relation, "svg")
    if not relation:
        options = replace(options, relations=ENTITY_RELATIONS)
    iri = f"{ID}system/{name}"
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise NotFoundError(f"no system {name!r}") from None
    key = ("embed/lineage", iri, options.direction, tuple(sorted(options.relations)), options.year)
    svg, label, links, facts = served.read(lambda store: _lineage(store, iri, name, options), key=key)
    if image == "svg":
        return Response(svg, media_type=IMAGES["svg"], headers=embed_headers(facts))
    if image == "png":
        from dragonbear.graph.lineage_png import lineage_png  # matplotlib: loaded on the first drawing only

        png = served.read(lambda _store: lineage_png(svg), key=(*key, "png"))
        return Response(png, media_type=IMAGES["png"], headers=embed_headers(facts))
    html = embed_page(
        f"Lineage of {label}",
        _lineage_body(label, svg, links, options.year),
        facts=facts,
        open_url=(local_path(iri) or "/") + "#lineage",
    )
    return HTMLResponse(html, headers=embed_headers(facts))


@router.get("/chart/{name}")
def embed_chart(name: str, request: Request, served: ServedDep) -> Response:
    """A chart of ``/charts`` as an embeddable page (its drawing, caption and unit), an SVG or a PNG."""
    chart, image = _image_name(name)
    if chart not in CHARTS:
        raise NotFoundError(f"no chart {chart!r}; charts: {', '.join(CHARTS)}")
    first, last = charts_page.chart_years(request)
    if image is not None:
        response = charts_page.chart_file(f"{chart}.{image}", request, served)
        response.headers["Content-Security-Policy"] = embed_headers(FileFacts("", False))["Content-Security-Policy"]
        return response
    data, facts = served.read(
        lambda store: charts_page.chart_and_facts(store, chart, first, last),
        key=("chart+facts", chart, first, last),
    )
    years = charts_page.years_query(first, last)
    body = (
        f"<h1>{esc(data.spec.title)}</h1>"
        f'<figure><img src="/charts/{quote(chart)}.svg{esc(years)}" alt="{esc(data.spec.title)}: '
        f'{esc(data.spec.description)}"><figcaption class="muted">{esc(data.caption)} '
        f"Unit: {esc(data.spec.unit)}.</figcaption></figure>"
    )
    html = embed_page(data.spec.title, body, facts=facts, open_url=f"/charts{years}#{quote(chart)}")
    return HTMLResponse(html, headers=embed_headers(facts))


def _answer_body(title: str, values: dict[str, str], answer: Answer, files: str) -> str:
    asked = "; ".join(f"{k} = {v}" for k, v in values.items())
    more = f" The table shows the first {SHOWN_ROWS}." if answer.total > SHOWN_ROWS else ""
    rows = (
        table(answer.headers, answer.rows, css_class="results") if answer.rows else '<p class="muted">No results.</p>'
    )
    return (
        f"<h1>{esc(title)}</h1>"
        + (f'<p class="muted">{esc(asked)}</p>' if asked else "")
        + f"<p><b>{answer.total}</b> {'row' if answer.total == 1 else 'rows'}.{more} "
        f'<a href="{esc(files)}" download>All rows as a file</a></p>{rows}'
    )


@router.get("/query/{name}", response_class=HTMLResponse)
def embed_query(name: str, request: Request, served: ServedDep) -> HTMLResponse:
    """A canned query's answer as an embeddable table (kept per store generation, shared with its page)."""
    query, values = form_values(name, request)
    missing = [p.name for p in query.parameters if p.required and p.name not in values]
    if missing:
        raise ParameterError(f"query {name!r} needs {', '.join(missing)}: /embed/query/{name}?{missing[0]}=...")
    key = ("queries/page", name, tuple(sorted(values.items())))
    answer = served.read(lambda store: canned_answer(store, query, values), key=key)
    params = f"?{urlencode(values)}" if values else ""
    ext = "ttl" if query.form in ("CONSTRUCT", "DESCRIBE") else "csv"
    files = f"/api/queries/{quote(name)}.{ext}{params}"
    body = _answer_body(query.title, values, answer, files)
    html = embed_page(query.title, body, facts=answer.facts, open_url=f"/queries/{quote(name)}{params}#results")
    return HTMLResponse(html, headers=embed_headers(answer.facts))
