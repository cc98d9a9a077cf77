"""The browse pages: ``/id/`` lists the kinds of entity, ``/id/{kind}/`` every entity of a kind.

A listing takes the kind's filters as URL parameters (``/id/system/?state=china&category=FighterAircraft``,
``/id/exercise/?state=india&from=2010&to=2020``), ``page`` (from 1) and ``per_page`` (1 to 200, 50 by
default). A browser gets HTML: a form with a labelled control per filter, the table, links to the
other pages and a total. A client that asks for ``application/json`` (or ``?format=json``) gets the
same page as JSON, with the links and the values each filter takes. A filter the kind does not have,
a value no entity of it has, or a year that is not one is a 400 that says so; a page past the last is
a 404. ``/id/system`` (no slash) redirects to ``/id/system/``.

Each answer is kept per store generation, as the other pages are.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from dragonbear.errors import NotFoundError, ParameterError
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.runtime.negotiation import HTML, Representation, choose_among
from dragonbear.service.web.browse import (
    MAX_PER_PAGE,
    PER_PAGE,
    Cell,
    KindFacets,
    Listing,
    kind_counts,
    parse_filters,
    read_facets,
    read_listing,
)
from dragonbear.service.web.kinds import KINDS, KindSpec, kind_spec
from dragonbear.service.web.layout import esc, local_path, page

__all__ = ["JSON", "listing_html", "listing_json", "router"]

JSON = Representation("application/json", ("json",))
_OFFERED = (HTML, JSON)
_PAGING = ("page", "per_page", "format")


def _url(path: str, params: dict[str, str]) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return path + ("?" + query if query else "")


def _link(listing: Listing, page_no: int, **extra: str) -> str:
    """The URL of page ``page_no`` of the same listing (same filters, same page size)."""
    params = dict(listing.filters.params())
    if page_no > 1:
        params["page"] = str(page_no)
    if listing.per_page != PER_PAGE:
        params["per_page"] = str(listing.per_page)
    params.update(extra)
    return _url(listing.spec.path, params)


def _int(raw: str | None, name: str, default: int, top: int | None = None) -> int:
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParameterError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1 or (top is not None and value > top):
        raise ParameterError(f"{name} must be from 1 to {top}, not {value}" if top else f"{name} must be 1 or more")
    return value


def _single_params(request: Request) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in values:
            raise ParameterError(f"parameter {key!r} is given more than once")
        values[key] = value
    return values


# --- HTML ---------------------------------------------------------------------------------------


def _cell_html(cells: list[Cell]) -> str:
    parts = []
    for cell in cells:
        path = local_path(cell.iri) if cell.iri else None
        parts.append(f'<a href="{esc(path)}">{esc(cell.text)}</a>' if path else esc(cell.text))
    return ", ".join(parts)


def _filters_form(listing: Listing, facets: KindFacets) -> str:
    spec, chosen = listing.spec, listing.filters.chosen
    controls = []
    for facet in spec.facets:
        current = chosen.get(facet.param)
        options = ['<option value="">any</option>'] + [
            f'<option value="{esc(v.key)}"{" selected" if current and current.iri == v.iri else ""}>'
            f"{esc(v.label)} ({v.count:,})</option>"
            for v in facets.values.get(facet.param, [])
        ]
        controls.append(
            f'<div class="control"><label for="f-{esc(facet.param)}">{esc(facet.label.capitalize())}</label>'
            f'<select id="f-{esc(facet.param)}" name="{esc(facet.param)}">{"".join(options)}</select></div>'
        )
    if spec.years is not None:
        lo, hi = facets.years or (None, None)
        bounds = (f' min="{lo}"' if lo else "") + (f' max="{hi}"' if hi else "")
        for name, word, value in (("from", "From", listing.filters.year_from), ("to", "To", listing.filters.year_to)):
            controls.append(
                f'<div class="control"><label for="f-{name}">{word} ({esc(spec.years.label)})</label>'
                f'<input type="number" inputmode="numeric" id="f-{name}" name="{name}"{bounds} step="1" '
                f'value="{"" if value is None else value}" placeholder="{lo if name == "from" else hi}"></div>'
            )
    if not controls:
        return ""
    per_page = (
        f'<input type="hidden" name="per_page" value="{listing.per_page}">' if listing.per_page != PER_PAGE else ""
    )
    return (
        f'<form class="filters" method="get" action="{esc(spec.path)}" aria-label="Filter the {esc(spec.plural)}">'
        f"{''.join(controls)}{per_page}"
        f'<div class="control buttons"><button type="submit">Apply filters</button> '
        f'<a href="{esc(spec.path)}">Clear</a></div></form>'
    )


def _pager(listing: Listing) -> str:
    if listing.pages == 1:
        return ""
    current, last = listing.page, listing.pages
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    items, previous = [], 0
    for n in shown:
        if n - previous > 1:
            items.append('<li class="gap" aria-hidden="true">…</li>')
        if n == current:
            items.append(f'<li><span aria-current="page">{n}</span></li>')
        else:
            items.append(f'<li><a href="{esc(_link(listing, n))}" aria-label="Page {n}">{n}</a></li>')
        previous = n
    prev_link = f'<li><a rel="prev" href="{esc(_link(listing, current - 1))}">Previous</a></li>' if current > 1 else ""
    next_link = f'<li><a rel="next" href="{esc(_link(listing, current + 1))}">Next</a></li>' if current < last else ""
    return f'<nav class="pager" aria-label="Pages"><ul>{prev_link}{"".join(items)}{next_link}</ul></nav>'


def listing_html(listing: Listing, facets: KindFacets) -> str:
    """The browse page of one page of a listing.

    Args:
        listing: what :func:`~dragonbear.service.web.browse.read_listing` read.
        facets: the values of the kind's filters, for the form.

    Returns:
        The whole HTML document.
    """
    spec = listing.spec
    first = (listing.page - 1) * listing.per_page + 1
    shown = f"{first:,}–{first + len(listing.rows) - 1:,}" if listing.rows else "none"
    summary = (
        f'<p class="count" role="status">{listing.total:,} {esc(spec.singular if listing.total == 1 else spec.plural)}'
        f"{' match these filters' if listing.filters.chosen or listing.filters.params() else ''}; "
        f"showing {shown} (page {listing.page} of {listing.pages}). "
        f'<a href="{esc(_link(listing, listing.page, format="json"))}">This page as JSON</a>.</p>'
    )
    headers = "".join(f'<th scope="col">{esc(c.header)}</th>' for c in spec.columns)
    body_rows = "".join(
        f'<tr><th scope="row"><a href="{esc(local_path(row.iri) or row.iri)}">{esc(row.label)}</a></th>'
        + "".join(f"<td>{_cell_html(row.cells.get(c.key, []))}</td>" for c in spec.columns)
        + "</tr>"
        for row in listing.rows
    )
    table = (
        f'<div class="scroll"><table class="listing"><caption>{esc(spec.title)}, page {listing.page}</caption>'
        f'<thead><tr><th scope="col">Name</th>{headers}</tr></thead><tbody>{body_rows}</tbody></table></div>'
        if listing.rows
        else "<p>No entity of this kind passes these filters.</p>"
    )
    body = (
        f'<p class="crumbs"><a href="/id/">All kinds</a> › {esc(spec.title)}</p><h1>{esc(spec.title)}</h1>'
        f"{_filters_form(listing, facets)}{summary}{table}{_pager(listing)}"
    )
    return page(spec.title, body)


def kinds_html(counts: dict[str, int]) -> str:
    """The page of ``/id/``: every kind of entity with its count, linking to its listing."""
    items = "".join(
        f'<li><a href="{esc(KINDS[k].path)}">{esc(KINDS[k].title)}</a> <span class="muted">({n:,})</span></li>'
        for k, n in counts.items()
    )
    body = f'<h1>Browse the graph</h1><p>Every entity, by kind.</p><ul class="kinds">{items}</ul>'
    return page("Browse", body)


# --- JSON ---------------------------------------------------------------------------------------


def listing_json(listing: Listing, facets: KindFacets) -> dict[str, Any]:
    """One page of a listing as JSON: its entities, the total, the links and the filters' values."""
    spec = listing.spec
    items = [
        {
            "iri": row.iri,
            "path": local_path(row.iri),
            "label": row.label,
            "columns": {
                key: [{"label": c.text, **({"iri": c.iri} if c.iri else {})} for c in cells]
                for key, cells in row.cells.items()
            },
        }
        for row in listing.rows
    ]
    links = {
        "self": _link(listing, listing.page, format="json"),
        "first": _link(listing, 1, format="json"),
        "last": _link(listing, listing.pages, format="json"),
        "prev": _link(listing, listing.page - 1, format="json") if listing.page > 1 else None,
        "next": _link(listing, listing.page + 1, format="json") if listing.page < listing.pages else None,
        "html": _link(listing, listing.page),
    }
    offered = {
        f.param: {
            "label": f.label,
            "values": [
                {"value": v.key, "iri": v.iri, "label": v.label, "count": v.count} for v in facets.values[f.param]
            ],
        }
        for f in spec.facets
    }
    return {
        "kind": spec.kind,
        "title": spec.title,
        "total": listing.total,
        "page": listing.page,
        "per_page": listing.per_page,
        "pages": listing.pages,
        "filters": listing.filters.params(),
        "filters_offered": offered,
        "years": list(facets.years) if facets.years else None,
        "columns": [{"key": c.key, "header": c.header} for c in spec.columns],
        "items": items,
        "links": links,
    }


# --- Routes ---------------------------------------------------------------------------------------

router = APIRouter(include_in_schema=False)


@router.get("/id/")
def browse_kinds(request: Request, served: ServedDep, format: str | None = None) -> Response:
    """Every kind of entity with its count (HTML, or JSON by content negotiation)."""
    rep = choose_among(_OFFERED, request.headers.get("accept"), format, "list of kinds")
    counts = served.read(kind_counts, key=("kind-counts",))
    if rep is JSON:
        kinds = [{"kind": k, "title": KINDS[k].title, "count": n, "path": KINDS[k].path} for k, n in counts.items()]
        return JSONResponse({"kinds": kinds}, headers={"Vary": "Accept"})
    return HTMLResponse(kinds_html(counts), headers={"Vary": "Accept"})


def _spec(kind: str) -> KindSpec:
    spec = kind_spec(kind)
    if spec is None:
        raise NotFoundError(f"no kind of entity is called {kind!r}; the kinds are {', '.join(KINDS)}")
    return spec


@router.get("/id/{kind}/")
def browse_kind(kind: str, request: Request, served: ServedDep) -> Response:
    """Every entity of ``kind``, filtered and a page at a time (HTML, or JSON by content negotiation)."""
    spec = _spec(kind)
    params = _single_params(request)
    rep = choose_among(_OFFERED, request.headers.get("accept"), params.get("format"), "listing")
    page_no = _int(params.get("page"), "page", 1)
    per_page = _int(params.get("per_page"), "per_page", PER_PAGE, MAX_PER_PAGE)
    facets = served.read(lambda store: read_facets(store, spec), key=("browse-facets", kind))
    filters = parse_filters(spec, facets, {k: v for k, v in params.items() if k not in _PAGING})
    listing = served.read(
        lambda store: read_listing(store, spec, filters, page=page_no, per_page=per_page),
        key=("browse", kind, filters.cache_key(), page_no, per_page),
    )
    if rep is JSON:
        return JSONResponse(listing_json(listing, facets), headers={"Vary": "Accept"})
    return HTMLResponse(listing_html(listing, facets), headers={"Vary": "Accept"})


def _to_listing(request: Request) -> RedirectResponse:
    """``/id/system`` is the listing ``/id/system/``."""
    query = request.url.query
    return RedirectResponse(request.url.path + "/" + (f"?{query}" if query else ""), status_code=308)


for _kind in KINDS:
    router.add_api_route(f"/id/{_kind}", _to_listing, methods=["GET"], include_in_schema=False)
