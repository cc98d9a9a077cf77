"""The command line as a user runs it: formats, canned queries, names, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from dragonbear.pipeline.build import BuildReport

from ..conftest import cli


@pytest.fixture(scope="module")
def store_dir(built: tuple[Path, BuildReport]) -> Path:
    return built[0]


COUNT_SYSTEMS = "SELECT (COUNT(*) AS ?n) WHERE { ?s a dgb:SystemModel }"


@pytest.mark.parametrize(
    "fmt,check",
    [
        pytest.param("json", lambda out: int(json.loads(out)["results"]["bindings"][0]["n"]["value"]) > 50, id="json"),
        pytest.param("csv", lambda out: out.splitlines()[0].strip() == "n" and int(out.splitlines()[1]) > 50, id="csv"),
        pytest.param("tsv", lambda out: out.splitlines()[0].strip() == "?n", id="tsv"),
        pytest.param("xml", lambda out: "<sparql" in out and '<binding name="n">' in out, id="xml"),
        pytest.param("table", lambda out: out.splitlines()[0].strip() == "n" and "(1 row)" in out, id="table"),
    ],
)
def test_sparql_writes_select_results_in_each_format(store_dir: Path, fmt: str, check) -> None:  # type: ignore[no-untyped-def]
    result = cli("sparql", COUNT_SYSTEMS, "--format", fmt, store_dir=store_dir)
    assert result.returncode == 0, result.stderr
    assert check(result.stdout)


@pytest.mark.parametrize(
    "fmt,marker",
    [
        pytest.param("turtle", "skos:prefLabel", id="turtle"),
        pytest.param("ntriples", "<http://www.w3.org/2004/02/skos/core#prefLabel>", id="ntriples"),
        pytest.param("jsonld", '"@id"', id="jsonld"),
    ],
)
def test_sparql_writes_construct_results_as_rdf(store_dir: Path, fmt: str, marker: str) -> None:
    q = "CONSTRUCT { system:j-11 skos:prefLabel ?l } WHERE { system:j-11 skos:prefLabel ?l }"
    result = cli("sparql", q, "--format", fmt, store_dir=store_dir)
    assert result.returncode == 0, result.stderr
    assert marker in result.stdout and "J-11" in result.stdout


def test_sparql_reads_query_from_file(store_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("ASK { state:china a dgb:State }")
    result = cli("sparql", f"@{path}", store_dir=store_dir)
    assert (result.returncode, result.stdout.strip()) == (0, "true")


@pytest.mark.parametrize(
    "args,code,message",
    [
        pytest.param(["sparql", "SELEC ?x WHERE {}"], 2, "SPARQL syntax error", id="syntax-error"),
        pytest.param(["sparql", "SELECT ?x WHERE { ?x a dgb:NoSuchClass }"], 1, "", id="nothing-found"),
        pytest.param(
            ["sparql", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "--format", "turtle"],
            2,
            "cannot be written",
            id="format-mismatch",
        ),
        pytest.param(["query", "no-such-query"], 2, "no canned query named", id="unknown-query"),
        # These read every name of the store first (a third of a second each): slow, but for unknown-name.
        pytest.param(["query", "ancestors"], 2, "needs parameter system", id="missing-param", marks=pytest.mark.slow),
        pytest.param(
            ["query", "transfers", "-p", "supplier=Russia", "-p", "recipient=China", "-p", "from=199x"],
            2,
            "must be a whole number",
            id="bad-year",
            marks=pytest.mark.slow,
        ),
        pytest.param(
            ["query", "ancestors", "-p", "system=Nonexistent Plane 9000"], 1, "no system is named", id="unknown-name"
        ),
        pytest.param(
            ["query", "ancestors", "-p", "colour=red"],
            2,
            "has no parameter colour",
            id="unknown-param",
            marks=pytest.mark.slow,
        ),
        pytest.param(["resolve", "zzzzqqqq"], 1, "nothing is named", id="resolve-nothing", marks=pytest.mark.slow),
        pytest.param(["frobnicate"], 2, "", id="unknown-command"),
    ],
)
def test_cli_exit_codes(store_dir: Path, args: list[str], code: int, message: str) -> None:
    result = cli(*args, store_dir=store_dir)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_query_list_shows_every_canned_query(store_dir: Path) -> None:
    result = cli("query", "--list", store_dir=store_dir)
    for name in ("ancestors", "descendants", "transfers", "exercises", "claims", "conflicts"):
        assert name in result.stdout


def test_query_transfers_russia_to_china_as_json(store_dir: Path) -> None:
    result = cli(
        "query",
        "transfers",
        "-p",
        "supplier=Russia",
        "-p",
        "recipient=China",
        "-p",
        "from=2015",
        "-p",
        "to=2015",
        "--format",
        "csv",
        store_dir=store_dir,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    su35 = [r for r in rows if r["transfer"].endswith("/russia-china-2015-su-35s")]
    assert len(su35) == 1
    assert (su35[0]["quantityOrdered"], su35[0]["deliveryStartYear"], su35[0]["deliveryEndYear"]) == (
        "24",
        "2016",
        "2018",
    )
    assert int(su35[0]["sources"]) == 2  # one transfer attested by SIPRI and partnership-2025


@pytest.mark.slow  # two commands, each reading the names of the store
def test_query_takes_names_in_other_languages(store_dir: Path) -> None:
    by_name = cli("query", "ancestors", "-p", "system=歼-11", "--format", "csv", store_dir=store_dir)
    by_iri = cli(
        "query",
        "ancestors",
        "-p",
        "system=https://w3id.org/dragonbear/id/system/j-11",
        "--format",
        "csv",
        store_dir=store_dir,
    )
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == by_iri.stdout
    assert "su-27sk" in by_name.stdout


def test_ambiguous_name_lists_candidates(store_dir: Path) -> None:
    result = cli("query", "claims", "-p", "entity=Su", store_dir=store_dir)
    assert result.returncode in (1, 2)
    if result.returncode == 2:
        assert "ambiguous" in result.stderr and "id/system/" in result.stderr


def test_resolve_ranks_exact_names_first(store_dir: Path) -> None:
    result = cli("resolve", "Flanker", "--format", "json", store_dir=store_dir)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found[0]["iri"].endswith("/system/su-27")
    assert found[0]["score"] >= 90


def test_stats_counts_graphs_and_classes(store_dir: Path) -> None:
    result = cli("stats", store_dir=store_dir)
    assert result.returncode == 0, result.stderr
    assert "https://w3id.org/dragonbear/graph/sipri" in result.stdout
    assert "dgb:ArmsTransfer" in result.stdout


@pytest.mark.slow  # a SHACL validation of the whole store
def test_validate_reports_conforming_store(store_dir: Path) -> None:
    result = cli("validate", store_dir=store_dir)
    assert (result.returncode, result.stdout.strip()) == (0, "SHACL: conforms")


def test_validate_files_exits_1_on_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix dgb: <https://w3id.org/dragonbear/ontology#> .\n"
        "<https://w3id.org/dragonbear/id/system/x> a dgb:SystemModel .\n"
    )
    result = cli("validate", str(bad))
    assert result.returncode == 1
    assert "id/system/x" in result.stderr
