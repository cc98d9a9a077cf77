"""Large lineages on the entity pages (dragonbear.service.web.lineage_groups and lineage_section): links
grouped by relation, kind and side, big groups collapsed, the drawing capped, every link in the table.

On the synthetic hub of tests/lineage_hub.py (128 direct links) and, for the small case, the J-11 of
the shipped graph.
"""

from __future__ import annotations

import doctest
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import dragonbear.service.web.lineage_groups as groups_module
from dragonbear.graph.store import EmbeddedStore, open_store
from dragonbear.service.web.lineage import Lineage, lineage_of
from dragonbear.service.web.lineage_groups import COLLAPSE_AT, MAX_DRAWN, MAX_ROW, group_links, plan_drawing
from dragonbear.service.web.lineage_section import lineage_section

from ..lineage_hub import HUB, HUB_LINEAGE_LINKS, PLATFORMS, VARIANTS

ID = "https://w3id.org/dragonbear/id/"
HUB_LOCAL = HUB.rsplit("/", 1)[1]


@pytest.fixture(scope="module")
def hub_store(hub_store_dir: Path) -> Iterator[EmbeddedStore]:
    yield open_store(hub_store_dir, read_only=True)


@pytest.fixture(scope="module")
def hub(hub_store: EmbeddedStore) -> Lineage:
    return lineage_of(hub_store, HUB)


def test_hub_has_more_than_a_hundred_links(hub: Lineage) -> None:
    direct = [e for e in hub.edges if HUB in (e.source, e.target)]
    assert len(direct) == HUB_LINEAGE_LINKS > 100
    assert len(hub.edges) == HUB_LINEAGE_LINKS + 14 + 9  # the variants of derived 01 and of platforms 01-03


def test_links_are_grouped_by_anchor_relation_kind_and_side(hub: Lineage) -> None:
    at_hub = {(g.relation, g.kind, g.side): len(g.members) for g in group_links(hub) if g.anchor == HUB}
    assert at_hub == {
        ("component", "weapon", "in"): PLATFORMS,
        ("derivation", "licensed production", "in"): 14,
        ("derivation", "reverse engineering", "in"): 8,
        ("derivation", "derived design", "in"): 6,
        ("derivation", "derived design", "out"): 2,
        ("variant", "variant of", "in"): VARIANTS,
        ("component", "main propulsion", "out"): 1,
        ("component", "sensor", "out"): 1,
        ("component", "electronics", "out"): 1,
    }
    deeper = {(g.anchor.rsplit("/", 1)[1], g.kind): len(g.members) for g in group_links(hub) if g.anchor != HUB}
    assert deeper[("synthetic-derived-01", "variant of")] == 14
    assert deeper[("synthetic-platform-01", "variant of")] == 3


def test_big_groups_are_collapsed_and_the_drawing_is_capped(hub: Lineage) -> None:
    drawing = plan_drawing(hub)
    boxes = {(b.kind, len(b.members)) for b in drawing.boxes}
    assert {("weapon", PLATFORMS), ("licensed production", 14), ("variant of", VARIANTS)} <= boxes
    assert all(len(b.members) > COLLAPSE_AT or b.relation == "derivation" for b in drawing.boxes)
    assert len(drawing.shown) + len(drawing.boxes) <= MAX_DRAWN
    # a link is drawn when both its systems are; every system not drawn is behind a box: a hidden
    # member of a collapsed group, or a system that hangs from one
    shown = drawing.shown
    assert all(e.source in shown and e.target in shown for e in drawing.edges)
    assert len(drawing.edges) + drawing.hidden_links == len(hub.edges)
    behind = set().union(*(b.hidden for b in drawing.boxes))
    frontier = list(behind)
    while frontier:
        at = frontier.pop()
        for e in hub.edges:
            other = e.target if e.source == at else e.source if e.target == at else None
            if other is not None and other not in shown and other not in behind:
                behind.add(other)
                frontier.append(other)
    assert behind == set(hub.nodes) - shown


def test_a_group_the_reader_opens_is_drawn_and_others_make_room(hub: Lineage) -> None:
    key = next(g.key for g in group_links(hub) if g.anchor == HUB and g.kind == "licensed production")
    drawing = plan_drawing(hub, opened=[key])
    assert {ID + f"system/synthetic-derived-{i:02d}" for i in range(1, 15)} <= drawing.shown
    assert key not in {b.key for b in drawing.boxes}
    # the variants of derived 01 hang from an opened member: a box of their own
    assert any(b.anchor == ID + "system/synthetic-derived-01" for b in drawing.boxes)
    closed = plan_drawing(hub, opened=[key], closed=[key])
    assert key in {b.key for b in closed.boxes}


def test_no_row_of_the_drawing_is_wider_than_the_cap(hub: Lineage) -> None:
    drawing = plan_drawing(hub)
    for side in ("in", "out"):  # the row under the hub (what comes from it) and the row over it
        at_hub = [g for g in drawing.groups if g.anchor == HUB and g.side == side]
        width = sum(1 if g.collapsed else len(g.members) for g in at_hub)
        assert 0 < width <= MAX_ROW, side


def test_entity_section_lists_every_link_grouped_by_relation_and_kind(hub: Lineage) -> None:
    html = lineage_section(hub)
    rows = re.findall(r"<tr><td>", html)
    assert len(rows) == len(hub.edges)
    counts = {
        (r, k): int(n)
        for r, k, n in re.findall(
            r'<details open id="links-[^"]+" class="lineage-kind" data-relation="(\w+)" data-kind="([^"]+)" '
            r'data-count="(\d+)"',
            html,
        )
    }
    assert counts[("component", "weapon")] == PLATFORMS
    assert counts[("variant", "variant of")] == VARIANTS + 14 + 9
    assert sum(counts.values()) == len(hub.edges)
    assert "(50 links, 50 of them in a collapsed group)" in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert '<g class="node group">' in svg and "50 platforms" in svg
    assert f'href="/id/system/{HUB_LOCAL}?expand={HUB_LOCAL}~component~weapon~in#lineage"' in svg
    assert "Synthetic lineage test data (not facts)" in html  # the sources of each link


def test_opening_a_group_from_the_page_draws_its_members(hub: Lineage) -> None:
    html = lineage_section(hub, opened=[f"{HUB_LOCAL}~component~weapon~in"])
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count('<g class="node system">') >= PLATFORMS
    assert f'?collapse={HUB_LOCAL}~component~weapon~in#lineage"' in html


def test_small_lineage_is_drawn_whole(store: EmbeddedStore) -> None:
    j11 = lineage_of(store, ID + "system/j-11")
    drawing = plan_drawing(j11)
    assert drawing.boxes == [] and len(drawing.edges) == len(j11.edges)
    assert f"All {len(j11.edges)} links are drawn." in lineage_section(j11)


def test_lineage_groups_docstring_examples_run() -> None:
    assert doctest.testmod(groups_module).failed == 0
