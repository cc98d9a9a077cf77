"""The timeline: ``GET /timeline`` (a page), ``/timeline.json`` and ``/timeline.csv`` (its items as files).

The page lists the dated items of the graph (:mod:`~dragonbear.service.web.timeline`) by year, oldest
first, each with its dates as the graph holds them, its kind, its states and its number of sources, and
links to its entity page. A form (plain GET, no script) filters them by state, kind and years
(``?state=china&kind=exercise&from=2010&to=2020``); a bad value is a 400 that says which exist. The page
shows :data:`PER_PAGE` items at a time (``page``); the files hold every item that passes the filters,
and carry the release, the licence and, when an item comes from SIPRI's register, SIPRI's attribution,
in their headers as the canned queries' files do (:func:`~dragonbear.service.runtime.answer_files.file_headers`)
and in the JSON itself. What is read is kept per store generation and state.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from dragonbear import data_release
from dragonbear.errors import NotFoundError, ParameterError
from dragonbear.graph.dataset import SIPRI_ATTRIBUTION, store_release
from dragonbear.graph.store import GraphStore
from dragonbear.service.runtime.answer_files import CC_BY, FileFacts, file_headers
from dragonbear.service.runtime.deps import ServedDep
from dragonbear.service.web.data_panel import data_panel, table_snippets
from dragonbear.service.web.filter_controls import kind_options, state_options, year_inputs
from dragonbear.service.web.layout import esc, local_path, page
from dragonbear.service.web.share import share_form, share_path
from dragonbear.service.web.timeline import (
    Item,
    StateChoice,
    Timeline,
    TimelineFilters,
    parse_filters,
    read_states,
    read_timeline,
)
from dragonbear.spreadsheet import spreadsheet_cell

__all__ = ["COLUMNS", "PER_PAGE", "item_record", "router", "timeline_html"]

PER_PAGE = 300
#: The columns of the CSV, and the keys of each item in the JSON.
COLUMNS = (
    "iri", "label", "kind", "start", "start_property", "end", "end_property", "start_year", "end_year",
    "states", "state_iris", "sources", "sipri",
)  # fmt: skip
_STYLE = """
ol.timeline { list-style: none; margin: 0 0 1rem; padding: 0 0 0 1rem; border-left: 3px solid var(--line); }
ol.timeline li { margin: .35rem 0; padding: .1rem 0 .1rem .6rem; position: relative; }
ol.timeline li::before { content: ""; position: absolute; left: -1.45rem; top: .6rem; width: .7rem; height: .7rem;
                         border-radius: 50%; background: var(--accent); }
ol.timeline .when { font-variant-numeric: tabular-nums; color: var(--muted); margin-right: .4rem; }
ol.timeline .meta { display: block; font-size: .88em; color: var(--muted); }
"""


def item_record(item: Item) -> dict[str, Any]:
    """An item as a flat record (the CSV's row, the JSON's item)."""
    return {
        "iri": item.iri,
        "label": item.label,
        "kind": item.kind.key,
        "start": item.start.value,
        "start_property": "dgb:" + item.start.prop,
        "end": item.end.value if item.end else "",
        "end_property": "dgb:" + item.end.prop if item.end else "",
        "start_year": item.start.year,
        "end_year": item.last_year,
        "states": "; ".join(label for _, label in item.states),
        "state_iris": " ".join(iri for iri, _ in item.states),
        "sources": item.sources,
        "sipri": item.sipri,
    }


def _url(path: str, params: list[tuple[str, str]]) -> str:
    return path + ("?" + urlencode(params) if params else "")


def _when(item: Item) -> str:
    start = f'<time datetime="{esc(item.start.value)}">{esc(item.start.value)}</time>'
    if item.end is None or item.end.value == item.start.value:
        return start
    return f'{start}–<time datetime="{esc(item.end.value)}">{esc(item.end.value)}</time>'


def _item_html(item: Item) -> str:
    dates = f"dgb:{item.start.prop}" + (f", dgb:{item.end.prop}" if item.end else "")
    states = ", ".join(f'<a href="{esc(local_path(i) or i)}">{esc(label)}</a>' for i, label in item.states)
    sources = f"{item.sources} source{'' if item.sources == 1 else 's'}"
    return (
        f'<li><span class="when">{_when(item)}</span><span class="tag">{esc(item.kind.label)}</span>'
        f'<a href="{esc(local_path(item.iri) or item.iri)}">{esc(item.label)}</a>'
        f'<span class="meta">{states or "no state"} · {sources}{" (SIPRI)" if item.sipri else ""} · '
        f"dates from {esc(dates)}</span></li>"
    )


def _years_html(items: list[Item]) -> str:
    years: dict[int, list[Item]] = {}
    for item in items:
        years.setdefault(item.start.year, []).append(item)
    return "".join(
        f'<section aria-labelledby="y{year}"><h2 id="y{year}">{year} <span class="muted">({len(group)})</span></h2>'
        f'<ol class="timeline">{"".join(_item_html(i) for i in group)}</ol></section>'
        for year, group in years.items()
    )


def _form(timeline: Timeline, states: list[StateChoice]) -> str:
    f = timeline.filters
    state_choices = state_options(states, f.state)
    kind_choices = kind_options(timeline.kind_counts, f.kinds)
    years = year_inputs("t", f.year_from, f.year_to)
    return (
        '<form class="filters" method="get" action="/timeline" aria-label="Filter the timeline">'
        f'<div class="control"><label for="t-state">State</label><select id="t-state" name="state">'
        f"{state_choices}</select></div>"
        f'<div class="control"><label for="t-kind">Kind</label><select id="t-kind" name="kind">'
        f"{kind_choices}</select></div>{years}"
        '<div class="control buttons"><button type="submit">Show</button> <a href="/timeline">Clear</a></div></form>'
    )


def _panel(timeline: Timeline, facts: FileFacts, base_url: str) -> str:
    params = timeline.filters.params()
    links = [(_url("/timeline.csv", params), "CSV"), (_url("/timeline.json", params), "JSON")]
    sipri = f" {esc(SIPRI_ATTRIBUTION)}; SIPRI's facts remain under SIPRI's terms." if facts.sipri else ""
    note = (
        f'<p class="note">Data release {esc(facts.release)}. Dragonbear data is licensed under '
        f'<a href="{CC_BY}">CC BY 4.0</a>.{sipri}</p>'
    )
    return data_panel(links, table_snippets(base_url + _url("/timeline.csv", params), "timeline.csv"), note=note)


def _pager(filters: TimelineFilters, current: int, last: int) -> str:
    if last == 1:
        return ""
    links = [
        f'<li><a href="{esc(_url("/timeline", [*filters.params(), ("page", str(n))]))}" aria-label="Page {n}">{n}</a></li>'
        if n != current
        else f'<li><span aria-current="page">{n}</span></li>'
        for n in range(1, last + 1)
    ]
    return f'<nav class="pager" aria-label="Pages"><ul>{"".join(links)}</ul></nav>'


def timeline_html(
    timeline: Timeline,
    states: list[StateChoice],
    facts: FileFacts,
    *,
    page_no: int = 1,
    base_url: str = "",
    share: str | None = None,
) -> str:
    """The timeline page: the form, a count, the items of page ``page_no`` by year, the data panel.

    Raises:
        NotFoundError: ``page_no`` is past the last page.
    """
    total = len(timeline.items)
    last = max(1, -(-total // PER_PAGE))
    if page_no > last:
        raise NotFoundError(f"page {page_no} is past the last page ({last}) of this timeline")
    shown = timeline.items[(page_no - 1) * PER_PAGE : page_no * PER_PAGE]
    where = f", page {page_no} of {last}" if last > 1 else ""
    undated = f" {timeline.undated:,} items of the graph have no date and are left out." if timeline.undated else ""
    body = (
        "<h1>Timeline</h1><p>Exercises, patrols, sanctions, agreements and other events, arms "
        "transfers (placed at the year of order) and technology derivations, with only the dates the graph holds: "
        "an item with only a year is placed by its year.</p>"
        f"{_form(timeline, states)}"
        f'<p class="count" role="status">{total:,} item{"" if total == 1 else "s"}{where}.{undated}</p>'
        f"{share_form(share) if share else ''}"
        f"{_years_html(shown) if shown else '<p>No item passes these filters.</p>'}"
        f"{_pager(timeline.filters, page_no, last)}{_panel(timeline, facts, base_url)}"
    )
    return page("Timeline", body, head=f"<style>{_STYLE}</style>")


def _csv(timeline: Timeline) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_cell(v) for k, v in item_record(i).items()} for i in timeline.items)
    return out.getvalue().encode("utf-8")


def _json(timeline: Timeline, facts: FileFacts) -> bytes:
    doc: dict[str, Any] = {"release": facts.release, "license": CC_BY}
    if facts.sipri:
        doc["attribution"] = SIPRI_ATTRIBUTION
    doc.update(
        filters=dict(timeline.filters.params()) | {"kind": list(timeline.filters.kinds)},
        count=len(timeline.items),
        undated=timeline.undated,
        items=[item_record(i) for i in timeline.items],
    )
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


router = APIRouter(include_in_schema=False)


def _read(request: Request, served: ServedDep) -> tuple[Timeline, list[StateChoice], FileFacts, int]:
    states = served.read(read_states, key=("timeline-states",))
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    filters = parse_filters(states, params)
    raw_page = request.query_params.get("page", "1").strip() or "1"
    if not raw_page.isdigit() or int(raw_page) < 1:
        raise ParameterError(f"page must be a whole number from 1, not {raw_page!r}")

    def work(store: GraphStore) -> tuple[Timeline, FileFacts]:
        timeline = read_timeline(store, filters)
        return timeline, FileFacts(store_release(store) or data_release().version, timeline.sipri)

    key = ("timeline", filters.state.iri if filters.state else None, filters.kinds, filters.year_from, filters.year_to)
    timeline, facts = served.read(work, key=key)
    return timeline, states, facts, int(raw_page)


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, served: ServedDep) -> HTMLResponse:
    """The timeline, filtered by ``state``, ``kind``, ``from`` and ``to``, a page at a time."""
    timeline, states, facts, page_no = _read(request, served)
    return HTMLResponse(
        timeline_html(
            timeline,
            states,
            facts,
            page_no=page_no,
            base_url=str(request.base_url).rstrip("/"),
            share=share_path(str(request.url)),
        )
    )


@router.get("/timeline.{ext}")
def timeline_file(ext: str, request: Request, served: ServedDep) -> Response:
    """Every item that passes the filters, as CSV or JSON, with the release, licence and attribution."""
    if ext not in ("csv", "json"):
        raise NotFoundError(f"no file /timeline.{ext}; the timeline's files are /timeline.csv and /timeline.json")
    timeline, _, facts, _ = _read(request, served)
    values = {k: v for k, v in timeline.filters.params() if k != "kind"}
    if timeline.filters.kinds:
        values["kind"] = "-".join(timeline.filters.kinds)
    headers = file_headers(facts, "timeline", values, ext)
    if ext == "csv":
        return Response(_csv(timeline), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(_json(timeline, facts), media_type="application/json", headers=headers)
