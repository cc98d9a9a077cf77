"""Stores are compacted where their writes leave many files: after every build, after a load of many
quads and after a large Graph Store body; a small load is not (it costs what its file costs).

A read opens an iterator over every file that may hold its keys: fewer files, cheaper reads
(``EmbeddedStore.compact``'s text has the measurements).
"""

from __future__ import annotations

import pickle
import signal
from multiprocessing import Pipe
from pathlib import Path

import pytest

from dragonbear.graph.store import EmbeddedStore, current_generation, open_store
from dragonbear.pipeline import incremental
from dragonbear.pipeline.build import BuildReport
from dragonbear.pipeline.update import load_files
from dragonbear.service.runtime import writer
from dragonbear.service.runtime.writer import WriteJob, WriteOutcome, apply_write

from ..conftest import copy_store

ONE_TRIPLE = '<https://w3id.org/dragonbear/id/system/j-11> <http://www.w3.org/2000/01/rdf-schema#comment> "x" .\n'


def _tables(gen: Path) -> int:
    return len(list(gen.glob("*.sst")))


def _nquads(store: EmbeddedStore) -> set[str]:
    return {str(q) for q in store.quads()}


def test_compaction_keeps_every_quad_in_fewer_files(built: tuple[Path, BuildReport], tmp_path: Path) -> None:
    source = open_store(built[0], read_only=True)
    target = EmbeddedStore.open(tmp_path / "gen")
    source.copy_to(target, lines_per_chunk=2_000)  # bulk loads in many chunks: many files
    target.flush()
    before = _tables(tmp_path / "gen")
    target.compact()
    del target
    assert _tables(tmp_path / "gen") < before
    assert _nquads(EmbeddedStore.open(tmp_path / "gen", read_only=True)) == _nquads(source)


def test_a_build_compacts_its_store(built: tuple[Path, BuildReport]) -> None:
    assert "Compacting the store" in built[1].seconds


def test_a_small_load_is_not_compacted_and_a_large_one_is(
    built: tuple[Path, BuildReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_dir = copy_store(built[0], tmp_path / "store")
    data = tmp_path / "one.nt"
    data.write_text(ONE_TRIPLE, encoding="utf-8")
    said: list[str] = []
    load_files(store_dir, [data], progress=said.append)
    assert not any("Compacting" in line for line in said)
    monkeypatch.setattr(incremental, "COMPACT_AFTER_QUADS", 1)  # this one-triple load counts as large
    data.write_text(ONE_TRIPLE.replace('"x"', '"y"'), encoding="utf-8")
    load_files(store_dir, [data], progress=said.append)
    assert any("Compacting the new generation: done" in line for line in said)
    assert open_store(store_dir, read_only=True).ask("ASK { ?s rdfs:comment 'x', 'y' }")


def _write(current: Path, target: Path, job: WriteJob) -> None:
    """The writer process's work, run here (so that the threshold set here holds): it ignores SIGINT,
    which is given back afterwards."""
    mine, theirs = Pipe()
    handler = signal.getsignal(signal.SIGINT)
    try:
        apply_write(theirs, str(current), str(target), job)
    finally:
        signal.signal(signal.SIGINT, handler)
    outcome = mine.recv()
    assert isinstance(outcome, WriteOutcome), pickle.dumps(outcome)


def test_a_large_graph_store_body_is_compacted(
    built: tuple[Path, BuildReport], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = current_generation(built[0])
    assert current is not None
    body = "".join(
        f'<https://example.org/s{i}> <http://www.w3.org/2000/01/rdf-schema#label> "label {i}" .\n' for i in range(3000)
    ).encode()
    job = WriteJob(operation="put", graph="https://example.org/g", data=body, media_type="application/n-triples")
    monkeypatch.setattr(writer, "COMPACT_AFTER_BYTES", len(body) + 1)
    _write(current, tmp_path / "plain", job)
    monkeypatch.setattr(writer, "COMPACT_AFTER_BYTES", len(body))
    _write(current, tmp_path / "compacted", job)
    assert _tables(tmp_path / "compacted") < _tables(tmp_path / "plain")
    plain = EmbeddedStore.open(tmp_path / "plain", read_only=True)
    compacted = EmbeddedStore.open(tmp_path / "compacted", read_only=True)
    assert _nquads(compacted) == _nquads(plain)
    assert len(list(compacted.quads("https://example.org/g"))) == 3000
