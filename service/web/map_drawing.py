"""The SVG drawings of ``/map``, written on the server: no script, and the same in print.

:func:`event_svg` draws each place with coordinates as a circle (its area grows with its number of
events) that links to the place's entity page and is named by its ``<title>``; :func:`transfer_svg`
shades each country of the base map by the number of deals it received from the supplier, in the
classes of :data:`BINS`, with a legend. Both scale with their ``viewBox`` (:mod:`~dragonbear.service.web.atlas`).
"""

from __future__ import annotations

import math

from dragonbear.service.web.atlas import HEIGHT, WIDTH, WRAP, countries, project
from dragonbear.service.web.layout import esc, local_path
from dragonbear.service.web.map_data import EventMap, MapPlace, TransferMap

__all__ = ["BINS", "STYLE", "bin_of", "event_svg", "legend_html", "legend_text", "point_label", "transfer_svg"]

#: The classes of the choropleth: (fewest deals, most deals or None, fill).
BINS: tuple[tuple[int, int | None, str], ...] = (
    (1, 1, "#fbd5c5"),
    (2, 9, "#f39b7f"),
    (10, 49, "#d9534f"),
    (50, 99, "#a52a2a"),
    (100, None, "#5c0f0f"),
)
_LAND, _EDGE = "#e4e7ec", "#ffffff"
STYLE = """
figure.map { margin: .6rem 0 1rem; background: #fff; border: 1px solid var(--line); padding: .4rem; }
figure.map svg { display: block; width: 100%; height: auto; }
figure.map figcaption { font-size: .85em; color: var(--muted); margin-top: .3rem; }
svg.world .sea { fill: #f3f7fb; } svg.world .country { stroke: #ffffff; stroke-width: .4; }
svg.world a circle { fill: rgba(138, 28, 28, .72); stroke: #fff; stroke-width: 1; }
svg.world a:focus-visible circle, svg.world a:hover circle { stroke: #f0b429; stroke-width: 3; fill: #8a1c1c; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1rem; padding: 0; margin: .3rem 0; }
ul.legend .swatch { display: inline-block; width: 1.1rem; height: .8rem; border: 1px solid #8792a2;
                    vertical-align: middle; margin-right: .3rem; }
.map-views { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; margin: .4rem 0; }
.map-views [aria-current] { font-weight: 700; color: var(--ink); text-decoration: none; }
"""
STYLE += "".join(f"ul.legend .swatch.b{n} {{ background: {fill}; }}\n" for n, (_, _, fill) in enumerate(BINS))


def bin_of(deals: int) -> tuple[int, int | None, str] | None:
    """The class of a count of deals (None for none).

    >>> bin_of(0), bin_of(1)[2], bin_of(98)[:2], bin_of(134)[:2]
    (None, '#fbd5c5', (50, 99), (100, None))
    """
    return next((b for b in BINS if deals >= b[0] and (b[1] is None or deals <= b[1])), None)


def point_label(place: MapPlace) -> str:
    """How a point is named: the place, its number of events and their years.

    >>> from dragonbear.service.web.map_data import MapPlace
    >>> point_label(MapPlace("x", "Sea of Japan", None, ()))
    'Sea of Japan: no events'
    """
    if not place.items:
        return f"{place.label}: no events"
    first, last = place.years
    years = str(first) if first == last else f"{first}–{last}"
    count = len(place.items)
    return f"{place.label}: {count} event{'' if count == 1 else 's'}, {years}"


def _countries(ident: str, fills: dict[str, tuple[str, str]] | None = None) -> str:
    """The base map: every country as a path, filled and titled as ``fills`` says (by name)."""
    parts = []
    for country in countries():
        fill, title = (fills or {}).get(country.name, (_LAND, country.name))
        parts.append(f'<path class="country" fill="{fill}" d="{country.path()}"><title>{esc(title)}</title></path>')
    first, second = WRAP
    return (  # one turn of the globe from WEST: the paths, then the same 360 degrees east (atlas.py)
        f'<g class="countries" id="{ident}-countries" transform="translate({first:g} 0)">{"".join(parts)}</g>'
        f'<use href="#{ident}-countries" transform="translate({second - first:g} 0)" aria-hidden="true"/>'
    )


def _frame(ident: str, title: str, description: str, inner: str, *, links: bool) -> str:
    role = "" if links else ' role="img"'
    return (
        f'<svg class="world" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" xmlns="http://www.w3.org/2000/svg"{role} '
        f'aria-labelledby="{ident}-title {ident}-desc"><title id="{ident}-title">{esc(title)}</title>'
        f'<desc id="{ident}-desc">{esc(description)}</desc>'
        f'<rect class="sea" x="0" y="0" width="{WIDTH:g}" height="{HEIGHT:g}"/>{inner}</svg>'
    )


def event_svg(event_map: EventMap) -> str:
    """The events' map: the base map, then a linked circle per drawn place, west to east."""
    circles = []
    for place in event_map.drawn:
        assert place.point is not None
        x, y = project(place.point.lat, place.point.long)
        radius = round(3.5 + 1.6 * math.sqrt(len(place.items)), 2)
        label = point_label(place)
        href = local_path(place.iri) or place.iri
        circles.append(
            f'<a href="{esc(href)}" aria-label="{esc(label)}" data-place="{esc(place.iri)}">'
            f'<circle cx="{x}" cy="{y}" r="{radius}"/><title>{esc(label)}</title></a>'
        )
    description = (
        f"{len(event_map.drawn)} places with coordinates, each a circle linked to the place's page; "
        f"{len(event_map.undrawn)} places without coordinates are listed below the map."
    )
    return _frame(
        "events-map",
        "Map of the exercises, patrols and events by place",
        description,
        _countries("events-map") + f'<g class="points">{"".join(circles)}</g>',
        links=True,
    )


def transfer_svg(transfer_map: TransferMap) -> str:
    """The recipients' map: each country that received deals shaded by its class of :data:`BINS`."""
    fills: dict[str, tuple[str, str]] = {}
    for recipient in transfer_map.drawn:
        assert recipient.country is not None
        found = bin_of(recipient.deals)
        if found:
            deals = f"{recipient.deals} deal{'' if recipient.deals == 1 else 's'}"
            fills[recipient.country.name] = (found[2], f"{recipient.country.name}: {deals}")
    supplier = transfer_map.supplier.label
    description = (
        f"Countries shaded by the number of arms-transfer deals from {supplier}: "
        + "; ".join(legend_text(b) for b in BINS)
        + f". {len(transfer_map.undrawn)} recipients are not on the base map and are listed below it."
    )
    return _frame(
        "transfers-map",
        f"Arms transfers from {supplier} by recipient",
        description,
        _countries("transfers-map", fills),
        links=False,
    )


def legend_text(found: tuple[int, int | None, str]) -> str:
    """A class of deals in words.

    >>> legend_text(BINS[0]), legend_text(BINS[1]), legend_text(BINS[-1])
    ('1 deal', '2–9 deals', '100 or more deals')
    """
    low, high, _ = found
    if high == low:
        return f"{low} deal{'' if low == 1 else 's'}"
    return f"{low} or more deals" if high is None else f"{low}–{high} deals"


def legend_html() -> str:
    """The choropleth's legend, as a list (the colours with their classes in words)."""
    items = "".join(
        f'<li><span class="swatch b{n}" aria-hidden="true"></span>{esc(legend_text(found))}</li>'
        for n, found in enumerate(BINS)
    )
    return f'<ul class="legend" aria-label="Legend: deals received">{items}</ul>'
