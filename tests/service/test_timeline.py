"""The timeline ``/timeline`` and its files ``/timeline.json`` and ``/timeline.csv``, from the app in this
process on the tests' store (``client``), checked against SPARQL of their own on the same store."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest

from dragonbear.graph.store import EmbeddedStore
from dragonbear.namespaces import DGB, ID

STATE = f"{ID}state/"


def timeline(client: httpx.Client, **params: str) -> dict[str, object]:
    answer = client.get("/timeline.json", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def items(client: httpx.Client, **params: str) -> list[dict[str, object]]:
    return timeline(client, **params)["items"]  # type: ignore[return-value]


def count(store: EmbeddedStore, classes: str, pattern: str = "") -> int:
    """How many entities of one of ``classes`` (dgb local names) have a date and match ``pattern``."""
    values = " ".join(f"<{DGB}{c}>" for c in classes.split())
    dated = " ".join(f"<{DGB}{p}>" for p in ("startDate", "startYear", "orderYear", "deliveryStartYear"))
    sparql = (
        f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ VALUES ?c {{ {values} }} ?e a ?c "
        f'FILTER(!CONTAINS(STR(?e), "#")) VALUES ?p {{ {dated} }} ?e ?p ?d . {pattern} }}'
    )
    return int(next(iter(store.select(sparql)))["n"].value)


def test_every_date_of_the_timeline_is_one_the_graph_holds(client: httpx.Client, store: EmbeddedStore) -> None:
    found = items(client)
    assert len(found) > 250
    for item in found:
        for which in ("start", "end"):
            if not item[which]:
                continue
            prop = str(item[f"{which}_property"]).removeprefix("dgb:")
            ask = f'ASK {{ <{item["iri"]}> <{DGB}{prop}> ?v FILTER(STR(?v) = "{item[which]}") }}'
            assert store.query(ask), (item["iri"], prop, item[which])


def test_every_dated_event_transfer_and_derivation_is_on_the_timeline(
    client: httpx.Client, store: EmbeddedStore
) -> None:
    doc = timeline(client)
    assert doc["count"] == count(store, "Event ArmsTransfer Derivation")
    undated = "Event ArmsTransfer Derivation"
    values = " ".join(f"<{DGB}{c}>" for c in undated.split())
    sparql = f'SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ VALUES ?c {{ {values} }} ?e a ?c FILTER(!CONTAINS(STR(?e), "#")) }}'
    assert doc["count"] + doc["undated"] == int(next(iter(store.select(sparql)))["n"].value)


@pytest.mark.parametrize(
    ("params", "classes", "pattern"),
    [
        pytest.param({"kind": "exercise"}, "JointExercise", "", id="exercises"),
        pytest.param({"kind": "patrol"}, "JointPatrol", "", id="patrols"),
        pytest.param({"kind": "sanction"}, "SanctionsAction", "", id="sanctions"),
        pytest.param({"kind": "delivery"}, "ArmsTransfer", "", id="transfers"),
        pytest.param({"kind": "derivation"}, "Derivation", "", id="derivations"),
        pytest.param({"state": "china", "kind": "exercise"}, "JointExercise", f"?e <{DGB}involves> <{STATE}china>", id="china-exercises"),
        pytest.param({"state": "India"}, "Event ArmsTransfer Derivation", f"?e <{DGB}involves> <{STATE}india>", id="india-by-name"),
        pytest.param({"kind": "exercise", "from": "2015", "to": "2018"}, "JointExercise", f"?e <{DGB}startYear> ?y FILTER(?y >= 2015 && ?y <= 2018)", id="exercise-years"),
    ],
)  # fmt: skip
def test_the_filters_narrow_the_timeline(
    client: httpx.Client, store: EmbeddedStore, params: dict[str, str], classes: str, pattern: str
) -> None:
    found = items(client, **params)
    assert found and len(found) == count(store, classes, pattern)
    assert len(found) < timeline(client)["count"]  # type: ignore[operator]
    if "kind" in params:
        assert {i["kind"] for i in found} == {params["kind"]}


def test_two_kinds_are_the_sum_of_each(client: httpx.Client) -> None:
    both = client.get("/timeline.json?kind=exercise&kind=patrol").json()["count"]
    assert both == len(items(client, kind="exercise")) + len(items(client, kind="patrol"))


def test_the_page_and_its_files_hold_the_same_items(client: httpx.Client) -> None:
    params = {"state": "china", "kind": "exercise"}
    page = client.get("/timeline", params=params)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    found = items(client, **params)
    links = re.findall(r'<li><span class="when">.*?</span><span class="tag">[^<]*</span><a href="([^"]+)"', page.text)
    assert links == ["/id/" + str(i["iri"]).removeprefix(ID) for i in found]
    assert f"{len(found):,} items" in page.text
    rows = list(csv.DictReader(io.StringIO(client.get("/timeline.csv", params=params).text)))
    assert [r["iri"] for r in rows] == [i["iri"] for i in found]
    assert [r["start"] for r in rows] == [i["start"] for i in found]
    assert (
        '<option value="china" selected>' in page.text
        and 'href="/timeline.csv?state=china&amp;kind=exercise"' in page.text
    )


def test_the_site_navigation_links_the_timeline(client: httpx.Client) -> None:
    assert '<a href="/timeline">Timeline</a>' in client.get("/id/").text


def test_the_files_carry_the_release_the_licence_and_sipri_attribution(client: httpx.Client) -> None:
    transfers = client.get("/timeline.csv?kind=delivery&state=china")
    assert transfers.status_code == 200 and transfers.headers["content-type"].startswith("text/csv")
    assert transfers.headers["Dragonbear-Attribution"] == "Source: SIPRI Arms Transfers Database"
    assert "creativecommons.org/licenses/by/4.0" in transfers.headers["Link"]
    release = transfers.headers["Dragonbear-Release"]
    assert f'filename="timeline-china-delivery-{release}.csv"' in transfers.headers["Content-Disposition"]
    exercises = client.get("/timeline.json?kind=exercise")
    assert "Dragonbear-Attribution" not in exercises.headers and "attribution" not in exercises.json()
    assert exercises.json()["release"] == release and exercises.json()["license"].endswith("/by/4.0/")
    assert client.get("/timeline.json?kind=delivery").json()["attribution"].startswith("Source: SIPRI")
    page = client.get("/timeline?kind=delivery")
    assert "Source: SIPRI Arms Transfers Database" in page.text and "Get this data" in page.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param("state=atlantis", "no state 'atlantis'", id="state"),
        pytest.param("kind=battle", "no kind 'battle'", id="kind"),
        pytest.param("from=soon", "from must be a year", id="year"),
        pytest.param("from=2020&to=2010", "after to", id="order"),
        pytest.param("colour=red", "no filter 'colour'", id="parameter"),
        pytest.param("state=china&state=russia", "more than once", id="twice"),
        pytest.param("page=0", "page must be", id="page"),
    ],
)
@pytest.mark.parametrize("path", ["/timeline", "/timeline.json", "/timeline.csv"])
def test_a_bad_filter_is_a_400_with_a_message(client: httpx.Client, path: str, query: str, message: str) -> None:
    answer = client.get(f"{path}?{query}")
    assert answer.status_code == 400 and message in answer.text


def test_a_page_past_the_last_is_a_404_and_another_file_is_a_404(client: httpx.Client) -> None:
    assert client.get("/timeline?page=99").status_code == 404
    assert client.get("/timeline.xml").status_code == 404
