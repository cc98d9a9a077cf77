"""Releases an analyst can compare: the data release in the store, VoID, stats and pages; dragonbear diff."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from dragonbear import data_release
from dragonbear.graph.dataset import store_release
from dragonbear.graph.diff import diff_releases, read_side
from dragonbear.graph.store import EmbeddedStore
from dragonbear.pipeline.build import BuildReport

from ..conftest import ROOT, cli


def test_the_release_is_one_version_everywhere() -> None:
    release = data_release()
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f'version: "{release.version}"' in cff and f'date-released: "{release.issued}"' in cff
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert (zenodo["version"], zenodo["publication_date"]) == (release.version, release.issued)
    assert f"## {release.version} ({release.issued})" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_store_records_its_release(store: EmbeddedStore, built: tuple[Path, BuildReport]) -> None:
    assert store_release(store) == data_release().version
    done = cli("stats", store_dir=built[0])
    assert f"Data release: {data_release().version}" in done.stdout


def test_void_and_pages_give_the_release(client: TestClient) -> None:
    void = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    assert f'"{data_release().version}"' in void.text and "http://www.w3.org/ns/dcat#version" in void.text
    page = client.get("/id/system/j-11", headers={"Accept": "text/html"})
    assert f"Data release {data_release().version}" in page.text


def _quads(text: str) -> list[ox.Quad]:
    return list(ox.parse(text.encode(), format=ox.RdfFormat.N_QUADS))


OLD = """<http://x/c1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/dragonbear/ontology#Claim> <http://g> .
<http://x/c1> <https://w3id.org/dragonbear/ontology#hasAttestation> <http://x/c1#a> <http://g> .
<http://x/c1#a> <https://w3id.org/dragonbear/ontology#source> <http://x/s> <http://g> .
<http://x/s> <https://w3id.org/dragonbear/ontology#sourceKey> "paper" <http://g> .
<http://x/c1#a> <https://w3id.org/dragonbear/ontology#locator> "p. 1" <http://g> .
<http://x/c2> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/dragonbear/ontology#ComponentFit> <http://g> .
"""


def test_diff_finds_added_removed_and_changed_statements_by_kind_and_source(tmp_path: Path) -> None:
    new = OLD.replace('"p. 1"', '"p. 2"').replace("<http://x/c2>", "<http://x/c3>")
    result = diff_releases(_quads(OLD), _quads(new))
    assert {(c.statement, c.change, c.kind) for c in result.changes} == {
        ("http://x/c1", "changed", "claims"),
        ("http://x/c2", "removed", "dependencies"),
        ("http://x/c3", "added", "dependencies"),
    }
    assert result.counts("source")["paper"]["changed"] == 1
    old_file, new_file = tmp_path / "old.nq", tmp_path / "new.nq"
    old_file.write_text(OLD)
    new_file.write_text(new)
    done = cli("diff", str(old_file), str(new_file), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["by_kind"]["dependencies"] == {"added": 1, "removed": 1}


@pytest.mark.slow
def test_diff_of_a_store_with_itself_is_empty(built: tuple[Path, BuildReport]) -> None:
    side = read_side(built[0])
    assert not diff_releases(side, side).changes
    bad = cli("diff", "/nonexistent", str(built[0]))
    assert bad.returncode == 2 and "neither a store directory nor an N-Quads file" in bad.stderr


def test_version_of_the_software_and_the_data_from_the_command() -> None:
    from dragonbear import __version__

    expected = f"dragonbear {__version__} (data release {data_release().version}, {data_release().issued})"
    assert cli("--version").stdout.strip() == expected  # and from each entry point: test_entry_points.py


def test_licences_of_the_code_and_the_data_are_shipped() -> None:
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    data = (ROOT / "DATA-LICENSE.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in data and "Source: SIPRI Arms Transfers Database" in data
