"""Search by name: the box in every page's frame, ``/api/search`` (the suggestions) and ``/search`` (results
grouped by kind), from the app in this process on the shipped graph (``client``)."""

from __future__ import annotations

import re

import httpx
import pytest

from dragonbear.errors import ParameterError
from dragonbear.service.web.kinds import KINDS

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/", id="query-page"),
        pytest.param("/id/system/j-11", id="entity"),
        pytest.param("/ontology", id="ontology"),
        pytest.param("/explore", id="explorer"),
        pytest.param("/id/", id="kinds"),
        pytest.param("/id/exercise/", id="listing"),
        pytest.param("/search?q=Flanker", id="search"),
        pytest.param("/id/system/no-such-thing", id="not-found"),
    ],
)
def test_every_page_has_a_labelled_search_box(client: httpx.Client, path: str) -> None:
    html = client.get(path, headers={"Accept": BROWSER}).text
    form = re.search(r'<form class="site-search" role="search" action="/search".*?</form>', html, re.DOTALL)
    assert form is not None, path
    assert '<label for="site-search">' in form.group(0)
    assert re.search(r'<input id="site-search" name="q" type="search"[^>]* role="combobox"', form.group(0))
    assert 'aria-controls="site-search-list"' in form.group(0) and 'role="listbox"' in form.group(0)
    assert '<script src="/static/search.js" defer></script>' in html
    assert not re.findall(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//', html)  # nothing from elsewhere


def test_the_suggestion_script_is_served_from_the_package(client: httpx.Client) -> None:
    script = client.get("/static/search.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "/api/search?limit=8&q=" in script.text and "aria-activedescendant" in script.text
    assert "http://" not in script.text and "https://" not in script.text


def test_the_search_page_keeps_the_text_in_the_box(client: httpx.Client) -> None:
    html = client.get("/search", params={"q": 'J-11 "<b>'}).text
    assert 'value="J-11 &quot;&lt;b&gt;"' in html


@pytest.mark.parametrize(
    "text,expected,match",
    [
        pytest.param("jian-11", "/id/system/j-11", "exact", id="pinyin-label"),
        pytest.param("jiān 11", "/id/system/j-11", "pinyin", id="pinyin-tones"),
        pytest.param("歼-11", "/id/system/j-11", "exact", id="characters"),
        pytest.param("mige 21", "/id/system/mig-21", "pinyin", id="pinyin-of-a-name-without-pinyin-label"),
        pytest.param("Фланкер", "/id/system/su-27", "transliterated", id="cyrillic"),
        pytest.param("Joint Sea", "/id/series/joint-sea", "exact", id="series"),
    ],
)
def test_api_search_gives_the_entity_first_with_its_page(
    client: httpx.Client, text: str, expected: str, match: str
) -> None:
    answer = client.get("/api/search", params={"q": text})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    first = answer.json()["results"][0]
    assert (first["path"], first["match"]) == (expected, match)
    assert first["kind"] == expected.split("/")[2] and first["kind_title"] == KINDS[first["kind"]].title


def test_api_search_suggests_names_as_they_are_typed(client: httpx.Client) -> None:
    hits = client.get("/api/search", params={"q": "jian", "limit": 8}).json()["results"]
    assert len(hits) == 8 and all(h["score"] == 40 for h in hits)
    assert {"/id/system/j-11", "/id/system/j-10"} <= {h["path"] for h in hits}
    # a part of a name, for searches: the Kilo-class submarine from "submarine"
    parts = client.get("/api/search", params={"q": "submarine"}).json()["results"]
    assert parts and parts[0]["match"] == "contains"


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="no-q"),
        pytest.param({"q": ""}, id="empty"),
        pytest.param({"q": "   "}, id="blank"),
        pytest.param({"q": "x" * 201}, id="too-long"),
        pytest.param({"q": "j-11", "limit": "0"}, id="limit-0"),
        pytest.param({"q": "j-11", "limit": "51"}, id="limit-51"),
        pytest.param({"q": "j-11", "limit": "many"}, id="limit-not-a-number"),
    ],
)
def test_api_search_refuses_bad_requests_with_a_message(client: httpx.Client, params: dict[str, str]) -> None:
    answer = client.get("/api/search", params=params)
    assert answer.status_code == 400
    assert answer.json()["message"]


def test_api_search_is_documented_in_the_openapi(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "limit", "class"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/SearchResults")
    assert "400" in operation["responses"]
    hit = schema["components"]["schemas"]["SearchHit"]["properties"]
    assert {"iri", "path", "label", "kind", "score", "match", "matched"} <= set(hit)


def _sections(html: str) -> list[tuple[str, list[str]]]:
    """The results page's groups: (section id, the entity paths it lists)."""
    found = re.findall(r'<section class="results" aria-labelledby="kind-([\w-]+)">(.*?)</section>', html, re.DOTALL)
    return [(kind, re.findall(r'<li><a href="([^"]+)"', body)) for kind, body in found]


def test_search_page_groups_the_results_by_kind(client: httpx.Client) -> None:
    response = client.get("/search", params={"q": "Russia"}, headers={"Accept": BROWSER})
    assert response.status_code == 200
    sections = _sections(response.text)
    kinds = [kind for kind, _ in sections]
    assert kinds[0] == "state" and sections[0][1][0] == "/id/state/russia"  # the best hit's kind first
    assert {"state", "org", "event"} <= set(kinds) and len(kinds) == len(set(kinds))
    for kind, paths in sections:
        assert paths and all(p.startswith(f"/id/{kind}/") for p in paths), kind
        assert f'<a href="/id/{kind}/">{KINDS[kind].title}</a>' in response.text  # the heading links the listing


def test_search_page_says_how_a_name_matched(client: httpx.Client) -> None:
    html = client.get("/search", params={"q": "mige 21"}).text
    assert re.search(
        r'href="/id/system/mig-21">[^<]+</a> <span class="muted">— its preferred label, in pinyin <q>米格-21</q>', html
    )


@pytest.mark.parametrize(
    "query,text",
    [
        pytest.param({}, "Type a name in the box above", id="no-text"),
        pytest.param({"q": "zzqqxx"}, "Nothing is named <q>zzqqxx</q>", id="no-hit"),
    ],
)
def test_search_page_without_hits_says_what_to_do(client: httpx.Client, query: dict[str, str], text: str) -> None:
    response = client.get("/search", params=query)
    assert response.status_code == 200 and text in response.text and 'href="/id/"' in response.text


def test_search_page_refuses_a_text_too_long_with_a_page(client: httpx.Client) -> None:
    response = client.get("/search", params={"q": "x" * 300}, headers={"Accept": BROWSER})
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert "at most 200 characters" in response.text
    assert client.get("/search?q=a&q=b").status_code == 400


def test_search_answers_are_kept_per_store_generation(client: httpx.Client) -> None:
    served = client.app.state.served  # type: ignore[attr-defined]
    client.get("/api/search", params={"q": "Kilo", "limit": 5})
    client.get("/search", params={"q": "Kilo"})
    generation = str(served.generation())
    assert served._reads.get((generation, ("search", "Kilo", 5))) is not None
    assert served._reads.get((generation, ("search-page", "Kilo"))) is not None


def test_check_query_is_the_one_limit() -> None:
    from dragonbear.service.web.search_page import check_query

    with pytest.raises(ParameterError, match="at most 200"):
        check_query("y" * 201)
