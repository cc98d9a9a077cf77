"""Dumps (``dragonbear export``, ``/download``) and the DCAT/VoID description of the dataset.

Every dump is parsed back and counted against the store it came from; the download endpoint is
tried against the app in this process (``client``).
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from starlette.testclient import TestClient

from dragonbear.graph.dataset import CC_BY_4, SIPRI_ATTRIBUTION, dataset_description, source_documents
from dragonbear.graph.export import ExportFormat, export_store
from dragonbear.graph.store import EmbeddedStore, open_store
from dragonbear.namespaces import GRAPH_ONTOLOGY, GRAPH_SIPRI
from dragonbear.pipeline.build import BuildReport

from ..conftest import cli

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
CC = "http://creativecommons.org/ns#"
SD = "http://www.w3.org/ns/sparql-service-description#"
RDFLIB_FORMATS = {
    ExportFormat.NQUADS: "nquads",
    ExportFormat.TRIG: "trig",
    ExportFormat.TURTLE: "turtle",
    ExportFormat.JSONLD: "json-ld",
}


def _parsed_count(data: bytes, fmt: ExportFormat) -> int:
    """Quads (triples for Turtle) of a dump, as pyoxigraph parses it into a store (duplicates merged)."""
    parsed = ox.Store()
    parsed.bulk_load(data, format=fmt.rdf_format)
    return len(parsed)


def _union_triples(store: EmbeddedStore) -> int:
    row = next(iter(store.query("SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")))
    return int(row["n"].value)  # type: ignore[index]


@pytest.mark.parametrize(
    "fmt",
    [
        pytest.param(ExportFormat.TRIG, id="trig"),
        pytest.param(ExportFormat.JSONLD, id="jsonld", marks=pytest.mark.slow),
        pytest.param(ExportFormat.TURTLE, id="turtle-merges-the-graphs", marks=pytest.mark.slow),
    ],
)
def test_export_parses_back_with_the_store_quad_count(
    built: tuple[Path, BuildReport], store: EmbeddedStore, tmp_path: Path, fmt: ExportFormat
) -> None:
    target = tmp_path / f"dump.{fmt.extension}"
    result = export_store(open_store(built[0], read_only=True), fmt, output=target)
    expected = _union_triples(store) if fmt is ExportFormat.TURTLE else store.count()
    assert result.count == expected
    assert _parsed_count(target.read_bytes(), fmt) == expected
    if fmt.keeps_graphs:
        parsed = ox.Store()
        parsed.bulk_load(target.read_bytes(), format=fmt.rdf_format)
        assert sorted(g.value for g in parsed.named_graphs()) == store.graphs()  # type: ignore[union-attr]


@pytest.mark.slow
def test_export_command_writes_gzipped_nquads_of_every_quad(
    built: tuple[Path, BuildReport], store: EmbeddedStore, tmp_path: Path
) -> None:
    target = tmp_path / "dragonbear.nq.gz"
    result = cli("export", "--format", "nquads", "--gzip", "--output", str(target), store_dir=built[0])
    assert result.returncode == 0, result.stderr
    assert f"{store.count():,} quads written" in result.stderr
    assert _parsed_count(gzip.decompress(target.read_bytes()), ExportFormat.NQUADS) == store.count()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]  # no temporary file left


TRIG_AND_JSONLD_SLOW = [
    pytest.param(f, id=f.value, marks=pytest.mark.slow if f.value in ("trig", "jsonld") else ()) for f in ExportFormat
]


@pytest.mark.parametrize("fmt", TRIG_AND_JSONLD_SLOW)
def test_export_of_one_graph_parses_with_rdflib(
    built: tuple[Path, BuildReport], store: EmbeddedStore, tmp_path: Path, fmt: ExportFormat
) -> None:
    target = tmp_path / f"ontology.{fmt.extension}"
    result = cli("export", "--format", fmt.value, "--graph", GRAPH_ONTOLOGY, "-o", str(target), store_dir=built[0])
    assert result.returncode == 0, result.stderr
    dataset = rdflib.Dataset()
    dataset.parse(target, format=RDFLIB_FORMATS[fmt])
    assert len(dataset) == store.count(GRAPH_ONTOLOGY)
    if fmt.keeps_graphs:  # the graph keeps its name
        assert {str(c.identifier) for c in dataset.graphs() if len(c)} == {GRAPH_ONTOLOGY}


def test_export_to_standard_output(built: tuple[Path, BuildReport], store: EmbeddedStore) -> None:
    result = cli("export", "-f", "turtle", "--graph", GRAPH_ONTOLOGY, store_dir=built[0])
    assert result.returncode == 0, result.stderr
    assert _parsed_count(result.stdout.encode("utf-8"), ExportFormat.TURTLE) == store.count(GRAPH_ONTOLOGY)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--format", "rdfxml"], id="unknown-format"),
        pytest.param(["--graph", "https://w3id.org/dragonbear/graph/nothing", "-o", "x.nq"], id="unknown-graph"),
        pytest.param(["--void", "v.ttl"], id="void-without-output"),
        pytest.param(["--output", "."], id="output-is-a-directory"),
        pytest.param(["--compress"], id="unknown-option"),
    ],
)
def test_export_bad_options_are_usage_errors(built: tuple[Path, BuildReport], args: list[str]) -> None:
    result = cli("export", *args, store_dir=built[0])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.strip()


def test_export_writes_its_description_beside_the_dump(
    built: tuple[Path, BuildReport], store: EmbeddedStore, tmp_path: Path
) -> None:
    dump, void = tmp_path / "ontology.trig", tmp_path / "ontology-void.ttl"
    result = cli(
        "export", "-f", "trig", "--graph", GRAPH_ONTOLOGY, "-o", str(dump), "--void", str(void), store_dir=built[0]
    )
    assert result.returncode == 0, result.stderr
    described = ox.Store()
    described.load(void.read_bytes(), format=ox.RdfFormat.TURTLE)
    row = next(
        iter(
            described.query(
                f"SELECT ?url ?size ?n WHERE {{ ?d <{DCAT}distribution> ?url . ?url <{DCAT}byteSize> ?size . "
                f"?d <{VOID}subset> [ <{SD}name> <{GRAPH_ONTOLOGY}> ; <{VOID}triples> ?n ] }}"
            )
        )
    )
    assert row["url"].value == dump.resolve().as_uri()  # type: ignore[index]
    assert int(row["size"].value) == dump.stat().st_size  # type: ignore[index]
    assert int(row["n"].value) == store.count(GRAPH_ONTOLOGY)  # type: ignore[index]


def _description_store(triples: list[ox.Triple]) -> ox.Store:
    out = ox.Store()
    out.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return out


def test_description_has_licence_sipri_attribution_sources_and_graph_counts(store: EmbeddedStore) -> None:
    counts = {g: store.count(g) for g in store.graphs()}
    sources = source_documents(store)
    described = _description_store(dataset_description("http://h/", counts, sources=sources))
    dataset = ox.NamedNode("http://h/.well-known/void#dataset")
    assert ox.NamedNode(f"{DCAT}Dataset") in {q.object for q in described.quads_for_pattern(dataset, None, None)}
    assert ox.Quad(dataset, ox.NamedNode(DCT + "license"), ox.NamedNode(CC_BY_4)) in described
    listed = {
        r["g"].value: int(r["n"].value)
        for r in described.query(  # type: ignore[union-attr]
            f"SELECT ?g ?n {{ ?d <{VOID}subset> [ <{SD}name> ?g ; <{VOID}triples> ?n ] }}"
        )
    }
    assert listed == counts
    sipri_attribution = list(
        described.query(
            f"SELECT ?text {{ ?s <{SD}name> <{GRAPH_SIPRI}> ; <{CC}attributionText> ?text ; <{DCT}rights> ?r }}"
        )
    )
    assert [r["text"].value for r in sipri_attribution] == [SIPRI_ATTRIBUTION]  # type: ignore[index]
    cited = {q.object.value for q in described.quads_for_pattern(dataset, ox.NamedNode(DCT + "source"), None)}
    assert {iri for iri, _ in sources} <= cited and len(sources) > 10


# --- over HTTP -------------------------------------------------------------------------------------


def _graph_counts(client: TestClient) -> dict[str, int]:
    response = client.get(
        "/sparql", params={"query": "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"}
    )
    return {b["g"]["value"]: int(b["n"]["value"]) for b in response.json()["results"]["bindings"]}


def _void(client: TestClient) -> ox.Store:
    response = client.get("/.well-known/void")
    assert response.status_code == 200, response.text
    described = ox.Store()
    described.load(response.content, format=ox.RdfFormat.TURTLE)
    return described


def test_well_known_void_describes_licence_attribution_counts_and_dumps(client: TestClient) -> None:
    described = _void(client)
    assert bool(
        described.query(
            f"ASK {{ ?d a <{DCAT}Dataset>, <{VOID}Dataset> ; <{DCT}license> <{CC_BY_4}> ; "
            f"<{DCT}modified> ?m ; <{VOID}uriSpace> ?u ; <{VOID}sparqlEndpoint> ?e }}"
        )
    )
    assert bool(
        described.query(f'ASK {{ ?s <{SD}name> <{GRAPH_SIPRI}> ; <{CC}attributionText> "{SIPRI_ATTRIBUTION}" }}')
    )
    listed = {
        r["g"].value: int(r["n"].value)
        for r in described.query(  # type: ignore[union-attr]
            f"SELECT ?g ?n {{ ?d <{VOID}subset> [ <{SD}name> ?g ; <{VOID}triples> ?n ] }}"
        )
    }
    assert listed == _graph_counts(client)
    urls = {
        r["u"].value
        for r in described.query(  # type: ignore[union-attr]
            f"SELECT ?u {{ ?d <{DCAT}distribution> [ <{DCAT}downloadURL> ?u ; <{DCAT}mediaType> ?m ] }}"
        )
    }
    assert "http://testserver/download/dragonbear.nq.gz" in urls and len(urls) == 8


def test_download_serves_a_dump_with_headers_etag_and_304(client: TestClient) -> None:
    url = "http://testserver/download/dragonbear.trig.gz"
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/gzip"
    assert response.headers["content-disposition"] == 'attachment; filename="dragonbear.trig.gz"'
    assert int(response.headers["content-length"]) == len(response.content)
    etag = response.headers["etag"]
    assert _parsed_count(gzip.decompress(response.content), ExportFormat.TRIG) == sum(_graph_counts(client).values())
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag and not again.content
    size = {
        r["s"].value
        for r in _void(client).query(  # type: ignore[union-attr]
            f"SELECT ?s {{ <{url}> <{DCAT}byteSize> ?s }}"
        )
    }
    assert size == {str(len(response.content))}  # the description knows the size once the file is made


def test_download_listing_answers_html_and_json(client: TestClient) -> None:
    html = client.get("/download", headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert 'href="/download/dragonbear.jsonld.gz"' in html.text and SIPRI_ATTRIBUTION in html.text
    listing = client.get("/download", headers={"Accept": "application/json"})
    assert listing.headers["content-type"].startswith("application/json")
    files = {f["name"]: f for f in listing.json()["files"]}
    assert set(files) == {f"dragonbear.{e}{z}" for e in ("nq", "trig", "ttl", "jsonld") for z in ("", ".gz")}
    assert files["dragonbear.ttl"]["named_graphs"] is False


@pytest.mark.parametrize(
    ("path", "message"),
    [
        pytest.param("/download/dragonbear.xml", "no download is named", id="unknown-format"),
        pytest.param("/download/dragonbear.nq.zip", "no download is named", id="unknown-compression"),
        pytest.param("/download/..%2Fcurrent", "", id="traversal"),
        pytest.param("/download/%2E%2E", "", id="dot-dot"),
    ],
)
def test_download_of_an_unknown_file_is_404(client: TestClient, path: str, message: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and message in response.text


def test_web_pages_link_to_the_downloads(client: TestClient) -> None:
    page = client.get("/").text
    assert page.count('href="/download"') >= 2  # the site header and the query page's text


def test_output_ending_in_gz_is_gzipped_without_a_time_stamp(built: tuple[Path, BuildReport], tmp_path: Path) -> None:
    target = tmp_path / "ontology.ttl.gz"
    result = cli("export", "-f", "turtle", "--graph", GRAPH_ONTOLOGY, "-o", str(target), store_dir=built[0])
    assert result.returncode == 0, result.stderr
    with gzip.GzipFile(fileobj=io.BytesIO(target.read_bytes())) as zipped:
        zipped.read()
        assert zipped.mtime == 0
