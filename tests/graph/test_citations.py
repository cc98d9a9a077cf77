"""Citations: the reference list behind an entity, checked with a real citation processor and a real BibTeX parser."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from starlette.testclient import TestClient

from dragonbear.graph.citations import CitationFormat, format_references, references_for
from dragonbear.graph.store import EmbeddedStore

from ..conftest import cli

ID = "https://w3id.org/dragonbear/id/"


def test_references_of_vostok_2018_cite_the_news_report_with_its_paragraphs(store: EmbeddedStore) -> None:
    refs = {r.key: r for r in references_for(store, ID + "exercise/vostok-2018")}
    assert "paragraph 9" in refs["vostok-2022-news"].locators


def test_csl_json_renders_in_citeproc_py(store: EmbeddedStore) -> None:
    refs = references_for(store, ID + "system/j-11")
    items = json.loads(format_references(refs, CitationFormat.CSL_JSON))
    assert {item["id"] for item in items} >= {"partnership-2025", "sipri-at-2024"}
    bibliography = CitationStylesBibliography(
        CitationStylesStyle("harvard-cite-them-right", validate=False), CiteProcJSON(items), formatter.plain
    )
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items)
    assert any("SIPRI Arms Transfers Database" in entry and "2024" in entry for entry in rendered)


def test_bibtex_parses_with_a_real_parser_and_keeps_every_entry(store: EmbeddedStore) -> None:
    refs = references_for(store, ID + "state/china", kind="derivations")
    library = bibtexparser.parse_string(format_references(refs, CitationFormat.BIBTEX))
    assert not library.failed_blocks
    assert {entry.key for entry in library.entries} == {r.key for r in refs}
    sipri = next(entry for entry in library.entries if entry.key == "sipri-at-2024")
    assert sipri.fields_dict["url"].value == "https://www.sipri.org/databases/armstransfers"
    assert "row:" in sipri.fields_dict["note"].value


def test_ris_has_one_record_per_source(store: EmbeddedStore) -> None:
    refs = references_for(store, ID + "person/hugo-von-essen")
    text = format_references(refs, CitationFormat.RIS)
    assert text.count("ER  - ") == len(refs) >= 1 and "AU  - Hugo von Essen" in text


def test_kind_keeps_one_kind_of_statement(store: EmbeddedStore) -> None:
    every = {r.key for r in references_for(store, ID + "state/china")}
    figures = {r.key for r in references_for(store, ID + "state/china", kind="figures")}
    assert figures and figures < every and "sipri-at-2024" not in figures
    with pytest.raises(ValueError, match="unknown kind"):
        references_for(store, ID + "state/china", kind="rumours")


def test_cite_command_takes_any_name(built: tuple[Path, object]) -> None:
    done = cli("cite", "歼-11", "--format", "bibtex", store_dir=built[0])
    assert done.returncode == 0, done.stderr
    assert not bibtexparser.parse_string(done.stdout).failed_blocks
    bad = cli("cite", "J-11", "--kind", "rumours", store_dir=built[0])
    assert bad.returncode == 2 and "unknown kind" in bad.stderr


@pytest.mark.parametrize(
    "accept, media, check",
    [
        pytest.param("application/x-bibtex", "application/x-bibtex", "@", id="bibtex"),
        pytest.param("application/x-research-info-systems", "application/x-research-info-systems", "TY  - ", id="ris"),
        pytest.param(
            "application/vnd.citationstyles.csl+json", "application/vnd.citationstyles.csl+json", '"id"', id="csl"
        ),
        pytest.param("text/plain", "text/plain", "Cited for", id="text"),
    ],
)
def test_api_cite_is_content_negotiated(client: TestClient, accept: str, media: str, check: str) -> None:
    response = client.get("/api/cite", params={"entity": "Vostok-2018"}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert check in response.text


def test_api_cite_answers_bad_requests_with_4xx(client: TestClient) -> None:
    assert client.get("/api/cite", params={"entity": "Vostok-2018", "kind": "x"}).status_code == 400
    assert client.get("/api/cite", params={"entity": "Vostok-2018"}, headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/api/cite", params={"entity": "no such thing at all"}).status_code == 404
