"""Kept releases on disk (graph/releases.py): the build keeps the release it made; newer releases push
the oldest out; a rebuild of a release replaces its copy but spares the one replaced until the next
keep; what a killed keep left behind is removed; nothing is kept when told to keep none."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from dragonbear import data_release
from dragonbear.graph.dataset import DATASET, DCAT
from dragonbear.graph.generations import new_generation
from dragonbear.graph.releases import RELEASES_DIR, keep_release, kept_releases, release_directory
from dragonbear.namespaces import GRAPH_ONTOLOGY
from dragonbear.pipeline.build import BuildReport


def _generation(store_dir: Path, version: str | None, marker: str = "x") -> Path:
    """A generation holding a dataset record of ``version`` (as the build writes it) and one marker triple."""
    gen = new_generation(store_dir)
    store = ox.Store(str(gen))
    graph = ox.NamedNode(GRAPH_ONTOLOGY)
    if version is not None:
        store.add(ox.Quad(ox.NamedNode(DATASET), ox.NamedNode(DCAT + "version"), ox.Literal(version), graph))
    store.add(
        ox.Quad(ox.NamedNode("http://example.org/m"), ox.NamedNode("http://example.org/p"), ox.Literal(marker), graph)
    )
    store.flush()
    del store
    return gen


def _marker(path: Path) -> str:
    store = ox.Store.read_only(str(path))
    return next(iter(store.quads_for_pattern(ox.NamedNode("http://example.org/m"), None, None))).object.value


def test_the_build_keeps_the_release_it_made(built: tuple[Path, BuildReport]) -> None:
    store_dir, report = built
    version = data_release().version
    assert report.release == version
    assert f"Release {version} kept" in report.text()
    kept = kept_releases(store_dir)
    assert [r.version for r in kept] == [version]
    assert kept[0].generation == report.generation.name  # type: ignore[union-attr]
    # a checkpoint: the same triples as the generation, in a folder of its own
    assert len(ox.Store.read_only(str(kept[0].path))) == len(ox.Store.read_only(str(report.generation)))


def test_newer_releases_push_the_oldest_out(tmp_path: Path) -> None:
    for version in ("2026.9.0", "2026.10.0", "2026.12.0", "2026.11.0"):
        assert keep_release(tmp_path, _generation(tmp_path, version), keep=2) == version
    # kept by version, newest first; the one just kept always stays
    assert [r.version for r in kept_releases(tmp_path)] == ["2026.12.0", "2026.11.0"]
    assert release_directory(tmp_path, "2026.9.0") is None
    copies = sorted(p.name.split("@")[0] for p in (tmp_path / RELEASES_DIR).iterdir() if not p.is_symlink())
    assert copies == ["2026.11.0", "2026.12.0"]


def test_a_rebuild_replaces_the_copy_and_spares_the_one_replaced_once(tmp_path: Path) -> None:
    keep_release(tmp_path, _generation(tmp_path, "2026.12.0", "first"))
    first = release_directory(tmp_path, "2026.12.0")
    assert first is not None and _marker(first) == "first"
    keep_release(tmp_path, _generation(tmp_path, "2026.12.0", "second"))
    second = release_directory(tmp_path, "2026.12.0")
    assert second is not None and _marker(second) == "second"
    assert first.is_dir()  # a server may still answer from it
    keep_release(tmp_path, _generation(tmp_path, "2026.12.1", "third"))
    assert not first.is_dir() and second.is_dir()


def test_what_a_killed_keep_left_is_removed(tmp_path: Path) -> None:
    folder = tmp_path / RELEASES_DIR
    (folder / ".2026.1.0@gen-x.abc123").mkdir(parents=True)  # a checkpoint being written
    (folder / "2026.1.0@gen-y").mkdir()  # written, never pointed at
    (folder / ".2026.1.0-abc123").symlink_to("2026.1.0@gen-y")  # a link never renamed into place
    keep_release(tmp_path, _generation(tmp_path, "2026.2.0"))
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["2026.2.0", *(p.name for p in folder.glob("2026.2.0@*"))]
    )


def test_nothing_is_kept_when_told_or_when_no_release_is_recorded(tmp_path: Path) -> None:
    assert keep_release(tmp_path, _generation(tmp_path, "2026.12.0"), keep=0) is None
    assert keep_release(tmp_path, _generation(tmp_path, None)) is None
    assert keep_release(tmp_path, _generation(tmp_path, "../../etc")) is None
    assert kept_releases(tmp_path) == []


@pytest.mark.parametrize("name", ["", "..", "../x", "2026.12.0/x", "a2026", "2026.12.0@gen", "9" * 41])
def test_names_that_are_not_releases_find_nothing(tmp_path: Path, name: str) -> None:
    keep_release(tmp_path, _generation(tmp_path, "2026.12.0"))
    assert release_directory(tmp_path, name) is None
