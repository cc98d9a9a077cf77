"""Whole-graph dumps made with the store (issue 15): a build or a load writes the dumps of its new
generation before it becomes current, they hold what ``dragonbear export`` gives, and the server
answers the first download of each from disk without making it; a store without them (built by an
older version) still gets them on first request."""

from __future__ import annotations

import gzip
import shutil
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from dragonbear.graph.dumps import DUMPS_DIR, dump_files, dumps_folder
from dragonbear.graph.export import ExportFormat, export_store
from dragonbear.graph.store import current_generation, open_store
from dragonbear.pipeline.build import BuildReport
from dragonbear.pipeline.update import load_files
from dragonbear.service.protocol.download import dump_cache

from ..conftest import app_client, copy_store


def _parsed(data: bytes, fmt: ExportFormat) -> set[str]:
    """The quads (triples for Turtle) of a dump, as text: the dumps have no blank nodes."""
    return {str(q) for q in ox.parse(data, format=fmt.rdf_format)}


def test_a_build_writes_every_dump_of_its_generation(built: tuple[Path, BuildReport]) -> None:
    store_dir, report = built
    assert report.generation == current_generation(store_dir)
    folder = dumps_folder(store_dir, report.generation)
    assert sorted(p.name for p in folder.iterdir()) == sorted(f.name for f in dump_files())
    assert "Writing the downloadable dumps" in report.seconds


@pytest.mark.parametrize("fmt", [pytest.param(f, id=f.value) for f in ExportFormat])
def test_the_dumps_hold_what_export_gives(built: tuple[Path, BuildReport], tmp_path: Path, fmt: ExportFormat) -> None:
    store_dir, report = built
    assert report.generation is not None
    exported = tmp_path / f"export.{fmt.extension}"
    export_store(open_store(store_dir, read_only=True), fmt, output=exported)
    expected = _parsed(exported.read_bytes(), fmt)
    folder = dumps_folder(store_dir, report.generation)
    plain = (folder / f"dragonbear.{fmt.extension}").read_bytes()
    assert _parsed(plain, fmt) == expected and expected
    assert gzip.decompress((folder / f"dragonbear.{fmt.extension}.gz").read_bytes()) == plain


def test_the_server_answers_the_first_download_without_making_it(
    built: tuple[Path, BuildReport], tmp_path: Path
) -> None:
    store_dir = copy_store(built[0], tmp_path / "store")
    folder = dumps_folder(store_dir, current_generation(store_dir))  # type: ignore[arg-type]
    written = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    with app_client(store_dir) as client:
        for file in dump_files():
            response = client.get(f"/download/{file.name}")
            assert response.status_code == 200, response.text
            assert response.content == (folder / file.name).read_bytes()
        listing = client.get("/download?format=json").json()
    assert dump_cache(store_dir).made == 0
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == written
    assert all(f["bytes"] for f in listing["files"])


def test_a_store_without_dumps_gets_them_on_first_request(built: tuple[Path, BuildReport], tmp_path: Path) -> None:
    store_dir = copy_store(built[0], tmp_path / "store")
    shutil.rmtree(store_dir / DUMPS_DIR)  # as a store built before the build wrote them
    with app_client(store_dir) as client:
        response = client.get("/download/dragonbear.trig.gz")
    assert response.status_code == 200
    assert dump_cache(store_dir).made == 2  # the plain file, then its gzip
    generation = current_generation(store_dir)
    assert generation is not None and (dumps_folder(store_dir, generation) / "dragonbear.trig").is_file()


@pytest.mark.slow
def test_a_load_has_its_dumps_written_in_the_background_and_old_ones_go(
    built: tuple[Path, BuildReport], tmp_path: Path
) -> None:
    store_dir = copy_store(built[0], tmp_path / "store")
    data = tmp_path / "extra.nq"
    data.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/b> <http://example.org/g> .\n")
    for _ in range(2):
        started = time.monotonic()
        load_files(store_dir, [data])
        returned = time.monotonic() - started
    generation = current_generation(store_dir)
    assert generation is not None
    dumps = dumps_folder(store_dir, generation)
    # the load returned before its dumps exist; a detached process writes them soon after
    deadline = time.monotonic() + 180
    while not all((dumps / f.name).is_file() for f in dump_files()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all((dumps / f.name).is_file() for f in dump_files()), (returned, sorted(p.name for p in dumps.glob("*")))
    nquads = (dumps / "dragonbear.nq").read_bytes()
    assert b"<http://example.org/a> <http://example.org/p> <http://example.org/b> <http://example.org/g> ." in nquads
    kept = {p.name for p in store_dir.glob("gen-*")}
    assert {p.name for p in (store_dir / DUMPS_DIR).iterdir()} <= kept  # the first generation's dumps went with it
    assert len(kept) == 2
