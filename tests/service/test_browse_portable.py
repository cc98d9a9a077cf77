"""The browse pages' SPARQL is portable: on Oxigraph's server and on Virtuoso 7.2, through `RemoteStore`, the
counts per kind, the values of each filter and filtered pages of a listing are those of the embedded store
(the session's ``store``, loaded into each server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dragonbear.graph.remote import RemoteStore
from dragonbear.graph.store import EmbeddedStore
from dragonbear.service.web.browse import kind_counts, parse_filters, read_facets, read_listing
from dragonbear.service.web.kinds import KINDS

from ..servers import SparqlServer

pytestmark = [pytest.mark.server, pytest.mark.slow]


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote(request: pytest.FixtureRequest, store: EmbeddedStore) -> Iterator[RemoteStore]:
    """The shipped graph on Oxigraph's server, then on Virtuoso (skipped where Virtuoso is not installed)."""
    server: SparqlServer = request.getfixturevalue(f"{request.param}_server")
    held = server.store_holding(store)
    yield held
    held.close()


def test_counts_per_kind_are_the_same(remote: RemoteStore, store: EmbeddedStore) -> None:
    assert kind_counts(remote) == kind_counts(store)


@pytest.mark.parametrize("kind", ["system", "exercise", "transfer", "source", "claim"])
def test_filter_values_and_years_are_the_same(remote: RemoteStore, store: EmbeddedStore, kind: str) -> None:
    assert read_facets(remote, KINDS[kind]) == read_facets(store, KINDS[kind])


@pytest.mark.parametrize(
    "kind,params,page",
    [
        pytest.param("system", {}, 2, id="systems-page-2"),
        pytest.param("system", {"state": "china", "category": "FighterAircraft"}, 1, id="chinese-fighters"),
        pytest.param("exercise", {"state": "india", "from": "2010", "to": "2020"}, 1, id="exercises-years"),
        pytest.param("transfer", {"supplier": "russia", "recipient": "china", "from": "1995"}, 2, id="transfers"),
        pytest.param("source", {"from": "2022"}, 1, id="sources-by-date"),
    ],
)
def test_listings_are_the_same(
    remote: RemoteStore, store: EmbeddedStore, kind: str, params: dict[str, str], page: int
) -> None:
    spec = KINDS[kind]
    filters = parse_filters(spec, read_facets(store, spec), params)
    here = read_listing(store, spec, filters, page=page, per_page=20)
    there = read_listing(remote, spec, filters, page=page, per_page=20)
    assert here.total > 0 and here.rows
    assert (there.total, there.rows) == (here.total, here.rows)
