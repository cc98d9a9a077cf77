"""Lineage graphs (dragonbear.graph.lineage): the networkx view, walks on both backends, time slices,
paths, exports, the `dragonbear lineage` command and GET /api/lineage/{id}, on the shipped graph."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from starlette.testclient import TestClient

from dragonbear.errors import NotFoundError
from dragonbear.graph.lineage import (
    TECHNOLOGY,
    Backend,
    Direction,
    Relation,
    ancestors_of,
    descendants_of,
    has_cached_view,
    lineage_subgraph,
    lineage_view,
    paths_between,
)
from dragonbear.graph.lineage_export import ExportFormat, export_lineage
from dragonbear.graph.store import EmbeddedStore
from dragonbear.pipeline.build import BuildReport

from ..conftest import cli

ID = "https://w3id.org/dragonbear/id/"
J11, SU27SK, SU27, HQ9, S300 = (ID + f"system/{s}" for s in ("j-11", "su-27sk", "su-27", "hq-9", "s-300"))
CHINA = ID + "state/china"


@pytest.fixture(scope="module")
def view(store: EmbeddedStore) -> nx.MultiDiGraph:
    return lineage_view(store)


@pytest.fixture(scope="module")
def full_view(full_store: EmbeddedStore) -> nx.MultiDiGraph:
    """The lineage view of all the shipped data (the HQ-9's exports are SIPRI deals outside the small store)."""
    return lineage_view(full_store)


@pytest.mark.parametrize(
    "backend", [pytest.param(Backend.NETWORKX, id="networkx"), pytest.param(Backend.SPARQL, id="sparql")]
)
def test_ancestors_of_j11_include_su27sk_and_its_licensor(store: EmbeddedStore, backend: Backend) -> None:
    found = ancestors_of(store, J11, backend=backend)
    assert {SU27SK, SU27, ID + "state/russia"} <= found
    assert J11 not in found and CHINA not in found  # agents are leaves: nothing China bought


@pytest.mark.parametrize(
    "iri",
    [
        pytest.param(ID + s, id=s)
        for s in (
            "system/j-11",
            "system/hq-9",
            "system/su-27",
            "system/al-31f",
            "system/project-21631",
            "state/china",
            "state/russia",
            "org/sukhoi",
        )
    ],
)
@pytest.mark.parametrize("walk", [pytest.param(ancestors_of, id="up"), pytest.param(descendants_of, id="down")])
def test_sparql_and_networkx_backends_find_the_same_nodes(store: EmbeddedStore, iri: str, walk: object) -> None:
    assert walk(store, iri, backend=Backend.SPARQL) == walk(store, iri, backend=Backend.NETWORKX)  # type: ignore[operator]


def test_hq9_comes_from_s300_as_modeled_after_with_its_source(view: nx.MultiDiGraph) -> None:
    assert ancestors_of(view, HQ9, relations=TECHNOLOGY) == {S300}
    (edge,) = [d for d in view.get_edge_data(HQ9, S300).values()]
    assert edge["relation"] == "derivation" and edge["kind"] == "modeled after" and edge["confidence"] == 0.7
    assert ID + "source/partnership-2025" in {s["iri"] for s in edge["sources"]}


def test_component_edges_carry_maker_and_period(view: nx.MultiDiGraph) -> None:
    fits = view.get_edge_data(ID + "system/project-21631", ID + "system/mtu-16v4000")
    (fit,) = fits.values()
    assert fit["relation"] == "component" and fit["end"] == 2014 and fit["maker_state"] == ID + "state/germany"
    assert {ID + "system/j-10", ID + "system/j-15", ID + "system/j-20"} <= descendants_of(
        view, ID + "system/al-31f", relations={Relation.COMPONENT, Relation.VARIANT}
    )  # J-10: the AL-31FN


def test_transfer_edges_point_from_recipient_to_system(view: nx.MultiDiGraph) -> None:
    deal = view.edges[CHINA, ID + "system/su-35", ID + "transfer/sipri/russia-china-2015-su-35s"]
    assert deal["supplier"] == ID + "state/russia" and deal["year"] == 2015 and deal["units"] == 24
    assert deal["supplier_label"] == "Russia" and deal["tiv"] > 0


def test_paths_between_j15_and_su27_run_through_j11_either_way(view: nx.MultiDiGraph) -> None:
    paths = paths_between(view, ID + "system/j-15", SU27)
    assert [ID + "system/j-15", J11, SU27] in paths
    assert paths_between(view, SU27, ID + "system/j-15") == paths
    assert all(p[0] == ID + "system/j-15" and p[-1] == SU27 for p in paths)


def test_paths_between_unrelated_systems_are_none(view: nx.MultiDiGraph) -> None:
    assert paths_between(view, HQ9, J11) == []
    with pytest.raises(NotFoundError):
        paths_between(view, HQ9, ID + "system/no-such-system")


@pytest.mark.parametrize(
    ("year", "present", "absent"),
    [
        pytest.param(1995, {SU27}, {SU27SK}, id="1995-before-the-licence"),
        pytest.param(2000, {SU27, SU27SK}, set(), id="2000-after-the-licence"),
    ],
)
def test_as_of_drops_derivations_that_began_later(
    view: nx.MultiDiGraph, year: int, present: set[str], absent: set[str]
) -> None:
    graph = lineage_subgraph(view, J11, direction=Direction.UP, relations=TECHNOLOGY, year=year)
    assert present <= set(graph) and not absent & set(graph)


def test_as_of_2013_drops_later_transfers_and_fits(view: nx.MultiDiGraph) -> None:
    china = lineage_subgraph(view, CHINA, direction=Direction.UP, relations={Relation.TRANSFER}, year=2013)
    assert ID + "system/su-35" not in china and SU27SK in china  # ordered 2015; 1991
    assert ID + "system/su-35" in lineage_subgraph(view, CHINA, direction=Direction.UP, year=2016)
    platform = ID + "system/project-21631"
    in_2013 = lineage_subgraph(view, platform, direction=Direction.UP, year=2013)
    assert set(in_2013) == {platform, ID + "system/mtu-16v4000"}  # German engines until 2014
    assert set(lineage_subgraph(view, platform, year=2019)) == {platform, ID + "system/chd622v20"}


def test_lineage_of_an_unknown_node_is_not_found(store: EmbeddedStore) -> None:
    with pytest.raises(NotFoundError):
        lineage_subgraph(store, ID + "system/no-such-system", backend=Backend.SPARQL)


def test_view_is_cached_per_generation_and_in_memory_stores_are_read_anew(store: EmbeddedStore) -> None:
    assert lineage_view(store) is lineage_view(store) and has_cached_view(store)
    memory = EmbeddedStore.open(None)
    assert not has_cached_view(memory) and lineage_view(memory) is not lineage_view(memory)


def test_one_off_lineage_reads_the_same_graph_as_the_cached_view(store: EmbeddedStore, view: nx.MultiDiGraph) -> None:
    sparql = lineage_subgraph(store, J11, backend=Backend.SPARQL)
    cached = lineage_subgraph(view, J11)
    assert set(sparql.edges(keys=True)) == set(cached.edges(keys=True))
    assert dict(sparql.nodes(data=True)) == dict(cached.nodes(data=True))


# --- Exports ---------------------------------------------------------------------------------------


def _parse_json(data: bytes, graph: nx.MultiDiGraph, tmp: Path) -> None:
    body = json.loads(data)
    assert body["system"] == HQ9 and len(body["edges"]) == graph.number_of_edges()
    assert {n["data"]["id"] for n in body["nodes"]} == set(graph)


def _parse_graphml(data: bytes, graph: nx.MultiDiGraph, tmp: Path) -> None:
    back = nx.read_graphml(_written(tmp / "lineage.graphml", data))
    by_iri = {d["iri"]: d for _n, d in back.nodes(data=True)}  # GraphML ids are n0, n1...: XML name tokens
    assert set(by_iri) == set(graph) and back.number_of_edges() == graph.number_of_edges()
    assert by_iri[HQ9]["label"] == "HQ-9"


def _parse_gexf(data: bytes, graph: nx.MultiDiGraph, tmp: Path) -> None:
    ns = {"g": "http://gexf.net/1.3"}  # networkx reads GEXF up to 1.2draft only
    root = ET.fromstring(data)
    assert {n.get("id") for n in root.iterfind("g:graph/g:nodes/g:node", ns)} == set(graph)
    assert len(root.findall("g:graph/g:edges/g:edge", ns)) == graph.number_of_edges()


def _parse_dot(data: bytes, graph: nx.MultiDiGraph, tmp: Path) -> None:
    text = data.decode()
    assert text.startswith("digraph lineage {") and text.rstrip().endswith("}")
    edges = [line for line in text.splitlines() if " -> " in line]
    assert len(edges) == graph.number_of_edges()
    quoted = r'"(?:[^"\\]|\\.)*"'
    statement = re.compile(rf"^  {quoted}( -> {quoted})? \[(\w+=({quoted}|[\w.]+)(, )?)+\];$")
    assert all(statement.match(line) for line in text.splitlines()[3:-1])


def _parse_svg(data: bytes, graph: nx.MultiDiGraph, tmp: Path) -> None:
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "modeled after" in texts and "HQ-9" in texts


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        pytest.param(ExportFormat.JSON, _parse_json, id="json"),
        pytest.param(ExportFormat.GRAPHML, _parse_graphml, id="graphml"),
        pytest.param(ExportFormat.GEXF, _parse_gexf, id="gexf"),
        pytest.param(ExportFormat.DOT, _parse_dot, id="dot"),
        pytest.param(ExportFormat.SVG, _parse_svg, id="svg"),
    ],
)
@pytest.mark.slow
def test_each_export_format_parses_back(
    full_view: nx.MultiDiGraph, tmp_path: Path, fmt: ExportFormat, check: object
) -> None:
    graph = lineage_subgraph(full_view, HQ9)
    assert graph.number_of_edges() >= 2  # the derivation and the exports
    check(export_lineage(graph, fmt), graph, tmp_path)  # type: ignore[operator]


def test_entity_page_lineage_still_draws_the_licence(store: EmbeddedStore) -> None:
    from dragonbear.service.web.lineage import lineage_of, lineage_svg

    lineage = lineage_of(store, J11)
    assert set(lineage.nodes) >= {J11, SU27SK} and ID + "state/russia" not in lineage.nodes  # systems only
    assert "licensed production 1998" in lineage_svg(lineage)


# --- The command ------------------------------------------------------------------------------------


def test_cli_lineage_resolves_a_chinese_name_and_prints_json(built: tuple[Path, BuildReport]) -> None:
    result = cli("lineage", "歼-11", "--direction", "up", store_dir=built[0])
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["system"] == J11 and SU27SK in {n["data"]["id"] for n in body["nodes"]}
    assert ID + "system/j-15" not in {n["data"]["id"] for n in body["nodes"]}  # up only


@pytest.mark.slow
def test_cli_lineage_writes_graphml_for_an_as_of_year(built: tuple[Path, BuildReport], tmp_path: Path) -> None:
    out = tmp_path / "j11.graphml"
    result = cli("lineage", "J11", "--as-of", "1995", "--format", "graphml", "--output", str(out), store_dir=built[0])
    assert result.returncode == 0, result.stderr
    iris = {d["iri"] for _n, d in nx.read_graphml(out).nodes(data=True)}
    assert SU27 in iris and SU27SK not in iris


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(("Kilo",), 2, "ambiguous", id="ambiguous-name", marks=pytest.mark.slow),  # reads the names
        pytest.param(
            ("no-such-system-xyz",), 1, "no system, state or organization", id="unknown-name", marks=pytest.mark.slow
        ),
        pytest.param(("J-11", "--as-of", "20x3"), 2, "as-of", id="bad-year"),
        pytest.param(("J-11", "--direction", "sideways"), 2, "direction", id="bad-direction"),
    ],
)
def test_cli_lineage_rejects_bad_input_with_exit_code(
    built: tuple[Path, BuildReport], args: tuple[str, ...], code: int, message: str
) -> None:
    result = cli("lineage", *args, store_dir=built[0])
    assert result.returncode == code
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_cli_lineage_lists_the_candidates_of_an_ambiguous_name(built: tuple[Path, BuildReport]) -> None:
    result = cli("lineage", "Kilo", store_dir=built[0])
    assert ID + "system/kilo-class" in result.stderr


# --- The API ----------------------------------------------------------------------------------------


def test_api_lineage_keeps_its_shape_and_adds_types_relations_and_sources(client: TestClient) -> None:
    from dragonbear.service.api.queries import LineageGraph

    response = client.get("/api/lineage/j-11")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    graph = LineageGraph.model_validate(response.json())
    nodes = {n.data.id: n.data for n in graph.nodes}
    assert nodes[J11].type == "system" and nodes[ID + "state/russia"].type == "state"
    edges = [e.data for e in graph.edges]
    assert len({e.id for e in edges}) == len(edges)  # cytoscape.js refuses two elements of one id
    edge = next(e for e in edges if e.source == J11 and e.target == SU27SK)
    assert (edge.relation, edge.kind, edge.year, edge.start, edge.confidence) == (
        "derivation",
        "licensed production",
        1998,
        1998,
        0.85,
    )
    assert {s.iri for s in edge.sources} == {ID + "source/sipri-at-2024", ID + "source/partnership-2025"}
    assert any(e.relation == "variant" for e in edges)


@pytest.mark.parametrize(
    ("params", "inside", "outside"),
    [
        pytest.param({"direction": "up"}, {SU27SK}, {ID + "system/j-15"}, id="up"),
        pytest.param({"direction": "down"}, {ID + "system/j-15"}, {SU27SK}, id="down"),
        pytest.param({"as_of": "1995", "direction": "up"}, {SU27}, {SU27SK}, id="as-of"),
        pytest.param({"relation": "variant"}, {ID + "system/j-11b"}, {SU27SK}, id="relation"),
    ],
)
def test_api_lineage_takes_direction_as_of_and_relation(
    client: TestClient, params: dict[str, str], inside: set[str], outside: set[str]
) -> None:
    response = client.get("/api/lineage/j-11", params=params)
    assert response.status_code == 200
    nodes = {n["data"]["id"] for n in response.json()["nodes"]}
    assert inside <= nodes and not outside & nodes


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        pytest.param("dot", "text/vnd.graphviz", id="dot"),
        pytest.param("graphml", "application/graphml+xml", id="graphml"),
        pytest.param("gexf", "application/gexf+xml", id="gexf"),
        pytest.param("svg", "image/svg+xml", id="svg"),
    ],
)
def test_api_lineage_downloads_each_format(client: TestClient, fmt: str, media: str) -> None:
    response = client.get("/api/lineage/hq-9", params={"format": fmt})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert f'filename="lineage-hq-9.{fmt}"' in response.headers["content-disposition"]
    if fmt != "dot":
        ET.fromstring(response.content)
    assert b"s-300" in response.content


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        pytest.param("/api/lineage/no-such-system", 404, "no system", id="unknown"),
        pytest.param("/api/lineage/j-11?as_of=20x3", 400, "as_of must be a year", id="bad-year"),
        pytest.param("/api/lineage/j-11?as_of=12345", 400, "as_of must be a year", id="long-year"),
        pytest.param("/api/lineage/j-11?direction=sideways", 400, "direction must be", id="bad-direction"),
        pytest.param("/api/lineage/j-11?format=png", 400, "format must be", id="bad-format"),
        pytest.param("/api/lineage/j-11?relation=friendship", 400, "relation must be", id="bad-relation"),
    ],
)
def test_api_lineage_rejects_bad_requests_with_json_errors(
    client: TestClient, path: str, status: int, message: str
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert message in response.json()["message"]


def test_api_lineage_answers_for_a_state_iri(client: TestClient) -> None:
    response = client.get(f"/api/lineage/{CHINA}", params={"direction": "up", "relation": "transfer"})
    assert response.status_code == 200
    assert ID + "system/su-35" in {n["data"]["id"] for n in response.json()["nodes"]}


def test_openapi_documents_the_lineage_parameters_and_downloads(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/lineage/{system}"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert {"direction", "as_of", "relation", "format"} <= set(params)
    assert params["format"]["schema"]["enum"] == ["json", "dot", "graphml", "gexf", "svg"]
    content = operation["responses"]["200"]["content"]
    assert content["application/json"]["schema"]["$ref"].endswith("/LineageGraph")
    assert {"image/svg+xml", "application/graphml+xml", "application/gexf+xml", "text/vnd.graphviz"} <= set(content)
