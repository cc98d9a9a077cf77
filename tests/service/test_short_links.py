"""Short links (``POST /q``, ``GET /q/ID``, ``GET /q/ID.json``) in-process: a link for each kind of view,
the same id when made twice, refusals of every other path, the snapshot's rows, and a snapshot that
keeps its numbers when a load changes the live view's. Links are written into copies of the session
store; the share forms are read on the session store's app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from dragonbear.pipeline.build import BuildReport
from dragonbear.pipeline.update import load_files

from ..conftest import app_client, copy_store

TRANSFERS = "/queries/transfers?supplier=Russia&recipient=China"
NAMES = "/queries/names?entity=J-11"


@pytest.fixture(scope="module")
def links_store(built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_store(built[0], tmp_path_factory.mktemp("links") / "store")


@pytest.fixture(scope="module")
def links_client(links_store: Path) -> Iterator[TestClient]:
    with app_client(links_store) as test_client:
        yield test_client


def _make(client: TestClient, path: str) -> str:
    reply = client.post("/q", json={"path": path})
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


def _results(html: str) -> str:
    """The results table of a canned-query page."""
    found = re.search(r'<table class="results">.*?</table>', html, re.S)
    assert found, html[:500]
    return found.group(0)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(TRANSFERS, id="query-form"),
        pytest.param("/timeline?state=china&kind=exercise", id="timeline"),
        pytest.param("/charts?from=2000&to=2010", id="charts"),
        pytest.param("/id/system/j-11", id="entity"),
        pytest.param("/id/system/?state=china", id="browse"),
        pytest.param("/search?q=j-11", id="search"),
        pytest.param("/embed/query/transfers?supplier=russia&recipient=china", id="embed-query"),
        pytest.param("/embed/chart/deliveries-to-china", id="embed-chart"),
    ],
)
def test_a_link_to_each_kind_of_view_is_made_once_and_answers(
    links_client: TestClient, links_store: Path, path: str
) -> None:
    reply = links_client.post("/q", json={"path": path})
    assert reply.status_code == 201, reply.text
    doc = reply.json()
    assert reply.headers["location"] == f"/q/{doc['id']}"
    assert doc["url"] == f"http://testserver/q/{doc['id']}" and doc["path"] == path and doc["release"]
    assert re.fullmatch(r"[a-z2-7]{10}", doc["id"])
    again = links_client.post("/q", data={"path": path})  # a form, by a client that is not a browser
    assert again.status_code == 201 and again.json()["id"] == doc["id"]
    assert (links_store / "links" / f"{doc['id']}.json").is_file()
    page = links_client.get(f"/q/{doc['id']}")
    assert page.status_code == 200
    assert "shows the same numbers" in page.text and f'value="http://testserver/q/{doc["id"]}"' in page.text


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("http://evil.example/id/system/j-11", id="another-host"),
        pytest.param("http://testserver/id/system/j-11", id="a-full-url"),
        pytest.param("//evil.example/id/system/j-11", id="scheme-relative"),
        pytest.param("javascript:alert(1)", id="a-scheme"),
        pytest.param("id/system/j-11", id="relative"),
        pytest.param("/sparql?query=ASK%7B%7D", id="endpoint"),
        pytest.param("/api/queries/transfers?supplier=Russia", id="api"),
        pytest.param("/update", id="update"),
        pytest.param("/store?default", id="graph-store"),
        pytest.param("/", id="query-page"),
        pytest.param("/id/../api/queries", id="dot-segments"),
        pytest.param("/id/%2e%2e/api/queries", id="encoded-dot-segments"),
        pytest.param("/id/system/j-11?format=turtle", id="rdf-not-a-page"),
        pytest.param("/charts/deliveries-to-china.csv", id="a-file"),
        pytest.param("/timeline.csv", id="timeline-file"),
        pytest.param("/id/system/no-such-system", id="not-found"),
        pytest.param("/queries/transfers?nonsense=1", id="bad-parameter"),
        pytest.param("/id/system/j-11?x=" + "a" * 2000, id="too-long"),
        pytest.param("/id/system/j-11\n", id="control-character"),
        pytest.param("", id="empty"),
    ],
)
def test_a_link_to_anything_but_a_view_of_this_site_is_refused(links_client: TestClient, path: str) -> None:
    reply = links_client.post("/q", json={"path": path})
    assert reply.status_code == 400, reply.text
    assert reply.text.strip()


def test_a_request_without_a_form_or_json_is_refused(links_client: TestClient) -> None:
    assert links_client.post("/q", content=b"/timeline", headers={"Content-Type": "text/plain"}).status_code == 415
    assert links_client.post("/q", json={"paths": "/timeline"}).status_code == 400


def test_a_browsers_form_is_redirected_to_the_link_and_an_error_is_a_page(links_client: TestClient) -> None:
    reply = links_client.post("/q", data={"path": TRANSFERS}, headers={"Accept": "text/html"})
    assert reply.status_code == 303
    assert re.fullmatch(r"/q/[a-z2-7]{10}", reply.headers["location"])
    bad = links_client.post("/q", data={"path": "/api/queries"}, headers={"Accept": "text/html"})
    assert bad.status_code == 400 and "<main" in bad.text and "short link" in bad.text


def test_the_snapshot_shows_the_rows_of_the_view_with_the_release_and_the_live_link(links_client: TestClient) -> None:
    ident = _make(links_client, TRANSFERS)
    live = links_client.get(TRANSFERS).text
    page = links_client.get(f"/q/{ident}").text
    assert _results(page) == _results(live) and "state:russia" in _results(page)
    release = links_client.get(f"/q/{ident}.json").json()["release"]
    assert f"from data release {release}." in page and "Made on " in page
    assert f'href="{TRANSFERS.replace("&", "&amp;")}">live view</a>' in page
    assert 'for="short-link"' in page and 'id="short-link" type="text" readonly' in page
    assert 'class="share"' not in page  # the snapshot offers no link to itself


def test_the_record_is_json_without_the_html(links_client: TestClient) -> None:
    ident = _make(links_client, "/id/system/j-11")
    doc = links_client.get(f"/q/{ident}.json").json()
    # release_url: the page on its release, which the store keeps (tests/service/test_releases.py)
    assert set(doc) == {"id", "path", "release", "generation", "made", "digest", "url", "release_url"}
    assert doc["id"] == ident and doc["path"] == "/id/system/j-11" and doc["generation"].startswith("gen-")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["made"])


@pytest.mark.parametrize("ident", ["aaaaaaaaaa", "nope", "aaaaaaaaaa.json", "..%2Fstore"])
def test_an_unknown_link_is_not_found(links_client: TestClient, ident: str) -> None:
    assert links_client.get(f"/q/{ident}").status_code == 404
    page = links_client.get(f"/q/{ident}", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "<main" in page.text


def test_a_snapshot_keeps_its_numbers_after_a_load_changes_the_live_view(
    built: tuple[Path, BuildReport], tmp_path: Path
) -> None:
    store_dir = copy_store(built[0], tmp_path / "store")
    added = tmp_path / "name.nq"
    added.write_text(
        "<https://w3id.org/dragonbear/id/system/j-11> <http://www.w3.org/2004/02/skos/core#altLabel> "
        '"Snapshot Flanker"@en <https://w3id.org/dragonbear/graph/file/name> .\n',
        encoding="utf-8",
    )
    with app_client(store_dir) as client:
        ident = _make(client, NAMES)
        before = client.get(f"/q/{ident}").text
        assert "shows the same numbers" in before and "Snapshot Flanker" not in before
        load_files(store_dir, [added])
        assert "Snapshot Flanker" in client.get(NAMES).text
        after = client.get(f"/q/{ident}").text
        assert "changes these numbers" in after and "Snapshot Flanker" not in _results(after)
        assert _results(after) == _results(before)
        newer = _make(client, NAMES)
        assert newer != ident  # the same view with other data is another link
        assert "Snapshot Flanker" in _results(client.get(f"/q/{newer}").text)


def test_the_views_offer_a_share_form(client: TestClient) -> None:
    for path in (TRANSFERS, "/timeline?state=china", "/charts", "/id/system/j-11"):
        html = client.get(path).text
        form = re.search(r'<form class="share" method="post" action="/q".*?</form>', html, re.S)
        assert form, path
        assert f'name="path" value="{path.replace("&", "&amp;")}"' in form.group(0)
        assert "Make a short link</button>" in form.group(0)


def test_links_stop_at_the_folders_budget_and_old_ones_still_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built: tuple[Path, BuildReport]
) -> None:
    from dragonbear.service.runtime import link_store

    store_dir = copy_store(built[0], tmp_path / "store")
    with app_client(store_dir) as client:
        first = client.post("/q", json={"path": "/charts"})
        assert first.status_code == 201
        monkeypatch.setattr(link_store, "LINKS_BUDGET", 1)
        refused = client.post("/q", json={"path": "/timeline"})
        assert refused.status_code == 503 and "no more short links" in refused.text
        assert client.get(first.json()["url"]).status_code == 200
