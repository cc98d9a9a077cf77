"""The summary at the top of the home page (the query page at ``/``): what the graph holds, counted per
kind with links to the browse pages, the data release the store was built from, and where to start.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from dragonbear import data_release
from dragonbear.graph.dataset import DATASET, DCAT
from dragonbear.graph.store import GraphStore
from dragonbear.namespaces import DCTERMS
from dragonbear.service.web.browse import kind_counts
from dragonbear.service.web.kinds import KINDS
from dragonbear.service.web.layout import esc

__all__ = ["Release", "home_summary_html", "store_release_of"]

_STARTS = (
    ("/id/system/j-11", "Shenyang J-11", "a system's page: its names, sources and lineage from the Su-27SK"),
    (
        "/id/transfer/?supplier=russia&recipient=china",
        "Russian arms transfers to China",
        "every deal, with the year of its order",
    ),
    ("/id/exercise/?state=china", "Exercises and patrols with China", "joint exercises and patrols"),
    ("/explore", "The lineage explorer", "where systems came from and what came of them"),
    ("/charts", "Charts", "transfers and exercises over time"),
)


@dataclass(frozen=True)
class Release:
    """A data release: its version and the day it was issued (ISO 8601, or empty when unknown)."""

    version: str
    issued: str


def store_release_of(store: GraphStore) -> Release:
    """The data release the store was built from (the dataset's ``dcat:version`` and ``dcterms:issued``,
    which the build records), else the one this package ships."""
    sparql = (
        f"SELECT ?version ?issued WHERE {{ {ox.NamedNode(DATASET)} {ox.NamedNode(DCAT + 'version')} ?version "
        f"OPTIONAL {{ {ox.NamedNode(DATASET)} {ox.NamedNode(DCTERMS + 'issued')} ?issued }} }}"
    )
    row = next(iter(store.select(sparql)), None)
    if row is None:
        shipped = data_release()
        return Release(shipped.version, shipped.issued)
    return Release(row["version"].value, row["issued"].value if row["issued"] is not None else "")


def home_summary_html(store: GraphStore) -> str:
    """The home page's summary: counts per kind (linked to ``/id/{kind}/``), the release, where to start.

    Args:
        store: the graph.

    Returns:
        An HTML ``<section>``.
    """
    counts = kind_counts(store)
    kinds = "".join(
        f'<li><a href="{esc(KINDS[k].path)}">{n:,} {esc(KINDS[k].plural)}</a></li>' for k, n in counts.items()
    )
    release = store_release_of(store)
    issued = f", issued {esc(release.issued)}" if release.issued else ""
    starts = "".join(
        f'<li><a href="{esc(href)}">{esc(text)}</a> <span class="muted">{esc(note)}</span></li>'
        for href, text, note in _STARTS
    )
    return (
        '<section class="summary" aria-labelledby="summary-title"><h2 id="summary-title" class="visually-hidden">'
        "What the graph holds</h2>"
        f'<div><h3>In the graph</h3><ul class="counts">{kinds}</ul>'
        '<p><a href="/id/">Browse every entity by kind</a></p></div>'
        f"<div><h3>Latest release</h3><p>Data release <strong>{esc(release.version)}</strong>{issued}. "
        '<a href="/download">Download it whole</a> or read its <a href="/.well-known/void">VoID description</a>.</p></div>'
        "<div><h3>Where to start</h3><p>Type any name in the search box at the top of every page: "
        "<code>Flanker</code>, <code>Су-27</code>, <code>歼-11</code> or <code>jian 11</code>. Or open:</p>"
        f'<ul class="starts">{starts}</ul></div></section>'
    )
