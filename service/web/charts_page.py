"""The charts on the web: ``GET /charts`` (a page) and ``GET /charts/{name}.{svg,png,json,csv}``.

Every chart is computed and drawn at most once per store generation and span of years (the served
store keeps what it read per generation; a write, a new generation, renews every chart), on the
runner's threads against the server's time limit. ``?from=YEAR&to=YEAR`` narrow a chart to a span of years.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from dragonbear.errors import NotFoundError, UsageError
from dragonbear.formats import FileFormat
from dragonbear.graph.chart_data import CHARTS, ChartData, chart_data
from dragonbear.graph.store import GraphStore
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.web.layout import esc, iri_link, page, table

__all__ = ["MEDIA_TYPES", "charts_page_html", "router"]

MEDIA_TYPES = {f.extension: f.content_type for f in (FileFormat.SVG, FileFormat.PNG, FileFormat.JSON, FileFormat.CSV)}


def _years(request: Request) -> tuple[int | None, int | None]:
    out: list[int | None] = []
    for key in ("from", "to"):
        raw = request.query_params.get(key)
        if raw is None or raw.strip() == "":
            out.append(None)
            continue
        try:
            out.append(int(raw))
        except ValueError:
            raise UsageError(f"{key}={raw!r} is not a year") from None
    return out[0], out[1]


def _query(first: int | None, last: int | None) -> str:
    params = [f"{k}={v}" for k, v in (("from", first), ("to", last)) if v is not None]
    return "?" + "&".join(params) if params else ""


def _data_table(data: ChartData) -> str:
    rows = [[esc(f"{v:,.1f}" if isinstance(v, float) else v) for v in row] for row in data.rows]
    return table(data.columns, rows)


def _reported_table(data: ChartData) -> str:
    rows = [
        [
            esc(f"{r.comparator} {r.reported:g}"),
            esc(r.scope()),
            esc(r.counted),
            esc("the graph lacks records" if r.counted < r.reported else "")
            + ("<br>" if r.counted < r.reported and r.note else "")
            + esc(r.note),
            "<br>".join(esc(s) for s in r.sources),
            iri_link(r.figure),
        ]
        for r in data.reported
    ]
    return table(["reported", "scope", "counted in the graph", "note", "source", "figure"], rows)


def _section(data: ChartData, query: str) -> str:
    base = f"/charts/{quote(data.name)}"
    links = " · ".join(f'<a href="{base}.{ext}{esc(query)}">{ext.upper()}</a>' for ext in MEDIA_TYPES)
    notes = "".join(f"<li>{esc(n)}</li>" for n in data.notes)
    reported = (
        f"<h3>Counts reported by sources, beside the graph's own</h3>{_reported_table(data)}" if data.reported else ""
    )
    return (
        f'<section class="chart" id="{esc(data.name)}"><h2>{esc(data.spec.title)}</h2>'
        f"<p>{esc(data.spec.description)}</p>"
        f'<figure><img src="{base}.svg{esc(query)}" alt="{esc(data.spec.title)}" style="max-width:100%">'
        f'<figcaption class="muted">{esc(data.caption)}</figcaption></figure>'
        f"<p>Download: {links}. Unit: {esc(data.spec.unit)}.</p><ul>{notes}</ul>{reported}"
        f"<details><summary>Data ({len(data.rows)} rows)</summary>{_data_table(data)}</details>"
        f"<details><summary>SPARQL (runs as is at <code>/sparql</code>)</summary>"
        f"<pre><code>{esc(data.sparql)}</code></pre></details></section>"
    )


def charts_page_html(charts: list[ChartData], first: int | None, last: int | None) -> str:
    """The charts page: each chart with its caption, notes, links to its data, table and query."""
    span = (
        f" ({first if first is not None else '…'}–{last if last is not None else '…'})"
        if first is not None or last is not None
        else ""
    )
    body = (
        f"<h1>Charts{esc(span)}</h1><p>Each chart is drawn from SPARQL queries on the graph; its numbers "
        "are linked as CSV and JSON, and its query can be run at the endpoint. Narrow the years with "
        "<code>?from=YEAR&amp;to=YEAR</code>.</p>" + "".join(_section(data, _query(first, last)) for data in charts)
    )
    return page("Charts", body)


router = APIRouter(include_in_schema=False)


def _chart_body(store: GraphStore, name: str, fmt: str, first: int | None, last: int | None) -> tuple[bytes, str]:
    data = chart_data(store, name, first=first, last=last)
    from dragonbear.graph.charts import render_chart  # matplotlib: loaded on the first drawing only

    body = (
        render_chart(data, fmt)
        if fmt in ("svg", "png")
        else (data.to_json() if fmt == "json" else data.to_csv()).encode("utf-8")
    )
    return body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


@router.get("/charts", response_class=HTMLResponse)
def charts_page(request: Request, served: ServedDep) -> HTMLResponse:
    """Every chart with its caption, notes, data and query (kept per store generation and span)."""
    first, last = _years(request)
    charts = [
        served.read(
            lambda store, n=name: chart_data(store, n, first=first, last=last),  # type: ignore[misc]
            key=("chart", name, first, last),
        )
        for name in CHARTS
    ]
    return HTMLResponse(charts_page_html(charts, first, last))


@router.get("/charts/{filename}")
def chart_file(filename: str, request: Request, served: ServedDep) -> Response:
    """One chart as SVG, PNG, JSON or CSV, with an entity tag (304 when it matches ``If-None-Match``)."""
    name, _, ext = filename.rpartition(".")
    if name not in CHARTS or ext not in MEDIA_TYPES:
        raise NotFoundError(
            f"no chart {filename!r}; charts: " + ", ".join(f"{n}.{{{','.join(MEDIA_TYPES)}}}" for n in CHARTS)
        )
    first, last = _years(request)
    body, tag = served.read(
        lambda store: _chart_body(store, name, ext, first, last), key=("chart-file", name, ext, first, last)
    )
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA_TYPES[ext], headers=headers)
