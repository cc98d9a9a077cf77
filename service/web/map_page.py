"""The map: ``GET /map`` (a page) and ``/map.csv``, ``/map.json`` (what it draws, as files).

Two views. The default one, ``view=events``, draws the dated exercises, patrols and other events at
their places (:func:`~dragonbear.service.web.map_data.read_event_map`), filtered like the timeline by
``state``, ``kind`` (may repeat) and the years ``from`` and ``to``; a table lists the same places with
their coordinates and source, when, who and links to the events, and the places without coordinates
are listed below the drawing. ``view=transfers`` shades the countries of the base map by the number of
deals each received from a ``supplier`` (default Russia) in the years, with the recipients in a table
and those the base map cannot place listed. The drawings are SVG written on the server
(:mod:`~dragonbear.service.web.map_drawing`); the form is a plain GET. A bad parameter is a 400 that
says what exists. The files carry the release, the licence and, for SIPRI's deals, its attribution.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
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
from dragonbear.service.web.browse import parse_year
from dragonbear.service.web.data_panel import data_panel, table_snippets
from dragonbear.service.web.filter_controls import kind_options, state_options, year_inputs
from dragonbear.service.web.layout import esc, iri_link, local_path, page, table
from dragonbear.service.web.map_data import (
    EVENT_KINDS,
    EventMap,
    MapPlace,
    TransferMap,
    check_event_kinds,
    read_event_map,
    read_transfer_map,
)
from dragonbear.service.web.map_drawing import STYLE, event_svg, legend_html, point_label, transfer_svg
from dragonbear.service.web.timeline import StateChoice, choose_state, parse_filters, read_states
from dragonbear.spreadsheet import spreadsheet_cell

__all__ = ["EVENT_COLUMNS", "TRANSFER_COLUMNS", "router"]

EVENT_COLUMNS = ("place", "place_label", "lat", "long", "coordinates_source", "coordinates_locator",
                 "event", "event_label", "kind", "start", "end", "states")  # fmt: skip
TRANSFER_COLUMNS = ("recipient", "recipient_label", "deals", "first_year", "last_year", "country_id", "country_name")
_VIEWS = ("events", "transfers")
_BASE = (
    "Base map: Natural Earth 1:110m countries (public domain) from world-atlas 2.0.2, shipped with Dragonbear; "
    "equirectangular projection centred on the Pacific."
)


def _url(path: str, params: Sequence[tuple[str, str]]) -> str:
    return path + ("?" + urlencode(list(params)) if params else "")


def _views(current: str, params: Sequence[tuple[str, str]] = ()) -> str:
    links = []
    for view, text in (("events", "Exercises and events"), ("transfers", "Transfers by recipient")):
        href = _url("/map", [("view", view)] if view != "events" else [])
        current_attr = ' aria-current="page"' if view == current else ""
        links.append(f'<a href="{href}"{current_attr}>{text}</a>')
    return f'<nav class="map-views" aria-label="Map views">{"".join(links)}</nav>'


def _event_form(event_map: EventMap, states: list[StateChoice]) -> str:
    f = event_map.filters
    state_choices = state_options(states, f.state)
    kind_choices = kind_options(event_map.kind_counts, f.kinds, among=EVENT_KINDS)
    return (
        '<form class="filters" method="get" action="/map" aria-label="Filter the map">'
        '<div class="control"><label for="m-state">State (participant)</label><select id="m-state" name="state">'
        f"{state_choices}</select></div>"
        f'<div class="control"><label for="m-kind">Kind</label><select id="m-kind" name="kind">{kind_choices}'
        f"</select></div>{year_inputs('m', f.year_from, f.year_to)}"
        '<div class="control buttons"><button type="submit">Show</button> <a href="/map">Clear</a></div></form>'
    )


def _place_rows(places: list[MapPlace]) -> list[list[str]]:
    rows = []
    for place in places:
        point = place.point
        where = (
            f'{point.lat:g}, {point.long:g}<br><span class="muted">{esc(point.source_title)}: {esc(point.locator)}</span>'
            if point
            else "none"
        )
        first, last = place.years
        events = "<br>".join(
            f'{esc(i.start.value)} <a href="{esc(local_path(i.iri) or i.iri)}">{esc(i.label)}</a>'
            f' <span class="muted">({esc(i.kind.label)})</span>'
            for i in place.items
        )
        who = ", ".join(iri_link(i, label) for i, label in place.states) or "none"
        rows.append(
            [iri_link(place.iri, place.label), where, f"{first}–{last}" if first != last else str(first), who, events]
        )
    return rows


def _undrawn_html(places: list[MapPlace]) -> str:
    if not places:
        return "<p>Every place of these events has coordinates.</p>"
    items = "".join(f"<li>{iri_link(p.iri, p.label)}: {esc(point_label(p).split(': ', 1)[1])}</li>" for p in places)
    return f'<ul class="undrawn">{items}</ul>'


def event_map_html(event_map: EventMap, states: list[StateChoice], facts: FileFacts, base_url: str) -> str:
    """The events' view of the page."""
    params = [("view", "events"), *event_map.filters.params()]
    count = event_map.events
    body = (
        "<h1>Map</h1>"
        + _views("events")
        + "<p>Exercises, patrols and other events at the places the graph gives, drawn where a place has "
        "coordinates from a named dataset (Natural Earth; the source of each point is in the table). A "
        "place without coordinates is listed below the map, not drawn; for a sea or a region the point "
        "stands for the whole area.</p>"
        + _event_form(event_map, states)
        + f'<p class="count" role="status">{count:,} event{"" if count == 1 else "s"} at '
        f"{len(event_map.drawn):,} places on the map and {len(event_map.undrawn):,} places without coordinates.</p>"
        + f'<figure class="map">{event_svg(event_map)}<figcaption>{esc(_BASE)} Each circle links to its '
        "place's page; its area grows with the number of events.</figcaption></figure>"
        + '<section aria-labelledby="undrawn"><h2 id="undrawn">Places without coordinates</h2>'
        + _undrawn_html(event_map.undrawn)
        + '</section><section aria-labelledby="places"><h2 id="places">Places on the map</h2>'
        + table(["Place", "Coordinates and source", "When", "Who", "Events"], _place_rows(event_map.drawn))
        + "</section>"
        + _panel(params, facts, base_url)
    )
    return page("Map", body, head=f"<style>{STYLE}</style>")


def _transfer_form(transfer_map: TransferMap, states: list[StateChoice]) -> str:
    options = "".join(
        f'<option value="{esc(s.key)}"{" selected" if s.iri == transfer_map.supplier.iri else ""}>{esc(s.label)}</option>'
        for s in states
    )
    return (
        '<form class="filters" method="get" action="/map" aria-label="Choose the supplier and years">'
        '<input type="hidden" name="view" value="transfers">'
        f'<div class="control"><label for="m-supplier">Supplier</label><select id="m-supplier" name="supplier">'
        f"{options}</select></div>{year_inputs('m', transfer_map.year_from, transfer_map.year_to)}"
        '<div class="control buttons"><button type="submit">Show</button> '
        '<a href="/map?view=transfers">Clear</a></div></form>'
    )


def transfer_map_html(transfer_map: TransferMap, states: list[StateChoice], facts: FileFacts, base_url: str) -> str:
    """The recipients' view of the page."""
    rows = [
        [
            iri_link(r.iri, r.label),
            f"{r.deals:,}",
            ""
            if r.first_year is None
            else f"{r.first_year}–{r.last_year}"
            if r.first_year != r.last_year
            else str(r.first_year),
            esc(r.country.name) if r.country else "not on the base map",
        ]
        for r in transfer_map.recipients
    ]
    undrawn = "".join(f"<li>{iri_link(r.iri, r.label)} ({r.deals:,})</li>" for r in transfer_map.undrawn)
    supplier = transfer_map.supplier.label
    sipri = f" {esc(SIPRI_ATTRIBUTION)}." if transfer_map.sipri else ""
    body = (
        "<h1>Map</h1>"
        + _views("transfers")
        + f"<p>Arms-transfer deals from {esc(supplier)} by recipient, counted in the year of order (else the "
        "first year of delivery). A recipient is placed on a country of the base map whose name is one of its "
        "names; the others are listed below the map.</p>"
        + _transfer_form(transfer_map, states)
        + f'<p class="count" role="status">{sum(r.deals for r in transfer_map.recipients):,} deals to '
        f"{len(transfer_map.recipients):,} recipients, {len(transfer_map.drawn):,} of them on the map.</p>"
        + f'<figure class="map">{transfer_svg(transfer_map)}{legend_html()}<figcaption>{esc(_BASE)} '
        f"Shading: number of deals.{sipri}</figcaption></figure>"
        + '<section aria-labelledby="undrawn"><h2 id="undrawn">Recipients not on the map</h2>'
        + (f'<ul class="undrawn">{undrawn}</ul>' if undrawn else "<p>Every recipient is on the map.</p>")
        + '</section><section aria-labelledby="recipients"><h2 id="recipients">Recipients</h2>'
        + table(["Recipient", "Deals", "Years", "Country on the base map"], rows)
        + "</section>"
        + _panel(_transfer_params(transfer_map), facts, base_url)
    )
    return page("Map: transfers by recipient", body, head=f"<style>{STYLE}</style>")


def _transfer_params(transfer_map: TransferMap) -> list[tuple[str, str]]:
    out = [("view", "transfers"), ("supplier", transfer_map.supplier.key)]
    return out + [
        (n, str(v)) for n, v in (("from", transfer_map.year_from), ("to", transfer_map.year_to)) if v is not None
    ]


def _panel(params: list[tuple[str, str]], facts: FileFacts, base_url: str) -> str:
    links = [(_url("/map.csv", params), "CSV"), (_url("/map.json", params), "JSON")]
    sipri = f" {esc(SIPRI_ATTRIBUTION)}; SIPRI's facts remain under SIPRI's terms." if facts.sipri else ""
    note = (
        f'<p class="note">Data release {esc(facts.release)}. Dragonbear data is licensed under '
        f'<a href="{CC_BY}">CC BY 4.0</a>.{sipri} Coordinates: Natural Earth (public domain).</p>'
    )
    return data_panel(links, table_snippets(base_url + _url("/map.csv", params), "map.csv"), note=note)


# --- files -------------------------------------------------------------------------------------------


def _event_records(event_map: EventMap) -> list[dict[str, Any]]:
    records = []
    for place in event_map.drawn:
        assert place.point is not None
        for item in place.items:
            records.append(
                {
                    "place": place.iri, "place_label": place.label, "lat": place.point.lat, "long": place.point.long,
                    "coordinates_source": place.point.source, "coordinates_locator": place.point.locator,
                    "event": item.iri, "event_label": item.label, "kind": item.kind.key, "start": item.start.value,
                    "end": item.end.value if item.end else "", "states": "; ".join(label for _, label in item.states),
                }
            )  # fmt: skip
    return records


def _transfer_records(transfer_map: TransferMap, drawn_only: bool) -> list[dict[str, Any]]:
    return [
        {
            "recipient": r.iri,
            "recipient_label": r.label,
            "deals": r.deals,
            "first_year": r.first_year if r.first_year is not None else "",
            "last_year": r.last_year if r.last_year is not None else "",
            "country_id": r.country.id or "" if r.country else "",
            "country_name": r.country.name if r.country else "",
        }
        for r in (transfer_map.drawn if drawn_only else transfer_map.undrawn)
    ]


def _csv(columns: Sequence[str], records: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_cell(v) for k, v in record.items()} for record in records)
    return out.getvalue().encode("utf-8")


def _json(facts: FileFacts, doc: dict[str, Any]) -> bytes:
    head: dict[str, Any] = {"release": facts.release, "license": CC_BY}
    if facts.sipri:
        head["attribution"] = SIPRI_ATTRIBUTION
    return json.dumps(head | doc, ensure_ascii=False, indent=2).encode("utf-8")


# --- requests ----------------------------------------------------------------------------------------

router = APIRouter(include_in_schema=False)
_EVENT_PARAMS = frozenset({"view", "state", "kind", "from", "to"})
_TRANSFER_PARAMS = frozenset({"view", "supplier", "from", "to"})


def _view(params: list[tuple[str, str]]) -> str:
    views = [v.strip().lower() for k, v in params if k == "view"]
    if len(views) > 1:
        raise ParameterError("parameter 'view' is given more than once")
    view = (views[0] if views else "") or "events"
    if view not in _VIEWS:
        raise ParameterError(f"no view {view!r}; the map's views are events and transfers")
    allowed = _EVENT_PARAMS if view == "events" else _TRANSFER_PARAMS
    for name, _ in params:
        if name not in allowed:
            raise ParameterError(f"the {view} map has no parameter {name!r}; it takes {', '.join(sorted(allowed))}")
    return view


def _transfer_choice(
    states: list[StateChoice], params: list[tuple[str, str]]
) -> tuple[StateChoice, int | None, int | None]:
    seen: dict[str, str] = {}
    for name, raw in params:
        if name in seen:
            raise ParameterError(f"parameter {name!r} is given more than once")
        seen[name] = raw.strip()
    supplier = choose_state(states, seen.get("supplier") or "russia")
    years = {n: parse_year(seen[n], n) for n in ("from", "to") if seen.get(n)}
    if "from" in years and "to" in years and years["from"] > years["to"]:
        raise ParameterError(f"from ({years['from']}) is after to ({years['to']})")
    return supplier, years.get("from"), years.get("to")


def _read(request: Request, served: ServedDep) -> tuple[str, EventMap | TransferMap, list[StateChoice], FileFacts]:
    states = served.read(read_states, key=("timeline-states",))
    params = list(request.query_params.multi_items())
    view = _view(params)
    rest = [(k, v) for k, v in params if k != "view"]
    if view == "events":
        filters = parse_filters(states, rest)
        check_event_kinds(filters.kinds)

        def events(store: GraphStore) -> tuple[EventMap, FileFacts]:
            return read_event_map(store, filters), FileFacts(store_release(store) or data_release().version, False)

        key = (
            "map-events",
            filters.state.iri if filters.state else None,
            filters.kinds,
            filters.year_from,
            filters.year_to,
        )
        event_map, facts = served.read(events, key=key)
        return view, event_map, states, facts
    supplier, year_from, year_to = _transfer_choice(states, rest)

    def transfers(store: GraphStore) -> tuple[TransferMap, FileFacts]:
        found = read_transfer_map(store, supplier, year_from, year_to)
        return found, FileFacts(store_release(store) or data_release().version, found.sipri)

    transfer_map, facts = served.read(transfers, key=("map-transfers", supplier.iri, year_from, year_to))
    return view, transfer_map, states, facts


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, served: ServedDep) -> HTMLResponse:
    """The map: events at places (``state``, ``kind``, ``from``, ``to``) or, with ``view=transfers``,
    a supplier's deals by recipient (``supplier``, ``from``, ``to``)."""
    _, found, states, facts = _read(request, served)
    base_url = str(request.base_url).rstrip("/")
    if isinstance(found, EventMap):
        return HTMLResponse(event_map_html(found, states, facts, base_url))
    return HTMLResponse(transfer_map_html(found, states, facts, base_url))


@router.get("/map.{ext}")
def map_file(ext: str, request: Request, served: ServedDep) -> Response:
    """What the map draws, as CSV (the drawn rows) or JSON (drawn and not drawn), with the release,
    licence and attribution."""
    if ext not in ("csv", "json"):
        raise NotFoundError(f"no file /map.{ext}; the map's files are /map.csv and /map.json")
    view, found, _, facts = _read(request, served)
    if isinstance(found, EventMap):
        values = {k: v for k, v in found.filters.params() if k != "kind"}
        if found.filters.kinds:
            values["kind"] = "-".join(found.filters.kinds)
        headers = file_headers(facts, "map-events", values, ext)
        if ext == "csv":
            return Response(
                _csv(EVENT_COLUMNS, _event_records(found)), media_type="text/csv; charset=utf-8", headers=headers
            )
        doc = {
            "view": view,
            "filters": dict(found.filters.params()) | {"kind": list(found.filters.kinds)},
            "coordinates": "Natural Earth 4.0.0 (public domain); each row names its feature",
            "drawn": _event_records(found),
            "without_coordinates": [
                {"place": p.iri, "place_label": p.label, "events": [i.iri for i in p.items]} for p in found.undrawn
            ],
        }
        return Response(_json(facts, doc), media_type="application/json", headers=headers)
    values = {k: v for k, v in _transfer_params(found) if k != "view"}
    headers = file_headers(facts, "map-transfers", values, ext)
    if ext == "csv":
        return Response(
            _csv(TRANSFER_COLUMNS, _transfer_records(found, True)),
            media_type="text/csv; charset=utf-8",
            headers=headers,
        )
    transfers_doc: dict[str, Any] = {
        "view": view,
        "supplier": found.supplier.iri,
        "from": found.year_from,
        "to": found.year_to,
        "measure": "deals (count of arms transfers), by year of order",
        "drawn": _transfer_records(found, True),
        "not_on_the_base_map": _transfer_records(found, False),
    }
    return Response(_json(facts, transfers_doc), media_type="application/json", headers=headers)
